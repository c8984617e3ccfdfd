"""The v2 rules that live in the use cases, through the services on a real SQLite file:
a settings change keeps past stages, the red flags come before anything, and a typed
number asks before it replaces today's rating."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from coach import texts
from coach.model import Equipment, Feedback, History, MoveFeedback, Profile, Rating
from coach.rules import replay, required_moves
from services import checkin, onboarding, reminders, settings
from services.actions import Action
from services.clock import ManualClock
from services.core import Core
from services.outcome import Outcome, Say, ShowPlan
from services.reminders import Report
from services.unit import unit
from tests.services.conftest import registered

START = date(2026, 3, 2)
LIFTER = Profile(
    frozenset({Equipment.PULLUP_BAR, Equipment.BENCH, Equipment.BARBELL}), gym_experienced=False
)


def at_morning(core: Core, day: date) -> None:
    assert isinstance(core.clock, ManualClock)
    core.clock.current = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)


def said(outcome: Outcome) -> list[str]:
    return [m.text for m in outcome.messages if isinstance(m, Say)]


async def stage_now(core: Core, chat_id: int) -> str:
    return said(await checkin.why(core, chat_id))[0]


async def low_pain_days(core: Core, chat_id: int, days: int, profile: Profile) -> date:
    """``days`` check-ins at pain 1 with every required move done; returns the last day."""
    async with unit(core) as work:
        await work.profiles.record(chat_id, START - timedelta(days=1), profile, core.clock.now())
        history = History(profile)
        for offset in range(days):
            day = START + timedelta(days=offset)
            await work.ratings.set(chat_id, day, 1, core.clock.now())
            history = History(profile, (*history.ratings, Rating(day, 1)), history.feedback)
            last = replay(core.program, history, day)[-1]
            for slug in required_moves(core.program, history, last.stage, day, last.flare):
                done = MoveFeedback(day, slug, Feedback.DONE)
                await work.feedback.add(chat_id, done, core.clock.now())
                history = History(profile, history.ratings, (*history.feedback, done))
        await work.commit()
    return START + timedelta(days=days - 1)


async def test_adding_a_band_in_settings_keeps_stage_5(core: Core) -> None:
    await registered(core, 1, profile=LIFTER)
    last = await low_pain_days(core, 1, 45, LIFTER)
    at_morning(core, last)
    assert "You are in stage 5" in await stage_now(core, 1)

    await settings.settings_button(core, 1, "eq")
    band, gym = list(Equipment).index(Equipment.BAND), len(Equipment)
    await onboarding.answer(core, 1, "equipment", f"t{band}")  # a band
    await onboarding.answer(core, 1, "equipment", f"t{gym}")  # and experienced, too
    await onboarding.answer(core, 1, "equipment", "done")
    assert "You are in stage 5" in await stage_now(core, 1)

    at_morning(core, last + timedelta(days=1))
    async with unit(core) as work:
        history = await work.uow.history(1)
    assert [c.day for c in history.profile_changes] == [START - timedelta(days=1), last]
    assert history.profile_changes[-1].profile.gym_experienced


async def test_after_time_away_only_the_red_flag_question_is_sent_until_answered(
    core: Core,
) -> None:
    await registered(core, 1, profile=LIFTER)
    last = await low_pain_days(core, 1, 3, LIFTER)
    away = last + timedelta(days=16)
    at_morning(core, away)

    rated = await checkin.rate_button(core, 1, away, 2)
    assert not any(isinstance(m, ShowPlan) for m in rated.messages)
    assert said(rated)[-1].startswith("Do you have any of these")

    today = await checkin.today(core, 1)
    assert said(today)[0] == texts.RED_FLAGS_STILL_OPEN
    assert not any(isinstance(m, ShowPlan) for m in today.messages)
    done = await checkin.feedback(core, 1, Action.DONE, "bar_hang", away)
    assert done.toast == texts.RED_FLAGS_OPEN_TOAST
    async with unit(core) as work:
        assert not [f for f in await work.feedback.all(1) if f.day == away]

    # Still open the next day: no prompt, no hang reminder, /today asks again.
    at_morning(core, away + timedelta(days=1))
    next_day = away + timedelta(days=1)
    early = datetime(next_day.year, next_day.month, next_day.day, 4, tzinfo=UTC)
    await reminders.claim(core, early, Report())  # the days away: late, and moved on
    report = Report()
    await reminders.claim(core, early + timedelta(hours=3, minutes=40), report)
    assert report.skipped == {"red_flags_open": 2}  # the prompt and the morning hang
    assert said(await checkin.today(core, 1))[0] == texts.RED_FLAGS_STILL_OPEN

    await onboarding.answer(core, 1, "rf_emergency", "n")
    await onboarding.answer(core, 1, "rf_urgent", "n")
    answered = await onboarding.answer(core, 1, "rf_soon", "n")
    assert said(answered)[0] == texts.NO_RED_FLAGS
    assert "haven't checked in today" in said(answered)[1]


async def test_pain_8_sends_only_the_red_flag_question_then_the_plan(core: Core) -> None:
    await registered(core, 1, profile=LIFTER)
    at_morning(core, START)
    rated = await checkin.rate_button(core, 1, START, 8)
    assert said(rated) == [
        texts.RED_FLAGS_HIGH_PAIN_FIRST.format(pain=8),
        said(rated)[1],
    ]
    assert said(rated)[1].startswith("Do you have any of these")
    await onboarding.answer(core, 1, "rf_emergency", "n")
    await onboarding.answer(core, 1, "rf_urgent", "n")
    answered = await onboarding.answer(core, 1, "rf_soon", "n")
    assert any(isinstance(m, ShowPlan) for m in answered.messages)

    # Answered today: a second 9 the same day, or the day after, goes straight to the plan.
    again = await checkin.rate_button(core, 1, START, 9)
    assert isinstance(again.messages[0], ShowPlan)
    at_morning(core, START + timedelta(days=2))
    later = await checkin.rate_button(core, 1, START + timedelta(days=2), 8)
    assert isinstance(later.messages[0], ShowPlan)
    at_morning(core, START + timedelta(days=3))  # three days on: asked afresh
    fresh = await checkin.rate_button(core, 1, START + timedelta(days=3), 8)
    assert not any(isinstance(m, ShowPlan) for m in fresh.messages)


async def test_a_typed_number_asks_before_replacing_todays_rating(core: Core) -> None:
    await registered(core, 1, profile=LIFTER)
    at_morning(core, START)
    await checkin.rate_button(core, 1, START, 1)
    asked = await onboarding.typed(core, 1, "7")
    question = asked.messages[0]
    assert isinstance(question, Say)
    assert question.text == texts.RERATE_ASK.format(old=1, new=7)
    assert [b.args for row in question.buttons for b in row] == [(START, 7), (START, "keep")]
    async with unit(core) as work:
        assert (await work.ratings.get(1, START)) == Rating(START, 1)

    kept = await checkin.rerate(core, 1, START, "keep")
    assert kept.toast == texts.RERATE_KEPT.format(old=1)
    changed = await checkin.rerate(core, 1, START, "7")
    assert isinstance(changed.messages[0], ShowPlan) and changed.messages[0].plan.pain == 7
    async with unit(core) as work:
        assert (await work.ratings.get(1, START)) == Rating(START, 7)
    stale = await checkin.rerate(core, 1, START - timedelta(days=1), "3")
    assert stale.toast is not None and "That button is from" in stale.toast

    same = await onboarding.typed(core, 1, "7")  # the same number: no question, the plan
    assert isinstance(same.messages[0], ShowPlan)
