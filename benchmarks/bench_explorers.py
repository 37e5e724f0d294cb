"""How fast every explorer of every notebook redraws after a control moves.

Finds the explorers by running each notebook's code cells in-process (a fresh
namespace, matplotlib's Agg backend, magics dropped) and collecting every
:class:`lrlab.explore.base.Explorer` they made. Each explorer then gets a few
hundred seeded control moves (one or a few slider steps, as keys and drags
make), each timed from setting the value to the frame being ready: the math,
the artists moved, the readout rewritten, the figure drawn (blit or full)
and the PNG frame the front end shows encoded. The canvas is put in the
state it has once a browser view is attached (frames sent as diffs).

In the same run the naive way is timed for the same figure: a new figure
(the explorer's, rebuilt from a pickle) saved as a PNG with
``bbox_inches="tight"``, which is what ``interact`` with the inline backend
does on every change, plus the same math.

Run from the repository root::

    python benchmarks/bench_explorers.py [--moves 200] [--naive 20] [NOTEBOOK ...]

Targets on a 2-core machine: median <= 16 ms, p95 <= 33 ms, naive / live >= 8.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import pickle
import random
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"


def code_cells(path):
    """The code cells' sources of a notebook, with IPython magics and shell lines dropped."""
    import json

    cells = json.loads(Path(path).resolve().read_text())["cells"]
    out = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        lines = [ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        out.append("\n".join(lines))
    return out


def discover(path):
    """Run a notebook's code in-process; return ``[(name, explorer), ...]`` it made.

    Parameters
    ----------
    path : str or Path
        The notebook.

    Returns
    -------
    list of (str, Explorer)
        Named by the variable holding the explorer (``"<class>#k"`` if none).
    """
    from lrlab.explore.base import Explorer

    made = []
    original = Explorer.__init__

    def recording_init(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    path = Path(path).resolve()
    namespace = {"__name__": "__main__", "display": lambda *args, **kwargs: None}
    cwd = os.getcwd()
    Explorer.__init__ = recording_init
    try:
        os.chdir(path.parent)
        with contextlib.redirect_stdout(io.StringIO()):
            for i, src in enumerate(code_cells(path)):
                exec(compile(src, f"{path.name}:cell{i}", "exec"), namespace)
    finally:
        Explorer.__init__ = original
        os.chdir(cwd)
    names = {id(v): k for k, v in namespace.items() if isinstance(v, Explorer)}
    return [(names.get(id(e), f"{type(e).__name__}#{i}"), e) for i, e in enumerate(made)]


def attach_view(explorer):
    """Put the canvas in the state a browser view leaves it: frames go out as diffs."""
    explorer.canvas.syncing_data_url = False
    explorer.canvas.draw()


def settle(explorer):
    """Make sure the frame for the current values is drawn and encoded.

    An explorer of this version renders in ``refresh`` (``flush`` draws a
    deferred render); an older one (no ``flush``) only asked the page for a
    draw, so its full ``canvas.draw()`` is done here, as the page would ask.
    """
    flush = getattr(explorer, "flush", None)
    if flush is not None:
        flush()
    else:
        explorer.canvas.draw()


def random_move(control, rng, max_steps=4):
    """A new value for ``control``: a few slider steps away, a toggle, or another option."""
    kind = type(control).__name__
    if kind == "Checkbox":
        return not control.value
    if kind == "LadderSlider":      # a slider over a list of numbers: a few positions away
        k = rng.choice([-1, 1]) * rng.randint(1, max_steps)
        positions = control.positions
        return positions[min(max(control.index + k, 0), len(positions) - 1)]
    if hasattr(control, "options"):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        others = [o for o in options if o != control.value] or options
        return rng.choice(others)
    k = rng.choice([-1, 1]) * rng.randint(1, max_steps)
    value = control.value + k * control.step
    value = min(max(value, control.min), control.max)
    return type(control.value)(value)


def time_moves(explorer, moves, seed=0):
    """Seconds per control move (value set to frame encoded), ``moves`` seeded moves.

    Returns the wall-clock times and the process's CPU times (all its threads):
    on a machine shared with other work the CPU time shows the work done, the
    wall-clock time also the wait for a core.
    """
    rng = random.Random(seed)
    names = list(explorer.controls)
    for name in names:            # warm-up: the first move of each control learns what moves
        for _ in range(3):
            explorer.controls[name].value = random_move(explorer.controls[name], rng)
            settle(explorer)
    renders = getattr(explorer, "renders", {})
    renders.update(dict.fromkeys(renders, 0))
    times, cpu = [], []
    for _ in range(moves):
        control = explorer.controls[rng.choice(names)]
        value = random_move(control, rng)
        t0, c0 = time.perf_counter(), time.process_time()
        control.value = value
        settle(explorer)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return np.array(times), np.array(cpu)


def time_naive(explorer, moves, seed=1):
    """Seconds per change done the naive way: math + new figure + PNG (``bbox_inches='tight'``)."""
    rng = random.Random(seed)
    names = list(explorer.controls)
    times = []
    for _ in range(moves):
        name = rng.choice(names)
        values = dict(explorer.values)
        values[name] = random_move(explorer.controls[name], rng)
        t0 = time.perf_counter()
        explorer.redraw(values)
        fig = pickle.loads(pickle.dumps(explorer.figure))
        for artist in _animated(fig):
            artist.set_animated(False)
        with io.BytesIO() as buf:
            fig.savefig(buf, format="png", bbox_inches="tight")
        times.append(time.perf_counter() - t0)
    explorer.refresh()
    return np.array(times)


def _animated(fig):
    return [a for a in fig.findobj() if a.get_animated()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--naive", type=int, default=20)
    args = parser.parse_args(argv)
    paths = [Path(p).resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    print(f"{'notebook':<34}{'explorer':<16}{'figure':>10}{'median':>9}{'p95':>8}"
          f"{'blit/kept/pan/full':>19}{'naive':>9}{'ratio':>8}{'cpu med':>9}{'cpu p95':>8}")
    worst = []
    for path in paths:
        try:
            found = discover(path)
        except Exception as err:  # a notebook being written may not run yet
            print(f"{path.stem:<34}could not run: {type(err).__name__}: {err}")
            worst.append(None)
            continue
        for name, explorer in found:
            attach_view(explorer)
            live, cpu = (t * 1e3 for t in time_moves(explorer, args.moves))
            naive = time_naive(explorer, args.naive) * 1e3
            med, p95 = np.median(live), np.percentile(live, 95)
            ratio = np.median(naive) / med
            w, h = explorer.figure.get_size_inches()
            renders = getattr(explorer, "renders", {"blit": 0, "full": args.moves})
            counts = "/".join(str(renders.get(k, 0)) for k in ("blit", "kept", "panels", "full"))
            print(f"{path.stem:<34}{name:<16}{f'{w:g}x{h:g}in':>10}{med:8.1f} {p95:7.1f} "
                  f"{counts:>19}{np.median(naive):8.1f} {ratio:7.1f}x"
                  f"{np.median(cpu):8.1f} {np.percentile(cpu, 95):7.1f}", flush=True)
            worst.append((med <= 16 and p95 <= 33 and ratio >= 8))
    ok = all(worst)
    print("cpu: the process's CPU time (all threads) per move, the work done whatever the load")
    print(f"times in ms per move; targets median <= 16, p95 <= 33, ratio >= 8: "
          f"{'all met' if ok else 'NOT all met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
