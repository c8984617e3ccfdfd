"""dispatch(now) with any now: due, not due, paused, done, snoozed, inactive, catch-up."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from coach import texts as texts_module
from coach.model import Feedback, MoveFeedback, RedFlagGroup, SafetyState
from coach.schedule import Delivery, Kind, State
from services import reminders
from services.actions import Action
from services.reminders import Report, hang_answer
from services.unit import unit
from tests.reminders.conftest import World

# 2 March 2026: Berlin is UTC+1. The person's check-in is 08:00 local = 07:00 UTC.
CHECKIN = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
HANG_1 = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
HANG_2 = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)


def texts(world: World, chat_id: int) -> list[str]:
    return [m.text or "" for m in world.sent(chat_id)]


async def deliveries(world: World, chat_id: int) -> list[Delivery]:
    async with world.store.unit() as uow:
        return await uow.schedule.deliveries(chat_id)


async def ledger(world: World, chat_id: int) -> list[tuple[str, int, str, str | None]]:
    async with world.store.unit() as uow:
        rows = await uow.schedule.deliveries(chat_id)
    return [(d.kind.value, d.slot, d.state.value, d.reason) for d in rows]


async def test_nothing_is_sent_before_due_and_each_reminder_once_when_due(world: World) -> None:
    await world.person(1)
    await world.tick(CHECKIN - timedelta(seconds=1))
    assert texts(world, 1) == []
    await world.tick(CHECKIN)
    await world.tick(CHECKIN + timedelta(seconds=25))  # the next tick: nothing again
    assert len(texts(world, 1)) == 1 and "How does your back feel" in texts(world, 1)[0]
    await world.tick(HANG_1)
    assert "Bar hang time" in texts(world, 1)[1]
    buttons = [b["text"] for b in world.sent(1)[1].buttons]
    assert buttons == ["✅ Done", "⏱ Snooze 15 min", "Skip"]
    await world.tick(HANG_2)
    assert len(texts(world, 1)) == 3
    assert await ledger(world, 1) == [
        ("checkin", 0, "sent", None),
        ("hang", 0, "sent", None),
        ("hang", 1, "sent", None),
    ]


async def test_people_in_different_zones_get_reminders_on_their_own_clocks(world: World) -> None:
    await world.person(1, zone="Europe/Berlin", hangs=())
    await world.person(2, zone="America/New_York", hangs=())  # 08:00 EST = 13:00 UTC
    await world.person(3, zone="Asia/Kolkata", hangs=())  # 08:00 IST = 02:30 UTC
    # Kolkata's 08:00 on 2 March passed before the schedule was made (05:00 UTC): next is 3 March.
    await world.tick(CHECKIN)
    assert (len(texts(world, 1)), len(texts(world, 2)), len(texts(world, 3))) == (1, 0, 0)
    await world.tick(datetime(2026, 3, 2, 13, 0, tzinfo=UTC))
    assert (len(texts(world, 1)), len(texts(world, 2)), len(texts(world, 3))) == (1, 1, 0)
    await world.tick(datetime(2026, 3, 3, 2, 30, tzinfo=UTC))
    assert (len(texts(world, 1)), len(texts(world, 2)), len(texts(world, 3))) == (1, 1, 1)


async def test_a_person_who_already_checked_in_gets_no_prompt(world: World) -> None:
    await world.person(1, hangs=())
    async with world.store.unit() as uow:
        await uow.ratings.set(1, date(2026, 3, 2), 3, CHECKIN - timedelta(hours=1))
        await uow.commit()
    await world.tick(CHECKIN)
    assert texts(world, 1) == []
    assert await ledger(world, 1) == [("checkin", 0, "skipped", "checked_in")]


async def test_paused_held_and_inactive_people_get_nothing_and_their_rows_move_on(
    world: World,
) -> None:
    await world.person(1, paused=True)
    await world.person(2, safety=SafetyState(red_flag=RedFlagGroup.URGENT))
    await world.person(3, active=False)
    for when in (CHECKIN, HANG_1, HANG_2):
        await world.tick(when)
    assert texts(world, 1) == texts(world, 2) == texts(world, 3) == []
    assert {r[3] for r in await ledger(world, 1)} == {"paused"}
    assert {r[3] for r in await ledger(world, 2)} == {"on_hold"}
    assert {r[3] for r in await ledger(world, 3)} == {"inactive"}
    async with world.store.unit() as uow:
        rows = await uow.schedule.of(1)
    assert all(r.due > HANG_2 for r in rows)


async def test_a_hang_marked_done_or_done_in_the_plan_gets_no_reminder(world: World) -> None:
    await world.person(1, checkin=None)
    async with world.store.unit() as uow:  # the plan's bar hang was done early in the morning
        await uow.feedback.add(
            1, MoveFeedback(date(2026, 3, 2), "bar_hang", Feedback.DONE), CHECKIN
        )
        await uow.commit()
    await world.tick(HANG_1)
    await world.tick(HANG_2)
    assert len(texts(world, 1)) == 1  # the first hang counts as done; the second still comes
    assert await ledger(world, 1) == [
        ("hang", 0, "skipped", "hang_done"),
        ("hang", 1, "sent", None),
    ]


async def test_snooze_brings_the_hang_back_15_minutes_later_and_done_stops_it(world: World) -> None:
    await world.person(1, checkin=None)
    await world.tick(HANG_1)
    world.clock.current = HANG_1 + timedelta(minutes=1)
    toast = (await hang_answer(world.deps, 1, Action.HANG_SNOOZE, date(2026, 3, 2), "0")).toast
    assert toast is not None
    assert "15 minutes" in toast
    await world.tick(HANG_1 + timedelta(minutes=15))
    assert len(texts(world, 1)) == 1
    await world.tick(HANG_1 + timedelta(minutes=16))
    assert len(texts(world, 1)) == 2 and "Bar hang time" in texts(world, 1)[1]
    world.clock.current = HANG_1 + timedelta(minutes=17)
    toast = (await hang_answer(world.deps, 1, Action.HANG_DONE, date(2026, 3, 2), "0")).toast
    again = (await hang_answer(world.deps, 1, Action.HANG_SNOOZE, date(2026, 3, 2), "0")).toast
    async with world.store.unit() as uow:
        feedback = await uow.feedback.all(1)
    assert toast is not None and again is not None
    assert "done" in toast and "already" in again
    assert MoveFeedback(date(2026, 3, 2), "bar_hang", Feedback.DONE) in feedback
    assert [r[:3] for r in await ledger(world, 1)] == [("hang", 0, "sent"), ("hang", 0, "sent")]


async def test_after_downtime_late_hangs_are_skipped_and_late_prompts_sent_within_limits(
    world: World,
) -> None:
    await world.person(1)  # 08:00 check-in, 08:30 and 18:30 hangs (Berlin)
    await world.person(2)
    # Person 1: the bot comes back at 10:45 local: the hang is 2h15 late, the prompt 2h45.
    await world.tick(datetime(2026, 3, 2, 9, 45, tzinfo=UTC))
    assert [r[2:] for r in await ledger(world, 1)] == [
        ("sent", None),
        ("skipped", "hang_too_late"),
    ]
    # The next day the bot is down from 07:00 to 12:30 local: the prompt is 4h30 late.
    await world.tick(datetime(2026, 3, 3, 11, 30, tzinfo=UTC))
    day_two = [d for d in await deliveries(world, 2) if d.day == date(2026, 3, 3)]
    assert [(d.kind, d.slot, d.state, d.reason) for d in day_two] == [
        (Kind.CHECKIN, 0, State.SKIPPED, "checkin_too_late"),
        (Kind.HANG, 0, State.SKIPPED, "hang_too_late"),
    ]


async def test_three_ignored_prompts_bring_one_still_there_and_then_silence(world: World) -> None:
    await world.person(1, hangs=())
    for day in range(5):
        await world.tick(CHECKIN + timedelta(days=day))
    sent = texts(world, 1)
    assert len(sent) == 4
    assert all("How does your back feel" in t for t in sent[:3])
    assert "Still there?" in sent[3]
    assert (await ledger(world, 1))[-1][3] == "quiet"
    # An answer brings the prompts back.
    async with world.store.unit() as uow:
        person = await uow.people.get(1)
        assert person is not None and person.quiet
        await uow.people.save(replace(person, quiet=False))
        await uow.ratings.set(1, date(2026, 3, 7), 2, CHECKIN + timedelta(days=5))
        await uow.commit()
    await world.tick(CHECKIN + timedelta(days=5))  # checked in already that day
    await world.tick(CHECKIN + timedelta(days=6))
    assert len(texts(world, 1)) == 5 and "How does your back feel" in texts(world, 1)[4]


async def test_a_changed_time_applies_to_the_very_next_reminder(world: World) -> None:
    await world.person(1, hangs=())
    world.clock.current = CHECKIN - timedelta(hours=2)
    async with unit(world.deps) as work:
        person = await work.person(1)
        assert person is not None
        person.checkin_time = time(7, 15)
        await work.save(person)
        await work.commit()
    await world.tick(datetime(2026, 3, 2, 6, 15, tzinfo=UTC))
    assert len(texts(world, 1)) == 1
    await world.tick(CHECKIN)
    assert len(texts(world, 1)) == 1
    assert [(d[0], d[2]) for d in await ledger(world, 1)] == [("checkin", "sent")]
    async with world.store.unit() as uow:
        rows = [r for r in await uow.schedule.of(1) if r.kind is Kind.CHECKIN]
    assert [r.due for r in rows] == [datetime(2026, 3, 3, 6, 15, tzinfo=UTC)]


async def test_snooze_pressed_twice_brings_the_hang_back_once(world: World) -> None:
    await world.person(1, checkin=None)
    await world.tick(HANG_1)
    world.clock.current = HANG_1 + timedelta(minutes=1)
    first = await hang_answer(world.deps, 1, Action.HANG_SNOOZE, date(2026, 3, 2), "0")
    second = await hang_answer(world.deps, 1, Action.HANG_SNOOZE, date(2026, 3, 2), "0")
    assert second.toast == texts_module.HANG_SNOOZED_ALREADY and first.toast != second.toast
    await world.tick(HANG_1 + timedelta(minutes=16))
    await world.tick(HANG_1 + timedelta(minutes=17))
    assert len(texts(world, 1)) == 2


async def test_a_batch_held_back_entirely_does_not_stop_the_reminders_after_it(
    world: World,
) -> None:
    # Thirty prompts queued at 07:52 (claimed early), everyone then checks in by themselves:
    # the sender's first batch (25 at a time) is all held back; the hang queued after them
    # still goes at its time, in the same drain.
    for chat_id in range(1, 31):
        await world.person(chat_id, hangs=())
    await world.person(31, checkin=time(23, 0))
    world.clock.current = CHECKIN - timedelta(minutes=8)
    await reminders.claim(world.deps, world.clock.current, Report(), until=CHECKIN)
    async with unit(world.deps) as work:
        for chat_id in range(1, 31):
            await work.ratings.set(chat_id, date(2026, 3, 2), 2, world.clock.current)
        await work.commit()
    world.clock.current = HANG_1
    await reminders.claim(world.deps, HANG_1, Report())
    report = await world.dispatcher.dispatch(HANG_1)
    assert report.skipped == {"checked_in": 30}
    assert ["Bar hang time" in text for text in texts(world, 31)] == [True]
    assert all(texts(world, chat_id) == [] for chat_id in range(1, 31))
