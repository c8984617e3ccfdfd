"""Sending Back Coach's drawings of the moves: each drawn once (in a worker thread, on first
use), kept on disk, uploaded to Telegram once per bot and then sent by the file_id Telegram
returned (kept in the database), so a busy morning sends ids, not files.

A drawing is named after what it shows: the move, the language of its labels and a digest
of everything drawn (the poses, the labels, the renderer's version); a changed drawing gets
a new name, so it is drawn and uploaded again, and an old id is never sent for it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
import threading
from functools import cache
from html import escape
from pathlib import Path

from telegram import Bot, Message

from coach import i18n, texts
from coach.poses import POSES_FILE, Poses
from coach.poses import default as default_poses
from coach.program import Program
from conversations.limiter import as_file
from conversations.rendering import RENDERER
from conversations.replies import Drawing, Reply
from conversations.sending import SendOutcome, send_with_retries
from services import media
from services.core import Core

log = logging.getLogger(__name__)

DRAWING_VERSION = 2  # bump when conversations/animation.py draws differently
ROOT = Path(__file__).resolve().parents[1]
# Where drawings are kept: the folder BACK_COACH_MOVES_DIR names (then only there), or the
# project's cache directory (or the system's temporary one, where that cannot be written).
CHOSEN_DIR = os.environ.get("BACK_COACH_MOVES_DIR")
CACHE_DIR = Path(CHOSEN_DIR or ROOT / ".cache" / "moves")
ATTEMPTS = 4
# One drawing at a time: a first busy morning draws each file once, not once per press.
_drawing = threading.Lock()


def caption(program: Program, drawing: Drawing) -> str:
    """What a drawing says under it: whose drawing it is (Back Coach's, not a video)."""
    if drawing.slug is None:
        return texts.EXERCISES_SHEET
    return texts.MOVE_CAPTION.format(name=escape(program.move(drawing.slug).name))


def name_of(program: Program, drawing: Drawing) -> str:
    """The drawing's file name in the current language: what it shows and a digest of it."""
    if drawing.slug is None:
        words = [texts.EXERCISES_SHEET, *(m.name for m in program.moves), *_all_cues()]
        stem, suffix = "sheet", "png"
    else:
        move = program.move(drawing.slug)
        cues = default_poses().moves[drawing.slug].cues
        words = [move.name, *(texts.MOVE_CUE[c] for c in cues)]
        stem, suffix = f"move-{drawing.slug}", "gif"
    digest = hashlib.sha256(_poses_file())
    digest.update(f"{DRAWING_VERSION}\n{chr(10).join(words)}".encode())
    return f"{stem}-{i18n.current()}-{digest.hexdigest()[:12]}.{suffix}"


@cache
def _poses_file() -> bytes:
    """The poses file as it was at start (read once, not on the event loop at every send)."""
    return POSES_FILE.read_bytes()


def _all_cues() -> list[str]:
    return [texts.MOVE_CUE[c] for m in default_poses().moves.values() for c in m.cues]


def drawn(program: Program, drawing: Drawing, folder: Path | None = None) -> Path:
    """The drawing's file, drawn first if it is not on disk yet (call it in a worker thread:
    a move takes about a second). In the project's cache directory or, where that cannot
    be written (a read-only installation), in the system's temporary directory."""
    name = name_of(program, drawing)
    fallback = [] if CHOSEN_DIR else [Path(tempfile.gettempdir()) / "backcoach"]
    folders = [folder] if folder else [CACHE_DIR, *fallback]
    for place in folders:
        path = place / name
        if path.exists():
            return path
    with _drawing:
        for place in folders:
            if (place / name).exists():
                return place / name
        content = _draw(program, drawing, default_poses())
        for place in folders:
            try:
                return _write(place / name, content)
            except OSError as exc:
                log.info("could not keep a drawing in %s (%s)", place, type(exc).__name__)
    raise OSError(f"no writable place for the drawing {name}")


def _draw(program: Program, drawing: Drawing, poses: Poses) -> bytes:
    """The drawing's bytes; Pillow is imported here, where the drawing is made."""
    from conversations import animation

    if drawing.slug is None:
        titles = {
            move.slug: f"{number}. {move.name}" for number, move in enumerate(program.moves, 1)
        }
        return animation.contact_sheet(poses, titles, texts.EXERCISES_SHEET)
    return animation.animation(poses, drawing.slug, program.move(drawing.slug).name)


def _write(path: Path, content: bytes) -> Path:
    """Write atomically: a reader sees the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _file_id(message: Message) -> str | None:
    """The id Telegram gave the file a message carries."""
    if message.animation is not None:
        return message.animation.file_id
    if message.photo:
        return message.photo[-1].file_id
    if message.document is not None:
        return message.document.file_id
    return None


async def _send(
    bot: Bot, chat_id: int, reply: Reply, file: str | bytes, filename: str
) -> tuple[SendOutcome, Message | None]:
    """One send of the drawing (by id or upload), retried while that is safe."""
    sent: list[Message] = []
    assert reply.drawing is not None
    photo = reply.drawing.slug is None
    lane = as_file(bot)

    async def deliver() -> Message:
        if photo:
            message = await bot.send_photo(
                chat_id, file, caption=reply.text, parse_mode="HTML", filename=filename, **lane
            )
        else:
            message = await bot.send_animation(
                chat_id, file, caption=reply.text, parse_mode="HTML", filename=filename, **lane
            )
        sent.append(message)
        return message

    result = await send_with_retries(deliver, attempts=ATTEMPTS)
    if result.outcome is not SendOutcome.SENT:
        log.warning("a drawing was not delivered (%s): %s", result.outcome, result.reason)
    return result.outcome, sent[-1] if sent else None


async def send_drawing(
    bot: Bot,
    core: Core,
    chat_id: int,
    reply: Reply,
) -> bool:
    """Send a drawing: by its file_id when this bot uploaded it before, else drawn (or read
    from disk) in the drawing process (conversations/rendering.py) and uploaded, keeping
    the id Telegram returns. Whether it certainly arrived."""
    assert reply.drawing is not None
    name = name_of(core.program, reply.drawing)
    try:
        known = await media.known_file(core, name)
    except Exception:  # the kept id can't be read: upload the file, the text still follows
        log.exception("could not read the file_id of %s", name)
        known = None
    if known is not None:
        outcome, _message = await _send(bot, chat_id, reply, known, name)
        if outcome is SendOutcome.SENT:
            return True
        if outcome is not SendOutcome.FAILED:
            return False  # may have arrived: not sent again
        log.info("Telegram refused the kept file_id of %s: uploading it again", name)
    try:
        path = await RENDERER.run(
            drawn, core.program, reply.drawing, language=reply.drawing.language
        )
        content = await asyncio.to_thread(path.read_bytes)
    except Exception:  # a drawing that fails must never cost the person the text after it
        log.exception("could not draw %s", name)
        return False
    outcome, message = await _send(bot, chat_id, reply, content, name)
    if outcome is not SendOutcome.SENT or message is None:
        return False
    file_id = _file_id(message)
    if file_id is not None:
        try:
            await media.remember_file(core, name, file_id)
        except Exception:  # sent all the same; the next send uploads it again
            log.exception("could not keep the file_id of %s", name)
    return True
