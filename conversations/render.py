"""Turning the coach's decisions into Telegram HTML messages and inline keyboards."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from coach import texts
from coach.explain import plan_reason
from coach.model import Equipment, Feedback, MoveFeedback
from coach.plan import Item, Plan, Status
from coach.program import Move, Program
from coach.rules import Change
from conversations.payload import Signer

LIMIT = 4096  # Telegram's limit on a message's text


def keyboard(rows: Iterable[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def equipment_words(move: Move) -> str:
    """What a move needs, in words."""
    return move.equipment_text


def _item_text(program: Program, plan: Plan, number: int, item: Item, cues: int) -> str:
    move = item.move
    new = plan.change is Change.ADVANCE and program.stage_of(move.slug) == plan.stage
    head = f"{number}. {texts.NEW_MOVE if new else ''}<b>{escape(move.name)}</b>"
    if item.status in (Status.DO, Status.GENTLE):
        ours = texts.PLAN_DOSE_OURS if move.dose_source == "back_coach" else ""
        lines = [f"{head} — {escape(item.dose)}{ours}"]
        if item.needs_equipment:
            lines.append(f"   <i>{escape(texts.NEEDS.format(equipment=move.equipment_text))}</i>")
        if item.status is Status.GENTLE:
            lines.append(f"   <i>{escape(texts.STATUS_NOTE['gentle'])}</i>")
        lines += [f"   • {escape(cue)}" for cue in move.cues[:cues]]
        return "\n".join(lines)
    note = texts.STATUS_NOTE[item.status.value].format(
        until=texts.day(item.until) if item.until else "",
        equipment=move.equipment_text,
        alternative=move.alternative or "",
    )
    return f"{head} — <i>{escape(note.strip())}</i>"


def plan_text(program: Program, plan: Plan) -> str:
    """The day's plan as one message, shortened to fit Telegram's limit if it must."""
    for cues in (3, 1, 0):
        parts = [
            texts.PLAN_TITLE.format(pain=plan.pain),
            escape(plan_reason(program, plan)),
            "\n\n".join(
                _item_text(program, plan, n, item, cues) for n, item in enumerate(plan.items, 1)
            ),
            texts.PLAN_FOOTER,
        ]
        text = "\n\n".join(parts)
        if len(text) <= LIMIT:
            return text
    return text[:LIMIT]


def plan_keyboard(
    signer: Signer, chat_id: int, plan: Plan, feedback: tuple[MoveFeedback, ...]
) -> InlineKeyboardMarkup:
    """Done / Worse / How? for each move of today's plan; Undo for today's "worse"."""
    today = {(f.move, f.kind) for f in feedback if f.day == plan.day}
    rows = []
    for item in plan.items:
        slug, name = item.move.slug, item.move.name
        undo = (f"{texts.BTN_UNDO}: {name}", signer.sign(chat_id, "un", plan.day, slug))
        if (slug, Feedback.WORSE) in today and slug != "bar_hang":
            rows.append([undo])
            continue
        if not item.actionable:
            continue
        done = (slug, Feedback.DONE) in today
        label = f"{texts.BTN_DONE_ALREADY if done else texts.BTN_DONE}: {name}"
        rows.append(
            [
                (label, signer.sign(chat_id, "dn", plan.day, slug)),
                (texts.BTN_WORSE, signer.sign(chat_id, "wr", plan.day, slug)),
                (texts.BTN_HOW, signer.sign(chat_id, "hw", slug)),
            ]
        )
        if (slug, Feedback.WORSE) in today:  # the bar hang stays, with shorter holds
            rows.append([undo])
    return keyboard(rows)


def pain_keyboard(signer: Signer, chat_id: int, day: date) -> InlineKeyboardMarkup:
    """0-10 buttons for a day's rating."""
    buttons = [(str(n), signer.sign(chat_id, "pn", day, n)) for n in range(11)]
    return keyboard([buttons[:6], buttons[6:]])


def how_text(move: Move) -> str:
    """The *How?* text of a move, with where it comes from."""
    source = texts.HOW_ARTICLE if move.how_source == "article" else texts.HOW_OURS
    return "\n\n".join(
        [texts.HOW_TITLE.format(name=escape(move.name)), escape(move.how), f"<i>{source}</i>"]
    )


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
