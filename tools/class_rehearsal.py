"""A class rehearsal: N students on one real JupyterHub on this machine, dragging sliders.

Starts JupyterHub on 127.0.0.1 (``configurable-http-proxy`` from npm, the
dummy authenticator, the local process spawner in its "simple" form, which
runs every student's server as the current system user with a home folder of
its own), with N student accounts. Each home holds a copy of the course's
``notebooks/`` and ``data/``, as an nbgitpuller link would leave it.

Each simulated student, all at once in this process:

1. logs in through the hub's login form and starts their server from the hub;
2. opens the notebook's page, starts a kernel (``/api/sessions``) and talks
   to it over the hub's websocket with the Jupyter messaging protocol, as a
   browser does: it runs every code cell in order, creates every widget model
   the kernel opens and answers the figure canvases as the page's ipympl does
   (``refresh``, ``send_image_mode``, ``initialized``, then ``draw`` when asked);
3. waits for the whole class to be ready, then drives the first explorer's
   sliders at a human pace for the chosen minutes: a drag sends a new value
   every 50-100 ms for 2 s, then a pause of 2-5 s. Like ipywidgets' page, it
   keeps one update in flight per slider and sends only the newest value
   when the kernel is idle again. A move is done when the frame the kernel
   drew for it (or for a later move) arrives on the canvas's comm; its
   latency is from the moment the value was made to that frame's arrival.

One more student uses a real page: headless Chromium logs in, opens the
notebook in JupyterLab, runs all cells and presses arrow keys on the first
slider (key press to changed canvas pixels, timed in the page).

Measured per run: move latency (median, p95), moves done / failed or timed
out, kernel memory per student (PSS and RSS, from ``/proc``), CPU seconds per
student-minute of dragging (kernel plus the student's server), the browser's
key -> pixels, the hub's and proxy's logged errors, and processes left after
the hub stopped (there must be none). ``--students 1,5,10,20`` runs a fresh hub
for each class size and writes ``table.md``, ``results.json`` and
``latency-p95.png`` to ``build/class-rehearsal/``.

Run from the repository root (``make class-rehearsal STUDENTS=5 MINUTES=1``)::

    python tools/class_rehearsal.py --students 5 --minutes 1
    python tools/class_rehearsal.py --students 1,5,10,20 --minutes 1
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import datetime
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from browser_support import (
    CHROMIUM_FLAGS,
    find_chromium,
    free_port,
    key_to_pixels,
    stop_pid,
    watch_canvas,
    write_lab_settings,
)

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "build" / "class-rehearsal"
DEFAULT_NOTEBOOK = "notebooks/00-start-here.ipynb"
PROXY_PATHS = [REPO / ".venv" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"]
# lrlab's sliders are SelectionSliders over fixed numbers (the page sends a position,
# "index"); plain number sliders are kept for other notebooks.
SLIDERS = {"SelectionSliderModel", "FloatSliderModel", "FloatLogSliderModel", "IntSliderModel"}
OUT_SHOT = None          # where the browser student leaves a screenshot when it fails
MOVE_TIMEOUT = 10.0      # seconds: a move with no frame by then has failed
STEP_TIMEOUT = 300.0     # seconds for one step of a student (login, spawn, a cell)
TARGET_P95_MS = 250
VERBOSE = False


class UsageError(ValueError):
    """Bad input: the message names the argument and what is allowed."""


# --- input ------------------------------------------------------------------------------------


def read_number(name, text, parse, ok, allowed):
    """``text`` read by ``parse`` (int or float), if ``ok(value)``; otherwise a UsageError:
    ``name`` must be ``allowed``, not what was given."""
    try:
        value = parse(str(text).strip())
    except ValueError:
        raise UsageError(f"{name} must be {allowed}, not {text!r}") from None
    if not ok(value):
        shown = f"{value:g}" if isinstance(value, float) else value
        raise UsageError(f"{name} must be {allowed}, not {shown}")
    return value


def positive_int(name, text, hi):
    return read_number(name, text, int, lambda v: 1 <= v <= hi, f"a whole number from 1 to {hi}")


def positive_minutes(text):
    return read_number("MINUTES", text, float, lambda v: 0 < v <= 60,
                       "a number of minutes in (0, 60]")


def port_number(text):
    return read_number("HUB_PORT", text, int, lambda v: 1024 <= v <= 65535,
                       "a whole number from 1024 to 65535")


def check_port_free(port, name="HUB_PORT"):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            raise UsageError(f"{name} {port} on 127.0.0.1 is in use: stop what uses it, or pick "
                             f"another ({name}={port + 1 if port < 65535 else 8123})") from None


def find_proxy(explicit=None):
    """The ``configurable-http-proxy`` program, or a UsageError saying how to install it."""
    candidates = [Path(explicit)] if explicit else [*PROXY_PATHS]
    if not explicit and shutil.which("configurable-http-proxy"):
        candidates.append(Path(shutil.which("configurable-http-proxy")))
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            if shutil.which("node") is None:
                raise UsageError("configurable-http-proxy needs Node.js: install it "
                                 "(Debian/Ubuntu: apt-get install nodejs npm)")
            return path
    raise UsageError(
        "configurable-http-proxy (JupyterHub's proxy, from npm) was not found. "
        "`make class-rehearsal` installs it into .venv/chp with npm; without npm, "
        "install Node.js and npm first (Debian/Ubuntu: apt-get install nodejs npm)"
        + (f"; --proxy {explicit} is not an executable file" if explicit else ""))


# --- processes --------------------------------------------------------------------------------


def marked_processes(marker):
    """{pid: command line} of every process whose environment carries ``marker``."""
    found = {}
    needle = f"LRLAB_REHEARSAL={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found[int(entry.name)] = cmd.strip()
        except OSError:
            continue
    return found


def proc_env(pid, key):
    try:
        for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
            if item.startswith(key.encode() + b"="):
                return item.split(b"=", 1)[1].decode()
    except OSError:
        return None
    return None


def cpu_seconds(pid):
    """User plus system CPU seconds of ``pid`` so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid):
    """(PSS, RSS) of ``pid`` in MB, from /proc (PSS shares shared pages among their users)."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    except OSError:
        return float("nan"), float("nan")
    return pss / 1024, rss / 1024


# --- the hub ----------------------------------------------------------------------------------

HUB_CONFIG = """\
# Written by tools/class_rehearsal.py for one rehearsal; deleted after it.
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = "sqlite:///{tmp}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{tmp}/cookie_secret"
c.JupyterHub.pid_file = "{tmp}/hub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = set({users!r})
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{tmp}/home/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab/tree/{notebook}"
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
c.Spawner.environment = {environment!r}
"""


@dataclass
class Hub:
    """A JupyterHub on 127.0.0.1 for ``users``, run from a temporary folder."""

    port: int
    users: list
    notebook: str
    proxy: Path
    tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="lrlab-class-")))
    # every process of the rehearsal carries it in its environment (LRLAB_REHEARSAL)
    marker: str = field(default_factory=lambda: os.environ.get("LRLAB_REHEARSAL")
                        or secrets.token_hex(8))
    proc: subprocess.Popen | None = None
    seen: dict = field(default_factory=dict)
    log_start: int = 0           # errors count from here: before it, the hub was starting

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self):
        return self.tmp / "hub.log"

    def start(self):
        bindir = Path(sys.executable).parent
        mpl = self.tmp / "matplotlib"
        mpl.mkdir()
        env = dict(os.environ, LRLAB_REHEARSAL=self.marker, MPLCONFIGDIR=str(mpl))
        # one font cache for every kernel, built once now (a server image ships one)
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                       check=True)
        for name in self.users:
            self._make_home(self.tmp / "home" / name)
        args = ["--ServerApp.port_retries=0"]
        if os.geteuid() == 0:
            args.append("--allow-root")
        (self.tmp / "jupyterhub_config.py").write_text(HUB_CONFIG.format(
            port=self.port, hub_port=free_port(), api_port=free_port(), proxy=str(self.proxy),
            tmp=self.tmp, users=sorted(self.users),
            singleuser=str(bindir / "jupyterhub-singleuser"),
            args=args, notebook=self.notebook,
            environment={"LRLAB_REHEARSAL": self.marker, "MPLCONFIGDIR": str(mpl),
                         "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}))
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [str(bindir / "jupyterhub"), "-f", str(self.tmp / "jupyterhub_config.py")],
            cwd=self.tmp, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        import requests

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("JupyterHub stopped at start:\n" + self.log_tail())
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok:
                    self.log_start = self.log_path.stat().st_size
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError("JupyterHub did not answer in 120 s:\n" + self.log_tail())

    def _make_home(self, home):
        """A student's home: the course's notebooks and data, as nbgitpuller leaves them."""
        skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
        for part in ("notebooks", "data"):
            if (REPO / part).is_dir():
                shutil.copytree(REPO / part, home / part, ignore=skip)
        # JupyterLab draws every cell at once (the browser student scrolls no further)
        write_lab_settings(home / ".jupyter" / "lab" / "user-settings")

    def processes(self):
        found = marked_processes(self.marker)
        self.seen.update(found)
        return found

    def log_tail(self, n=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def errors(self):
        """The hub's and proxy's error lines (JupyterHub logs errors as ``[E ...]``)."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(self.log_start)
                lines = f.read().decode(errors="replace").splitlines()
        except OSError:
            return []
        return [ln for ln in lines if ln.startswith("[E ") or re.search(r"\berror\b", ln)
                and "ConfigProxy" in ln]

    def stop(self):
        """Stop the hub (it stops the students' servers and the proxy); return leftovers.

        Leftovers (any process of this rehearsal still alive 30 s after the hub
        was asked to stop) are killed by process id and returned as {pid: cmd}.
        """
        self.processes()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                stop_pid(self.proc.pid)
        deadline = time.monotonic() + 30
        left = marked_processes(self.marker)
        while left and time.monotonic() < deadline:
            time.sleep(0.5)
            left = marked_processes(self.marker)
        for pid in left:
            stop_pid(pid, grace=3)
        return left

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- one simulated student --------------------------------------------------------------------


def say(name, what):
    if VERBOSE:
        print(f"    {time.strftime('%H:%M:%S')} {name}: {what}", flush=True)


def login(session, hub_url, name):
    """Log in through the hub's form; that starts the student's server."""
    r = session.get(f"{hub_url}/hub/login", timeout=60)
    r.raise_for_status()
    xsrf = session.cookies.get("_xsrf", path="/hub/")
    r = session.post(f"{hub_url}/hub/login?next=/hub/spawn", timeout=STEP_TIMEOUT,
                     data={"username": name, "password": "rehearsal", "_xsrf": xsrf})
    r.raise_for_status()
    if "/hub/login" in r.url:
        raise RuntimeError(f"{name}: the hub refused the login")


def open_notebook(session, hub_url, name, notebook):
    """Open the notebook's page (as a browser would) and start its kernel; return the kernel id.

    Until the server is up, the page's address leads to the hub's "starting"
    page; once it is up, to the server, which signs the student in with the
    hub (OAuth) and sets the cookies the API calls need.
    """
    base = f"{hub_url}/user/{name}"
    deadline = time.monotonic() + STEP_TIMEOUT
    while True:
        r = session.get(f"{base}/lab/tree/{notebook}", timeout=60)
        if r.ok and r.url.startswith(base + "/"):
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name}: the server did not start in {STEP_TIMEOUT:.0f} s "
                               f"(last answer: {r.status_code} from {r.url})")
        time.sleep(0.5)
    xsrf = session.cookies.get("_xsrf", path=f"/user/{name}/")
    r = session.post(f"{base}/api/sessions", timeout=STEP_TIMEOUT, headers={"X-XSRFToken": xsrf},
                     json={"path": notebook, "type": "notebook", "name": Path(notebook).name,
                           "kernel": {"name": "python3"}})
    r.raise_for_status()
    return r.json()["kernel"]["id"]


def cookie_header(session, url):
    import requests

    req = requests.Request("GET", url).prepare()
    return requests.cookies.get_cookie_header(session.cookies, req)


def decode(frame):
    """A websocket frame of Jupyter's (legacy) kernel protocol -> (message, buffers)."""
    if isinstance(frame, str):
        return json.loads(frame), []
    n = struct.unpack("!I", frame[:4])[0]
    offsets = [*struct.unpack(f"!{n}I", frame[4:4 * (n + 1)]), len(frame)]
    parts = [frame[offsets[i]:offsets[i + 1]] for i in range(n)]
    return json.loads(parts[0]), parts[1:]


@dataclass
class Move:
    made: float
    done: float | None = None


@dataclass
class Student:
    """One simulated student: a login, a kernel, the notebook's cells, slider drags."""

    name: str
    hub_url: str
    notebook: str
    cells: list
    rng: random.Random
    cells_ok: int = 0
    errors: list = field(default_factory=list)
    moves: list = field(default_factory=list)
    frames: int = 0
    pid_kernel: int | None = None
    ready_at: float | None = None

    def __post_init__(self):
        self.models = {}         # comm id -> {"name": model name, "state": state}
        self.waiting = {}        # msg id -> future (shell reply)
        self.idle = {}           # msg id -> future (iopub idle)
        self.session_id = uuid.uuid4().hex
        self.canvas_waiting = {}     # canvas comm id -> waiting for an image
        self.in_flight = {}      # slider comm id -> (msg id, index of the last move it carries)
        self.pending = {}        # slider comm id -> (value, index of the last move)
        self.frame_for = {}      # update msg id -> index of the last move it carries
        self.watched = None      # the driven explorer's canvas comm id

    # -- messaging --------------------------------------------------------------------------

    def message(self, msg_type, content, channel="shell"):
        return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type,
                           "username": self.name, "session": self.session_id,
                           "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                           "version": "5.3"},
                "parent_header": {}, "metadata": {}, "content": content,
                "channel": channel, "buffers": []}

    async def send(self, msg_type, content, reply=False):
        msg = self.message(msg_type, content)
        loop = asyncio.get_running_loop()
        done = loop.create_future() if reply else None
        if reply:
            self.waiting[msg["header"]["msg_id"]] = done
        self.idle[msg["header"]["msg_id"]] = loop.create_future()
        await self.ws.write_message(json.dumps(msg))
        return msg["header"]["msg_id"], done

    async def comm_send(self, comm_id, data):
        msg_id, _ = await self.send("comm_msg", {"comm_id": comm_id, "data": data})
        return msg_id

    async def read(self):
        while True:
            frame = await self.ws.read_message()
            if frame is None:
                return
            msg, buffers = decode(frame)
            try:
                await self.dispatch(msg, buffers)
            except Exception as err:  # a bad message is the student's error, not a crash
                self.errors.append(f"message {msg.get('msg_type')}: {type(err).__name__}: {err}")

    async def dispatch(self, msg, buffers):
        kind = msg["header"]["msg_type"]
        parent = msg.get("parent_header", {}).get("msg_id")
        content = msg["content"]
        if msg.get("channel") == "shell" and parent in self.waiting:
            self.waiting.pop(parent).set_result(content)
        elif kind == "status" and content["execution_state"] == "idle" and parent in self.idle:
            self.idle.pop(parent).set_result(time.monotonic())
            self.after_idle(parent)
        elif kind == "error":
            self.errors.append(f"{content['ename']}: {content['evalue']}"[:300])
        elif kind == "stream" and content.get("name") == "stderr":
            self.errors.append("stderr: " + content["text"][:300])
        elif kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            state = content["data"]["state"]
            self.models[content["comm_id"]] = {"name": state.get("_model_name"), "state": state}
            if state.get("_model_name") == "MPLCanvasModel":
                # what the page's ipympl model sends when the kernel creates it
                for kind_ in ("refresh", "send_image_mode", "initialized"):
                    await self.comm_send(content["comm_id"],
                                         {"method": "custom", "content": {"type": kind_}})
        elif kind == "comm_msg":
            await self.on_comm(content, parent, buffers)

    async def on_comm(self, content, parent, buffers):
        comm_id, data = content["comm_id"], content["data"]
        model = self.models.get(comm_id)
        if model is None:
            return
        if data.get("method") == "update":
            model["state"].update(data.get("state", {}))
            return
        if data.get("method") != "custom" or model["name"] != "MPLCanvasModel":
            return
        event = json.loads(data["content"]["data"])
        if event["type"] == "draw" and not self.canvas_waiting.get(comm_id):
            self.canvas_waiting[comm_id] = True
            await self.comm_send(comm_id, {"method": "custom", "content": {"type": "draw"}})
        elif event["type"] == "binary":
            self.canvas_waiting[comm_id] = False
            if comm_id == self.watched and buffers:
                self.frames += 1
                last = self.frame_for.pop(parent, None)
                if last is not None:
                    now = time.monotonic()
                    for move in self.moves[:last + 1]:
                        if move.done is None:
                            move.done = now

    # -- the lesson ----------------------------------------------------------------------------

    async def run(self, session, go, stop_at):
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        hub = self.hub_url
        self.say("logging in")
        await asyncio.to_thread(login, session, hub, self.name)
        self.say("opening the notebook")
        kernel = await asyncio.to_thread(open_notebook, session, hub, self.name, self.notebook)
        url = f"{hub}/user/{self.name}/api/kernels/{kernel}/channels?session_id={self.session_id}"
        ws_url = url.replace("http://", "ws://")
        request = HTTPRequest(ws_url, headers={"Cookie": cookie_header(session, url)},
                              request_timeout=STEP_TIMEOUT, connect_timeout=STEP_TIMEOUT)
        self.ws = await websocket_connect(request, max_message_size=1 << 28)
        reader = asyncio.create_task(self.read())
        self.say("kernel connected")
        try:
            _, reply = await self.send("kernel_info_request", {}, reply=True)
            await asyncio.wait_for(reply, STEP_TIMEOUT)
            for source in self.cells:
                _, reply = await self.send("execute_request", {
                    "code": source, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
                    reply=True)
                result = await asyncio.wait_for(reply, STEP_TIMEOUT)
                if result.get("status") != "ok":
                    self.errors.append(f"cell {self.cells_ok + 1}: {result.get('ename')}")
                    break
                self.cells_ok += 1
            self.say(f"ran {self.cells_ok} of {len(self.cells)} cells")
            await asyncio.sleep(1.0)             # the canvases' first frames
            sliders = self.explorer_sliders()
            self.ready_at = time.monotonic()
            await go.wait()
            if sliders and self.cells_ok == len(self.cells):
                await self.drag(sliders, stop_at())
            # the last moves' frames
            deadline = time.monotonic() + MOVE_TIMEOUT
            while any(m.done is None for m in self.moves) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
        finally:
            reader.cancel()
            self.ws.close()

    def say(self, what):
        say(self.name, what)

    def explorer_sliders(self):
        """The sliders of the first explorer (the box that holds the first canvas)."""
        canvases = [cid for cid, m in self.models.items() if m["name"] == "MPLCanvasModel"]
        if not canvases:
            self.errors.append("no explorer canvas in the notebook")
            return []
        self.watched = canvases[0]

        def inside(cid):
            kids = [c.removeprefix("IPY_MODEL_") for c in
                    self.models.get(cid, {}).get("state", {}).get("children", [])]
            return {cid}.union(*[inside(k) for k in kids]) if kids else {cid}

        for cid, m in self.models.items():
            if m["name"] == "VBoxModel" and self.watched in inside(cid):
                return [s for s in sorted(inside(cid), key=list(self.models).index)
                        if self.models[s]["name"] in SLIDERS]
        return []

    def slider_value(self, cid, fraction):
        """The value at ``fraction`` of a slider's track (log sliders: of the exponent;
        selection sliders: the position among their options)."""
        s = self.models[cid]["state"]
        if self.models[cid]["name"] == "SelectionSliderModel":
            return int(round(fraction * (len(s["_options_labels"]) - 1)))
        x = s["min"] + fraction * (s["max"] - s["min"])
        if self.models[cid]["name"] == "FloatLogSliderModel":
            return s.get("base", 10.0) ** x
        if self.models[cid]["name"] == "IntSliderModel":
            return int(round(x))
        return x

    async def drag(self, sliders, stop_at):
        """Bursts of 2 s (a value every 50-100 ms), then a pause of 2-5 s, until ``stop_at``."""
        rng = self.rng
        position = {cid: rng.random() for cid in sliders}
        while time.monotonic() < stop_at:
            cid = sliders[0] if rng.random() < 0.6 else rng.choice(sliders)
            start = position[cid]
            target = rng.choice([rng.uniform(0, start), rng.uniform(start, 1)])
            t0 = time.monotonic()
            last = None
            while time.monotonic() - t0 < 2.0 and time.monotonic() < stop_at:
                frac = start + (target - start) * min(1.0, (time.monotonic() - t0) / 2.0)
                value = self.slider_value(cid, frac)
                if value != last:
                    last = value
                    self.moves.append(Move(time.monotonic()))
                    await self.update(cid, value, len(self.moves) - 1)
                await asyncio.sleep(rng.uniform(0.05, 0.10))
            position[cid] = target
            await asyncio.sleep(rng.uniform(2.0, 5.0))

    async def update(self, cid, value, index):
        """Send a slider's new value the way ipywidgets' page does: one update in flight."""
        if cid in self.in_flight:
            self.pending[cid] = (value, index)
            return
        key = "index" if self.models[cid]["name"] == "SelectionSliderModel" else "value"
        msg_id = await self.comm_send(cid, {"method": "update", "state": {key: value},
                                            "buffer_paths": []})
        self.in_flight[cid] = msg_id
        self.frame_for[msg_id] = index

    def after_idle(self, msg_id):
        for cid, flying in list(self.in_flight.items()):
            if flying == msg_id:
                del self.in_flight[cid]
                if cid in self.pending:
                    value, index = self.pending.pop(cid)
                    asyncio.ensure_future(self.update(cid, value, index))

    def latencies_ms(self):
        return [1000 * (m.done - m.made) for m in self.moves if m.done is not None]


# --- the browser student ----------------------------------------------------------------------

def kernel_idle(page, name):
    """Whether the student's server has a kernel and every kernel is idle (its REST API)."""
    states = page.evaluate(f"""() => {{
        const x = document.cookie.match(/_xsrf=([^;]+)/);
        return fetch('/user/{name}/api/kernels',
                     {{headers: x ? {{'X-XSRFToken': decodeURIComponent(x[1])}} : {{}}}})
          .then(r => r.json())
          .then(ks => Array.isArray(ks) ? ks.map(k => k.execution_state) : []);
    }}""")
    return bool(states) and all(s == "idle" for s in states)


def browser_student(hub_url, name, notebook, ready, go, stop_at, result, shot=None):
    """A real page: log in, open the notebook, Run All, then arrow keys on the first slider."""
    from playwright.sync_api import sync_playwright

    result.update(latencies=[], error=None, cells_ok=False)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), headless=True,
                                         args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{hub_url}/hub/login?next=/hub/spawn", timeout=120_000)
                page.fill("input[name=username]", name)
                page.fill("input[name=password]", "rehearsal")
                page.click("input[type=submit], button[type=submit]")
                say(name, "logged in, waiting for the server")
                # the hub sends the student on to the notebook (the spawner's default_url)
                page.wait_for_url(re.compile(f"/user/{name}/lab"), timeout=STEP_TIMEOUT * 1000)
                page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
                say(name, "notebook open, running all cells")
                box = page.locator(".lrlab-explorer").first
                prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
                deadline, ran, before = time.monotonic() + STEP_TIMEOUT, -math.inf, None
                while box.count() == 0:
                    choose = page.get_by_role("button", name="Select", exact=True)
                    if choose.count() and choose.first.is_visible():
                        choose.first.click()     # JupyterLab asks which kernel to start
                    elif (kernel_idle(page, name) and time.monotonic() - ran > 20
                          and (before is None or prompts.all_inner_texts() == before)):
                        # the kernel is up and no prompt changed since the last Run All
                        # (the stored notebook has its own execution counts): Run All
                        before = prompts.all_inner_texts()
                        ran = time.monotonic()
                        try:
                            page.get_by_role("menuitem", name="Run", exact=True).click(
                                timeout=5000)
                            page.get_by_role("menuitem", name="Run All Cells",
                                             exact=True).click(timeout=5000)
                        except Exception:      # a dialog came up in between: next turn
                            page.keyboard.press("Escape")
                            ran = -math.inf
                    if time.monotonic() > deadline:
                        raise RuntimeError("no explorer after Run All")
                    page.wait_for_timeout(1000)
                box.scroll_into_view_if_needed()
                while not kernel_idle(page, name) or any(
                        "*" in t for t in prompts.all_inner_texts()):
                    if time.monotonic() > deadline:
                        raise RuntimeError("the notebook did not finish running")
                    page.wait_for_timeout(500)
                result["cells_ok"] = page.locator(".jp-OutputArea-output[data-mime-type="
                                                  "'application/vnd.jupyter.stderr']").count() == 0
                handle = box.locator(".widget-slider .noUi-handle").first
                handle.wait_for(state="attached", timeout=60_000)
                watch_canvas(page, box)
                say(name, "ready")
            except Exception:
                if shot:
                    shot.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(shot))
                raise
            finally:
                ready.set()
            if not go.wait(STEP_TIMEOUT * 3):
                raise RuntimeError("the class never started dragging")
            handle.focus()
            i = 0
            while time.monotonic() < stop_at():
                key = "ArrowRight" if (i // 8) % 2 == 0 else "ArrowLeft"
                i += 1
                ms = key_to_pixels(page, key, MOVE_TIMEOUT * 1000)
                if ms is None:             # no new pixels in time
                    result.setdefault("timeouts", 0)
                    result["timeouts"] += 1
                else:
                    result["latencies"].append(ms)
                page.wait_for_timeout(400)
            browser.close()
    except Exception as err:
        result["error"] = f"{type(err).__name__}: {str(err).splitlines()[0][:300]}"


# --- a run ------------------------------------------------------------------------------------


def code_cells(path):
    nb = json.loads((REPO / path).read_text())
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "code"]


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def class_session(hub, names, notebook, minutes, browser_name, seed):
    cells = code_cells(notebook)
    import requests

    loop = asyncio.get_running_loop()
    loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(len(names) + 8))
    rng = random.Random(seed)
    students = [Student(n, hub.url, notebook, cells, random.Random(rng.random())) for n in names]
    browser_ready = threading.Event()
    go_async, go_thread = asyncio.Event(), threading.Event()
    window = {}

    def stop_at():
        return window["end"]

    browser = {}
    thread = None
    if browser_name:
        thread = threading.Thread(target=browser_student, daemon=True, args=(
            hub.url, browser_name, notebook, browser_ready, go_thread, stop_at, browser,
            OUT_SHOT))
        thread.start()
    sessions = [requests.Session() for _ in students]
    tasks = [asyncio.create_task(s.run(sess, go_async, stop_at))
             for s, sess in zip(students, sessions, strict=True)]
    t_start = time.monotonic()
    # until everyone is ready; a student whose task ends before that has failed
    while time.monotonic() - t_start < STEP_TIMEOUT * 3:
        if all(s.ready_at or t.done() for s, t in zip(students, tasks, strict=True)) and (
                thread is None or browser_ready.is_set()):
            break
        await asyncio.sleep(0.2)
    setup_s = time.monotonic() - t_start
    pids = find_student_pids(hub, names)
    cpu0 = {n: sum(cpu_seconds(p) for p in pids.get(n, {}).values()) for n in names}
    # the rest: hub, proxy, and the browser student's server and kernel
    hub_cpu0 = sum(cpu_seconds(p) for p in hub.processes()) - sum(cpu0.values())
    own0 = time.process_time()
    window["start"] = time.monotonic()
    window["end"] = window["start"] + 60 * minutes
    go_async.set()
    go_thread.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    drag_s = time.monotonic() - window["start"]
    cpu1 = {n: sum(cpu_seconds(p) for p in pids.get(n, {}).values()) for n in names}
    memory = {n: memory_mb(pids[n]["kernel"]) if "kernel" in pids.get(n, {}) else
              (float("nan"), float("nan")) for n in names}
    server_memory = {n: memory_mb(pids[n]["server"]) if "server" in pids.get(n, {}) else
                     (float("nan"), float("nan")) for n in names}
    hub_cpu1 = sum(cpu_seconds(p) for p in hub.processes()) - sum(cpu1.values())
    own = time.process_time() - own0
    if thread is not None:
        thread.join(timeout=MOVE_TIMEOUT + 60)
    for s, r in zip(students, results, strict=True):
        if isinstance(r, BaseException):
            s.errors.append(f"{type(r).__name__}: {str(r)[:300]}")
    return {
        "students": students, "cells": len(cells), "setup_s": setup_s, "drag_s": drag_s,
        "cpu": {n: cpu1[n] - cpu0[n] for n in names}, "memory": memory,
        "server_memory": server_memory, "hub_cpu": hub_cpu1 - hub_cpu0, "client_cpu": own,
        "browser": browser if browser_name else None,
    }


def find_student_pids(hub, names):
    """{student: {"server": pid, "kernel": pid}} found in /proc by the rehearsal's marker."""
    out = {}
    for pid, cmd in hub.processes().items():
        user = proc_env(pid, "JUPYTERHUB_USER")
        if user not in names:
            continue
        role = "kernel" if "ipykernel" in cmd else "server" if "singleuser" in cmd else None
        if role:
            out.setdefault(user, {})[role] = pid
    return out


def rehearse(students, minutes, port, notebook, proxy, browser=True, seed=0, log=print):
    """One rehearsal with a fresh hub; returns its summary (a dict)."""
    names = [f"student{i:02d}" for i in range(1, students + 1)]
    browser_name = "browser" if browser else None
    hub = Hub(port=port, users=names + ([browser_name] if browser else []), notebook=notebook,
              proxy=proxy)
    load_before = os.getloadavg()
    leftovers = {}
    try:
        log(f"==> {students} student(s){' + 1 browser' if browser else ''}: starting JupyterHub "
            f"at {hub.url}")
        hub.start()
        log(f"==> logging in, starting servers, running {notebook}, then {minutes:g} min of "
            f"dragging")
        raw = asyncio.run(class_session(hub, names, notebook, minutes, browser_name, seed))
    finally:
        hub_errors = hub.errors()
        log_tail = hub.log_tail()
        seen = dict(hub.seen)
        leftovers = hub.stop()
        hub.cleanup()
    summary = summarize(raw, minutes, load_before, hub_errors, leftovers)
    summary["processes_seen"] = len(seen)
    if summary["problems"]:
        summary["hub_log_tail"] = log_tail
    return summary


def summarize(raw, minutes, load_before, hub_errors, leftovers):
    students = raw["students"]
    lat = [x for s in students for x in s.latencies_ms()]
    moves = sum(len(s.moves) for s in students)
    # done: its frame came within MOVE_TIMEOUT; a later frame still counts the move as failed
    done = sum(1 for s in students for m in s.moves
               if m.done is not None and m.done - m.made <= MOVE_TIMEOUT)
    drag_min = raw["drag_s"] / 60
    pss = [raw["memory"][s.name][0] for s in students]
    rss = [raw["memory"][s.name][1] for s in students]
    spss = [raw["server_memory"][s.name][0] for s in students]
    cpu = [raw["cpu"][s.name] / drag_min for s in students]
    browser = raw["browser"]
    problems = []
    for s in students:
        if s.cells_ok != raw["cells"]:
            problems.append(f"{s.name}: ran {s.cells_ok} of {raw['cells']} cells")
        problems += [f"{s.name}: {e}" for e in s.errors[:3]]
        if not s.moves:
            problems.append(f"{s.name}: made no move")
    if moves != done:
        problems.append(f"{moves - done} move(s) had no frame within {MOVE_TIMEOUT:g} s")
    problems += [f"hub log: {e[:200]}" for e in hub_errors[:5]]
    if leftovers:
        problems.append(f"processes left after the hub stopped: {leftovers}")
    if browser is not None:
        if browser.get("error"):
            problems.append(f"browser student: {browser['error']}")
        elif not browser.get("latencies"):
            problems.append("browser student: no key press changed the figure")
    blat = browser.get("latencies", []) if browser else []
    return {
        "students": len(students), "minutes": minutes, "cells": raw["cells"],
        "cells_run": [s.cells_ok for s in students],
        "moves": moves, "moves_done": done, "moves_failed": moves - done,
        "latency_median_ms": statistics.median(lat) if lat else float("nan"),
        "latency_p95_ms": percentile(lat, 0.95),
        "latency_max_ms": max(lat) if lat else float("nan"),
        "kernel_pss_mb": statistics.mean(pss), "kernel_rss_mb": statistics.mean(rss),
        "server_pss_mb": statistics.mean(spss),
        "cpu_s_per_student_minute": statistics.mean(cpu),
        "other_cpu_s": raw["hub_cpu"], "load_client_cpu_s": raw["client_cpu"],
        "setup_s": raw["setup_s"], "drag_s": raw["drag_s"],
        "browser_key_to_pixels_median_ms": statistics.median(blat) if blat else None,
        "browser_key_to_pixels_p95_ms": percentile(blat, 0.95) if blat else None,
        "browser_presses": len(blat), "browser_timeouts": (browser or {}).get("timeouts", 0),
        "browser_error": (browser or {}).get("error"),
        "hub_errors": len(hub_errors), "leftover_processes": len(leftovers),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "problems": problems,
    }


# --- report -----------------------------------------------------------------------------------


def machine():
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({model}), {mem:.0f} GiB, {platform.platform()}"


def table(runs):
    head = ("| students (+1 browser) | moves done / made | no frame in 10 s | median ms | "
            "p95 ms | max ms | kernel PSS MB | kernel RSS MB | server PSS MB | "
            "CPU s per student-min | browser key->pixels median / p95 ms | hub errors | "
            "leftovers | load 1-min before |")
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in runs:
        b = r["browser_key_to_pixels_median_ms"]
        b = "-" if b is None else f"{b:.0f} / {r['browser_key_to_pixels_p95_ms']:.0f}"
        rows.append(
            f"| {r['students']} | {r['moves_done']} / {r['moves']} | {r['moves_failed']} | "
            f"{r['latency_median_ms']:.0f} | {r['latency_p95_ms']:.0f} | "
            f"{r['latency_max_ms']:.0f} | "
            f"{r['kernel_pss_mb']:.0f} | {r['kernel_rss_mb']:.0f} | {r['server_pss_mb']:.0f} | "
            f"{r['cpu_s_per_student_minute']:.1f} | {b} | {r['hub_errors']} | "
            f"{r['leftover_processes']} | {r['load_before'][0]:.2f} |")
    return "\n".join(rows)


def plot(runs, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
    xs = [r["students"] for r in runs]
    ax.plot(xs, [r["latency_p95_ms"] for r in runs], "o-", label="p95")
    ax.plot(xs, [r["latency_median_ms"] for r in runs], "s--", label="median")
    ax.axhline(TARGET_P95_MS, color="0.5", lw=1, ls=":", label=f"{TARGET_P95_MS} ms")
    ax.set_xlabel("students dragging at once (plus one browser)")
    ax.set_ylabel("slider move -> new frame (ms)")
    ax.set_title("Class rehearsal on one JupyterHub", fontsize=11)
    ax.set_ylim(bottom=0)
    ax.set_xticks(xs)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_report(runs, out, args):
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = (f"# Class rehearsal, {stamp}\n\nMachine: {machine()}.\n"
            f"Notebook {args.notebook}; {args.minutes:g} min of dragging per class size; "
            f"load averages (1, 5, 15 min) before each run: "
            + "; ".join(f"N={r['students']}: {r['load_before']}" for r in runs)
            + ".\n\n" + table(runs) + "\n")
    problems = [f"- N={r['students']}: {p}" for r in runs for p in r["problems"]]
    if problems:
        text += "\nProblems:\n" + "\n".join(problems) + "\n"
    (out / "table.md").write_text(text)
    (out / "results.json").write_text(json.dumps(
        {"date": stamp, "machine": machine(), "runs": runs}, indent=1, default=str))
    plot(runs, out / "latency-p95.png")
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", default="5",
                        help="students in the class (1-100); several sizes, one hub each: 1,5,10")
    parser.add_argument("--minutes", default="1", help="minutes of dragging (0-60]")
    parser.add_argument("--port", default="8123", help="the hub's port on 127.0.0.1")
    parser.add_argument("--notebook", default=DEFAULT_NOTEBOOK)
    parser.add_argument("--proxy", help="configurable-http-proxy program (default: .venv/chp)")
    parser.add_argument("--no-browser", action="store_true", help="no Chromium student")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=0, help="random seed of the drags")
    parser.add_argument("-v", "--verbose", action="store_true", help="each student's steps")
    args = parser.parse_args(argv)
    global VERBOSE, OUT_SHOT
    VERBOSE = args.verbose
    OUT_SHOT = args.out / "browser-failure.png"
    try:
        sizes = [positive_int("STUDENTS", s, 100) for s in str(args.students).split(",")]
        args.minutes = positive_minutes(args.minutes)
        port = port_number(args.port)
        check_port_free(port)
        if not (REPO / args.notebook).is_file():
            raise UsageError(f"NOTEBOOK {args.notebook} is not a notebook of this repository")
        proxy = find_proxy(args.proxy)
        if not args.no_browser and find_chromium() is None:
            raise UsageError("the browser student needs Chromium (apt-get install chromium, or "
                             "CHROMIUM=/path/to/chromium), or run with --no-browser")
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    # a plain `kill` still stops the hub and every student's server
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    runs = []
    for n in sizes:
        check_port_free(port)
        r = rehearse(n, args.minutes, port, args.notebook, proxy, not args.no_browser, args.seed)
        runs.append(r)
        print(table([r]).splitlines()[-1], flush=True)
        for p in r["problems"]:
            print("    problem:", p)
    print(write_report(runs, args.out, args))
    print(f"==> wrote {args.out}/table.md, results.json and latency-p95.png")
    return 1 if any(r["problems"] for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
