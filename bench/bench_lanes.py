"""Replies under a broadcast: press → reply latency while reminders saturate Telegram's limit.

Starts the emulator on 127.0.0.1 (its flood control off: the bot's limiter alone sets the
pace) and the whole bot over a SQLite file with N registered people, each shown the
check-in keyboard. Then a broadcast of reminders is sent through the background lane the
way a dispatcher without its own pacing would (a fixed number of sends in flight, each
replaced as it ends), and people press a pain rating at a steady rate. A press's latency
runs from the press to the first message the bot sends back to that person. Printed for
PTB's AIORateLimiter (one queue; the lane is ignored) and for the two-lane LaneLimiter:

    .venv/bin/python bench/bench_lanes.py [presses per second] [seconds] [reminders]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time as clock
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter, BaseRateLimiter

import bootstrap
from coach.model import Person
from coach.program import default_program
from conversations.limiter import BACKGROUND, LaneLimiter
from emulator import BotApiEmulator
from emulator.models import SentMessage
from services.clock import ManualClock
from services.unit import wanted
from storage.unit_of_work import open_store

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
IN_FLIGHT = 64  # background sends outstanding at any time: the lane is never idle


class OneQueue(AIORateLimiter):
    """AIORateLimiter as bootstrap had it; the background lane's argument is ignored (to
    AIORateLimiter it would be a retry count)."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> bool | JSONDict | list[JSONDict]:
        return await super().process_request(callback, args, kwargs, endpoint, data, None)


async def register(store: Any, emu: BotApiEmulator, people: int) -> None:
    async with store.unit() as uow:
        for chat_id in range(1, people + 1):
            emu.open_chat(chat_id)
            person = Person(
                chat_id, START, timezone="Europe/Berlin", checkin_time=time(8), registered=True
            )
            await uow.people.add(person)
            await uow.schedule.replace(chat_id, wanted(person, START))
        await uow.commit()


def rating_button(messages: list[SentMessage]) -> tuple[int, str] | None:
    for message in reversed(messages):
        for button in message.buttons:
            if button.get("text") == "3":
                return message.message_id, str(button["callback_data"])
    return None


async def run(limiter: BaseRateLimiter[Any], rate: float, seconds: float, reminders: int) -> str:
    presses = int(rate * seconds)
    with tempfile.TemporaryDirectory() as folder:
        store = await open_store(f"sqlite+aiosqlite:///{Path(folder) / 'lanes.sqlite3'}")
        async with BotApiEmulator(flood_control=False) as emu:
            await register(store, emu, presses)
            for chat_id in range(presses + 1, presses + reminders + 1):
                emu.open_chat(chat_id)
            original = bootstrap.LaneLimiter
            bootstrap.LaneLimiter = lambda **_: limiter  # type: ignore[misc,assignment]
            try:
                app: Any = bootstrap.build_application(
                    emu.token,
                    emu.base_url,
                    store,
                    ManualClock(START),
                    default_program(),
                    poll_timeout=1,
                    dispatch_every=None,
                )
            finally:
                bootstrap.LaneLimiter = original  # type: ignore[misc]
            async with app:
                await app.start()
                await app.updater.start_polling(poll_interval=0, timeout=1)
                try:
                    line = await measure(app, emu, rate, presses, reminders)
                finally:
                    await app.updater.stop()
                    await app.stop()
        await store.close()
    return line


async def measure(app: Any, emu: BotApiEmulator, rate: float, presses: int, reminders: int) -> str:
    buttons: dict[int, tuple[int, str]] = {}
    for chat_id in range(1, presses + 1):
        emu.send_text(chat_id, "/checkin")
    for chat_id in range(1, presses + 1):
        buttons[chat_id] = await emu.wait_until(lambda c=chat_id: rating_button(emu.sent(c)), 60)

    pressed: dict[int, float] = {}
    latency: list[float] = []
    record = emu.record

    def timed(message: SentMessage) -> SentMessage:
        began = pressed.pop(message.chat_id, None)
        if began is not None:
            latency.append(clock.perf_counter() - began)
        return record(message)

    emu.record = timed  # type: ignore[method-assign]
    left = list(range(presses + 1, presses + reminders + 1))

    async def remind() -> None:
        while left:
            chat_id = left.pop()
            await app.bot.send_message(chat_id, "reminder", rate_limit_args=BACKGROUND)

    senders = [asyncio.create_task(remind()) for _ in range(IN_FLIGHT)]
    await asyncio.sleep(2)  # the broadcast has the limit to itself, and a queue
    began = clock.perf_counter()
    offset = clock.monotonic() - began  # the call log's clock, relative to perf_counter
    for n, chat_id in enumerate(range(1, presses + 1)):
        await asyncio.sleep(max(0.0, began + n / rate - clock.perf_counter()))
        message_id, data = buttons[chat_id]
        pressed[chat_id] = clock.perf_counter()
        emu.press_button(chat_id, message_id, data)
    await emu.wait_until(lambda: len(latency) >= presses or None, 600)
    elapsed = clock.perf_counter() - began
    background = sum(
        call.params.get("text") == "reminder" and began <= call.at - offset
        for call in emu.calls_of("sendMessage")
    )
    for task in senders:
        task.cancel()
    await asyncio.gather(*senders, return_exceptions=True)
    latency.sort()
    p50 = statistics.median(latency) * 1000
    p99 = latency[min(len(latency) - 1, int(len(latency) * 0.99))] * 1000
    return (
        f"p50 {p50:6.0f} ms, p99 {p99:6.0f} ms over {presses} presses; "
        f"{background / elapsed:4.1f} reminders/s meanwhile"
    )


async def main(rate: float, seconds: float, reminders: int) -> None:
    print(f"{rate:g} presses/s for {seconds:g} s during a broadcast of {reminders} reminders")
    for name, limiter in (
        ("before: AIORateLimiter, one queue", OneQueue(max_retries=3)),
        ("after:  LaneLimiter, two lanes   ", LaneLimiter(max_retries=3)),
    ):
        print(f"{name}  {await run(limiter, rate, seconds, reminders)}", flush=True)


if __name__ == "__main__":
    args = [float(a) for a in sys.argv[1:]]
    rate, seconds, reminders = (args + [25, 10, 10_000][len(args) :])[:3]
    asyncio.run(main(rate, seconds, int(reminders)))
