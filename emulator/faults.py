"""Scripted faults: the next matching calls of a method fail the way networks and Telegram do.

Queue a fault with ``BotApiEmulator.fail(method, kind, chat_id=None, times=1, ...)``. Each
call of ``method`` (any chat, or only ``chat_id``) takes the first matching fault in the
queue; after ``times`` calls the fault is used up. Kinds:

- ``RETRY_AFTER``: 429 with ``parameters.retry_after`` (PTB raises ``RetryAfter``).
- ``BAD_GATEWAY``: 502 (PTB raises ``NetworkError``); nothing is recorded.
- ``REFUSE``: the connection is closed without an answer before the call is processed;
  nothing is recorded (PTB raises ``NetworkError``).
- ``DROP_AFTER_SEND``: the call is processed (a message is recorded as sent), then the
  connection is closed without an answer, so the bot cannot know it was delivered.
- ``TRUNCATE``: the call is processed, and its answer cut off half way (PTB cannot read it:
  "Invalid server response"), so the bot cannot know what happened.
- ``DELAY``: the call is processed at once but answered only after ``delay`` seconds (with
  a shorter read timeout PTB raises ``TimedOut`` although the message was delivered).

A blocked chat is state, not a fault: see ``block_chat``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    """How a call fails."""

    RETRY_AFTER = "retry_after"
    BAD_GATEWAY = "bad_gateway"
    REFUSE = "refuse"
    DROP_AFTER_SEND = "drop_after_send"
    TRUNCATE = "truncate"
    DELAY = "delay"


@dataclass
class Fault:
    """One scripted fault for the next ``times`` calls of ``method`` (optionally one chat)."""

    method: str
    kind: FaultKind
    chat_id: int | None = None
    times: int = 1
    retry_after: int = 1
    delay: float = 1.0

    def matches(self, method: str, chat_id: int | None) -> bool:
        """Whether a call of ``method`` in ``chat_id`` takes this fault."""
        if self.method.lower() != method.lower():
            return False
        return self.chat_id is None or self.chat_id == chat_id


class FaultQueue:
    """Faults waiting for their calls, first in first out."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    @property
    def pending(self) -> list[Fault]:
        """Faults not used up yet."""
        return list(self._faults)

    def add(self, fault: Fault) -> Fault:
        """Queue ``fault`` behind the others."""
        if fault.times < 1:
            raise ValueError("a fault must apply to at least one call")
        self._faults.append(fault)
        return fault

    def take(self, method: str, chat_id: int | None) -> Fault | None:
        """The fault for this call, if one is queued; uses one of its ``times``."""
        for fault in self._faults:
            if fault.matches(method, chat_id):
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        """Forget every queued fault."""
        self._faults.clear()
