"""/report end to end: the real application sends a PDF through the emulator."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from coach import texts
from emulator.models import SentMessage
from tests.e2e.conftest import Bot, Person, check_in, quiet_window, settle, shown_before

pytestmark = pytest.mark.e2e


async def document(person: Person) -> SentMessage:
    return await person.emu.wait_for(
        person.user_id, lambda m: m.kind == "document", after=person.seen
    )


def pdf_text(message: SentMessage) -> str:
    assert message.mime_type == "application/pdf"
    reader = PdfReader(io.BytesIO(message.file or b""))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))


async def test_report_sends_a_pdf_of_the_course_and_answers_bad_input_clearly(
    bot: Bot, person: Person
) -> None:
    await person.onboard()  # Monday 2 March 2026, Berlin
    await person.say("/report")
    await person.expect("nothing to report yet")
    await person.press("5")
    await person.expect("Today's plan")
    for pain in (4, 3):
        bot.clock.advance(timedelta(days=1))
        await check_in(person, pain)
        await settle(person)

    await quiet_window()
    await person.say("/report")
    sent = await document(person)
    assert sent.filename == "back-coach-report-2026-03-04.pdf"
    assert shown_before(bot, person.user_id, "upload_document", "sendDocument")
    assert "no name" in (sent.text or "")
    text = pdf_text(sent)
    assert "Mon 2 Mar 2026 to Wed 4 Mar 2026 (3 days) · dates in Europe/Berlin" in text
    assert "Check-ins: 3 of 3 days" in text
    assert "2 Mar – 4 Mar 3 4 3–5" in text  # one week: median 4, range 3–5
    assert "Red-flag questions: no to all." in text
    assert str(person.user_id) not in text

    await person.say("/report 90")
    assert "Check-ins: 3 of 3 days" in pdf_text(await document(person))
    for bad in ("/report abc", "/report 9999", "/report 3"):
        await person.say(bad)
        await person.expect(texts.REPORT_USAGE)


async def test_with_the_red_flag_question_open_report_answers_as_progress_does(
    bot: Bot, person: Person
) -> None:
    """/progress sends its chart while the red-flag question waits; /report sends the
    report likewise (a doctor is where the person should go), and after a "yes" the
    report says the program is paused for it."""
    await person.onboard()
    await person.press("3")
    await person.expect("Today's plan")
    bot.clock.advance(timedelta(days=1))
    await check_in(person, 2)
    await person.say("/redflags")
    await person.expect("groin")
    await person.say("/progress")
    await person.emu.wait_for(person.user_id, lambda m: m.kind == "photo", after=person.seen)
    await person.say("/report")
    assert "Check-ins: 2 of 2 days" in pdf_text(await document(person))

    await person.press("No")
    await person.expect("fever")
    await person.press("Yes")
    await person.expect("see a doctor today")
    await person.say("/report")
    text = pdf_text(await document(person))
    assert texts.REPORT_HOLD["red_flag"] in text
    assert f"Tue 3 Mar 2026 {texts.REPORT_RED_FLAG['urgent']}" in text
    assert f"Tue 3 Mar 2026 {texts.REPORT_ADVISED['urgent']}" in text  # a suggestion, not "none"

    await person.say("/deletedata")
    await person.expect("Delete everything?")
    await person.press("Yes, delete it all")
    await person.expect("erased")
    await person.say("/report")
    await person.expect(texts.NOT_REGISTERED)
