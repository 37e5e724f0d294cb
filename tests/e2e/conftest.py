"""Fixtures for the browser tests: a JupyterLab or Voila server and headless Chromium.

Every server runs on 127.0.0.1, on a free port, with a random token, from a
temporary copy of the notebooks (JupyterLab autosaves: the repository's files
are never opened). Servers, their kernels and the browser are stopped by
process id in ``finally`` blocks, also when a test fails.
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import Server, free_port, start_server, stop_server
from e2e_support import (
    CHROMIUM_FLAGS,
    REPO,
    find_chromium,
    require_module,
    served_path,
    site_root,
)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


# A CI time-out or `kill` sends SIGTERM: turn it into an interrupt, so that the
# fixtures' finally blocks still stop the servers, kernels and browser.
signal.signal(signal.SIGTERM, _interrupt)


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Iterator[Server]:
    require_module("jupyterlab", "jupyterlab")
    tmp = tmp_path_factory.mktemp("lab")
    root = site_root(tmp)
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        # as `make lab` does: every save stored in the notebooks' normal form
        "--ContentsManager.pre_save_hook=lrlab._notebook_form.pre_save_hook",
    ]  # fmt: skip
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    server = start_server(cmd, tmp, root, port, token, "jupyterlab")
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture(scope="session")
def voila_factory(tmp_path_factory):
    """Start Voila on one notebook; every server started is stopped at session end."""
    require_module("voila", "voila")
    servers: list[Server] = []

    def start(notebook: Path) -> Server:
        tmp = tmp_path_factory.mktemp("voila")
        root = site_root(tmp)
        path = root / served_path(notebook)
        port, token = free_port(), secrets.token_hex(16)
        cmd = [
            sys.executable, "-m", "voila", str(path),
            "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}", f"--token={token}",
            "--Voila.port_retries=0",
            f"--Voila.config_file_paths={REPO / 'present'}",  # as make present: no solutions
        ]  # fmt: skip
        server = start_server(cmd, tmp, path.parent, port, token, "voila")
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in servers:
            stop_server(server)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Debian Chromium driven by Playwright, with a fresh user-data dir."""
    require_module("playwright", "playwright")
    executable = find_chromium()
    from playwright.sync_api import sync_playwright

    user_data = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(user_data),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    try:
        yield page
    finally:
        page.close()
