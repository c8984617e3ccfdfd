"""A burst of pain-rating presses: presses per second, CPU per press, limited requests.

Starts the emulator on 127.0.0.1 (flood control off) and the real Application (rate limiter
off, no dispatcher job) over a SQLite file with N registered people, shows each of them the
pain question, then has all N press a rating at once. Prints presses/s, the bot's CPU
milliseconds per press (``time.process_time`` of the process, aiosqlite's threads included,
minus the emulator's, which runs on a thread and loop of its own), the requests per press
that carry a chat_id (the ones Telegram's ~30/s limit holds) and the presses that failed,
then the same figures for a bare PTB bot (a CallbackQueryHandler that answers the query and
sends one message) on the same emulator in the same run.

    .venv/bin/python bench/profile_press.py [people]
    .venv/bin/pyinstrument bench/profile_press.py 600     # where the CPU goes
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes
from telegram.request import HTTPXRequest

from bootstrap import build_application
from coach.model import Equipment, Person, Profile
from coach.program import default_program
from conversations.render import buttons
from emulator import BotApiEmulator
from services.clock import ManualClock
from services.outcome import pain_question
from services.unit import wanted
from storage.unit_of_work import Store, open_store

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DAY = date(2026, 3, 2)  # in Berlin, at NOW
TIMEOUT = 300.0
T = TypeVar("T")


class Remote:
    """The emulator on a thread and event loop of its own, so its CPU can be told apart."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.emu = BotApiEmulator(flood_control=False)

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the emulator's loop and wait for it here."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self.loop))

    async def call(self, work: Callable[[], T]) -> T:
        """Call a function on the emulator's loop (its state is not thread-safe)."""

        async def wrapped() -> T:
            return work()

        return await self.run(wrapped())

    async def cpu(self) -> float:
        """The CPU seconds the emulator's thread has used."""
        return await self.call(time.thread_time)


@dataclass
class Figures:
    """What one burst cost."""

    presses: int
    seconds: float
    cpu: float
    limited: int
    failed: int

    def line(self, label: str) -> str:
        return (
            f"{label:<10} {self.presses / self.seconds:7.0f} presses/s  "
            f"{self.cpu / self.presses * 1000:6.2f} ms CPU per press  "
            f"{self.limited / self.presses:4.2f} limited requests per press  "
            f"{self.failed} failed"
        )


def limited(emu: BotApiEmulator, since: int) -> int:
    """Calls since ``since`` that carry a chat_id: the ones Telegram's rate limits count."""
    return sum(1 for call in emu.calls[since:] if call.params.get("chat_id") not in (None, ""))


async def people(store: Store, remote: Remote, count: int) -> None:
    """``count`` registered people in Berlin, with everything and their reminders."""
    async with store.unit() as uow:
        for chat_id in range(1, count + 1):
            await remote.call(lambda c=chat_id: remote.emu.open_chat(c))
            person = Person(
                chat_id,
                NOW,
                timezone="Europe/Berlin",
                checkin_time=clock_time(8),
                hang_times=(clock_time(9), clock_time(19)),
                profile=Profile(frozenset(Equipment), gym_experienced=True),
                registered=True,
            )
            await uow.people.add(person)
            await uow.schedule.replace(chat_id, wanted(person, NOW))
            await uow.profiles.record(chat_id, DAY, person.profile, NOW)
        await uow.commit()


async def burst(
    remote: Remote,
    questions: dict[int, tuple[int, str]],
    done: Callable[[], bool],
) -> Figures:
    """Every person presses at once; wait until ``done`` and every press is answered."""
    emu = remote.emu
    since, answered = await remote.call(lambda: (len(emu.calls), len(emu.answered_callbacks)))
    emulator_cpu = await remote.cpu()
    began, cpu = time.perf_counter(), time.process_time()

    def press_all() -> None:
        for chat_id, (message_id, data) in questions.items():
            emu.press_button(chat_id, message_id, data)

    await remote.call(press_all)
    await remote.run(
        emu.wait_until(
            lambda: (len(emu.answered_callbacks) - answered >= len(questions) and done()) or None,
            TIMEOUT,
            lambda: "the burst never finished",
        )
    )
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    cpu -= await remote.cpu() - emulator_cpu

    def count() -> tuple[int, int]:
        calls = emu.calls[since:]
        failed = sum(1 for c in calls if "Sorry" in str(c.params.get("text", "")))
        return limited(emu, since), failed

    sent, failed = await remote.call(count)
    return Figures(len(questions), seconds, cpu, sent, failed)


async def ask(send: Callable[[int], Awaitable[Any]], count: int) -> dict[int, tuple[int, str]]:
    """Send each person a question and return its message id and the data of button 3."""
    questions = {}
    for chat_id in range(1, count + 1):
        message = await send(chat_id)
        markup = message.reply_markup.inline_keyboard
        questions[chat_id] = (message.message_id, str(markup[0][3].callback_data))
    return questions


def planned(emu: BotApiEmulator, count: int) -> Callable[[], bool]:
    """Whether every person's chat shows today's plan."""

    def check() -> bool:
        return all(
            any("Today's plan" in (m.text or "") for m in emu.sent(chat_id))
            for chat_id in range(1, count + 1)
        )

    return check


async def back_coach(remote: Remote, folder: Path, count: int) -> Figures:
    """The real Application over a SQLite file."""
    emu = remote.emu
    store = await open_store(f"sqlite+aiosqlite:///{folder / 'press.sqlite3'}")
    await people(store, remote, count)
    app: Any = build_application(
        emu.token,
        emu.base_url,
        store,
        ManualClock(NOW),
        default_program(),
        rate_limit=False,
        poll_timeout=1,
        dispatch_every=None,
    )
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)

        async def send(chat_id: int) -> Any:
            question = pain_question(DAY)
            markup = buttons(app.deps.signer, chat_id, question.buttons)
            return await app.bot.send_message(chat_id, question.text, reply_markup=markup)

        questions = await ask(send, count)
        figures = await burst(remote, questions, planned(emu, count))
        await app.updater.stop()
        await app.stop()
    await store.close()
    return figures


async def bare(remote: Remote, count: int) -> Figures:
    """A bare PTB bot: answer the press, send one message."""
    emu = remote.emu

    async def pressed(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer()
        await ctx.bot.send_message(query.message.chat.id, f"You pressed {query.data}")

    app = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.base_url)
        .request(HTTPXRequest(connection_pool_size=256))
        .concurrent_updates(64)
        .build()
    )
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)

        async def send(chat_id: int) -> Any:
            return await app.bot.send_message(
                chat_id,
                "How does it feel?",
                reply_markup={
                    "inline_keyboard": [
                        [{"text": str(n), "callback_data": f"n{n}"} for n in range(6)]
                    ]
                },
            )

        before = await remote.call(lambda: len(emu.calls_of("sendMessage")))
        questions = await ask(send, count)
        expected = before + 2 * count
        figures = await burst(
            remote, questions, lambda: len(emu.calls_of("sendMessage")) >= expected
        )
        await app.updater.stop()
        await app.stop()
    return figures


async def main(count: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    remote = Remote()
    await remote.run(remote.emu.start())
    try:
        with tempfile.TemporaryDirectory() as folder:
            ours = await back_coach(remote, Path(folder), count)
            theirs = await bare(remote, count)
    finally:
        await remote.run(remote.emu.stop())
        remote.loop.call_soon_threadsafe(remote.loop.stop)
    print(f"a burst of {count} pain-rating presses from {count} people (SQLite, no limiter):")
    print(ours.line("Back Coach"))
    print(theirs.line("bare PTB"))
    ratio = (ours.cpu / ours.presses) / (theirs.cpu / theirs.presses)
    print(f"CPU per press: {ratio:.1f}x the bare bot")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 600))
