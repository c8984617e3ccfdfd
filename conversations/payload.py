"""Inline-button payloads: short, signed for the person they were sent to, and dated.

A payload is ``action|arg|arg|sig``. The signature is an HMAC of the chat id and the rest,
so a forged payload, or one copied from another person's chat, is recognised and refused.
Telegram allows 1-64 bytes of callback data; every payload here stays well under that.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

SEP = "|"
MAX_BYTES = 64


@dataclass(frozen=True, slots=True)
class Payload:
    """A verified button press: its action and arguments."""

    action: str
    args: tuple[str, ...]

    def day(self, index: int = 0) -> date | None:
        """An argument parsed as a day (``YYYYMMDD``), or None if it isn't one."""
        try:
            text = self.args[index]
            return date(int(text[:4]), int(text[4:6]), int(text[6:8])) if len(text) == 8 else None
        except (IndexError, ValueError):
            return None


class Signer:
    """Signs and verifies payloads with a key only the bot knows."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _sig(self, chat_id: int, body: str) -> str:
        mac = hmac.new(self._key, f"{chat_id}{SEP}{body}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:6]).decode()

    def sign(self, chat_id: int, action: str, *args: str | int | date) -> str:
        """The callback data for a button."""
        parts = [action, *(a.strftime("%Y%m%d") if isinstance(a, date) else str(a) for a in args)]
        body = SEP.join(parts)
        data = f"{body}{SEP}{self._sig(chat_id, body)}"
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {body!r}")
        return data

    def verify(self, chat_id: int, data: str | None) -> Payload | None:
        """The payload if it was signed for this chat, else None."""
        if not data or len(data.encode()) > MAX_BYTES or SEP not in data:
            return None
        body, _, sig = data.rpartition(SEP)
        # Bytes, not str: compare_digest refuses str with non-ASCII characters, and forged
        # data may carry any.
        if not hmac.compare_digest(sig.encode(), self._sig(chat_id, body).encode()):
            return None
        action, *args = body.split(SEP)
        return Payload(action, tuple(args))
