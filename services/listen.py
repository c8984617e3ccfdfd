"""Typed words from a registered person with no question open: what coach/phrases.py
understands them to mean, and the answer each meaning gets. Never a refusal: what no table
knows gets the pain keyboard (or, once today is rated, where to go next)."""

from __future__ import annotations

from coach import i18n, texts
from coach.model import Feedback, MoveFeedback, Person
from coach.phrases import Meaning, understand
from coach.schedule import Kind, State
from services import checkin
from services.actions import Action
from services.outcome import Button, Message, Say, pain_question
from services.unit import Work

# A hang reminder that may have reached the person: "done" marks it.
DELIVERED = frozenset({State.SENT, State.UNCERTAIN, State.SENDING})


async def reply(work: Work, person: Person, text: str) -> list[Message]:
    """The answer to ``text`` typed outside any question. The caller saves and commits."""
    found = understand(text, i18n.current())
    meaning = found.meaning if found else None
    if meaning is Meaning.HELP:
        return [Say(texts.HELP)]
    if meaning is Meaning.PAUSE:
        return [_pause_question(person)]
    notice = checkin.held(person)
    if notice is not None:  # the program waits for a clinician: nothing to rate or mark
        return [notice]
    today = work.core.today(person)
    if found is not None and meaning is Meaning.RATING:
        if found.pain is None:
            return [Say(texts.PAIN_INVALID), pain_question(today)]
        if found.bare:  # a number alone: the answer to the pain question
            return await checkin.typed_rating(work, person, found.pain)
        return await _confirm_rating(work, person, found.pain)
    if meaning is Meaning.WORSE:
        return [pain_question(today, texts.TYPED_WORSE)]
    if meaning is Meaning.BETTER:
        return [pain_question(today, texts.TYPED_BETTER)]
    if meaning is Meaning.DONE:
        return await _done(work, person)
    if await work.ratings.get(person.chat_id, today) is None:
        return [pain_question(today, texts.TYPED_OTHER)]
    return [Say(texts.TYPED_OTHER_RATED)]


async def _confirm_rating(work: Work, person: Person, pain: int) -> list[Message]:
    """A rating in words ("pain 6", "шесть") is said back before it is saved; one that
    would replace today's asks as a typed number does."""
    today = work.core.today(person)
    if await work.ratings.get(person.chat_id, today) is not None:
        return await checkin.typed_rating(work, person, pain)
    buttons = (
        (Button(texts.BTN_RATING_YES.format(new=pain), Action.RERATE, (today, pain)),),
        (Button(texts.BTN_RATING_NO, Action.RERATE, (today, "keep")),),
    )
    return [Say(texts.TYPED_RATING_ASK.format(new=pain), buttons)]


async def _done(work: Work, person: Person) -> list[Message]:
    """ "Done" marks the latest bar hang reminded of today and not yet marked; without one,
    it shows today's plan to tick off (or asks for today's rating first)."""
    today = work.core.today(person)
    marks = await work.schedule.hang_marks(person.chat_id, today)
    for sent in reversed(await work.schedule.recent(person.chat_id, Kind.HANG, 6)):
        if sent.day != today or sent.slot in marks or sent.state not in DELIVERED:
            continue
        if not await work.schedule.mark_hang(person.chat_id, today, sent.slot, "done", work.now):
            continue
        # A hang done from a reminder counts toward the day's plan, as its Done button does.
        done = MoveFeedback(today, "bar_hang", Feedback.DONE)
        await work.feedback.add(person.chat_id, done, work.now)
        hangs = person.hang_times
        at = f"{hangs[sent.slot]:%H:%M}" if sent.slot < len(hangs) else ""
        return [Say(texts.TYPED_HANG_DONE.format(time=at).replace("  ", " "))]
    plan, history = await checkin.current_plan(work, person)
    if plan is None:
        return [pain_question(today, texts.TYPED_DONE_NO_PLAN)]
    return [Say(texts.TYPED_DONE_PLAN), checkin.show(plan, history)]


def _pause_question(person: Person) -> Say:
    """ "Pause" or "stop" asks before pausing every reminder."""
    if person.paused:
        return Say(texts.ALREADY_PAUSED)
    return Say(
        texts.TYPED_PAUSE_ASK,
        (
            (Button(texts.BTN_PAUSE_YES, Action.SETTINGS, ("pz",)),),
            (Button(texts.BTN_PAUSE_NO, Action.SETTINGS, ("pk",)),),
        ),
    )
