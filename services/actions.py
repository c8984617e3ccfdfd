"""What a button asks for. The value is what a button's payload carries (two letters, so
payloads stay within Telegram's 64 bytes); routing reads the enum, never the letters."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """Every kind of inline button the bot sends."""

    ANSWER = "ob"  # an answer to the current onboarding or settings step
    CLEAR_HOLD = "cl"  # a clinician said exercise is OK
    PAIN = "pn"  # a pain rating for a day
    DONE = "dn"  # a move of the day's plan done
    WORSE = "wr"  # a move made it worse
    UNDO = "un"  # undo a "worse"
    HOW = "hw"  # how to do a move
    HANG_DONE = "hd"  # a bar-hang reminder: done
    HANG_SNOOZE = "hz"  # … snooze 15 minutes
    HANG_SKIP = "hs"  # … skip
    DELETE = "dd"  # the answer to "delete everything?"
    SETTINGS = "st"  # a settings menu button
    RERATE = "rr"  # the answer to "change today's rating?" after a typed number
    DOSE = "dl"  # how a done move felt: easy, right or hard (moves its dose level)
    LANGUAGE = "lg"  # the language Back Coach speaks to the person
    ACTIVITY = "ac"  # the activities: name them, not now, that's all, the menu, retire one
    ACTIVITY_RATE = "ar"  # an activity's 0-10 rating for a week
    PICK = "pk"  # a plan's "Worse…" or "How…": which move? (with many moves in the plan)


PLAN_FEEDBACK = frozenset({Action.DONE, Action.WORSE, Action.UNDO})
HANG_ANSWERS = frozenset({Action.HANG_DONE, Action.HANG_SNOOZE, Action.HANG_SKIP})
