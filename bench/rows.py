"""One function per scenario of "Fast and fair under load", and of the webhook's cost per
update; each runs once and returns its figures by name. Back Coach and the bare bot run in
this process against an emulator of their own (flood control off: the bots' own pacing is
what is measured), except start-up, memory and the first /progress, which need a fresh
``bot.py`` process each time. The scenarios that need no database (the coach's pure parts,
/report, languages and places) are in ``bench.in_process``; SCENARIOS names them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update

from bench import in_process, install, peak
from bench.baseline import bare_bot, bare_webhook_bot
from bench.harness import (
    START,
    EmulatorThread,
    Reply,
    WriteWatch,
    add_people,
    add_ratings,
    any_reply,
    back_coach,
    back_coach_webhook,
    crowd_cache,
    crowd_file,
    keep_crowd,
    lapse_some,
    percentile,
    plan_reply,
    push_all_due_after,
    replies,
    reuse_crowd,
    set_due,
    set_due_for,
    until,
    vacuumed,
)
from coach import texts
from conversations.app import PerPersonProcessor
from conversations.metrics import Metrics
from conversations.web import SECRET_HEADER
from emulator.models import CallbackAnswer
from services.clock import ManualClock
from storage.db import sqlite_file
from storage.models import Base
from storage.unit_of_work import Store, open_store
from tests.zones import mid_morning

ROOT = Path(__file__).resolve().parents[1]
NOW = START + timedelta(hours=1)  # 08:00 in Berlin: a check-in day is open for everyone
Figures = dict[str, float]
STARTUP_DUE = 50
BUSY_MARK = texts.BUSY_PLAN.split("{", 1)[0]  # "Saved: " (the runs are in English)


def _crowd(default: int) -> int:
    """BENCH_CROWD: how many people the crowd's database holds (the tick, start-up and
    peak rows), ``default`` unless set."""
    return int(os.environ.get("BENCH_CROWD") or default)


@dataclass(frozen=True)
class Sizes:
    """How big each scenario is; BENCH_QUICK shrinks the slow ones."""

    burst: int = 600
    burst_limited: int = 150
    steady_seconds: float = 6.0
    fast_seconds: float = 5.0
    crowd: int = field(default_factory=lambda: _crowd(100_000))
    due: int = 1_000
    send_due: int = 250
    send_rate: float = 25.0
    queued: int = 100
    others: int = 30
    webhook_updates: int = 500
    webhook_presses: int = 600
    history_days: int = 365
    # The days of coaching each of the crowd's people has behind them (``add_history``).
    crowd_history: int = 30
    calls: int = 10  # timed calls per figure of the in-process scenarios


QUICK = Sizes(
    burst=200,
    burst_limited=60,
    steady_seconds=3.0,
    fast_seconds=3.0,
    crowd=_crowd(10_000),
    send_due=100,
    webhook_updates=150,
    webhook_presses=200,
    calls=3,
)


def _cpu() -> float:
    return time.process_time()


class Tracker:
    """Which asked chats have their awaited reply; scans only the calls logged since the
    last look."""

    def __init__(
        self,
        emulator: EmulatorThread,
        match: Callable[[Reply], bool],
        popup: Callable[[CallbackAnswer], bool] | None = None,
    ) -> None:
        self.emulator, self.match, self.popup = emulator, match, popup
        self.asked: dict[int, float] = {}
        self.answered: dict[int, float] = {}
        # Chats answered by ``popup`` (a press's pop-up saying the plan is put off) instead.
        self.put_off: set[int] = set()
        self._seen = 0
        self._seen_answers = 0

    def ask(self, chats: list[int], stamps: list[float]) -> None:
        for chat, stamp in zip(chats, stamps, strict=True):
            self.asked[chat] = stamp
            self.answered.pop(chat, None)

    def look(self) -> int:
        calls = self.emulator.emu.calls
        fresh, self._seen = calls[self._seen :], len(calls)
        for reply in replies(fresh):
            stamp = self.asked.get(reply.chat)
            if stamp is None or reply.chat in self.answered or reply.at < stamp:
                continue
            if self.match(reply):
                self.answered[reply.chat] = reply.at
        if self.popup is not None:
            answers = self.emulator.emu.answered_callbacks
            fresh_answers, self._seen_answers = answers[self._seen_answers :], len(answers)
            for answer in fresh_answers:
                chat = answer.chat_id
                if chat is None:
                    continue
                stamp = self.asked.get(chat)
                if stamp is None or chat in self.answered or answer.at < stamp:
                    continue
                if self.popup(answer):
                    self.answered[chat] = answer.at
                    self.put_off.add(chat)
        return len(self.answered)

    async def wait(self, count: int, timeout: float) -> bool:  # noqa: ASYNC109
        return await until(lambda: self.look() >= count, timeout)

    def latencies(self) -> list[float]:
        return [at - self.asked[chat] for chat, at in self.answered.items()]


async def _quiet(emulator: EmulatorThread, gap: float = 0.25, timeout: float = 30) -> None:  # noqa: ASYNC109
    """Wait until the bot has made no request for ``gap`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = emulator.emu.calls
        last = max((c.at for c in calls[-5:] if c.method != "getUpdates"), default=0.0)
        if time.monotonic() - last >= gap:
            return
        await asyncio.sleep(gap / 4)


@contextlib.asynccontextmanager
async def _store(database: Any, people: int, first: int = 1) -> AsyncIterator[Store]:
    store = await open_store(await database.new())
    try:
        if people:
            await add_people(store, first, people)
        yield store
    finally:
        await store.close()


async def _keyboards(
    emulator: EmulatorThread, chats: list[int], command: str, label: str
) -> dict[int, tuple[int, str]]:
    """Each chat writes ``command``; the button ``label`` of each answer, once all arrived."""
    await emulator.texts((chat, command) for chat in chats)

    def found() -> dict[int, tuple[int, str]] | None:
        buttons = {c: emulator.newest_button(c, label) for c in chats}
        return None if None in buttons.values() else buttons  # type: ignore[return-value]

    buttons: dict[int, tuple[int, str]] | None = None

    async def look() -> bool:
        nonlocal buttons
        buttons = await emulator.call(found)
        return buttons is not None

    deadline = time.monotonic() + 120
    while not await look():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {label!r} button after {command} in some chats")
        await asyncio.sleep(0.1)
    assert buttons is not None
    return buttons


async def _burst(
    emulator: EmulatorThread,
    buttons: dict[int, tuple[int, str]],
    match: Callable[[Reply], bool],
    popup: Callable[[CallbackAnswer], bool] | None = None,
) -> Figures:
    """Press every button at once; throughput, CPU and requests per press. A press answered
    by ``popup`` (the rating saved, the plan put off) counts as answered, not failed."""
    chats = list(buttons)
    tracker = Tracker(emulator, match, popup)
    logged = len(emulator.emu.calls)
    cpu, emu_cpu = _cpu(), emulator.cpu()
    stamps = await emulator.presses((c, *buttons[c]) for c in chats)
    tracker.ask(chats, stamps)
    await tracker.wait(len(chats), 120)
    await _quiet(emulator)
    spent_cpu = (_cpu() - cpu) - (emulator.cpu() - emu_cpu)
    done = tracker.answered.values()
    elapsed = (max(done) - stamps[0]) if done else float("nan")
    sent = [r for r in replies(emulator.emu.calls[logged:]) if r.chat in buttons]
    apologies = sum(
        1 for r in sent if r.text.startswith((texts.ERROR_STORAGE[:30], texts.ERROR[:30]))
    )
    by_method: Figures = {}
    for call in emulator.emu.calls[logged:]:
        if call.method == "getUpdates":
            continue
        chat = str(call.params.get("chat_id", ""))
        if chat.lstrip("-").isdigit() and int(chat) not in buttons:
            continue  # another chat's request
        key = f"per_press_{call.method}"
        by_method[key] = by_method.get(key, 0.0) + 1 / len(chats)
    return {
        "presses_per_s": len(done) / elapsed if done else 0.0,
        "cpu_ms_per_press": spent_cpu / len(chats) * 1000,
        "limited_per_press": len(sent) / len(chats),
        "failed": float(len(chats) - len(done) + apologies),
        "p99_ms": percentile(tracker.latencies(), 0.99) * 1000,
        "put_off": 100 * len(tracker.put_off) / len(chats),
        **by_method,
    }


async def presses(database: Any, sizes: Sizes) -> Figures:
    """A burst of presses on the pain keyboard: limiter off (the code's cost), limiter on
    (as deployed), and the bare bot on the same server."""
    free, limited = sizes.burst, sizes.burst_limited
    figures: Figures = {}
    async with _store(database, free + limited) as store, EmulatorThread() as emulator:
        clock = ManualClock(NOW)
        chats = list(range(1, free + limited + 1))
        async with back_coach(emulator.emu, store, clock, rate_limit=False):
            buttons = await _keyboards(emulator, chats, "/checkin", "3")
            unlimited = await _burst(emulator, {c: buttons[c] for c in chats[:free]}, plan_reply)
        async with back_coach(emulator.emu, store, clock, rate_limit=True):
            capped = await _burst(
                emulator, {c: buttons[c] for c in chats[free:]}, plan_reply, busy_popup
            )
    async with _bare() as emulator:
        chats = list(range(1, free + 1))
        buttons = await _keyboards(emulator, chats, "/start", "3")
        bare = await _burst(emulator, buttons, any_reply)
    async with _bare(aiohttp=True) as emulator:
        buttons = await _keyboards(emulator, chats, "/start", "3")
        same_transport = await _burst(emulator, buttons, any_reply)
    figures["presses_per_s"] = capped["presses_per_s"]
    figures["put_off_burst"] = capped["put_off"]
    figures["presses_per_s_unlimited"] = unlimited["presses_per_s"]
    figures["bare_presses_per_s"] = bare["presses_per_s"]
    figures["limited_per_press"] = unlimited["limited_per_press"]
    figures["bare_limited_per_press"] = bare["limited_per_press"]
    figures["cpu_ms_per_press"] = unlimited["cpu_ms_per_press"]
    figures["bare_cpu_ms_per_press"] = bare["cpu_ms_per_press"]
    figures["aiohttp_bare_presses_per_s"] = same_transport["presses_per_s"]
    figures["aiohttp_bare_cpu_ms_per_press"] = same_transport["cpu_ms_per_press"]
    figures["failed_presses"] = unlimited["failed"] + capped["failed"]
    figures["bare_failed_presses"] = bare["failed"]
    # Every request a press caused, by method, counted at the emulator (limiter off).
    figures.update({k: v for k, v in unlimited.items() if k.startswith("per_press_")})
    figures.update({f"bare_{k}": v for k, v in bare.items() if k.startswith("per_press_")})
    return figures


async def _paced(
    emulator: EmulatorThread,
    tracker: Tracker,
    buttons: dict[int, tuple[int, str]],
    rate: float,
) -> None:
    """Press one button every 1/rate s (timed on the emulator's loop, which stays idle)."""

    async def pace() -> list[float]:
        loop = asyncio.get_running_loop()
        begin, stamps = loop.time(), []
        for index, (chat, (message_id, data)) in enumerate(buttons.items()):
            await asyncio.sleep(max(0.0, begin + index / rate - loop.time()))
            emulator.emu.press_button(chat, message_id, data)
            stamps.append(time.monotonic())
        return stamps

    stamps = await emulator.run(pace())
    tracker.ask(list(buttons), stamps)


def _bounded(tracker: Tracker) -> float:
    """Median latency of the last third of the presses over the first third's: about 1 when
    waiting stays bounded, growing with the run when a queue builds up."""
    ordered = sorted(tracker.asked.items(), key=lambda item: item[1])
    third = max(1, len(ordered) // 3)

    def median(part: list[tuple[int, float]]) -> float:
        values = [tracker.answered.get(c, float("inf")) - s for c, s in part]
        return percentile(values, 0.5)

    first, last = median(ordered[:third]), median(ordered[-third:])
    return last / first if first > 0 else float("nan")


async def _steady(
    emulator: EmulatorThread,
    buttons: dict[int, tuple[int, str]],
    rate: float,
    match: Callable[[Reply], bool],
    popup: Callable[[CallbackAnswer], bool] | None = None,
) -> tuple[float, float, float]:
    """p99 (ms) from a press to its answer, the late/early ratio, and the share of presses
    answered with ``popup`` (the plan put off) instead of ``match``, in percent."""
    tracker = Tracker(emulator, match, popup)
    await _paced(emulator, tracker, buttons, rate)
    await tracker.wait(len(buttons), 120)
    p99 = percentile(tracker.latencies(), 0.99) * 1000
    return p99, _bounded(tracker), 100 * len(tracker.put_off) / max(1, len(buttons))


def busy_popup(answer: CallbackAnswer) -> bool:
    """The press's pop-up that saves the rating and puts the plan off to /today."""
    return bool(answer.text and answer.text.startswith(BUSY_MARK))


async def steady(database: Any, sizes: Sizes) -> Figures:
    """Presses at a steady 25/s while a reminder broadcast is being sent, and at 50/s
    (limiter on, as deployed); the bare bot at the same rates."""
    slow = int(25 * sizes.steady_seconds)
    fast = int(50 * sizes.fast_seconds)
    # Long enough to outlast the 25/s presses, short enough that a sender which keeps going
    # after the tick is cancelled has finished before the 50/s presses.
    broadcast = int(sizes.send_rate * (sizes.steady_seconds + 8))
    pressers = slow + fast
    figures: Figures = {}
    async with _store(database, pressers + broadcast) as store, EmulatorThread() as emulator:
        await push_all_due_after(store, NOW)
        await set_due(store, pressers + 1, broadcast, NOW, "checkin")
        clock = ManualClock(NOW)
        chats = list(range(1, pressers + 1))
        async with back_coach(emulator.emu, store, clock, rate_limit=False):
            buttons = await _keyboards(emulator, chats, "/checkin", "3")
        for chat in range(pressers + 1, pressers + broadcast + 1):
            await emulator.call(emulator.emu.open_chat, chat)
        async with back_coach(
            emulator.emu, store, clock, rate_limit=True, dispatch_rate=sizes.send_rate
        ) as app:
            sending = asyncio.create_task(app.dispatcher.dispatch(NOW))
            await until(
                lambda: any(
                    c.method == "sendMessage" and int(c.params.get("chat_id", 0)) > pressers
                    for c in emulator.emu.calls[-50:]
                ),
                30,
            )
            figures["p99_ms_25"], _, figures["put_off_25"] = await _steady(
                emulator, {c: buttons[c] for c in chats[:slow]}, 25, plan_reply, busy_popup
            )
            figures["broadcast_sent_meanwhile"] = float(
                sum(1 for r in replies(emulator.emu.calls) if r.chat > pressers)
            )
            sending.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sending
            await _quiet(emulator, timeout=15)
            figures["p99_ms_50"], figures["growth_50"], figures["put_off_50"] = await _steady(
                emulator, {c: buttons[c] for c in chats[slow:]}, 50, plan_reply, busy_popup
            )
    async with _bare() as emulator:
        chats = list(range(1, pressers + 1))
        buttons = await _keyboards(emulator, chats, "/start", "3")
        figures["bare_p99_ms_25"], _, _ = await _steady(
            emulator, {c: buttons[c] for c in chats[:slow]}, 25, any_reply
        )
        figures["bare_p99_ms_50"], figures["bare_growth_50"], _ = await _steady(
            emulator, {c: buttons[c] for c in chats[slow:]}, 50, any_reply
        )
    return figures


async def _others(
    emulator: EmulatorThread, chats: list[int], rate: float, text: str
) -> list[float]:
    """``chats`` each write ``text``, one every 1/rate s; their reply latencies."""
    tracker = Tracker(emulator, any_reply)

    async def pace() -> list[float]:
        loop = asyncio.get_running_loop()
        begin, stamps = loop.time(), []
        for index, chat in enumerate(chats):
            await asyncio.sleep(max(0.0, begin + index / rate - loop.time()))
            emulator.emu.send_text(chat, text)
            stamps.append(time.monotonic())
        return stamps

    tracker.ask(chats, await emulator.run(pace()))
    await tracker.wait(len(chats), 120)
    return tracker.latencies() + [float("inf")] * (len(chats) - len(tracker.answered))


async def _hog(
    emulator: EmulatorThread, sizes: Sizes, hog: int, others: list[int], command: str
) -> tuple[float, float]:
    """Others' p99 (ms) without, then with, one person's ``queued`` updates ahead of them."""
    quiet = await _others(emulator, others[: len(others) // 2], 10, command)
    await _quiet(emulator)
    await emulator.texts((hog, command) for _ in range(sizes.queued))
    loaded = await _others(emulator, others[len(others) // 2 :], 10, command)
    await _quiet(emulator, timeout=60)
    return percentile(quiet, 0.99) * 1000, percentile(loaded, 0.99) * 1000


async def one_busy_person(database: Any, sizes: Sizes) -> Figures:
    """One person's 100 queued /checkin ahead of everyone else's (limiter on)."""
    count = sizes.others + 1
    async with (
        _store(database, count) as store,
        EmulatorThread() as emulator,
        back_coach(emulator.emu, store, ManualClock(NOW), rate_limit=True),
    ):
        chats = list(range(1, count + 1))
        await _keyboards(emulator, chats, "/checkin", "3")  # everyone has talked before
        quiet, loaded = await _hog(emulator, sizes, chats[0], chats[1:], "/checkin")
    async with _bare() as emulator:
        bare_quiet, bare_loaded = await _hog(
            emulator, sizes, 1, list(range(2, count + 1)), "/start"
        )
    return {
        "others_p99_ms_quiet": quiet,
        "others_p99_ms": loaded,
        "bare_others_p99_ms_quiet": bare_quiet,
        "bare_others_p99_ms": bare_loaded,
    }


@contextlib.asynccontextmanager
async def _bare(*, aiohttp: bool = False) -> AsyncIterator[EmulatorThread]:
    """An emulator with the bare bot polling it (over Back Coach's transport with
    ``aiohttp``)."""
    bot = partial(bare_bot, aiohttp=aiohttp)
    async with EmulatorThread() as emulator, bot(emulator.emu.token, emulator.emu.base_url):
        yield emulator


class Crowd:
    """One database of ``crowd`` people per backend, shared by the rows that need it; each
    run makes another slice of it due."""

    def __init__(self) -> None:
        self.urls: dict[str, str] = {}
        self.fill_seconds: dict[str, float] = {}
        self.next_slice: dict[str, int] = {}

    @staticmethod
    def _key(database: Any, sizes: Sizes) -> str:
        return f"{database.name}/{sizes.crowd}"

    async def url(self, database: Any, sizes: Sizes) -> str:
        """The crowd's database on this backend at this size: built once per run, or on
        SQLite copied from a file kept by an earlier run (BENCH_CACHE) -- a million people
        take minutes."""
        key = self._key(database, sizes)
        if key not in self.urls:
            url = await database.new()
            file, folder = sqlite_file(url), crowd_cache()
            kept = crowd_file(folder, sizes.crowd) if file and folder else None
            filled = reuse_crowd(kept, file) if kept and file else None
            if filled is None:
                store = await open_store(url)
                began = time.perf_counter()
                await add_people(store, 1, sizes.crowd, history=sizes.crowd_history)
                await lapse_some(store, START, every=5, days=2)
                await push_all_due_after(store, datetime.now(UTC))
                await vacuumed(store)
                filled = time.perf_counter() - began
                await store.close()
                if kept and file:
                    keep_crowd(file, kept, filled)
            self.fill_seconds[key] = filled
            self.urls[key] = url
            self.next_slice[key] = 0
        return self.urls[key]

    def take(self, database: Any, sizes: Sizes) -> int:
        """The first chat of a fresh slice of ``due`` people."""
        key = self._key(database, sizes)
        index = self.next_slice[key]
        self.next_slice[key] = index + 1
        return 1 + index * sizes.due

    def spread(self, database: Any, sizes: Sizes) -> list[int]:
        """``due`` fresh people spread evenly through the whole table, as people due at one
        moment are (they signed up at any time): every ``crowd / due``-th chat, from an
        offset no earlier take used."""
        key = self._key(database, sizes)
        index = self.next_slice[key]
        self.next_slice[key] = index + 1
        stride = (sizes.crowd - PRESSERS) // sizes.due  # the last chats press meanwhile
        if index >= stride:
            raise RuntimeError("too many takes for a spread of this size")
        return [1 + index + j * stride for j in range(sizes.due)]


CROWD = Crowd()
PRESSERS = 60  # the crowd's last chats, who press during the tick


async def tick(database: Any, sizes: Sizes) -> Figures:
    """One dispatcher tick with ``due`` check-ins due among ``crowd`` people, presses at
    20/s meanwhile. Limiter off and the send rate lifted: the database's part is measured.

    The tick is one as the bot runs them, every 20 s: a tick before it (a tenth as many rows)
    has run, so its statements are compiled, and prepared on the connection it takes, as
    they are in a bot that has been up for a minute."""
    url = await CROWD.url(database, sizes)
    store = await open_store(url)
    watch = WriteWatch()
    due_chats = CROWD.spread(database, sizes)
    warm_chats = CROWD.spread(database, sizes)[: max(1, sizes.due // 10)]
    when = START + timedelta(minutes=due_chats[0])  # after every earlier run's tick
    try:
        pressers = list(range(sizes.crowd - PRESSERS + 1, sizes.crowd + 1))
        async with EmulatorThread() as emulator:
            for chat in [*due_chats, *warm_chats]:
                await emulator.call(emulator.emu.open_chat, chat)
            clock = ManualClock(when)
            async with back_coach(
                emulator.emu, store, clock, rate_limit=False, dispatch_rate=100_000
            ) as app:
                buttons = await _keyboards(emulator, pressers, "/checkin", "3")
                before = when - timedelta(seconds=30)
                await app.dispatcher.dispatch(before)  # the hourly sweep, first
                await set_due_for(store, warm_chats, before, "checkin")
                await app.dispatcher.dispatch(before)  # the tick before, with a few rows
                due = await set_due_for(store, due_chats, when, "checkin")
                await _quiet(emulator)
                watch.attach(store)
                tracker = Tracker(emulator, plan_reply)
                began = time.perf_counter()
                # A dispatcher whose tick only claims (the sender drains beside it) is timed
                # on the claim; an older one, whose tick also sends, on the whole call.
                claim = getattr(app.dispatcher, "tick", None) or app.dispatcher.dispatch
                ended: list[float] = []

                async def timed() -> Any:
                    try:
                        return await claim(when)
                    finally:
                        ended.append(time.perf_counter())

                ticking = asyncio.create_task(timed())
                await _paced(emulator, tracker, buttons, 20)
                report = await ticking
                spent = ended[0] - began  # the tick's own time, not the presses' after it
                if claim is not app.dispatcher.dispatch:
                    await app.dispatcher.dispatch(when)  # the sends, until the queue is empty
                await tracker.wait(len(buttons), 60)
                watch.detach(store)
                chosen = set(due_chats)
                sent = sum(1 for r in replies(emulator.emu.calls) if r.chat in chosen)
    finally:
        await store.close()
    # A tick may take fewer rows than are due (the old code: 500 at most); per 1,000 rows
    # counts what this tick claimed, or sent where the report does not say.
    claimed = getattr(report, "claimed", None) or sent
    return {
        "tick_ms_per_1000": spent * 1000 / (claimed / 1000) if claimed else float("nan"),
        "tick_ms": spent * 1000,
        "due": float(due),
        "claimed": float(claimed),
        "longest_write_ms": watch.longest * 1000,
        "presses_p99_ms": percentile(tracker.latencies(), 0.99) * 1000,
        "sent": float(sent),
        "crowd_fill_s": CROWD.fill_seconds[Crowd._key(database, sizes)],
    }


async def send_rate(database: Any, sizes: Sizes) -> Figures:
    """``send_due`` reminders due at once, sent by the repeating dispatcher job at the
    configured rate (limiter on, ticks every 20 s: as deployed; the first tick is 1 s
    after start)."""
    count, rate = sizes.send_due, sizes.send_rate
    async with _store(database, count) as store, EmulatorThread() as emulator:
        await push_all_due_after(store, NOW)
        await set_due(store, 1, count, NOW, "checkin")
        for chat in range(1, count + 1):
            await emulator.call(emulator.emu.open_chat, chat)
        async with back_coach(
            emulator.emu,
            store,
            ManualClock(NOW),
            rate_limit=True,
            dispatch_every=20,
            dispatch_rate=rate,
        ):
            await until(
                lambda: sum(1 for c in emulator.emu.calls if c.method == "sendMessage") >= count,
                count / rate * 3 + 30,
            )
            stamps = sorted(c.at for c in emulator.emu.calls if c.method == "sendMessage")
    if len(stamps) < 2:
        return {"rate_ratio": 0.0, "max_per_second": float("nan"), "last_ratio": float("nan")}
    span = stamps[-1] - stamps[0]
    window = max(sum(1 for t in stamps[i:] if t - s < 1.0) for i, s in enumerate(stamps))
    return {
        "sent_per_s": (len(stamps) - 1) / span,
        "rate_ratio": (len(stamps) - 1) / span / rate,
        "max_per_second": float(window),
        "last_ratio": span / (count / rate),
        "sent": float(len(stamps)),
    }


def _rss_mb(pid: int, key: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextlib.asynccontextmanager
async def _process(
    args: list[str], env: dict[str, str]
) -> AsyncIterator[asyncio.subprocess.Process]:
    """A child process in a temporary folder (bot.py writes its database record there)."""
    with tempfile.TemporaryDirectory(prefix="backcoach-bench-") as folder:
        log = open(Path(folder) / "log", "wb")  # noqa: SIM115, ASYNC230
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            cwd=folder,
            env={**os.environ, **env},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
        try:
            yield process
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 20)
                except TimeoutError:
                    process.kill()
                    await process.wait()
            log.close()


def _bot_env(emulator: EmulatorThread, url: str, every: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": emulator.emu.token,
        "TELEGRAM_BASE_URL": emulator.emu.base_url,
        "DATABASE_URL": url,
        "POLL_TIMEOUT": "1",
        "DISPATCH_EVERY": every,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


async def _ready(
    emulator: EmulatorThread,
    process: asyncio.subprocess.Process,
    timeout: float = 60,  # noqa: ASYNC109 - a plain number for until()
) -> float | None:
    """The stamp of the process's first getUpdates (it polls: ready)."""

    def polled() -> bool:
        return process.returncode is not None or any(
            c.method == "getUpdates" for c in emulator.emu.calls
        )

    await until(polled, timeout, 0.005)
    return next((c.at for c in emulator.emu.calls if c.method == "getUpdates"), None)


async def startup(database: Any, sizes: Sizes) -> Figures:
    """bot.py over ``crowd`` people: ready (first poll) and memory then, and the first
    reminder sent by its first dispatcher tick; the bare bot's process for comparison."""
    url = await CROWD.url(database, sizes)
    first = CROWD.take(database, sizes)
    store = await open_store(url)
    # A few due are enough to time the first send; more would only make the stop wait.
    now = datetime.now(UTC)
    # In a zone where it is mid-morning: the rules send no check-in after 21:00 local, and
    # the row must time a send at whatever hour the benchmarks run.
    zone = mid_morning(now)
    await set_due(store, first, STARTUP_DUE, now - timedelta(minutes=1), "checkin", zone)
    people = Base.metadata.tables["people"]
    async with store.engine.begin() as connection:
        await connection.execute(
            update(people)
            .where(people.c.chat_id.between(first, first + STARTUP_DUE - 1))
            .values(timezone=zone)
        )
    await add_ratings(store, first, now.date(), 90)  # the one who asks for charts
    await store.close()
    figures: Figures = {}
    async with EmulatorThread() as emulator:
        for chat in range(first, first + STARTUP_DUE):
            await emulator.call(emulator.emu.open_chat, chat)
        began = time.monotonic()
        async with _process([str(ROOT / "bot.py")], _bot_env(emulator, url, "1")) as process:
            ready = await _ready(emulator, process)
            figures["rss_ready_mb"] = _rss_mb(process.pid) if ready else float("nan")
            figures["ready_s"] = (ready - began) if ready else float("nan")
            await until(
                lambda: any(c.method == "sendMessage" for c in emulator.emu.calls), 120, 0.01
            )
            sent = next((c.at for c in emulator.emu.calls if c.method == "sendMessage"), None)
            figures["first_tick_s"] = (sent - began) if sent else float("nan")
            figures["first_tick_after_ready_s"] = (sent - ready) if sent and ready else float("nan")
            if ready is None:
                return figures
            # Settled: whatever loads after the first poll (threads, caches) has loaded.
            await asyncio.sleep(max(0.0, ready + SETTLE_S - time.monotonic()))
            figures["rss_settled_mb"] = _rss_mb(process.pid)
            figures.update(await _first_renders(emulator, process, first))
            figures["rss_peak_mb"] = _rss_mb(process.pid, "VmHWM")
    async with EmulatorThread() as emulator:
        env = {
            "BARE_TOKEN": emulator.emu.token,
            "BARE_BASE_URL": emulator.emu.base_url,
            "PYTHONPATH": str(ROOT),
        }
        began = time.monotonic()
        async with _process([str(ROOT / "bench" / "baseline.py")], env) as process:
            ready = await _ready(emulator, process)
            figures["bare_rss_ready_mb"] = _rss_mb(process.pid) if ready else float("nan")
            figures["bare_ready_s"] = (ready - began) if ready else float("nan")
    return figures


SETTLE_S = 10.0  # "settled": this long after ready, and after the first renders


def _children_rss_mb(pid: int) -> float:
    """The RSS of ``pid``'s child processes (the renderer), 0 when there are none."""
    total = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            with contextlib.suppress(OSError):
                total += _rss_mb(int(child))
    return total


async def _first_renders(
    emulator: EmulatorThread, process: asyncio.subprocess.Process, chat: int
) -> Figures:
    """The process's first /progress 90 and /report 90 (one person); the bot's RSS once
    both are sent and it has settled, and its renderer's beside it."""
    figures: Figures = {}
    chart = Tracker(emulator, lambda r: r.method == "sendPhoto")
    report = Tracker(emulator, lambda r: r.method == "sendDocument")
    stamps = await emulator.texts([(chat, "/progress 90"), (chat, "/report 90")])
    chart.ask([chat], stamps[:1])
    report.ask([chat], stamps[1:])
    await chart.wait(1, 120)
    await report.wait(1, 120)
    figures["first_progress_ms"] = (chart.latencies() or [float("nan")])[0] * 1000
    figures["first_report_ms"] = (report.latencies() or [float("nan")])[0] * 1000
    await asyncio.sleep(SETTLE_S)
    figures["rss_rendered_mb"] = _rss_mb(process.pid)
    figures["renderer_rss_mb"] = _children_rss_mb(process.pid)
    return figures


RENDERERS = 10  # people asking for /progress 90 and /report 90 at once
OTHERS_RATE = 20.0  # others' /help a second meanwhile
RENDER_ROUNDS = 3  # the ten ask again once their twenty are sent


async def rendering(database: Any, sizes: Sizes) -> Figures:
    """Others' p99 while ten people ask for /progress 90 and /report 90 at once, against
    their quiet p99, on a fresh bot.py.

    The ten ask again once all twenty are sent, ``RENDER_ROUNDS`` times, others writing
    /help at 20/s through each round; the quiet phase is as long. The first round starts
    the drawing process (its charts come slowly, spread out); the later ones find it
    running, as a bot that drew anything in the last five minutes does, and their twenty
    uploads come at once. A p99 over the rounds is the fourth-slowest of 360 replies, not
    the second-slowest of 120 (one hiccup of the machine)."""
    per_round = int(OTHERS_RATE * 6)  # six seconds of /help: the renders take about five
    others = 2 * RENDER_ROUNDS * per_round
    url = await database.new()
    store = await open_store(url)
    today = datetime.now(UTC)
    await add_people(store, 1, RENDERERS + others, today)
    for chat in range(1, RENDERERS + 1):
        await add_ratings(store, chat, today.date(), 90)
    await store.close()
    figures: Figures = {}
    loaded: list[float] = []
    rendered: list[float] = []
    async with (
        EmulatorThread() as emulator,
        _process([str(ROOT / "bot.py")], _bot_env(emulator, url, "3600")) as process,
    ):
        if await _ready(emulator, process) is None:
            return {"others_p99_ms": float("nan")}
        helpers = list(range(RENDERERS + 1, RENDERERS + others + 1))
        quiet = await _others(emulator, helpers[: others // 2], OTHERS_RATE, "/help")
        await _quiet(emulator)
        renderers = list(range(1, RENDERERS + 1))
        for round_ in range(RENDER_ROUNDS):
            charts = Tracker(emulator, lambda r: r.method == "sendPhoto")
            reports = Tracker(emulator, lambda r: r.method == "sendDocument")
            asked = [(chat, f"/{what} 90") for chat in renderers for what in ("progress", "report")]
            stamps = await emulator.texts(asked)
            charts.ask(renderers, stamps[0::2])
            reports.ask(renderers, stamps[1::2])
            first = others // 2 + round_ * per_round
            loaded += await _others(
                emulator, helpers[first : first + per_round], OTHERS_RATE, "/help"
            )
            await charts.wait(RENDERERS, 180)
            await reports.wait(RENDERERS, 180)
            rendered += charts.latencies() + reports.latencies()
            await _quiet(emulator)
    figures["others_p99_ms_quiet"] = percentile(quiet, 0.99) * 1000
    figures["others_p99_ms"] = percentile(loaded, 0.99) * 1000
    figures["others_ratio"] = figures["others_p99_ms"] / figures["others_p99_ms_quiet"]
    figures["renders_done"] = float(len(rendered))
    figures["renders_last_s"] = max(rendered, default=float("nan"))
    return figures


async def first_progress(database: Any, sizes: Sizes) -> Figures:
    """A fresh bot.py: others write /help at 20/s, first alone, then while one person asks
    for the process's first /progress chart; the others' worst wait in each phase."""
    people = 41
    url = await database.new()
    store = await open_store(url)
    await add_people(store, 1, people, datetime.now(UTC))
    await add_ratings(store, 1, datetime.now(UTC).date(), 30)
    await store.close()
    figures: Figures = {}
    async with (
        EmulatorThread() as emulator,
        _process([str(ROOT / "bot.py")], _bot_env(emulator, url, "3600")) as process,
    ):
        if await _ready(emulator, process) is None:
            return {"others_wait_ms": float("nan")}
        others = list(range(2, people + 1))
        quiet = await _others(emulator, others[:20], 20, "/help")
        chart = Tracker(emulator, lambda r: r.method == "sendPhoto")
        stamps = await emulator.texts([(1, "/progress")])
        chart.ask([1], stamps)
        loaded = await _others(emulator, others[20:], 20, "/help")
        await chart.wait(1, 60)
    figures["others_max_ms_quiet"] = max(quiet) * 1000
    figures["others_max_ms"] = max(loaded) * 1000
    figures["others_wait_ms"] = max(0.0, max(loaded) - max(quiet)) * 1000
    figures["progress_ms"] = (chart.latencies() or [float("nan")])[0] * 1000
    return figures


CONCURRENT_POSTS = 16  # Telegram keeps several connections to a webhook open
COUNTED_UPDATES = 20_000


async def _post_all(
    port: int, secret: str, updates: list[dict[str, Any]], path: str = "/hook"
) -> list[float]:
    """Post every update to the webhook as Telegram does, ``CONCURRENT_POSTS`` at a time,
    each with the secret; each post's answer time (the webhook answers once the update is
    handled). Runs on the emulator's loop: Telegram's side costs the bot no CPU."""
    waiting, answers = list(reversed(updates)), []
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:

        async def poster() -> None:
            while waiting:
                update = waiting.pop()
                began = time.monotonic()
                response = await http.post(path, json=update, headers={SECRET_HEADER: secret})
                answers.append(time.monotonic() - began)
                if response.status_code != 200:
                    raise RuntimeError(f"the webhook answered {response.status_code}")

        await asyncio.gather(*(poster() for _ in range(CONCURRENT_POSTS)))
    return answers


async def _help_all(
    emulator: EmulatorThread, chats: list[int], webhook: tuple[int, str] | None = None
) -> Figures:
    """Every chat writes /help at once, taken by polling or, given (port, secret), posted
    to the webhook; updates per second to the last reply, and CPU per update."""
    tracker = Tracker(emulator, any_reply)
    cpu, emu_cpu = _cpu(), emulator.cpu()
    answers: list[float] = []
    if webhook is None:
        stamps = await emulator.texts((chat, "/help") for chat in chats)
    else:

        def queue() -> tuple[list[dict[str, Any]], list[float]]:
            updates, stamps = [], []
            for chat in chats:
                updates.append(emulator.emu.send_text(chat, "/help"))
                stamps.append(time.monotonic())
            emulator.emu.updates.drop_pending()  # Telegram posts them instead
            return updates, stamps

        updates, stamps = await emulator.call(queue)
        answers = await emulator.run(_post_all(*webhook, updates))
    tracker.ask(chats, stamps)
    await tracker.wait(len(chats), 120)
    await _quiet(emulator)
    spent_cpu = (_cpu() - cpu) - (emulator.cpu() - emu_cpu)
    done = tracker.answered.values()
    elapsed = (max(done) - stamps[0]) if done else float("nan")
    return {
        "per_s": len(done) / elapsed if done else 0.0,
        "cpu_ms": spent_cpu / len(chats) * 1000,
        "failed": float(len(chats) - len(done)),
        "answer_p50_ms": statistics.median(answers) * 1000 if answers else float("nan"),
        "answer_p99_ms": percentile(answers, 0.99) * 1000,
    }


async def _counting_us() -> tuple[float, float]:
    """Microseconds per update through the per-person processor over a no-op update: alone,
    and with the metrics' timing (counters, histogram, the events log line)."""

    async def nothing() -> None:
        return None

    spent = []
    for processor in (PerPersonProcessor(), PerPersonProcessor(observe=Metrics().timed)):
        began = time.perf_counter()
        for _ in range(COUNTED_UPDATES):
            await processor.process_update(object(), nothing())
        spent.append((time.perf_counter() - began) / COUNTED_UPDATES * 1e6)
    return spent[0], spent[1]


async def webhook(database: Any, sizes: Sizes) -> Figures:
    """``webhook_updates`` people each write /help at once (limiter off: the code's cost),
    taken by polling, then posted to the webhook; and what counting costs per update."""
    count = sizes.webhook_updates
    chats = list(range(1, count + 1))
    async with _store(database, count) as store, EmulatorThread() as emulator:
        clock = ManualClock(NOW)
        async with back_coach(emulator.emu, store, clock, rate_limit=False):
            polled = await _help_all(emulator, chats)
        async with back_coach_webhook(emulator.emu, store, clock, rate_limit=False) as (
            _app,
            port,
            secret,
        ):
            posted = await _help_all(emulator, chats, (port, secret))
    alone, counted = await _counting_us()
    return {
        "webhook_per_s": posted["per_s"],
        "polling_per_s": polled["per_s"],
        "webhook_cpu_ms": posted["cpu_ms"],
        "polling_cpu_ms": polled["cpu_ms"],
        "webhook_answer_p50_ms": posted["answer_p50_ms"],
        "webhook_answer_p99_ms": posted["answer_p99_ms"],
        "webhook_failed": posted["failed"],
        "polling_failed": polled["failed"],
        "processor_us": alone,
        "processor_timed_us": counted,
    }


HOOK_CONNECTIONS = 40  # setWebhook's max_connections by default


async def _hook_keyboards(
    emulator: EmulatorThread, port: int, secret: str, chats: list[int], command: str, label: str
) -> dict[int, tuple[int, str]]:
    """Each chat writes ``command``, posted to the webhook; the button ``label`` of each
    answer, once all arrived."""

    def queue() -> list[dict[str, Any]]:
        updates = [emulator.emu.send_text(chat, command) for chat in chats]
        emulator.emu.updates.drop_pending()
        return updates

    await emulator.run(_post_all(port, secret, await emulator.call(queue)))

    def found() -> dict[int, tuple[int, str]] | None:
        buttons = {c: emulator.newest_button(c, label) for c in chats}
        return None if None in buttons.values() else buttons  # type: ignore[return-value]

    deadline = time.monotonic() + 120
    while (buttons := await emulator.call(found)) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {label!r} button after {command} in some chats")
        await asyncio.sleep(0.1)
    return buttons


async def _hook_burst(
    emulator: EmulatorThread,
    port: int,
    secret: str,
    buttons: dict[int, tuple[int, str]],
    match: Callable[[Reply], bool],
) -> Figures:
    """Every button pressed at once and posted to the webhook, ``CONCURRENT_POSTS`` at a
    time: presses answered per second, CPU per press, and the posts' answer times."""
    chats = list(buttons)
    tracker = Tracker(emulator, match)
    cpu, emu_cpu = _cpu(), emulator.cpu()

    def queue() -> tuple[list[dict[str, Any]], list[float]]:
        updates, stamps = [], []
        for chat in chats:
            updates.append(emulator.emu.press_button(chat, *buttons[chat]))
            stamps.append(time.monotonic())
        emulator.emu.updates.drop_pending()  # Telegram posts them instead
        return updates, stamps

    updates, stamps = await emulator.call(queue)
    tracker.ask(chats, stamps)
    answers = await emulator.run(_post_all(port, secret, updates))
    await tracker.wait(len(chats), 120)
    await _quiet(emulator)
    spent_cpu = (_cpu() - cpu) - (emulator.cpu() - emu_cpu)
    done = tracker.answered.values()
    elapsed = (max(done) - stamps[0]) if done else float("nan")
    return {
        "per_s": len(done) / elapsed if done else 0.0,
        "cpu_ms": spent_cpu / len(chats) * 1000,
        "failed": float(len(chats) - len(done)),
        "post_p99_ms": percentile(answers, 0.99) * 1000,
    }


async def _hook_paced(
    emulator: EmulatorThread,
    port: int,
    secret: str,
    buttons: dict[int, tuple[int, str]],
    rate: float,
    match: Callable[[Reply], bool],
    popup: Callable[[CallbackAnswer], bool] | None = None,
) -> Figures:
    """One press every 1/rate s, each posted at once (up to ``HOOK_CONNECTIONS`` posts open,
    as Telegram keeps): the posts' answer times, and press to answer in the chat."""
    tracker = Tracker(emulator, match, popup)

    async def pace() -> tuple[list[float], list[float]]:
        loop = asyncio.get_running_loop()
        stamps: list[float] = []
        answers: list[float] = []
        limits = httpx.Limits(max_connections=HOOK_CONNECTIONS)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=120
        ) as http:

            async def post(update: dict[str, Any]) -> None:
                began = time.monotonic()
                response = await http.post("/hook", json=update, headers={SECRET_HEADER: secret})
                answers.append(time.monotonic() - began)
                if response.status_code != 200:
                    raise RuntimeError(f"the webhook answered {response.status_code}")

            posts = []
            begin = loop.time()
            for index, (chat, (message_id, data)) in enumerate(buttons.items()):
                await asyncio.sleep(max(0.0, begin + index / rate - loop.time()))
                update = emulator.emu.press_button(chat, message_id, data)
                emulator.emu.updates.drop_pending()
                stamps.append(time.monotonic())
                posts.append(asyncio.create_task(post(update)))
            await asyncio.gather(*posts)
        return stamps, answers

    stamps, answers = await emulator.run(pace())
    tracker.ask(list(buttons), stamps)
    await tracker.wait(len(buttons), 120)
    return {
        "post_p50_ms": statistics.median(answers) * 1000,
        "post_p99_ms": percentile(answers, 0.99) * 1000,
        "p99_ms": percentile(tracker.latencies(), 0.99) * 1000,
        "failed": float(len(buttons) - len(tracker.answered)),
    }


async def webhook_presses(database: Any, sizes: Sizes) -> Figures:
    """Presses on the pain keyboard posted to the webhook: a burst of ``webhook_presses``
    (limiter off: the code's cost), then a steady 25/s for ``steady_seconds`` (limiter on, as
    deployed: each answered with the plan); the bare bot's webhook the same way."""
    burst, slow = sizes.webhook_presses, int(25 * sizes.steady_seconds)
    chats = list(range(1, burst + slow + 1))
    figures: Figures = {}
    async with _store(database, burst + slow) as store, EmulatorThread() as emulator:
        clock = ManualClock(NOW)
        async with back_coach(emulator.emu, store, clock, rate_limit=False):
            buttons = await _keyboards(emulator, chats, "/checkin", "3")
        async with back_coach_webhook(emulator.emu, store, clock, rate_limit=False) as (
            _app,
            port,
            secret,
        ):
            free = await _hook_burst(
                emulator, port, secret, {c: buttons[c] for c in chats[:burst]}, plan_reply
            )
        async with back_coach_webhook(emulator.emu, store, clock, rate_limit=True) as (
            _app,
            port,
            secret,
        ):
            paced = await _hook_paced(
                emulator,
                port,
                secret,
                {c: buttons[c] for c in chats[burst:]},
                25,
                plan_reply,
                busy_popup,
            )
    async with (
        EmulatorThread() as emulator,
        bare_webhook_bot(emulator.emu.token, emulator.emu.base_url) as (port, secret),
    ):
        buttons = await _hook_keyboards(emulator, port, secret, chats, "/start", "3")
        bare = await _hook_burst(
            emulator, port, secret, {c: buttons[c] for c in chats[:burst]}, any_reply
        )
        bare_paced = await _hook_paced(
            emulator, port, secret, {c: buttons[c] for c in chats[burst:]}, 25, any_reply
        )
    figures["hook_presses_per_s"] = free["per_s"]
    figures["bare_hook_presses_per_s"] = bare["per_s"]
    figures["hook_rate_ratio"] = free["per_s"] / bare["per_s"] if bare["per_s"] else float("nan")
    figures["hook_cpu_ms_per_press"] = free["cpu_ms"]
    figures["bare_hook_cpu_ms_per_press"] = bare["cpu_ms"]
    figures["hook_cpu_ratio"] = free["cpu_ms"] / bare["cpu_ms"]
    figures["hook_burst_post_p99_ms"] = free["post_p99_ms"]
    figures["bare_hook_burst_post_p99_ms"] = bare["post_p99_ms"]
    figures["hook_post_p50_ms_25"] = paced["post_p50_ms"]
    figures["hook_post_p99_ms_25"] = paced["post_p99_ms"]
    figures["bare_hook_post_p99_ms_25"] = bare_paced["post_p99_ms"]
    figures["hook_plan_p99_ms_25"] = paced["p99_ms"]
    figures["bare_hook_reply_p99_ms_25"] = bare_paced["p99_ms"]
    figures["hook_failed"] = free["failed"] + paced["failed"]
    return figures


SCENARIOS = {
    "presses": presses,
    "steady": steady,
    "one_busy_person": one_busy_person,
    "tick": tick,
    "send_rate": send_rate,
    "startup": startup,
    "first_progress": first_progress,
    "rendering": rendering,
    "webhook": webhook,
    "webhook_presses": webhook_presses,
    "coach": in_process.coach,
    "report": in_process.report,
    "lookups": in_process.lookups,
    "morning_peak": peak.morning_peak,
    "install": install.install,
}
# Measured once, in the bench's process, whatever the databases: they read and write none.
NO_DATABASE = frozenset({"coach", "report", "lookups", "install"})
# Run once whatever the repeats: the morning peak's sending is modelled (its figures follow
# from the code, not from the machine's speed), and an install's size does not vary.
ONCE = frozenset({"morning_peak", "install"})
# Measured again over a million people (BENCH_LARGE_CROWD): what grows with the table.
AT_SCALE = ("tick", "startup")
