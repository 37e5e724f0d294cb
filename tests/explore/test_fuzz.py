"""Every explorer of every notebook, driven to its extremes and at random, without a browser.

The explorers are the ones the notebooks make: each notebook's code runs
in-process (``benchmarks/bench_explorers.py:discover``). Each explorer then
has every control set to its minimum and its maximum (through the widgets'
own callbacks, rendering included), and gets seeded random combinations of
all its controls. After each one:

- no exception escaped a callback and no warning was issued;
- every axis limit is finite and no line holds an infinite coordinate;
- the readout agrees with lrlab: the status it shows is the status of an
  independent :func:`lrlab.gradient_descent` run where the explorer exposes
  its settings, and a diverged run's readout names the step (for 08's
  explorer of many seeds: how many diverged, and the first update at which
  one did, from an independent :func:`lrlab.data.held_out_runs`).
"""

from __future__ import annotations

import importlib.util
import math
import random
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
# every notebook whose code makes an explorer (08's TrainingExplorer included)
NOTEBOOKS = [p for p in sorted((REPO / "notebooks").glob("*.ipynb"))
             if "Explorer(" in p.read_text(encoding="utf-8")]
COMBINATIONS = 150       # random combinations per explorer
RENDER_EVERY = 15        # of which every 15th is also drawn


def _bench():
    spec = importlib.util.spec_from_file_location(
        "bench_explorers", REPO / "benchmarks" / "bench_explorers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=None)
def explorers(path):
    """The ``[(name, explorer)]`` a notebook makes (run once per test session)."""
    return _bench().discover(path)


def random_moves(explorer, rng, rounds=2):
    """Set every enabled control of ``explorer`` to a seeded random value, ``rounds`` times
    over; after each move (the explorer flushed) yield the control's name and its value."""
    for _ in range(rounds):
        for cname, control in explorer.controls.items():
            if getattr(control, "disabled", False):
                continue
            value = random_value(control, rng)
            control.value = value
            explorer.flush()
            yield cname, value


def random_value(control, rng):
    kind = type(control).__name__
    if kind == "Checkbox":
        return rng.random() < 0.5
    if hasattr(control, "options"):      # a dropdown, or a slider over a list of numbers
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return rng.choice(options)
    n = round((control.max - control.min) / control.step)
    value = control.min + rng.randint(0, n) * control.step
    return type(control.value)(value)


def ends(control):
    kind = type(control).__name__
    if kind == "Checkbox":
        return [False, True]
    if kind == "LadderSlider":            # a slider over a list of numbers: its two ends
        return [control.min, control.max]
    if hasattr(control, "options"):
        return [o[1] if isinstance(o, tuple) else o for o in control.options]
    return [control.min, control.max]


def check_figure(explorer, where):
    for ax in explorer.figure.axes:
        for lim in (*ax.get_xlim(), *ax.get_ylim()):
            assert math.isfinite(lim), f"{where}: non-finite axis limit {ax.get_xlim()}"
        for line in ax.get_lines():
            xy = np.asarray(line.get_xydata(), dtype=float)
            assert not np.isinf(xy).any(), f"{where}: a line holds an infinite coordinate"
        for text in ax.texts:
            assert np.isfinite(np.asarray(text.get_position(), dtype=float)).all(), where


def independent_status(explorer, values):
    """The status of a run lrlab computes from the explorer's settings, or None."""
    from lrlab import Quadratic, gradient_descent
    from lrlab.explore.one_d import DescentExplorer

    # explorers whose settings(values) give (problem, rate or schedule, run)
    if isinstance(explorer, DescentExplorer) or type(explorer).__name__ == "BowlExplorer":
        problem, lr, run = explorer.settings(values)
        w0 = run.w[0]
        return gradient_descent(problem, w0, lr, run.steps).status
    if type(explorer).__name__ == "RegimeExplorer":
        v = {**explorer.defaults, **values}
        return gradient_descent(Quadratic(v["a"], center=explorer.center), v["w0"], v["lr"],
                                v["steps"]).status
    if type(explorer).__name__ == "TrainingExplorer":
        return seed_runs(explorer, values)[0]
    if type(explorer).__name__ == "HeavyBallExplorer":
        # notebook 07 (momentum and Adam): the heavy ball from the explorer's start
        return gradient_descent(explorer.problem, explorer.w0, values["lr"], explorer.steps,
                                momentum=values["momentum"]).status
    if type(explorer).__name__ == "RaceExplorer":
        # its readout's status is plain descent's (the first of its three runs)
        return gradient_descent(explorer.problem, explorer.w0, values["lr_sgd"],
                                explorer.steps).status
    return None


def seed_runs(explorer, values):
    """For an explorer of many seeds (08's TrainingExplorer): ``(status, diverged, first)``
    from :func:`lrlab.data.held_out_runs` run here, with the schedule of
    :mod:`lrlab.schedules` its settings name."""
    from lrlab import constant, cosine_decay, exponential_decay, linear_warmup
    from lrlab.data import held_out_runs

    data = explorer.data
    train = data.problem(batch_size=values["batch_size"])
    per_epoch = train.batches_per_epoch
    steps = values["epochs"] * per_epoch
    peak = values["peak"]
    warmup = min(2 * per_epoch, steps // 2)
    schedule = {
        "constant": lambda: constant(peak),
        "exponential": lambda: exponential_decay(peak, per_epoch, 0.8, staircase=True),
        "cosine + warmup": lambda: (linear_warmup(cosine_decay(peak, steps - warmup), warmup)
                                    if warmup else cosine_decay(peak, steps)),
    }[values["schedule"]]()
    run, _ = held_out_runs(train, data.held_out(), schedule, steps, list(explorer.seeds))
    gone = run.status == "diverged"
    first = int(run.status_step[gone].min()) if gone.any() else None
    return ("diverged" if gone.any() else "running"), int(gone.sum()), first


def check_readout(explorer, values, where):
    text = explorer.text
    assert isinstance(text, str) and text, f"{where}: empty readout"
    summary = explorer.summary
    run = getattr(explorer, "run", None)
    if run is not None and hasattr(run, "status") and np.ndim(run.status) == 0:
        assert summary["status"] == run.status, f"{where}: readout {summary['status']!r}, " \
                                                f"run {run.status!r}"
        if run.status == "diverged":
            assert f"step {int(run.status_step)}" in text, \
                f"{where}: diverged at step {int(run.status_step)} but the readout says {text!r}"
    expected = independent_status(explorer, values)
    if expected is not None:
        assert summary["status"] == expected, \
            f"{where}: readout says {summary['status']!r}, lrlab says {expected!r}"
    if type(explorer).__name__ == "TrainingExplorer":
        _, diverged, first = seed_runs(explorer, values)
        named = f"{diverged} of {len(explorer.seeds)} seeds diverged, the first at update {first}"
        assert (named in text) if diverged else ("diverged," not in text), \
            f"{where}: {diverged} seeds diverged (first at update {first}), readout {text!r}"


def set_all(explorer, values):
    """Set every control with one refresh at the end (the callbacks held meanwhile)."""
    refresh = explorer.refresh
    explorer.refresh = lambda: None
    try:
        for name, value in values.items():
            explorer.controls[name].value = value
    finally:
        del explorer.refresh
    refresh()


def _guarded(where, func, *args):
    """Call ``func``; an exception or a warning (an error here) fails naming the controls."""
    try:
        func(*args)
    except Exception as err:
        pytest.fail(f"{where}: {type(err).__name__}: {err}", pytrace=False)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_explorer_survives_its_controls(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = explorers(path)
    assert found, f"{path.name} uses an Explorer class but none was found after running it"
    for name, explorer in found:
        explorer.canvas.syncing_data_url = False     # as with a browser view attached
        rng = random.Random(f"{path.stem}:{name}")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            # each control to each end, through the widget's callback (rendering included)
            start = dict(explorer.values)
            for cname, control in explorer.controls.items():
                for value in ends(control):
                    where = f"{path.stem}:{name} {cname}={value!r}"
                    _guarded(where, setattr, control, "value", value)
                    check_figure(explorer, where)
                    check_readout(explorer, explorer.values, where)
                    explorer.render(full=True)
                    explorer.render()
                control.value = start[cname]
            for k in range(COMBINATIONS):
                values = {c: random_value(ctl, rng) for c, ctl in explorer.controls.items()}
                where = f"{path.stem}:{name} {values}"
                render = explorer.request_render
                explorer.request_render = lambda: None
                try:
                    _guarded(where, set_all, explorer, values)
                finally:
                    del explorer.request_render
                check_figure(explorer, where)
                check_readout(explorer, values, where)
                if k % RENDER_EVERY == 0:
                    _guarded(where, render)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_after_every_control_change_the_frame_is_a_full_draw(path):
    """What the page gets after a control moves (drawn fast: only what changed) shows what a
    full draw of the figure shows: legends, notes and end markers included, never a stale
    picture of an earlier run."""
    from .test_base import attached, frame, full_frame

    for name, explorer in explorers(path):
        attached(explorer)
        rng = random.Random(f"frames:{path.stem}:{name}")
        start = dict(explorer.values)
        for cname, value in random_moves(explorer, rng):   # twice: then every mover is known
            shown = frame(explorer)
            diff = np.abs(shown.astype(int) - full_frame(explorer).astype(int)).max(axis=-1)
            # Blending a translucent artist laid on as a layer (07's 20 seed lines)
            # may move a pixel by a few tens of 255, and a legend with a translucent
            # frame laid on as an image moves every pixel under it by a unit; a stale
            # text, swatch or marker differs by far more, over many pixels.
            where = f"{path.stem}:{name} {cname}={value!r}"
            assert diff.max() <= 48, f"{where}: pixels differ by up to {diff.max()}"
            assert (diff > 2).mean() < 5e-3, f"{where}: {(diff > 2).mean():.2%} differ"
        for cname, value in start.items():
            explorer.controls[cname].value = value
