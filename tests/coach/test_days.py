"""A person's today across time-zone changes: a day over in any zone they had stays over."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coach.days import floor_on_leaving, local_date, today_in

ZONES = [
    "Pacific/Kiritimati",  # UTC+14
    "Asia/Tokyo",
    "Europe/Berlin",
    "UTC",
    "America/Los_Angeles",
    "Pacific/Pago_Pago",  # UTC-11
    "Asia/Kolkata",
    "America/St_Johns",
]


def test_tokyo_to_los_angeles_after_midnight_keeps_tokyos_today() -> None:
    now = datetime(2026, 3, 9, 15, 20, tzinfo=UTC)  # 00:20 on the 10th in Tokyo
    assert local_date(now, "Asia/Tokyo") == date(2026, 3, 10)
    assert local_date(now, "America/Los_Angeles") == date(2026, 3, 9)  # yesterday, there
    floor = floor_on_leaving(now, "Asia/Tokyo", None)
    assert today_in(now, "America/Los_Angeles", floor) == date(2026, 3, 10)
    # Once the new zone's own date reaches the floor, it is today as usual.
    assert today_in(now + timedelta(hours=20), "America/Los_Angeles", floor) == date(2026, 3, 10)
    assert today_in(now + timedelta(hours=42), "America/Los_Angeles", floor) == date(2026, 3, 11)


def test_moving_east_moves_today_forward_at_once() -> None:
    now = datetime(2026, 3, 9, 20, 0, tzinfo=UTC)  # 13:00 on the 9th in Los Angeles
    floor = floor_on_leaving(now, "America/Los_Angeles", None)
    assert today_in(now, "Asia/Tokyo", floor) == date(2026, 3, 10)


def test_the_first_zone_chosen_sets_no_floor() -> None:
    assert floor_on_leaving(datetime(2026, 3, 9, tzinfo=UTC), None, None) is None


# Random lives across zones: hours pass, and sometimes the person changes zone.
STEPS = st.lists(
    st.tuples(st.integers(0, 40), st.none() | st.sampled_from(ZONES)), min_size=1, max_size=40
)


@given(st.sampled_from(ZONES), STEPS, st.datetimes(datetime(2026, 1, 1), datetime(2027, 1, 1)))
def test_today_never_goes_back_and_no_day_over_in_any_zone_had_is_today_again(
    first: str, steps: list[tuple[int, str | None]], start: datetime
) -> None:
    now, zone, floor = start.replace(tzinfo=UTC), first, None
    reached = local_date(now, zone)  # the latest date reached in any zone had, when had
    previous = today_in(now, zone, floor)
    for hours, new_zone in steps:
        now += timedelta(hours=hours)
        reached = max(reached, local_date(now, zone))
        if new_zone is not None:
            floor = floor_on_leaving(now, zone, floor)
            zone = new_zone
        today = today_in(now, zone, floor)
        assert today >= previous, "today went back"
        assert today >= reached, "a day already over in a zone the person had is today again"
        assert today >= local_date(now, zone)
        previous = today
