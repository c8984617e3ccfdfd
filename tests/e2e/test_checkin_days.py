"""Several days of check-ins: stages, a flare, feedback buttons, re-rating and commands."""

from __future__ import annotations

from datetime import date, timedelta

from coach import texts
from coach.model import Feedback, Rating
from coach.program import default_program
from conversations.app import COMMANDS
from tests.e2e.conftest import (
    Bot,
    Person,
    check_in,
    labels,
    message_becomes,
    plan_slugs,
    press_move,
    settle,
    stored,
)

PROGRAM = default_program()
STAGE_2 = PROGRAM.stage(2)
STAGE_3 = PROGRAM.stage(3)
FIRST_DAY = date(2026, 3, 2)  # the clock fixture's day (08:00 UTC is 09:00 in Berlin)


async def done_with_everything(person: Person, plan_id: int) -> None:
    """Press Done on every move of a plan and wait until the plan shows each as done."""
    for slug in plan_slugs(person, plan_id):
        name = PROGRAM.move(slug).name
        toast = await press_move(person, "dn", slug)
        assert toast in (texts.DONE_ACK.format(name=name), texts.SESSION_COMPLETE)
        await message_becomes(
            person,
            plan_id,
            lambda m, name=name: f"{texts.BTN_DONE_ALREADY} {name}" in labels(m),
            f"{name} done",
        )


async def test_check_ins_over_days_reach_stage_2_then_3_on_the_days_the_table_says(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    assert STAGE_2.enter is not None and STAGE_3.enter is not None
    stage_2_day = STAGE_2.enter.days_in_row  # pain <= 6 on 3 days in a row
    pain = min(STAGE_2.enter.pain_max, STAGE_3.enter.pain_max)
    day = 0
    while True:
        day += 1
        plan_id = await check_in(person, pain)
        text = next(m.text or "" for m in person.messages() if m.message_id == plan_id)
        stage_2_moves = "Seated Row" in text and "Reverse Hyper" in text
        if day < stage_2_day:
            assert "stage 1: Decompress" in text
            assert not stage_2_moves
            assert plan_slugs(person, plan_id) == ["bar_hang"]
        elif day == stage_2_day:
            # The stage earned is a message of its own, after the plan.
            earned = await person.expect("Stage 2 earned: Activate")
            assert earned.message_id > plan_id
            assert f"{texts.NEW_MOVE}Seated Row" in text
            assert f"{texts.NEW_MOVE}Reverse Hyper" in text
            assert "Back Coach's dose" in text
            assert plan_slugs(person, plan_id) == ["bar_hang", "seated_row", "reverse_hyper"]
        elif "Pull-through" in text:
            break
        else:
            assert "stage 2: Activate" in text and stage_2_moves
        await done_with_everything(person, plan_id)

        if day == stage_2_day:
            await person.say("/why")
            why = (await person.expect("You are in stage")).text or ""
            assert "You are in stage 2: Activate." in why
            assert "You moved up on Wed 4 Mar" in why
            assert "To reach stage 3 (Hinge)" in why
            assert f"pain ≤ 4 on 5 days in a row: {day} of 5 — 2 more days" in why
            assert "4 stage-2 sessions: 1 of 4 — 3 more sessions" in why
            saved = await stored(bot, person.user_id)
            assert [r.pain for r in saved.ratings] == [pain] * day
            done_today = {
                f.move for f in saved.feedback if f.day == FIRST_DAY + timedelta(days=day - 1)
            }
            assert done_today == {"bar_hang", "seated_row", "reverse_hyper"}
            assert all(f.kind is Feedback.DONE for f in saved.feedback)
        bot.clock.advance(timedelta(days=1))
        assert day < 12, "stage 3 never came"

    # Stage 3: 5 days in a row at pain <= 4, 4 stage-2 sessions before the day, and at
    # least 7 days in stage 2 (days 3 to 9), so the 10th day.
    assert day == stage_2_day + max(STAGE_3.enter.sessions, STAGE_3.enter.min_days)
    text = next(m.text or "" for m in person.messages() if m.message_id == plan_id)
    earned = await person.expect("Stage 3 earned: Hinge")
    assert earned.message_id > plan_id and "Pull-through" in (earned.text or "")
    assert "Hyper Row" in text  # the person said they are experienced in the gym
    assert plan_slugs(person, plan_id) == [
        "bar_hang",
        "seated_row",
        "reverse_hyper",
        "hyper_row",
        "pull_through",
    ]
    await person.say("/why")
    why = (await person.expect("You are in stage")).text or ""
    assert "You are in stage 3: Hinge." in why
    assert "4 stage-3 sessions: 0 of 4 — 4 more sessions" in why
    assert "pain ≤ 2 on 7 days in a row" in why


async def week_of_low_pain(bot: Bot, person: Person, pain: int = 2) -> None:
    """Seven days of check-ins at ``pain``; the clock ends on the eighth day."""
    for _day in range(7):
        await check_in(person, pain)
        bot.clock.advance(timedelta(days=1))


async def test_a_flare_after_a_week_of_low_pain_drops_a_stage_to_bar_hangs_only(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    await week_of_low_pain(bot, person)
    await person.say("/today")
    await person.expect("haven't checked in today")

    plan_id = await check_in(person, 7)
    text = next(m.text or "" for m in person.messages() if m.message_id == plan_id)
    assert "Pain 7/10 is high today" in text
    assert "move back to stage 1" in text
    assert "Seated Row" not in text and "Reverse Hyper" not in text
    assert plan_slugs(person, plan_id) == ["bar_hang"]
    assert not any("groin" in t for t in await settle(person))  # 7 is below the red-flag pain

    saved = await stored(bot, person.user_id)
    assert saved.ratings[-1] == Rating(FIRST_DAY + timedelta(days=7), 7)
    assert len(saved.ratings) == 8
    await person.say("/why")
    why = await person.expect("You are in stage")
    assert "You are in stage 1: Decompress." in (why.text or "")
    assert "because of a flare" in (why.text or "")


async def reach_stage_2(bot: Bot, person: Person) -> int:
    """Three days at pain 3: the third day's plan (stage 2) is the newest message."""
    for _day in range(2):
        await check_in(person, 3)
        bot.clock.advance(timedelta(days=1))
    return await check_in(person, 3)


async def test_worse_leaves_a_move_out_and_undo_brings_it_back(bot: Bot, person: Person) -> None:
    await person.onboard()
    plan_id = await reach_stage_2(bot, person)
    today = FIRST_DAY + timedelta(days=2)

    toast = await press_move(person, "wr", "seated_row")
    assert toast == texts.WORSE_ACK.format(name="Seated Row", days="7 days")
    plan = await message_becomes(
        person, plan_id, lambda m: f"{texts.BTN_UNDO} Seated Row" in labels(m), "the Undo button"
    )
    assert "Left out: Seated Row (made it worse; back Wed 11 Mar" in (plan.text or "")
    assert "seated_row" in plan_slugs(person, plan_id)  # as Undo
    assert f"{texts.BTN_DONE} Seated Row" not in labels(plan)
    saved = await stored(bot, person.user_id)
    assert [(f.day, f.move, f.kind) for f in saved.feedback] == [
        (today, "seated_row", Feedback.WORSE)
    ]

    toast = await press_move(person, "un", "seated_row")
    assert toast == texts.UNDO_ACK.format(name="Seated Row")
    plan = await message_becomes(
        person, plan_id, lambda m: f"{texts.BTN_DONE} Seated Row" in labels(m), "Done again"
    )
    assert "Left out" not in (plan.text or "")
    assert (await stored(bot, person.user_id)).feedback == ()

    # /why and the plan agree: nothing is left out any more.
    await person.say("/why")
    why = await person.expect("You are in stage")
    assert "left out now: none" in (why.text or "")


async def test_how_sends_the_moves_own_text(person: Person) -> None:
    await person.onboard()
    await person.press("2")
    await person.expect("Today's plan")
    toast = await press_move(person, "hw", "bar_hang")
    assert toast is None
    how = await person.expect("How to do the Bar Hang")
    assert "lower than you can reach standing" in (how.text or "")
    assert "From the article" in (how.text or "")
    assert "Back Coach adds" in (how.text or "")


async def test_rating_again_the_same_day_replaces_the_rating_and_plans_again(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    await week_of_low_pain(bot, person, pain=3)
    first = await check_in(person, 3)
    assert "seated_row" in plan_slugs(person, first)

    second = await check_in(person, 7)
    assert second != first
    text = next(m.text or "" for m in person.messages() if m.message_id == second)
    assert "Pain 7/10 is high today" in text
    assert plan_slugs(person, second) == ["bar_hang"]
    saved = await stored(bot, person.user_id)
    today = FIRST_DAY + timedelta(days=7)
    assert [r for r in saved.ratings if r.day == today] == [Rating(today, 7)]
    assert len(saved.ratings) == 8

    third = await check_in(person, 3)  # a mis-tap corrected: back to the stage-2 plan
    assert "seated_row" in plan_slugs(person, third)
    saved = await stored(bot, person.user_id)
    assert [r for r in saved.ratings if r.day == today] == [Rating(today, 3)]


async def test_the_commands_answer_sensibly(bot: Bot, person: Person) -> None:
    await person.say("/today")
    await person.expect("send /start")
    await person.onboard()
    await person.press("5")
    await person.expect("Today's plan")

    await person.say("/today")
    today = await person.expect("Today's plan")
    assert "pain 5/10" in (today.text or "")
    assert labels(today)[0] == f"{texts.BTN_DONE} Bar Hang"

    await person.say("/why")
    why = (await person.expect("You are in stage")).text or ""
    assert "You are in stage 1: Decompress." in why
    assert "You started the program on Mon 2 Mar." in why
    assert "pain ≤ 6 on 3 days in a row: 1 of 3 — 2 more days" in why

    await person.say("/exercises")
    moves = (await person.expect("The seven moves")).text or ""
    assert "you are in stage 1: Decompress" in moves
    for move in PROGRAM.moves:
        assert move.name in moves

    await person.say("/redflags")
    await person.expect("groin")
    await person.press("No")
    await person.expect("fever")
    await person.press("No")
    await person.expect("And last")
    await person.press("No")
    await person.expect("none of these apply today")

    await person.say("/privacy")
    privacy = (await person.expect("Privacy")).text or ""
    assert texts.CONSENT_VERSION in privacy and "/deletedata" in privacy

    await person.say("/help")
    help_text = (await person.expect("this list")).text or ""
    for command in COMMANDS:
        if command != "start":
            assert f"/{command}" in help_text

    # Every registered command has a handler: none is answered as unknown.
    for command in [c for c in COMMANDS if c != "help"]:  # /help was answered above
        await person.say(f"/{command}")
        replies = await settle(person)
        assert replies, f"/{command} got no answer"
        assert not any("don't know that command" in t for t in replies), command


async def test_set_my_commands_registers_every_command(bot: Bot) -> None:
    # The English menu, for apps in any language (Russian and Spanish are registered after it).
    menus = bot.emu.commands_by_scope
    english = next(commands for (_, language), commands in menus.items() if language == "")
    registered = {c["command"]: c["description"] for c in english}
    assert list(registered) == COMMANDS
    assert registered == {c: texts.COMMANDS[c] for c in COMMANDS}
    assert bot.emu.calls_of("setMyCommands")
