"""Turning the services' results into Telegram HTML messages and keyboards."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from html import escape, unescape
from typing import TYPE_CHECKING

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram import (
    Message as TgMessage,
)

from coach import i18n, texts
from coach.explain import plan_reason
from coach.model import Equipment, Feedback, MoveFeedback
from coach.plan import Item, Plan, Status
from coach.program import Move, Program
from coach.rules import Change
from conversations import moves
from conversations.payload import Signer
from conversations.replies import Drawing, Markup, Reply
from conversations.sending import SendOutcome, send_with_retries
from services.actions import Action
from services.outcome import (
    Keyboard,
    Message,
    Outcome,
    Rows,
    Say,
    ShowExercises,
    ShowHow,
    ShowPlan,
)

if TYPE_CHECKING:
    from conversations.context import Ctx

log = logging.getLogger(__name__)

LIMIT = 4096  # Telegram's limit on a message's text
REPLY_ATTEMPTS = 4


def keyboard(rows: Iterable[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def buttons(signer: Signer, chat_id: int, rows: Rows) -> InlineKeyboardMarkup:
    """Inline buttons, each signed for this chat."""
    return keyboard(
        [(b.label, signer.sign(chat_id, b.action.value, *b.args)) for b in row] for row in rows
    )


def reply(signer: Signer, program: Program, chat_id: int, message: Message, language: str) -> Reply:
    """One service message as Telegram text and markup, in the language it was composed in."""
    with i18n.speaking(language):
        return _reply(signer, program, chat_id, message)


def _reply(signer: Signer, program: Program, chat_id: int, message: Message) -> Reply:
    if isinstance(message, ShowPlan):
        return Reply(
            plan_text(program, message.plan, message.feedback, legend=message.legend),
            plan_keyboard(signer, chat_id, message.plan, message.feedback),
        )
    if isinstance(message, ShowHow):
        return Reply(how_text(program.move(message.slug)))
    if isinstance(message, ShowExercises):
        return Reply(exercises_text(program, message.stage, message.equipment))
    return Reply(message.text, _markup(signer, chat_id, message), message.alone)


def replies(
    signer: Signer, program: Program, chat_id: int, message: Message, language: str
) -> list[Reply]:
    """One service message as the Telegram messages it takes, in the language it was
    composed in: *How?* is the move's drawing, then its text; a plan that brings new moves
    is followed by their drawings; /exercises is the drawing of all seven, then the list."""
    out = reply(signer, program, chat_id, message, language)
    with i18n.speaking(language):
        if isinstance(message, ShowHow):
            return [_drawing(program, Drawing(message.slug, language)), out]
        if isinstance(message, ShowPlan):
            new = new_moves(program, message.plan)
            return [out, *(_drawing(program, Drawing(slug, language)) for slug in new)]
        if isinstance(message, ShowExercises):
            return [_drawing(program, Drawing(None, language)), out]
    return [out]


def _drawing(program: Program, drawing: Drawing) -> Reply:
    return Reply(moves.caption(program, drawing), drawing=drawing)


def fold(signer: Signer, program: Program, chat_id: int, outcome: Outcome) -> list[Reply]:
    """A press's messages as few Telegram messages as possible: texts in a row are joined
    (a blank line between) as long as the joined message carries at most one keyboard and
    fits Telegram's limit. Each message sent is a request Telegram's ~30/s limit counts.
    A safety message (``alone``) is never joined: it stays a message of its own; nor is a
    drawing, whose text is its caption."""
    folded: list[Reply] = []
    for out in (
        r for m in outcome.messages for r in replies(signer, program, chat_id, m, outcome.language)
    ):
        last = folded[-1] if folded else None
        if last is None or last.alone or out.alone or (last.markup and out.markup):
            folded.append(out)
            continue
        if last.drawing or out.drawing:
            folded.append(out)
            continue
        joined = f"{last.text}\n\n{out.text}"
        if len(joined) > LIMIT:
            folded.append(out)
        else:
            folded[-1] = Reply(joined, last.markup or out.markup)
    return folded


async def send(ctx: Ctx, chat_id: int, outcome: Outcome) -> bool:
    """Render a service's messages for this chat, in the language the service composed
    them in, and send them in order.

    What a service decided is already committed, so each reply is retried while that is
    safe (nothing reached Telegram, or it asked to wait); a reply that can't be delivered
    is logged, and the person's open question is asked again on their next message.
    Returns whether every reply certainly arrived.
    """
    deps = ctx.deps
    return await send_folded(
        ctx,
        chat_id,
        [
            r
            for m in outcome.messages
            for r in replies(deps.signer, deps.program, chat_id, m, outcome.language)
        ],
    )


async def send_folded(ctx: Ctx, chat_id: int, rendered: list[Reply]) -> bool:
    """Send replies already rendered (and folded), in order; like ``send``. A reply that may
    have arrived is never sent again, and the replies after it still go: they certainly did
    not arrive yet. Nothing more is tried once the person has blocked the bot. A drawing
    that could not be sent is logged and the texts go on: they say everything it shows."""
    bot = ctx.bot
    every = True
    for out in rendered:
        if out.drawing is not None:
            with i18n.speaking(out.drawing.language):  # its labels, drawn in its language
                await moves.send_drawing(bot, ctx.deps, chat_id, out)
            continue

        def deliver(out: Reply = out) -> Awaitable[TgMessage]:
            return bot.send_message(chat_id, out.text, parse_mode="HTML", reply_markup=out.markup)

        outcome = await deliver_reply(deliver)
        if outcome is SendOutcome.BLOCKED:
            return False
        every = every and outcome is SendOutcome.SENT
    return every


async def deliver_reply(deliver: Callable[[], Awaitable[TgMessage]]) -> SendOutcome:
    """One reply, retried while that is safe; how it ended."""
    result = await send_with_retries(deliver, attempts=REPLY_ATTEMPTS)
    if result.outcome is not SendOutcome.SENT:
        log.warning("a reply was not delivered (%s): %s", result.outcome, result.reason)
    return result.outcome


def _markup(signer: Signer, chat_id: int, message: Say) -> Markup | None:
    if message.keyboard is Keyboard.SHARE_LOCATION:
        share = KeyboardButton(texts.SHARE_LOCATION, request_location=True)
        return ReplyKeyboardMarkup([[share]], one_time_keyboard=True, resize_keyboard=True)
    if message.keyboard is Keyboard.REMOVE:
        return ReplyKeyboardRemove()
    return buttons(signer, chat_id, message.buttons) if message.buttons else None


def _move_line(item: Item, done: bool, new: bool) -> str:
    """One move to do: a mark that turns ✅ when done, its dose, and one tip (a new move of
    a just-earned stage is marked new; ❓ How has its cues in full)."""
    move = item.move
    mark = texts.PLAN_MARK_DONE if done else texts.PLAN_MARK_TODO
    ours = texts.PLAN_OURS_MARK if move.dose_source == "back_coach" else ""
    head = f"{mark} {texts.NEW_MOVE if new else ''}<b>{escape(move.name)}</b>"
    line = f"{head} — {escape(item.dose)}{ours}"
    tip = " ".join(notes_of(item)) or move.tip  # a note (no bar at home) before the tip
    return f"{line} · <i>{escape(tip)}</i>" if tip else line


def notes_of(item: Item) -> list[str]:
    """What the plan says about a move beyond its dose (no bar at home; shorter holds)."""
    notes = []
    if item.needs_equipment:
        notes.append(texts.NEEDS.format(equipment=item.move.equipment_text))
    if item.status is Status.GENTLE:
        notes.append(texts.STATUS_NOTE["gentle"])
    return notes


def _groups(program: Program, plan: Plan) -> list[str]:
    """What the plan leaves aside today and why, one line per reason."""
    lines = []
    for status in (Status.PAIN_REST, Status.REST, Status.LEFT_OUT, Status.NO_EQUIPMENT):
        items = [i for i in plan.items if i.status is status]
        if not items:
            continue
        names = ", ".join(i.move.name for i in items)
        until = min((i.until for i in items if i.until), default=None)
        needs = list(dict.fromkeys(i.move.equipment_text for i in items))
        equipment = "; ".join(needs)
        key = status.value
        if status is Status.NO_EQUIPMENT and len(needs) > 1:  # each move's needs: /exercises
            key = "no_equipment_many"
        lines.append(
            texts.PLAN_GROUP[key].format(
                names=names,
                until=texts.day(until) if until else "",
                equipment=equipment,
                pain_max=program.rules.lift_pain_max,
            )
        )
    return [escape(line) for line in lines]


def plan_text(
    program: Program, plan: Plan, feedback: tuple[MoveFeedback, ...] = (), *, legend: bool = False
) -> str:
    """The day's plan as one short message: each move to do with its dose and a tip, one
    line for what rests or is left out, and how many are done; with ``legend``, what the
    marks and buttons mean (the first days, and /today)."""
    done = {f.move for f in feedback if f.day == plan.day and f.kind is Feedback.DONE}
    todo = [i for i in plan.items if i.actionable]
    new = new_moves(program, plan)
    moves = [_move_line(item, item.move.slug in done, item.move.slug in new) for item in todo]
    # Whose dose, always; whose tips, with the legend.
    ours = [texts.PLAN_OURS_NOTE] if any(i.move.dose_source == "back_coach" for i in todo) else []
    count = texts.PLAN_DONE_COUNT.format(
        done=sum(i.move.slug in done for i in todo), total=len(todo)
    )
    reason = plan_reason(program, plan)
    same = reason == texts.PLAN_REASON["same"].format(stage=plan.stage, name=plan.stage_name)
    # A stage earned has a message of its own (services.checkin): the title names the stage.
    same = same or plan.change is Change.ADVANCE
    head = [
        texts.PLAN_TITLE.format(stage=plan.stage, name=escape(plan.stage_name), pain=plan.pain),
        "" if same else escape(reason),  # the title says it already
        "\n".join(moves),
        "\n".join(_groups(program, plan)),
    ]
    shown = [*head, f"<b>{count}</b>", _notes(ours)]
    if legend:  # the legend when it fits
        full = [*head, f"<b>{count}</b> {texts.PLAN_FOOTER}", _notes([*ours, texts.PLAN_TIPS_NOTE])]
        if visible(_join(full)) <= PLAN_VISIBLE:
            shown = full
    # The first plan of a week ends with the emergency signs in one line (beyond the limit).
    return _join([*shown, texts.RED_FLAGS_WEEKLY if plan.weekly_signs else ""])


PLAN_VISIBLE = 700  # the most a day's plan shows, in characters a person reads


def visible(html: str) -> int:
    """How many characters a Telegram-HTML text shows."""
    return len(unescape(re.sub(r"<[^>]+>", "", html)))


def _notes(notes: list[str]) -> str:
    return f"<i>{escape(' '.join(notes), quote=False)}</i>" if notes else ""


def _join(parts: list[str]) -> str:
    return "\n\n".join(p for p in parts if p)[:LIMIT]


def new_moves(program: Program, plan: Plan) -> list[str]:
    """The moves a just-earned stage brings into today's plan: shown in full this once,
    with their drawings."""
    if plan.change is not Change.ADVANCE:
        return []
    return [
        i.move.slug
        for i in plan.items
        if i.actionable and program.stage_of(i.move.slug) == plan.stage
    ]


# Up to this many moves to do, each has its own Worse and How buttons; with more, one row of
# "Worse…" and "How…" asks which move, so that a plan never carries more than 12 buttons.
FULL_ROWS = 3


def plan_keyboard(
    signer: Signer, chat_id: int, plan: Plan, feedback: tuple[MoveFeedback, ...]
) -> InlineKeyboardMarkup:
    """One row per move of today's plan: Done (✔️ once done), and with few moves Worse and
    How beside it (with more, one row of Worse… and How… that asks which move); a move left
    out after today's "worse" gets its Undo; after a Done, how the newest such move felt."""
    today = {(f.move, f.kind) for f in feedback if f.day == plan.day}
    full = sum(i.actionable for i in plan.items) <= FULL_ROWS
    rows = []
    for item in plan.items:
        slug, name = item.move.slug, item.move.name
        undo = (f"{texts.BTN_UNDO} {name}", signer.sign(chat_id, Action.UNDO, plan.day, slug))
        if (slug, Feedback.WORSE) in today and slug != "bar_hang":
            rows.append([undo])
            continue
        if not item.actionable:
            continue
        done = (slug, Feedback.DONE) in today
        label = f"{texts.BTN_DONE_ALREADY if done else texts.BTN_DONE} {name}"
        row = [(label, signer.sign(chat_id, Action.DONE, plan.day, slug))]
        if full:
            row.append((texts.BTN_WORSE, signer.sign(chat_id, Action.WORSE, plan.day, slug)))
            row.append((texts.BTN_HOW, signer.sign(chat_id, Action.HOW, slug)))
        if (slug, Feedback.WORSE) in today:  # the bar hang stays, with shorter holds
            row[1:2] = [undo]
        rows.append(row)
    if not full:
        rows.append(
            [
                (texts.BTN_WORSE_PICK, signer.sign(chat_id, Action.PICK, plan.day, "wr")),
                (texts.BTN_HOW_PICK, signer.sign(chat_id, Action.PICK, plan.day, "hw")),
            ]
        )
    felt = _to_feel(plan, feedback)
    if felt is not None:  # optional: how did it feel?
        rows.append(
            [
                (label, signer.sign(chat_id, Action.DOSE, plan.day, felt, kind))
                for kind, label in texts.BTN_DOSE.items()
            ]
        )
    return keyboard(rows)


def _to_feel(plan: Plan, feedback: tuple[MoveFeedback, ...]) -> str | None:
    """The move most recently done today with dose levels and no Easy/Right/Hard yet."""
    today = [f for f in feedback if f.day == plan.day]
    felt = {f.move for f in today if f.kind in (Feedback.EASY, Feedback.RIGHT, Feedback.HARD)}
    levels = {i.move.slug for i in plan.items if i.actionable and i.move.top_level > 1}
    for f in reversed(today):
        if f.kind is Feedback.DONE and f.move in levels and f.move not in felt:
            return f.move
    return None


def how_text(move: Move) -> str:
    """The *How?* text of a move (sent after its drawing): its cues, each crediting whose
    words they are, then the technique, saying where it comes from in its first words
    ("From the article:" … "Back Coach adds:", or "Back Coach's guidance"); each thing once
    (the plan shows only a tip, so these stay one tap away)."""
    cues = "\n".join(f"• {escape(cue)}" for cue in move.cues)
    return "\n\n".join([texts.HOW_TITLE.format(name=escape(move.name)), cues, escape(move.how)])


def exercises_text(program: Program, stage: int, equipment: frozenset[Equipment]) -> str:
    """All moves by stage, with cues and equipment, marking what the person lacks."""
    parts = [texts.EXERCISES_TITLE.format(stage=stage, name=escape(program.stage(stage).name))]
    for st in program.stages:
        lines = [f"<b>{texts.EXERCISES_STAGE.format(stage=st.number)}: {escape(st.name)}</b>"]
        for slug in st.adds:
            move = program.move(slug)
            lack = "" if move.possible_with(equipment) else texts.EXERCISES_YOU_LACK
            beginner = texts.EXERCISES_BEGINNER if move.gym_experience_required else ""
            need = texts.EXERCISES_NEED.format(equipment=move.equipment_text)
            lines.append(f"• <b>{escape(move.name)}</b> ({escape(need)}{lack}{beginner})")
            lines.append(f"  {escape(move.cues[0])}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
