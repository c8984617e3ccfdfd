"""The /progress chart: pain over time, stages shaded behind it, sessions marked.

``scene_of`` lays the chart out as a scene (conversations/canvas.py) that tests read;
``render`` paints it. Drawn in the drawing process (conversations/rendering.py). Sized for a
phone: 1200×750 px with large type.
"""

from __future__ import annotations

from coach import texts
from coach.progress import Series
from conversations import canvas, plot
from conversations.canvas import Element, Line, Rect, Scene, Text

# A stage's band gets "Stage N" when it spans this share of the chart, "N" when narrower.
WORD_LABEL_SHARE, MIN_LABEL_SHARE = 0.12, 0.03
STAGE_COLOURS = ["#f1f5f9", "#e0f2fe", "#dcfce7", "#fef9c3", "#fde2e4"]
BAND_EDGE = "#94a3b8"  # outlines the legend's stage swatches: stage 1's is nearly white
PAIN, SESSION, STAGE_INK = "#1d4ed8", "#16a34a", "#475569"
PAIN_WIDTH, PAIN_MARKER = 2.5 * plot.PT, 5 * plot.PT
STAR = 10.95 * plot.PT  # a star's width: 120 square points
HALF_DAY = 0.5
LEGEND_COLUMNS = 3
CHART_COLOURS = 256  # the PNG's palette: every colour drawn and its smoothed edges
# Up to this many days, a tick on whole days every day or two; longer, on round dates.
SHORT_CHART, MAX_TICKS = 14, 7
BOTTOM, TOP, SESSION_ROW, STAGE_ROW = -0.4, 10.8, 10.4, 9.5  # a day at pain 0 sits above the axis


def render(series: Series) -> bytes:
    """A PNG of the series (in the drawing process: it takes a few tenths of a second)."""
    return canvas.png(scene_of(series), colours=CHART_COLOURS)


def scene_of(series: Series) -> Scene:
    """The chart as a scene: what ``render`` paints, and what tests read."""
    days = [float(day.toordinal()) for day in series.days]
    count = len(days)
    every = -(-count // MAX_TICKS) if count <= SHORT_CHART else 0
    runs = series.stage_runs()
    done = [day for day, session in zip(days, series.session, strict=True) if session]
    keys = []
    if series.checkins:
        keys.append(
            plot.Key(texts.CHART_PAIN, PAIN, "line", width=PAIN_WIDTH, marker_size=PAIN_MARKER)
        )
    if done:
        keys.append(plot.Key(texts.CHART_SESSION, SESSION, "star", marker_size=STAR))
    keys += [_stage_key(series, stage) for stage in sorted({stage for _, _, stage in runs})]
    # Each day is a band one day wide around its date: the first and last days' bands,
    # markers and labels are whole, not cut in half by the plot's edge.
    frame = plot.frame(
        texts.CHART_TITLE.format(days=texts.plural(count, "day")),
        texts.CHART_PAIN,
        (days[0] - HALF_DAY, days[-1] + HALF_DAY),
        (BOTTOM, TOP),
        plot.date_ticks(series.days[0], series.days[-1], every),
        range(0, 11, 2),
        keys,
        LEGEND_COLUMNS,
    )
    axes = frame.axes
    elements: list[Element] = [*_bands(axes, runs, days), *frame.grid]
    if series.checkins:
        # A break on a day without a check-in: the line does not bridge the gap, and a lone
        # check-in between two gaps still shows as its marker. Not clipped at the plot's
        # edge: on a year's chart a marker is wider than a day.
        elements.append(
            Line(
                points=tuple(
                    None if p is None else axes.at(day, p)
                    for day, p in zip(days, series.pain, strict=True)
                ),
                values=tuple(None if p is None else float(p) for p in series.pain),
                colour=PAIN,
                width=PAIN_WIDTH,
                marker="o",
                marker_size=PAIN_MARKER,
                role="series",
                label=texts.CHART_PAIN,
            )
        )
    elements += frame.edges
    elements += _stage_labels(axes, runs, days)
    if done:
        elements.append(
            Line(
                points=tuple(axes.at(day, SESSION_ROW) for day in done),
                colour=SESSION,
                marker="*",
                marker_size=STAR,
                role="sessions",
                label=texts.CHART_SESSION,
            )
        )
    return Scene(plot.SIZE, tuple(elements), regions={"plot": axes.box})


def _bands(axes: plot.Axes, runs: list[tuple[int, int, int]], days: list[float]) -> list[Rect]:
    """One band per run of days at the same stage, the plot's height, in its stage's colour."""
    top, bottom = axes.box[1], axes.box[3]
    return [
        Rect(
            box=(axes.at(days[a] - HALF_DAY, 0)[0], top, axes.at(days[b] + HALF_DAY, 0)[0], bottom),
            fill=_colour(stage),
            role="band",
            label=str(stage),
        )
        for a, b, stage in runs
    ]


def _stage_labels(
    axes: plot.Axes, runs: list[tuple[int, int, int]], days: list[float]
) -> list[Text]:
    """Each band labelled with its stage: "Stage N" when wide, "N" when narrow, nothing when
    too narrow for any label (the colour still shows the stage)."""
    found = []
    for start, end, stage in runs:
        share = (end - start + 1) / len(days)
        if share < MIN_LABEL_SHARE:
            continue
        label = texts.CHART_STAGE.format(stage=stage) if share >= WORD_LABEL_SHARE else str(stage)
        middle = (days[start] + days[end]) / 2
        found.append(
            Text(
                text=label,
                at=axes.at(middle, STAGE_ROW),
                size=plot.LEGEND,
                colour=STAGE_INK,
                anchor="ms",
                role="stage",
                label=str(stage),
            )
        )
    return found


def _stage_key(series: Series, stage: int) -> plot.Key:
    label = texts.CHART_STAGE.format(stage=stage)
    if 0 < stage <= len(series.stage_names):
        label = f"{label}: {series.stage_names[stage - 1]}"
    return plot.Key(label, _colour(stage), "band", edge=BAND_EDGE)


def _colour(stage: int) -> str:
    return STAGE_COLOURS[(stage - 1) % len(STAGE_COLOURS)]
