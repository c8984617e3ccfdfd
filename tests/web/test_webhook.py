"""Telegram's webhook, in process: an update posted with the secret is handled like a polled
one; without it (or with a wrong one) it is refused with 403 and nothing is stored or
handled; a body that is no update is a 400, logged without its content."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta

import pytest

from conversations.web import ALLOWED_UPDATES
from services import onboarding, updates
from tests.web.conftest import Served, eventually, samples, updates_counted

pytestmark = pytest.mark.e2e

USER = 6001


async def test_setting_the_webhook_gives_telegram_the_secret_and_the_handled_kinds(
    served: Served,
) -> None:
    webhook = served.emu.webhook
    assert webhook is not None
    assert webhook.url == "https://coach.example.org/telegram/updates"
    assert webhook.secret_token == served.secret
    assert webhook.allowed_updates == ALLOWED_UPDATES
    info = await served.app.bot.get_webhook_info()
    assert info.url == webhook.url
    assert tuple(info.allowed_updates) == ALLOWED_UPDATES


async def test_an_update_with_the_secret_is_handled_and_its_answer_sent(served: Served) -> None:
    consent = await served.say(USER, "/start", "Do you agree")
    await served.press(USER, consent, "I agree")
    await served.emu.wait_for(USER, lambda m: "Which time zone" in (m.text or ""), 15)
    assert served.rows()["people"] == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no secret at all
        {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret-of-the-right-form-0123456789"},
        {"X-Telegram-Bot-Api-Secret-Token": ""},
    ],
    ids=["missing", "wrong", "empty"],
)
async def test_an_update_without_the_right_secret_is_refused_and_nothing_is_stored(
    served: Served, headers: dict[str, str]
) -> None:
    update = served.emu.send_text(USER, "/start")
    response = await served.http.post("/telegram/updates", json=update, headers=headers)
    assert response.status_code == 403
    # The same update with the secret is handled: so nothing was handled before it.
    reply = await served.say(USER, "/help", "this list")
    assert [m.text for m in served.emu.sent(USER)] == [reply.text]
    assert served.rows()["people"] == 0  # /help stores nothing; /start would have
    found = await served.metrics()
    assert updates_counted(found, "command") == 1


async def test_a_secret_off_by_its_last_byte_or_not_ascii_is_refused(served: Served) -> None:
    near = served.secret[:-1] + ("A" if served.secret[-1] != "A" else "B")
    for secret in (near, served.secret + "x", served.secret[:-1]):
        response = await served.post(served.emu.send_text(USER, "/start"), secret=secret)
        assert response.status_code == 403
    # A header that is not ASCII (bytes as Telegram never sends): refused, never a crash.
    raw = served.secret.encode()[:-1] + b"\xe9"
    response = await served.http.post(
        "/telegram/updates",
        json=served.emu.send_text(USER, "/start"),
        headers=[(b"x-telegram-bot-api-secret-token", raw)],
    )
    assert response.status_code == 403
    # The person's next update is handled after anything of theirs wrongly queued before it
    # (one person's updates in order): its answer is the first and only one.
    reply = await served.say(USER, "/help", "this list")
    assert [m.text for m in served.emu.sent(USER)] == [reply.text]
    assert served.rows()["people"] == 0  # /help stores nothing; /start would have
    found = await served.metrics()
    assert sum(v for (name, _), v in found.items() if name == "backcoach_updates_total") == 1


@pytest.mark.parametrize(
    "body",
    [
        b"this is no json zanzibarquux",
        b'["zanzibarquux"]',
        b'{"message": {"text": "zanzibarquux"}}',  # no update_id
        b'{"update_id": "seven", "message": {"text": "zanzibarquux"}}',
        b'{"update_id": 7, "message": {"text": "zanzibarquux", "chat": "nonsense"}}',
    ],
    ids=["not-json", "a-list", "no-update-id", "a-text-id", "a-broken-message"],
)
async def test_a_body_that_is_no_update_is_a_400_logged_without_its_content(
    served: Served, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = await served.post(body)
    assert response.status_code == 400
    logged = [r.getMessage() for r in caplog.records]
    assert any("no update" in line for line in logged)
    assert not any("zanzibarquux" in line for line in logged)
    # The bot is fine: the next real update is handled.
    await served.say(USER, "/help", "this list")


async def test_a_valid_update_is_handled_once_per_post(served: Served) -> None:
    update = served.emu.send_text(USER, "/help")
    response = await served.post(json.loads(json.dumps(update)))
    assert response.status_code == 200
    await served.emu.wait_for(USER, lambda m: "this list" in (m.text or ""), 15)
    await served.settled()
    found = samples((await served.http.get("/metrics")).text)
    assert updates_counted(found, "command") == 1


async def test_only_post_is_accepted_on_the_webhook_path(served: Served) -> None:
    response = await served.http.get("/telegram/updates")
    assert response.status_code == 405


async def test_a_retry_of_the_same_update_is_handled_once(served: Served) -> None:
    update = served.emu.send_text(USER, "/help")
    # The answer takes a while, so the copy surely comes while the first is being handled.
    served.emu.fail("sendMessage", "delay", times=1, delay=0.5)
    # Telegram posts it again when the first answer was lost (or a second worker gets it).
    first, again = await asyncio.gather(served.post(update), served.post(update))
    # Both are answered at once: the update is in the inbox, handled where it was taken in.
    assert (first.status_code, again.status_code) == (200, 200)
    await served.emu.wait_for(USER, lambda m: "this list" in (m.text or ""), 15)
    assert (await served.post(update)).status_code == 200  # handled before: dropped
    later = await served.say(USER, "/privacy", "I store only what coaching needs")
    texts = [m.text for m in served.emu.sent(USER)]
    assert len(texts) == 2 and texts[-1] == later.text  # one answer to /help, not two
    assert updates_counted(await served.metrics(), "command") == 2
    assert served.rows()["handled_updates"] == 2


async def test_the_post_is_answered_before_the_update_is_handled(served: Served) -> None:
    """Telegram's post waits for the update to be taken in, not for its handling (nor for
    the sends the handling makes); it is handled right after, and marked finished."""
    served.emu.fail("sendMessage", "delay", times=1, delay=2.0)
    update = served.emu.send_text(USER, "/help")
    response = await asyncio.wait_for(served.post(update), 1.5)
    assert response.status_code == 200
    assert served.emu.sent(USER) == [] or "this list" in (served.emu.sent(USER)[0].text or "")
    await served.emu.wait_for(USER, lambda m: "this list" in (m.text or ""), 15)
    await eventually(lambda: served.inbox() == [(update["update_id"], 1, None)], "finished")


async def test_a_start_taken_over_from_a_dead_worker_shows_the_welcome(served: Served) -> None:
    """A worker took /start in, answered Telegram, stored the person, then died before its
    reply: once its lease runs out this worker takes the update over from the inbox, and the
    person sees what Back Coach is and is not before being asked to agree."""
    update = served.emu.send_text(USER, "/start")
    deps = served.app.deps
    taken, _ = await updates.take_in(
        deps, update["update_id"], chat=USER, worker="dead", payload=json.dumps(update)
    )
    assert taken is updates.Taken.HANDLE
    await onboarding.start(deps, USER)  # the dead worker's unit of work, committed
    assert served.rows()["people"] == 1 and served.emu.sent(USER) == []
    intake = served.server.intake
    assert intake is not None
    await intake.sweep()  # its lease still runs: left alone
    await asyncio.sleep(0.2)
    assert served.emu.sent(USER) == []
    served.clock.advance(updates.HANDLED_WITHIN + timedelta(seconds=1))

    await intake.sweep()

    await served.emu.wait_for(USER, lambda m: "Do you agree" in (m.text or ""), 15)
    texts_sent = [m.text or "" for m in served.emu.sent(USER)]
    assert len(texts_sent) == 2, texts_sent
    assert "What I am not" in texts_sent[0]
    assert "Do you agree" in texts_sent[1]
    assert served.rows()["people"] == 1
    await eventually(lambda: served.inbox() == [(update["update_id"], 1, None)], "finished")
    # Telegram's own retry of it, later, is dropped.
    assert (await served.post(update)).status_code == 200
    await asyncio.sleep(0.2)
    assert len(served.emu.sent(USER)) == 2


async def test_a_post_of_an_update_whose_worker_died_is_handled_here(served: Served) -> None:
    """The dead worker had not answered (Telegram posts the update again): the copy takes the
    update over once the lease ran out, and it is handled once."""
    update = served.emu.send_text(USER, "/help")
    taken, _ = await updates.take_in(
        served.app.deps, update["update_id"], chat=USER, worker="dead", payload=json.dumps(update)
    )
    assert taken is updates.Taken.HANDLE
    assert (await served.post(update)).status_code == 200  # held by a live lease: dropped
    await asyncio.sleep(0.2)
    assert served.emu.sent(USER) == []
    served.clock.advance(updates.HANDLED_WITHIN + timedelta(seconds=1))

    assert (await served.post(update)).status_code == 200

    await served.emu.wait_for(USER, lambda m: "this list" in (m.text or ""), 15)
    await eventually(lambda: served.inbox() == [(update["update_id"], 1, None)], "finished")
    assert len(served.emu.sent(USER)) == 1
