"""End to end: the real PTB Application over HTTP against the emulator, on each database: a
SQLite file, and a database of its own on the session's PostgreSQL server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bootstrap import build_application
from coach import texts
from coach.program import default_program
from emulator import BotApiEmulator
from emulator.models import SentMessage
from services.clock import ManualClock
from storage.unit_of_work import Store, open_store
from tests.postgres import PostgresServer

TIMEOUT = 15.0


@dataclass
class Bot:
    """A running Back Coach: the emulator it talks to, its store and its clock."""

    emu: BotApiEmulator
    store: Store
    clock: ManualClock
    app: Any


@dataclass
class Person:
    """A person chatting with the bot through the emulator."""

    bot: Bot
    user_id: int
    seen: int = 0
    edits_seen: int = 0
    log: list[str] = field(default_factory=list)

    @property
    def emu(self) -> BotApiEmulator:
        return self.bot.emu

    def messages(self) -> list[SentMessage]:
        return self.emu.sent(self.user_id)

    def _mark(self) -> None:
        self.seen = len(self.messages())
        self.edits_seen = len(self.emu.edits)

    def replies(self) -> list[SentMessage]:
        """The bot's messages since the last action: sent, or edited into a reply (a press
        turns its question into the answer in place)."""
        edited = edited_since(self, self.edits_seen)
        messages = self.messages()
        return [m for m in messages[: self.seen] if m.message_id in edited] + messages[self.seen :]

    async def say(self, text: str) -> None:
        """Write a message; later ``expect`` calls look at replies after it."""
        self._mark()
        self.emu.send_text(self.user_id, text)

    async def share_location(self, lat: float, lon: float) -> None:
        self._mark()
        self.emu.share_location(self.user_id, lat, lon)

    def button(self, label: str) -> tuple[SentMessage, str]:
        """The newest message with a button whose label contains ``label``."""
        for message in reversed(self.messages()):
            for button in message.buttons:
                if label in button["text"]:
                    return message, button["callback_data"]
        raise AssertionError(
            f"no button {label!r}; messages: {[m.describe() for m in self.messages()]}"
        )

    async def press(self, label: str) -> None:
        """Press the newest button whose label contains ``label``."""
        message, data = self.button(label)
        await self.press_data(message.message_id, data)

    async def press_data(self, message_id: int, data: str) -> str | None:
        """Press a button with any payload; returns the toast the bot answered with."""
        self._mark()
        before = len(self.emu.answered_callbacks)
        self.emu.press_button(self.user_id, message_id, data)
        answer = await self.emu.wait_until(
            lambda: self.emu.answered_callbacks[before:] or None,
            TIMEOUT,
            lambda: "the bot never answered the button press",
        )
        return answer[0].text

    async def expect(self, fragment: str) -> SentMessage:
        """The first reply since the last action (sent, or edited in place) that contains
        ``fragment``."""

        def find() -> SentMessage | None:
            return next((m for m in self.replies() if fragment in (m.text or "")), None)

        def explain() -> str:
            return (
                f"no reply with {fragment!r}; messages: {[m.describe() for m in self.messages()]}"
            )

        return await self.emu.wait_until(find, TIMEOUT, explain)

    async def onboard(self, *, zone: str = "Europe/Berlin", equipment: bool = True) -> None:
        """Go through onboarding with no screening or red-flag "yes"."""
        await self.say("/start")
        await self.expect("Do you agree")
        await self.press("I agree")
        await self.expect("Which time zone")
        await self.say(zone)
        await self.expect("Time zone set")
        await self.expect(SCREENING_QUESTION)
        await self.press("None of these")
        await self.expect("groin")
        await self.press("No")
        await self.expect("fever")
        await self.press("No")
        await self.expect("And last")
        await self.press("No")
        await self.expect("When should I ask")
        await self.press("08:00")
        await self.choose_equipment(EVERYTHING if equipment else ())
        if equipment:
            await self.expect("When should I remind you")
            await self.press("2 a day")
        await self.expect("How does your back feel")

    async def choose_equipment(self, ticks: tuple[str, ...]) -> None:
        """Tick each item (and the gym line) on the equipment keyboard, then Done."""
        question = await self.expect("What do you have")
        for label in ticks:
            data = next(b["callback_data"] for b in question.buttons if label in b["text"])
            await self.press_data(question.message_id, data)
        await self.press_data(
            question.message_id,
            next(b["callback_data"] for b in question.buttons if b["text"] == "Done"),
        )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))


@pytest.fixture
async def database_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    """This test's own database: a SQLite file not made yet, or a PostgreSQL database already
    at the newest schema (copied from the session's template; dropped after the test)."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = await server.migrated_database()
    try:
        yield server.url(name)
    finally:
        await server.drop_database(name)


@pytest.fixture
async def bot(database_url: str, clock: ManualClock) -> AsyncIterator[Bot]:
    async with BotApiEmulator() as emu:
        store = await open_store(database_url)
        app: Any = build_application(
            emu.token,
            emu.base_url,
            store,
            clock,
            default_program(),
            poll_timeout=1,
            dispatch_every=None,  # tests run the dispatcher themselves, at the clock they set
        )
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)
            try:
                yield Bot(emu, store, clock, app)
            finally:
                await app.updater.stop()
                await app.stop()
        await store.close()


@pytest.fixture
def person(bot: Bot) -> Person:
    return Person(bot, 5001)


# --- Helpers for the conversation tests (added at the end; the fixtures above are unchanged).


@dataclass(frozen=True)
class Stored:
    """Everything the bot keeps about one chat, read in one unit of work."""

    person: Any
    ratings: tuple[Any, ...]
    feedback: tuple[Any, ...]
    safety: tuple[Any, ...]


async def stored(bot: Bot, chat_id: int) -> Stored:
    """What the store holds for ``chat_id`` right now."""
    async with bot.store.unit() as uow:
        return Stored(
            await uow.people.get(chat_id),
            await uow.ratings.all(chat_id),
            await uow.feedback.all(chat_id),
            await uow.safety.all(chat_id),
        )


def edited_since(person: Person, count: int) -> set[int]:
    """The person's messages whose text the bot edited after its first ``count`` edits (a
    keyboard taken off an answered question changes no text: not counted)."""
    return {
        e.message_id
        for e in person.emu.edits[count:]
        if e.chat_id == person.user_id and e.method == "editMessageText"
    }


def texts_since(person: Person, count: int) -> list[str]:
    """The texts of the bot's messages after the first ``count``."""
    return [m.text or "" for m in person.messages()[count:]]


async def settle(person: Person) -> list[str]:
    """Everything the bot said since the last action, once it has handled it: the messages
    it sent, and the ones it edited into a reply (a pressed question turned into its answer).

    One person's updates are handled in order, so once the answer to a /help sent now
    arrives, the earlier update is finished; its replies are the messages before that.
    """
    start, edits = person.seen, person.edits_seen
    await person.say("/help")
    await person.expect("this list")
    edited = edited_since(person, edits)
    before = [m.text or "" for m in person.messages()[:start] if m.message_id in edited]
    return before + texts_since(person, start)[:-1]


def move_button(person: Person, action: str, slug: str) -> tuple[SentMessage, str]:
    """The newest plan button for ``action`` (dn, wr, un, hw) on the move ``slug``."""
    for message in reversed(person.messages()):
        for button in message.buttons:
            data = str(button.get("callback_data", ""))
            parts = data.split("|")
            if parts[0] == action and slug in parts[1:-1]:
                return message, data
    raise AssertionError(
        f"no {action} button for {slug}; messages: {[m.describe() for m in person.messages()]}"
    )


async def press_move(person: Person, action: str, slug: str) -> str | None:
    """Press a plan button of one move; returns the bot's toast."""
    message, data = move_button(person, action, slug)
    return await person.press_data(message.message_id, data)


async def message_becomes(
    person: Person, message_id: int, check: Any, what: str = "the expected edit"
) -> SentMessage:
    """Wait until the bot's message ``message_id`` satisfies ``check`` (e.g. after an edit)."""

    def find() -> SentMessage | None:
        for message in person.messages():
            if message.message_id == message_id and check(message):
                return message
        return None

    def explain() -> str:
        now = [m.describe() for m in person.messages() if m.message_id == message_id]
        return f"message {message_id} never showed {what}; it is now {now}"

    return await person.emu.wait_until(find, TIMEOUT, explain)


def labels(message: SentMessage) -> list[str]:
    """The labels of a message's inline buttons."""
    return [str(button.get("text")) for button in message.buttons]


def sticker_message(emu: BotApiEmulator, user_id: int) -> dict[str, Any]:
    """A sticker from the person (the emulator has no helper for it, so build the message)."""
    message = emu._message(user_id, "private", None)
    message["sticker"] = {
        "file_id": "sticker-1",
        "file_unique_id": "usticker-1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
    }
    return message


def send_sticker(bot: Bot, user_id: int) -> None:
    """The person sends a sticker."""
    bot.emu.updates.push("message", sticker_message(bot.emu, user_id))


SCREENING_QUESTION = "Do any of these apply to you"
SCREENING = ("Pregnant", "Spinal surgery", "Osteoporosis", "Under 18")
EVERYTHING = (
    "pull-up bar",
    "resistance band",
    "cable machine",
    "bench",
    "dumbbell",
    "barbell",
    "gym experience",
)


async def to_time_zone(person: Person) -> None:
    """/start and consent: the time-zone question is waiting."""
    await person.say("/start")
    await person.expect("Do you agree")
    await person.press("I agree")
    await person.expect("Which time zone")


async def to_safety_questions(person: Person, zone: str = "Europe/Berlin") -> None:
    """/start, consent and the time zone: the first screening question is waiting."""
    await to_time_zone(person)
    await person.say(zone)
    await person.expect(SCREENING_QUESTION)


async def no_to_safety(person: Person) -> None:
    """No screening "yes", no red flag: the check-in time question is waiting."""
    await person.expect(SCREENING_QUESTION)
    await person.press("None of these")
    await person.expect("groin")
    await person.press("No")
    await person.expect("fever")
    await person.press("No")
    await person.expect("And last")
    await person.press("No")
    await person.expect("When should I ask")


async def finish_after_time_zone(person: Person) -> None:
    """From the check-in time question to the end, with the suggested answers."""
    await person.expect("When should I ask")
    await person.press("08:00")
    await person.choose_equipment(EVERYTHING)
    await person.expect("When should I remind you")
    await person.press("2 a day")
    await person.expect("All set")


async def all_clear(person: Person) -> None:
    """The two answers of the all-clear, once it has started (/cleared or the pause's
    button): examined after the flagged answer, and exercise is OK."""
    when = await person.expect("When did a clinician examine you")
    assert "you answered yes to signs" in (when.text or "")
    await person.press(texts.BTN_CLEAR_AFTER)
    await person.expect("Did the clinician who examined you")
    await person.press(texts.BTN_CLEAR_YES)


def plan_slugs(person: Person, plan_id: int) -> list[str]:
    """The moves a plan message has buttons for (Done or Undo)."""
    message = next(m for m in person.messages() if m.message_id == plan_id)
    slugs = []
    for button in message.buttons:
        action, *args, _sig = str(button["callback_data"]).split("|")
        if action in ("dn", "un"):
            slugs.append(args[1])
    return slugs


async def check_in(person: Person, pain: int) -> int:
    """/checkin, press ``pain``; returns the plan message's id."""
    await person.say("/checkin")
    await person.expect("How does your back feel")
    await person.press(str(pain))
    plan = await person.expect("Today's plan")
    return plan.message_id


@pytest.fixture
async def bot_process() -> AsyncIterator[Any]:
    """Makes BotProcess objects and kills whatever is left of them when the test ends."""
    from tests.e2e.process import BotProcess

    made: list[BotProcess] = []

    def make(*args: Any, **kwargs: Any) -> BotProcess:
        made.append(BotProcess(*args, **kwargs))
        return made[-1]

    yield make
    for process in made:
        await process.__aexit__()


async def quiet_window() -> None:
    """Wait until the rate limiter's window holds none of the test's rapid exchanges: a
    person asking for a chart or a report is not answering ten questions a second, and a
    chat action goes only with a slot to spare (conversations/limiter.py, the hint lane)."""
    await asyncio.sleep(1.1)  # Telegram's window: one second


def shown_before(bot: Bot, chat_id: int, action: str, method: str) -> bool:
    """Whether the chat action ``action`` was shown in the chat before its last ``method``."""
    calls = [c for c in bot.emu.calls if str(c.params.get("chat_id")) == str(chat_id)]
    last = max(i for i, c in enumerate(calls) if c.method == method)
    return any(
        c.method == "sendChatAction" and c.params.get("action") == action and c.outcome == "ok"
        for c in calls[:last]
    )
