"""Limits for an HTTP server anyone can reach, where uvicorn sets none.

uvicorn's h11 server (0.54) waits for a request's headers and body with no time limit, and
its ``limit_concurrency`` is checked only once a request's headers are complete: clients
that send half their headers and stop are held open for ever, need no secret to do it, and
a thousand of them take every file descriptor a worker has (its soft limit is often 1,024),
until real updates and ``/healthz`` cannot even be accepted. So each connection here is
either *busy* (its whole request arrived and is being answered) or *waiting* (opened,
idle between requests, or part way through a request's headers or body), and

- a waiting connection that has not delivered its whole request within ``request_within``
  seconds is closed (an idle kept-alive one goes sooner, at uvicorn's ``timeout_keep_alive``);
- at most ``connections`` are open, a quarter of the process's descriptor limit at most, and
  the loop accepts at most a quarter of that at a time (uvicorn's ``backlog``): one more
  closes the connection that has waited longest (the newcomer itself when every other one is
  busy). Slow clients lose their place to real ones, never the other way round.

Each closing is counted in a log line at most once a minute (``RepeatFilter`` in
conversations/logs.py keeps every repeated line to that pace too). uvicorn's own
``limit_concurrency`` would answer 503 to real requests while stalled connections fill it,
so it is not used; h11's limit on incomplete headers is lowered to what Telegram needs.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

# Telegram's posts carry a few hundred bytes of headers; h11's own default is 16 KiB.
MAX_HEADER_BYTES = 8 * 1024


@dataclass(frozen=True)
class Limits:
    """How long a request may take to arrive, and how many connections may be open."""

    request_within: float = 10.0  # seconds from waiting to the request's last byte
    keep_alive: int = 5  # seconds an idle connection stays open between requests
    connections: int = 256  # at most; fewer when the descriptor limit is low


def connection_cap(wanted: int) -> int:
    """``wanted``, or a quarter of the process's soft descriptor limit if that is less: the
    loop accepts a few backlogs of connections before the newest are closed, and the rest
    is for the database, the connections to Telegram, files and the log."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(4, min(wanted, soft // 4))


class Guard:
    """One server's waiting connections, oldest first, and the counts of those closed."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.cap = connection_cap(limits.connections)
        # Connections the loop accepts at a time before their protocols run (and before any
        # past the cap is closed): a quarter of the cap, so the burst stays well under it.
        self.backlog = max(4, self.cap // 4)
        self.waiting: dict[GuardedH11Protocol, None] = {}  # in the order they began waiting
        self.closed_slow = 0
        self.closed_full = 0

    def protocol(self) -> type[GuardedH11Protocol]:
        """The protocol class for uvicorn's ``Config(http=...)``, bound to this guard."""
        guard = self

        class Bound(GuardedH11Protocol):
            pass

        Bound.guard = guard
        return Bound

    def uvicorn_options(self) -> dict[str, Any]:
        """The keyword arguments of ``uvicorn.Config`` these limits set."""
        return {
            "http": self.protocol(),
            "timeout_keep_alive": self.limits.keep_alive,
            "backlog": self.backlog,
            "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        }


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request and a cap on connections."""

    guard: Guard
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait()
        if len(self.connections) > self.guard.cap:
            self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR):
            self._stop_waiting()  # the whole request is here: it is being answered

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is not h11.DONE:
            self._wait()  # the next request may come (the keep-alive timer runs too)

    def _wait(self) -> None:
        self._stop_waiting()
        self.guard.waiting[self] = None
        self._deadline = self.loop.call_later(self.guard.limits.request_within, self._too_slow)

    def _stop_waiting(self) -> None:
        self.guard.waiting.pop(self, None)
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        self.guard.closed_slow += 1
        log.warning(
            "closed a connection that sent no whole request within %.0f s (%d so far)",
            self.guard.limits.request_within,
            self.guard.closed_slow,
        )
        self._close()

    def _make_room(self) -> None:
        """Close the connection that has waited longest (this one if no other waits)."""
        oldest = next((c for c in self.guard.waiting if c is not self), self)
        self.guard.closed_full += 1
        log.warning(
            "%d connections open, the most allowed: closed the one waiting longest "
            "for its request (%d so far)",
            self.guard.cap,
            self.guard.closed_full,
        )
        oldest._close()

    def _close(self) -> None:
        self._stop_waiting()
        self.connections.discard(self)  # its place is free now, not when the loop gets to it
        if not self.transport.is_closing():
            self.transport.abort()
