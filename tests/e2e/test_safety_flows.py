"""Safety: screening holds, red flags (at onboarding, on high pain, after time away, on
request) and a clinician's all-clear; repeated "worse" and persistent pain escalate."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coach import texts
from coach.model import Feedback, RedFlagGroup, SafetyEventKind
from tests.e2e.conftest import (
    SCREENING,
    Bot,
    Person,
    all_clear,
    check_in,
    finish_after_time_zone,
    labels,
    message_becomes,
    plan_slugs,
    press_move,
    settle,
    stored,
    texts_since,
    to_safety_questions,
)


@pytest.mark.parametrize("item", ["pregnant", "recent_spinal_surgery", "osteoporosis", "under_18"])
async def test_a_screening_yes_asks_for_a_clinicians_go_ahead_and_holds_the_plan(
    bot: Bot, person: Person, item: str
) -> None:
    await to_safety_questions(person)
    keys = ["pregnant", "recent_spinal_surgery", "osteoporosis", "under_18"]
    label = dict(zip(keys, SCREENING, strict=True))[item]
    await person.press(label)  # one tick on the screening keyboard, then Done
    await message_becomes(person, person.button(label)[0].message_id, lambda m: "Done" in labels(m))
    await person.press("Done")
    hold = await person.expect("clinician's go-ahead")
    assert any("A clinician has checked me" in label for label in labels(hold))
    await person.expect("groin")
    await person.press("No")
    await person.expect("fever")
    await person.press("No")
    await person.expect("And last")
    await person.press("No")
    await finish_after_time_zone(person)

    saved = (await stored(bot, person.user_id)).person
    assert saved.registered
    assert getattr(saved.safety.screening, item) is True
    assert saved.safety.screening_cleared_at is None

    await person.say("/checkin")
    held = await person.expect("waits for a clinician's go-ahead")
    assert not any(label.isdigit() for label in labels(held))  # no pain buttons
    await person.say("/today")
    await person.expect("waits for a clinician's go-ahead")
    assert not any("Today's plan" in text for text in await settle(person))

    await person.press("A clinician has checked me")
    await person.expect("Your program starts now")  # held since set-up: it never ran
    await person.expect("How does your back feel")
    saved = (await stored(bot, person.user_id)).person
    assert saved.safety.screening_cleared_at == bot.clock.now()
    kinds = [event.kind for event in (await stored(bot, person.user_id)).safety]
    assert SafetyEventKind.CLINICIAN_CLEARED in kinds

    await person.press("3")
    plan = await person.expect("Today's plan")
    assert "Bar Hang" in (plan.text or "")


async def test_after_a_screening_yes_onboarding_does_not_ask_for_a_rating_it_would_refuse(
    bot: Bot, person: Person
) -> None:
    await to_safety_questions(person)
    await person.press("Pregnant")
    await message_becomes(
        person, person.button("Pregnant")[0].message_id, lambda m: "Done" in labels(m)
    )
    await person.press("Done")
    await person.expect("groin")
    await person.press("No")
    await person.expect("fever")
    await person.press("No")
    await person.expect("And last")
    await person.press("No")
    await finish_after_time_zone(person)
    after = await settle(person)
    assert not any("How does your back feel" in text for text in after)
    assert any("clinician's go-ahead" in text for text in after)
    assert (await stored(bot, person.user_id)).ratings == ()


@pytest.mark.parametrize(
    ("group", "presses", "advice"),
    [
        (RedFlagGroup.EMERGENCY, ["Yes"], "emergency department"),
        (RedFlagGroup.URGENT, ["No", "Yes"], "see a doctor today"),
    ],
)
async def test_a_red_flag_at_onboarding_pauses_until_a_clinician_clears_it(
    bot: Bot, person: Person, group: RedFlagGroup, presses: list[str], advice: str
) -> None:
    await to_safety_questions(person)
    await person.press("None of these")
    for answer, question in zip(presses, ("groin", "fever"), strict=False):
        await person.expect(question)
        await person.press(answer)
    message = await person.expect(advice)
    assert labels(message) == []  # never a button on the advice: the all-clear is its own talk
    paused = await person.expect("I have paused your program")
    assert labels(paused) == [] and "/cleared" in (paused.text or "")

    saved = await stored(bot, person.user_id)
    assert saved.person.safety.red_flag is group
    assert saved.person.safety.red_flag_at == bot.clock.now()
    assert saved.person.step == "rf_hold"
    assert [e.kind for e in saved.safety][-1] is SafetyEventKind.RED_FLAG
    assert saved.safety[-1].detail == f"{group.value} (wording {texts.RED_FLAGS_VERSION})"
    assert "112 (Germany)" in (message.text or "")  # the zone came first: the local number

    # Nothing goes on while paused: text, /checkin and /start all answer with the pause.
    await person.say("08:00")
    await person.expect("paused until a clinician has examined you")
    await person.say("/checkin")
    await person.expect("paused until a clinician has examined you")
    await person.say("/start")
    await person.expect("paused until a clinician has examined you")
    assert (await stored(bot, person.user_id)).person.checkin_time is None

    bot.clock.advance(timedelta(days=2))
    await person.press(texts.CLEARED_START)  # the pause's button starts the all-clear
    await all_clear(person)
    await person.expect("Let's go on setting you up")  # no program yet to be "on again"
    if group is RedFlagGroup.EMERGENCY:  # the urgent group is still asked
        await person.expect("And any of these")
        await person.press("No")
    await person.expect("And last")
    await person.press("No")
    await person.expect("When should I ask")
    saved = await stored(bot, person.user_id)
    assert saved.person.safety.red_flag is None
    assert saved.person.safety.cleared_at == bot.clock.now()
    assert saved.person.step == "checkin_time"

    await finish_after_time_zone(person)
    assert (await stored(bot, person.user_id)).person.registered
    assert not any("Your program is on again" in (m.text or "") for m in person.messages())


@pytest.mark.parametrize(
    ("zone", "number"), [("Berlin", "112 (Germany)"), ("New York", "911 (United States)")]
)
async def test_the_emergency_advice_at_onboarding_names_the_zones_number(
    bot: Bot, person: Person, zone: str, number: str
) -> None:
    await to_safety_questions(person, zone=zone)
    await person.press("None of these")
    await person.expect("groin")
    await person.press("Yes")
    advice = await person.expect("emergency department")
    assert number in (advice.text or "")
    assert "send your city" not in (advice.text or "")


async def test_with_a_utc_offset_the_advice_says_how_to_get_the_local_number(
    bot: Bot, person: Person
) -> None:
    await to_safety_questions(person, zone="UTC+3")
    await person.press("None of these")
    await person.expect("groin")
    await person.press("No")
    await person.expect("fever")
    await person.press("Yes")
    advice = await person.expect("see a doctor today")
    assert "112 works from mobile phones" in (advice.text or "")
    assert "send your city" in (advice.text or "")


async def test_redflags_before_set_up_shows_the_signs_and_stores_nothing(
    bot: Bot, person: Person
) -> None:
    await person.say("/redflags")
    info = await person.expect("Warning signs that need a doctor")
    shown = info.text or ""
    assert "saddle area" in shown and "chest pain" in shown and "upper back" in shown
    assert "under 20 or over 50" in shown  # the third tier: a GP within days
    assert "For an ambulance, call your local emergency number" in shown
    assert labels(info) == []
    async with bot.store.unit() as uow:
        assert await uow.people.get(person.user_id) is None


async def test_the_emergency_advice_names_the_local_number_once_the_zone_is_known(
    bot: Bot, person: Person
) -> None:
    await person.onboard(zone="Europe/Berlin")
    await person.say("/redflags")
    await person.expect("groin")
    await person.press("Yes")
    advice = await person.expect("emergency department")
    assert "112 (Germany)" in (advice.text or "")


async def test_pain_of_8_asks_only_the_red_flags_first_and_a_yes_pauses_until_cleared(
    bot: Bot, person: Person
) -> None:
    await person.onboard()  # the red flags were answered today: asked again from day 3
    await person.press("8")
    plan = await person.expect("Today's plan")
    assert plan_slugs(person, plan.message_id) == ["bar_hang"]
    bot.clock.advance(timedelta(days=3))
    await person.say("/checkin")
    await person.expect("How does your back feel")
    await person.press("8")
    await person.expect("Pain 8/10 is high. Before any exercise")
    question = await person.expect("Do you have any of these")
    assert labels(question) == ["Yes", "No"]
    assert not any("Today's plan" in t for t in await settle(person))
    saved = await stored(bot, person.user_id)
    assert saved.person.step == "rf_emergency"
    assert [r.pain for r in saved.ratings] == [8, 8]  # the rating is kept meanwhile

    await person.press("Yes")
    advice = await person.expect("emergency department")
    assert "112 (Germany)" in (advice.text or "")
    saved = await stored(bot, person.user_id)
    assert saved.person.safety.red_flag is RedFlagGroup.EMERGENCY
    assert saved.person.step is None
    assert saved.safety[-1].kind is SafetyEventKind.RED_FLAG

    for command in ("/checkin", "/today"):
        await person.say(command)
        held = await person.expect("paused until a clinician has examined you")
        assert labels(held) == [texts.CLEARED_START]
    assert not any("Today's plan" in t for t in await settle(person))

    bot.clock.advance(timedelta(days=1))
    await person.press(texts.CLEARED_START)
    await all_clear(person)
    await person.expect("Your program is on again")
    await person.expect("How does your back feel")
    saved = await stored(bot, person.user_id)
    assert saved.person.safety.red_flag is None
    assert saved.person.safety.cleared_at == bot.clock.now()
    assert saved.safety[-1].kind is SafetyEventKind.CLINICIAN_CLEARED

    # Later red-flag questions ask what is new since the clinician saw them, before the plan.
    await person.press("9")
    again = await person.expect("Do you have any of these")
    assert "new or worse since a clinician saw you" in (again.text or "")
    await person.press("No")
    await person.expect("And any of these")
    await person.press("No")
    await person.expect("And last")
    await person.press("No")
    await person.expect("none of these apply today")
    plan = await person.expect("Today's plan")
    assert plan_slugs(person, plan.message_id) == ["bar_hang"]
    saved = await stored(bot, person.user_id)
    assert saved.person.step is None and saved.person.safety.red_flag is None
    assert saved.safety[-1].kind is SafetyEventKind.RED_FLAGS_NONE


async def test_a_red_flag_from_redflags_pauses_and_only_the_all_clear_lifts_it(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    await person.say("/redflags")
    await person.expect("groin")
    await person.press("No")
    await person.expect("fever")
    await person.press("Yes")
    advice = await person.expect("see a doctor today")
    assert labels(advice) == []
    assert (await stored(bot, person.user_id)).person.safety.red_flag is RedFlagGroup.URGENT

    # While paused: /redflags, a typed rating and /today answer with the pause, no plan.
    await person.say("/redflags")
    await person.expect("paused until a clinician has examined you")
    await person.say("4")
    await person.expect("paused until a clinician has examined you")
    assert (await stored(bot, person.user_id)).ratings == ()  # a paused program stores none
    await person.say("/today")
    await person.expect("paused until a clinician has examined you")
    assert not any("Today's plan" in t for t in await settle(person))

    bot.clock.advance(timedelta(hours=3))
    await person.say("/cleared")
    await all_clear(person)
    await person.expect("Your program starts now")  # held since set-up: it never ran
    message, data = person.button(texts.CLEARED_START)
    toast = await person.press_data(message.message_id, data)
    assert toast == texts.NOT_NOW  # pressed again: nothing to lift
    cleared = [
        e
        for e in (await stored(bot, person.user_id)).safety
        if e.kind is SafetyEventKind.CLINICIAN_CLEARED
    ]
    assert len(cleared) == 1


async def test_after_two_weeks_away_the_red_flags_come_before_any_exercise(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    for _day in range(3):  # stage 2 on the third day
        await check_in(person, 3)
        bot.clock.advance(timedelta(days=1))
    bot.clock.advance(timedelta(days=14))

    await person.say("/checkin")
    await person.expect("How does your back feel")
    await person.press("3")
    await person.expect("before any exercise, three quick safety questions")
    await person.expect("Do you have any of these")
    assert not any("Today's plan" in t for t in texts_since(person, person.seen))
    saved = await stored(bot, person.user_id)
    assert saved.person.step == "rf_emergency"
    assert len(saved.ratings) == 4

    # Until it is answered, nothing else: /today and /checkin ask it again, across days.
    for command in ("/today", "/checkin"):
        await person.say(command)
        await person.expect(texts.RED_FLAGS_STILL_OPEN)
        await person.expect("Do you have any of these")
    bot.clock.advance(timedelta(days=1))
    await person.say("/today")
    await person.expect(texts.RED_FLAGS_STILL_OPEN)
    assert not any("Today's plan" in t for t in await settle(person))
    bot.clock.advance(timedelta(days=-1))

    await person.press("No")
    await person.expect("And any of these")
    await person.press("No")
    await person.expect("And last")
    await person.press("No")
    await person.expect("none of these apply today")
    plan = await person.expect("Today's plan")
    assert "days away you restart one stage lower, at stage 1" in (plan.text or "")
    assert plan_slugs(person, plan.message_id) == ["bar_hang"]
    assert (await stored(bot, person.user_id)).person.step is None


async def test_a_second_worse_on_a_move_within_a_month_suggests_a_clinician(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    for _day in range(3):
        plan_id = await check_in(person, 3)
        bot.clock.advance(timedelta(days=1))
    bot.clock.advance(timedelta(days=-1))  # back to the stage-2 day
    first = await press_move(person, "wr", "reverse_hyper")
    assert first is not None and "left out for 7 days" in first
    assert "second time" not in first
    await message_becomes(person, plan_id, lambda m: "Left out" in (m.text or ""))

    bot.clock.advance(timedelta(days=8))  # back in the plan after the week
    plan_id = await check_in(person, 3)
    assert "reverse_hyper" in plan_slugs(person, plan_id)
    second = await press_move(person, "wr", "reverse_hyper")
    assert second is not None and "left out for 7 days" in second
    # Longer than a toast may be: the whole advice comes as a message.
    advice = await person.expect("second time Reverse Hyper made things worse")
    assert "clinician" in (advice.text or "")
    worse = [f for f in (await stored(bot, person.user_id)).feedback if f.kind is Feedback.WORSE]
    assert [f.move for f in worse] == ["reverse_hyper", "reverse_hyper"]


async def test_worse_on_the_bar_hang_means_shorter_holds_not_leaving_it_out(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    plan_id = await check_in(person, 3)
    toast = await press_move(person, "wr", "bar_hang")
    assert toast == texts.WORSE_HANG_ACK
    plan = await message_becomes(person, plan_id, lambda m: "20–30 s holds" in (m.text or ""))
    assert "shorter holds for now" in (plan.text or "")
    assert f"{texts.BTN_DONE} Bar Hang" in labels(plan)  # still to do, gently

    bot.clock.advance(timedelta(days=1))
    plan_id = await check_in(person, 3)
    text = next(m.text or "" for m in person.messages() if m.message_id == plan_id)
    assert "20–30 s holds" in text  # until Easy, Easy brings it back, not after a week


async def test_high_pain_on_five_days_of_a_week_suggests_a_clinician_once(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    for day in range(1, 7):
        await check_in(person, 7)
        replies = await settle(person)
        suggestions = [t for t in replies if "Please see a doctor or physical therapist" in t]
        assert bool(suggestions) == (day == 5), day
        # a message of its own, not a line under the plan where it could be read past
        assert not any("Today's plan" in t for t in suggestions), suggestions
        bot.clock.advance(timedelta(days=1))
    saved = await stored(bot, person.user_id)
    assert saved.person.escalation_suggested_on == date(2026, 3, 6)
