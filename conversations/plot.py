"""The frame both charts share: a title, a y axis with its label, date ticks below, light
gridlines across, and a legend under the plot, laid out on a phone-sized picture.

Sizes follow a picture of 8×5 inches at 150 dots an inch (1200×750 px), type given in
points as on paper. Every label is measured with the font it is drawn in, so Russian and
Spanish words, longer than English ones, still fit: a legend too wide for its columns takes
fewer, and a name wider than the picture is shortened with an ellipsis.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from coach import texts
from conversations.canvas import Box, Element, Line, Point, Rect, Text, fitted, line_height
from conversations.canvas import text_width as width_of

SIZE = (1200, 750)
PT = 150 / 72  # pixels per point
TITLE, AXIS, TICK, LEGEND = 15 * PT, 13 * PT, 12 * PT, 11 * PT
PAD, TOP_PAD = 22.0, 10.0  # around everything at the picture's edges; above the title
TICK_LENGTH, TICK_PAD, LABEL_PAD, TITLE_PAD = 3.5 * PT, 3.5 * PT, 4 * PT, 6 * PT
THIN = 0.8 * PT  # the frame, the ticks and the gridlines
INK, GRID, GRID_ALPHA = "#000000", "#b0b0b0", 0.3
# A legend entry: its sample, the gap to its words, the space between columns, each in ems.
HANDLE, HANDLE_GAP, COLUMN_GAP, ROW_PITCH = 2.0, 0.8, 2.0, 1.5
LEGEND_PAD = 0.4  # ems below the legend, above the picture's margin
LEGEND_GAP = 28.0  # between the date labels and the legend
MAX_TICKS = 7


@dataclass(frozen=True)
class Key:
    """One legend entry: a line (with its marker), a star, or a band's swatch."""

    label: str
    colour: str
    kind: str  # "line", "star" or "band"
    dash: tuple[float, float] | None = None
    edge: str | None = None
    marker_size: float = 0.0
    width: float = 0.0


@dataclass(frozen=True)
class Axes:
    """Where the plot is (pixels) and which data it spans: the map from one to the other."""

    box: Box
    x: tuple[float, float]
    y: tuple[float, float]

    def at(self, x: float, y: float) -> Point:
        left, top, right, bottom = self.box
        return (
            left + (x - self.x[0]) / (self.x[1] - self.x[0]) * (right - left),
            bottom - (y - self.y[0]) / (self.y[1] - self.y[0]) * (bottom - top),
        )


@dataclass(frozen=True)
class Frame:
    axes: Axes
    grid: tuple[Element, ...]  # under the data
    edges: tuple[Element, ...]  # over it: the frame, ticks, labels, title, legend


def frame(
    title: str,
    ylabel: str,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    xticks: Sequence[tuple[float, str]],
    yticks: Sequence[float],
    keys: Sequence[Key],
    columns: int,
) -> Frame:
    """Lay the frame out around the plot; the plot takes what is left."""
    width, height = SIZE
    ylabels = [(y, _number(y)) for y in yticks]
    left = PAD + line_height(AXIS) + LABEL_PAD
    left += max(width_of(label, TICK) for _, label in ylabels) + TICK_LENGTH + TICK_PAD
    top = TOP_PAD + line_height(TITLE) + TITLE_PAD
    legend, legend_height = _legend(keys, columns, width)
    bottom = height - PAD - LEGEND_PAD * LEGEND - legend_height - LEGEND_GAP - line_height(TICK)
    bottom -= TICK_LENGTH + TICK_PAD
    right = width - PAD
    axes = Axes((left, top, right, bottom), xlim, ylim)
    # A date label under the last day may reach past the plot's right edge: the plot gives
    # way, so the label stays whole.
    overhang = max((t.box()[2] for t in _xlabels(axes, xticks)), default=right) - (width - PAD)
    if overhang > 0:
        axes = Axes((left, top, right - overhang, bottom), xlim, ylim)
    middle = (axes.box[0] + axes.box[2]) / 2  # the title is centred over the plot
    return Frame(
        axes,
        grid=tuple(_grid(axes, yticks)),
        edges=(
            *_spines_and_ticks(axes, xticks, ylabels),
            *_xlabels(axes, xticks),
            *_ylabels(axes, ylabels),
            Text(
                text=ylabel,
                at=(PAD + line_height(AXIS) / 2, (top + bottom) / 2),
                size=_fitting(ylabel, AXIS, height - 2 * PAD),
                colour=INK,
                upright=True,
                role="ylabel",
            ),
            Text(
                text=title,
                at=(middle, top - TITLE_PAD),
                size=_fitting(title, TITLE, 2 * min(middle - PAD, width - PAD - middle)),
                colour=INK,
                anchor="md",
                role="title",
            ),
            *_placed(legend, axes, width, height - PAD - LEGEND_PAD * LEGEND - legend_height),
        ),
    )


def _fitting(words: str, size: float, room: float) -> float:
    """The type size at which the words fit ``room`` pixels: ``size``, or smaller for
    words too long for it (a translation longer than the English)."""
    wide = width_of(words, size)
    return size if wide <= room else size * room / wide


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _grid(axes: Axes, yticks: Sequence[float]) -> list[Element]:
    left, _, right, _ = axes.box
    return [
        Line(
            points=((left, axes.at(0, y)[1]), (right, axes.at(0, y)[1])),
            colour=GRID,
            width=THIN,
            alpha=GRID_ALPHA,
            role="grid",
        )
        for y in yticks
    ]


def _spines_and_ticks(
    axes: Axes, xticks: Sequence[tuple[float, str]], ylabels: Sequence[tuple[float, str]]
) -> list[Element]:
    left, _, _, bottom = axes.box
    found: list[Element] = [Rect(box=axes.box, outline=INK, width=THIN, role="frame")]
    for x, _ in xticks:
        px = axes.at(x, 0)[0]
        found.append(
            Line(points=((px, bottom), (px, bottom + TICK_LENGTH)), colour=INK, width=THIN)
        )
    for y, _ in ylabels:
        py = axes.at(0, y)[1]
        found.append(Line(points=((left - TICK_LENGTH, py), (left, py)), colour=INK, width=THIN))
    return found


def _xlabels(axes: Axes, xticks: Sequence[tuple[float, str]]) -> list[Text]:
    y = axes.box[3] + TICK_LENGTH + TICK_PAD
    return [
        Text(text=label, at=(axes.at(x, 0)[0], y), size=TICK, colour=INK, anchor="ma", role="xtick")
        for x, label in xticks
    ]


def _ylabels(axes: Axes, ylabels: Sequence[tuple[float, str]]) -> list[Text]:
    x = axes.box[0] - TICK_LENGTH - TICK_PAD
    return [
        Text(text=label, at=(x, axes.at(0, y)[1]), size=TICK, colour=INK, anchor="rm", role="ytick")
        for y, label in ylabels
    ]


@dataclass(frozen=True)
class _Laid:
    """The legend drawn around (0, 0): its elements and its width."""

    elements: tuple[Element, ...]
    width: float


def _legend(keys: Sequence[Key], columns: int, picture: float) -> tuple[_Laid, float]:
    """The legend in as many columns (up to ``columns``) as fit the picture's width, filled
    column by column; and its height."""
    em = LEGEND
    room = picture - 2 * PAD
    words = [width_of(k.label, LEGEND) for k in keys]
    for count in range(max(1, min(columns, len(keys))), 0, -1):
        rows = math.ceil(len(keys) / count)
        cells = [list(range(c * rows, min(len(keys), (c + 1) * rows))) for c in range(count)]
        widths = [max(words[i] for i in cell) for cell in cells if cell]
        total = sum(widths) + len(widths) * (HANDLE + HANDLE_GAP) * em
        total += (len(widths) - 1) * COLUMN_GAP * em
        if total <= room or count == 1:
            break
    elements: list[Element] = []
    x = 0.0
    text_room = room - (HANDLE + HANDLE_GAP) * em
    for cell, column_width in zip(cells, widths, strict=False):
        for row, index in enumerate(cell):
            y = (row + 0.5) * ROW_PITCH * em
            elements += _entry(keys[index], x, y, text_room)
        x += column_width + (HANDLE + HANDLE_GAP + COLUMN_GAP) * em
    width = x - COLUMN_GAP * em if keys else 0.0
    return _Laid(tuple(elements), min(width, room)), rows * ROW_PITCH * em if keys else 0.0


def _entry(key: Key, x: float, y: float, room: float) -> list[Element]:
    em = LEGEND
    end = x + HANDLE * em
    label = fitted(key.label, LEGEND, room)
    words = Text(
        text=label, at=(end + HANDLE_GAP * em, y), size=LEGEND, colour=INK, anchor="lm",
        role="legend", label=key.label,
    )  # fmt: skip
    if key.kind == "band":
        swatch: Element = Rect(
            box=(x, y - 0.35 * em, end, y + 0.35 * em),
            fill=key.colour,
            outline=key.edge,
            width=1 * PT,
            role="legend",
            label=key.label,
        )
    elif key.kind == "star":
        swatch = Line(
            points=(((x + end) / 2, y),), colour=key.colour, marker="*",
            marker_size=key.marker_size, role="legend", label=key.label,
        )  # fmt: skip
    else:
        swatch = Line(
            points=((x, y), ((x + end) / 2, y), (end, y)), colour=key.colour, width=key.width,
            dash=key.dash, role="legend", label=key.label,
        )  # fmt: skip
        marker = Line(
            points=(((x + end) / 2, y),), colour=key.colour, marker="o",
            marker_size=key.marker_size, role="legend", label=key.label,
        )  # fmt: skip
        return [swatch, marker, words]
    return [swatch, words]


def _placed(legend: _Laid, axes: Axes, width: float, top: float) -> list[Element]:
    """The legend centred under the plot (kept inside the picture), its top at ``top``."""
    middle = (axes.box[0] + axes.box[2]) / 2
    left = min(max(PAD, middle - legend.width / 2), width - PAD - legend.width)
    return [_moved(e, left, top) for e in legend.elements]


def _moved(element: Element, dx: float, dy: float) -> Element:
    if isinstance(element, Rect):
        x0, y0, x1, y1 = element.box
        return replace(element, box=(x0 + dx, y0 + dy, x1 + dx, y1 + dy))
    if isinstance(element, Line):
        points = tuple(None if p is None else (p[0] + dx, p[1] + dy) for p in element.points)
        return replace(element, points=points)
    assert isinstance(element, Text)
    return replace(element, at=(element.at[0] + dx, element.at[1] + dy))


# The date ticks: the first of these spacings that puts at most MAX_TICKS ticks on the chart.
_SPACINGS: tuple[Callable[[date], bool], ...] = (
    lambda d: True,
    lambda d: d.toordinal() % 2 == 0,
    lambda d: d.toordinal() % 3 == 0,
    lambda d: d.day in (1, 8, 15, 22),
    lambda d: d.day in (1, 15),
    lambda d: d.day == 1,
    lambda d: d.day == 1 and d.month % 2 == 1,
    lambda d: d.day == 1 and d.month % 3 == 1,
    lambda d: d.day == 1 and d.month % 6 == 1,
    lambda d: d.day == 1 and d.month == 1,
)


def date_ticks(first: date, last: date, every: int = 0) -> list[tuple[float, str]]:
    """Ticks on whole days from ``first`` to ``last``, each labelled with its date in the
    person's language ('15 Mar', '15 мар.', '15 mar'): every ``every`` days from the first
    when given, else on round days (the 1st and 15th, the 1st of a month) at most
    MAX_TICKS of them."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if every:
        chosen = days[::every]
    else:
        chosen = days[-1:]
        for spacing in _SPACINGS:
            picked = [d for d in days if spacing(d)]
            if picked and len(picked) <= MAX_TICKS:
                chosen = picked
                break
    return [(float(d.toordinal()), texts.day_month(d)) for d in chosen]
