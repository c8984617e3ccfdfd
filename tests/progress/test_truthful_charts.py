"""Charts that tell the truth: from the first check-in, gaps for missed days, stages in the
legend, nothing clipped at any window, and a weekly summary counting days since sign-up."""

from __future__ import annotations

import math
from datetime import timedelta
from functools import cache

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from coach import texts
from coach.explain import Standing, standing
from coach.progress import series, weekly_summary
from coach.rules import Change
from conversations.chart import STAGE_COLOURS, figure_of
from tests.progress.test_progress import PROGRAM, START, coached


def pain_line(figure: Figure) -> Line2D:
    (axes,) = figure.axes
    (line,) = [line for line in axes.get_lines() if line.get_label() == texts.CHART_PAIN]
    return line


def runs(values: list[float]) -> list[list[float]]:
    """The unbroken runs of a plotted line: matplotlib breaks a line at NaN."""
    found: list[list[float]] = [[]]
    for value in values:
        if math.isnan(value):
            found.append([])
        else:
            found[-1].append(value)
    return [run for run in found if run]


def test_the_series_of_a_person_who_joined_3_days_ago_covers_3_days() -> None:
    today = START + timedelta(days=2)
    at = standing(PROGRAM, coached([6, None, 5]), today)
    for window in (7, 30, 365):
        drawn = series(at, window)
        assert drawn.days == (START, START + timedelta(days=1), today)
        assert drawn.pain == (6, None, 5)
        assert drawn.stage == (1, 1, 1)
    # A longer history still gets the window asked for.
    long = standing(PROGRAM, coached([5] * 40), START + timedelta(days=39))
    assert len(series(long, 30).days) == 30 and len(series(long, 7).days) == 7


def test_a_missed_day_breaks_the_pain_line_and_a_lone_check_in_is_a_marker() -> None:
    today = START + timedelta(days=5)
    drawn = series(standing(PROGRAM, coached([6, 5, None, 4, None, 3]), today), 30)
    assert drawn.pain == (6, 5, None, 4, None, 3)
    line = pain_line(figure_of(drawn))
    ys = [float(y) for y in line.get_ydata()]  # type: ignore[union-attr]
    assert len(ys) == len(drawn.days)
    assert math.isnan(ys[2]) and math.isnan(ys[4])
    assert runs(ys) == [[6, 5], [4], [3]]  # three pieces: no line across a missed day
    assert line.get_marker() not in (None, "", "None", " ")  # the lone days still show


def legend_entries(figure: Figure) -> dict[str, str]:
    """Legend label → the colour of its handle's face."""
    (axes,) = figure.axes
    legend = axes.get_legend()
    assert legend is not None
    entries = {}
    for handle, label in zip(legend.legend_handles, legend.get_texts(), strict=True):
        if isinstance(handle, Patch):
            entries[label.get_text()] = to_hex(handle.get_facecolor())
    return entries


def test_the_legend_has_one_entry_per_stage_shown_in_the_band_colour() -> None:
    pains: list[int | None] = [6, 6, 6, 5, 5]  # stage 2 from the third day
    today = START + timedelta(days=4)
    drawn = series(standing(PROGRAM, coached(pains), today), 30)
    assert set(drawn.stage) == {1, 2}
    entries = legend_entries(figure_of(drawn))
    assert entries == {
        "Stage 1: Decompress": STAGE_COLOURS[0],
        "Stage 2: Activate": STAGE_COLOURS[1],
    }


@cache
def long_history() -> Standing:
    """A year and more: stages 1 to 5, a flare back to 4 on day 360, stage 5 again on the
    last day (day 375), whose one-day band and label sit at the right edge of the chart."""
    pains: list[int | None] = [
        None if day % 11 == 5 else 9 if day == 360 else max(0, 7 - day // 12) for day in range(376)
    ]
    at = standing(PROGRAM, coached(pains), START + timedelta(days=375))
    assert at.days[-1].change is Change.ADVANCE and at.stage == 5
    return at


def within(box: Bbox, bounds: Bbox, slack: float = 0.0) -> bool:
    return (
        box.x0 >= bounds.x0 - slack
        and box.y0 >= bounds.y0 - slack
        and box.x1 <= bounds.x1 + slack
        and box.y1 <= bounds.y1 + slack
    )


def clipped(figure: Figure) -> list[str]:
    """What is cut off at an edge: a text outside the figure, a stage label hanging over the
    plot's edge, a pain marker cut by the plot's edge (or, drawn unclipped, the figure's)."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    (axes,) = figure.axes
    plot = axes.get_window_extent(renderer)
    found = []
    for text in figure.findobj(Text):
        assert isinstance(text, Text)
        if not text.get_visible() or not text.get_text():
            continue
        box = text.get_window_extent(renderer)
        if not within(box, figure.bbox):
            found.append(f"{text.get_text()!r} outside the figure at {box.bounds}")
        if text in axes.texts and not within(box, plot):
            found.append(f"stage label {text.get_text()!r} over the plot's edge at {box.bounds}")
    line = pain_line(figure)
    radius = line.get_markersize() * figure.dpi / 72 / 2
    frame = plot if line.get_clip_on() else figure.bbox  # a clipped line is cut at the plot
    for x, y in line.get_xydata():  # type: ignore[union-attr]
        if math.isnan(y):
            continue
        px, py = axes.transData.transform((x, y))
        marker = Bbox.from_extents(px - radius, py - radius, px + radius, py + radius)
        if not within(marker, frame, slack=1):
            found.append(f"pain marker cut at {marker.bounds}")
    return found


@pytest.mark.parametrize("window", [7, 30, 90, 365])
def test_nothing_is_clipped_at_the_edges(window: int) -> None:
    drawn = series(long_history(), window)
    assert len(drawn.days) == window and drawn.stage[-2:] == (4, 5)
    assert clipped(figure_of(drawn)) == []


def test_nothing_is_clipped_for_a_person_who_just_joined() -> None:
    today = START + timedelta(days=2)
    drawn = series(standing(PROGRAM, coached([6, 6, 6]), today), 30)
    assert clipped(figure_of(drawn)) == []


def test_the_weekly_summary_counts_the_days_since_the_first_check_in() -> None:
    today = START + timedelta(days=3)  # joined 4 days ago, checked in on each
    summary = weekly_summary(PROGRAM, standing(PROGRAM, coached([5, 5, 4, 4]), today))
    assert "Check-ins: 4 of 4 days" in summary
    # A day after sign-up, one of one; a person here for weeks, of 7.
    first = weekly_summary(PROGRAM, standing(PROGRAM, coached([5]), START))
    assert "Check-ins: 1 of 1 day " in first
    weeks = [5] * 10 + [None, 4, 4, None]
    later = weekly_summary(PROGRAM, standing(PROGRAM, coached(weeks), START + timedelta(days=13)))
    assert "Check-ins: 5 of 7 days" in later
