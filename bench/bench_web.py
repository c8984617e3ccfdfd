"""The webhook and the metrics: what they cost per update.

1. Counting: the update processor alone (PerPersonProcessor) against it wrapped in
   ``Metrics.timed`` (timing, the counters and histogram, the events log line), over a no-op
   update, in microseconds per update.
2. End to end, against the emulator on 127.0.0.1: N people each send /help, taken by
   polling, then posted to the webhook with the secret (16 posts at a time, as Telegram
   keeps several connections open), with the rate limiter off (it holds both at ~30/s);
   updates per second until every answer arrived, and
   the webhook's answer time to Telegram (p50 / p99).

    .venv/bin/python bench/bench_web.py [people]
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bootstrap import build_application
from coach.program import default_program
from conversations.app import PerPersonProcessor
from conversations.health import monitor_of
from conversations.metrics import Metrics
from conversations.web import SECRET_HEADER, Webhook, WebServer, set_webhook, web_app
from emulator import BotApiEmulator
from services.clock import ManualClock
from storage.unit_of_work import open_store

ROUNDS = 20_000
CONCURRENT_POSTS = 16


async def _noop() -> None:
    return None


async def per_update_overhead() -> None:
    """Microseconds per update through the processor, bare and observed."""
    logging.getLogger("backcoach.events").setLevel(logging.WARNING)  # the default, text
    for name, processor in (
        ("PerPersonProcessor", PerPersonProcessor()),
        ("PerPersonProcessor, timed", PerPersonProcessor(observe=Metrics().timed)),
    ):
        start = time.perf_counter()
        for _ in range(ROUNDS):
            await processor.process_update(object(), _noop())
        micros = (time.perf_counter() - start) / ROUNDS * 1e6
        print(f"  {name:30s} {micros:6.1f} µs per update")


async def end_to_end(people: int, folder: Path, mode: str) -> None:
    """N /help updates by polling or by the webhook; updates/s until all were answered."""
    store = await open_store(f"sqlite+aiosqlite:///{folder / f'{mode}.sqlite3'}")
    clock = ManualClock(datetime(2026, 3, 2, 8, tzinfo=UTC))
    async with BotApiEmulator(flood_control=False) as emu:
        app: Any = build_application(
            emu.token,
            emu.base_url,
            store,
            clock,
            default_program(),
            dispatch_every=None,
            rate_limit=False,  # measure the code, not Telegram's 30 messages/s
        )
        secret = secrets.token_urlsafe(32)
        webhook = Webhook("https://coach.example.org/hook", secret)
        async with app:
            await app.start()
            server = None
            if mode == "polling":
                await app.updater.start_polling(poll_interval=0, timeout=1)
            else:
                await set_webhook(app, webhook)
                server = WebServer(web_app(app, monitor_of(app), webhook), "127.0.0.1", 0)
                await server.start()
            updates = [emu.send_text(chat, "/help") for chat in range(1, people + 1)]
            if mode == "webhook":
                emu.updates.drop_pending()  # Telegram posts them instead
            answers: list[float] = []
            start = time.perf_counter()
            if server is not None:
                await _post_all(server.port, secret, updates, answers)
            await emu.wait_until(
                lambda: all(emu.sent(chat) for chat in range(1, people + 1)) or None, 600
            )
            elapsed = time.perf_counter() - start
            line = f"  {mode:8s} {people} updates in {elapsed:5.2f} s: {people / elapsed:6.0f}/s"
            if answers:
                p50 = statistics.median(answers) * 1000
                p99 = statistics.quantiles(answers, n=100)[98] * 1000
                line += f"; webhook answers Telegram in p50 {p50:.1f} ms, p99 {p99:.1f} ms"
            print(line)
            if server is not None:
                await server.stop()
            if app.updater.running:
                await app.updater.stop()
            await app.stop()
    await store.close()


async def _post_all(port: int, secret: str, updates: list[Any], answers: list[float]) -> None:
    queue = list(reversed(updates))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:

        async def poster() -> None:
            while queue:
                update = queue.pop()
                sent = time.perf_counter()
                response = await http.post("/hook", json=update, headers={SECRET_HEADER: secret})
                answers.append(time.perf_counter() - sent)
                assert response.status_code == 200

        await asyncio.gather(*(poster() for _ in range(CONCURRENT_POSTS)))


async def main(people: int) -> None:
    print("Per update, the processor (no handler):")
    await per_update_overhead()
    print(f"End to end, {people} people each send /help:")
    with tempfile.TemporaryDirectory() as folder:
        for mode in ("polling", "webhook"):
            await end_to_end(people, Path(folder), mode)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
