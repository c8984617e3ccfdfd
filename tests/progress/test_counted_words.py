"""Counts and filled-in words in Russian and Spanish: /why, the chart's caption and title, and
the weekly summary never show an English "none" or "days", nor an abbreviated «дн.», and a
count after "of" takes the genitive in Russian ("3 из 4 дней", "из 1 дня")."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from coach import i18n
from coach.explain import standing, why_text
from coach.progress import caption, series, weekly_summary
from conversations.chart import scene_of
from tests.progress.test_progress import PROGRAM, START, coached

ENGLISH = re.compile(r"\b(none|days?|more)\b", re.IGNORECASE)


def stage_two(days: int) -> tuple[str, str, str]:
    """/why, the caption and the weekly summary of someone in stage 2 after ``days`` days:
    nothing left out yet, so the condition "no move left out" lists none."""
    history = coached([5] * days)
    at = standing(PROGRAM, history, START + timedelta(days=days - 1))
    assert at.stage == 2 and at.next_stage == 3
    return why_text(PROGRAM, at), caption(PROGRAM, at), weekly_summary(PROGRAM, at)


@pytest.mark.parametrize("language", ["ru", "es"])
def test_why_the_caption_and_the_weekly_summary_have_no_english_count_or_none(
    language: str,
) -> None:
    with i18n.speaking(language):
        why, words, summary = stage_two(4)
    for text in (why, words, summary):
        assert ENGLISH.search(text) is None, text
        assert "дн." not in text
    with i18n.speaking(i18n.DEFAULT):
        english_why, _, english_summary = stage_two(4)
    assert "(left out now: none)" in english_why  # the word the translations replace
    assert "of 4 days" in english_summary


@pytest.mark.parametrize(("days", "written"), [(1, "из 1 дня"), (2, "из 2 дней"), (5, "из 5 дней")])
def test_the_weekly_summary_counts_days_since_sign_up_in_the_genitive(
    days: int, written: str
) -> None:
    history = coached([4] * days)
    at = standing(PROGRAM, history, START + timedelta(days=days - 1))
    with i18n.speaking("ru"):
        summary = weekly_summary(PROGRAM, at)
    assert f"Отметки: {days} {written}" in summary, summary


@pytest.mark.parametrize(
    ("days", "ru", "es"),
    [(2, "за 2 дня", "últimos 2 días"), (5, "за 5 дней", "últimos 5 días"),
     (21, "за 21 день", "últimos 21 días")],
)  # fmt: skip
def test_the_charts_title_counts_its_days_in_words(days: int, ru: str, es: str) -> None:
    history = coached([3] * 40)
    at = standing(PROGRAM, history, START + timedelta(days=39))
    titles = {}
    for language in ("ru", "es", "en"):
        with i18n.speaking(language):
            (title,) = scene_of(series(at, days)).texts("title")
            titles[language] = title.text
    assert titles["ru"].endswith(ru) and titles["es"].endswith(es), titles
    assert titles["en"] == f"Your back over the last {days} days"
