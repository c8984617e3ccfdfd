"""What the bot counts for an operator: updates handled (by kind and outcome) and how long
they took, reminders by outcome, dispatcher ticks, the queue depth, rate-limiter waits.

Each application has its own ``CollectorRegistry`` (never prometheus_client's global one),
so several bots in one process (the tests) never mix their figures. Updates are counted
by ``Metrics.timed``, which the update processor runs each update through once its turn
has come: it sees every update from the moment its handlers start to the moment they
end, errors included, without touching the handlers. Each handled update, each reminder
sent and each tick's skipped reminders are also one line on the events logger
(conversations/logs.py): ids, kinds, durations and outcomes, never what a person wrote or
a pain value.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from telegram import MessageEntity, Update

from conversations.limiter import LaneLimiter
from conversations.logs import EVENTS

events = logging.getLogger(EVENTS)

KINDS = ("command", "text", "callback", "location", "member", "other")
OUTCOMES = ("ok", "error")
# Reminder outcomes as the ledger ends them; a tick's skipped rows are counted apart.
REMINDER_OUTCOMES = ("sent", "skipped", "failed", "uncertain")
# Handling a person's update is a few database round trips and one or two sends.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """The application's Prometheus metrics, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.updates = Counter(
            "backcoach_updates",
            "Updates handled, by kind and outcome",
            ["kind", "outcome"],
            registry=registry,
        )
        self.latency = Histogram(
            "backcoach_update_handling_seconds",
            "Time from an update's handlers starting to their end",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.reminders = Counter(
            "backcoach_reminders", "Reminders by outcome", ["outcome"], registry=registry
        )
        self.ticks = Counter("backcoach_dispatch_ticks", "Dispatcher ticks run", registry=registry)
        self.queue_depth = Gauge(
            "backcoach_reminder_queue_depth",
            "Reminder deliveries queued and not yet sent",
            registry=registry,
        )
        self.registry = registry
        # Every series exists from the start, at 0; each update's are looked up here rather
        # than through ``labels`` (a lock and a tuple of strings per call).
        self._latency_of = {kind: self.latency.labels(kind) for kind in KINDS}
        self._updates_of = {
            (kind, outcome): self.updates.labels(kind, outcome)
            for kind in KINDS
            for outcome in OUTCOMES
        }
        for outcome in REMINDER_OUTCOMES:
            self.reminders.labels(outcome)

    def watch_limiter(self, limiter: object) -> None:
        """Report the rate limiter's waits per lane (a LaneLimiter counts them)."""
        if isinstance(limiter, LaneLimiter):
            self.registry.register(_LimiterWaits(limiter))

    async def timed(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run one update's handlers (the processor's turn and slot already taken), timing
        them and counting the update with its outcome."""
        handling = Handling()
        token = _handling.set(handling)
        start = time.perf_counter()
        try:
            await coroutine
        except Exception:
            handling.failed = True
            raise
        finally:
            _handling.reset(token)
            outcome = "error" if handling.failed else "ok"
            self.handled(update, kind_of(update), time.perf_counter() - start, outcome)

    def handled(self, update: object, kind: str, seconds: float, outcome: str) -> None:
        """Count one update and log its line."""
        counter = self._updates_of.get((kind, outcome))
        (counter or self.updates.labels(kind, outcome)).inc()
        latency = self._latency_of.get(kind)
        (latency or self.latency.labels(kind)).observe(seconds)
        if not events.isEnabledFor(logging.INFO):  # the text format's default: no line
            return
        update_id = update.update_id if isinstance(update, Update) else None
        duration_ms = round(seconds * 1000, 1)
        events.info(
            "update %s handled: %s, %s, %.1f ms",
            update_id,
            kind,
            outcome,
            duration_ms,
            extra={
                "event": "update",
                "update_id": update_id,
                "kind": kind,
                "duration_ms": duration_ms,
                "outcome": outcome,
            },
        )

    def claimed(self, report: Any) -> None:
        """Count a tick (a claim) and the reminders it skipped, with a line if any."""
        self.ticks.inc()
        self.skipped(report)

    def skipped(self, report: Any) -> None:
        """Count the reminders a report skipped (a claim's, or those held back just before
        sending), with a line if any."""
        skipped = reminder_counts(report)["skipped"]
        if skipped:
            self.reminders.labels("skipped").inc(skipped)
            events.info(
                "reminders skipped: %d",
                skipped,
                extra={"event": "reminders", "outcome": "skipped", "count": skipped},
            )

    def sent(self, kind: Any, outcome: Any) -> None:
        """Count one reminder's send as the ledger ends it, with a line of its own."""
        name = str(outcome)
        name = name if name in REMINDER_OUTCOMES else "failed"  # blocked: failed, as stored
        self.reminders.labels(name).inc()
        events.info(
            "reminder %s: %s",
            str(kind),
            name,
            extra={"event": "reminders", "kind": str(kind), "outcome": name, "count": 1},
        )


def reminder_counts(report: Any) -> dict[str, int]:
    """A dispatcher ``Report`` as sent / skipped / failed / uncertain: a blocked person's
    reminder is failed, as in the ledger."""
    counts = dict.fromkeys(REMINDER_OUTCOMES, 0)
    counts["skipped"] = sum((getattr(report, "skipped", None) or {}).values())
    for outcome, count in (getattr(report, "outcomes", None) or {}).items():
        name = str(outcome)
        counts[name if name in counts else "failed"] += count
    return counts


def kind_of(update: object) -> str:
    """The kind of update, for counting: command, text, callback, location, member, other."""
    if not isinstance(update, Update):
        return "other"
    if update.callback_query is not None:
        return "callback"
    if update.my_chat_member is not None:
        return "member"
    message = update.message
    if message is None:
        return "other"  # an edited message, or a kind the bot does not handle
    if message.location is not None:
        return "location"
    if message.text is None:
        return "other"
    command = any(e.type == MessageEntity.BOT_COMMAND and e.offset == 0 for e in message.entities)
    return "command" if command else "text"


@dataclass
class Handling:
    """The update being handled in this task; the error handler marks it failed."""

    failed: bool = False


_handling: ContextVar[Handling | None] = ContextVar("backcoach_handling", default=None)


async def note_error(update: object, context: object) -> None:
    """An error handler: the update whose handler raised counts as an error. PTB awaits
    error handlers inside the update's own task, so the context variable is the update's."""
    handling = _handling.get()
    if handling is not None:
        handling.failed = True


class _LimiterWaits(Collector):
    """Requests the rate limiter held back for a slot, and the seconds they waited, by lane
    (replies, reminders in the background lane, or paid broadcasts), and the paid broadcasts
    sent, read from the limiter when scraped."""

    def __init__(self, limiter: LaneLimiter) -> None:
        self._limiter = limiter

    def collect(self) -> Any:
        waited = CounterMetricFamily(
            "backcoach_rate_limiter_waits",
            "Requests the rate limiter held back for a slot, by lane",
            labels=["lane"],
        )
        seconds = CounterMetricFamily(
            "backcoach_rate_limiter_wait_seconds",
            "Seconds requests waited for a rate-limiter slot, by lane",
            labels=["lane"],
        )
        for lane, waits in self._limiter.waits.items():
            waited.add_metric([lane.value], waits.waited)
            seconds.add_metric([lane.value], waits.seconds)
        yield waited
        yield seconds
        yield CounterMetricFamily(
            "backcoach_paid_broadcasts",
            "Reminders Telegram carried out as paid broadcasts (0.1 Star each at most)",
            value=self._limiter.paid_sent,
        )
        yield GaugeMetricFamily(
            "backcoach_paid_broadcasts_open",
            "1 while reminders may go as paid broadcasts (PAID_BROADCAST_RATE set and the "
            "Stars balance not found too low), else 0",
            value=int(self._limiter.paying),
        )
        yield CounterMetricFamily(
            "backcoach_hints_dropped",
            'Chat actions ("sending a photo…") not shown because Telegram\'s window had no '
            "slot to spare for them",
            value=self._limiter.hints_dropped,
        )
        yield CounterMetricFamily(
            "backcoach_plans_put_off",
            "Ratings saved and answered in their pop-up because the plan would have waited "
            "too long for Telegram's limit",
            value=self._limiter.put_off,
        )
