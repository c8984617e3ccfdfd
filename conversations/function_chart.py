"""The activities' chart: each activity's 0-10 rating week by week, sent after the pain
chart by /progress once an activity is rated. Like the pain chart, it invents nothing: a
week without a rating breaks the line, and a lone rating shows as its marker.

Laid out as a scene in the pain chart's frame (conversations/plot.py) and painted in the
drawing process (conversations/rendering.py).
"""

from __future__ import annotations

from datetime import timedelta

from coach import texts
from coach.function import Activity, Week, chart_lines
from conversations import canvas, chart, plot
from conversations.canvas import Element, Line, Scene

COLOURS = ["#1d4ed8", "#c2410c", "#15803d", "#7c3aed", "#be185d", "#0f766e"]
WEEK_HALF = 3.5  # days either side of a week's Monday
WIDTH, MARKER = 2.5 * plot.PT, 6 * plot.PT
DASH = (3.7 * 2.5 * plot.PT, 1.6 * 2.5 * plot.PT)  # a retired activity's line: on, off


def render(activities: tuple[Activity, ...], weeks: tuple[Week, ...]) -> bytes:
    """A PNG of the activities' weekly ratings (in the drawing process)."""
    return canvas.png(scene_of(activities, weeks), colours=chart.CHART_COLOURS)


def scene_of(activities: tuple[Activity, ...], weeks: tuple[Week, ...]) -> Scene:
    """The chart as a scene (``render`` paints it; tests read it)."""
    days = [float(w.week.toordinal()) for w in weeks]
    lines = []
    for index, (activity, scores) in enumerate(chart_lines(activities, weeks)):
        name = activity.name
        if not activity.current:
            name = texts.CHART_FUNCTION_RETIRED.format(name=name)
        dash = None if activity.current else DASH
        lines.append((name, COLOURS[index % len(COLOURS)], dash, scores))
    keys = [
        plot.Key(name, colour, "line", dash=dash, width=WIDTH, marker_size=MARKER)
        for name, colour, dash, _ in lines
    ]
    half = timedelta(days=3)  # the whole days within half a week of the first and last
    frame = plot.frame(
        texts.CHART_FUNCTION_TITLE,
        texts.CHART_FUNCTION_AXIS,
        (days[0] - WEEK_HALF, days[-1] + WEEK_HALF),
        (-0.4, 10.4),
        plot.date_ticks(weeks[0].week - half, weeks[-1].week + half),
        range(0, 11, 2),
        keys,
        columns=1,
    )
    axes = frame.axes
    elements: list[Element] = list(frame.grid)
    for name, colour, dash, scores in lines:
        elements.append(
            Line(
                points=tuple(
                    None if s is None else axes.at(day, s)
                    for day, s in zip(days, scores, strict=True)
                ),
                values=tuple(None if s is None else float(s) for s in scores),
                colour=colour,
                width=WIDTH,
                dash=dash,
                marker="o",
                marker_size=MARKER,
                role="series",
                label=name,
            )
        )
    elements += frame.edges
    return Scene(plot.SIZE, tuple(elements), regions={"plot": axes.box})
