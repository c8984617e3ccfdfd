"""The activities a person's back gets in the way of, end to end, on each database and in
each language: the invitation after the third check-in day, naming and rating them, the
weekly ratings under the Sunday summary in one message, changing one in /settings, /why,
the export, /privacy, deletion, and no typed activity in any log line."""

from __future__ import annotations

import csv
import html
import io
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader

from coach import i18n, texts
from coach.function import Function
from tests.e2e.conftest import Bot, Person, message_becomes

pytestmark = pytest.mark.e2e

WORDS = {
    "en": ("tie my shoes", "sit through a film", "walk the dog"),
    "ru": ("завязать шнурки", "досмотреть фильм", "гулять с собакой"),
    "es": ("atarme los cordones", "ver una película entera", "pasear al perro"),
}


def plain(text: str) -> str:
    """A text as a person reads it: no tags, entities decoded (what the emulator keeps)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def start_of(text: str, length: int = 25) -> str:
    """The beginning of a text, up to its first placeholder."""
    return plain(text)[:length].split("{")[0]


def asked(name: str) -> str:
    """The start of the question that rates a just-named activity."""
    return plain(texts.FUNCTION_RATE_ASK.format(name=name))[: len(name) + 10]


async def tick(bot: Bot, when: datetime) -> None:
    bot.clock.current = when
    await bot.app.dispatcher.dispatch(when)


async def check_in(person: Person, pain: int) -> None:
    await person.say("/checkin")
    await person.expect(start_of(texts.PAIN_ASK))
    await person.press(str(pain))
    await person.expect(start_of(texts.PLAN_TITLE, 10))


async def press_on(person: Person, message_id: int, label: str) -> None:
    """Press the button labelled exactly ``label`` on one message."""
    message = next(m for m in person.messages() if m.message_id == message_id)
    data = next(b["callback_data"] for b in message.buttons if b["text"] == label)
    await person.press_data(message_id, data)


@pytest.mark.parametrize("language", ["en", "ru", "es"])
async def test_activities_named_rated_weekly_changed_shown_exported_and_deleted(
    bot: Bot, person: Person, language: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    shoes, film, dog = WORDS[language]
    await person.onboard()  # Monday 2 March, 09:00 in Berlin
    if language != "en":
        await person.say("/language")
        await person.expect("Which language")
        await person.press(i18n.LANGUAGES[language])
        with i18n.speaking(language):
            await person.expect(start_of(texts.LANGUAGE_SET))
    with i18n.speaking(language):
        # The first two check-in days: no invitation (set-up's answers are enough at first).
        await check_in(person, 5)
        bot.clock.advance(timedelta(days=1))
        await check_in(person, 5)
        invite = start_of(texts.FUNCTION_INVITE)
        assert not any(invite in (m.text or "") for m in person.messages())
        bot.clock.advance(timedelta(days=1))  # Wednesday 4 March: the third day
        await check_in(person, 4)
        await person.expect(invite)

        # Name two, each rated at once, then "That's all".
        await person.press(texts.BTN_FUNCTION_NAME)
        await person.expect(start_of(texts.FUNCTION_NAME_ASK))
        await person.say("   ")
        await person.expect(start_of(texts.FUNCTION_NAME_INVALID))
        await person.say(shoes)
        await person.expect(asked(shoes))
        await person.press("3")
        await person.expect(start_of(texts.FUNCTION_NEXT))
        await person.say(film)
        await person.expect(asked(film))
        await person.press("5")
        await person.expect(start_of(texts.FUNCTION_NEXT))
        await person.press(texts.BTN_FUNCTION_DONE)
        await person.expect(start_of(texts.FUNCTION_ALL_SET_SHORT))

        # This week's Sunday summary shows the first ratings and asks nothing more: the
        # week is rated.
        await tick(bot, datetime(2026, 3, 8, 17, 0, tzinfo=UTC))  # 18:00 in Berlin
        first = await person.expect(plain(texts.WEEKLY_TITLE))
        assert f"{shoes}: 3" in (first.text or "") and not first.buttons
        # The next week's asks both, one after the other, in one message.
        person.seen = len(person.messages())  # replies from here on
        await tick(bot, datetime(2026, 3, 15, 17, 0, tzinfo=UTC))
        summary = await person.expect(plain(texts.WEEKLY_TITLE))
        assert f"{shoes}: 3" in (summary.text or "")
        ask = plain(texts.FUNCTION_WEEKLY_ASK.format(index=1, count=2, question=shoes))
        assert ask in (summary.text or "")
        await press_on(person, summary.message_id, "6")
        second = plain(texts.FUNCTION_WEEKLY_ASK.format(index=2, count=2, question=film))
        await message_becomes(person, summary.message_id, lambda m: second in (m.text or ""))
        await press_on(person, summary.message_id, "5")
        thanked = await message_becomes(
            person,
            summary.message_id,
            lambda m: plain(texts.FUNCTION_WEEKLY_DONE) in (m.text or ""),
        )
        assert f"{shoes}: 3 → 6" in (thanked.text or "")  # beyond the 3-point margin
        assert plain(texts.FUNCTION_DETECTABLE.format(line="")).strip() in (thanked.text or "")
        assert f"{film}: 5 → 5" in (thanked.text or "")
        assert not thanked.buttons

        # /progress: the pain chart, then the activities' chart.
        await person.say("/progress")
        await person.emu.wait_until(
            lambda: [m for m in person.replies() if m.kind == "photo"][1:] or None,
            15,
            lambda: "no second chart",
        )
        photos = [m for m in person.replies() if m.kind == "photo"]
        assert photos[1].text == plain(texts.FUNCTION_CHART_CAPTION)
        image = Image.open(io.BytesIO(photos[1].file or b""))
        assert image.format == "PNG" and image.size == (1200, 750)

        # /report: the table by week and the change weighed against the scale.
        await person.say("/report")
        sent = await person.emu.wait_for(
            person.user_id, lambda m: m.kind == "document", after=person.seen
        )
        pages = PdfReader(io.BytesIO(sent.file or b"")).pages
        report = " ".join(" ".join(p.extract_text() or "" for p in pages).split())
        assert texts.REPORT_FUNCTION_HEADING in report
        assert texts.REPORT_FUNCTION_KEY.format(number=1, name=shoes) in report
        assert texts.REPORT_FUNCTION_BEYOND in report  # shoes 3 → 6

        # /why names the change.
        await person.say("/why")
        await person.expect(f"{shoes}: 3 → 6")

        # Change one: retire the film (its history stays), name the dog.
        await person.say("/settings")
        await person.expect(start_of(texts.SETTINGS_TITLE, 8))
        await person.press(texts.BTN_ACTIVITIES)
        await person.expect(f"2. {film}")
        await person.press(texts.BTN_FUNCTION_RETIRE.format(count=2))
        await person.expect(start_of(texts.FUNCTION_RETIRED.format(name=film)))
        await person.press(texts.BTN_FUNCTION_ADD)
        await person.expect(start_of(texts.FUNCTION_NAME_ASK))
        await person.say(dog)
        await person.expect(asked(dog))
        await person.press("7")
        await person.expect(start_of(texts.FUNCTION_NEXT))
        await person.press(texts.BTN_FUNCTION_DONE)
        await person.expect(start_of(texts.FUNCTION_ALL_SET_SHORT))
        await person.say("/settings")
        await person.expect(start_of(texts.SETTINGS_TITLE, 8))
        await person.press(texts.BTN_ACTIVITIES)
        menu = await person.expect(f"2. {dog}")
        assert film in (menu.text or "")  # listed as retired, with its history

        # /privacy says what is stored.
        await person.say("/privacy")
        privacy = await person.expect(start_of(texts.PRIVACY))
        assert privacy.text == plain(texts.PRIVACY.format(version=texts.CONSENT_VERSION))

    # The export has every activity, retired too, and each week's rating.
    await person.say("/export")
    document = await person.emu.wait_for(
        person.user_id, lambda m: m.kind == "document", after=person.seen
    )
    table = list(csv.DictReader(io.StringIO((document.file or b"").decode("utf-8-sig"))))
    column = {"en": "event"}.get(language)
    event, value = (column, "value") if column else tuple(table[0])[0:5:4]
    named = [row[value] for row in table if row[event] == "activity_named"]
    assert named == [shoes, film, dog]
    assert [row[value] for row in table if row[event] == "activity_retired"] == [film]
    ratings = sorted(row[value] for row in table if row[event] == "activity_rating")
    assert ratings == sorted(["3", "5", "6", "5", "7"])

    # The typed words are in no log line.
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert logged  # the run did log
    for words in (shoes, film, dog):
        assert words not in logged

    # Deleting the data takes the activities and their ratings with it.
    with i18n.speaking(language):
        await person.say("/deletedata")
        await person.expect(start_of(texts.DELETE_ASK))
        await person.press(texts.BTN_DELETE)
        await person.expect(start_of(texts.DELETED))
    async with bot.store.unit() as uow:
        assert await uow.function(person.user_id) == Function()
        assert await uow.activities.asked_on(person.user_id) is None
