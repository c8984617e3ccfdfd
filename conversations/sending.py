"""Sending a scheduled message to Telegram: retry what is safe to retry, never the rest.

A send that failed before the request reached Telegram (connection refused, connect or pool
timeout), or that Telegram refused (429 with retry_after, 5xx), is retried with backoff. A
read or write timeout, or a connection dropped after the request was written, may have been
delivered: it is reported as uncertain and never sent again.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import aiohttp
import httpx
from telegram import Message
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from conversations import transport

log = logging.getLogger(__name__)

# Errors of the HTTP libraries (Back Coach's aiohttp transport, PTB's default httpx one)
# raised before any byte of the request was written: sending again is safe.
BEFORE_REQUEST = (
    *transport.BEFORE_REQUEST,
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
TRANSPORT_ERRORS = (aiohttp.ClientError, httpx.HTTPError)


class SendOutcome(StrEnum):
    """How a send ended."""

    SENT = "sent"
    BLOCKED = "blocked"  # 403: the person blocked the bot
    UNCERTAIN = "uncertain"  # may have been delivered: never resend
    FAILED = "failed"  # certainly not delivered, and retries ran out or make no sense


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome, the message id when sent, and a short reason otherwise."""

    outcome: SendOutcome
    message_id: int | None = None
    reason: str | None = None


def retryable(exc: Exception) -> bool:
    """Whether the request certainly did not take effect, so sending again is safe."""
    if isinstance(exc, RetryAfter):
        return True
    cause = exc.__cause__
    if isinstance(exc, TimedOut):
        return isinstance(cause, BEFORE_REQUEST)
    if isinstance(exc, NetworkError):
        if isinstance(cause, TRANSPORT_ERRORS):
            return isinstance(cause, BEFORE_REQUEST)
        return True  # Telegram (or a proxy) answered 5xx: the request was refused whole
    return False


def _retry_after(exc: RetryAfter) -> float:
    """Seconds Telegram asked to wait (PTB is moving this attribute to a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


async def send_with_retries(
    send: Callable[[], Awaitable[Message | object]],
    *,
    attempts: int = 5,
    backoff: float = 0.5,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Result:
    """Call ``send`` until it succeeds, cannot be retried safely, or attempts run out."""
    delay = backoff
    for attempt in range(1, attempts + 1):
        try:
            message = await send()  # a Message; an edit may answer True
            return Result(SendOutcome.SENT, getattr(message, "message_id", None))
        except Forbidden as exc:
            return Result(SendOutcome.BLOCKED, reason=str(exc)[:64])
        except BadRequest as exc:
            return Result(SendOutcome.FAILED, reason=str(exc)[:64])
        except (NetworkError, RetryAfter) as exc:
            if not retryable(exc):
                return Result(SendOutcome.UNCERTAIN, reason=type(exc).__name__)
            if attempt == attempts:
                return Result(SendOutcome.FAILED, reason=f"gave up: {type(exc).__name__}")
            seconds = _retry_after(exc) if isinstance(exc, RetryAfter) else delay
            log.info("send failed (%s); retrying in %.1f s", type(exc).__name__, seconds)
            await sleep(seconds)
            delay *= 2
        except TelegramError as exc:
            # An answer PTB could not read ("Invalid server response"): the request reached
            # Telegram and may have been carried out, so it is never sent again.
            return Result(SendOutcome.UNCERTAIN, reason=str(exc)[:64])
    return Result(SendOutcome.FAILED, reason="no attempt made")  # pragma: no cover
