"""The /progress chart: pain over time, stages shaded behind it, sessions marked.

Rendered with matplotlib's Agg backend in a worker thread, so other people's updates are not
held up while a chart draws. Sized for a phone: 1200×750 px with large type.
"""

from __future__ import annotations

import io
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

# A stage's band gets "Stage N" when it spans this share of the chart, "N" when narrower.
WORD_LABEL_SHARE, MIN_LABEL_SHARE = 0.12, 0.03
STAGE_COLOURS = ["#f1f5f9", "#e0f2fe", "#dcfce7", "#fef9c3", "#fde2e4"]


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
    _shade_stages(axes, series, days)
    points = [(d, p) for d, p in zip(days, series.pain, strict=True) if p is not None]
    if points:
        xs, ys = zip(*points, strict=True)
        axes.plot(
            xs, ys, color="#1d4ed8", linewidth=2.5, marker="o", markersize=5, label=texts.CHART_PAIN
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
    axes.set_xlim(days[0], days[-1])
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=6))  # type: ignore[no-untyped-call]
    axes.tick_params(labelsize=12)
    axes.set_ylabel(texts.CHART_PAIN, fontsize=13)
    axes.set_title(texts.CHART_TITLE.format(days=len(days)), fontsize=15)
    axes.grid(axis="y", alpha=0.3)
    # Below the plot, where it hides neither the line nor the session stars.
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=11, frameon=False)
    figure.tight_layout()
    return figure


def _numbers(series: Series) -> list[float]:
    """Days as matplotlib's date numbers, so every axis call takes plain floats."""
    return [float(x) for x in mdates.date2num(list(series.days))]  # type: ignore[no-untyped-call]


def _shade_stages(axes: Axes, series: Series, days: list[float]) -> None:
    """One band per run of days at the same stage, labelled with the stage number."""
    runs: list[tuple[int, int, int]] = []  # (start index, end index, stage)
    for index, stage in enumerate(series.stage):
        if runs and runs[-1][2] == stage:
            runs[-1] = (runs[-1][0], index, stage)
        else:
            runs.append((index, index, stage))
    half = 0.5
    for start, end, stage in runs:
        left, right = days[start] - half, days[end] + half
        colour = STAGE_COLOURS[(stage - 1) % len(STAGE_COLOURS)]
        axes.axvspan(left, right, color=colour, zorder=0)
        share = (end - start + 1) / len(series.days)
        if share < MIN_LABEL_SHARE:
            continue  # too narrow for any label; the colour still shows the stage
        label = texts.CHART_STAGE.format(stage=stage) if share >= WORD_LABEL_SHARE else str(stage)
        axes.text((left + right) / 2, 9.5, label, ha="center", fontsize=11, color="#475569")
