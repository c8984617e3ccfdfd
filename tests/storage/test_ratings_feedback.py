"""Ratings, feedback and the safety log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coach.model import (
    Equipment,
    Feedback,
    History,
    MoveFeedback,
    Profile,
    Rating,
    SafetyEvent,
    SafetyEventKind,
)
from storage import Store
from storage.models import RatingRow
from tests.storage.builders import NOW, bare_person, full_person

DAY = date(2026, 3, 10)


@pytest.fixture
async def person(store: Store) -> int:
    """A stored person's chat id."""
    async with store.unit() as uow:
        await uow.people.add(full_person(42))
        await uow.commit()
    return 42


async def test_rating_a_day_again_replaces_the_rating(store: Store, person: int) -> None:
    async with store.unit() as uow:
        await uow.ratings.set(person, DAY, 7, NOW)
        await uow.ratings.set(person, DAY - timedelta(days=1), 3, NOW)
        await uow.commit()
    async with store.unit() as uow:
        await uow.ratings.set(person, DAY, 2, NOW + timedelta(hours=1))
        await uow.commit()
    async with store.unit() as uow:
        assert await uow.ratings.get(person, DAY) == Rating(DAY, 2)
        assert await uow.ratings.get(person, DAY + timedelta(days=1)) is None
        assert await uow.ratings.all(person) == (Rating(DAY - timedelta(days=1), 3), Rating(DAY, 2))
    async with store.engine.connect() as connection:
        rows = (await connection.execute(select(RatingRow).where(RatingRow.day == DAY))).all()
    assert len(rows) == 1
    # Core reads skip the ORM, but the column type still restores the zone.
    assert rows[0].updated_at == NOW + timedelta(hours=1)
    assert rows[0].updated_at.tzinfo == UTC


@pytest.mark.parametrize("pain", [-1, 11])
async def test_the_database_refuses_pain_outside_0_to_10(
    store: Store, person: int, pain: int
) -> None:
    async with store.unit() as uow:
        with pytest.raises(IntegrityError):
            await uow.ratings.set(person, DAY, pain, NOW)


async def test_a_rating_needs_a_person(store: Store) -> None:
    async with store.unit() as uow:
        with pytest.raises(IntegrityError):
            await uow.ratings.set(999, DAY, 3, NOW)


async def test_feedback_is_recorded_once_and_can_be_undone(store: Store, person: int) -> None:
    worse = MoveFeedback(DAY, "seated_row", Feedback.WORSE)
    done = MoveFeedback(DAY, "seated_row", Feedback.DONE)
    async with store.unit() as uow:
        assert await uow.feedback.add(person, worse, NOW) is True
        assert await uow.feedback.add(person, worse, NOW) is False
        assert await uow.feedback.add(person, done, NOW) is True
        await uow.commit()
    async with store.unit() as uow:
        assert await uow.feedback.add(person, worse, NOW) is False
        assert await uow.feedback.all(person) == (worse, done)
        assert await uow.feedback.remove(person, DAY, "seated_row", Feedback.WORSE) is True
        assert await uow.feedback.remove(person, DAY, "seated_row", Feedback.WORSE) is False
        await uow.commit()
    async with store.unit() as uow:
        assert await uow.feedback.all(person) == (done,)


async def test_feedback_comes_back_ordered_by_day(store: Store, person: int) -> None:
    later = MoveFeedback(DAY, "bar_hang", Feedback.DONE)
    earlier = MoveFeedback(DAY - timedelta(days=3), "reverse_hyper", Feedback.DONE)
    async with store.unit() as uow:
        await uow.feedback.add(person, later, NOW)
        await uow.feedback.add(person, earlier, NOW)
        await uow.commit()
    async with store.unit() as uow:
        assert await uow.feedback.all(person) == (earlier, later)


async def test_the_safety_log_keeps_events_in_order(store: Store, person: int) -> None:
    first = SafetyEvent(datetime(2026, 3, 1, 9, tzinfo=UTC), SafetyEventKind.SCREENING, "clear")
    second = SafetyEvent(NOW, SafetyEventKind.RED_FLAG, "urgent: fever")
    async with store.unit() as uow:
        await uow.safety.log(person, second)
        await uow.safety.log(person, first)
        await uow.commit()
    async with store.unit() as uow:
        events = await uow.safety.all(person)
    assert events == (first, second)
    assert all(event.at.tzinfo == UTC for event in events)


async def test_history_assembles_profile_ratings_and_feedback(store: Store, person: int) -> None:
    done = MoveFeedback(DAY, "bar_hang", Feedback.DONE)
    async with store.unit() as uow:
        await uow.ratings.set(person, DAY, 4, NOW)
        await uow.feedback.add(person, done, NOW)
        await uow.commit()
    async with store.unit() as uow:
        history = await uow.history(person)
        with pytest.raises(LookupError):
            await uow.history(12345)
    assert history == History(full_person(42).profile, (Rating(DAY, 4),), (done,))


async def test_a_persons_rows_go_with_them(store: Store) -> None:
    async with store.unit() as uow:
        await uow.people.add(bare_person(7))
        await uow.ratings.set(7, DAY, 1, NOW)
        await uow.commit()
    async with store.unit() as uow:
        await uow.people.delete_everything(7)
        await uow.commit()
    async with store.unit() as uow:
        assert await uow.ratings.all(7) == ()


async def test_the_history_read_in_one_statement_is_what_the_three_reads_give(
    store: Store,
) -> None:
    # Several feedbacks on one day (in the order given), ratings and dated profile
    # changes with and without gym experience, and another person's rows left out.
    bar = Profile(frozenset({Equipment.PULLUP_BAR}))
    gym = Profile(frozenset({Equipment.PULLUP_BAR, Equipment.BAND}), gym_experienced=True)
    async with store.unit() as uow:
        for chat_id in (1, 2):
            await uow.people.add(full_person(chat_id))
        for day, pain in ((date(2026, 3, 4), 5), (date(2026, 3, 2), 3), (date(2026, 3, 3), 0)):
            await uow.ratings.set(1, day, pain, NOW)
        await uow.ratings.set(2, date(2026, 3, 2), 9, NOW)
        for move, kind in (("seated_row", Feedback.DONE), ("bar_hang", Feedback.WORSE)):
            await uow.feedback.add(1, MoveFeedback(date(2026, 3, 3), move, kind), NOW)
        await uow.feedback.add(1, MoveFeedback(date(2026, 3, 2), "bar_hang", Feedback.DONE), NOW)
        await uow.feedback.add(2, MoveFeedback(date(2026, 3, 2), "bar_hang", Feedback.DONE), NOW)
        await uow.profiles.record(1, date(2026, 3, 3), gym, NOW)
        await uow.profiles.record(1, date(2026, 3, 1), bar, NOW)
        await uow.profiles.record(2, date(2026, 3, 1), gym, NOW)
        await uow.commit()
    async with store.unit() as uow:
        history = await uow.history(1)
        assert history.ratings == await uow.ratings.all(1)
        assert history.feedback == await uow.feedback.all(1)
        assert history.profile_changes == await uow.profiles.all(1)
        assert [r.pain for r in history.ratings] == [3, 0, 5]
        assert [(f.day.day, f.move) for f in history.feedback] == [
            (2, "bar_hang"),
            (3, "seated_row"),
            (3, "bar_hang"),
        ]
        assert [c.profile for c in history.profile_changes] == [bar, gym]
        assert (await uow.history(2)).ratings == (Rating(date(2026, 3, 2), 9),)


async def test_each_persons_latest_check_in_day_however_many_they_have(store: Store) -> None:
    async with store.unit() as uow:
        for chat_id in (1, 2, 3):
            await uow.people.add(bare_person(chat_id))
        start = date(2026, 1, 1)
        for back in range(60):
            await uow.ratings.set(1, start + timedelta(days=back), 3, NOW)
        await uow.ratings.set(2, start, 5, NOW)
        await uow.commit()
        latest = await uow.ratings.latest_days({1, 2, 3})
    assert latest == {1: start + timedelta(days=59), 2: start}  # 3 has none: absent


async def test_last_activity_is_each_persons_latest_rating_or_sign_up(store: Store) -> None:
    before = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    at = lambda day, hour: datetime(2026, *day, hour, tzinfo=UTC)  # noqa: E731
    ratings = {
        1: [((5, 29), (5, 29), 8), ((5, 30), (5, 30), 8)],  # quiet since 30 May
        2: [((6, 1), (6, 1), 7)],  # this morning, before the cut
        3: [((6, 1), (6, 1), 13)],  # after it
        6: [((7, 1 + n), (7, 1 + n), 8) for n in range(30)],  # a month later
        7: [((5, 2), (5, 2), 9), ((5, 1), (6, 1), 13)],  # an old day changed after the cut
    }
    async with store.unit() as uow:
        for chat_id in range(1, 8):
            person = bare_person(chat_id)
            person.created_at = at((6, 2), 9) if chat_id == 5 else at((5, 1), 9)
            await uow.people.add(person)
        for chat_id, given in ratings.items():
            for day, when, hour in given:
                await uow.ratings.set(chat_id, date(2026, *day), 3, at(when, hour))
        await uow.commit()
        found = dict(await uow.ratings.last_activity(before))
    assert found == {1: at((5, 30), 8), 2: at((6, 1), 7), 4: at((5, 1), 9)}
