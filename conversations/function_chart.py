"""The activities' chart: each activity's 0-10 rating week by week, sent after the pain
chart by /progress once an activity is rated. Like the pain chart, it invents nothing: a
week without a rating breaks the line, and a lone rating shows as its marker.

Drawn in a worker thread (conversations/data.py), after conversations/chart.py has set
matplotlib up (its cache directory and the Agg backend).
"""

from __future__ import annotations

import io
import math

# isort: off
import conversations.chart  # noqa: F401  (matplotlib's set-up comes first)
import matplotlib.dates as mdates
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

# isort: on

from coach import texts
from coach.function import Activity, Week, chart_lines

COLOURS = ["#1d4ed8", "#c2410c", "#15803d", "#7c3aed", "#be185d", "#0f766e"]
WEEK_HALF = 3.5  # days either side of a week's Monday
MAX_TICKS = 7


def render(activities: tuple[Activity, ...], weeks: tuple[Week, ...]) -> bytes:
    """A PNG of the activities' weekly ratings (call it in a thread)."""
    buffer = io.BytesIO()
    figure_of(activities, weeks).savefig(buffer, format="png")
    return buffer.getvalue()


def figure_of(activities: tuple[Activity, ...], weeks: tuple[Week, ...]) -> Figure:
    """The chart as a laid-out Figure (``render`` saves it; tests inspect it)."""
    figure = Figure(figsize=(8, 5), dpi=150)
    axes = figure.subplots()
    days = [float(x) for x in mdates.date2num([w.week for w in weeks])]  # type: ignore[no-untyped-call]
    for index, (activity, scores) in enumerate(chart_lines(activities, weeks)):
        name = activity.name
        if not activity.current:
            name = texts.CHART_FUNCTION_RETIRED.format(name=name)
        axes.plot(
            days,
            [math.nan if s is None else float(s) for s in scores],
            color=COLOURS[index % len(COLOURS)],
            linestyle="-" if activity.current else "--",
            linewidth=2.5,
            marker="o",
            markersize=6,
            label=name,
            clip_on=False,
        )
    axes.set_ylim(-0.4, 10.4)
    axes.set_yticks(range(0, 11, 2))
    axes.set_xlim(days[0] - WEEK_HALF, days[-1] + WEEK_HALF)
    axes.xaxis.set_major_formatter(FuncFormatter(_tick))
    axes.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=MAX_TICKS))  # type: ignore[no-untyped-call]
    axes.tick_params(labelsize=12)
    axes.set_ylabel(texts.CHART_FUNCTION_AXIS, fontsize=13)
    axes.set_title(texts.CHART_FUNCTION_TITLE, fontsize=15)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=11, frameon=False)
    figure.tight_layout()
    return figure


def _tick(number: float, _position: int | None = None) -> str:
    """A week's Monday in the person's language ('15 Mar', '15 мар.')."""
    return texts.day_month(mdates.num2date(number).date())  # type: ignore[no-untyped-call]
