"""A first /progress in a fresh interpreter, reporting which thread imported the drawing
libraries (Pillow, fpdf2).

Run by tests/progress/test_chart_off_the_loop.py as ``python -m tests.progress.first_progress``:
only a process that has not imported them yet can show where the import happens.
Prints one JSON object: the thread that imported one of them and the event loop's thread.
"""

from __future__ import annotations

import asyncio
import importlib.abc
import json
import sys
import tempfile
import threading
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

CHAT = 4242
DRAWING = ("PIL", "fpdf")  # what draws charts, reports and the moves
imported_on: list[str] = []


class _Watch(importlib.abc.MetaPathFinder):
    """Notes the thread of the first import of a drawing library; finds nothing itself."""

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name in DRAWING and not imported_on:
            imported_on.append(threading.current_thread().name)


async def first_progress(folder: Path) -> dict[str, Any]:
    from bootstrap import build_application
    from coach.model import Person
    from coach.program import default_program
    from emulator import BotApiEmulator
    from services.clock import ManualClock
    from storage.unit_of_work import open_store

    now = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    store = await open_store(f"sqlite+aiosqlite:///{folder / 'coach.sqlite3'}")
    async with store.unit() as uow:
        person = Person(CHAT, now - timedelta(days=10), "Europe/Berlin", time(8), registered=True)
        await uow.people.add(person)
        for back in range(5, 0, -1):
            await uow.ratings.set(CHAT, (now - timedelta(days=back)).date(), back, now)
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
            before = any(name in sys.modules for name in DRAWING)
            emu.send_text(CHAT, "/progress")
            sent = await emu.wait_for(CHAT, lambda m: m.kind == "photo", timeout=60)
            await app.updater.stop()
            await app.stop()
    await store.close()
    return {
        "loaded_before": before,
        "imported_on": imported_on[0] if imported_on else None,
        "loop_thread": threading.current_thread().name,
        "photo": sent.file is not None and sent.file.startswith(b"\x89PNG"),
    }


def main() -> None:
    sys.meta_path.insert(0, _Watch())
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(asyncio.run(first_progress(Path(folder)))))


if __name__ == "__main__":
    main()
