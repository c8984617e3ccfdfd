"""Logging that never shows the bot token.

httpx logs every request URL at INFO, and Telegram's URLs carry the token, so httpx is kept
at WARNING unless the level is DEBUG. Nothing logs what people write, even at DEBUG: PTB's
and the HTTP libraries' loggers, which log whole requests and answers there, never go below
INFO; APScheduler's two lines a tick and the database drivers' statements are kept quiet.
A filter on the root handlers replaces the token, and its secret part after the colon on its
own, wherever they appear in a record's message, arguments or exception text. The webhook's
secret is redacted the same way.

A line repeated at WARNING or above (the same logger, level and message template) is written
at most once a minute, the next one saying how many were left out: a flood of failures (a
thousand stalled connections, a lost disk) leaves a few lines, not hundreds of megabytes.

``LOG_FORMAT=json`` writes one JSON object a line, for a log collector; then the events
logger (one line per update handled and per reminder outcome: ids, kinds, durations,
never what a person wrote) logs at INFO. In the text format it stays quiet above DEBUG,
so the default output is what it always was.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sequence

from pythonjsonlogger.json import JsonFormatter

REDACTED = "<token>"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers of the HTTP libraries: httpx logs each request's URL (with the token) at INFO.
HTTP_LOGGERS = ("httpx", "httpcore", "aiohttp")
# Kept at WARNING at every level: APScheduler's two lines every tick (8,640 a day) say nothing
# the dispatcher's own do not, and the database drivers log each statement with its values
# (a pain rating among them).
QUIET = ("apscheduler", "aiosqlite", "sqlalchemy", "asyncpg")
# The logger of the per-update and per-reminder lines (conversations/metrics.py).
EVENTS = "backcoach.events"


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


class RepeatFilter(logging.Filter):
    """Each line at WARNING or above at most once per ``every`` seconds, by its logger, level
    and message template (its arguments may differ); the first one after says how many like
    it were left out. Lines below WARNING all pass."""

    MAX_KINDS = 1000  # templates remembered; the oldest is forgotten past this

    def __init__(self, every: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.every, self._clock = every, clock
        self._seen: dict[tuple[str, int, str], tuple[float, int]] = {}  # when written, left out

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, record.levelno, str(record.msg))
        now = self._clock()
        written, left_out = self._seen.pop(key, (None, 0))
        if written is not None and now - written < self.every:
            self._seen[key] = (written, left_out + 1)
            return False
        self._seen[key] = (now, 0)
        if len(self._seen) > self.MAX_KINDS:
            del self._seen[next(iter(self._seen))]
        if left_out:
            note = f"{left_out} more like this in the last {self.every:.0f} s not logged"
            record.msg = f"{record.msg} [{note}]"
        return True


class JsonLines(JsonFormatter):
    """One JSON object a line: time, level, logger, message and any ``extra`` fields."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_text:
            # RedactToken rendered the traceback into exc_text and redacted it; the library
            # would otherwise render exc_info again, token and all.
            record.exc_info = None
        return super().format(record)


def setup_logging(
    level: str, token: str | None, log_format: str = "text", secrets: Sequence[str] = ()
) -> None:
    """Log to stderr at ``level`` as text or JSON lines, with the token (and ``secrets``)
    redacted and httpx quiet above DEBUG."""
    handler = logging.StreamHandler(sys.stderr)
    json_lines = log_format.lower() == "json"
    handler.setFormatter(JsonLines() if json_lines else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RepeatFilter())
    for secret in (token, *secrets):
        if secret:
            handler.addFilter(RedactToken(secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    debug = root.level <= logging.DEBUG
    # Their DEBUG lines carry what people wrote: PTB logs every request and answer whole
    # (texts, pain ratings, first names). They never go below INFO; the HTTP libraries stay
    # at WARNING unless the level is DEBUG.
    for http in HTTP_LOGGERS:
        logging.getLogger(http).setLevel(logging.INFO if debug else logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.INFO if debug else logging.NOTSET)
    for quiet in QUIET:
        logging.getLogger(quiet).setLevel(logging.WARNING)
    logging.getLogger(EVENTS).setLevel(logging.NOTSET if json_lines or debug else logging.WARNING)
