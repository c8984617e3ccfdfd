"""Telegram's flood control: token buckets per chat and for the whole bot.

Telegram answers a bot that sends too fast with 429 ``Too Many Requests: retry after N``.
Its documented pace is about one message per second in a chat and 30 per second overall,
with short bursts allowed. Each bucket holds up to ``burst`` tokens and gains ``rate``
tokens per second; a limited call takes one token from its chat's bucket and one from the
global bucket, or is refused with ``retry_after`` = whole seconds until both have a token.
Only sending and editing count (``LIMITED``): answerCallbackQuery, getUpdates and the rest
do not. A paid broadcast (a message sent with ``allow_paid_broadcast``) takes its token from
a paid bucket instead of the global one (Telegram: "up to 1000 messages per second"), and
still one from its chat's.

Tests act at once where people take seconds to read and tap, so each message or button
press of a person counts as ``person_action_seconds`` of their time: it refills that chat's
bucket as if that much time had passed. Replies to what people do then pass as they would
on Telegram, while a bot that sends on its own faster than the limits is still refused.

The limits are attributes, read on every call, so tests may change them at run time;
``enabled = False`` switches flood control off, ``reset()`` refills every bucket.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

LIMITED = frozenset(
    {"sendmessage", "sendphoto", "senddocument", "editmessagetext", "editmessagereplymarkup"}
)
DEFAULT_CHAT_BURST = 20
DEFAULT_CHAT_RATE = 1.0
DEFAULT_GLOBAL_BURST = 100
DEFAULT_GLOBAL_RATE = 30.0
DEFAULT_PERSON_ACTION_SECONDS = 2.0
DEFAULT_PAID_BURST = 1000
DEFAULT_PAID_RATE = 1000.0


@dataclass
class _Bucket:
    tokens: float
    stamp: float  # time.monotonic() of the last refill

    def refill(self, now: float, burst: float, rate: float) -> None:
        self.tokens = min(float(burst), self.tokens + (now - self.stamp) * rate)
        self.stamp = now

    def wait(self, rate: float) -> float:
        """Seconds until the bucket holds one token (0 if it does)."""
        if self.tokens >= 1:
            return 0.0
        return math.inf if rate <= 0 else (1 - self.tokens) / rate


class FloodControl:
    """Token buckets for one bot; ``check`` is called for every limited call."""

    def __init__(
        self,
        *,
        enabled: bool = True,
        chat_burst: int = DEFAULT_CHAT_BURST,
        chat_rate: float = DEFAULT_CHAT_RATE,
        global_burst: int = DEFAULT_GLOBAL_BURST,
        global_rate: float = DEFAULT_GLOBAL_RATE,
        person_action_seconds: float = DEFAULT_PERSON_ACTION_SECONDS,
        paid_burst: int = DEFAULT_PAID_BURST,
        paid_rate: float = DEFAULT_PAID_RATE,
    ) -> None:
        self.enabled = enabled
        self.chat_burst = chat_burst
        self.chat_rate = chat_rate
        self.global_burst = global_burst
        self.global_rate = global_rate
        self.person_action_seconds = person_action_seconds
        self.paid_burst = paid_burst
        self.paid_rate = paid_rate
        self._chats: dict[int, _Bucket] = {}
        self._global: _Bucket | None = None
        self._paid: _Bucket | None = None

    def reset(self) -> None:
        """Forget past calls: every bucket starts full again."""
        self._chats.clear()
        self._global = None
        self._paid = None

    def person_acted(self, chat_id: int) -> None:
        """A person wrote or pressed a button in ``chat_id``: credit their think time."""
        bucket = self._chats.get(chat_id)
        if bucket is None:
            return  # not limited yet: the bucket starts full
        bucket.refill(time.monotonic(), self.chat_burst, self.chat_rate)
        credit = self.person_action_seconds * self.chat_rate
        bucket.tokens = min(float(self.chat_burst), bucket.tokens + credit)

    def check(self, method: str, chat_id: int | None, *, paid: bool = False) -> int | None:
        """None if the call may go ahead (its tokens are taken), else ``retry_after``.
        ``paid``: a paid broadcast, limited by the paid bucket instead of the global one."""
        if not self.enabled or method.lower() not in LIMITED:
            return None
        now = time.monotonic()
        if paid:
            if self._paid is None:
                self._paid = _Bucket(float(self.paid_burst), now)
            buckets = [(self._paid, self.paid_burst, self.paid_rate)]
        else:
            if self._global is None:
                self._global = _Bucket(float(self.global_burst), now)
            buckets = [(self._global, self.global_burst, self.global_rate)]
        if chat_id is not None:
            chat = self._chats.setdefault(chat_id, _Bucket(float(self.chat_burst), now))
            buckets.append((chat, self.chat_burst, self.chat_rate))
        for bucket, burst, rate in buckets:
            bucket.refill(now, burst, rate)
        wait = max(bucket.wait(rate) for bucket, _, rate in buckets)
        if wait > 0:
            return max(1, math.ceil(wait)) if math.isfinite(wait) else 3600
        for bucket, _, _ in buckets:
            bucket.tokens -= 1
        return None
