"""Several people onboard and check in at once while Telegram fails a share of requests at
random (5xx, 429, closed connections, answers lost after delivery, slow answers): the bot
keeps serving everyone, no update is applied twice or skipped, and no one gets an apology."""

from __future__ import annotations

import asyncio
import random

from coach import texts
from coach.model import SafetyEventKind
from emulator.faults import FaultKind
from emulator.models import SentMessage
from tests.e2e.conftest import Bot, Person, stored

PEOPLE = range(6101, 6107)
FAULTS = [
    ("sendMessage", FaultKind.BAD_GATEWAY),
    ("sendMessage", FaultKind.RETRY_AFTER),
    ("sendMessage", FaultKind.REFUSE),
    ("sendMessage", FaultKind.DROP_AFTER_SEND),
    ("sendMessage", FaultKind.DELAY),
    ("editMessageReplyMarkup", FaultKind.BAD_GATEWAY),
    ("answerCallbackQuery", FaultKind.RETRY_AFTER),
]


# getUpdates fails more rarely: PTB waits longer after each failed poll in a row.
POLL_FAULTS = [FaultKind.BAD_GATEWAY, FaultKind.REFUSE, FaultKind.DROP_AFTER_SEND]
POLL_FAULT_EVERY = 8  # rounds of 400 ms: one poll in about 3 s fails
# A fault every 400 ms fails about one call in ten and one send in six (one run: 199 faults
# over 2,098 calls, 761 of them sends); at every 150 ms the run took minutes of retries.
ROUND = 0.4


async def inject(bot: Bot, seed: int, stop: asyncio.Event) -> int:
    """Every ``ROUND`` s, a fault drawn from FAULTS for the next call of its method (one
    waiting per method at most, so they hit a share of calls), until stopped; returns how
    many."""
    pick, count, rounds = random.Random(seed), 0, 0
    while not stop.is_set():
        rounds += 1
        method, kind = pick.choice(FAULTS)
        if rounds % POLL_FAULT_EVERY == 0:
            method, kind = "getUpdates", pick.choice(POLL_FAULTS)
        if not any(f.method == method for f in bot.emu.faults.pending):
            bot.emu.fail(method, kind, retry_after=1, delay=0.5)
            count += 1
        await asyncio.sleep(ROUND)
    return count


# What a person answers to each question of onboarding, by a fragment of its text.
ANSWERS = [
    ("Do you agree", "I agree"),
    ("Do any of these apply", "None of these"),
    ("groin", "No"),
    ("fever", "No"),
    ("And last", "No"),
    ("When should I ask", "08:00"),
    ("What do you have", "Done"),
    ("When should I remind you", "2 a day"),
    ("How does your back feel", "3"),
]
PATIENCE = 4.0  # seconds a person waits for a reply before writing again


def _open_question(
    messages: list[SentMessage], answered: set[int]
) -> tuple[SentMessage, str] | None:
    """The newest unanswered question with a button to press, and that button's data."""
    for message in reversed(messages):
        if message.message_id in answered or not message.buttons:
            continue
        for fragment, label in ANSWERS:
            if fragment in (message.text or ""):
                for button in message.buttons:
                    if label in button["text"]:
                        return message, button["callback_data"]
    return None


async def journey(bot: Bot, person: Person) -> None:
    """Onboard and check in as a person would: answer the newest question; when nothing
    comes for a few seconds, write again (/start, or /today once set up)."""
    await person.say("/start")
    answered: set[int] = set()
    loop = asyncio.get_running_loop()
    waiting_since = loop.time()
    while True:
        plan = [m for m in person.messages() if "Today's plan" in (m.text or "")]
        if plan:
            return
        messages = person.messages()
        found = _open_question(messages, answered)
        last = messages[-1].text or "" if messages else ""
        if found is not None:
            message, data = found
            answered.add(message.message_id)
            bot.emu.press_button(person.user_id, message.message_id, data)
            waiting_since = loop.time()
        elif "Which time zone" in last:
            person.emu.send_text(person.user_id, "Europe/Berlin")
            waiting_since = loop.time() + PATIENCE
        elif loop.time() - waiting_since > PATIENCE:
            registered = (await stored(bot, person.user_id)).person.registered
            person.emu.send_text(person.user_id, "/today" if registered else "/start")
            waiting_since = loop.time()
        await asyncio.sleep(0.05)


STALLED = 60.0  # seconds without a single new message to anyone: the run is stuck
AT_MOST = 900.0  # a bound on the whole run, however slow the machine: far above its work


async def until_done(journeys: asyncio.Future[object], people: list[Person]) -> None:
    """Wait for every journey: as long as the bot keeps answering someone (a loaded machine
    only makes it slower), and fail once nobody has heard from it for ``STALLED`` seconds."""
    loop = asyncio.get_running_loop()
    began = quiet_since = loop.time()
    heard = -1
    while not journeys.done():
        await asyncio.wait({journeys}, timeout=1.0)
        count = sum(len(p.messages()) for p in people)
        if count != heard:
            heard, quiet_since = count, loop.time()
        stalled = loop.time() - quiet_since > STALLED
        if not journeys.done() and (stalled or loop.time() - began > AT_MOST):
            journeys.cancel()
            raise AssertionError(f"journeys unfinished; {count} messages, stalled: {stalled}")
    await journeys


async def test_everyone_is_served_once_while_telegram_fails_at_random(bot: Bot) -> None:
    people = [Person(bot, user_id) for user_id in PEOPLE]
    stop = asyncio.Event()
    faults = asyncio.create_task(inject(bot, 20261126, stop))
    try:
        await until_done(asyncio.gather(*(journey(bot, p) for p in people)), people)
    finally:
        stop.set()
        injected = await faults
        bot.emu.faults.clear()
    assert injected > 10
    for person in people:
        saved = await stored(bot, person.user_id)
        assert saved.person.registered and saved.person.step is None
        assert [r.pain for r in saved.ratings] == [3]
        assert saved.person.profile.equipment == frozenset()  # "Done" with nothing ticked
        kinds = [e.kind for e in saved.safety]
        assert kinds == [SafetyEventKind.SCREENING, SafetyEventKind.RED_FLAGS_NONE]
        assert not [m for m in person.messages() if m.text == texts.ERROR]
