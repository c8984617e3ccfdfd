"""Onboarding through every path: time-zone forms, times, consent and /start again.

Screening and red-flag answers at onboarding are in test_safety_flows.py."""

from __future__ import annotations

from datetime import time

from tests.e2e.conftest import Bot, Person, labels, no_to_safety, stored, to_time_zone

# --- time zones ------------------------------------------------------------------------------


async def test_an_iana_zone_name_is_stored_and_the_check_in_time_is_asked_next(
    bot: Bot, person: Person
) -> None:
    await to_time_zone(person)
    await person.say("Europe/Berlin")
    set_ = await person.expect("Time zone set")
    assert "Europe/Berlin" in (set_.text or "")
    assert "it's 09:00 there now" in (set_.text or "")  # 08:00 UTC is 09:00 in Berlin in March
    await no_to_safety(person)
    saved = (await stored(bot, person.user_id)).person
    assert saved.timezone == "Europe/Berlin"
    assert saved.step == "checkin_time"


async def test_a_city_name_finds_its_zone(bot: Bot, person: Person) -> None:
    await to_time_zone(person)
    await person.say("Berlin")
    await person.expect("Time zone set: Europe/Berlin")
    await no_to_safety(person)
    assert (await stored(bot, person.user_id)).person.timezone == "Europe/Berlin"


async def test_an_ambiguous_city_offers_a_choice_and_the_chosen_zone_is_stored(
    bot: Bot, person: Person
) -> None:
    await to_time_zone(person)
    await person.say("Springfield")
    choice = await person.expect("Several places match")
    options = labels(choice)
    assert len(options) >= 2
    assert all("Springfield" in option for option in options)
    assert any("America/Chicago" in option for option in options)
    saved = (await stored(bot, person.user_id)).person
    assert saved.step == "tz_choice" and saved.timezone is None

    await person.press("America/New_York")
    await person.expect("Time zone set: America/New_York")
    await no_to_safety(person)
    saved = (await stored(bot, person.user_id)).person
    assert saved.timezone == "America/New_York"
    assert saved.step == "checkin_time"


async def test_a_shared_location_sets_the_zone_of_that_place(bot: Bot, person: Person) -> None:
    await to_time_zone(person)
    question = person.messages()[-1]
    assert question.reply_markup is not None
    share = question.reply_markup["keyboard"][0][0]
    assert share["request_location"] is True

    await person.share_location(-33.87, 151.21)
    await person.expect("Time zone set: Australia/Sydney")
    await no_to_safety(person)
    assert (await stored(bot, person.user_id)).person.timezone == "Australia/Sydney"


async def test_a_utc_offset_is_stored_with_a_warning_about_daylight_saving(
    bot: Bot, person: Person
) -> None:
    await to_time_zone(person)
    await person.say("UTC+3")
    set_ = await person.expect("Time zone set")
    assert "UTC+3" in (set_.text or "")
    assert "it's 11:00 there now" in (set_.text or "")
    await person.expect("does not follow daylight saving")
    await no_to_safety(person)
    saved = (await stored(bot, person.user_id)).person
    assert saved.timezone == "Etc/GMT-3"  # POSIX sign: three hours ahead of UTC


async def test_an_unknown_place_is_answered_clearly_and_the_step_stays(
    bot: Bot, person: Person
) -> None:
    await to_time_zone(person)
    before = await stored(bot, person.user_id)
    await person.say("Xyzzyville")
    answer = await person.expect("couldn't find")
    assert "Europe/Berlin" in (answer.text or "")  # the hint says what to try
    after = await stored(bot, person.user_id)
    assert after == before
    assert after.person.step == "timezone"

    await person.say("Berlin")  # the step still takes an answer
    await person.expect("Time zone set: Europe/Berlin")


# --- screening and red flags --------------------------------------------------------------


# --- times --------------------------------------------------------------------------------


async def test_a_typed_check_in_time_is_accepted_and_an_impossible_one_refused(
    bot: Bot, person: Person
) -> None:
    await to_time_zone(person)
    await person.say("Berlin")
    await no_to_safety(person)

    await person.say("25:00")
    await person.expect("Please send a time")
    await person.expect("When should I ask")
    saved = (await stored(bot, person.user_id)).person
    assert saved.checkin_time is None and saved.step == "checkin_time"

    await person.say("7:45pm")
    await person.expect("What do you have")
    saved = (await stored(bot, person.user_id)).person
    assert saved.checkin_time == time(19, 45)
    assert saved.step == "equipment"


async def test_typed_hang_times_are_stored_and_a_wrong_count_is_refused(
    bot: Bot, person: Person
) -> None:
    await to_time_zone(person)
    await person.say("Berlin")
    await no_to_safety(person)
    await person.press("08:00")
    await person.choose_equipment(("pull-up bar",))
    await person.expect("type 2 or 3 times")

    await person.say("07:00")
    await person.expect("Please send 2 or 3 different times")
    assert (await stored(bot, person.user_id)).person.hang_times == ()

    await person.say("7:15, 12h30 8:05pm")
    await person.expect("All set")
    saved = (await stored(bot, person.user_id)).person
    assert saved.hang_times == (time(7, 15), time(12, 30), time(20, 5))
    assert saved.registered and saved.step is None


# --- consent and /start -------------------------------------------------------------------


async def test_declining_consent_stores_nothing(bot: Bot, person: Person) -> None:
    await person.say("/start")
    await person.expect("Do you agree")
    await person.press("No thanks")
    await person.expect("I have stored nothing about you")
    saved = await stored(bot, person.user_id)
    assert saved.person is None
    assert saved.ratings == saved.feedback == saved.safety == ()

    await person.say("/start")  # changing one's mind starts afresh
    await person.expect("Do you agree")


async def test_start_again_never_wipes_a_registered_persons_data(bot: Bot, person: Person) -> None:
    await person.onboard()
    await person.press("4")
    await person.expect("Today's plan")
    before = await stored(bot, person.user_id)
    assert len(before.ratings) == 1

    await person.say("/start")
    await person.expect("Welcome back")
    after = await stored(bot, person.user_id)
    assert after.ratings == before.ratings
    assert after.person.registered
    assert after.person.timezone == before.person.timezone
    assert after.person.consent_at == before.person.consent_at


async def test_start_in_the_middle_of_onboarding_asks_the_current_step_again(
    bot: Bot, person: Person
) -> None:
    await to_time_zone(person)
    await person.say("Berlin")
    await no_to_safety(person)
    await person.press("08:00")
    await person.expect("What do you have")
    before = await stored(bot, person.user_id)

    await person.say("/start")
    await person.expect("Let's finish setting you up")
    question = await person.expect("What do you have")
    assert labels(question)[-1] == "Done"
    assert await stored(bot, person.user_id) == before
    assert before.person.consent_at is not None

    await person.press("Done")  # and the re-asked question works: no bar, no hang times
    await person.expect("No bar-hang reminders")


async def test_set_up_takes_eleven_answers_from_start_to_the_first_plan(
    bot: Bot, person: Person
) -> None:
    answers = 0

    async def press(label: str) -> None:
        nonlocal answers
        answers += 1
        await person.press(label)

    async def say(text: str) -> None:
        nonlocal answers
        answers += 1
        await person.say(text)

    await say("/start")
    await person.expect("Do you agree")
    await press("I agree")
    await person.expect("Which time zone")
    await say("Berlin")
    await person.expect("Do any of these apply")
    await press("None of these")
    await person.expect("groin")
    await press("No")
    await person.expect("fever")
    await press("No")
    await person.expect("And last")
    await press("No")
    await person.expect("When should I ask")
    await say("7:30am")
    question = await person.expect("What do you have")
    for label in ("pull-up bar", "resistance band"):  # toggles, not answers
        data = next(b["callback_data"] for b in question.buttons if label in b["text"])
        await person.press_data(question.message_id, data)
    await press("Done")
    await person.expect("When should I remind you")
    await press("2 a day")
    await person.expect("How does your back feel")
    await press("3")
    await person.expect("Today's plan")
    assert answers <= 11  # three red-flag tiers, each its own yes/no
    saved = (await stored(bot, person.user_id)).person
    assert saved.checkin_time == time(7, 30) and len(saved.hang_times) == 2


async def test_without_a_bar_no_hang_times_are_asked_and_none_are_reminded(
    bot: Bot, person: Person
) -> None:
    await person.onboard(equipment=False)
    saved = await stored(bot, person.user_id)
    assert saved.person.hang_times == ()
    async with bot.store.unit() as uow:
        kinds = {r.kind.value for r in await uow.schedule.of(person.user_id)}
    assert "hang" not in kinds and "checkin" in kinds
    await person.say("/reminders")
    reminders = await person.expect("Your reminders")
    assert "No bar-hang reminders" in (reminders.text or "")


async def test_exercises_and_redflags_answer_before_set_up(bot: Bot, person: Person) -> None:
    await person.say("/exercises")
    await person.expect("The seven moves")
    await person.say("/redflags")
    await person.expect("Warning signs that need a doctor")
    await person.say("/why")
    await person.expect("send /start")
