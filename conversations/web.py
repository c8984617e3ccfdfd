"""The bot's HTTP side: Telegram's webhook, ``GET /healthz`` and ``GET /metrics``.

PTB's custom-webhook pattern: a Starlette app served by uvicorn inside the bot's own event
loop hands each update Telegram posts to the application's update processor, the path a
polled one takes, and answers once it was handled. Several workers behind a load balancer
share one PostgreSQL: an update posted twice is handled once (``services.updates``), and a
person's units of work never interleave (their lock, ``storage.coordination``).

A post is accepted only with the secret given to ``setWebhook`` in its
``X-Telegram-Bot-Api-Secret-Token`` header (403 otherwise: nothing read, stored or
handled); a body that is no update is a 400, logged without its content. In polling mode
the same health and metrics routes can be served alone, on 127.0.0.1 by default.
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
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from conversations.health import CHECK_TIMEOUT, Monitor
from services import updates

log = logging.getLogger(__name__)

# The update types the handlers handle (conversations/app.py); Telegram posts no others.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram accepts 1-256 of these characters; fewer than 32 is too easy to guess.
SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
MIN_SECRET = 32
MIN_DISTINCT = 8  # "aaaa…" is no secret however long
WEBHOOK_PORTS = (80, 88, 443, 8443)  # the ports Telegram posts to
# An update is a few kilobytes; a larger body is no update.
MAX_BODY = 1 << 20
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
    if webhook is not None:
        routes.insert(0, Route(webhook.path, _receiver(app, webhook.secret), methods=["POST"]))
    return Starlette(routes=routes)


def _receiver(app: Any, secret: str) -> Any:
    """The webhook endpoint: check the secret, parse the update, queue it."""
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        # Starlette decodes headers as latin-1: encoding back gives the bytes that came,
        # and compare_digest on bytes never raises on a non-ASCII value.
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, expected):
            log.warning("a webhook post without the right secret was refused")
            return PlainTextResponse("Forbidden", status_code=403)
        update = _parse(app, await request.body())
        if update is None:
            return PlainTextResponse("Bad Request", status_code=400)
        try:
            taken = await updates.take_in(app.deps, update.update_id)
        except SQLAlchemyError as exc:  # Telegram posts it again later
            log.error("could not record a webhook update (%s)", type(exc).__name__)
            return PlainTextResponse("Service Unavailable", status_code=503)
        if taken is updates.Taken.DONE:
            log.info("update %d was handled before; not handled twice", update.update_id)
            return Response(status_code=200)
        if taken is updates.Taken.BUSY:  # Telegram posts it again after a while
            log.info("update %d is being handled by another worker", update.update_id)
            return PlainTextResponse("Being handled", status_code=503)
        # Handled before the answer, through the application's update processor (one
        # person's updates in order, a slot each): Telegram sends a chat's next update only
        # after this one is answered, so a person's updates stay in order even when a load
        # balancer hands them to different workers.
        await app.update_processor.process_update(update, app.process_update(update))
        try:
            await updates.finish(app.deps, update.update_id)
        except SQLAlchemyError as exc:  # handled all the same: a copy would wait, then go
            log.error("could not mark a webhook update handled (%s)", type(exc).__name__)
        return Response(status_code=200)

    return receive


def _parse(app: Any, body: bytes) -> Update | None:
    """The update in ``body``, or None (logged with the reason, never the content)."""
    try:
        if len(body) > MAX_BODY:
            raise ValueError(f"{len(body)} bytes")
        data = json.loads(body)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise ValueError("no update_id")
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

    def __init__(self, asgi: Starlette, host: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.create_server((host, port), family=family)
        self.host, self.port = host, self._socket.getsockname()[1]
        config = uvicorn.Config(
            asgi, log_config=None, access_log=False, lifespan="off", timeout_graceful_shutdown=5
        )
        self._server = Server(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Serve, once uvicorn says it is listening."""
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        while not self._server.started:
            if self._task.done():
                await self._task  # its exception, if it failed
                raise RuntimeError("the web server stopped while starting")
            await asyncio.sleep(0.01)
        log.info("serving HTTP on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        """Finish the requests under way and close."""
        if self._task is not None:
            self._server.should_exit = True
            await self._task
            self._task = None
        self._socket.close()
