"""The yardstick: a bare python-telegram-bot bot on the same fake Bot API server.

It answers any message with one ``sendMessage`` carrying one button, and each button press
with one ``sendMessage`` (no answerCallbackQuery, no database): the least a PTB bot can do
per update, over PTB's default transport (httpx) with the pool size Back Coach uses and the
same 64 concurrent updates. Back Coach sends over its own aiohttp transport; the ratio
counts that choice as part of what Back Coach costs. ``aiohttp=True`` builds the same bot over
Back Coach's transport, the yardstick for Back Coach's own work alone.

In process: ``async with bare_bot(emu): ...``. As a process (for start-up and memory):
``BARE_TOKEN=… BARE_BASE_URL=… python bench/baseline.py`` polls until SIGTERM.

``bare_webhook_bot`` is the same bot taking its updates from a webhook: PTB's custom-webhook
example (a Starlette route served by uvicorn in the bot's loop) checking the secret, parsing
the update, putting it in the application's queue and answering 200 at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import os
import secrets
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, MessageHandler
from telegram.ext import filters as ptb_filters
from telegram.request import HTTPXRequest

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("3", callback_data="3")]])


async def _message(update: Update, _ctx: Any) -> None:
    assert update.effective_chat is not None
    await update.get_bot().send_message(update.effective_chat.id, "ok", reply_markup=KEYBOARD)


async def _press(update: Update, _ctx: Any) -> None:
    assert update.effective_chat is not None
    await update.get_bot().send_message(update.effective_chat.id, "pressed")


def build(
    token: str, base_url: str, *, aiohttp: bool = False
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bare bot: two handlers, no rate limiter, no dispatcher; over PTB's default
    transport, or with ``aiohttp`` over Back Coach's."""
    transport: Any = HTTPXRequest
    if aiohttp:  # imported only then: the bare process's memory is PTB's alone
        from conversations.transport import AiohttpRequest

        transport = AiohttpRequest
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .request(transport(connection_pool_size=256))
        .get_updates_request(transport(connection_pool_size=1, read_timeout=11))
        .concurrent_updates(64)
        .job_queue(None)
        .build()
    )
    app.add_handler(MessageHandler(ptb_filters.ALL, _message))
    app.add_handler(CallbackQueryHandler(_press))
    return app


@contextlib.asynccontextmanager
async def bare_bot(token: str, base_url: str, *, aiohttp: bool = False) -> AsyncIterator[Any]:
    """The bare bot polling ``base_url`` in this process."""
    app = build(token, base_url, aiohttp=aiohttp)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


@contextlib.asynccontextmanager
async def bare_webhook_bot(token: str, base_url: str) -> AsyncIterator[tuple[int, str]]:
    """The bare bot answering posts to ``/hook`` on a free port of 127.0.0.1; yields
    (port, secret)."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    app = build(token, base_url)
    secret = secrets.token_urlsafe(32)

    async def hook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, secret.encode()):
            return Response(status_code=403)
        await app.update_queue.put(Update.de_json(json.loads(await request.body()), app.bot))
        return Response()

    sock = socket.create_server(("127.0.0.1", 0))
    config = uvicorn.Config(
        Starlette(routes=[Route("/hook", hook, methods=["POST"])]),
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
    async with app:
        await app.start()
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:  # noqa: ASYNC110 - uvicorn sets a flag, no event
            await asyncio.sleep(0.01)
        try:
            yield sock.getsockname()[1], secret
        finally:
            server.should_exit = True
            await serving
            sock.close()
            await app.stop()


async def _serve() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with bare_bot(os.environ["BARE_TOKEN"], os.environ["BARE_BASE_URL"]):
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(_serve())
