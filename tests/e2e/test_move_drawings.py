"""The moves' drawings through the real bot: *How?* sends the move's animation, then its
text; the second time by the file_id Telegram returned, not the file again. A plan that
brings new moves sends their drawings with it, and /exercises the sheet of all seven."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from coach import i18n, texts
from conversations.rendering import RENDERER
from emulator import SentMessage
from services import media
from tests.e2e.conftest import TIMEOUT as WAIT
from tests.e2e.conftest import Bot, Person, check_in, press_move

pytestmark = pytest.mark.e2e

MAX_BYTES = 500 * 1024
HONEST = "Back Coach's drawing"
NOT_HIS_VIDEO = "Not Jeff Cavaliere's video"


async def until(person: Person, count: int) -> list[SentMessage]:
    """The person's messages once there are at least ``count`` of them."""
    return await person.emu.wait_until(
        lambda: person.messages() if len(person.messages()) >= count else None,
        WAIT,
        lambda: f"fewer than {count} messages: {[m.describe() for m in person.messages()]}",
    )


def animations(person: Person) -> list[SentMessage]:
    return [m for m in person.messages() if m.kind == "animation"]


def seconds(gif: bytes) -> float:
    image = Image.open(io.BytesIO(gif))
    total = 0
    for frame in range(image.n_frames):
        image.seek(frame)
        total += image.info["duration"]
    return total / 1000


async def test_how_sends_the_drawing_before_the_text_then_by_file_id(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    await check_in(person, 3)
    before = len(person.messages())
    await press_move(person, "hw", "bar_hang")
    drawing, how = (await until(person, before + 2))[before : before + 2]
    assert drawing.kind == "animation" and how.kind == "text"
    assert drawing.message_id < how.message_id
    assert HONEST in (drawing.text or "") and NOT_HIS_VIDEO in (drawing.text or "")
    assert "Bar Hang" in (drawing.text or "")
    assert (how.text or "").startswith("How to do the Bar Hang")
    gif = drawing.file or b""
    assert gif.startswith(b"GIF8") and len(gif) <= MAX_BYTES
    assert 2 <= seconds(gif) <= 4
    first = [c for c in bot.emu.calls if c.method == "sendAnimation"]
    assert len(first) == 1 and str(first[0].params["animation"]).startswith("<upload")
    assert drawing.file_id is not None
    kept = await media.known_file(bot.app.deps, str(drawing.filename))
    assert kept == drawing.file_id

    # The second time: the id Telegram returned, not the file.
    await press_move(person, "hw", "bar_hang")
    again, how_again = (await until(person, before + 4))[before + 2 : before + 4]
    calls = [c for c in bot.emu.calls if c.method == "sendAnimation"]
    assert len(calls) == 2
    assert calls[1].params["animation"] == drawing.file_id
    assert again.kind == "animation" and again.file == gif and again.text == drawing.text
    assert how_again.text == how.text


async def test_a_refused_file_id_is_replaced_by_a_new_upload(bot: Bot, person: Person) -> None:
    await person.onboard()
    await check_in(person, 3)
    before = len(person.messages())
    await press_move(person, "hw", "bar_hang")
    drawing = (await until(person, before + 2))[before]
    deps = bot.app.deps
    name = str(drawing.filename)
    await media.remember_file(deps, name, "an-id-telegram-never-gave")
    await press_move(person, "hw", "bar_hang")
    again = (await until(person, before + 4))[before + 2]
    assert again.kind == "animation" and again.file == drawing.file
    calls = [c.params["animation"] for c in bot.emu.calls if c.method == "sendAnimation"]
    assert calls[1] == "an-id-telegram-never-gave" and str(calls[2]).startswith("<upload")
    assert await media.known_file(deps, name) == again.file_id


async def test_the_plan_that_brings_new_moves_sends_their_drawings(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    for _day in range(2):
        await check_in(person, 3)
        bot.clock.advance(timedelta(days=1))
    await check_in(person, 3)  # day 3: stage 2 brings the seated row and the reverse hyper
    drawings = await person.emu.wait_until(
        lambda: drawn if len(drawn := animations(person)) >= 2 else None,
        WAIT,
        lambda: f"no drawings: {[m.describe() for m in person.messages()]}",
    )
    assert ["Seated Row" in (d.text or "") for d in drawings] == [True, False]
    assert "Reverse Hyper" in (drawings[1].text or "")
    plan = next(m for m in person.messages() if texts.NEW_MOVE.strip() in (m.text or ""))
    assert plan.message_id < drawings[0].message_id
    # The next day's plan is not new: no drawing comes with it.
    bot.clock.advance(timedelta(days=1))
    await check_in(person, 3)
    await person.say("/why")  # answered once the check-in's update is over: updates run in order
    await person.expect("You are in stage 2")
    assert len(animations(person)) == 2


async def test_exercises_sends_the_sheet_of_all_seven_then_the_list(
    bot: Bot, person: Person
) -> None:
    await person.say("/exercises")
    sheet, listing = await until(person, 2)
    assert sheet.kind == "photo" and listing.kind == "text"
    assert "Back Coach's drawings" in (sheet.text or "")
    image = Image.open(io.BytesIO(sheet.file or b""))
    assert image.format == "PNG" and image.width > image.height
    assert "The seven moves" in (listing.text or "")


async def test_a_drawing_that_cannot_be_kept_leaves_the_text(
    bot: Bot, person: Person, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("no directory can be made under a file")
    # The drawing process starts again with nowhere to keep a drawing.
    monkeypatch.setenv("BACK_COACH_MOVES_DIR", str(blocked / "moves"))
    monkeypatch.setenv("TMPDIR", str(blocked / "tmp"))
    RENDERER.close()
    try:
        await _a_drawing_that_cannot_be_kept_leaves_the_text(bot, person)
    finally:
        RENDERER.close()  # the next job starts it again with the usual places


async def _a_drawing_that_cannot_be_kept_leaves_the_text(bot: Bot, person: Person) -> None:
    await person.onboard()
    await check_in(person, 3)
    before = len(person.messages())
    await press_move(person, "hw", "bar_hang")
    how = await person.expect("How to do the Bar Hang")
    assert [m.kind for m in person.messages()[before:]] == ["text"]
    assert how.message_id == person.messages()[-1].message_id
    assert not [c for c in bot.emu.calls if c.method == "sendAnimation"]


async def test_a_spanish_speaker_gets_the_sheet_labelled_in_spanish(bot: Bot) -> None:
    bot.emu.add_user(6101, language_code="es")
    person = Person(bot, 6101)
    await person.say("/start")
    with i18n.speaking("es"):
        await person.expect(texts.CONSENT.split("\n\n")[-1])  # set-up is under way
        sheet_caption = texts.EXERCISES_SHEET
    start = len(person.messages())
    await person.say("/exercises")
    sheet = (await until(person, start + 2))[start]
    assert sheet.text == sheet_caption
    assert sheet.kind == "photo" and "sheet-es-" in str(sheet.filename)
    english = Person(bot, 6102)
    await english.say("/exercises")
    other = (await until(english, 2))[0]
    assert "sheet-en-" in str(other.filename) and other.file != sheet.file
