"""Drawing the moves: a looping GIF of each (Telegram's sendAnimation), a still of one pose,
and a contact sheet of all seven (PNG).

What is drawn comes from coach/poses.py (the figure's joints, the equipment); this module
only draws it, with matplotlib's Agg backend, and assembles the frames with Pillow. Slow
(about a second a move): call it in a worker thread, never on the event loop; the files
are cached on disk by conversations/moves.py. The labels are in the language spoken when
it runs (the caller's context variables follow it into the thread).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from coach import texts
from coach.poses import Movement, Point, Poses, figure_at, frame_times

# matplotlib writes a font cache on first import; give it a writable place of its own.
os.environ.setdefault("MPLCONFIGDIR", str(Path(".cache/matplotlib").resolve()))

import matplotlib

matplotlib.use("Agg")
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Rectangle
from PIL import Image

SIZE = (5.4, 4.6)  # inches at DPI: 540×460 px, legible on a phone
DPI = 100
COLOURS = 48  # one palette for every frame: small files, no flicker
SKIN, BODY, LIMB = "#f2c6a0", "#1d4ed8", "#2563eb"
STEEL, DARK, FLOOR, BAND = "#64748b", "#1e293b", "#e2e8f0", "#ea580c"
MARGIN = 0.18  # metres of scene around everything drawn
PLATE = 0.225  # a barbell plate's radius: the bar sits this high on the floor
# How thick each part of the figure is drawn, in metres.
THICK = {"trunk": 0.2, "thigh": 0.13, "shin": 0.1, "arm": 0.08, "foot": 0.06, "neck": 0.07}


@dataclass
class _Scene:
    """The artists of one move's drawing, updated frame by frame."""

    figure: Figure
    axes: Axes
    lines: dict[str, Line2D]
    head: Circle
    nose: Line2D
    followers: list[tuple[str, object]]  # (kind, artist) of equipment that moves


def _bounds(poses: Poses, movement: Movement) -> tuple[float, float, float, float]:
    """The scene's extent over the whole loop, equipment included, floor at the bottom."""
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
    head = poses.body.head
    return min(xs) - MARGIN, max(xs) + MARGIN, -0.08, max(ys) + head + MARGIN


def _scene(poses: Poses, movement: Movement, title: str, cues: list[str]) -> _Scene:
    figure = Figure(figsize=SIZE, dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    box = (0.02, 0.17, 0.96, 0.72)
    axes = figure.add_axes(box)
    left, right, bottom, top = _bounds(poses, movement)
    # Widen the scene to the drawing area's shape: a metre is as long across as it is up.
    shape = (box[2] * SIZE[0]) / (box[3] * SIZE[1])
    width = max(right - left, (top - bottom) * shape)
    middle = (left + right) / 2
    left, right = middle - width / 2, middle + width / 2
    top = bottom + width / shape
    axes.set_xlim(left, right)
    axes.set_ylim(bottom, top)
    axes.set_axis_off()
    figure.text(0.5, 0.95, title, ha="center", va="top", fontsize=17, weight="bold", color=DARK)
    for row, cue in enumerate(cues):
        figure.text(
            0.5, 0.11 - row * 0.065, f"• {cue}", ha="center", va="center", fontsize=14, color=DARK
        )
    axes.add_patch(Rectangle((left - 5, -5), right - left + 10, 5, color=FLOOR, zorder=0))
    axes.plot([left - 5, right + 5], [0, 0], color=STEEL, linewidth=1.5, zorder=1)
    scale = _points_per_metre(figure, axes)
    followers: list[tuple[str, object]] = []
    for item in movement.equipment:
        followers += _equipment(axes, item.kind, item.points, item.follows, scale)
    lines = {}
    for part, colour, z in (
        ("thigh", LIMB, 4),
        ("shin", LIMB, 4),
        ("foot", DARK, 4),
        ("trunk", BODY, 5),
        ("neck", SKIN, 5),
        ("arm", SKIN, 7),
    ):
        (lines[part],) = axes.plot(
            [],
            [],
            color=colour,
            linewidth=THICK[part] * scale,
            solid_capstyle="round",
            solid_joinstyle="round",
            zorder=z,
        )
    # The head above the arm: arms overhead (the bar hang) pass beside it, not across the face.
    head = Circle((0, 0), poses.body.head, color=SKIN, zorder=7.5)
    axes.add_patch(head)
    (nose,) = axes.plot([], [], color=SKIN, linewidth=0.07 * scale, solid_capstyle="round")
    nose.set_zorder(7.5)
    return _Scene(figure, axes, lines, head, nose, followers)


def _points_per_metre(figure: Figure, axes: Axes) -> float:
    """How many points a metre of the scene takes, to draw limbs as thick as a person's."""
    figure.canvas.draw()
    x0, x1 = axes.get_xlim()
    width_px = axes.get_window_extent().width
    return float(width_px / (x1 - x0) * 72 / DPI)


def _equipment(
    axes: Axes, kind: str, points: tuple[Point, ...], follows: str | None, scale: float
) -> list[tuple[str, object]]:
    """Draw a fixed piece; return the artists that move with the figure."""
    if kind == "pullup_bar":
        (x, y) = points[0]
        axes.plot([x - 0.45, x - 0.45], [0, y + 0.06], color=STEEL, linewidth=6, zorder=2)
        axes.plot([x - 0.45, x], [y + 0.06, y + 0.06], color=STEEL, linewidth=6, zorder=2)
        axes.add_patch(Circle((x, y), 0.03, color=DARK, zorder=8))
        return []
    if kind == "bench":
        (x0, top), (x1, _) = points
        axes.add_patch(Rectangle((x0, top - 0.07), x1 - x0, 0.07, color=DARK, zorder=3))
        for leg in (x0 + 0.08, x1 - 0.08):
            axes.plot([leg, leg], [0, top - 0.07], color=STEEL, linewidth=5, zorder=2)
        return []
    if kind in ("band", "cable"):
        start = points[0]
        if kind == "cable":  # the machine's column, with its low pulley
            axes.add_patch(Rectangle((start[0] - 0.16, 0), 0.12, 1.9, color=STEEL, zorder=2))
            axes.add_patch(Circle(start, 0.04, color=DARK, zorder=3))
        colour, width = (BAND, 3.5) if kind == "band" else (DARK, 2)
        (line,) = axes.plot([], [], color=colour, linewidth=width, zorder=6)
        line.set_gid(f"{start[0]},{start[1]}")
        return [(kind, line)] if follows else []
    if kind == "dumbbell":
        bell = Circle((0, 0), 0.07, color=DARK, zorder=8)
        axes.add_patch(bell)
        return [(kind, bell)]
    if kind == "barbell":
        # See-through, so the legs behind the plate show how close the bar stays.
        plate = Circle((0, 0), PLATE, facecolor=DARK, edgecolor=DARK, lw=3, zorder=8, alpha=0.4)
        hub = Circle((0, 0), 0.035, color=DARK, zorder=9)
        axes.add_patch(plate)
        axes.add_patch(hub)
        return [(kind, plate), (kind, hub)]
    raise ValueError(f"no drawing for equipment {kind!r}")


def _pose(scene: _Scene, points: dict[str, Point]) -> None:
    """Put the figure and what it holds where ``points`` says."""

    def line(part: str, *names: str) -> None:
        scene.lines[part].set_data([points[n][0] for n in names], [points[n][1] for n in names])

    line("thigh", "hip", "knee")
    line("shin", "knee", "ankle")
    line("foot", "heel", "toe")
    line("trunk", "hip", "waist", "shoulder")
    line("neck", "shoulder", "neck")
    line("arm", "shoulder", "elbow", "grip")
    scene.head.set_center(points["head"])
    # The nose, a right angle in front of the neck's line: which way the person faces.
    (nx, ny), (hx, hy) = points["neck"], points["head"]
    ahead = (hy - ny, -(hx - nx))
    scene.nose.set_data([hx, hx + ahead[0] * 0.9], [hy, hy + ahead[1] * 0.9])
    grip = points["grip"]
    for kind, artist in scene.followers:
        if isinstance(artist, Circle):
            artist.set_center(grip)
        elif isinstance(artist, Line2D):
            x, y = (float(v) for v in str(artist.get_gid()).split(","))
            artist.set_data([x, grip[0]], [y, grip[1]])
        else:  # pragma: no cover - every follower is drawn above
            raise TypeError(kind)


def _labels(movement: Movement) -> list[str]:
    return [texts.MOVE_CUE[cue] for cue in movement.cues]


def _pixels(scene: _Scene) -> Image.Image:
    return _rgb(scene.figure)


def _rgb(figure: Figure) -> Image.Image:
    """The figure drawn, as an RGB image."""
    canvas = figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    canvas.draw()  # type: ignore[no-untyped-call]
    rgba = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    return Image.frombuffer("RGBA", canvas.get_width_height(), rgba).convert("RGB")


def animation(poses: Poses, slug: str, title: str) -> bytes:
    """The move's loop as an animated GIF, its cues labelled in the current language."""
    movement = poses.moves[slug]
    scene = _scene(poses, movement, title, _labels(movement))
    frames = []
    for t in frame_times(poses, slug):
        _pose(scene, figure_at(poses, slug, t))
        frames.append(_pixels(scene))
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


def figure_of(poses: Poses, slug: str, title: str, t: float | None = None) -> Figure:
    """The move drawn ``t`` seconds into its loop (its poster pose when None), as a laid-out
    matplotlib Figure (``still`` saves it; tests read its labels)."""
    movement = poses.moves[slug]
    scene = _scene(poses, movement, title, _labels(movement))
    _pose(scene, figure_at(poses, slug, movement.phases[movement.poster] if t is None else t))
    return scene.figure


def still(poses: Poses, slug: str, title: str) -> bytes:
    """One pose of the move (its poster), as a PNG."""
    buffer = io.BytesIO()
    _rgb(figure_of(poses, slug, title)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def contact_sheet(poses: Poses, titles: dict[str, str], heading: str) -> bytes:
    """Every move's poster in order, numbered, on one PNG: two rows of four panels."""
    stills = [Image.open(io.BytesIO(still(poses, slug, t))) for slug, t in titles.items()]
    width, height = stills[0].size
    columns = 4
    rows = -(-len(stills) // columns)
    top = 70
    sheet = Image.new("RGB", (width * columns, height * rows + top), "white")
    for index, image in enumerate(stills):
        sheet.paste(image, ((index % columns) * width, top + (index // columns) * height))
    heading_image = _heading(heading, width * columns, top)
    sheet.paste(heading_image, (0, 0))
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _heading(text: str, width: int, height: int) -> Image.Image:
    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.5, text, ha="center", va="center", fontsize=18, weight="bold", color=DARK)
    return _rgb(figure)
