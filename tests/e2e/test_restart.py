"""Kill the bot (SIGKILL) between any two steps: the person carries on, nothing stored is lost."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from emulator import BotApiEmulator
from storage.unit_of_work import open_store
from tests.e2e.conftest import EVERYTHING, Bot, Person
from tests.e2e.process import fresh_token

pytestmark = pytest.mark.e2e


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(fresh_token()) as emulator:
        yield emulator


async def _wait_ready(emu: BotApiEmulator) -> None:
    """The bot is up once it has registered its commands and started polling."""
    before = len(emu.calls_of("getUpdates"))
    await emu.wait_until(
        lambda: len(emu.calls_of("getUpdates")) > before or None,
        60,
        lambda: "the bot process never started polling",
    )


async def test_onboarding_and_checkin_survive_sigkill_between_steps(
    emu: BotApiEmulator, tmp_path: Path, database_url: str, bot_process: Any
) -> None:
    bot = bot_process(emu.base_url, emu.token, database_url, tmp_path / "bot.log")
    person = Person(Bot(emu, None, None, None), 7001)  # type: ignore[arg-type]

    await bot.start()
    await _wait_ready(emu)
    await person.say("/start")
    await person.expect("Do you agree")
    await person.press("I agree")
    await person.expect("Which time zone")
    await person.say("Europe/Berlin")
    await person.expect("Do any of these apply")

    await bot.kill()  # in the middle of onboarding
    await bot.start()
    await _wait_ready(emu)

    await person.press("None of these")  # the question asked before the crash still works
    await person.expect("groin")
    await person.press("No")
    await person.expect("fever")
    await person.press("No")
    await person.expect("And last")
    await person.press("No")
    await person.expect("When should I ask")

    await bot.kill()
    await bot.start()
    await _wait_ready(emu)

    await person.say("/start")  # back after a crash: the bot picks up the current step
    await person.expect("When should I ask")
    await person.press("08:00")
    await person.choose_equipment(EVERYTHING[:-1])  # all six, new to the gym
    await person.expect("When should I remind you")
    await person.press("3 a day")
    await person.expect("How does your back feel")
    await person.press("2")
    plan = await person.expect("Today's plan")

    await bot.kill()  # in the middle of a check-in: plan shown, nothing done yet
    await bot.start()
    await _wait_ready(emu)

    done = next(b for b in plan.buttons if b["text"].startswith("✅"))
    toast = await person.press_data(plan.message_id, done["callback_data"])
    assert toast is not None and "done" in toast
    assert await bot.stop() == 0

    store = await open_store(database_url)
    try:
        async with store.unit() as uow:
            stored = await uow.people.get(7001)
            ratings = await uow.ratings.all(7001)
            feedback = await uow.feedback.all(7001)
            safety = await uow.safety.all(7001)
    finally:
        await store.close()
    assert stored is not None and stored.registered and stored.step is None
    assert stored.timezone == "Europe/Berlin"
    assert [f"{t:%H:%M}" for t in stored.hang_times] == ["08:30", "13:00", "19:00"]
    assert stored.consent_at is not None and len(stored.profile.equipment) == 6
    assert [r.pain for r in ratings] == [2]
    assert [(f.move, f.kind.value) for f in feedback] == [("bar_hang", "done")]
    assert len(safety) == 2  # the screening answers and "no red flags"


async def test_a_settings_change_and_an_open_red_flag_question_survive_sigkill(
    emu: BotApiEmulator, tmp_path: Path, database_url: str, bot_process: Any
) -> None:
    bot = bot_process(emu.base_url, emu.token, database_url, tmp_path / "bot.log")
    person = Person(Bot(emu, None, None, None), 7002)  # type: ignore[arg-type]
    await bot.start()
    await _wait_ready(emu)
    await person.onboard(equipment=False)

    await person.say("/settings")
    await person.expect("Equipment: none")
    await person.press("Change equipment")
    question = await person.expect("What do you have")
    await person.press("pull-up bar")  # one tick, kept with the open question

    await bot.kill()  # in the middle of a settings change
    await bot.start()
    await _wait_ready(emu)

    await person.say("hello")  # any message asks the open question again, ticks and all
    again = await person.expect("What do you have")
    assert any(b["text"].startswith("☑️") and "pull-up bar" in b["text"] for b in again.buttons)
    assert again.message_id != question.message_id
    await person.press("resistance band")
    await person.press("Done")
    await person.expect("Equipment: a pull-up bar, a resistance band")
    await person.expect("When should I remind you")
    await person.press("2 a day")
    await person.expect("Bar-hang reminders")

    await person.say("/redflags")
    await person.expect("groin")

    await bot.kill()  # with the red-flag question open
    await bot.start()
    await _wait_ready(emu)

    await person.say("/today")
    await person.expect("Before anything else, please answer the safety question")
    await person.press("No")
    await person.expect("And any of these")
    await person.press("No")
    await person.expect("And last")
    await person.press("No")
    await person.expect("none of these apply today")
    assert await bot.stop() == 0

    store = await open_store(database_url)
    try:
        async with store.unit() as uow:
            stored = await uow.people.get(7002)
            changes = await uow.profiles.all(7002)
    finally:
        await store.close()
    assert stored is not None and stored.step is None
    assert {e.value for e in stored.profile.equipment} == {"pullup_bar", "band"}
    assert changes[-1].profile == stored.profile
