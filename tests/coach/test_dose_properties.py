"""Properties of the dose levels over generated histories (the "ci" hypothesis profile: no
deadline)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coach.doses import level_resets, levels_on, walk
from coach.model import Feedback, History, MoveFeedback, Rating
from coach.program import default_program
from coach.rules import replay
from tests.coach.conftest import GYM, START

PROGRAM = default_program()
HANG_TOP = PROGRAM.move("bar_hang").top_level
SLUGS = ["bar_hang", "seated_row", "reverse_hyper", "pull_through", "deadlift"]
ANSWERS = [Feedback.EASY, Feedback.EASY, Feedback.RIGHT, Feedback.HARD, Feedback.WORSE]
DAY = st.tuples(
    st.one_of(st.integers(0, 2), st.integers(0, 10)),  # pain
    st.one_of(st.just(0), st.just(0), st.integers(1, 3), st.integers(13, 16)),  # gap after
    st.lists(st.tuples(st.sampled_from(SLUGS), st.sampled_from(ANSWERS)), max_size=6),
)


@st.composite
def histories(draw: st.DrawFn) -> tuple[History, date]:
    ratings: list[Rating] = []
    feedback: list[MoveFeedback] = []
    today = START
    for pain, gap, answers in draw(st.lists(DAY, min_size=1, max_size=40)):
        ratings.append(Rating(today, pain))
        feedback += [MoveFeedback(today, slug, kind) for slug, kind in answers]
        feedback += [MoveFeedback(today, slug, Feedback.DONE) for slug, _ in answers]
        today += timedelta(days=1 + gap)
    return History(GYM, tuple(ratings), tuple(draw(st.permutations(feedback)))), today


@given(histories())
def test_levels_stay_within_1_and_the_top_and_move_one_step_a_day_except_resets(
    case: tuple[History, date],
) -> None:
    history, end = case
    resets = level_resets(replay(PROGRAM, history, end))
    answers: dict[tuple[date, str], set[Feedback]] = {}
    for item in history.feedback:
        answers.setdefault((item.day, item.move), set()).add(item.kind)
    before = walk(PROGRAM, history.feedback, resets, START - timedelta(days=1))
    assert dict(before.levels) == {m.slug: m.start_level for m in PROGRAM.moves}
    current = START
    while current <= end:
        after = walk(PROGRAM, history.feedback, resets, current)
        for move in PROGRAM.moves:
            slug = move.slug
            old, new = before.levels[slug], after.levels[slug]
            said = answers.get((current, slug), set())
            assert 1 <= new <= move.top_level
            if Feedback.WORSE in said or (current in resets and slug != "bar_hang"):
                assert new == 1  # a reset
                continue
            assert abs(new - old) <= 1
            if new > old:
                assert said == {Feedback.EASY, Feedback.DONE}
            if new < old:
                assert Feedback.HARD in said
        assert not after.gentle_hang or after.levels["bar_hang"] < HANG_TOP
        before = after
        current += timedelta(days=1)
    assert levels_on(PROGRAM, history, end) == dict(before.levels)


@given(histories())
def test_the_order_of_feedback_rows_never_changes_a_level(case: tuple[History, date]) -> None:
    history, end = case
    resets = level_resets(replay(PROGRAM, history, end))
    forward = walk(PROGRAM, history.feedback, resets, end)
    backward = walk(PROGRAM, tuple(reversed(history.feedback)), resets, end)
    assert forward == backward
