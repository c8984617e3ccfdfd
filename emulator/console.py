"""A console chat: a person types in a terminal, the real bot answers through the emulator.

The console is a thin client of the emulator: it turns typed lines into updates and prints
the bot's messages, numbered ``[1]``, ``[2]``, … in the order they arrived, with their inline
buttons numbered under them. ``3`` presses button 3 of the newest message with buttons (a
number that is no button there is sent as text); ``2.3`` presses button 3 of message 2.
Pop-ups (answers to presses) are printed in brackets. Photos, animations (the moves'
drawings) and documents are saved to a folder and their paths printed. Lines starting with
``:`` are the console's own commands (``:say``, ``:next-day``, ``:at``, ``:help``,
``:quit``).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import TextIO

from emulator.emulator import BotApiEmulator
from emulator.models import SentMessage

USER_ID = 1
HELP = """\
Type messages and commands as in Telegram (/start to begin, /help for the bot's commands).
The bot's messages are numbered, like [2]; a message's buttons are numbered under it.
  3           press button 3 of the newest message with buttons (a button labelled 3,
              like 3 on the pain scale, first); if it has no such button, 3 is sent as text
  2.3         press button 3 of message 2 (never sent as text)
  :say 3      send 3 (or any text) as text, even if it names a button
  :next-day   move the coach's clock to 08:00 the next morning and run the reminders due
  :at 18:30   move the clock on to 18:30 (today, or tomorrow if it is past) and run the
              reminders due on the way
  :help       this text
  :quit       leave (Ctrl-D works too); the chat and its clock continue at the next start.
              To start over, quit and delete console-data/ (or your --database and the
              clock.txt next to it)."""
PRESS = re.compile(r"(\d+)\.(\d+)")


@dataclass
class Console:
    """The terminal side of a chat with the bot."""

    emu: BotApiEmulator
    files: Path
    next_day: Callable[[], Awaitable[str]]
    at: Callable[[time], Awaitable[str]] | None = None
    out: TextIO = sys.stdout
    user_id: int = USER_ID
    _printed: int = 0
    _edits: int = 0
    _answers: int = 0
    _saved: dict[str, Path] = field(default_factory=dict)
    _shown: dict[int, str | None] = field(default_factory=dict)  # message id → text printed

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def show_replies(self) -> None:
        """Print the bot's messages (and edits of them) as they arrive, forever."""
        while True:
            answers = self.emu.answered_callbacks
            for answer in answers[self._answers :]:
                if answer.text:
                    kind = "alert" if answer.show_alert else "pop-up"
                    self.say(f"({kind}: {answer.text})\n")
            self._answers = len(answers)
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
        return (
            len(self.emu.sent(self.user_id)) > self._printed
            or edits > self._edits
            or len(self.emu.answered_callbacks) > self._answers
        )

    def _print(self, message: SentMessage, *, edited: bool = False) -> None:
        if edited and not message.buttons and self._shown.get(message.message_id) == message.text:
            return  # an answered question lost its buttons: nothing new to read
        self._shown[message.message_id] = message.text
        number = f"[{self._number(message)}]"
        head = f"{number} Back Coach (updated):" if edited else f"{number} Back Coach:"
        if message.kind in ("photo", "document", "animation"):
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

    def _number(self, message: SentMessage) -> int:
        """The number the console shows beside a message: its place in the chat, from 1."""
        for place, sent in enumerate(self.emu.sent(self.user_id), 1):
            if sent.message_id == message.message_id:
                return place
        return 0

    @staticmethod
    def _button(message: SentMessage, typed: int) -> dict[str, object] | None:
        """The button ``typed`` names: the one labelled with that number, else the n-th."""
        buttons = message.buttons
        by_label = [b for b in buttons if str(b.get("text")) == str(typed)]
        if by_label:
            return by_label[0]
        if 1 <= typed <= len(buttons):
            return buttons[typed - 1]
        return None

    def _click(self, message: SentMessage, button: dict[str, object]) -> None:
        self.say(f"(you pressed: {button.get('text')})")
        self.emu.press_button(self.user_id, message.message_id, str(button["callback_data"]))

    def press(self, typed: int) -> bool:
        """Press a button of the newest message that has buttons; False if it has no such
        button, or no message has buttons (the number is then text)."""
        for message in reversed(self.emu.sent(self.user_id)):
            if message.deleted or not message.buttons:
                continue
            button = self._button(message, typed)
            if button is None:
                return False
            self._click(message, button)
            return True
        return False

    def press_on(self, number: int, typed: int) -> None:
        """Press button ``typed`` of message ``number``, or say why there is no such button."""
        messages = self.emu.sent(self.user_id)
        if not 1 <= number <= len(messages):
            only = f", only 1 to {len(messages)}" if messages else " yet"
            self.say(f"(there is no message {number}{only}; nothing sent)")
            return
        message = messages[number - 1]
        if message.deleted:
            self.say(f"(message {number} was deleted; nothing sent)")
            return
        if not message.buttons:
            self.say(f"(message {number} has no buttons; nothing sent)")
            return
        button = self._button(message, typed)
        if button is None:
            self.say(
                f"(message {number} has buttons 1 to {len(message.buttons)} only; nothing sent)"
            )
            return
        self._click(message, button)

    def send(self, text: str, *, echo: bool = False) -> None:
        if echo:
            self.say(f"(sent as text: {text})")
        self.emu.send_text(self.user_id, text)

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
        elif text == ":at" or text.startswith(":at "):
            wanted = _clock_time(text.removeprefix(":at").strip())
            if wanted is None or self.at is None:
                self.say("(:at needs a time of day, like :at 18:30)")
            else:
                self.say(await self.at(wanted))
        elif text == ":say" or text.startswith(":say "):
            said = text.removeprefix(":say").strip()
            if said:
                self.send(said, echo=True)
            else:
                self.say("(:say needs the text to send, like :say 7)")
        elif text.startswith(":"):
            self.say("Unknown console command. :help lists them.")
        elif match := PRESS.fullmatch(text):
            self.press_on(int(match[1]), int(match[2]))
        elif text.isdecimal():
            if not self.press(int(text)):
                self.send(text, echo=True)
        else:
            self.send(text)
        return True

    async def run(self, read_line: Callable[[], Awaitable[str]], intro: str = "") -> None:
        """Read lines until :quit or end of input, printing replies meanwhile."""
        self.say(HELP)
        self.say("")
        if intro:
            self.say(intro)
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


def _clock_time(text: str) -> time | None:
    """ "18:30" or "7:05" as a time of day, or None."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))
