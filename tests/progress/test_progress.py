"""The chart's data series and caption for a known history; the chart is a real PNG."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image

from coach.explain import standing, why_text
from coach.model import Equipment, Feedback, History, MoveFeedback, Profile, Rating
from coach.program import default_program
from coach.progress import caption, series, weekly_summary
from coach.rules import replay, required_moves
from conversations.chart import render

PROGRAM = default_program()
START = date(2026, 3, 2)
EVERYTHING = Profile(frozenset(Equipment), gym_experienced=True)


def coached(pains: list[int | None]) -> History:
    """A history with a check-in each day (None: missed) and every session done."""
    ratings: list[Rating] = []
    feedback: list[MoveFeedback] = []
    for offset, pain in enumerate(pains):
        if pain is None:
            continue
        day = START + timedelta(days=offset)
        ratings.append(Rating(day, pain))
        history = History(EVERYTHING, tuple(ratings), tuple(feedback))
        last = replay(PROGRAM, history, day)[-1]
        for slug in required_moves(PROGRAM, history, last.stage, day, last.flare):
            feedback.append(MoveFeedback(day, slug, Feedback.DONE))
    return History(EVERYTHING, tuple(ratings), tuple(feedback))


def test_the_series_follows_the_history_day_by_day() -> None:
    pains: list[int | None] = [6, 5, None, 5, 4, 4, 3]
    today = START + timedelta(days=6)
    drawn = series(standing(PROGRAM, coached(pains), today), 10)
    # 10 days asked, 7 since the first check-in: the chart starts at the first check-in.
    assert drawn.days[0] == START and drawn.days[-1] == today and len(drawn.days) == 7
    assert list(drawn.pain) == pains
    # Stage 2 needs 3 days in a row at pain <= 6: the missed day resets the streak.
    assert list(drawn.stage) == [1, 1, 1, 1, 1, 2, 2]
    assert list(drawn.session) == [False] * 5 + [True, True]
    assert drawn.checkins == 6


def test_the_caption_gives_this_week_against_last_week_the_stage_and_the_next_unlock() -> None:
    pains: list[int | None] = [6, 6, 6, 6, 6, 6, 6, 4, 4, 3, 3, 2, 2, 2]
    today = START + timedelta(days=13)
    at = standing(PROGRAM, coached(pains), today)
    text = caption(PROGRAM, at)
    assert "Average pain this week: 2.9/10 (last week: 6.0/10)." in text  # 20/7 and 42/7
    assert f"You are in stage {at.stage}" in text
    assert at.stage == 3
    # The same figures as /why: each unmet condition of the next stage, word for word.
    why = why_text(PROGRAM, at)
    for line in text.splitlines()[2].removeprefix("Next, stage 4 needs: ").rstrip(".").split("; "):
        assert line in why
    summary = weekly_summary(PROGRAM, at)
    assert text in summary and "lower than last week" in summary


def test_the_chart_is_a_png_sized_for_a_phone_for_30_and_90_days() -> None:
    history = coached([max(0, 7 - day // 10) for day in range(90)])
    at = standing(PROGRAM, history, START + timedelta(days=89))
    for window in (30, 90):
        png = render(series(at, window))
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.size == (1200, 750)
        assert 10_000 < len(png) < 1_000_000


def test_the_caption_is_about_the_period_asked_for() -> None:
    pains: list[int | None] = [9, 9, 8, 8, 7, 7, 6] * 4 + [4, 3, 3, 2, 2, 2, 2] * 2
    today = START + timedelta(days=len(pains) - 1)
    at = standing(PROGRAM, coached(pains), today)
    captions = {days: caption(PROGRAM, at, series(at, days)) for days in (7, 30, 90)}
    assert len(set(captions.values())) == 3
    assert captions[7].startswith("Last 7 days: check-ins: 7")
    assert "lowest 2, highest 4" in captions[7]
    assert captions[30].startswith("Last 30 days: check-ins: 30")
    assert captions[90].startswith(f"Last {len(pains)} days: check-ins: {len(pains)}")
    assert "highest 9" in captions[90] and "highest 9" not in captions[7]


def test_a_stage_1_day_with_the_hang_done_is_marked_on_the_chart() -> None:
    history = History(
        EVERYTHING,
        (Rating(START, 7), Rating(START + timedelta(days=1), 7)),
        (MoveFeedback(START, "bar_hang", Feedback.DONE),),
    )
    at = standing(PROGRAM, history, START + timedelta(days=1))
    assert list(series(at, 7).session) == [False, False]  # no session at stage 1
    assert list(series(at, 7, hangs=frozenset({START})).session) == [True, False]
