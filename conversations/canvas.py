"""A picture as a scene of labelled shapes, and the one painter that draws it with Pillow.

The charts (conversations/chart.py, conversations/function_chart.py) and the moves' drawings
(conversations/animation.py) are built as a ``Scene`` by pure functions: what is drawn, where,
in which colour and with which words. Tests read the scene; ``paint`` turns it into pixels.
Everything is drawn ``scale`` times larger and brought down with LANCZOS, so each edge, line
and letter is anti-aliased. Text is DejaVu Sans (regular and bold, Latin and Cyrillic),
shipped with Back Coach in conversations/fonts with its licence.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).parent / "fonts"
REGULAR, BOLD = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
FONT_NAME = "DejaVu Sans"
SCALE = 3  # drawn this many times larger, then brought down: anti-aliased edges
REDUCING_GAP = 1.5

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # left, top, right, bottom, in pixels


@dataclass(frozen=True, kw_only=True)
class Shape:
    """What every element has: a role (``"legend"``, ``"title"``, ``"limb"``...) and the thing
    it stands for (a series' name, a limb's part), for the tests and for nothing else."""

    role: str = ""
    label: str = ""


@dataclass(frozen=True, kw_only=True)
class Rect(Shape):
    box: Box
    fill: str | None = None
    outline: str | None = None
    width: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Disc(Shape):
    centre: Point
    radius: float
    fill: str
    outline: str | None = None
    width: float = 0.0
    alpha: float = 1.0  # see-through when below 1


@dataclass(frozen=True, kw_only=True)
class Line(Shape):
    """A polyline broken wherever a point is None, each point optionally marked. ``values``
    are the data the points show (None where there is none), for the tests."""

    points: tuple[Point | None, ...]
    colour: str
    width: float = 0.0  # 0: markers only
    dash: tuple[float, float] | None = None  # on, off, in pixels
    rounded: bool = False  # round caps and joins (a limb), else butt ends and mitred joins
    marker: str | None = None  # "o" a dot, "*" a star
    marker_size: float = 0.0  # the marker's diameter
    values: tuple[float | None, ...] = ()
    alpha: float = 1.0


@dataclass(frozen=True, kw_only=True)
class Text(Shape):
    """Words anchored at ``at`` as Pillow anchors them ("mm": middle of both; "ma": centred,
    top at the ascender; "rm": right end, middle; "ls": left end, baseline). ``upright``
    turns them a quarter left, reading upwards (a y axis' label), centred on ``at``."""

    text: str
    at: Point
    size: float  # the font's size in pixels
    colour: str
    bold: bool = False
    anchor: str = "mm"
    upright: bool = False

    def box(self) -> Box:
        """Where the ink of the words lies, in the picture's pixels."""
        font = _font(self.bold, round(self.size * SCALE))
        if self.upright:
            x0, y0, x1, y1 = font.getbbox(self.text, anchor="mm")
            width, height = (x1 - x0) / SCALE, (y1 - y0) / SCALE
            x, y = self.at
            return x - height / 2, y - width / 2, x + height / 2, y + width / 2
        x0, y0, x1, y1 = font.getbbox(self.text, anchor=self.anchor)
        x, y = self.at
        return x + x0 / SCALE, y + y0 / SCALE, x + x1 / SCALE, y + y1 / SCALE


Element = Rect | Disc | Line | Text


@dataclass(frozen=True)
class Scene:
    """A picture: its size in pixels, its background, its elements in the order painted
    (later ones on top) and named regions (the plot's box) for the tests."""

    size: tuple[int, int]
    elements: tuple[Element, ...]
    background: str = "white"
    regions: dict[str, Box] = field(default_factory=dict)

    def find(self, role: str) -> list[Element]:
        return [e for e in self.elements if e.role == role]

    def texts(self, role: str | None = None) -> list[Text]:
        return [e for e in self.elements if isinstance(e, Text) and role in (None, e.role)]


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How wide the words are drawn, in pixels (to lay labels out before drawing them)."""
    left, _, right, _ = Text(text=text, at=(0, 0), size=size, colour="black", bold=bold).box()
    return right - left


def line_height(size: float, bold: bool = False) -> float:
    """The height of a line of text from its ascender to its descender, in pixels."""
    ascent, descent = _font(bold, round(size * SCALE)).getmetrics()
    return float(ascent + descent) / SCALE


def fitted(text: str, size: float, room: float, bold: bool = False) -> str:
    """The words, shortened with an ellipsis until they fit ``room`` pixels (a name a person
    typed may be longer than a chart is wide)."""
    if text_width(text, size, bold) <= room:
        return text
    while text and text_width(text + "…", size, bold) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def png(
    scene: Scene, colours: int | None = None, exact: bool = False, optimize: bool = False
) -> bytes:
    """The scene painted, as PNG bytes: in at most ``colours`` colours when given (a chart's
    few colours and their smoothed edges fit 256: a file half the size, no visible change).
    The fast palette may move a colour by a level or two; ``exact`` keeps every flat colour
    as drawn (slower: for a picture pasted beside others, as a still on the moves' sheet).
    ``optimize`` compresses harder (for a file kept, made once)."""
    image = paint(scene)
    if colours:
        method = Image.Quantize.MEDIANCUT if exact else Image.Quantize.FASTOCTREE
        image = image.quantize(colours, method=method, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=optimize)
    return buffer.getvalue()


def paint(scene: Scene) -> Image.Image:
    """The scene as an RGB image of its size."""
    return finish(canvas(scene.size, scene.background, scene.elements))


def frames(scenes: Sequence[Scene]) -> list[Image.Image]:
    """Scenes of the same size, painted: the elements every scene starts with (what does not
    move) are painted once and each frame adds only its own."""
    first = scenes[0]
    shared = 0
    while shared < len(first.elements) and all(
        len(s.elements) > shared and s.elements[shared] == first.elements[shared] for s in scenes
    ):
        shared += 1
    base = canvas(first.size, first.background, first.elements[:shared])
    painted = []
    for scene in scenes:
        image = base.copy()
        draw(image, scene.elements[shared:])
        # Averaged down: an animation's frames are brought to a few dozen colours, which
        # keep none of LANCZOS's extra sharpness, and there are dozens of them.
        painted.append(image.reduce(SCALE))
    return painted


def canvas(size: tuple[int, int], background: str, elements: Iterable[Element]) -> Image.Image:
    """A large image (``SCALE`` times the picture) with the elements drawn on it."""
    image = Image.new("RGB", (size[0] * SCALE, size[1] * SCALE), background)
    draw(image, elements)
    return image


def finish(image: Image.Image) -> Image.Image:
    """The large image brought down to the picture's size."""
    size = (image.width // SCALE, image.height // SCALE)
    # Halved by averaging first, then LANCZOS the rest of the way: as sharp, three times as fast.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def draw(image: Image.Image, elements: Iterable[Element]) -> None:
    """Draw the elements, in order, on a large image."""
    pen = ImageDraw.Draw(image, "RGBA")
    for element in elements:
        if isinstance(element, Rect):
            _rect(pen, element)
        elif isinstance(element, Disc):
            _disc(pen, element)
        elif isinstance(element, Line):
            _line(pen, element)
        else:
            _text(image, pen, element)


def colour(hex_colour: str, alpha: float = 1.0) -> tuple[int, int, int, int]:
    """'#1d4ed8' as RGBA."""
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return red, green, blue, round(alpha * 255)


def _scaled(box: Box) -> list[float]:
    return [v * SCALE for v in box]


def _rect(pen: ImageDraw.ImageDraw, rect: Rect) -> None:
    width = round(rect.width * SCALE)
    pen.rectangle(
        _scaled(rect.box),
        fill=colour(rect.fill) if rect.fill else None,
        outline=colour(rect.outline) if rect.outline else None,
        width=width,
    )


def _disc(pen: ImageDraw.ImageDraw, disc: Disc) -> None:
    """A filled disc; its outline, if any, centred on its edge (half over the fill, so a
    see-through disc shows a darker rim)."""
    (x, y), r = disc.centre, disc.radius
    pen.ellipse(_scaled((x - r, y - r, x + r, y + r)), fill=colour(disc.fill, disc.alpha))
    if disc.outline and disc.width:
        out = r + disc.width / 2
        pen.ellipse(
            _scaled((x - out, y - out, x + out, y + out)),
            outline=colour(disc.outline, disc.alpha),
            width=round(disc.width * SCALE),
        )


def _runs(points: Sequence[Point | None]) -> list[list[Point]]:
    """The unbroken pieces of a line, in the large image's pixels."""
    runs: list[list[Point]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append((point[0] * SCALE, point[1] * SCALE))
    return [run for run in runs if run]


def _dashes(run: list[Point], on: float, off: float) -> list[list[Point]]:
    """A polyline cut into dashes ``on`` long with gaps ``off`` long (large pixels), the
    pattern carried on across its corners."""
    pieces: list[list[Point]] = []
    drawing, left = True, on
    current: list[Point] = [run[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(run):
        length = math.hypot(x1 - x0, y1 - y0)
        done = 0.0
        while length - done > left:
            done += left
            share = done / length
            point = (x0 + (x1 - x0) * share, y0 + (y1 - y0) * share)
            if drawing:
                current.append(point)
                pieces.append(current)
            current = [point]
            drawing = not drawing
            left = on if drawing else off
        left -= length - done
        if drawing:
            current.append((x1, y1))
        else:
            current = [(x1, y1)]
    if drawing and len(current) > 1:
        pieces.append(current)
    return pieces


def _line(pen: ImageDraw.ImageDraw, line: Line) -> None:
    fill = colour(line.colour, line.alpha)
    width = line.width * SCALE
    if width > 0:
        for run in _runs(line.points):
            pieces = [run]
            if line.dash:
                pieces = _dashes(run, line.dash[0] * SCALE, line.dash[1] * SCALE)
            for piece in pieces:
                if len(piece) > 1:
                    pen.line(piece, fill=fill, width=round(width), joint="curve")
                if line.rounded:
                    for x, y in piece:
                        r = width / 2
                        pen.ellipse((x - r, y - r, x + r, y + r), fill=fill)
    if line.marker:
        radius = line.marker_size * SCALE / 2
        for run in _runs(line.points):
            for x, y in run:
                if line.marker == "*":
                    pen.polygon(_star(x, y, radius), fill=fill)
                else:
                    pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)


def _star(x: float, y: float, radius: float) -> list[Point]:
    """A five-pointed star, one point up."""
    inner = radius * 0.381966  # the regular star's inner radius
    corners = []
    for index in range(10):
        r = radius if index % 2 == 0 else inner
        angle = math.pi / 2 + index * math.pi / 5
        corners.append((x + r * math.cos(angle), y - r * math.sin(angle)))
    return corners


def _text(image: Image.Image, pen: ImageDraw.ImageDraw, text: Text) -> None:
    font = _font(text.bold, round(text.size * SCALE))
    x, y = text.at[0] * SCALE, text.at[1] * SCALE
    if not text.upright:
        pen.text((x, y), text.text, font=font, fill=colour(text.colour), anchor=text.anchor)
        return
    x0, y0, x1, y1 = font.getbbox(text.text, anchor="lt")
    mask = Image.new("L", (math.ceil(x1) + 2, math.ceil(y1) + 2))
    ImageDraw.Draw(mask).text((0, 0), text.text, font=font, fill=255, anchor="lt")
    mask = mask.crop((x0, y0, x1, y1)).rotate(90, expand=True)
    corner = (round(x - mask.width / 2), round(y - mask.height / 2))
    image.paste(Image.new("RGB", mask.size, text.colour), corner, mask)


@cache
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)
