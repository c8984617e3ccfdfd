"""The /progress chart: pain over time, stages shaded behind it, sessions marked.

Rendered with matplotlib's Agg backend in a worker thread, so other people's updates are not
held up while a chart draws. Sized for a phone: 1200×750 px with large type.
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

from coach import texts
from coach.progress import Series

# matplotlib writes a font cache on first import; give it a writable place of its own.
os.environ.setdefault("MPLCONFIGDIR", str(Path(".cache/matplotlib").resolve()))

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

# A stage's band gets "Stage N" when it spans this share of the chart, "N" when narrower.
WORD_LABEL_SHARE, MIN_LABEL_SHARE = 0.12, 0.03
STAGE_COLOURS = ["#f1f5f9", "#e0f2fe", "#dcfce7", "#fef9c3", "#fde2e4"]
BAND_EDGE = "#94a3b8"  # outlines the legend's stage swatches: stage 1's is nearly white
HALF_DAY = 0.5
LEGEND_COLUMNS = 3
# Up to this many days, a tick on whole days; longer, matplotlib's choice of at most MAX_TICKS.
SHORT_CHART, MAX_TICKS = 14, 7


def render(series: Series) -> bytes:
    """A PNG of the series (call it in a thread: it takes a few tenths of a second)."""
    buffer = io.BytesIO()
    figure_of(series).savefig(buffer, format="png")
    return buffer.getvalue()


def figure_of(series: Series) -> Figure:
    """The chart as a laid-out matplotlib Figure (``render`` saves it; tests inspect it)."""
    figure = Figure(figsize=(8, 5), dpi=150)
    axes = figure.subplots()
    days = _numbers(series)
    stages = _shade_stages(axes, series, days)
    if series.checkins:
        # NaN on a day without a check-in: the line breaks there instead of bridging the
        # gap, and a lone check-in between two gaps still shows as its marker.
        pain = [math.nan if p is None else float(p) for p in series.pain]
        axes.plot(
            days,
            pain,
            color="#1d4ed8",
            linewidth=2.5,
            marker="o",
            markersize=5,
            label=texts.CHART_PAIN,
            clip_on=False,  # on a year's chart a marker is wider than a day: not cut in half
        )
    done = [d for d, s in zip(days, series.session, strict=True) if s]
    if done:
        axes.scatter(
            done,
            [10.4] * len(done),
            marker="*",
            s=120,
            color="#16a34a",
            label=texts.CHART_SESSION,
            clip_on=False,
            zorder=3,
        )
    axes.set_ylim(-0.4, 10.8)  # a day at pain 0 sits visibly above the axis
    axes.set_yticks(range(0, 11, 2))
    # Each day is a band one day wide around its date: the first and last days' bands,
    # markers and labels are whole, not cut in half by the plot's edge.
    axes.set_xlim(days[0] - HALF_DAY, days[-1] + HALF_DAY)
    axes.xaxis.set_major_formatter(FuncFormatter(_tick))
    axes.xaxis.set_major_locator(_locator(len(days)))
    axes.tick_params(labelsize=12)
    axes.set_ylabel(texts.CHART_PAIN, fontsize=13)
    axes.set_title(texts.CHART_TITLE.format(days=texts.plural(len(days), "day")), fontsize=15)
    axes.grid(axis="y", alpha=0.3)
    # Below the plot, where it hides neither the line nor the session stars: the line, the
    # sessions, then one entry per stage shown, in its band's colour.
    handles, _ = axes.get_legend_handles_labels()
    handles += [_stage_patch(series, stage) for stage in stages]
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=LEGEND_COLUMNS,
        fontsize=11,
        frameon=False,
    )
    figure.tight_layout()
    return figure


def _tick(number: float, _position: int | None = None) -> str:
    """A tick's date in the person's language ('15 Mar', '15 мар.', '15 mar')."""
    return texts.day_month(mdates.num2date(number).date())  # type: ignore[no-untyped-call]


def _locator(count: int) -> mdates.DateLocator:
    """Whole days only: a short chart gets a tick every day or two, never hourly ticks that
    repeat the same date."""
    if count <= SHORT_CHART:
        step = max(1, math.ceil(count / MAX_TICKS))
        return mdates.DayLocator(interval=step)  # type: ignore[no-untyped-call]
    return mdates.AutoDateLocator(maxticks=MAX_TICKS)  # type: ignore[no-untyped-call]


def _stage_patch(series: Series, stage: int) -> Patch:
    label = texts.CHART_STAGE.format(stage=stage)
    if 0 < stage <= len(series.stage_names):
        label = f"{label}: {series.stage_names[stage - 1]}"
    return Patch(facecolor=_colour(stage), edgecolor=BAND_EDGE, label=label)


def _colour(stage: int) -> str:
    return STAGE_COLOURS[(stage - 1) % len(STAGE_COLOURS)]


def _numbers(series: Series) -> list[float]:
    """Days as matplotlib's date numbers, so every axis call takes plain floats."""
    return [float(x) for x in mdates.date2num(list(series.days))]  # type: ignore[no-untyped-call]


def _shade_stages(axes: Axes, series: Series, days: list[float]) -> list[int]:
    """One band per run of days at the same stage, labelled with the stage number; the
    stages shown, in order."""
    runs: list[tuple[int, int, int]] = []  # (start index, end index, stage)
    for index, stage in enumerate(series.stage):
        if runs and runs[-1][2] == stage:
            runs[-1] = (runs[-1][0], index, stage)
        else:
            runs.append((index, index, stage))
    for start, end, stage in runs:
        left, right = days[start] - HALF_DAY, days[end] + HALF_DAY
        axes.axvspan(left, right, color=_colour(stage), zorder=0)
        share = (end - start + 1) / len(series.days)
        if share < MIN_LABEL_SHARE:
            continue  # too narrow for any label; the colour still shows the stage
        label = texts.CHART_STAGE.format(stage=stage) if share >= WORD_LABEL_SHARE else str(stage)
        axes.text((left + right) / 2, 9.5, label, ha="center", fontsize=11, color="#475569")
    return sorted({stage for _, _, stage in runs})
