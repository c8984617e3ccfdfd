"""Charts that tell the truth: from the first check-in, gaps for missed days, stages in the
legend, nothing clipped at any window, and a weekly summary counting days since sign-up."""

from __future__ import annotations

import math
from datetime import timedelta
from functools import cache

import pytest

from coach import texts
from coach.explain import Standing, standing
from coach.progress import series, weekly_summary
from coach.rules import Change
from conversations.canvas import Box, Line, Rect, Scene
from conversations.chart import STAGE_COLOURS, scene_of
from tests.progress.test_progress import PROGRAM, START, coached


def pain_line(scene: Scene) -> Line:
    (line,) = scene.find("series")  # the pain chart's one series
    assert isinstance(line, Line)
    return line


def runs(values: list[float]) -> list[list[float]]:
    """The unbroken runs of a plotted line: it breaks at a day without a value (NaN)."""
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
    line = pain_line(scene_of(drawn))
    assert line.label == texts.CHART_PAIN
    ys = [math.nan if y is None else y for y in line.values]
    assert len(ys) == len(drawn.days) == len(line.points)
    assert math.isnan(ys[2]) and math.isnan(ys[4])
    assert line.points[2] is None and line.points[4] is None  # the drawing breaks there too
    assert runs(ys) == [[6, 5], [4], [3]]  # three pieces: no line across a missed day
    assert line.marker not in (None, "") and line.marker_size > 0  # the lone days still show


def legend_entries(scene: Scene) -> dict[str, str]:
    """Legend label → the colour of its swatch's face (the stages' bands)."""
    entries = {}
    for element in scene.find("legend"):
        if isinstance(element, Rect):
            assert element.fill is not None
            entries[element.label] = element.fill
    words = {t.label: t.text for t in scene.texts("legend")}
    assert set(entries) <= set(words) and all(words[k] == k for k in entries)  # each one named
    return entries


def test_the_legend_has_one_entry_per_stage_shown_in_the_band_colour() -> None:
    pains: list[int | None] = [6, 6, 6, 5, 5]  # stage 2 from the third day
    today = START + timedelta(days=4)
    drawn = series(standing(PROGRAM, coached(pains), today), 30)
    assert set(drawn.stage) == {1, 2}
    entries = legend_entries(scene_of(drawn))
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


def within(box: Box, bounds: Box, slack: float = 0.0) -> bool:
    return (
        box[0] >= bounds[0] - slack
        and box[1] >= bounds[1] - slack
        and box[2] <= bounds[2] + slack
        and box[3] <= bounds[3] + slack
    )


def clipped(scene: Scene) -> list[str]:
    """What is cut off at an edge: a text outside the picture, a stage label hanging over the
    plot's edge, a pain marker cut by the picture's edge (the line is drawn unclipped)."""
    picture: Box = (0, 0, *scene.size)
    plot = scene.regions["plot"]
    found = []
    for text in scene.texts():
        box = text.box()
        if not within(box, picture):
            found.append(f"{text.text!r} outside the picture at {box}")
        if text.role == "stage" and not within(box, plot):
            found.append(f"stage label {text.text!r} over the plot's edge at {box}")
    line = pain_line(scene)
    radius = line.marker_size / 2
    for point in line.points:
        if point is None:
            continue
        x, y = point
        if not within((x - radius, y - radius, x + radius, y + radius), picture, slack=1):
            found.append(f"pain marker cut at {point}")
    return found


@pytest.mark.parametrize("window", [7, 30, 90, 365])
def test_nothing_is_clipped_at_the_edges(window: int) -> None:
    drawn = series(long_history(), window)
    assert len(drawn.days) == window and drawn.stage[-2:] == (4, 5)
    assert clipped(scene_of(drawn)) == []


def test_nothing_is_clipped_for_a_person_who_just_joined() -> None:
    today = START + timedelta(days=2)
    drawn = series(standing(PROGRAM, coached([6, 6, 6]), today), 30)
    assert clipped(scene_of(drawn)) == []


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
