"""A console chat: a person types in a terminal, the real bot answers through the emulator.

The console is a thin client of the emulator: it turns typed lines into updates and prints
the bot's messages. Inline buttons are shown numbered; typing a number presses one. Photos
and documents are saved to a folder and their paths printed. Lines starting with ``:`` are
the console's own commands (``:next-day``, ``:help``, ``:quit``).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from emulator.emulator import BotApiEmulator
from emulator.models import SentMessage

USER_ID = 1
HELP = """\
Type messages and commands as in Telegram (/start to begin, /help for the bot's commands).
Buttons are numbered: type a number to press one (a button labelled with a number, like
the pain scale, is pressed by typing that number).
  :next-day   move the coach's clock to the next morning and run the reminders
  :help       this text
  :quit       leave (Ctrl-D works too)"""


@dataclass
class Console:
    """The terminal side of a chat with the bot."""

    emu: BotApiEmulator
    files: Path
    next_day: Callable[[], Awaitable[str]]
    out: TextIO = sys.stdout
    user_id: int = USER_ID
    _printed: int = 0
    _edits: int = 0
    _saved: dict[str, Path] = field(default_factory=dict)
    _shown: dict[int, str | None] = field(default_factory=dict)  # message id → text printed

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def show_replies(self) -> None:
        """Print the bot's messages (and edits of them) as they arrive, forever."""
        while True:
            messages = self.emu.sent(self.user_id)
            for message in messages[self._printed :]:
                self._print(message)
            self._printed = len(messages)
            edits = [e for e in self.emu.edits if e.chat_id == self.user_id]
            for edit in edits[self._edits :]:
                edited = self.emu.find(self.user_id, edit.message_id)
                if edited is not None:
                    self._print(edited, edited=True)
            self._edits = len(edits)
            with contextlib.suppress(TimeoutError):
                await self.emu.wait_until(
                    lambda: self._changed() or None, 3600, lambda: "no change"
                )

    def _changed(self) -> bool:
        edits = sum(1 for e in self.emu.edits if e.chat_id == self.user_id)
        return len(self.emu.sent(self.user_id)) > self._printed or edits > self._edits

    def _print(self, message: SentMessage, *, edited: bool = False) -> None:
        if edited and not message.buttons and self._shown.get(message.message_id) == message.text:
            return  # an answered question lost its buttons: nothing new to read
        self._shown[message.message_id] = message.text
        head = "Back Coach (updated):" if edited else "Back Coach:"
        if message.kind in ("photo", "document"):
            path = self._save(message)
            self.say(f"{head} [{message.kind} saved to {path}]")
        if message.text:
            self.say(f"{head} {message.text}" if message.kind == "text" else message.text)
        buttons = [str(b.get("text")) for b in message.buttons]
        if buttons:
            self.say("   " + "   ".join(f"[{n}] {label}" for n, label in enumerate(buttons, 1)))
        self.say("")

    def _save(self, message: SentMessage) -> Path:
        key = f"{message.message_id}"
        if key not in self._saved:
            self.files.mkdir(parents=True, exist_ok=True)
            if message.kind == "photo":  # Telegram shows photos, not files: name it by its kind
                name = "photo.png"
            else:
                name = Path(message.filename or "document").name
            path = self.files / f"{message.message_id:04d}-{name}"
            path.write_bytes(message.file or b"")
            self._saved[key] = path.resolve()
        return self._saved[key]

    def press(self, typed: int) -> bool:
        """Press a button of the newest message that has buttons; False if there is none."""
        for message in reversed(self.emu.sent(self.user_id)):
            buttons = message.buttons
            if not buttons:
                continue
            by_label = [b for b in buttons if str(b.get("text")) == str(typed)]
            if by_label:
                chosen = by_label[0]
            elif 1 <= typed <= len(buttons):
                chosen = buttons[typed - 1]
            else:
                return False
            self.say(f"(you pressed: {chosen.get('text')})")
            self.emu.press_button(self.user_id, message.message_id, str(chosen["callback_data"]))
            return True
        return False

    async def handle(self, line: str) -> bool:
        """One typed line; False when the person wants to leave."""
        text = line.strip()
        if not text:
            return True
        if text in (":quit", ":exit", ":q"):
            return False
        if text == ":help":
            self.say(HELP)
        elif text == ":next-day":
            self.say(await self.next_day())
        elif text.startswith(":"):
            self.say("Unknown console command. :help lists them.")
        elif text.isdigit() and self.press(int(text)):
            pass
        else:
            self.emu.send_text(self.user_id, text)
        return True

    async def run(self, read_line: Callable[[], Awaitable[str]]) -> None:
        """Read lines until :quit or end of input, printing replies meanwhile."""
        self.say(HELP)
        self.say("")
        printer = asyncio.create_task(self.show_replies())
        try:
            while True:
                line = await read_line()
                if not line:  # end of input
                    break
                if not await self.handle(line):
                    break
                await asyncio.sleep(0)
            await asyncio.sleep(0.3)  # let the last replies print before leaving
        finally:
            printer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await printer
