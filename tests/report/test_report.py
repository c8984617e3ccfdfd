"""The doctor's report for a known history: its figures, and the PDF they are drawn into.

The figures are checked against the history itself (medians, ranges, sessions computed here
from the pains told), and against /why, the chart's caption and the weekly summary, which
must say the same. The PDF is parsed back (pypdf) and rendered to pixels (pypdfium2).
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from statistics import median

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from coach import i18n, texts
from coach.doses import doses_on, level_resets
from coach.explain import standing, usual_text
from coach.ladder import walk
from coach.model import (
    Feedback,
    History,
    Person,
    RedFlagGroup,
    SafetyEvent,
    SafetyEventKind,
    SafetyState,
)
from coach.program import default_program
from coach.progress import caption, series
from coach.report_figures import Report, build
from conversations.report_command import render
from conversations.report_pdf import MARGIN, week_span
from tests.coach.conftest import GYM, Story

PROGRAM = default_program()
ZONE = "Pacific/Kiritimati"  # UTC+14: a UTC date is often the day before the local one
# Low pain with every session, a flare of 8, a missed day, then low pain again.
PAINS: list[int | None] = [5, 4, 3, 3, 2, 2, 2, 1, 1, 1, 2, 8, 3, 2, None, 2, 2, 1, 1, 1]
PAINS += [1, 2, 1, 1, 3, 2, 2, 1, 1, 1]
FLARE_DAY = PAINS.index(8)


def person(**changes: object) -> Person:
    found = Person(1, datetime(2026, 1, 1, tzinfo=UTC), timezone=ZONE, registered=True)
    for name, value in changes.items():
        setattr(found, name, value)
    return found


def story(pains: list[int | None] = PAINS) -> Story:
    return Story(PROGRAM, History(GYM)).then(pains, sessions=True)


def events(first: date) -> tuple[SafetyEvent, ...]:
    """Screening on the first day, red flags "yes" (urgent) 3 days on and a clearance the
    day after, in Kiritimati's dates: each written at 11:30 UTC the day before."""

    def at(offset: int) -> datetime:
        return datetime.combine(first + timedelta(days=offset - 1), datetime.min.time(), UTC) + (
            timedelta(hours=11, minutes=30)
        )

    return (
        SafetyEvent(at(0), SafetyEventKind.SCREENING, "osteoporosis"),
        SafetyEvent(at(3), SafetyEventKind.RED_FLAG, "urgent (wording 2026-11-26)"),
        SafetyEvent(at(4), SafetyEventKind.CLINICIAN_CLEARED),
    )


@pytest.fixture(scope="module")
def told() -> Story:
    told = story()
    return told.worse(told.last - timedelta(days=2), "seated_row")


@pytest.fixture(scope="module")
def report(told: Story) -> Report:
    first = min(r.day for r in told.history.ratings)
    return build(PROGRAM, person(), told.history, events(first), told.last, 30)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_weekly_medians_ranges_and_sessions_are_those_of_the_pains_told(
    told: Story, report: Report
) -> None:
    # Seven-day blocks counted back from the last day, as "this week" is in the caption.
    blocks = [PAINS[max(0, end - 7) : end] for end in range(len(PAINS), 0, -7)][::-1]
    assert [w.checkins for w in report.weeks] == [sum(p is not None for p in b) for b in blocks]
    told_pains = [[p for p in b if p is not None] for b in blocks]
    assert [w.median for w in report.weeks] == [median(b) for b in told_pains]
    assert [(w.low, w.high) for w in report.weeks] == [(min(b), max(b)) for b in told_pains]
    sessions_by_day = {d.day: d.session for d in told.replay()}
    expected = [
        sum(sessions_by_day.get(day, False) for day in _days(w.first, w.last)) for w in report.weeks
    ]
    assert [w.sessions for w in report.weeks] == expected
    assert sum(expected) == report.sessions > 0


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_the_figures_are_those_of_why_the_chart_and_its_caption(
    told: Story, report: Report
) -> None:
    at = standing(PROGRAM, told.history, told.last)
    figures, _stage, unlock = caption(PROGRAM, at).split("\n")
    assert report.summary.split("\n")[0] == figures
    assert report.summary.split("\n")[1] == texts.REPORT_STAGE_NOW.format(
        stage=at.stage, name=at.stage_name
    )
    assert report.summary.split("\n")[2] == unlock  # "Next, stage 4 needs: …"
    assert report.series == series(at, 30, PROGRAM)
    assert (report.stage, report.stage_name) == (at.stage, at.stage_name)
    last = report.weeks[-1]
    week = [p for p in PAINS[-7:] if p is not None]
    assert at.week_average == round(sum(week) / len(week), 1)
    assert usual_text(last.median) in pdf_text(render(report))


def test_stage_changes_hold_the_flare_with_its_pain_and_every_rise(
    told: Story, report: Report
) -> None:
    flare = told.on(told.history.ratings[FLARE_DAY].day)
    assert flare.change is not None  # the 8 moved the person down a stage
    texts_by_day = {e.day: e.text for e in report.changes}
    assert texts_by_day[flare.day].startswith(f"Stage {flare.stage + 1} → {flare.stage}: a flare, ")
    assert "8/10" in texts_by_day[flare.day]
    replayed = [d.day for d in told.replay() if d.change is not None]
    assert [e.day for e in report.changes] == replayed


def test_safety_answers_are_dated_in_the_persons_zone_and_worse_moves_listed(
    report: Report,
) -> None:
    first = report.first
    told = events(first)
    assert [(e.day - first).days for e in report.safety] == [0, 3, 4]
    # Each was written at 11:30 UTC: in Kiritimati it was already the next day.
    assert [e.day - t.at.date() for e, t in zip(report.safety, told, strict=True)] == [
        timedelta(days=1)
    ] * 3
    assert "Diagnosed osteoporosis" in report.safety[0].text
    assert report.safety[1].text == texts.REPORT_RED_FLAG["urgent"]
    assert report.safety[2].text == texts.REPORT_CLEARED
    assert [e.text.split(":")[0] for e in report.worse] == ["Seated Row"]
    assert report.hold is None
    held = build(PROGRAM, person(safety=_red_flag()), History(GYM), (), report.today, 30)
    assert held.hold == texts.REPORT_HOLD["red_flag"]


def _red_flag() -> SafetyState:
    return SafetyState(red_flag=RedFlagGroup.URGENT, red_flag_at=datetime(2026, 1, 1, tzinfo=UTC))


def test_high_pain_most_days_is_listed_as_a_suggestion_to_see_a_clinician() -> None:
    high = story([3, 3, 7, 8, 7, 8, 7])
    found = build(PROGRAM, person(), high.history, (), high.last, 30)
    assert [e.text for e in found.escalations] == [texts.REPORT_ESCALATED["high_pain"]]
    calm = build(PROGRAM, person(), story([3] * 7).history, (), high.last, 30)
    assert calm.escalations == ()


def test_the_pdf_holds_the_figures_with_dates(report: Report) -> None:
    text = pdf_text(render(report))
    flat = re.sub(r"\s+", " ", text)
    for week in report.weeks:
        assert week_span(week) in flat
        assert f"{week.low}–{week.high}" in flat
    for entry in (*report.changes, *report.safety, *report.worse):
        assert texts.report_day(entry.day) in flat
        assert entry.text in flat
    days = texts.plural(len(report.series.days), "day", after_of=True)
    totals = texts.REPORT_TOTALS.format(
        checkins=report.checkins, days=days, sessions=report.sessions
    )
    assert totals in flat
    assert "not a medical device" in flat and "makes no diagnosis" in flat
    for line in report.plan:
        assert line.name in flat and line.dose in flat


def test_thirty_days_fit_one_page_and_ninety_at_most_two() -> None:
    long = story(PAINS * 3 + [2, 1, 1])
    first = min(r.day for r in long.history.ratings)
    month = build(PROGRAM, person(), long.history, events(first), long.last, 30)
    quarter = build(PROGRAM, person(), long.history, events(first), long.last, 90)
    assert len(quarter.weeks) == 13
    assert len(PdfReader(io.BytesIO(render(month))).pages) == 1
    assert len(PdfReader(io.BytesIO(render(quarter))).pages) in (1, 2)


def test_nothing_is_drawn_outside_the_page_margins(report: Report) -> None:
    """Every non-white pixel lies inside the 15 mm margins (a pixel of slack for
    anti-aliasing), and the page is not blank."""
    document = pdfium.PdfDocument(render(report))
    try:
        for index in range(len(document)):
            page = document[index]
            scale = 2.0  # 144 dpi
            image = page.render(scale=scale).to_pil().convert("L")
            width, height = image.size
            margin = round(MARGIN / 25.4 * 72 * scale) - 1
            pixels = image.load()
            inked = [
                (x, y)
                for y in range(0, height, 2)
                for x in range(0, width, 2)
                if pixels[x, y] < 250
            ]
            assert len(inked) > 1000
            outside = [
                (x, y)
                for x, y in inked
                if not (margin <= x < width - margin and margin <= y < height - margin)
            ]
            assert outside == []
    finally:
        document.close()


def test_the_report_names_no_one() -> None:
    someone = person(chat_id=987654321)
    found = build(PROGRAM, someone, story([3, 2]).history, (), story([3, 2]).last, 30)
    assert "987654321" not in pdf_text(render(found))


def test_a_short_window_shows_that_many_days_from_its_title_on(told: Story) -> None:
    found = build(PROGRAM, person(), told.history, (), told.last, 7)
    assert len(found.series.days) == 7 and len(found.weeks) == 1
    assert pdf_text(render(found)).startswith(texts.REPORT_TITLE)


@pytest.mark.parametrize("language", ["en", "ru", "es"])
def test_no_date_or_column_heading_runs_into_the_next_in_any_language(
    told: Story, language: str
) -> None:
    """Russian dates are long ("ср, 14 января 2026"): the dated lines' column widens to fit
    them, and every column heading of the weekly table fits its column (pypdf reads a space
    between two cells only where there is a gap)."""
    first = min(r.day for r in told.history.ratings)
    with i18n.speaking(language):
        found = build(PROGRAM, person(), told.history, events(first), told.last, 30)
        flat = re.sub(r"\s+", " ", pdf_text(render(found)))
        columns = " ".join(texts.REPORT_COLUMNS.values())
        lines = [f"{texts.report_day(e.day)} {e.text}" for e in (*found.changes, *found.safety)]
    assert columns in flat
    assert len(lines) > 5
    for line in lines:
        assert line[:40] in flat


# Second-person words: the report is read by a clinician, so it speaks of the person.
SECOND_PERSON = {
    "en": re.compile(r"\b(you|your|yours|yourself)\b", re.IGNORECASE),
    "ru": re.compile(
        r"\b(вы|вас|вам|вами|ваш\w*|ты|тебя|тебе|тобой|тво[йяеи]\w*)\b", re.IGNORECASE
    ),
    "es": re.compile(
        r"\b(tú|tu|tus|te|ti|contigo|usted|ustedes|estás|eres|tienes|has)\b", re.IGNORECASE
    ),
}
# REPORT_ texts sent to the person in Telegram around the PDF, not printed in it.
TO_THE_PERSON = {"REPORT_USAGE", "REPORT_NO_CHECKINS", "REPORT_CAPTION", "REPORT_FILENAME"}


def printed_templates() -> list[str]:
    """Every text the PDF can print: its REPORT_ texts and the words put into them."""
    found: list[str] = []
    for name in dir(texts):
        if not name.startswith("REPORT_") or name in TO_THE_PERSON:
            continue
        value = getattr(texts, name)
        if isinstance(value, dict):
            found += [v for v in value.values() if isinstance(v, str)]
        elif isinstance(value, str):
            found.append(value)
    return [*found, *texts.FLARE_WHAT.values(), texts.PROGRESS_NEXT]


@pytest.mark.parametrize("language", ["en", "ru", "es"])
def test_the_report_speaks_of_the_person_never_to_them(told: Story, language: str) -> None:
    first = min(r.day for r in told.history.ratings)
    with i18n.speaking(language):
        templates = printed_templates()
        found = build(PROGRAM, person(), told.history, events(first), told.last, 30)
        text = pdf_text(render(found))
    assert len(templates) > 40
    pattern = SECOND_PERSON[language]
    assert [t for t in templates if pattern.search(t)] == []
    assert pattern.search(text) is None, pattern.search(text)
    assert pattern.search("You are in stage 3" if language == "en" else "Вы на этапе 3 Estás")


def test_a_count_of_21_days_reads_in_russian_in_the_reports_header(told: Story) -> None:
    with i18n.speaking("ru"):
        found = build(PROGRAM, person(), told.history, (), told.last, 21)
        flat = re.sub(r"\s+", " ", pdf_text(render(found)))
    assert "(21 день)" in flat and f"Отметки: {found.checkins} из 21 дня" in flat, flat[:300]
    assert "дн." not in flat


def test_a_red_flag_yes_is_a_suggestion_to_see_a_clinician_with_its_tier(report: Report) -> None:
    # Under a red-flag "yes", "Suggestions to see a clinician" is never "none".
    advised = [e for e in report.escalations if e.text == texts.REPORT_ADVISED["urgent"]]
    assert [(e.day - report.first).days for e in advised] == [3]
    first = report.first
    flagged = datetime.combine(first, datetime.min.time(), UTC) + timedelta(hours=12)
    soon = (
        SafetyEvent(flagged, SafetyEventKind.RED_FLAG, "soon (wording 2026-12-07)"),
        SafetyEvent(
            flagged + timedelta(days=1), SafetyEventKind.CLINICIAN_CLEARED, "examined after"
        ),
    )
    told = story()
    found = build(PROGRAM, person(), told.history, soon, told.last, 30)
    assert [e.text for e in found.safety] == [
        texts.REPORT_RED_FLAG["soon"],
        texts.REPORT_CLEARED_EXAMINED,
    ]
    assert texts.REPORT_ADVISED["soon"] in [e.text for e in found.escalations]
    before = build(PROGRAM, person(), told.history, soon, first - timedelta(days=1), 30)
    assert texts.REPORT_ADVISED["soon"] not in [e.text for e in before.escalations]


def test_the_about_text_says_what_the_safety_rules_do() -> None:
    about = texts.REPORT_ABOUT
    assert "any red-flag answer pauses" not in about  # a "soon" answer does not pause
    assert f"pain of {PROGRAM.rules.red_flag_pain} or more" in about
    assert f"{PROGRAM.rules.away_days // 7} weeks away".replace("2", "two") in about
    assert "needs a GP within days keeps the program going" in about


def _boxes(pdf: bytes, words: str) -> tuple[float, float, float, float]:
    """The box around ``words`` on the first page: left, bottom, right, top (points)."""
    page = pdfium.PdfDocument(pdf)[0]
    found = page.get_textpage().search(words).get_next()
    assert found is not None, words
    index, count = found
    boxes = [page.get_textpage().get_charbox(i) for i in range(index, index + count)]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_the_title_never_runs_over_the_name_line(report: Report, language: str) -> None:
    with i18n.speaking(language):
        pdf = render(report)
        title = texts.REPORT_TITLE.split()[-1]  # its last word: where it ends
        name = texts.REPORT_NAME_LINE.split()[0]
    title_box, name_box = _boxes(pdf, title), _boxes(pdf, name)
    same_row = title_box[1] < name_box[3] and name_box[1] < title_box[3]
    assert not same_row or title_box[2] < name_box[0], (language, title_box, name_box)


def test_a_title_too_long_for_one_row_puts_the_name_line_under_it(
    report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    longest = max(_title_in(code) for code in i18n.LANGUAGES)
    monkeypatch.setattr(texts, "REPORT_TITLE", f"{longest} — {longest}", raising=False)
    pdf = render(report)
    title_box, name_box = _boxes(pdf, longest.split()[-1]), _boxes(pdf, "Name:")
    assert name_box[3] <= title_box[1] + 1  # below the title's (last) row


def _title_in(language: str) -> str:
    with i18n.speaking(language):
        return texts.REPORT_TITLE


def test_the_plans_dose_levels_from_the_standings_replay_are_those_of_the_day(
    told: Story,
) -> None:
    """The report walks the dose levels over the standing's own replay instead of replaying
    the history again: on every day of a story with a flare (which starts the levels
    again) and a "made it worse", the levels are those ``doses_on`` finds."""
    first = min(r.day for r in told.history.ratings)
    # Every dose done felt easy on the days before the flare and after it: the levels climb,
    # start again at the flare, and climb again.
    for offset in [*range(1, FLARE_DAY), *range(FLARE_DAY + 1, len(PAINS))]:
        day = first + timedelta(days=offset)
        done = [f.move for f in told.history.feedback if f.day == day and f.kind is Feedback.DONE]
        told = told.answer(day, Feedback.EASY, *done)
    seen: list[int] = []
    for offset in range((told.last - first).days + 1):
        day = first + timedelta(days=offset)
        at = standing(PROGRAM, told.history, day)
        shared = walk(PROGRAM, told.history.feedback, level_resets(at.days), day).levels
        assert shared == doses_on(PROGRAM, told.history, day).levels, day
        seen.append(sum(shared.values()))
    assert max(seen) > seen[0] and any(b < a for a, b in pairwise(seen))
