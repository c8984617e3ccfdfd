"""The activities' questions as messages (text and buttons), shared by the weekly summary's
reminder (services/kinds.py) and the presses that answer it (services/function.py)."""

from __future__ import annotations

from datetime import date
from html import escape

from coach import texts
from coach.function import SCORES, Activity, Function, current, unrated, week_of
from coach.function_words import summary_lines
from services.actions import Action
from services.outcome import Button, Rows, Say

NAMED, WEEKLY, SETTINGS = "n", "w", "s"  # where a rating question was asked


def score_rows(activity: Activity, mode: str, day: date) -> Rows:
    """The 0-10 keyboard of one activity, in two rows like the pain question."""
    buttons = tuple(
        Button(str(n), Action.ACTIVITY_RATE, (mode, day, activity.id, n)) for n in SCORES
    )
    return (buttons[:6], buttons[6:])


def rating_question(activity: Activity, mode: str, day: date) -> Say:
    """How able the person is to do one activity now, 0-10."""
    text = texts.FUNCTION_RATE_ASK.format(name=escape(activity.name))
    return Say(text, score_rows(activity, mode, day))


def week_question(function: Function, mode: str, day: date, before: str = "") -> Say:
    """The next activity of the week not yet rated (the summary's text above it, for the
    weekly message), or, once all are, the thanks."""
    left = unrated(function.activities, function.ratings, week_of(day))
    lines = [before] if before else []
    if not left:
        if current(function.activities):
            lines.append(texts.FUNCTION_WEEKLY_DONE)
        return Say("\n\n".join(lines))
    count = len(current(function.activities))
    index = count - len(left) + 1
    question = texts.FUNCTION_RATE_ASK.format(name=escape(left[0].name))
    lines.append(texts.FUNCTION_WEEKLY_ASK.format(index=index, count=count, question=question))
    return Say("\n\n".join(lines), score_rows(left[0], mode, day))


def weekly_message(summary: str, function: Function, day: date, *, thanks: bool = False) -> Say:
    """The Sunday summary with the activities' lines, and the week's next activity question
    beneath it: answered in as many presses as there are activities (``thanks``: the
    summary redrawn after the last press)."""
    lines = summary_lines(function)
    text = "\n".join([summary, "", *lines]) if lines else summary
    if not unrated(function.activities, function.ratings, week_of(day)):
        return Say(f"{text}\n\n{texts.FUNCTION_WEEKLY_DONE}" if thanks else text)
    return week_question(function, WEEKLY, day, text)
