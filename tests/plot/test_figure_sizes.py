"""Every static figure reads in a notebook column on a laptop, at its default size.

A notebook shows a figure as the PNG that IPython's inline backend makes of it
(``bbox_inches="tight"`` at the figure's dpi). JupyterLab at 1280x800 with the
file browser open has an 848 px column (measured in Chromium, see
tests/e2e/test_lab_figure_sizes.py); a wider PNG is shrunk to fit, and its text with
it. So, for every static figure function at its default size, as the notebooks
call it:

- the PNG is at most 850 px wide;
- every tick label is at least 10 px tall on screen (its font size in pixels at
  the figure's dpi, times the shrink factor if the PNG were wider than the column);
- no two texts of the figure overlap (tick labels, titles, axis labels, notes);
- no text placed inside an axes (a note, a threshold's label) lies on a line.

The expected numbers are the column's measured width and the 10 px floor of the
issue, not anything the figure code computes.
"""

from __future__ import annotations

import io
import itertools
import struct

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import lrlab.plot.model as PM  # noqa: E402
import lrlab.plot.noise as PN  # noqa: E402
import lrlab.plot.one_d as P  # noqa: E402
import lrlab.plot.schedules as PS  # noqa: E402
import lrlab.plot.two_d as P2  # noqa: E402
from lrlab import (  # noqa: E402
    Quadratic,
    TwoBasins,
    blog_post_problem,
    exponential_decay,
    noise,
    theory,
)
from lrlab import conventions as conv  # noqa: E402
from lrlab.plot.base import style_context  # noqa: E402

COLUMN_PX = 848        # JupyterLab 4.6 at 1280x800, file browser open (measured in Chromium)
MAX_WIDTH_PX = 850
MIN_TICK_PX = 10.0

PARABOLA = blog_post_problem()


def _training():
    from lrlab.data import ManySeeds, engel, held_out_runs
    from lrlab.range_test import range_test
    from lrlab.training import schedules_for, train_seeds

    data = engel()
    train, held = data.problem(batch_size=16, seed=0), data.held_out()
    per_epoch, seeds = train.batches_per_epoch, np.arange(4)
    return data, train, held, per_epoch, seeds, range_test, ManySeeds, schedules_for, \
        train_seeds, held_out_runs


def _model_figures():
    (data, train, held, per_epoch, seeds, range_test, ManySeeds, schedules_for, train_seeds,
     held_out_runs) = _training()
    test = range_test(ManySeeds(train, seeds), np.zeros((seeds.size, 2)), steps=100)
    limit = theory.critical_lr(train)
    exact = float(held.loss(train.minimum))
    results = {name: (sched, held_out_runs(train, held, sched, 4 * per_epoch, seeds)[1])
               for name, sched in schedules_for(0.056, per_epoch, 4).items()}
    peaks = np.geomspace(0.01, 0.8, 5)
    finals = {name: np.stack([held_out_runs(train, held, s, 2 * per_epoch, seeds)[1][-1]
                              for s in (schedules_for(p, per_epoch, 2)[name] for p in peaks)])
              for name in schedules_for(1.0, per_epoch, 2)}
    grid = [train_seeds(data, kind, 0.8, 3, size, seeds=seeds)
            for kind in ("constant", "cosine + warmup") for size in (4, 16, data.n_train)]
    return {
        "data_figure": PM.data_figure(data)[0],
        "steps_and_epochs": PM.steps_and_epochs(
            [exponential_decay(0.5, per_epoch, 0.8, staircase=True),
             exponential_decay(0.5, 1, 0.8, staircase=True)], per_epoch, epochs=5,
            labels=[f"decay_steps = {per_epoch} (once per epoch)",
                    "decay_steps = 1 (every update)"])[0],
        "range_test_figure": PM.range_test_figure(test, critical=limit)[0],
        "schedules_figure": PM.schedules_figure(results, per_epoch, best=exact)[0],
        "peak_sweep_figure": PM.peak_sweep_figure(
            peaks, finals, best=exact,
            marks=[(0.056, "suggested 0.056"), (0.56, "blows up (median)")])[0],
        "training_grid": PM.training_grid(grid)[0],
    }


def _noise_figures():
    problem, steps = PARABOLA, 200
    schedules = {kind: noise.noise_schedule(kind, 0.2, horizon=steps)
                 for kind in noise.SCHEDULE_KINDS}
    results = noise.compare_schedules(problem, 5.0, schedules, steps, 1.0, runs=50, seed=0)
    t = np.geomspace(10, steps, 10)
    return {
        "noise_ball_figure": PN.noise_ball_figure(
            problem, np.array([0.01, 0.03, 0.2, 0.4, 0.7, 0.9]), [0.5, 1.0, 2.0], steps=300,
            runs=50)[0],
        "schedules_grid": PN.schedules_grid(results, ball=theory.noise_ball(problem, 0.2, 1.0))[0],
        "long_run_figure": PN.long_run_figure(
            results, limit=(t, noise.inverse_time_limit(problem, 0.5, 1.0, t), "1/t law"))[0],
    }


def _convention_panels():
    """Notebook 04's three panels, with the libraries' stored values."""
    reference = conv.load_reference()

    def stored(case, lo, hi):
        steps = [s for s in case["steps"] if lo <= s <= hi]
        return steps, [case["rates"][s] for s in steps]

    def case(case_id, library):
        return conv.reference_case(reference, case_id, library, "float64")

    same = dict(warmup_steps=10)
    return [
        {"title": "1 · boundaries [10, 20]", "steps": np.arange(0, 26),
         "schedules": {'lrlab switch="after" (Keras)':
                       conv.keras_piecewise_constant([10, 20], [0.1, 0.05, 0.01]),
                       'lrlab switch="at" (optax, torch)':
                       conv.optax_piecewise_constant(0.1, {10: 0.5, 20: 0.2})},
         "library": {"Keras (stored)": stored(case("piecewise", "keras"), 0, 25),
                     "optax (stored)": stored(case("piecewise", "optax"), 0, 25)},
         "marks": {10: "boundary 10", 20: "boundary 20"}},
        {"title": "2 · warmup 10, decay_steps 100", "steps": np.arange(0, 131),
         "schedules": {"lrlab, read as Keras: decay after warmup": conv.keras_cosine_decay(
             0.0, 100, alpha=0.1, warmup_target=0.1, **same),
             "lrlab, read as optax: warmup inside decay": conv.optax_warmup_cosine(
             0.0, 0.1, decay_steps=100, end_value=0.01, **same)},
         "library": {"Keras, decay_steps=100 (stored)": stored(case("warmup_cosine", "keras"),
                                                                0, 130),
                     "optax, decay_steps=110 (stored)": stored(case("warmup_cosine", "optax"),
                                                                0, 130)},
         "marks": {100: "100", 110: "110"}},
        {"title": "3 · ExponentialLR(0.5), 10 batches/epoch", "steps": np.arange(0, 41),
         "schedules": {"step() per epoch": conv.epoch_stepped(exponential_decay(0.2, 1, 0.5), 10),
                       "step() per batch": exponential_decay(0.2, 1, 0.5)},
         "library": {"Keras staircase, decay_steps=10 (stored)":
                     stored(case("exponential_staircase", "keras"), 0, 40)},
         "marks": {10: "epoch 1", 20: "epoch 2", 30: "epoch 3"}, "log": True},
    ]


def _figures():
    """Every static figure function, called as the notebooks call it (shorter runs)."""
    bowl = Quadratic([0.5, 5.0], center=[0.0, 0.0])
    start = [-5.0, 2.0]
    rates6 = [0.01, 0.2, 0.5, 0.8, 1.0, 1.2]
    bowls = [Quadratic(a, -1.0) for a in (0.25, 1.0, 2.5, 4.0)]
    sched32 = exponential_decay(0.2, 1, 0.95, staircase=True, dtype=np.float32)
    figures = {
        "paths_grid": P.paths_grid(PARABOLA, 5.0, rates6, steps=20, xlim=(-12, 10))[0],
        "paths_grid (3 basins)": P.paths_grid(TwoBasins(), 1.6, [0.05, 0.2, 0.4], steps=60,
                                              xlim=(-2.0, 2.0))[0],
        "rate_axis": P.rate_axis(PARABOLA, rates=rates6)[0],
        "problems_grid": P.problems_grid(bowls, 5.0, lr=0.2, steps=20, xlim=(-12, 10))[0],
        "u_curve": P.u_curve(PARABOLA, 5.0, np.geomspace(1e-5, 10, 61), steps=(20, 200))[0],
        "first_steps": P.first_steps(PARABOLA, 5.0, 0.2)[0],
        "error_by_step": P.error_by_step(PARABOLA, 5.0, [0.05, 0.1, 0.2, 0.4], steps=25)[0],
        "decay_grid": P.decay_grid(PARABOLA, 5.0, 0.2, [1.0, 0.95, 0.8, 0.5], 40, (-3.5, 6))[0],
        "staircase_vs_continuous": P.staircase_vs_continuous(PARABOLA, 5.0, 0.2, 0.95)[0],
        "freeze_grid": P.freeze_grid(PARABOLA, 5.0, 0.2, [0.5, 0.8, 0.9, 0.95, 0.99], 100,
                                     (-3.5, 6.0))[0],
        "outcome_map": P.outcome_map(PARABOLA, np.geomspace(0.01, 10.0, 40),
                                     np.linspace(0.45, 0.995, 40),
                                     points=[(0.2, r, f"{r:g}") for r in (0.5, 0.9, 0.99)])[0],
        "float32_limits": P.float32_limits(PARABOLA, 5.0, sched32, steps=2000)[0],
        "contour_grid": P2.contour_grid(bowl, start, [0.05, 0.1, 0.18, 0.21], 40,
                                        xlim=(-6, 6), ylim=(-3, 3))[0],
        "factor_plot": P2.factor_plot(bowl, rates=[0.1, 0.19])[0],
        "direction_errors": P2.direction_errors(bowl, start, [0.1, 0.19], steps=60)[0],
        "gallery_grid": PS.gallery_grid(conv.gallery(), steps=100)[0],
        "blog_post_runs_grid": PS.blog_post_runs_grid(conv.gallery(), PARABOLA, 5.0, steps=100,
                                            reference_lr=0.1)[0],
        "convention_panels": PS.convention_panels(_convention_panels())[0],
    }
    figures.update(_noise_figures())
    figures.update(_model_figures())
    return figures


#: Public names of lrlab.plot's modules that are not figure functions.
NOT_FIGURES = {
    "COLORS", "MARKERS", "STYLE", "PRESENT_SCALE", "WIDTH", "grid_columns", "PathPanel",
    "LossPanel", "RatePanel",
    "rate_sweep", "label_above", "RateAxisPanel", "OUTCOME_STYLE",
    "ContourPanel", "FactorPanel", "DirectionErrorPanel", "edge_exit", "SCHEDULE_COLORS",
    "MSEPanel", "restyle_legend", "band", "SeedLinesPanel", "HeldLossPanel", "panel_title",
    "schedule_style", "draw_rates",
}


@pytest.fixture(scope="module")
def figures():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with style_context():
        made = _figures()
    for fig in made.values():
        FigureCanvasAgg(fig)
    return made


def png_width(fig) -> int:
    """Width of the PNG the inline backend shows (``bbox_inches="tight"`` at the figure's dpi)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return struct.unpack(">II", buf.getvalue()[16:24])[0]


def test_every_figure_function_is_checked(figures):
    public = {name for m in (P, P2, PM, PN, PS) for name in m.__all__}
    checked = {name.split(" ")[0] for name in figures}
    assert public - NOT_FIGURES == checked


def test_figures_fit_the_laptop_column(figures):
    widths = {name: png_width(fig) for name, fig in figures.items()}
    too_wide = {name: w for name, w in widths.items() if w > MAX_WIDTH_PX}
    assert not too_wide, f"PNG wider than {MAX_WIDTH_PX} px: {too_wide}"


def _drawn_tick_labels(ax):
    """The tick labels ``ax`` draws: visible, non-empty, at a tick inside the view limits."""
    labels = []
    for axis in (ax.xaxis, ax.yaxis):
        for tick in axis._update_ticks():
            labels += [lab for lab in (tick.label1, tick.label2)
                       if lab.get_visible() and lab.get_text().strip()]
    return labels


def _tick_labels(fig):
    return [lab for ax in fig.axes if ax.get_visible() for lab in _drawn_tick_labels(ax)]


def _visible_texts(fig):
    """Every text ``fig`` draws, with its extent: tick labels drawn, titles, labels, notes."""
    renderer = fig.canvas.get_renderer()
    ticks = {id(lab) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
             for tick in axis.get_major_ticks() + axis.get_minor_ticks()
             for lab in (tick.label1, tick.label2)}
    texts = [t for t in fig.findobj(Text) if id(t) not in ticks] + _tick_labels(fig)
    found = []
    for artist in texts:
        if not artist.get_visible() or not artist.get_text().strip():
            continue
        if artist.axes is not None and not artist.axes.get_visible():
            continue
        box = artist.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            found.append((artist, box))
    return found


def test_tick_labels_are_at_least_10_px_on_screen(figures):
    small = {}
    for name, fig in figures.items():
        fig.canvas.draw()
        scale = min(1.0, COLUMN_PX / png_width(fig))
        sizes = [t.get_size() * fig.dpi / 72 * scale for t in _tick_labels(fig)]
        assert sizes, f"{name}: no tick label found"
        if min(sizes) < MIN_TICK_PX:
            small[name] = round(min(sizes), 1)
    assert not small, f"tick labels under {MIN_TICK_PX} px on screen: {small}"


def test_no_two_texts_overlap(figures):
    clashes = []
    for name, fig in figures.items():
        fig.canvas.draw()
        texts = _visible_texts(fig)
        for (a, box_a), (b, box_b) in itertools.combinations(texts, 2):
            # a legend lays out its own entries
            if _in_legend(a, fig) and _in_legend(b, fig):
                continue
            inter = box_a.intersection(box_a, box_b)
            if inter is not None and inter.width > 0 and inter.height > 1:
                clashes.append(f"{name}: {a.get_text()!r} and {b.get_text()!r}")
    assert not clashes, "overlapping texts:\n" + "\n".join(clashes)


def _in_legend(text, fig):
    """Whether ``text`` is an entry or the title of one of ``fig``'s legends."""
    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    return any(leg is not None and (text in leg.get_texts() or text is leg.get_title())
               for leg in legends)


def _segments_hit(box, xy):
    """Whether the polyline ``xy`` (display coordinates) passes through ``box``."""
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(xy) == 0:
        return False
    # points every 2 px along each segment
    pts = [xy[:1]]
    for p, q in zip(xy[:-1], xy[1:], strict=True):
        n = max(2, int(np.hypot(*(q - p)) / 2))
        pts.append(p + (q - p) * np.linspace(0, 1, n)[:, None])
    pts = np.concatenate(pts)
    inside = ((pts[:, 0] > box.x0 + 1) & (pts[:, 0] < box.x1 - 1)
              & (pts[:, 1] > box.y0 + 1) & (pts[:, 1] < box.y1 - 1))
    return bool(inside.any())


#: Notes that may cross a path, and why: a diverging 2-D zigzag spans the window's whole
#: height, so no side of it is free; the note has a white box (ContourPanel.exit_text).
CROSSES_A_PATH = {("contour_grid", "left the plot at step 5")}


def _drawn_axes(figures):
    """``(name, ax, renderer)`` for every visible axes of every figure, the figure drawn."""
    for name, fig in figures.items():
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            if ax.get_visible():
                yield name, ax, renderer


def _drawn_lines(ax):
    """``(line, points)`` for every visible line of ``ax``, its points in display pixels."""
    for line in ax.get_lines():
        if line.get_visible():
            yield line, line.get_transform().transform(
                np.column_stack(line.get_data(orig=False)).astype(float))


def test_no_label_inside_an_axes_lies_on_a_line(figures):
    """A note or label written in an axes does not cover any of the axes' lines."""
    covered = []
    for name, ax, renderer in _drawn_axes(figures):
        for text in ax.texts:
            if not text.get_visible() or not text.get_text().strip():
                continue
            if (name, text.get_text()) in CROSSES_A_PATH:
                continue
            box = text.get_window_extent(renderer)
            # a line is drawn only inside the axes: so is what it can cover
            box = box.intersection(box, ax.bbox)
            if box is None:
                continue
            for line, xy in _drawn_lines(ax):
                if line.get_linestyle() in ("None", "none", ""):
                    continue
                if _segments_hit(box, xy):
                    covered.append(f"{name}: {text.get_text()!r} on a line "
                                   f"({line.get_label()!r}, {len(xy)} points from "
                                   f"{np.round(line.get_xydata()[0], 3).tolist()})")
    assert not covered, "labels over lines:\n" + "\n".join(covered)


def test_no_legend_inside_an_axes_covers_a_line(figures):
    """A legend drawn inside an axes lies where none of the axes' lines passes."""
    covered = []
    for name, ax, renderer in _drawn_axes(figures):
        legend = ax.get_legend()
        if legend is None or not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer).intersection(
            legend.get_window_extent(renderer), ax.bbox)
        if box is None or box.width < 0.9 * legend.get_window_extent(renderer).width:
            continue                  # beside the axes, not over them
        for line, xy in _drawn_lines(ax):
            if line.get_linestyle() in ("None", "none", ""):
                hit = bool(((xy[:, 0] > box.x0) & (xy[:, 0] < box.x1)
                            & (xy[:, 1] > box.y0) & (xy[:, 1] < box.y1)).any())
            else:
                hit = _segments_hit(box, xy)
            if hit:
                covered.append(f"{name}: legend over {line.get_label()!r}")
    assert not covered, "legends over lines:\n" + "\n".join(covered)
