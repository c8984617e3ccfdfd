"""Safety v3 through the real bot: the all-clear means one, the three tiers, the signs once
a week, and red-flag answers that stand for the day they were given.

The all-clear is never a button on the advice; it names what was flagged and when, asks
when the person was examined (before the flagged answer does not count) and whether the
clinician said exercise is OK (two deliberate answers), and after an emergency answer it
is not offered for an hour.
"""

from __future__ import annotations

from datetime import date, timedelta

from coach import texts
from coach.model import RedFlagGroup, SafetyEventKind
from tests.e2e.conftest import Bot, Person, all_clear, check_in, labels, settle, stored


async def flag(person: Person, tier: RedFlagGroup) -> None:
    """/redflags, answered "yes" in ``tier`` and "no" before it."""
    await person.say("/redflags")
    for question, this in (("groin", RedFlagGroup.EMERGENCY), ("fever", RedFlagGroup.URGENT)):
        await person.expect(question)
        await person.press("Yes" if tier is this else "No")
        if tier is this:
            return
    await person.expect("And last")
    await person.press("Yes")


async def answer_tiers(person: Person, *answers: str) -> None:
    """Answer the three tiers' questions in turn, each once it is asked."""
    for question, answer in zip(("Do you have any", "And any", "And last"), answers, strict=True):
        await person.expect(question)
        await person.press(answer)


async def still_paused(bot: Bot, person: Person, tier: RedFlagGroup) -> None:
    """The pause holds: a rating is refused and stores nothing, no plan is sent."""
    before = len((await stored(bot, person.user_id)).ratings)
    await person.say("/checkin")
    held = await person.expect("paused until a clinician has examined you")
    assert labels(held) == [texts.CLEARED_START]  # starts the all-clear, never lifts it
    await person.say("3")
    await person.expect("paused until a clinician has examined you")
    assert not any("Today's plan" in t for t in await settle(person))
    saved = await stored(bot, person.user_id)
    assert saved.person.safety.red_flag is tier
    assert len(saved.ratings) == before
    assert not any(e.kind is SafetyEventKind.CLINICIAN_CLEARED for e in saved.safety)


async def test_the_emergency_advice_has_no_button_and_the_all_clear_waits_an_hour(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    flagged_at = bot.clock.now()
    await flag(person, RedFlagGroup.EMERGENCY)
    advice = await person.expect("emergency department now")
    paused = await person.expect("I have paused your program")
    assert labels(advice) == [] and labels(paused) == []
    assert "112 (Germany)" in (advice.text or "")

    await still_paused(bot, person, RedFlagGroup.EMERGENCY)  # its message has the button
    # Five seconds later, and half an hour later: refused, with the advice again.
    for wait in (timedelta(seconds=5), timedelta(minutes=30)):
        bot.clock.advance(wait)
        await person.say("/cleared")
        refusal = await person.expect("Less than an hour ago")
        assert "from 10:00" in (refusal.text or "")  # flagged at 09:00 in Berlin, + 1 hour
        await person.expect("emergency department now")
        await person.press(texts.CLEARED_START)  # the pause's button says the same
        await person.expect("Less than an hour ago")
        assert (await stored(bot, person.user_id)).person.step is None

    bot.clock.advance(flagged_at + timedelta(hours=1) - bot.clock.now())
    await person.say("/cleared")
    when = await person.expect("When did a clinician examine you")
    text = when.text or ""
    assert "you answered yes to signs that need emergency care" in text
    assert "09:00" in text and "saddle area" in text  # when, and what was flagged
    assert labels(when) == [texts.BTN_CLEAR_AFTER, texts.BTN_CLEAR_BEFORE, texts.BTN_CLEAR_NOT_YET]
    await person.press(texts.BTN_CLEAR_AFTER)
    await person.expect("Did the clinician who examined you")
    await person.press(texts.BTN_CLEAR_YES)
    await person.expect("Your program starts now")  # held since set-up: it never ran
    saved = await stored(bot, person.user_id)
    assert saved.person.safety.red_flag is None and saved.person.step is None
    assert saved.safety[-1].kind is SafetyEventKind.CLINICIAN_CLEARED
    assert saved.safety[-1].detail.startswith("examined after the answer of")
    await person.press("3")
    await person.expect("Today's plan")


async def test_an_examination_before_the_flagged_answer_does_not_count(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    await flag(person, RedFlagGroup.URGENT)
    await person.expect("see a doctor today")
    await person.say("/cleared")  # no wait after an urgent answer
    await person.expect("signs that need a doctor the same day")
    await person.press(texts.BTN_CLEAR_BEFORE)
    await person.expect("An examination before you told me about these signs can't clear them")
    assert (await stored(bot, person.user_id)).person.step is None
    await still_paused(bot, person, RedFlagGroup.URGENT)

    await person.say("/cleared")
    await person.expect("When did a clinician examine you")
    await person.press(texts.BTN_CLEAR_NOT_YET)
    await person.expect("Then your program stays paused")
    await still_paused(bot, person, RedFlagGroup.URGENT)
    await person.say("/resume")  # what lifts the pause comes with the refusal
    await person.expect("Reminders stay off until a clinician has checked you")
    held = await person.expect("paused until a clinician has examined you")
    assert labels(held) == [texts.CLEARED_START]


async def test_the_all_clear_takes_two_answers_and_a_no_keeps_the_pause(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    await person.press("8")  # the red flags were answered at set-up today: no question now
    await person.expect("Today's plan")
    bot.clock.advance(timedelta(days=3))
    await person.say("/checkin")
    await person.expect("How does your back feel")
    await person.press("8")
    await person.expect("Pain 8/10 is high")
    await person.press("No")
    await person.expect("fever")
    await person.press("Yes")
    await person.expect("see a doctor today")
    # Re-rating 8 → 3 within the hour gives no plan: the pause holds.
    await still_paused(bot, person, RedFlagGroup.URGENT)

    await person.say("/cleared")
    await person.expect("When did a clinician examine you")
    await person.press(texts.BTN_CLEAR_AFTER)  # one answer is not the all-clear
    await person.expect("Did the clinician who examined you")
    saved = await stored(bot, person.user_id)
    assert saved.person.safety.red_flag is RedFlagGroup.URGENT
    await person.say("/today")
    await person.expect("paused until a clinician has examined you")
    await person.say("3")  # the open question is asked again; nothing stored
    await person.expect("Did the clinician who examined you")
    await person.press(texts.BTN_CLEAR_NO)
    await person.expect("Then your program stays paused")
    await still_paused(bot, person, RedFlagGroup.URGENT)

    await person.press(texts.CLEARED_START)
    await all_clear(person)
    await person.expect("Your program is on again")
    await person.press("3")
    plan = await person.expect("Today's plan")
    assert "pain 3/10" in (plan.text or "")
    cleared = [
        e
        for e in (await stored(bot, person.user_id)).safety
        if e.kind is SafetyEventKind.CLINICIAN_CLEARED
    ]
    assert len(cleared) == 1


async def test_nothing_to_clear_without_a_red_flag_pause(bot: Bot, person: Person) -> None:
    await person.onboard()
    await person.say("/cleared")
    await person.expect("Nothing to clear")
    assert (await stored(bot, person.user_id)).person.step is None


async def test_a_soon_answer_gives_its_advice_and_the_program_goes_on_gently(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    await flag(person, RedFlagGroup.SOON)
    advice = await person.expect("book an appointment with a GP")
    assert "goes on meanwhile, gently" in (advice.text or "") and labels(advice) == []
    saved = await stored(bot, person.user_id)
    assert saved.person.safety.red_flag is None and saved.person.step is None
    assert saved.safety[-1].kind is SafetyEventKind.RED_FLAG
    assert saved.safety[-1].detail.startswith("soon (wording")
    await check_in(person, 4)  # the program goes on

    # After high pain, a "soon" answer gives its advice and then the day's plan.
    bot.clock.advance(timedelta(days=3))
    await person.say("/checkin")
    await person.expect("How does your back feel")
    await person.press("8")
    await person.expect("three quick safety questions")
    await answer_tiers(person, "No", "No", "Yes")
    await person.expect("book an appointment with a GP")
    await person.expect("Today's plan")


async def test_the_emergency_signs_show_on_the_first_plan_of_each_week(
    bot: Bot, person: Person
) -> None:
    await person.onboard()  # Monday 2 March 2026
    assert bot.clock.now().date() == date(2026, 3, 2)
    signs = "Emergency now: numbness or tingling around the genitals"
    shown = []
    for _day in range(10):  # Monday to the Wednesday after next
        plan_id = await check_in(person, 5)  # a steady 5: red flags are never asked
        text = next(m.text or "" for m in person.messages() if m.message_id == plan_id)
        shown.append(signs in text)
        bot.clock.advance(timedelta(days=1))
    assert shown == [True, False, False, False, False, False, False, True, False, False]
    assert "/redflags" in texts.RED_FLAGS_WEEKLY

    bot.clock.advance(timedelta(days=5))  # Monday: no check-in until Wednesday
    bot.clock.advance(timedelta(days=2))
    plan_id = await check_in(person, 5)
    text = next(m.text or "" for m in person.messages() if m.message_id == plan_id)
    assert signs in text  # the week's first plan, whichever day it falls on


async def test_after_time_away_the_answers_given_today_stand_for_today(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    await check_in(person, 3)
    bot.clock.advance(timedelta(days=15))
    await person.say("/checkin")
    await person.expect("How does your back feel")
    await person.press("3")
    await person.expect("three quick safety questions")
    await answer_tiers(person, "No", "No", "No")
    await person.expect("Today's plan")

    for pain in ("4", "2"):  # re-rating the same day: the plan, no question again
        await person.say("/checkin")
        await person.expect("How does your back feel")
        await person.press(pain)
        plan = await person.expect("Today's plan")
        assert f"pain {pain}/10" in (plan.text or "")
    replies = await settle(person)
    assert not any("safety questions" in t for t in replies)
    kinds = [e.kind for e in (await stored(bot, person.user_id)).safety]
    assert kinds.count(SafetyEventKind.RED_FLAGS_NONE) == 2  # set-up, and today's once
