"""Reminders: the answers to a bar-hang reminder, and every decision of the dispatcher.

The dispatcher's loop (``conversations/dispatch.py``) only sends. Claiming what is due,
deciding what to skip and why, quieting down, and recording each delivery's state in the
ledger happen here, in short transactions: a claim is a batch of rows read, decided and
written with a few set-based statements.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from coach import texts
from coach.days import local_date
from coach.model import Feedback, History, MoveFeedback, Person, Rating
from coach.places import load_zone
from coach.safety import hold
from coach.schedule import Delivery, Kind, Late, Reminder, State, next_occurrence
from services.actions import Action
from services.core import Core
from services.kinds import KINDS, STILL_THERE, Composed, Facts, Need
from services.outcome import Outcome, Say
from services.steps import red_flags_open
from services.unit import Work, unit, wanted
from storage.schedule import Ending, Entry, Move

log = logging.getLogger(__name__)

SNOOZE = timedelta(minutes=15)
IGNORED_PROMPTS = 3  # then one "still there?" and no more prompts until the person answers

__all__ = ["STILL_THERE", "Facts"]  # with the service functions below


# A bar-hang reminder's buttons ------------------------------------------------------------


async def hang_answer(
    core: Core, chat_id: int, action: Action, day: date | None, slot: str
) -> Outcome:
    """*Done*, *Snooze 15 min* or *Skip* on a bar-hang reminder."""
    async with unit(core) as work:
        person = await work.person(chat_id)
        if person is None:
            return Outcome([Say(texts.NOT_REGISTERED)])
        if not person.registered:
            return Outcome(toast=texts.INVALID_BUTTON)
        toast = await _hang_answer(work, person, action, day, slot)
        await work.commit()
    return Outcome(toast=toast)


async def _hang_answer(
    work: Work, person: Person, action: Action, day: date | None, slot_text: str
) -> str:
    if day is None or not (slot_text.isascii() and slot_text.isdigit()):
        return texts.INVALID_BUTTON
    if day != work.core.today(person):
        return texts.STALE_BUTTON.format(day=texts.day(day))
    if red_flags_open(person):
        return texts.RED_FLAGS_OPEN_TOAST
    slot = int(slot_text)
    if slot in await work.schedule.hang_marks(person.chat_id, day):
        return texts.HANG_ALREADY
    if action is Action.HANG_SNOOZE:
        rows = await work.schedule.of(person.chat_id)
        if any(r.once and r.kind is Kind.HANG and r.slot == slot and r.day == day for r in rows):
            return texts.HANG_SNOOZED_ALREADY  # pressed twice: one reminder, not two
        if person.timezone and _local_day(work.now + SNOOZE, person.timezone) > day:
            return texts.HANG_SNOOZE_PAST_MIDNIGHT  # its day would be over: never sent
        at = person.hang_times[slot] if slot < len(person.hang_times) else time(0)
        snooze = Reminder(0, person.chat_id, Kind.HANG, slot, at, work.now + SNOOZE, day, once=True)
        await work.schedule.add(person.chat_id, snooze)
        return texts.HANG_SNOOZE_ACK
    mark = "done" if action is Action.HANG_DONE else "skip"
    await work.schedule.mark_hang(person.chat_id, day, slot, mark, work.now)
    if mark == "skip":
        return texts.HANG_SKIP_ACK
    # A hang done from a reminder counts toward the day's plan.
    await work.feedback.add(person.chat_id, MoveFeedback(day, "bar_hang", Feedback.DONE), work.now)
    return texts.HANG_DONE_ACK


# The dispatcher's decisions ---------------------------------------------------------------


@dataclass
class Report:
    """What one dispatch did, for logs and tests."""

    claimed: int = 0
    deleted: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)


async def recover(core: Core, now: datetime, *, in_flight: bool = True) -> int:
    """At start: sends left in flight by a crash become uncertain, never repeated (unless
    ``in_flight`` is False: another process may be sending them right now). Nothing here
    reads everyone: a start costs the same with a thousand people or a million."""
    async with unit(core) as work:
        # Checked first and on purpose: the rest may well write nothing, and a database
        # that cannot be written must stop the start, not fail each answer later.
        await work.schedule.check_writable()
        count = await work.schedule.abandon_in_flight(now) if in_flight else 0
        await work.commit()
    return count


async def repair_schedules(core: Core, now: datetime) -> int:
    """Everyone registered whose schedule went missing (an older version, a failed write)
    gets it back from their settings: with the hourly sweeps, the first just after a start,
    beside the bot's answers rather than before them. (Anyone who writes gets theirs back
    at once, as their person is loaded.)"""
    async with unit(core) as work:
        missing = await work.people.without_schedule()
        for chat_id in missing:
            person = await work.person(chat_id, repair=False)
            if person is not None:
                await work.schedule.replace(chat_id, wanted(person, now))
        if missing:
            await work.commit()
    if missing:
        log.warning("rebuilt the reminder schedule of %d people who had none", len(missing))
    return len(missing)


async def take_over(core: Core, now: datetime) -> int:
    """This process has just become the one that sends: whatever the previous sender left
    *sending* was in flight when it died, and becomes uncertain, never sent again."""
    async with unit(core) as work:
        count = await work.schedule.abandon_in_flight(now)
        await work.commit()
    if count:
        log.warning("%d reminder sends were in flight when the last sender stopped", count)
    return count


STUCK_AFTER = timedelta(minutes=10)  # a send still "sending" this long never finished


async def settle_stuck(core: Core, now: datetime) -> int:
    """Sends whose outcome was never recorded (the process lost track of them) become
    uncertain: they may have reached Telegram, so they are never sent again."""
    async with unit(core) as work:
        count = await work.schedule.abandon_in_flight(now, before=now - STUCK_AFTER)
        if count:  # mostly nothing was stuck, nothing written: no commit to wait for
            await work.commit()
    if count:
        log.warning("%d reminder sends never finished; not resending", count)
    return count


# A peak: more reminders due at once than go out in a couple of minutes at Telegram's pace
# (a third of 100,000 people at the offered 08:00). They need N / rate seconds whatever
# happens; sending them from half of that before their time to half of it after keeps each
# as close to its time as the pace allows. Never earlier than this, and only for a peak:
# below one, every reminder is claimed at its time.
EARLY_AT_MOST = timedelta(minutes=10)
PEAK = timedelta(minutes=1)  # a half-backlog shorter than this is no peak
# With paid broadcasts on (PAID_BROADCAST_RATE), a queue longer than the free rate sends in
# this window is sent faster: each second ``rate`` free reminders and up to ``paid_rate``
# paid ones, until what is left fits the window again; that last part goes free. The free
# rate is used all along and only the excess pays: at 25 a second, a peak of 33,000 within
# ±10 minutes (sent in 20) needs 3,000 paid, which a paid rate of 5 a second gives.
PAID_BEYOND = EARLY_AT_MOST


def paying(queued: int, rate: float, paid_rate: float, window: timedelta = PAID_BEYOND) -> bool:
    """Whether, with ``queued`` reminders waiting, the next may go as a paid broadcast."""
    return paid_rate > 0 and queued > rate * window.total_seconds()


def sending_time(
    queued: int, rate: float, paid_rate: float = 0, window: timedelta = PAID_BEYOND
) -> timedelta:
    """How long ``queued`` reminders take to send at ``rate`` a second, with ``paid_rate``
    paid ones a second besides while more are queued than ``rate`` sends in ``window``."""
    free = rate * window.total_seconds()
    if not paying(queued, rate, paid_rate, window):
        return timedelta(seconds=queued / rate)
    return window + timedelta(seconds=(queued - free) / (rate + paid_rate))


async def lead(
    core: Core,
    now: datetime,
    rate: float,
    paid_rate: float = 0,
    window: timedelta = PAID_BEYOND,
) -> timedelta:
    """How far ahead of ``now`` due rows are claimed: half the time the rows due over the
    next ten minutes (and those queued) take to send (``sending_time``: at ``rate``, and
    with ``paid_rate`` paid broadcasts a second when they are on), when that is a peak."""
    # Past this many rows the lead is at its most whatever the count: sending_time(n) is at
    # least n / (rate + paid_rate) seconds, and the lead is half of it, at most EARLY_AT_MOST.
    enough = math.ceil(2 * EARLY_AT_MOST.total_seconds() * (rate + paid_rate))
    async with unit(core) as work:
        ahead = await work.schedule.count_due(now + EARLY_AT_MOST, at_most=enough)
        ahead += await work.schedule.count_in_state(State.QUEUED)
    half = sending_time(ahead, rate, paid_rate, window) / 2
    return min(half, EARLY_AT_MOST) if half >= PEAK else timedelta(0)


CLAIM_BATCH = 1000  # due rows read per pass, with everything the rules look at about them
# Of those, rows written per transaction. While people press, a transaction of 1,000 held
# SQLite's write lock 46-72 ms and the tick took 130-184 ms; of 500, 20-32 ms and 100-125 ms
# (100,000 people with a month each, presses at 20/s): the sender sends the first half while
# the second is written, and the presses' writes wait less.
CLAIM_WRITES = 500
# Where the rows read stay locked until the commit (PostgreSQL), a batch is read, decided
# and written in one transaction: 500 rows keep it within ~30 ms while people press (1,000:
# ~50 ms), for a tick a few milliseconds longer.
CLAIM_LOCKED = 500


async def claim(
    core: Core,
    now: datetime,
    report: Report,
    *,
    batch: int = CLAIM_BATCH,
    until: datetime | None = None,
) -> None:
    """Claim every row due by ``until`` (``now`` unless a peak is sent early) into the
    ledger, as queued or skipped (with the reason), and move each row to its next
    occurrence: a batch at a time, written in short transactions, so presses never wait
    behind a long claim. The rules decide at ``now``. A row is claimed early only once its
    person's local day has begun (``before_its_day``); until then it waits for its time."""
    later: set[int] = set()  # rows due early whose person's day has not begun
    while await claim_batch(core, now, report, batch, until=until, later=later):
        pass


async def claim_batch(
    core: Core,
    now: datetime,
    report: Report,
    limit: int,
    *,
    writes: int | None = None,
    until: datetime | None = None,
    later: set[int] | None = None,
) -> bool:
    """Claim up to ``limit`` due rows: read them and everything the rules look at, decide
    each in Python, then write with a few set-based statements -- delete or move the rows
    (compare-and-set), then their ledger rows. Returns whether more rows are due.

    Every decision is made before the first write, so a transaction holds the write lock
    only for its statements: the rows are written ``writes`` at a time (CLAIM_WRITES), each
    slice its own transaction. Where ``due`` locks the rows it reads until the commit
    (PostgreSQL), a batch is at most one slice (CLAIM_LOCKED), read and written in one
    transaction.

    Rows due early whose person's local day has not begun are left for their time and
    added to ``later``, which later passes read past."""
    later = later if later is not None else set()
    async with unit(core) as work:
        locked = work.schedule.locks_due
        step = max(writes or (CLAIM_LOCKED if locked else CLAIM_WRITES), 1)
        if locked:
            limit = min(limit, step)
        # One row more than the batch says whether another pass is needed (it is left
        # for that pass): no pass only to find nothing is due.
        read = await work.schedule.due(max(until or now, now), limit + len(later) + 1)
        rows = [r for r in read if r.id not in later]
        more = len(rows) > limit
        rows = rows[:limit]
        if not rows:
            return False
        facts = await load_facts(work, rows)
        waiting = {r.id for r in rows if before_its_day(r, facts, now)}
        if waiting:
            later |= waiting
            rows = [r for r in rows if r.id not in waiting]
            if not rows:
                return more  # the next pass reads past them
        claim = Claim(rows, facts, now)
        written: list[Entry] = []
        for start in range(0, len(rows), step):
            part = rows[start : start + step]
            ours = await work.schedule.claim_rows(claim.removals(part), claim.moves(part))
            entries = claim.settle(part, ours)
            await work.schedule.record_many(entries, now)
            await work.people.set_quiet(
                {e.item.chat_id for e in entries if e.reason == STILL_THERE}
            )
            written += entries
            if start + step >= len(rows):
                break
            await work.commit()  # the next slice is a transaction of its own
            _tally(report, written)
            written = []
        await work.commit()
    _tally(report, written)
    return more


def _tally(report: Report, entries: list[Entry]) -> None:
    """Count committed ledger rows into the report."""
    for entry in entries:
        report.claimed += 1
        if entry.state is State.SKIPPED:
            reason = entry.reason or ""
            report.skipped[reason] = report.skipped.get(reason, 0) + 1
            log.info("skipped %s for a person: %s", entry.item.kind, reason)


class Claim:
    """The decisions about a batch of due rows, made before anything is written.

    Every row whose person is there is decided as if this claimer gets it: skip or queue
    (with the reason), and quieting, in row order -- a row quieting its person is seen by
    that person's later rows. Should another claimer take some rows first, the batch is
    decided again without them, exactly as if they had never been read."""

    def __init__(self, rows: list[Reminder], facts: Facts, now: datetime) -> None:
        self.rows, self.facts, self.now = rows, facts, now
        self.gone = {r.id for r in rows if _zone(facts, r) is None}  # the row goes
        self.lost: set[int] = set()  # taken by another claimer
        self._moves = self._move_all()
        self._entries = self._decide()

    def removals(self, part: list[Reminder]) -> set[int]:
        """Rows to delete: of people gone, and snoozes that came due."""
        return {r.id for r in part if r.id in self.gone or r.once}

    def moves(self, part: list[Reminder]) -> list[Move]:
        """Where each repeating row goes next."""
        return [self._moves[r.id] for r in part if r.id in self._moves]

    def settle(self, part: list[Reminder], ours: set[int]) -> list[Entry]:
        """The ledger rows of the part of the batch this claimer moved or deleted."""
        lost = {r.id for r in part if r.id not in ours and r.id not in self.gone}
        if lost:
            self.lost |= lost
            self._entries = self._decide()
        return [self._entries[r.id] for r in part if r.id in ours and r.id not in self.gone]

    def _move_all(self) -> dict[int, Move]:
        """Each repeating row's next occurrence after both its due instant and now. Many
        rows share a time of day, a zone and a due instant: each is worked out once."""
        moves, found = {}, {}
        for item in self.rows:
            if item.once or item.id in self.gone:
                continue
            zone = self.facts.people[item.chat_id].timezone
            assert zone is not None
            key = (item.local_time, zone, max(item.due, self.now), KINDS[item.kind].weekday)
            if key not in found:
                found[key] = next_occurrence(*key)
            moves[item.id] = Move(item.id, item.due, found[key].due, found[key].day)
        return moves

    def _decide(self) -> dict[int, Entry]:
        facts, now = self.facts, self.now
        # Start afresh: a person quieted by an earlier decision was not quiet before it.
        for chat_id in facts.quieted:
            facts.people[chat_id].quiet = False
        facts.quieted.clear()
        entries = {}
        for item in self.rows:
            if item.id in self.gone or item.id in self.lost:
                continue
            person = facts.people[item.chat_id]
            reason = skip_reason(item, person, now, facts)
            if reason is None and KINDS[item.kind].quiets:
                reason = quiet_down(item, person, facts)
            state = State.SKIPPED if reason and reason != STILL_THERE else State.QUEUED
            entries[item.id] = Entry(item, state, reason)
        return entries


def before_its_day(item: Reminder, facts: Facts, now: datetime) -> bool:
    """Whether a row claimed early (at a peak) belongs to a local day its person has not
    reached yet: a prompt for 00:05 is no message for 23:57 the evening before (its buttons
    are for tomorrow, its text says good morning). It waits for its time instead."""
    zone = _zone(facts, item)
    if item.due <= now or zone is None:
        return False
    return _local_day(now, zone) < item.day


# The date in a zone at an instant: a peak's thousands of rows share a few zones and one now.
_local_day = lru_cache(maxsize=1024)(local_date)


def _zone(facts: Facts, item: Reminder) -> str | None:
    """The person's zone; None when the person or their zone is gone (the row goes)."""
    person = facts.people.get(item.chat_id)
    return None if person is None else person.timezone


async def load_facts(
    work: Work, rows: list[Reminder], people: dict[int, Person] | None = None
) -> Facts:
    """What the rules of a batch's kinds read about its people (``people``, when they were
    read already): one query per need."""
    if people is None:
        people = await work.people.standing_many({r.chat_id for r in rows})
    days = {r.day for r in rows}

    by_kind: dict[Kind, set[int]] = {}  # each kind's people: a batch has a few kinds
    for r in rows:
        if r.chat_id in people:
            by_kind.setdefault(r.kind, set()).add(r.chat_id)

    def needing(need: Need) -> set[int]:
        found: set[int] = set()
        for kind, chats in by_kind.items():
            if need in KINDS[kind].claim_needs:
                found |= chats
        return found

    hangs = needing(Need.HANG_MARKS)
    latest = await work.ratings.latest_days(needing(Need.LATEST))
    # "Still there?" (``quiet_down``) counts the days of prompts ignored since the latest
    # check-in: someone quiet already, or who checked in on the day before their row's or
    # later (most people, each morning), cannot reach three, and their prompts are not read.
    first: dict[int, date] = {}
    for r in rows:
        first[r.chat_id] = min(r.day, first.get(r.chat_id, r.day))
    asked = {
        chat_id
        for chat_id in needing(Need.PROMPTS)
        if not people[chat_id].quiet
        and not (chat_id in latest and latest[chat_id] >= first[chat_id] - timedelta(days=1))
    }
    return Facts(
        people,
        rated=await work.ratings.rated_on(needing(Need.RATED), days),
        latest=latest,
        marks=await work.schedule.hang_marks_many(hangs, days),
        plan_hangs=await work.feedback.given_on(hangs, days, "bar_hang", Feedback.DONE),
        # Only prompts of days after the latest check-in can count as ignored, and a
        # "still there?" before it no longer stops the count: the walk stops there.
        prompts=await work.schedule.recent_many(
            asked, Kind.CHECKIN, 3 * IGNORED_PROMPTS, after=latest
        ),
    )


async def queue_depth(core: Core) -> int:
    """How many ledger rows wait to be sent."""
    async with unit(core) as work:
        return await work.schedule.count_in_state(State.QUEUED)


def skip_reason(item: Reminder, person: Person, now: datetime, facts: Facts) -> str | None:
    """Why a due reminder is not sent (None: it is sent): first what holds every kind back,
    then the kind's own lateness, its day being over, and the kind's reasons."""
    assert person.timezone is not None
    if not person.active:
        return "inactive"
    if not person.registered:
        return "not_registered"
    if person.paused:
        return "paused"
    if hold(person) is not None:
        return "on_hold"
    kind = KINDS[item.kind]
    late = kind.too_late(item.due, now, person.timezone)
    if late is not None:
        return late
    if _local_day(now, person.timezone) > item.day:
        # Its buttons would rate or mark a day that is over (refused as from another
        # day): a prompt late past midnight, a hang snoozed past it.
        return Late.DAY_OVER.value
    return kind.skip_reason(item.day, item.slot, person, facts)


def quiet_down(item: Reminder, person: Person, facts: Facts) -> str | None:
    """After 3 days of prompts in a row without a check-in, say "still there?" once and stop.

    "In a row" starts after the person's latest check-in and after the last "still there?";
    a day counts once however many prompts it had (a time changed that day asks again).
    The person is marked quiet (in ``facts``, written with the batch).
    """
    # The latest few prompts are enough: "in a row" never reaches further back.
    prompts = facts.prompts.get(person.chat_id, [])
    if len(prompts) < IGNORED_PROMPTS:
        return None  # too few prompts to have ignored enough of them
    latest = facts.latest.get(person.chat_id)
    quieted = [d.day for d in prompts if d.reason == STILL_THERE]
    since = max(([latest] if latest else []) + quieted, default=None)
    ignored = {
        d.day
        for d in prompts
        if d.state is State.SENT and d.reason is None and (since is None or d.day > since)
    }
    if len(ignored) < IGNORED_PROMPTS:
        return None
    person.quiet = True  # the batch's later rows of this person see it too
    facts.quieted.add(person.chat_id)
    return STILL_THERE


@dataclass(frozen=True, slots=True)
class Sending:
    """A delivery to send, with its message composed in the person's language."""

    delivery: Delivery
    composed: Composed


@dataclass(frozen=True, slots=True)
class Sent:
    """How one send ended, to be recorded (with others) in the ledger."""

    delivery: Delivery
    state: State
    reason: str | None = None
    message_id: int | None = None
    blocked: bool = False  # the person blocked the bot: nothing more is sent


async def prepare(core: Core, limit: int, report: Report | None = None) -> list[Sending]:
    """The next queued deliveries, each with its message composed (in its person's
    language), read and not taken: the sender takes each just before sending it. What the
    messages are made from is read with one query per need of their kinds.

    Each is decided again first (``held_back``): those the rules now hold back are skipped
    in the ledger, with the reason (counted in ``report``), and not returned."""
    async with unit(core) as work:
        waiting = await work.schedule.in_state(State.QUEUED, limit)
        people = await work.people.get_many({d.chat_id for d in waiting})
        held = await held_back(work, waiting, people, core.clock.now())
        if held:
            skipped = [
                (delivery, reason)
                for delivery, reason in held.items()
                if await work.schedule.set_state(
                    delivery.id,
                    State.SKIPPED,
                    core.clock.now(),
                    reason=reason,
                    expected=State.QUEUED,
                )
            ]
            await work.commit()
            for delivery, reason in skipped:
                log.info("skipped %s for a person when it was due to go: %s", delivery.kind, reason)
                if report is not None:
                    report.skipped[reason] = report.skipped.get(reason, 0) + 1
            waiting = [d for d in waiting if d not in held]

        def needing(need: Need) -> set[int]:
            return {
                d.chat_id
                for d in waiting
                if need in KINDS[d.kind].message_needs and d.chat_id in people
            }

        feedback = await work.feedback.all_of(needing(Need.FEEDBACK))
        pains = await work.ratings.pains_on(
            needing(Need.DAY_PAIN),
            {d.day for d in waiting if Need.DAY_PAIN in KINDS[d.kind].message_needs},
        )
        histories = {c: await work.uow.history(c) for c in needing(Need.HISTORY)}
        for c in needing(Need.FUNCTION):  # the activities, for the summary
            histories[c] = replace(histories.get(c, History()), function=await work.uow.function(c))
    found = []
    for delivery in waiting:
        person = people.get(delivery.chat_id)
        if person is None:  # deleted since the claim: its ledger rows went with it
            continue
        pain = pains.get((delivery.chat_id, delivery.day))
        history = histories.get(delivery.chat_id) or History(
            ratings=() if pain is None else (Rating(delivery.day, pain),),
            feedback=feedback.get(delivery.chat_id, ()),
        )
        kind = KINDS[delivery.kind]
        found.append(Sending(delivery, kind.composed(delivery, person, history, core.program)))
    return found


async def held_back(
    work: Work, waiting: list[Delivery], people: dict[int, Person], now: datetime
) -> dict[Delivery, str]:
    """The queued deliveries the rules hold back now, with why: decided again as at their
    claim, with what the person did since (a check-in of their own, a pause, an emergency
    answer, the hang done) and how late each now is. At a peak a reminder is claimed up to
    ten minutes early and may queue for ten more; after a stop, longer.

    Quiet is the claim's own decision ("still there?" quiets its person), not something the
    person did, so it holds nothing back here; kinds not claimed from the schedule (the
    retention warning) are not decided again. Nor is "still there?" held back for being
    late: it has no day's buttons, and it is what tells its person why prompts stop."""
    again = [
        d
        for d in waiting
        if KINDS[d.kind].decided_again
        and d.chat_id in people
        and people[d.chat_id].timezone is not None
    ]
    if not again:
        return {}
    # The claim's facts read each row's person, kind and day: a Reminder of the occurrence.
    items = [Reminder(d.id, d.chat_id, d.kind, d.slot, time(0), d.due, d.day) for d in again]
    as_now = {d.chat_id: replace(people[d.chat_id], quiet=False) for d in again}
    facts = await load_facts(work, items, as_now)
    held = {}
    for delivery, item in zip(again, items, strict=True):
        reason = skip_reason(item, as_now[delivery.chat_id], now, facts)
        if reason in _LATENESS and delivery.reason == STILL_THERE:
            continue
        if reason is not None:
            held[delivery] = reason
    return held


_LATENESS = frozenset(late.value for late in Late)  # the reasons that say only "too late"


async def take(core: Core, delivery: Delivery) -> bool:
    """Mark a delivery as being sent, committed before the request: one statement. False
    if another sender (another tick, or another process) took it first."""
    async with unit(core) as work:
        taken = await work.schedule.take(delivery.id, core.clock.now())
        await work.commit()
    return taken


async def record_sends(core: Core, ended: list[Sent]) -> None:
    """Record how sends ended, in one transaction; a person who blocked the bot gets
    nothing more."""
    async with unit(core) as work:
        endings = [Ending(s.delivery.id, s.state, s.reason, s.message_id) for s in ended]
        await work.schedule.end_many(endings, core.clock.now())
        for chat_id in sorted({s.delivery.chat_id for s in ended if s.blocked}):
            person = await work.person(chat_id, repair=False)
            if person is not None:
                person.active = False  # blocked: nothing more is sent or retried
                await work.schedule.replace(person.chat_id, [])
                await work.save(person)
        await work.commit()


# Retention ---------------------------------------------------------------------------------

KEEP_FOR = timedelta(days=365)
NOTICE = timedelta(days=7)


async def sweep(core: Core, now: datetime) -> int:
    """Inactive people's data: deleted after 12 months without a check-in, warned a week
    before. The warning is a ledger row of kind RETENTION, queued here and sent with every
    other message; the deletion waits until the warning is a week old.

    Returns how many people's data was deleted.
    """
    async with unit(core) as work:
        stale = await work.ratings.last_activity(now - (KEEP_FOR - NOTICE))
    deleted = 0
    for chat_id, last in stale:
        async with unit(core) as work:
            recent = await work.schedule.recent(chat_id, Kind.RETENTION, 5)
            warned = [d.due for d in recent if d.due > last]  # a check-in since resets it
            if warned and last <= now - KEEP_FOR and min(warned) <= now - NOTICE:
                await work.people.delete_everything(chat_id)
                deleted += 1
                log.info("deleted an inactive person's data after 12 months")
            elif not warned:
                person = await work.person(chat_id, repair=False)
                zone = (person.timezone if person else None) or "UTC"
                day = now.astimezone(load_zone(zone)).date()
                item = Reminder(0, chat_id, Kind.RETENTION, 0, time(0), now, day)
                if person is not None and person.active:
                    await work.schedule.record(item, State.QUEUED, now)
                else:  # blocked: the warning can't reach them, the deletion still comes
                    await work.schedule.record(item, State.SKIPPED, now, "inactive")
            await work.commit()
    return deleted
