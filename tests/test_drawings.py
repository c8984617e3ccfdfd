"""The moves' drawings as files: every move's animation within Telegram-friendly limits, its
cues labelled in the person's language, the sheet of all seven in order, and each drawing
made once and kept on disk (in a temporary directory where the project's cannot be
written). The drawing happens in the functions called, never at import."""

from __future__ import annotations

import io
import itertools
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from coach import i18n, texts
from coach.poses import default as default_poses
from coach.poses import figure_at
from coach.program import default_program
from conversations import animation, canvas, moves
from conversations.canvas import Line
from conversations.replies import Drawing

ROOT = Path(__file__).resolve().parents[1]
POSES = default_poses()
PROGRAM = default_program()
SLUGS = [m.slug for m in PROGRAM.moves]
MAX_BYTES = 500 * 1024


def seconds(image: Image.Image) -> float:
    total = 0
    for frame in range(image.n_frames):
        image.seek(frame)
        total += image.info["duration"]
    return total / 1000


@pytest.fixture(scope="module")
def gifs() -> dict[str, bytes]:
    return {slug: animation.animation(POSES, slug, slug) for slug in SLUGS}


@pytest.mark.parametrize("slug", SLUGS)
def test_every_move_loops_for_two_to_four_seconds_in_under_500_kb(
    gifs: dict[str, bytes], slug: str
) -> None:
    gif = gifs[slug]
    assert len(gif) <= MAX_BYTES
    image = Image.open(io.BytesIO(gif))
    assert image.format == "GIF" and image.info.get("loop") == 0  # loops for ever
    assert 2 <= seconds(image) <= 4
    assert image.n_frames >= 10
    frames = set()
    for index in range(image.n_frames):
        image.seek(index)
        frames.add(image.convert("RGB").tobytes())
    assert len(frames) >= 10  # it moves: not one picture repeated


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_the_cues_are_labelled_in_the_persons_language(language: str) -> None:
    with i18n.speaking(language):
        for slug, movement in POSES.moves.items():
            name = PROGRAM.move(slug).name
            scene = animation.scene_of(POSES, slug, name)
            shown = {t.text for t in scene.texts()}
            cues = [texts.MOVE_CUE[cue] for cue in movement.cues]
            assert shown == {name, *(f"• {cue}" for cue in cues)}, slug
            if language != i18n.DEFAULT:
                with i18n.speaking(i18n.DEFAULT):
                    english = {texts.MOVE_CUE[cue] for cue in movement.cues}
                assert not english & set(cues), (language, slug)


def test_the_labels_fit_inside_the_picture() -> None:
    for language in i18n.LANGUAGES:
        with i18n.speaking(language):
            for slug in SLUGS:
                scene = animation.scene_of(POSES, slug, PROGRAM.move(slug).name)
                width, height = scene.size
                for text in scene.texts():
                    x0, y0, x1, y1 = text.box()
                    assert x0 >= 0 and x1 <= width, (language, slug, text.text)
                    assert y0 >= 0 and y1 <= height, (language, slug, text.text)


def test_the_sheet_shows_all_seven_in_order() -> None:
    titles = {slug: f"{n}. {PROGRAM.move(slug).name}" for n, slug in enumerate(SLUGS, 1)}
    sheet = Image.open(io.BytesIO(animation.contact_sheet(POSES, titles, "Seven")))
    assert sheet.format == "PNG"
    stills = [Image.open(io.BytesIO(animation.still(POSES, s, titles[s]))) for s in SLUGS]
    width, height = stills[0].size
    top = sheet.height - 2 * height
    assert sheet.size == (4 * width, top + 2 * height)
    for index, still in enumerate(stills):  # panel n is move n's still
        x, y = (index % 4) * width, top + (index // 4) * height
        panel = sheet.crop((x, y, x + width, y + height)).convert("RGB")
        assert panel.tobytes() == still.convert("RGB").tobytes(), SLUGS[index]
        assert panel.getpixel((2, 2)) == sheet.convert("RGB").getpixel((2, 2)) == (255, 255, 255)


def test_a_drawing_is_made_once_and_named_by_what_it_shows(tmp_path: Path) -> None:
    drawing = Drawing("bar_hang")
    first = moves.drawn(PROGRAM, drawing, tmp_path)
    made = first.stat().st_mtime_ns
    again = moves.drawn(PROGRAM, drawing, tmp_path)
    assert again == first and again.stat().st_mtime_ns == made
    assert Image.open(first).format == "GIF"
    with i18n.speaking("ru"):
        russian = moves.name_of(PROGRAM, drawing)
    assert russian != first.name and "-ru-" in russian and "-en-" in first.name
    assert moves.name_of(PROGRAM, Drawing("deadlift")) != first.name


def test_a_read_only_install_keeps_its_drawings_in_the_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    monkeypatch.setattr(moves, "CACHE_DIR", blocked / "moves")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    path = moves.drawn(PROGRAM, Drawing("seated_row"))
    assert path.parent == tmp_path / "tmp" / "backcoach"
    assert Image.open(path).format == "GIF"


def test_the_caption_says_whose_drawing_it_is() -> None:
    caption = moves.caption(PROGRAM, Drawing("deadlift"))
    assert "<b>Deadlift</b>" in caption
    assert "Back Coach's drawing" in caption and "Not Jeff Cavaliere's video" in caption
    with i18n.speaking("es"):
        assert "Jeff Cavaliere" in moves.caption(PROGRAM, Drawing("deadlift"))
        assert "Back Coach" in moves.caption(PROGRAM, Drawing())


def test_nothing_is_drawn_at_import() -> None:
    script = (
        "import json, sys\n"
        "import conversations.moves, conversations.render, conversations.buttons\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'PIL')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    assert json.loads(result.stdout) == []


def test_the_still_draws_each_limb_through_the_poses_joints_at_one_scale() -> None:
    """The scene's limbs pass through the joints coach/poses.py gives at the poster pose,
    every part at the same pixels per metre, as thick as THICK says; the PNG shows them."""
    slug = "bar_hang"
    movement = POSES.moves[slug]
    joints = figure_at(POSES, slug, movement.phases[movement.poster])
    scene = animation.scene_of(POSES, slug, "Bar Hang")
    limbs = {e.label: e for e in scene.find("limb") if isinstance(e, Line)}
    assert set(limbs) == {part for part, *_ in animation.PARTS}
    scales = set()
    for part, names, colour, _ in animation.PARTS:
        limb = limbs[part]
        assert limb.colour == colour and limb.rounded and len(limb.points) == len(names)
        for (a, b), (p, q) in zip(
            itertools.pairwise(names), itertools.pairwise(limb.points), strict=True
        ):
            assert p is not None and q is not None
            metres = math.dist(joints[a], joints[b])
            scales.add(round(math.dist(p, q) / metres, 3))
            assert (q[1] - p[1]) * (joints[b][1] - joints[a][1]) <= 1e-9  # up is up
        scales.add(round(limb.width / animation.THICK[part], 3))
    assert len(scales) == 1  # one scale for lengths and thicknesses alike
    image = Image.open(io.BytesIO(animation.still(POSES, slug, "Bar Hang"))).convert("RGB")
    assert image.size == scene.size
    for part in ("shin", "thigh"):
        (x0, y0), (x1, y1) = limbs[part].points  # type: ignore[misc]
        pixel = image.getpixel((round((x0 + x1) / 2), round((y0 + y1) / 2)))
        assert isinstance(pixel, tuple)
        drawn = canvas.colour(limbs[part].colour)[:3]
        assert sum(abs(a - b) for a, b in zip(pixel, drawn, strict=True)) <= 30, part
