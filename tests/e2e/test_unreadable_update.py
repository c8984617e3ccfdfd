"""An update PTB cannot read is skipped and logged once (without its content): polling goes
on, and everyone else is served. Each polled update is read once, and an edit's answer (the
whole edited message) is noted without being built."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from telegram import Update

from tests.e2e.conftest import Bot, Person

pytestmark = pytest.mark.e2e

SKIPPED = "skipped update"


async def test_an_unreadable_update_is_skipped_once_and_polling_goes_on(
    bot: Bot, person: Person, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    emu = bot.emu
    # A message without a chat or a date: PTB's Message cannot be built from it.
    emu.updates.push("message", {"message_id": 1, "text": "zanzibar-unreadable"})
    await person.say("/start")  # behind the unreadable one
    await person.expect("Do you agree")
    # Unreadable and last in its batch: the offset must still move past it.
    emu.updates.push("callback_query", {"id": "1", "data": "zanzibar-unreadable"})
    await emu.wait_until(
        lambda: not emu.updates.pending or None, 10, lambda: "the update was fetched again"
    )
    calls = len(emu.calls_of("getUpdates"))
    await person.say("/help")
    await person.expect("/checkin")
    assert len(emu.calls_of("getUpdates")) - calls < 10
    skipped = [r for r in caplog.records if SKIPPED in r.getMessage()]
    assert len(skipped) == 2
    assert "zanzibar" not in caplog.text


async def test_each_polled_update_is_read_once(
    bot: Bot, person: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[object] = []
    read = Update.de_json.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Update], data: Any, bot: Any = None) -> Update:
        reads.append(data.get("update_id") if isinstance(data, dict) else None)
        return read(cls, data, bot)  # type: ignore[no-any-return]

    monkeypatch.setattr(Update, "de_json", classmethod(counted))
    await person.say("/help")
    await person.expect("/checkin")
    await person.say("/privacy")
    await person.expect("I store only")
    assert len(reads) == 2
    assert len(set(reads)) == 2


async def test_an_edit_answers_true_and_its_message_is_still_noted(
    bot: Bot, person: Person
) -> None:
    await person.say("/help")
    message = await person.expect("/checkin")
    ours = bot.app.bot
    assert await ours.edit_message_text("edited", person.user_id, message.message_id) is True
    assert bot.emu.edits[-1].message_id == message.message_id
    assert ours.is_newest(person.user_id, message.message_id)
