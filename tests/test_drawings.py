"""The moves' drawings as files: every move's animation within Telegram-friendly limits, its
cues labelled in the person's language, the sheet of all seven in order, and each drawing
made once and kept on disk (in a temporary directory where the project's cannot be
written). The drawing happens in the functions called, never at import."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from coach import i18n, texts
from coach.poses import default as default_poses
from coach.program import default_program
from conversations import animation, moves
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
            figure = animation.figure_of(POSES, slug, name)
            shown = {t.get_text() for t in figure.texts}
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
                figure = animation.figure_of(POSES, slug, PROGRAM.move(slug).name)
                figure.canvas.draw()
                width = figure.bbox.width
                for text in figure.texts:
                    box = text.get_window_extent()
                    assert box.x0 >= 0 and box.x1 <= width, (language, slug, text.get_text())


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
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib')))\n"
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
