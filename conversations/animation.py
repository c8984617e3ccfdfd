"""Drawing the moves: a looping GIF of each (Telegram's sendAnimation), a still of one pose,
and a contact sheet of all seven (PNG).

What is drawn comes from coach/poses.py (the figure's joints, the equipment); this module
lays one instant of a move out as a scene (conversations/canvas.py: the floor, the
equipment, each limb as a thick rounded segment, the head, the title and the cues) and has
it painted. Slow (most of a second a move): call it in the drawing process, never on the
event loop; the files are cached on disk by conversations/moves.py. The labels are in the
language spoken when it runs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from coach import texts
from coach.poses import Movement, Point, Poses, figure_at, frame_times
from conversations import canvas
from conversations.canvas import Disc, Element, Line, Rect, Scene, Text, text_width

SIZE = (540, 460)  # legible on a phone
PT = 100 / 72  # pixels per point: the drawing is 5.4×4.6 inches at 100 dots an inch
COLOURS = 48  # one palette for every frame: small files, no flicker
STILL_COLOURS = 256  # a still's palette: every colour drawn and its smoothed edges
SKIN, BODY, LIMB = "#f2c6a0", "#1d4ed8", "#2563eb"
STEEL, DARK, FLOOR, BAND = "#64748b", "#1e293b", "#e2e8f0", "#ea580c"
MARGIN = 0.18  # metres of scene around everything drawn
PLATE = 0.225  # a barbell plate's radius: the bar sits this high on the floor
# How thick each part of the figure is drawn, in metres.
THICK = {"trunk": 0.2, "thigh": 0.13, "shin": 0.1, "arm": 0.08, "foot": 0.06, "neck": 0.07}
# The figure's parts: the joints each passes through, its colour and its layer (higher on top).
PARTS = (
    ("thigh", ("hip", "knee"), LIMB, 4.0),
    ("shin", ("knee", "ankle"), LIMB, 4.0),
    ("foot", ("heel", "toe"), DARK, 4.0),
    ("trunk", ("hip", "waist", "shoulder"), BODY, 5.0),
    ("neck", ("shoulder", "neck"), SKIN, 5.0),
    ("arm", ("shoulder", "elbow", "grip"), SKIN, 7.0),
)
# The drawing area, in pixels from the top left: the scene in metres is fitted into it.
AREA = (0.02 * SIZE[0], 0.11 * SIZE[1], 0.98 * SIZE[0], 0.83 * SIZE[1])
TITLE, CUE = 17 * PT, 14 * PT
TITLE_TOP, CUE_MIDDLE, CUE_STEP = 0.05 * SIZE[1], 0.89 * SIZE[1], 0.065 * SIZE[1]
HEADING = 18 * PT  # the contact sheet's heading
WORDS = -1.0  # the layer of the title and cues: outside the drawing area, painted first


@dataclass(frozen=True)
class _View:
    """The map from the scene's metres to the picture's pixels (a metre as long across as
    up; y upwards in metres, downwards in pixels)."""

    left: float
    bottom: float
    per_metre: float

    def at(self, point: Point) -> Point:
        return (
            AREA[0] + (point[0] - self.left) * self.per_metre,
            AREA[3] - (point[1] - self.bottom) * self.per_metre,
        )


def _view(poses: Poses, movement: Movement) -> _View:
    """The scene's extent over the whole loop, equipment included, floor at the bottom,
    widened to the drawing area's shape and centred."""
    xs: list[float] = []
    ys: list[float] = [0.0]
    for t in frame_times(poses, movement.slug):
        for x, y in figure_at(poses, movement.slug, t).values():
            xs.append(x)
            ys.append(y)
    for item in movement.equipment:
        for x, y in item.points:
            xs.append(x)
            ys.append(y)
    left, right = min(xs) - MARGIN, max(xs) + MARGIN
    bottom, top = -0.08, max(ys) + poses.body.head + MARGIN
    shape = (AREA[2] - AREA[0]) / (AREA[3] - AREA[1])
    width = max(right - left, (top - bottom) * shape)
    middle = (left + right) / 2
    return _View(middle - width / 2, bottom, (AREA[2] - AREA[0]) / width)


def scene_of(poses: Poses, slug: str, title: str, t: float | None = None) -> Scene:
    """The move drawn ``t`` seconds into its loop (its poster pose when None), as a scene
    (``still`` paints it; tests read its labels and limbs)."""
    movement = poses.moves[slug]
    if t is None:
        t = movement.phases[movement.poster]
    view = _view(poses, movement)
    points = figure_at(poses, slug, t)
    layers: list[tuple[float, Element]] = [(WORDS, w) for w in _words(title, movement)]
    layers += _floor(view)
    for item in movement.equipment:
        layers += _equipment(view, item.kind, item.points, item.follows, points["grip"])
    layers += _figure(view, points, poses.body.head)
    layers.sort(key=lambda layer: layer[0])  # stable: a layer keeps the order it was built in
    return Scene(SIZE, tuple(element for _, element in layers), regions={"area": AREA})


def _words(title: str, movement: Movement) -> list[Text]:
    """The title above, the cues below, each made smaller should it not fit the width."""
    found = [_fitted(title, (SIZE[0] / 2, TITLE_TOP), TITLE, "ma", "title", bold=True)]
    for row, cue in enumerate(texts.MOVE_CUE[cue] for cue in movement.cues):
        at = (SIZE[0] / 2, CUE_MIDDLE + row * CUE_STEP)
        found.append(_fitted(f"• {cue}", at, CUE, "mm", "cue"))
    return found


def _fitted(words: str, at: Point, size: float, anchor: str, role: str, bold: bool = False) -> Text:
    room = SIZE[0] - 8
    wide = text_width(words, size, bold)
    if wide > room:
        size *= room / wide
    return Text(text=words, at=at, size=size, colour=DARK, bold=bold, anchor=anchor, role=role)


def _floor(view: _View) -> list[tuple[float, Element]]:
    ground = view.at((0, 0))[1]
    return [
        (0.0, Rect(box=(AREA[0], ground, AREA[2], AREA[3]), fill=FLOOR, role="floor")),
        (1.0, Line(points=((AREA[0], ground), (AREA[2], ground)), colour=STEEL, width=1.5 * PT)),
    ]


def _bar(view: _View, a: Point, b: Point, colour: str, width: float) -> Line:
    return Line(points=(view.at(a), view.at(b)), colour=colour, width=width, role="equipment")


def _disc(view: _View, centre: Point, radius: float, fill: str, alpha: float = 1.0) -> Disc:
    return Disc(
        centre=view.at(centre),
        radius=radius * view.per_metre,
        fill=fill,
        alpha=alpha,
        role="equipment",
    )


def _box(view: _View, corner: Point, width: float, height: float, fill: str) -> Rect:
    x0, y0 = view.at((corner[0], corner[1] + height))
    x1, y1 = view.at((corner[0] + width, corner[1]))
    return Rect(box=(x0, y0, x1, y1), fill=fill, role="equipment")


def _equipment(
    view: _View, kind: str, points: tuple[Point, ...], follows: str | None, grip: Point
) -> list[tuple[float, Element]]:
    """A piece of equipment, fixed or moving with the hands, each part with its layer."""
    if kind == "pullup_bar":
        (x, y) = points[0]
        return [
            (2.0, _bar(view, (x - 0.45, 0), (x - 0.45, y + 0.06), STEEL, 6 * PT)),
            (2.0, _bar(view, (x - 0.45, y + 0.06), (x, y + 0.06), STEEL, 6 * PT)),
            (8.0, _disc(view, (x, y), 0.03, DARK)),
        ]
    if kind == "bench":
        (x0, top), (x1, _) = points
        legs = [
            (2.0, _bar(view, (leg, 0), (leg, top - 0.07), STEEL, 5 * PT))
            for leg in (x0 + 0.08, x1 - 0.08)
        ]
        return [(3.0, _box(view, (x0, top - 0.07), x1 - x0, 0.07, DARK)), *legs]
    if kind in ("band", "cable"):
        start = points[0]
        found: list[tuple[float, Element]] = []
        if kind == "cable":  # the machine's column, with its low pulley
            found.append((2.0, _box(view, (start[0] - 0.16, 0), 0.12, 1.9, STEEL)))
            found.append((3.0, _disc(view, start, 0.04, DARK)))
        colour, width = (BAND, 3.5 * PT) if kind == "band" else (DARK, 2 * PT)
        if follows:
            found.append((6.0, _bar(view, start, grip, colour, width)))
        return found
    if kind == "dumbbell":
        return [(8.0, _disc(view, grip, 0.07, DARK))]
    if kind == "barbell":
        # See-through, so the legs behind the plate show how close the bar stays.
        plate = Disc(
            centre=view.at(grip),
            radius=PLATE * view.per_metre,
            fill=DARK,
            outline=DARK,
            width=3 * PT,
            alpha=0.4,
            role="equipment",
        )
        return [(8.0, plate), (9.0, _disc(view, grip, 0.035, DARK))]
    raise ValueError(f"no drawing for equipment {kind!r}")


def _figure(view: _View, points: dict[str, Point], head: float) -> list[tuple[float, Element]]:
    """The person: each part a thick rounded line through its joints, the head above the arm
    (arms overhead, as in the bar hang, pass beside it, not across the face), and the nose,
    a right angle in front of the neck's line: which way the person faces."""
    found: list[tuple[float, Element]] = [
        (
            layer,
            Line(
                points=tuple(view.at(points[joint]) for joint in joints),
                colour=colour,
                width=THICK[part] * view.per_metre,
                rounded=True,
                role="limb",
                label=part,
            ),
        )
        for part, joints, colour, layer in PARTS
    ]
    (nx, ny), (hx, hy) = points["neck"], points["head"]
    ahead = (hy - ny, -(hx - nx))
    nose = (hx + ahead[0] * 0.9, hy + ahead[1] * 0.9)
    found.append((7.5, Disc(centre=view.at((hx, hy)), radius=head * view.per_metre, fill=SKIN,
                             role="head")))  # fmt: skip
    found.append((7.5, Line(points=(view.at((hx, hy)), view.at(nose)), colour=SKIN,
                             width=0.07 * view.per_metre, rounded=True, role="nose")))  # fmt: skip
    return found


def animation(poses: Poses, slug: str, title: str) -> bytes:
    """The move's loop as an animated GIF, its cues labelled in the current language."""
    scenes = [scene_of(poses, slug, title, t) for t in frame_times(poses, slug)]
    frames = canvas.frames(scenes)
    palette = frames[0].quantize(COLOURS, method=Image.Quantize.MEDIANCUT)
    indexed = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    buffer = io.BytesIO()
    indexed[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=indexed[1:],
        duration=round(1000 / poses.fps),
        loop=0,
        optimize=True,
        disposal=1,
    )
    return buffer.getvalue()


def still(poses: Poses, slug: str, title: str) -> bytes:
    """One pose of the move (its poster), as a PNG."""
    scene = scene_of(poses, slug, title)
    return canvas.png(scene, colours=STILL_COLOURS, exact=True, optimize=True)


def contact_sheet(poses: Poses, titles: dict[str, str], heading: str) -> bytes:
    """Every move's poster in order, numbered, on one PNG: two rows of four panels."""
    stills = [Image.open(io.BytesIO(still(poses, slug, t))) for slug, t in titles.items()]
    width, height = SIZE
    columns = 4
    rows = -(-len(stills) // columns)
    top = 70
    words = Text(
        text=heading, at=(width * columns / 2, top / 2), size=HEADING, colour=DARK, bold=True,
        role="heading",
    )  # fmt: skip
    sheet = Image.new("RGB", (width * columns, height * rows + top), "white")
    sheet.paste(canvas.paint(Scene((width * columns, top), (words,))), (0, 0))
    for index, image in enumerate(stills):
        sheet.paste(image, ((index % columns) * width, top + (index // columns) * height))
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
