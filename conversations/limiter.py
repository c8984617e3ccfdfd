"""Telegram's send limits with lanes: a person's replies go before reminders, and reminders
beyond the free rate may go as Telegram's paid broadcasts.

PTB's AIORateLimiter keeps every request with a ``chat_id`` in one first-come queue, so
while a broadcast of reminders is being sent a person who presses a button waits behind
thousands of them. ``LaneLimiter`` keeps the same limits (about 30 requests a second
for the whole bot, 20 a minute in a group chat, a ``RetryAfter`` pauses every send) but
queues free requests in two lanes: one sent with ``rate_limit_args=BACKGROUND`` (the reminder
dispatcher) only gets a slot no interactive request is waiting for, and only if the
replies expected at the current pace still find room in the next period: when people start
pressing during a broadcast, the reminders stop at once instead of having filled the window
with slots the next second's replies need.

A third lane, ``PAID``, is on when the operator set a paid broadcast rate
(``PAID_BROADCAST_RATE``): a request sent with ``rate_limit_args=PAID`` goes with
``allow_paid_broadcast`` as one of Telegram's paid broadcasts, which count against a window of
their own (up to Telegram's 1,000 a second) instead of the free ~30; each chat's share holds
across every lane. Only this lane ever carries the flag: it is set here for a paid request and
taken off any other, so a person's reply never pays. When Telegram refuses a paid request
because the bot's Stars balance is too low (``BALANCE_TOO_LOW``), nothing was sent: the lane
closes (logged once) and that request, and every paid one after it, goes through the
background lane at the free rate instead.

A fourth lane, ``FILE``, carries files (a chart, a PDF, a drawing): replies too, but they
took seconds to make and a second more is no harm, while a reply to a press is expected at
once. They go after the replies waiting and take only the room the replies expected at the
current pace leave (as reminders do, without their spacing), before any reminder; a file
that found no such room for ``file_patience`` seconds (10) goes as a reply, so it is never
held for long however busy the bot is. Ten people asking for charts at once while others
press buttons then delay no one's reply.

A fifth, ``HINT``, carries what only helps while it is current (the "sending a photo…"
chat action): it never waits. A hint goes at once when the window has a slot to spare --
within the background lane's limit, leaving room for the replies expected at the current pace,
no reply waiting, the chat within its share -- and is otherwise dropped (the request returns
False, nothing sent): it never takes a slot a reply needs, and in a quiet chat it goes before
the message it announces.

A slot is held from the moment it is granted until one period after Telegram answered:
Telegram counts a request when it arrives, which is somewhere in between, so counting the
answer's time keeps every sliding period at Telegram within the limit, whatever the
network or the event loop delays.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import enum
import logging
import time
import warnings
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import Bot, constants
from telegram._utils.types import JSONDict
from telegram.error import BadRequest, RetryAfter
from telegram.ext import BaseRateLimiter, ExtBot

log = logging.getLogger(__name__)

Result = bool | JSONDict | list[JSONDict]
Callback = Callable[..., Coroutine[Any, Any, Result]]

# A RetryAfter pauses sends a little longer than asked, as AIORateLimiter does.
RETRY_MARGIN = 0.1
# Group windows are swept once there are this many (each is a few small objects).
GROUPS_SWEPT_ABOVE = 512
# Chats' windows likewise (a window is forgotten once it holds nothing).
CHATS_SWEPT_ABOVE = 4096


class Lane(enum.Enum):
    """Who waits for whom: interactive requests always go first; paid ones have a window of
    their own and wait for nobody's but theirs."""

    INTERACTIVE = "interactive"
    FILE = "file"
    BACKGROUND = "background"
    PAID = "paid"
    HINT = "hint"


INTERACTIVE = Lane.INTERACTIVE
FILE = Lane.FILE
BACKGROUND = Lane.BACKGROUND
PAID = Lane.PAID
HINT = Lane.HINT
# In the order they go, sharing Telegram's free ~30/s.
FREE_LANES = (INTERACTIVE, FILE, BACKGROUND)
REPLIES = (INTERACTIVE, FILE)  # what a hint never goes before
PAID_FLAG = "allow_paid_broadcast"
# Telegram's error when the bot's Stars balance cannot pay (the request was not carried out).
BALANCE_TOO_LOW = "balance_too_low"


def in_background(bot: Bot) -> dict[str, Any]:
    """Keyword arguments that send a request through the background lane, where there is
    one: PTB refuses ``rate_limit_args`` from a bot without a rate limiter (the console, or
    ``RATE_LIMIT=false``), and a plain ``telegram.Bot`` takes no such argument at all.

        await bot.send_message(chat_id, text, **in_background(bot))
    """
    if isinstance(bot, ExtBot) and bot.rate_limiter is not None:
        return {"rate_limit_args": BACKGROUND}
    return {}


def as_file(bot: Bot) -> dict[str, Any]:
    """Keyword arguments that send a file (a chart, a PDF, a drawing) in the file lane: after
    the replies waiting, in the room they leave. Without a lane limiter, as any request.

        await bot.send_photo(chat_id, png, **as_file(bot))
    """
    if isinstance(bot, ExtBot) and isinstance(bot.rate_limiter, LaneLimiter):
        return {"rate_limit_args": FILE}
    return {}


def as_hint(bot: Bot) -> dict[str, Any]:
    """Keyword arguments that send a request as a hint: at once if the window has a slot to
    spare, else not at all (the call returns False). Without a rate limiter, as any request.

        await bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO, **as_hint(bot))
    """
    if isinstance(bot, ExtBot) and isinstance(bot.rate_limiter, LaneLimiter):
        return {"rate_limit_args": HINT}
    return {}


def paid_rate(bot: Bot) -> int:
    """Paid broadcasts a second the bot may send now: 0 without a paid lane, or once
    Telegram refused one for the Stars balance."""
    limiter = bot.rate_limiter if isinstance(bot, ExtBot) else None
    return limiter.paid_rate if isinstance(limiter, LaneLimiter) and limiter.paying else 0


def in_paid_lane(bot: Bot) -> dict[str, Any]:
    """Keyword arguments that send a request as a paid broadcast, where the bot can (else
    through the background lane, as ``in_background``).

        await bot.send_message(chat_id, text, **in_paid_lane(bot))
    """
    if paid_rate(bot) > 0:
        return {"rate_limit_args": PAID, PAID_FLAG: True}
    return in_background(bot)


class _PaidClosed(Exception):
    """The paid lane closed while a request waited for its slot: it goes free instead."""


@dataclass
class LaneWaits:
    """How often requests of one lane had to wait for a slot, and for how long in all."""

    waited: int = 0
    seconds: float = 0.0


@dataclass
class _Window:
    """Slots of one sliding period: requests in flight and answer times still inside it."""

    limit: int
    period: float
    in_flight: int = 0
    answered: deque[float] = field(default_factory=deque)

    def used(self, now: float) -> int:
        cutoff = now - self.period
        while self.answered and self.answered[0] <= cutoff:
            self.answered.popleft()
        return self.in_flight + len(self.answered)

    def free_at(self, now: float, limit: int | None = None) -> float | None:
        """When fewer than ``limit`` slots (the window's limit by default) are used: ``now``
        if already so; None if only an answer can bring that about."""
        limit = self.limit if limit is None else limit
        excess = self.used(now) - limit  # this many answers must leave, and one more
        if excess < 0:
            return now
        return self.answered[excess] + self.period if excess < len(self.answered) else None

    def take(self) -> None:
        self.in_flight += 1

    def done(self, now: float) -> None:
        self.in_flight -= 1
        self.answered.append(now)


class _TakeTurns:
    """The requests of one lane waiting for a slot, chat by chat in turn: each chat's in the
    order they came, and after one of a chat's goes, every other waiting chat has a turn
    before its next. One person with a hundred replies due never makes everyone else wait
    for all of them. A chat over its share of the window (``may_go`` says) is passed over
    until it is under again."""

    def __init__(self) -> None:
        self._chats: OrderedDict[str, deque[asyncio.Future[None]]] = OrderedDict()

    def append(self, chat: str, waiter: asyncio.Future[None]) -> None:
        self._chats.setdefault(chat, deque()).append(waiter)

    def head(self, may_go: Callable[[str], bool] = lambda _chat: True) -> str | None:
        """The chat whose request goes next (requests cancelled meanwhile dropped), or
        None if no chat that may go has one waiting."""
        for chat in list(self._chats):
            waiters = self._chats[chat]
            while waiters and waiters[0].done():
                waiters.popleft()
            if not waiters:
                del self._chats[chat]
            elif may_go(chat):
                return chat
        return None

    def popleft(self, chat: str) -> asyncio.Future[None]:
        """Take ``chat``'s next request (``head`` found it); the chat goes to the back."""
        waiters = self._chats[chat]
        waiter = waiters.popleft()
        if waiters:
            self._chats.move_to_end(chat)
        else:
            del self._chats[chat]
        return waiter

    def chats(self) -> list[str]:
        """The chats with requests waiting."""
        return list(self._chats)

    def waiting(self) -> int:
        return sum(not w.done() for waiters in self._chats.values() for w in waiters)


@dataclass
class _Group:
    """One group chat's window; its requests go one at a time, in order (``turn``)."""

    window: _Window
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)


class LaneLimiter(BaseRateLimiter[Lane]):
    """PTB's rate limiter with an interactive, a background and (when ``paid_max_rate``) a
    paid lane.

    ``waits`` counts, per lane, the requests that had to wait for a slot and the seconds
    they waited, for a metrics endpoint to read. Requests without a ``chat_id``
    (answerCallbackQuery) take no slot; like every request, they wait out a RetryAfter.
    """

    def __init__(
        self,
        overall_max_rate: int = constants.FloodLimit.MESSAGES_PER_SECOND,
        overall_time_period: float = 1.0,
        group_max_rate: int = constants.FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        group_time_period: float = 60.0,
        max_retries: int = 0,
        reserve: int | None = None,
        chat_share: int | None = None,
        paid_max_rate: int = 0,
        file_patience: float = 10.0,
    ) -> None:
        if overall_max_rate < 1 or overall_time_period <= 0:
            raise ValueError("the overall limit needs a positive rate and period")
        if not 0 <= paid_max_rate <= constants.FloodLimit.PAID_MESSAGES_PER_SECOND:
            raise ValueError("paid broadcasts go at 0 (none) to Telegram's 1,000 a second")
        reserve = overall_max_rate // 6 if reserve is None else reserve  # 5 of Telegram's 30
        if not 0 <= reserve < overall_max_rate:
            raise ValueError("the reserve for replies must leave the background lane a slot")
        # Slots of every period the background lane never takes: a person who presses a
        # button finds one free at once instead of waiting for a reminder's slot to age out.
        self.reserve = reserve
        chat_share = overall_max_rate if chat_share is None else chat_share
        if not 1 <= chat_share <= overall_max_rate:
            raise ValueError("a chat's share must be at least one slot and at most the limit")
        # Slots of a period one chat may hold: a person with a hundred replies due (or a
        # runaway loop) leaves the rest of the window to everyone else, whose replies then
        # go at once. Telegram itself lets a chat have about one message a second.
        self.chat_share = chat_share
        self._chats: dict[str, _Window] = {}
        # Reminders are granted at least period/limit apart. Without it a broadcast fills the
        # window in a clump and it empties and refills in clumps (thirty at once, then a
        # second of nothing). Replies go at once when there is room: people's presses come
        # spread out by themselves, one chat holds at most its share, and pacing replies
        # made a conversation under Telegram's errors (each retry a further request) crawl.
        self._spacing = overall_time_period / overall_max_rate
        self._granted_at = -float("inf")
        # When replies were granted over the last period: how fast people are pressing now.
        # A reminder is granted only if the replies expected at that pace over the next
        # period still find room (``_leaves_room``): a burst of presses that starts during a
        # broadcast otherwise finds the window filled by reminders granted a moment before
        # and waits up to a period for them to age out.
        self._replies: deque[float] = deque()
        self.max_retries = max_retries
        self.waits = {lane: LaneWaits() for lane in Lane}
        # Replies the bot chose not to queue because of the backlog (answered in a press's
        # pop-up instead), counted by the caller that chose: for the metrics.
        self.put_off = 0
        self.hints_dropped = 0  # hints that found no slot to spare, for the metrics
        self.file_patience = file_patience  # seconds a file waits for room, then goes as a reply
        self._overall = _Window(overall_max_rate, overall_time_period)
        # Paid broadcasts: a window of their own, granted evenly spaced like reminders.
        # ``paying`` turns off for good when Telegram says the Stars balance is too low.
        self.paid_rate = paid_max_rate
        self.paying = paid_max_rate > 0
        self.paid_sent = 0  # paid requests Telegram carried out, for the metrics
        self._paid = _Window(max(1, paid_max_rate), overall_time_period)
        self._paid_spacing = overall_time_period / max(1, paid_max_rate)
        self._paid_granted_at = -float("inf")
        self._group_rate = group_max_rate
        self._group_period = group_time_period
        self._groups: dict[int | str, _Group] = {}
        self._queues: dict[Lane, _TakeTurns] = {lane: _TakeTurns() for lane in Lane}
        self._paused_until = 0.0
        self._timer: asyncio.TimerHandle | None = None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Stop the wake-up timer; requests still waiting are cancelled with their tasks."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def queued(self, lane: Lane) -> int:
        """Requests of ``lane`` waiting for a slot now."""
        return self._queues[lane].waiting()

    def backlog(self, lane: Lane) -> float:
        """About how many seconds a request of ``lane`` made now would wait for its slot:
        the requests ahead of it, at the window's pace."""
        if lane is PAID:
            return self.queued(PAID) * self._paid.period / self._paid.limit
        lanes = FREE_LANES[: FREE_LANES.index(lane) + 1] if lane in FREE_LANES else FREE_LANES[:1]
        ahead = sum(self.queued(other) for other in lanes)
        return ahead * self._overall.period / self._overall.limit

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Lane | None,
    ) -> Result:
        asked = rate_limit_args if isinstance(rate_limit_args, Lane) else INTERACTIVE
        if asked is not PAID and data.get(PAID_FLAG):
            log.warning("a request outside the paid lane asked to be paid; it goes free")
        lane = BACKGROUND if asked is PAID and not self.paying else asked
        _flag(data, lane)
        if lane is HINT:
            return await self._hint(callback, args, kwargs, data)
        try:
            return await self._retrying(lane, callback, args, kwargs, data)
        except (BadRequest, _PaidClosed) as exc:
            if lane is not PAID or (isinstance(exc, BadRequest) and not _balance_too_low(exc)):
                raise
            self._stop_paying()
            _flag(data, BACKGROUND)  # Telegram carried nothing out: sent once, at the free rate
            return await self._retrying(BACKGROUND, callback, args, kwargs, data)

    async def _hint(
        self, callback: Callback, args: Any, kwargs: dict[str, Any], data: dict[str, Any]
    ) -> Result:
        """A hint in a slot to spare, taken at once; dropped (False) when there is none."""
        chat_id = data.get("chat_id")
        if chat_id is None:
            return False
        chat, now = str(chat_id), _now()
        group = _group_of(chat_id)
        entry = None if group is None or self._group_rate < 1 else self._group(group)
        window = None if entry is None else entry.window
        # A group's requests go one at a time: a hint goes only when none is in its turn.
        busy = entry is not None and (entry.turn.locked() or not _free_now(entry.window, now))
        if busy or not self._spare(now, chat):
            self.hints_dropped += 1
            return False
        self._overall.take()
        self._chat(chat).take()
        if window is not None:
            window.take()
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as exc:
            self._pause(_seconds(exc) + RETRY_MARGIN)
            return False  # a hint is never retried
        finally:
            now = _now()
            self._overall.done(now)
            self._chat(chat).done(now)
            if window is not None:
                window.done(now)
            self._wake()

    def _spare(self, now: float, chat: str) -> bool:
        """Whether the free window has a slot no reply needs now or over the next period: as
        a reminder would be granted one, but without its spacing, and only while no reply
        waits."""
        at = self._overall.free_at(now, self._limit(BACKGROUND))
        return (
            at is not None
            and at <= now
            and self._paused_until <= now
            and self._may_go(chat, now)
            and not any(self._queues[lane].head(self._may_go_at(now)) for lane in REPLIES)
            and self._leaves_room(now)
        )

    async def _retrying(
        self,
        lane: Lane,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        data: dict[str, Any],
    ) -> Result:
        """The request in ``lane``, waiting out up to ``max_retries`` of Telegram's 429s."""
        chat_id = data.get("chat_id")
        for attempt in range(self.max_retries + 1):
            try:
                if chat_id is None:
                    await self._unpaused()
                    return await callback(*args, **kwargs)
                return await self._limited(
                    lane, chat_id, _group_of(chat_id), callback, args, kwargs
                )
            except RetryAfter as exc:
                if attempt == self.max_retries:
                    log.warning("Telegram still asks to wait after %d retries", attempt)
                    raise
                self._pause(_seconds(exc) + RETRY_MARGIN)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _limited(
        self,
        lane: Lane,
        chat: object,
        group: int | str | None,
        callback: Callback,
        args: Any,
        kw: Any,
    ) -> Result:
        """One request through its group's turn (if a group chat) and an overall slot."""
        if group is None or self._group_rate < 1:
            return await self._in_slot(lane, chat, None, callback, args, kw)
        entry = self._group(group)
        async with entry.turn:
            await _room_in(entry.window)
            return await self._in_slot(lane, chat, entry.window, callback, args, kw)

    async def _in_slot(
        self,
        lane: Lane,
        chat: object,
        group: _Window | None,
        callback: Callback,
        args: Any,
        kw: Any,
    ) -> Result:
        key = str(chat)
        await self._slot(lane, key)
        if group is not None:
            group.take()
        try:
            if lane is PAID and not self.paying:
                raise _PaidClosed
            result = await callback(*args, **kw)
            if lane is PAID:
                self.paid_sent += 1
            return result
        finally:
            now = _now()
            self._window_of(lane).done(now)
            self._chat(key).done(now)
            if group is not None:
                group.done(now)
            self._wake()

    async def _slot(self, lane: Lane, chat: str) -> None:
        """Take a slot of the lane's window: at once if free, the chat is within its share
        and nobody of this lane or before it who may go waits."""
        ahead = {
            INTERACTIVE: (INTERACTIVE,),
            FILE: REPLIES,
            BACKGROUND: FREE_LANES,
            PAID: (PAID,),
        }[lane]
        start = _now()
        at = self._ready_at(start, lane)
        if (
            at is not None
            and at <= start
            and self._may_go(chat, start)
            and not any(self._queues[other].head(self._may_go_at(start)) for other in ahead)
        ):
            self._grant(start, chat, lane)
            return
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._queues[lane].append(chat, waiter)
        self._wake()
        try:
            if lane is FILE:
                try:
                    await asyncio.wait_for(asyncio.shield(waiter), self.file_patience)
                except TimeoutError:
                    if not waiter.done():  # no room came: it goes as a reply now
                        waiter.cancel()
                        waiter = loop.create_future()
                        self._queues[INTERACTIVE].append(chat, waiter)
                        self._wake()
                        await waiter
            else:
                await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # granted, then cancelled: give back
                now = _now()
                self._window_of(lane).done(now)
                self._chat(chat).done(now)
                self._wake()
            else:
                waiter.cancel()  # a shielded waiter is still queued: dropped from the queue
            raise
        finally:
            waits = self.waits[lane]
            waits.waited += 1
            waits.seconds += _now() - start

    def _wake(self) -> None:
        """Grant free slots to waiters, interactive first (paid ones from their own window),
        and set a timer for the next."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        now = _now()
        may_go = self._may_go_at(now)
        times = [self._grant_waiting(now, may_go, lanes) for lanes in (FREE_LANES, (PAID,))]
        at = min((t for t in times if t is not None), default=None)
        if at is not None:
            self._timer = asyncio.get_running_loop().call_later(max(0.0, at - now), self._wake)

    def _grant_waiting(
        self, now: float, may_go: Callable[[str], bool], lanes: tuple[Lane, ...]
    ) -> float | None:
        """Grant slots of one window to the waiters of ``lanes``, in order; when to look
        again (None: nobody waits, or every slot is in flight and the next answer wakes)."""
        while True:
            found = self._next(may_go, lanes)
            if found is None:
                return self._when_a_chat_may_go(now, lanes)
            lane, chat = found
            at = self._ready_at(now, lane)
            if at is None or at > now:
                return at
            self._grant(now, chat, lane)
            self._queues[lane].popleft(chat).set_result(None)

    def _next(
        self, may_go: Callable[[str], bool], lanes: tuple[Lane, ...]
    ) -> tuple[Lane, str] | None:
        """The lane and chat whose request goes next: the first of ``lanes`` with one that
        may go."""
        for lane in lanes:
            chat = self._queues[lane].head(may_go)
            if chat is not None:
                return lane, chat
        return None

    def _when_a_chat_may_go(self, now: float, lanes: tuple[Lane, ...]) -> float | None:
        """Every chat waiting in ``lanes`` is over its share: when the first is under it
        again (a chat whose slots are all in flight wakes us with its answer)."""
        times = [
            at
            for lane in lanes
            for chat in self._queues[lane].chats()
            if (at := self._chat(chat).free_at(now, self.chat_share)) is not None
        ]
        return max(min(times), now) if times else None

    def _window_of(self, lane: Lane) -> _Window:
        return self._paid if lane is PAID else self._overall

    def _grant(self, now: float, chat: str, lane: Lane) -> None:
        self._window_of(lane).take()
        self._chat(chat).take()
        if lane is PAID:
            self._paid_granted_at = now
            return
        self._granted_at = now
        if lane is INTERACTIVE:
            self._replies.append(now)
            self._forget_replies(now)  # kept to a period's worth even when no reminder asks

    def _limit(self, lane: Lane) -> int:
        """Slots of a period the lane may fill: files and reminders leave the reserve to
        replies."""
        return self._overall.limit - (self.reserve if lane in (FILE, BACKGROUND) else 0)

    def _ready_at(self, now: float, lane: Lane) -> float | None:
        """When the window next has a slot for a request in ``lane`` (None: only an answer
        frees one)."""
        if lane is PAID:
            at = self._paid.free_at(now)
            if at is None:
                return None
            return max(at, self._paused_until, self._paid_granted_at + self._paid_spacing)
        at = self._overall.free_at(now, self._limit(lane))
        if at is None:
            return None
        at = max(at, self._paused_until)
        if lane is BACKGROUND:
            at = max(at, self._granted_at + self._spacing)
        if lane in (FILE, BACKGROUND) and at <= now and not self._leaves_room(now):
            at = now + self._spacing  # look again once replies have eased or aged out
        return at

    def _forget_replies(self, now: float) -> deque[float]:
        """The grant times of replies within the last period (older ones dropped)."""
        replies, cutoff = self._replies, now - self._overall.period
        while replies and replies[0] <= cutoff:
            replies.popleft()
        return replies

    def _reply_rate(self, now: float) -> float:
        """Replies a period expected from now on: the last period's count, or more when the
        last eighth or quarter of it saw them come faster (a burst is seen within a few)."""
        period = self._overall.period
        replies = self._forget_replies(now)
        rate = len(replies)
        for share in (4, 8):
            recent = len(replies) - bisect.bisect_right(replies, now - period / share)
            rate = max(rate, share * recent)
        return float(rate)

    def _leaves_room(self, now: float) -> bool:
        """Whether a file or a reminder granted now still leaves, at every moment of the next
        period, a slot for each reply expected by then at the current pace (``_reply_rate``),
        within the background lane's limit. With replies steady this is the plain limit; when they
        pick up it stops reminders at once instead of a period later."""
        rate = self._reply_rate(now)
        if rate == 0:
            return True
        window, period = self._overall, self._overall.period
        room = self._limit(BACKGROUND) - 1  # the reminder's own slot
        used = window.used(now)
        # Just before the k-th held answer leaves, k have left and replies have come meanwhile.
        for left, answered in enumerate(window.answered):
            if used - left + rate * (answered + period - now) / period > room:
                return False
        return window.in_flight + rate <= room

    def _may_go(self, chat: str, now: float) -> bool:
        """Whether ``chat`` holds fewer slots than its share."""
        window = self._chats.get(chat)
        return window is None or window.used(now) < self.chat_share

    def _may_go_at(self, now: float) -> Callable[[str], bool]:
        return lambda chat: self._may_go(chat, now)

    def _chat(self, chat: str) -> _Window:
        """The chat's window, made on first use; idle chats are forgotten now and then."""
        window = self._chats.get(chat)
        if window is None:
            if len(self._chats) >= CHATS_SWEPT_ABOVE:
                now = _now()
                for key, entry in list(self._chats.items()):
                    if entry.used(now) == 0:
                        del self._chats[key]
            window = self._chats[chat] = _Window(self.chat_share, self._overall.period)
        return window

    def _stop_paying(self) -> None:
        """Telegram refused a paid broadcast for the Stars balance: no more are sent (the
        paid requests waiting meanwhile go free, ``_PaidClosed``)."""
        if self.paying:
            self.paying = False
            log.warning(
                "Telegram refused a paid broadcast: the bot's Stars balance is too low. "
                "Reminders go at the free rate from now on; top the balance up and restart "
                "to send paid broadcasts again."
            )
        self._wake()

    def _pause(self, seconds: float) -> None:
        """Telegram said to wait: no request is granted before then."""
        log.info("Telegram asked to wait; every send pauses for %.1f s", seconds)
        self._paused_until = max(self._paused_until, _now() + seconds)

    async def _unpaused(self) -> None:
        """Wait out a pause, however often it is extended meanwhile."""
        left = self._paused_until - _now()
        while left > 0:
            await asyncio.sleep(left)
            left = self._paused_until - _now()

    def _group(self, group: int | str) -> _Group:
        """The group's window, made on first use; idle groups are forgotten now and then."""
        if group not in self._groups and len(self._groups) >= GROUPS_SWEPT_ABOVE:
            now = _now()
            for key, entry in list(self._groups.items()):
                if not entry.turn.locked() and entry.window.used(now) == 0:
                    del self._groups[key]
        if group not in self._groups:
            self._groups[group] = _Group(_Window(self._group_rate, self._group_period))
        return self._groups[group]


def _now() -> float:
    return time.monotonic()


def _group_of(chat_id: object) -> int | str | None:
    """The group a chat id names (negative ids and @usernames), None for a private chat."""
    with contextlib.suppress(TypeError, ValueError):
        chat_id = int(chat_id)  # type: ignore[call-overload]
    if isinstance(chat_id, int):
        return chat_id if chat_id < 0 else None
    return str(chat_id)


def _free_now(window: _Window, now: float) -> bool:
    """Whether ``window`` has a slot free at ``now``."""
    at = window.free_at(now)
    return at is not None and at <= now


async def _room_in(window: _Window) -> None:
    """Sleep until ``window`` has a free slot. Its group's turn is held, so none is in flight
    and the oldest answer leaving the window frees one."""
    now = _now()
    at = window.free_at(now)
    if at is not None and at > now:
        await asyncio.sleep(at - now)


def _flag(data: dict[str, Any], lane: Lane) -> None:
    """A request carries ``allow_paid_broadcast`` if and only if it goes in the paid lane:
    whatever the caller passed, a reply or a free reminder never pays."""
    if lane is PAID:
        data[PAID_FLAG] = True
    else:
        data.pop(PAID_FLAG, None)


def _balance_too_low(exc: BadRequest) -> bool:
    return BALANCE_TOO_LOW in exc.message.lower()


def _seconds(exc: RetryAfter) -> float:
    """Seconds Telegram asked to wait (PTB is moving this attribute to a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
