"""A first shared location in a fresh interpreter, reporting whether the bot's process
loaded the zones' outlines (tzfpy).

Run by tests/test_location_elsewhere.py as ``python -m tests.first_location``: only a
process that has not imported tzfpy yet can show whether it does. Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

CHAT = 4343


async def first_location(folder: Path) -> dict[str, Any]:
    from bootstrap import build_application
    from coach.model import Person
    from coach.program import default_program
    from conversations.rendering import RENDERER
    from emulator import BotApiEmulator
    from services.clock import ManualClock
    from services.steps import Step
    from storage.unit_of_work import open_store

    now = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    store = await open_store(f"sqlite+aiosqlite:///{folder / 'coach.sqlite3'}")
    async with store.unit() as uow:
        person = Person(CHAT, now - timedelta(minutes=5), "UTC", time(8), step=Step.TIMEZONE)
        await uow.people.add(person)
        await uow.commit()
    async with BotApiEmulator() as emu:
        app: Any = build_application(
            emu.token,
            emu.base_url,
            store,
            ManualClock(now),
            default_program(),
            poll_timeout=1,
            dispatch_every=None,
        )
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)
            before = "tzfpy" in sys.modules
            emu.share_location(CHAT, 52.52, 13.40)  # Berlin
            reply = await emu.wait_for(CHAT, lambda m: "Berlin" in (m.text or ""), timeout=60)
            await app.updater.stop()
            await app.stop()
    RENDERER.close()
    async with store.unit() as uow:
        saved = await uow.people.get(CHAT)
    await store.close()
    return {
        "loaded_before": before,
        "loaded_after": "tzfpy" in sys.modules,
        "reply": reply.text,
        "zone": saved.timezone if saved is not None else None,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(asyncio.run(first_location(Path(folder)))))


if __name__ == "__main__":
    main()
