"""The v2 rules of DESIGN.md §2, each at the boundary that used to go wrong."""

from __future__ import annotations

from tests.coach.conftest import coached, day

# --- a session is Done on every move the day's plan asks for ----------------------------------


def test_done_on_one_move_and_worse_on_the_other_is_not_a_session() -> None:
    story = coached([2] * 3).then([2])  # stage 2 from day 3
    story = story.done(day(4), "seated_row").worse(day(4), "reverse_hyper")
    assert not story.on(day(4)).session


def test_done_and_then_worse_on_the_same_move_is_not_a_session() -> None:
    story = coached([2] * 3).then([2]).session(day(4)).worse(day(4), "reverse_hyper")
    assert not story.on(day(4)).session


def test_a_worse_from_an_earlier_day_still_leaves_the_move_out_of_the_session() -> None:
    story = coached([2] * 3).then([2]).worse(day(4), "seated_row").then([2])
    story = story.done(day(5), "reverse_hyper")
    assert story.on(day(5)).session
