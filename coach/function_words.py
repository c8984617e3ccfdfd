"""The activities in words: the summary's lines, /why's sentence, the menu's list.

Names are the person's own typed words: escaped here, wherever they go into Telegram HTML.
"""

from __future__ import annotations

from html import escape

from coach import texts
from coach.function import Change, Function, changes, current


def change_line(change: Change) -> str:
    """'tie my shoes: 3 → 6', marked when the change is beyond the scale's noise; one
    rating alone is shown as it is, never as a change."""
    name = escape(change.activity.name)
    if change.latest_week == change.first_week:
        return texts.FUNCTION_ONE_RATING.format(name=name, score=change.latest)
    line = texts.FUNCTION_CHANGE.format(name=name, first=change.first, latest=change.latest)
    return texts.FUNCTION_DETECTABLE.format(line=line) if change.detectable else line


def summary_lines(function: Function) -> list[str]:
    """The weekly summary's part: each current activity from its first rating to its
    latest (nothing when none is rated)."""
    found = [c for c in changes(function.activities, function.ratings) if c.activity.current]
    if not found:
        return []
    return [texts.FUNCTION_CHANGES, *(f"• {change_line(c)}" for c in found)]


def why_sentence(function: Function) -> str | None:
    """/why's sentence on the activities rated at least twice (None: nothing to say yet)."""
    found = [
        c
        for c in changes(function.activities, function.ratings)
        if c.activity.current and c.latest_week > c.first_week
    ]
    if not found:
        return None
    return texts.WHY_FUNCTION.format(changes="; ".join(change_line(c) for c in found))


def menu_text(function: Function) -> str:
    """The /settings list: the current activities, then the retired ones."""
    named = current(function.activities)
    lines = [f"{n}. {escape(a.name)}" for n, a in enumerate(named, 1)]
    lines = lines or [texts.FUNCTION_MENU_EMPTY]
    retired = [escape(a.name) for a in function.activities if not a.current]
    if retired:
        lines.append(texts.FUNCTION_RETIRED_LIST.format(names=", ".join(retired)))
    return texts.FUNCTION_MENU.format(list="\n".join(lines))
