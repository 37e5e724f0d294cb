"""The course works offline: a notebook, and lrlab on its own, with the network blocked.

A ``sitecustomize`` module put first on ``PYTHONPATH`` patches every new
Python process (the kernel included) so that a socket may connect only to a
loopback address or a Unix socket, and host names resolve only when they
are local. The kernel talks to its client over loopback ZMQ, which stays
allowed. Every blocked attempt is also written to a log, so an attempt that
some library caught and ignored still fails the test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "00-start-here.ipynb"

SITECUSTOMIZE = textwrap.dedent('''
    import ipaddress
    import os
    import socket

    _LOG = os.environ["LRLAB_BLOCKED_LOG"]
    _LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}

    def _local(host):
        if isinstance(host, bytes):
            host = host.decode()
        if host is None or str(host).lower() in _LOCAL_NAMES:
            return True
        try:
            return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
        except ValueError:
            return False

    def _blocked(what):
        with open(_LOG, "a") as log:
            log.write(what + "\\n")
        return OSError(f"network blocked by the test: {what}")

    _connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex
    _getaddrinfo = socket.getaddrinfo

    def _check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _local(address[0]):
            raise _blocked(f"connect {address!r}")

    def connect(self, address):
        _check(self, address)
        return _connect(self, address)

    def connect_ex(self, address):
        _check(self, address)
        return _connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if not _local(host):
            raise _blocked(f"resolve {host!r}")
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    socket.getaddrinfo = getaddrinfo
''')


@pytest.fixture()
def offline_env(tmp_path):
    """An environment whose Python processes cannot reach beyond loopback."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "blocked.log"
    log.write_text("")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(site), str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    env["LRLAB_BLOCKED_LOG"] = str(log)
    env["MPLBACKEND"] = "Agg"
    return env, log


# Tries a documentation address (TEST-NET-3, RFC 5737) and prints what happened.
PROBE = ("import socket\ntry:\n    socket.create_connection(('203.0.113.7', 80), timeout=2)\n"
         "    print('reached')\nexcept OSError as err:\n    print(err)\n")


def _run_python(code, env):
    """Run ``code`` in a new Python process in the repository, with ``env``."""
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60, cwd=REPO)


def test_the_block_works(offline_env):
    env, log = offline_env
    result = _run_python(PROBE, env)
    assert "network blocked by the test" in result.stdout, result.stdout + result.stderr
    assert "203.0.113.7" in log.read_text()


def test_lrlab_imports_and_descends_offline(offline_env):
    env, log = offline_env
    code = ("import lrlab\n"
            "run = lrlab.gradient_descent(lrlab.blog_post_problem(), 5.0, 0.2, 30)\n"
            "print(run.status, round(float(run.w[-1]), 6))\n")
    result = _run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] in {"running", "converged"}
    assert log.read_text() == ""


def test_a_notebook_runs_offline(offline_env, tmp_path):
    import nbclient
    import nbformat
    env, log = offline_env
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=300,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute(env=env)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert not errors, errors
    last = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert "network blocked by the test" in last, "the kernel was not offline"
    attempts = [ln for ln in log.read_text().splitlines() if "203.0.113.7" not in ln]
    assert attempts == [], f"the notebook tried the network: {attempts}"
