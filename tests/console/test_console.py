"""The console chat, driven as a person would: a subprocess, typed lines, printed replies."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0


class Terminal:
    """``python bot.py --console`` with a pipe for stdin and everything it prints."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.screen = ""
        self.read_upto = 0

    async def expect(self, fragment: str, since: int | None = None) -> str:
        """Wait until ``fragment`` is printed after the last thing expected (or ``since``)."""
        if since is not None:
            self.read_upto = since
        assert self.proc.stdout is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while fragment not in self.screen[self.read_upto :]:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"never printed {fragment!r}; screen:\n{self.screen[-3000:]}")
            try:
                chunk = await asyncio.wait_for(self.proc.stdout.read(4096), remaining)
            except TimeoutError:
                continue
            if not chunk:
                raise AssertionError(f"the console ended; screen:\n{self.screen[-3000:]}")
            self.screen += chunk.decode()
        found = self.screen.index(fragment, self.read_upto)
        shown = self.screen[self.read_upto : found + len(fragment)]
        self.read_upto = found + len(fragment)
        return shown

    async def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{line}\n".encode())
        await self.proc.stdin.drain()


async def open_console(tmp_path: Path, *extra: str) -> Terminal:
    """The console on the test's database (the same one each time it is opened)."""
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "--console",
        "--date",
        "2026-03-02",
        "--database",
        str(tmp_path / "console" / "chat.sqlite3"),
        *extra,
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    return Terminal(proc)


async def close(terminal: Terminal) -> None:
    if terminal.proc.returncode is None:
        terminal.proc.kill()
        await terminal.proc.wait()


@pytest.fixture
async def terminal(tmp_path: Path):  # type: ignore[no-untyped-def]
    opened = await open_console(tmp_path)
    yield opened
    await close(opened)


async def test_a_person_onboards_checks_in_and_walks_into_the_next_morning(
    terminal: Terminal, tmp_path: Path
) -> None:
    await terminal.expect(":next-day")
    await terminal.type("/start")
    consent = await terminal.expect("[2] No thanks")
    assert "[1] I agree" in consent
    await terminal.type("1")
    await terminal.expect("(you pressed: I agree)")
    await terminal.expect("Which time zone")
    await terminal.type("Berlin")
    await terminal.expect("Time zone set: Europe/Berlin")
    await terminal.expect("[5] None of these")  # screening: one question with toggles
    await terminal.type("5")
    for _group in range(3):  # the three red-flag tiers
        await terminal.expect("[2] No")
        await terminal.type("2")
    await terminal.expect("[2] 08:00")
    await terminal.type("2")
    await terminal.expect("[8] Done")  # equipment: a toggle per item, then Done
    await terminal.type("1")  # a pull-up bar
    await terminal.expect("☑️ pull-up bar")
    await terminal.type("8")
    await terminal.expect("[1] 2 a day")
    await terminal.type("1")
    pain = await terminal.expect("[11] 10")
    assert "How does your back feel" in pain
    await terminal.type("4")  # the button labelled 4
    plan = await terminal.expect("Today's plan")
    plan += await terminal.expect("[3] ❓")
    assert "Bar Hang" in plan and "[1] ✅ Bar Hang" in plan
    await terminal.type("1")
    await terminal.expect("(pop-up: Nice work: Bar Hang done.)")
    await terminal.expect("✔️ Bar Hang")
    await terminal.type("3")  # How? on the bar hang: its drawing is saved, then the text
    saved = await terminal.expect(".gif]")
    gif = await asyncio.to_thread(
        Path(saved.rsplit("saved to ", 1)[1].removesuffix("]")).read_bytes
    )
    assert gif[:4] == b"GIF8"
    await terminal.expect("How to do the Bar Hang")

    mark = len(terminal.screen)
    await terminal.type(":next-day")
    await terminal.expect("the clock is now Tue 3 Mar 08:00 in Europe/Berlin")
    hang = await terminal.expect("Bar hang time", since=mark)  # yesterday's 18:30 hang
    hang_number = re.findall(r"\[(\d+)\] Back Coach", hang)[-1]
    await terminal.expect("Good morning! How does your back feel today?")
    await terminal.type("3")
    await terminal.expect("Today's plan")
    await terminal.type(f"{hang_number}.1")  # Done, on yesterday's reminder, by its number
    await terminal.expect("(you pressed: ✅ Done")
    await terminal.expect("(alert: That button is from Mon 2 Mar")  # pop-ups are printed

    await terminal.type("/progress")
    saved = await terminal.expect(".png]")
    path = Path(saved.rsplit("saved to ", 1)[1].removesuffix("]"))
    png = await asyncio.to_thread(path.read_bytes)  # a missing file fails here
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.is_relative_to(tmp_path / "console")
    await terminal.type(":quit")
    assert await asyncio.wait_for(terminal.proc.wait(), WAIT) == 0


async def test_without_a_token_the_bot_explains_botfather_and_points_to_the_console(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await asyncio.wait_for(proc.communicate(), WAIT)
    assert proc.returncode == 2
    assert b"@BotFather" in err
    assert b"\n    make console\n" in err  # the command that works from a fresh clone


async def test_a_button_of_an_older_message_is_pressed_by_message_and_button_number(
    terminal: Terminal,
) -> None:
    await terminal.expect(":next-day")
    await terminal.type("/start")
    consent = await terminal.expect("[2] No thanks")
    assert "[2] Back Coach: To coach you I store" in consent  # messages are numbered
    await terminal.type("/deletedata")
    await terminal.expect("[2] No, keep my data")

    await terminal.type("9.1")
    await terminal.expect("(there is no message 9")
    await terminal.type("1.1")
    await terminal.expect("(message 1 has no buttons")
    await terminal.type("2.6")  # I agree, No thanks and the three languages
    await terminal.expect("(message 2 has buttons 1 to 5 only")
    await terminal.type("/help")  # nothing was sent for the three above: /help answers next
    shown = await terminal.expect("Back Coach:")
    assert "[4] Back Coach:" in shown

    await terminal.type("2.2")  # No thanks, on the consent question, not the newest one
    await terminal.expect("(you pressed: No thanks)")
    await terminal.type("2")  # a plain number still presses the newest message's button
    await terminal.expect("(you pressed: No, keep my data)")


async def test_a_number_that_is_no_button_is_sent_as_text(terminal: Terminal) -> None:
    await terminal.expect(":next-day")
    await terminal.type("7")  # no message has buttons yet
    await terminal.expect("(sent as text: 7)")
    await terminal.type("/start")
    await terminal.expect("[2] No thanks")
    await terminal.type("7")  # the newest message with buttons has two
    await terminal.expect("(sent as text: 7)")
    await terminal.type(":say 2")  # a number that names a button, sent as text all the same
    await terminal.expect("(sent as text: 2)")
    await terminal.type("1")
    await terminal.expect("(you pressed: I agree)")


async def test_the_clock_survives_a_restart(tmp_path: Path) -> None:
    first = await open_console(tmp_path)
    try:
        await first.expect("(the clock is now Mon 2 Mar 09:00 in UTC)")
        await first.type(":next-day")
        await first.expect("(the clock is now Tue 3 Mar 08:00 in UTC)")
        await first.type(":quit")
        assert await asyncio.wait_for(first.proc.wait(), WAIT) == 0
    finally:
        await close(first)
    again = await open_console(tmp_path)  # --date is only a new console's first day
    try:
        await again.expect("(the clock is now Tue 3 Mar 08:00 in UTC)")
        await again.type(":next-day")
        await again.expect("(the clock is now Wed 4 Mar 08:00 in UTC)")
        await again.type(":quit")
        assert await asyncio.wait_for(again.proc.wait(), WAIT) == 0
    finally:
        await close(again)


async def test_language_sets_the_app_language_and_at_moves_to_a_time_of_day(
    tmp_path: Path,
) -> None:
    terminal = await open_console(tmp_path, "--language", "es")
    try:
        await terminal.expect(":at 18:30")
        await terminal.expect("(the clock is now")
        await terminal.type("/start")
        await terminal.expect("te guía por la progresión")  # Spanish, from the app language
        await terminal.type(":at 18:30")
        await terminal.expect("Mon 2 Mar 18:30 in UTC)")  # the same day: 09:00 was the start
        await terminal.type(":at 07:05")
        await terminal.expect("Tue 3 Mar 07:05 in UTC)")  # past today: tomorrow morning
        await terminal.type(":at 25:00")
        await terminal.expect("(:at needs a time of day, like :at 18:30)")
        await terminal.type(":quit")
        assert await asyncio.wait_for(terminal.proc.wait(), WAIT) == 0
    finally:
        await close(terminal)
