"""Notebook 07's explorers (momentum and Adam) and the math module behind its map."""

import json
import math
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import lrlab.theory as th  # noqa: E402
from lrlab import Quadratic, adam, blog_post_problem, gradient_descent  # noqa: E402
from lrlab.explore.momentum import HeavyBallExplorer, RaceExplorer  # noqa: E402
from lrlab.momentum import one_cycle_momentum, sweep_outcomes  # noqa: E402

PARABOLA = blog_post_problem()
BOWL = Quadratic([0.5, 5.0])
REF = json.loads((Path(__file__).parents[1] / "reference" / "one_cycle_momentum_torch.json")
                 .read_text())


@pytest.mark.parametrize("case", REF["cases"], ids=lambda c: f"total{c['total_steps']}")
def test_one_cycle_momentum_is_torchs(case):
    got = one_cycle_momentum(np.arange(case["total_steps"]), case["total_steps"],
                             case["pct_start"], case["base_momentum"], case["max_momentum"])
    np.testing.assert_allclose(got, case["momentum"], rtol=1e-14, atol=0)


def test_one_cycle_momentum_arguments():
    with pytest.raises(ValueError, match="max_momentum must be"):
        one_cycle_momentum(0, 100, base_momentum=0.9, max_momentum=0.8)
    with pytest.raises(ValueError, match="pct_start"):
        one_cycle_momentum(0, 100, pct_start=1.0)


def test_sweep_outcomes_against_single_runs():
    rates, momenta = np.array([0.05, 0.5, 1.2, 2.5]), np.array([0.0, 0.5, 0.9])
    out = sweep_outcomes(PARABOLA, 5.0, rates, momenta, steps=150, tol=1e-3)
    for i, lr in enumerate(rates):
        for j, beta in enumerate(momenta):
            run = gradient_descent(PARABOLA, 5.0, lr, 150, momentum=beta)
            e = np.abs(run.w + 1)
            if run.status == "diverged":
                assert out["outcome"][i, j] == "diverges"
                continue
            above = np.nonzero(e > 1e-3 * 6)[0]
            n = 0 if above.size == 0 else above[-1] + 1
            if n <= 150:
                assert out["outcome"][i, j] == "within tol" and out["steps_to"][i, j] == n
            else:
                assert out["outcome"][i, j] == "not yet"


def test_sweep_outcomes_follow_the_limit():
    # every pair beyond 2 (1 + beta) / L diverges, every pair well inside does not
    rates, momenta = np.geomspace(0.05, 4, 40), np.linspace(0, 0.95, 20)
    out = sweep_outcomes(PARABOLA, 5.0, rates, momenta, steps=400)
    limit = th.momentum_critical_lr(PARABOLA, momenta)
    beyond = rates[:, None] > 1.05 * limit[None, :]
    inside = rates[:, None] < 0.95 * limit[None, :]
    assert np.all(out["outcome"][beyond] == "diverges")
    assert not np.any(out["outcome"][inside] == "diverges")


def test_heavy_ball_readout_agrees_with_theory_and_run():
    e = HeavyBallExplorer(lr=1.5, momentum=0.9)
    assert e.summary["limit"] == pytest.approx(1.9)
    assert "underdamped" in e.text and "1.9" in e.text
    e.controls["momentum"].value = 0.0
    run = gradient_descent(PARABOLA, 5.0, e.controls["lr"].value, e.steps)
    assert run.status == "diverged" and f"diverged at step {run.status_step}" in e.text
    e.controls["lr"].value, e.controls["momentum"].value = 0.9, 0.3
    run = gradient_descent(PARABOLA, 5.0, e.controls["lr"].value, e.steps, momentum=0.3)
    n = th.steps_to_stay_within(run.w + 1, 1e-3)
    assert f"from step {n}" in e.text


def test_heavy_ball_on_the_bowl():
    e = HeavyBallExplorer(lr=0.23, momentum=0.27, problem=BOWL, lr_range=(0.002, 0.5))
    assert e.text.split("; ")[1].startswith("steepest direction")
    assert e.summary["status"] == gradient_descent(BOWL, [-5.0, 2.0], e.controls["lr"].value,
                                                   e.steps, momentum=0.27).status


def test_race_readout():
    e = RaceExplorer()
    runs = e.settings(e.values)
    adam_run = adam(BOWL, [-5.0, 2.0], e.controls["lr_adam"].value, e.steps)
    np.testing.assert_array_equal(runs[2].w, adam_run.w)
    parts = e.text.split("; ")
    assert [p.split(" (")[0] for p in parts] == ["plain", "momentum 0.5", "Adam"]
    e.controls["lr_sgd"].value = 0.3          # beyond plain descent's limit 0.2
    assert "plain (lr 0.3" in e.text and "diverged at step" in e.text
    assert math.isinf(e.summary["within"][0])


def test_race_settings_the_notebook_suggests():
    # 07's prose: plain descent past its limit 0.2 leaves the map; Adam at 2 is the question
    e = RaceExplorer(lr_sgd=0.18, lr_momentum=0.15, lr_adam=0.3, momentum=0.5, steps=60)
    e.controls["lr_sgd"].value = 0.21
    e.controls["lr_adam"].value = 2.0
    plain, _, adam_run = e.runs
    assert e.paths.contour.exit_text.get_text().startswith("left the plot at step")
    assert np.linalg.norm(plain.w[-1]) > np.linalg.norm(plain.w[0])
    inside = (np.abs(adam_run.w[:, 0]) <= 6) & (np.abs(adam_run.w[:, 1]) <= 3)
    assert inside.all()     # Adam's steps are about lr long: it stays on the map


@pytest.mark.parametrize("lr, beta, regime", [
    (0.9, 0.0, "flipping"), (0.9, 0.3, "underdamped"), (0.9, 0.9, "underdamped"),
    (1.5, 0.0, "divergent"), (1.5, 0.6, "underdamped"),
])
def test_heavy_ball_regimes_the_notebook_suggests(lr, beta, regime):
    e = HeavyBallExplorer(lr=0.9, momentum=0.0, steps=80)
    e.controls["lr"].value, e.controls["momentum"].value = lr, beta
    lr_set = e.controls["lr"].value
    assert e.summary["regime"] == regime == th.momentum_regime(PARABOLA, lr_set, beta)
    run = gradient_descent(PARABOLA, 5.0, e.controls["lr"].value, 80, momentum=beta)
    assert e.summary["status"] == run.status


def test_race_frames_after_one_rate_moves_are_full_draws():
    """The frame the page gets after one rate moves shows the other two runs, unchanged, as a
    full draw does (their many translucent markers included)."""
    import asyncio

    from .test_base import assert_same_picture, attached, frame, full_frame

    e = attached(RaceExplorer())
    e.controls["lr_sgd"].value = 0.1

    async def burst():                           # two sliders in one turn: one render
        e.controls["lr_momentum"].value = 0.086
        e.controls["lr_adam"].value = 1.95

    asyncio.run(burst())
    e.flush()
    for lr in (0.325, 0.2, 0.05):                # momentum and Adam unchanged from here on
        blits = e.renders["blit"]
        e.controls["lr_sgd"].value = lr          # drawn at once (no event loop now)
        assert e.renders["blit"] == blits + 1    # drawn fast: only what moves
        shown = frame(e)
        assert_same_picture(shown, full_frame(e), f"lr_sgd={lr}")
