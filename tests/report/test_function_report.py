"""The activities in the doctor's report, from a known history: the table by week over the
period (gaps kept, the mean of the week's ratings), each activity's change since its first
rating against the scale's detectable change, and the PDF showing them, in each language."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from coach import i18n, texts
from coach.function import Activity, ActivityRating, Function, week_of
from coach.function_report import table
from coach.report_figures import build
from conversations.report_command import render
from tests.report.test_report import PROGRAM, events, pdf_text, person, story

MON1, MON2, MON3, MON4 = date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23)
SHOES = Activity(1, "tie my shoes", MON1)
FILM = Activity(2, "sit through a film", MON1, retired=MON3)
LATE = Activity(3, "walk the dog", MON4)
FUNCTION = Function(
    (SHOES, FILM, LATE),
    (
        ActivityRating(1, MON1, 2),
        ActivityRating(2, MON1, 5),
        ActivityRating(2, MON2, 6),
        ActivityRating(1, MON3, 4),
        ActivityRating(1, MON4, 6),
    ),
)


def test_the_table_covers_the_period_and_each_change_is_weighed_against_the_scale() -> None:
    found = table(FUNCTION, MON1 + timedelta(days=3))
    assert found is not None
    assert found.activities == (SHOES, FILM)  # the dog is named but never rated
    assert [(w.week, w.scores) for w in found.weeks] == [
        (MON1, (2, 5)),
        (MON2, (None, 6)),
        (MON3, (4, None)),
        (MON4, (6, None)),
    ]
    assert found.weeks[0].average == 3.5
    shoes, film = found.lines
    assert "2" in shoes and "→ 6" in shoes and "+4" in shoes
    assert texts.REPORT_FUNCTION_BEYOND in shoes  # 4 points: over the 3 of one activity
    assert "+1" in film and texts.REPORT_FUNCTION_WITHIN in film
    assert texts.REPORT_FUNCTION_RETIRED.format(name=FILM.name, day=texts.day_month(MON3)) in film
    # The mean change: (+4 + 1) / 2 = +2.5, over the 2 points of the mean.
    assert found.average is not None and "+2.5" in found.average
    assert texts.REPORT_FUNCTION_BEYOND in found.average


def test_a_period_after_the_ratings_or_without_any_has_no_table() -> None:
    assert table(FUNCTION, MON4 + timedelta(days=7)) is None
    assert table(Function((SHOES,), ()), MON1) is None


def test_a_period_starting_later_keeps_the_change_since_the_first_rating() -> None:
    found = table(FUNCTION, MON3)
    assert found is not None
    assert [w.week for w in found.weeks] == [MON3, MON4]
    assert found.activities == (SHOES,)
    assert "+4" in found.lines[0]


def test_the_pdf_shows_the_activities_in_each_language() -> None:
    told = story()
    first = min(r.day for r in told.history.ratings)
    function = Function(
        (SHOES,),
        (
            ActivityRating(1, first - timedelta(days=first.weekday()), 2),
            ActivityRating(1, week_of(told.last), 6),
        ),
    )
    for language in i18n.LANGUAGES:
        with i18n.speaking(language):
            history = replace(told.history, function=function)
            report = build(PROGRAM, person(), history, events(first), told.last, 30)
            assert report.function is not None
            text = " ".join(pdf_text(render(report)).split())
            assert texts.REPORT_FUNCTION_HEADING in text
            assert texts.REPORT_FUNCTION_KEY.format(number=1, name="tie my shoes") in text
            assert texts.REPORT_FUNCTION_BEYOND in text
    without = build(PROGRAM, person(), told.history, events(first), told.last, 30)
    assert without.function is None
    assert texts.REPORT_FUNCTION_HEADING not in pdf_text(render(without))
