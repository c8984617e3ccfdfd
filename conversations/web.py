"""The bot's HTTP side: Telegram's webhook, ``GET /healthz`` and ``GET /metrics``.

PTB's custom-webhook pattern: a Starlette app served by uvicorn inside the bot's own event
loop takes each update Telegram posts into the inbox shared by every worker, answers 200 as
soon as it is taken in, and then hands it to the application's update processor, the path a
polled one takes (``conversations.web_intake``). Several workers behind a load balancer share
one PostgreSQL: an update posted twice is handled once, one whose worker died after its answer
is handled by another (``services.updates``), a chat's updates are handled in turn, and a
person's units of work never interleave (their lock, ``storage.coordination``).

A post is accepted only with the secret given to ``setWebhook`` in its
``X-Telegram-Bot-Api-Secret-Token`` header (403 otherwise: nothing parsed, stored or
handled); a body over MAX_BODY is a 413 (refused by its Content-Length before it is read,
or once the limit is passed when it comes in chunks); a body that is no update (or whose
update_id cannot be stored) is a 400, logged without its content. Slow and excess
connections are closed (``conversations.web_guard``). In polling mode the same health and
metrics routes can be served alone, on 127.0.0.1 by default.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from conversations.app import ALLOWED_UPDATES
from conversations.health import CHECK_TIMEOUT, Monitor
from conversations.web_guard import Guard, Limits
from conversations.web_intake import Intake
from services import updates

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram accepts 1-256 of these characters; fewer than 32 is too easy to guess.
SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
MIN_SECRET = 32
MIN_DISTINCT = 8  # "aaaa…" is no secret however long
WEBHOOK_PORTS = (80, 88, 443, 8443)  # the ports Telegram posts to
# An update is a few kilobytes; a larger body is no update.
MAX_BODY = 1 << 20
# Update ids are stored as signed 64-bit integers (as Telegram's own are).
MAX_UPDATE_ID = (1 << 63) - 1
# Connections the kernel holds for the server before it accepts them (uvicorn's default).
LISTEN_QUEUE = 2048
MAKE_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
# The placeholder of deploy/env.example: copied unchanged, it is a secret everyone who has
# read the repository knows (tests/test_deploy_files.py keeps the two in step).
EXAMPLE_SECRETS = frozenset({"replace-with-a-long-random-string"})


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts (the public URL; its path is served here) and the secret."""

    url: str
    secret: str

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


def secret_problem(secret: str | None) -> str | None:
    """Why ``secret`` cannot be the webhook's secret, or None."""
    if not secret:
        return f"WEBHOOK_SECRET is not set; make one with: {MAKE_SECRET}"
    if not SECRET.fullmatch(secret):
        return (
            "WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - and at most 256 characters "
            "(Telegram's rule)"
        )
    if secret in EXAMPLE_SECRETS:
        return (
            "WEBHOOK_SECRET is still the example's placeholder (deploy/env.example), which "
            f"anyone can read; make a real one with: {MAKE_SECRET}"
        )
    if len(secret) < MIN_SECRET or len(set(secret)) < MIN_DISTINCT:
        return (
            f"WEBHOOK_SECRET is too weak: use at least {MIN_SECRET} random characters, "
            f"e.g. from: {MAKE_SECRET}"
        )
    return None


def url_problem(url: str) -> str | None:
    """Why Telegram would refuse ``url`` as a webhook, or None."""
    try:
        parsed = urlsplit(url)
        port = parsed.port or 443
    except ValueError:
        return "WEBHOOK_URL is not a URL"
    if parsed.scheme != "https" or not parsed.hostname:
        return "WEBHOOK_URL must be an https:// URL (Telegram posts only over HTTPS)"
    if port not in WEBHOOK_PORTS:
        return "WEBHOOK_URL's port must be 443, 80, 88 or 8443 (Telegram posts to no other)"
    return None


def webhook_problems(url: str | None, secret: str | None) -> list[str]:
    """What is wrong with the webhook settings (nothing when the webhook is off)."""
    if not url:
        return []
    return [p for p in (url_problem(url), secret_problem(secret)) if p is not None]


async def set_webhook(app: Any, webhook: Webhook) -> None:
    """Ask Telegram to post updates, with the secret, of the kinds the bot handles."""
    await app.bot.set_webhook(
        webhook.url, secret_token=webhook.secret, allowed_updates=list(ALLOWED_UPDATES)
    )


def web_app(app: Any, monitor: Monitor, webhook: Webhook | None = None) -> Starlette:
    """The routes: the webhook's path (if any), /healthz and /metrics."""

    async def healthz(request: Request) -> Response:
        health = await monitor.check()
        return JSONResponse(health.to_json(), status_code=200 if health.ok else 503)

    async def metrics(request: Request) -> Response:
        try:
            await asyncio.wait_for(monitor.queue_depth(), CHECK_TIMEOUT)
        except Exception as exc:  # the figures still answer, with the last queue depth
            log.warning("counting the reminder queue failed (%s)", type(exc).__name__)
        body = generate_latest(monitor.metrics.registry)
        return Response(body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
    intake = None
    if webhook is not None:
        intake = Intake(app)
        routes.insert(
            0, Route(webhook.path, _receiver(app, intake, webhook.secret), methods=["POST"])
        )
    web = Starlette(routes=routes)
    web.state.intake = intake  # started and stopped with the server
    return web


def _receiver(app: Any, intake: Intake, secret: str) -> Any:
    """The webhook endpoint: check the secret, parse the update, take it in."""
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        # Starlette decodes headers as latin-1: encoding back gives the bytes that came,
        # and compare_digest on bytes never raises on a non-ASCII value.
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, expected):
            log.warning("a webhook post without the right secret was refused")
            # The body is read (no further than MAX_BODY, as slowly as the guard allows) and
            # dropped unparsed: closing with it unread would reset the connection before the
            # client could read its 403.
            await _body(request)
            return PlainTextResponse("Forbidden", status_code=403, headers={"Connection": "close"})
        body = await _body(request)
        if isinstance(body, Response):
            return body
        update = _parse(app, body)
        if update is None:
            return PlainTextResponse("Bad Request", status_code=400)
        try:
            taken = await intake.take(update, body)
        except SQLAlchemyError as exc:  # Telegram posts it again later
            log.error("could not record a webhook update (%s)", type(exc).__name__)
            return PlainTextResponse("Service Unavailable", status_code=503)
        if taken is updates.Taken.DONE:
            log.info("update %d was handled before; not handled twice", update.update_id)
        elif taken is updates.Taken.HELD:
            log.info("update %d is held by a worker that handles it", update.update_id)
        elif taken is updates.Taken.BUSY:  # Telegram posts it again after a while
            log.info("update %d is being handled by another worker", update.update_id)
            return PlainTextResponse("Being handled", status_code=503)
        # Taken in (committed with its content): answered now, handled after the answer.
        return Response(status_code=200)

    return receive


class TooLarge(Exception):
    """A body past MAX_BODY: refused, and no more of it is read."""


async def _body(request: Request) -> bytes | Response:
    """The request's body, read no further than MAX_BODY; or the answer when it is too
    large (413, by its Content-Length before a byte is read), or when it is no body."""
    length = request.headers.get("content-length")
    try:
        if length is not None and int(length) > MAX_BODY:
            raise TooLarge
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                raise TooLarge
            chunks.append(chunk)
    except TooLarge:
        log.warning("a webhook post larger than %d bytes was refused", MAX_BODY)
        # Closing the connection: what the client still sends is never read.
        return PlainTextResponse(
            "Content Too Large", status_code=413, headers={"Connection": "close"}
        )
    except ValueError:  # a Content-Length that is no number
        log.warning("a webhook post with a malformed Content-Length was refused")
        return PlainTextResponse("Bad Request", status_code=400, headers={"Connection": "close"})
    except ClientDisconnect:  # gone (or closed for being too slow): nobody reads an answer
        return Response(status_code=400)
    return b"".join(chunks)


def _parse(app: Any, body: bytes) -> Update | None:
    """The update in ``body`` (UTF-8, as Telegram sends it, and so stored until handled),
    or None (logged with the reason, never the content)."""
    try:
        data = json.loads(body.decode())
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise ValueError("no update_id")
        if not 0 <= data["update_id"] <= MAX_UPDATE_ID:
            raise ValueError("update_id out of range")
        return Update.de_json(data, app.bot)
    except Exception as exc:  # whatever the body made the parser raise
        log.warning("a webhook post was no update (%s); ignored", type(exc).__name__)
        return None


class Server(uvicorn.Server):
    """uvicorn inside the bot's loop: bot.py owns the signals, so uvicorn takes none."""

    def capture_signals(self) -> Any:
        return contextlib.nullcontext()


class WebServer:
    """A running HTTP server on a socket bound before it starts (so a busy port is an
    error at once, and port 0 picks a free one: see ``port``)."""

    def __init__(self, asgi: Starlette, host: str, port: int, limits: Limits | None = None) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.create_server((host, port), family=family)
        self.host, self.port = host, self._socket.getsockname()[1]
        self.guard = Guard(limits or Limits())
        config = uvicorn.Config(
            asgi,
            log_config=None,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=5,
            **self.guard.uvicorn_options(),
        )
        self._server = Server(config)
        self._task: asyncio.Task[None] | None = None
        self.intake: Intake | None = getattr(asgi.state, "intake", None)

    async def start(self) -> None:
        """Serve, once uvicorn says it is listening."""
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        while not self._server.started:
            if self._task.done():
                await self._task  # its exception, if it failed
                raise RuntimeError("the web server stopped while starting")
            await asyncio.sleep(0.01)
        # The loop accepts only the guard's small backlog at a time; the kernel's queue of
        # connections not yet accepted stays long, so a burst waits there instead of being
        # dropped (a dropped connection is tried again only a second later).
        self._socket.listen(LISTEN_QUEUE)
        if self.intake is not None:
            await self.intake.start()
        log.info("serving HTTP on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        """Finish the requests under way, close, then let the updates taken in finish."""
        if self._task is not None:
            self._server.should_exit = True
            await self._task
            self._task = None
        self._socket.close()
        if self.intake is not None:
            await self.intake.stop()
