"""Hostile and unlucky input, each once a crash or a lost conversation: answered clearly,
nothing half-applied, the conversation carried on."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from coach import texts
from coach.schedule import Kind
from emulator.faults import FaultKind
from emulator.models import OpenQuery
from storage.db import sqlite_file
from tests.e2e.conftest import Bot, Person, settle, stored


def apologies(person: Person) -> list[str]:
    return [m.text or "" for m in person.messages() if m.text == texts.ERROR]


async def test_an_edited_message_changes_nothing_and_says_so(bot: Bot, person: Person) -> None:
    await person.onboard()
    await person.say("2")
    await person.expect("Today's plan")
    sent = person.messages()[-1]
    before = await stored(bot, person.user_id)
    person.seen = len(person.messages())
    edited = dict(bot.emu.inbox[(person.user_id, max(k[1] for k in bot.emu.inbox))])
    edited["text"], edited["edit_date"] = "9", edited["date"] + 5
    bot.emu.updates.push("edited_message", edited)
    await person.expect("I don't read edited messages")
    assert not any("Today's plan" in t or "groin" in t for t in await settle(person))
    assert await stored(bot, person.user_id) == before
    assert sent.message_id  # the plan of the "2" stands


async def test_forged_button_data_with_non_ascii_characters_is_refused_politely(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    message = person.messages()[-1]
    for data in ("x|é", "pn|20260302|3|ÄÖÜ…", "✅"):
        toast = await person.press_data(message.message_id, data)
        assert toast == texts.INVALID_BUTTON
    assert apologies(person) == []


async def test_unicode_digits_get_a_clear_answer(bot: Bot, person: Person) -> None:
    await person.onboard()
    before = await stored(bot, person.user_id)
    for text in ("²", "①", "٣"):
        await person.say(text)
        reply = await person.expect("")
        assert reply.text != texts.ERROR
    await person.say("/progress ²")
    await person.expect("Use /progress for the last 30 days")
    assert apologies(person) == []
    assert await stored(bot, person.user_id) == before


async def test_a_button_without_a_message_is_answered(bot: Bot, person: Person) -> None:
    await person.onboard()
    before = len(bot.emu.answered_callbacks)
    bot.emu.open_callbacks["77"] = OpenQuery("pn|20260302|3|xxxxxxxx", None, time.monotonic())
    bot.emu.updates.push(
        "callback_query",
        {
            "id": "77",
            "from": {"id": person.user_id, "is_bot": False, "first_name": "Test"},
            "inline_message_id": "AAAA",
            "chat_instance": "1",
            "data": "pn|20260302|3|xxxxxxxx",
        },
    )
    answered = await bot.emu.wait_until(
        lambda: bot.emu.answered_callbacks[before:] or None, 15, lambda: "never answered"
    )
    assert answered[0].text == texts.INVALID_BUTTON


async def test_a_failed_answer_to_a_press_still_brings_the_next_question(
    bot: Bot, person: Person
) -> None:
    await person.say("/start")
    await person.expect("Do you agree")
    bot.emu.fail("answerCallbackQuery", FaultKind.BAD_GATEWAY)
    message, data = person.button("I agree")
    person.seen = len(person.messages())
    bot.emu.press_button(person.user_id, message.message_id, data)  # its answer fails
    await person.expect("Which time zone")
    await person.say("Berlin")
    await person.expect("Do any of these apply")
    bot.emu.fail("sendMessage", FaultKind.BAD_GATEWAY, chat_id=person.user_id, times=2)
    await person.press("None of these")
    await person.expect("groin")  # retried until it arrived
    bot.emu.fail("editMessageReplyMarkup", FaultKind.BAD_GATEWAY)
    await person.press("No")
    await person.expect("fever")
    assert apologies(person) == []
    assert (await stored(bot, person.user_id)).person.step == "rf_urgent"


async def active(bot: Bot, person: Person, expected: bool) -> None:
    """Wait until the stored person is (in)active."""
    for _ in range(100):
        if (await stored(bot, person.user_id)).person.active is expected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the person never became {'active' if expected else 'inactive'}")


async def test_unblocking_brings_the_reminders_back(bot: Bot, person: Person) -> None:
    await person.onboard()
    bot.emu.block_chat(person.user_id)
    await active(bot, person, False)
    bot.emu.unblock_chat(person.user_id)
    await active(bot, person, True)
    async with bot.store.unit() as uow:
        assert {r.kind for r in await uow.schedule.of(person.user_id)} >= {Kind.CHECKIN}
    await person.say("/resume")
    await person.expect("Reminders are already on")


async def test_a_lost_schedule_is_rebuilt_on_the_next_message_and_by_the_first_sweep(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    async with bot.store.unit() as uow:
        kinds = sorted(r.kind for r in await uow.schedule.of(person.user_id))
        await uow.schedule.replace(person.user_id, [])
        await uow.commit()
    await person.say("/why")
    await person.expect("You are in stage")
    async with bot.store.unit() as uow:
        assert sorted(r.kind for r in await uow.schedule.of(person.user_id)) == kinds
        await uow.schedule.replace(person.user_id, [])
        await uow.commit()
    # The hourly sweeps, the first at the first tick after a start (not the start itself,
    # which reads nobody's rows: it costs the same whatever the number of people).
    await bot.app.dispatcher.recover(bot.clock.now())
    async with bot.store.unit() as uow:
        assert await uow.schedule.of(person.user_id) == []
    await bot.app.dispatcher.tick(bot.clock.now())
    async with bot.store.unit() as uow:
        rebuilt = await uow.schedule.of(person.user_id)
    assert sorted(r.kind for r in rebuilt) == kinds
    assert Kind.CHECKIN in kinds
    assert all(r.due > bot.clock.now() - timedelta(minutes=1) for r in rebuilt)


async def test_an_expired_button_query_still_brings_the_next_question_and_the_toast(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    await person.press("3")
    await person.expect("Today's plan")
    bot.emu.callback_query_timeout = 0  # every answer comes too late, as after a backlog
    message, data = person.button(texts.BTN_WORSE)
    person.seen = len(person.messages())
    bot.emu.press_button(person.user_id, message.message_id, data)
    toast = await person.expect("Thanks for telling me")  # the toast, sent as a message
    assert toast.text is not None
    assert apologies(person) == []
    bot.emu.callback_query_timeout = 15


async def test_a_database_that_refuses_writes_gets_a_polite_answer_and_one_clear_line(
    bot: Bot, person: Person, caplog: pytest.LogCaptureFixture
) -> None:
    await person.onboard()
    before = await stored(bot, person.user_id)
    engine = bot.store.engine.sync_engine
    sqlite = engine.dialect.name == "sqlite"

    def read_only(dbapi_connection: Any, _record: Any) -> None:
        if sqlite:
            dbapi_connection.execute("PRAGMA query_only=ON")
        else:  # as on a standby, or with the disk full and the server refusing writes
            cursor = dbapi_connection.cursor()
            cursor.execute("SET default_transaction_read_only = on")
            cursor.close()
            dbapi_connection.commit()  # the driver ran SET in a transaction: keep it

    event.listen(engine, "connect", read_only)
    await bot.store.engine.dispose()  # every connection from now on refuses writes
    try:
        await person.press("3")
        await person.expect("I couldn't save that just now")
    finally:
        event.remove(engine, "connect", read_only)
        await bot.store.engine.dispose()
    assert await stored(bot, person.user_id) == before  # nothing half-saved
    refused = [r for r in caplog.records if "the database refused an update" in r.getMessage()]
    why = "readonly" if sqlite else "read-only transaction"
    assert len(refused) == 1 and why in refused[0].getMessage()
    assert not [r for r in caplog.records if r.getMessage() == "handling an update failed"]

    await person.say("/checkin")  # writable again: carries on
    await person.press("3")
    await person.expect("Today's plan")


async def test_a_sqlite_file_removed_while_running_gets_a_polite_answer_not_lost_writes(
    bot: Bot, person: Person, caplog: pytest.LogCaptureFixture
) -> None:
    file = sqlite_file(bot.store.engine.url.render_as_string(hide_password=False))
    if file is None:
        pytest.skip("a SQLite file only")
    await person.onboard()
    assert file.exists()
    for part in (file, file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm")):
        part.unlink(missing_ok=True)  # its directory deleted, its volume unmounted

    await person.say("/checkin")
    await person.press("3")  # a rating: stored, or said not to be
    await person.expect("I couldn't save that just now")
    refused = [r for r in caplog.records if "the database refused an update" in r.getMessage()]
    assert refused and "is missing" in refused[0].getMessage()
    assert not file.exists()  # no new, empty database was made
