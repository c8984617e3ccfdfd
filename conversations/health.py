"""Is the bot well? The database answers, the reminder dispatcher ticks, and how much waits.

``Monitor`` belongs to one application (bootstrap sets it as ``app.monitor``). It hears
each of the dispatcher's claims and sends (``Dispatcher.on_claimed``/``on_sent``) for the
metrics, and reads the time of its last claim (``Dispatcher.last_tick``) for the health
check. Ages are on the application's clock, the one the dispatcher sends by.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from conversations.context import Ctx
from conversations.metrics import Metrics
from services import health

log = logging.getLogger(__name__)

# A health check must answer before a load balancer gives up on it.
CHECK_TIMEOUT = 2.0
# No tick for this many dispatch intervals: the dispatcher is stuck (or dead).
MISSED_TICKS = 3


@dataclass(frozen=True)
class Health:
    """One health check's answer: well or not, and the figures it was judged by."""

    ok: bool
    database: str  # "ok", or why not
    last_tick_age: float | None  # seconds; None before the first tick
    dispatch_every: float | None  # None: this application runs no ticks
    queue_depth: int | None  # None when the database could not say

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "unhealthy",
            "database": self.database,
            "last_tick_age_seconds": self.last_tick_age,
            "dispatch_every_seconds": self.dispatch_every,
            "queue_depth": self.queue_depth,
        }


class Monitor:
    """The application's metrics and the health check over its parts."""

    def __init__(self, app: Any, metrics: Metrics, dispatch_every: float | None) -> None:
        self.app, self.metrics, self.dispatch_every = app, metrics, dispatch_every
        self.started: datetime | None = None  # when the job queue started (see begin)
        metrics.watch_limiter(app.bot.rate_limiter)
        app.dispatcher.on_claimed.append(metrics.claimed)
        app.dispatcher.on_sent.append(metrics.sent)
        app.dispatcher.on_held.append(metrics.skipped)

    def last_tick(self) -> datetime | None:
        """When the dispatcher last finished a claim."""
        last: datetime | None = self.app.dispatcher.last_tick
        return last

    async def begin(self, ctx: Ctx) -> None:
        """A job run once as the job queue starts: ticks are awaited from then on (not from
        the build, which migrations and the city index may leave seconds behind)."""
        self.started = ctx.deps.clock.now()

    async def queue_depth(self) -> int:
        """Deliveries queued: the dispatcher's figure if it has one, else the ledger's."""
        depth = getattr(self.app.dispatcher, "queue_depth", None)
        count = int(await depth()) if callable(depth) else await health.queued_count(self.app.deps)
        self.metrics.queue_depth.set(count)
        return count

    async def check(self) -> Health:
        """The health check: database, tick age, queue depth."""
        database = await self._database()
        depth = None
        if database == "ok":
            try:
                depth = await asyncio.wait_for(self.queue_depth(), CHECK_TIMEOUT)
            except (TimeoutError, SQLAlchemyError, OSError) as exc:
                log.warning("counting the reminder queue failed (%s)", type(exc).__name__)
        age = self._tick_age()
        return Health(
            database == "ok" and not self._stalled(age), database, age, self.dispatch_every, depth
        )

    async def _database(self) -> str:
        try:
            problem = await asyncio.wait_for(health.database_problem(self.app.deps), CHECK_TIMEOUT)
        except TimeoutError:
            problem = f"no answer within {CHECK_TIMEOUT:.0f} s"
        except (SQLAlchemyError, OSError) as exc:
            problem = f"unreachable ({type(exc).__name__})"
        if problem is not None:
            log.warning("health check: the database is not usable: %s", problem)
        return problem or "ok"

    def _tick_age(self) -> float | None:
        last = self.last_tick()
        if last is None:
            return None
        return round(float((self.app.deps.clock.now() - last).total_seconds()), 3)

    def _stalled(self, age: float | None) -> bool:
        """Ticks are on and none finished for MISSED_TICKS intervals (counted from the job
        queue's start before the first tick)."""
        if self.dispatch_every is None:
            return False
        if age is None:
            if self.started is None:
                return False  # the job queue has not started yet
            age = (self.app.deps.clock.now() - self.started).total_seconds()
        return bool(age > MISSED_TICKS * self.dispatch_every)


def monitor_of(app: Any) -> Monitor:
    """The application's Monitor (set by bootstrap)."""
    monitor = getattr(app, "monitor", None)
    if not isinstance(monitor, Monitor):
        raise RuntimeError("the application was built without a Monitor")
    return monitor
