"""Logging that never shows the bot token.

httpx logs every request URL at INFO, and Telegram's URLs carry the token, so httpx is kept
at WARNING; a filter on the root handlers also replaces the token wherever it appears in a
record's message, arguments or exception text.
"""

from __future__ import annotations

import logging
import sys

REDACTED = "<token>"


class RedactToken(logging.Filter):
    """Replace a secret in every record that passes through a handler."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secret:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = message.replace(self._secret, REDACTED)
        record.args = None
        if record.exc_text:
            record.exc_text = record.exc_text.replace(self._secret, REDACTED)
        return True


def setup_logging(level: str, token: str | None) -> None:
    """Log to stderr at ``level``, with the token redacted and httpx quiet."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if token:
        handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
