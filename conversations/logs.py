"""Logging that never shows the bot token.

httpx logs every request URL at INFO, and Telegram's URLs carry the token, so httpx is kept
at WARNING unless the level is DEBUG; a filter on the root handlers replaces the token, and
its secret part after the colon on its own, wherever they appear in a record's message,
arguments or exception text.
"""

from __future__ import annotations

import logging
import sys

REDACTED = "<token>"


class RedactToken(logging.Filter):
    """Replace a secret in every record that passes through a handler."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        # The whole token first, then its secret part (after the bot id) wherever it is alone.
        self._secrets = [s for s in (secret, secret.partition(":")[2]) if s]

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self._redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


def setup_logging(level: str, token: str | None) -> None:
    """Log to stderr at ``level``, with the token redacted and httpx quiet above DEBUG."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if token:
        handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    quiet = logging.NOTSET if root.level <= logging.DEBUG else logging.WARNING
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(quiet)
