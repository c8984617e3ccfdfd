"""Progress, weekly summary, export and deletion, end to end."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from storage.models import Base
from tests.e2e.conftest import Bot, Person, check_in, press_move, quiet_window, settle, shown_before

pytestmark = pytest.mark.e2e


async def tick(bot: Bot, when: datetime) -> None:
    bot.clock.current = when
    await bot.app.dispatcher.dispatch(when)


async def days_of_checkins(bot: Bot, person: Person, pains: list[int]) -> None:
    """One check-in a day, from the next day on, each session done."""
    for pain in pains:
        bot.clock.advance(timedelta(days=1))
        plan = await check_in(person, pain)
        message = next(m for m in person.messages() if m.message_id == plan)
        for button in message.buttons:
            action, *args, _sig = str(button["callback_data"]).split("|")
            if action == "dn":
                await press_move(person, "dn", args[1])
        await settle(person)


async def test_progress_needs_two_checkins_then_sends_a_chart_with_a_caption(
    bot: Bot, person: Person
) -> None:
    await person.onboard()
    await person.say("/progress")
    await person.expect("at least two check-ins")
    await person.press("5")
    await person.expect("Today's plan")
    await days_of_checkins(bot, person, [4, 3])
    await quiet_window()
    await person.say("/progress")
    photo = await person.emu.wait_for(
        person.user_id, lambda m: m.kind == "photo", after=person.seen
    )
    image = Image.open(io.BytesIO(photo.file or b""))
    assert image.format == "PNG" and image.size == (1200, 750)
    # While the chart was drawn, the chat said a photo was on its way.
    assert shown_before(bot, person.user_id, "upload_photo", "sendPhoto")
    assert "Average pain this week: 4.0/10" in (photo.text or "")  # (5 + 4 + 3) / 3
    assert "stage 2" in (photo.text or "")
    await person.say("/progress 90")
    await person.emu.wait_for(person.user_id, lambda m: m.kind == "photo", after=person.seen)
    for bad in ("/progress 0", "/progress 5000", "/progress lots"):
        await person.say(bad)
        await person.expect("/progress 90")


async def test_the_weekly_summary_comes_on_sunday_at_18_local_and_can_be_turned_off(
    bot: Bot, person: Person
) -> None:
    await person.onboard()  # Monday 2 March, Berlin
    await person.press("3")
    await person.expect("Today's plan")
    sunday = datetime(2026, 3, 8, 17, 0, tzinfo=UTC)  # 18:00 in Berlin
    await tick(bot, sunday - timedelta(minutes=1))
    assert not any("Your week" in (m.text or "") for m in person.messages())
    await tick(bot, sunday)
    summary = await person.expect("Your week with Back Coach")
    assert "Check-ins: 0 of 7 days" not in (summary.text or "")
    await person.say("/settings")
    await person.expect("Weekly summary: on")
    await person.press("Turn summary off")  # the button names the action, the text the state
    await person.expect("Saved")
    await tick(bot, sunday + timedelta(days=7))
    assert sum("Your week" in (m.text or "") for m in person.messages()) == 1


async def test_export_sends_a_csv_of_everything_stored_in_the_persons_time_zone(
    bot: Bot, person: Person
) -> None:
    bot.clock.current = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)  # 23:30 in Auckland (+13)
    await person.onboard(zone="Pacific/Auckland")
    await person.press("6")  # checked in at 23:30 local on Monday 2 March
    await person.expect("Today's plan")
    await press_move(person, "dn", "bar_hang")
    await settle(person)
    await person.say("/export")
    document = await person.emu.wait_for(
        person.user_id, lambda m: m.kind == "document", after=person.seen
    )
    assert document.filename == "back-coach-data-2026-03-02.csv"
    text = (document.file or b"").decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    checkins = [row for row in table if row["event"] == "checkin"]
    assert [(r["date"], r["value"]) for r in checkins] == [("2026-03-02", "6")]
    assert checkins[0]["time"] == "2026-03-02T23:30:00+13:00"
    done = [row for row in table if row["event"] == "move_done"]
    assert [(r["date"], r["move"]) for r in done] == [("2026-03-02", "bar_hang")]
    consent = next(row for row in table if row["event"] == "consent")
    assert consent["value"] and consent["time"].endswith("+13:00")
    settings = {row["detail"]: row["value"] for row in table if row["event"] == "setting"}
    assert settings["time_zone"] == "Pacific/Auckland"
    assert settings["bar_hang_times"] == "08:30 18:30"
    assert {"screening", "red_flags_none"} <= {row["event"] for row in table}


async def test_deletedata_erases_every_row_and_reminder_and_start_begins_fresh(
    bot: Bot, person: Person
) -> None:
    other = Person(bot, 5002)
    await other.onboard()
    await person.onboard()
    await days_of_checkins(bot, person, [4, 3])
    await tick(bot, bot.clock.now() + timedelta(hours=9))  # a hang reminder in the ledger

    async def counts(chat_id: int) -> dict[str, int]:
        async with bot.store.engine.connect() as connection:
            return {
                table.name: await connection.scalar(
                    select(func.count()).select_from(table).where(table.c.chat_id == chat_id)
                )
                or 0
                for table in Base.metadata.sorted_tables
                if "chat_id" in table.c
            }

    before, others = await counts(person.user_id), await counts(other.user_id)
    assert all(before[name] for name in ("people", "ratings", "feedback", "reminders"))
    await person.say("/deletedata")
    await person.expect("Delete everything?")
    await person.press("No, keep")
    await person.expect("Nothing was deleted")
    assert await counts(person.user_id) == before
    await person.say("/deletedata")
    await person.expect("Delete everything?")
    await person.press("Yes, delete it all")
    done = await person.expect("erased")
    assert "chat history itself stays in your Telegram" in (done.text or "")
    assert set((await counts(person.user_id)).values()) == {0}
    assert await counts(other.user_id) == others
    await person.say("/start")
    await person.expect("Do you agree")
