"""The /report PDF itself, drawn with fpdf2: imported only in the worker thread that draws
it (fpdf2 and its font tools cost memory and a second of import a bot that never makes a
report need not pay)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from coach import texts
from coach.explain import usual_text
from coach.function_report import FunctionTable
from coach.progress import Series
from coach.report_figures import Entry, Report, Week
from conversations.canvas import BOLD, REGULAR
from conversations.chart import STAGE_COLOURS

MARGIN = 15.0  # mm on every side
FONT = "DejaVu"
INK, SOFT, LINE, SESSION = "#0f172a", "#475569", "#1d4ed8", "#16a34a"
CHART_HEIGHT, AXIS_GAP, SESSION_ROW = 42.0, 8.0, 3.5
ROW = 4.1  # mm per line of body text
DATE_COLUMN = 30.0
WEEK_LABEL = 30.0  # the activities table: the week's Monday
# Column widths of the weekly table, in mm (the page is 180 mm wide inside its margins).
WEEK_COLUMNS = (("week", 64.0), ("checkins", 26.0), ("median", 30.0), ("range", 30.0))


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class _Page(FPDF):
    """An A4 page with the report's footer: when it was made, and the page number."""

    made: date
    date_column: float = 30.0  # mm: the dated lines' first column (see _date_column)

    def footer(self) -> None:
        self.set_y(-MARGIN - 4)  # inside the bottom margin, like everything else
        self.set_font(FONT, "", 7)
        self.set_text_color(*_rgb(SOFT))
        text = texts.REPORT_FOOTER.format(day=texts.report_day(self.made), page=self.page_no())
        self.cell(0, 4, text, align="C")


def render(report: Report) -> bytes:
    """The report as PDF bytes (call it in a thread: fonts are embedded and subset)."""
    pdf = _Page(format="A4", unit="mm")
    pdf.made = report.today
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN + 5)
    pdf.set_creation_date(datetime.combine(report.today, datetime.min.time(), UTC))
    pdf.add_font(FONT, "", str(REGULAR))  # DejaVu Sans, shipped in conversations/fonts
    pdf.add_font(FONT, "B", str(BOLD))
    pdf.date_column = _date_column(pdf, report)
    pdf.add_page()
    _header(pdf, report)
    _paragraph(pdf, texts.REPORT_ABOUT, size=7)
    _chart(pdf, report.series)
    _weeks(pdf, report.weeks)
    if report.function is not None:
        _function(pdf, report.function)
    _heading(pdf, texts.REPORT_HEADINGS["now"])
    _paragraph(pdf, report.summary)
    _heading(pdf, texts.REPORT_HEADINGS["changes"])
    start = texts.REPORT_STAGE_START.format(stage=report.start_stage, name=report.start_name)
    _paragraph(pdf, start)
    _entries(pdf, report.changes, none=False)
    _heading(pdf, texts.REPORT_HEADINGS["left_out"])
    _entries(pdf, report.worse)
    _heading(pdf, texts.REPORT_HEADINGS["safety"])
    if report.hold:
        _paragraph(pdf, report.hold, bold=True)
    _entries(pdf, report.safety, none=report.hold is None)
    _heading(pdf, texts.REPORT_HEADINGS["escalations"])
    _entries(pdf, report.escalations)
    _plan(pdf, report)
    return bytes(pdf.output())


def _header(pdf: FPDF, report: Report) -> None:
    pdf.set_text_color(*_rgb(INK))
    pdf.set_font(FONT, "B", 13)
    title = pdf.get_string_width(texts.REPORT_TITLE) + 2
    pdf.set_font(FONT, "", 9)
    name = pdf.get_string_width(texts.REPORT_NAME_LINE) + 4
    one_row = title + name <= pdf.epw  # else the name line goes under the title
    pdf.set_font(FONT, "B", 13)
    if one_row:
        pdf.cell(title, 6.5, texts.REPORT_TITLE)
    else:
        pdf.multi_cell(0, 6.5, texts.REPORT_TITLE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    pdf.cell(0, 6.5, texts.REPORT_NAME_LINE, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    period = texts.REPORT_PERIOD.format(
        day=texts.report_day(report.first),
        until=texts.report_day(report.today),
        days=texts.plural(len(report.series.days), "day"),
        zone=report.zone,
    )
    pdf.cell(0, ROW, period, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    totals = texts.REPORT_TOTALS.format(
        checkins=report.checkins,
        days=texts.plural(len(report.series.days), "day", after_of=True),
        sessions=report.sessions,
    )
    pdf.cell(0, ROW, totals, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(1)
    pdf.set_font(FONT, "B", 9.5)
    pdf.set_text_color(*_rgb(INK))
    pdf.cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _paragraph(pdf: FPDF, text: str, *, bold: bool = False, size: float = 8.5) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*_rgb(INK))
    pdf.multi_cell(0, ROW * size / 9, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _date_column(pdf: FPDF, report: Report) -> float:
    """The dated lines' first column: 30 mm, wider when a language writes longer dates
    ("ср, 16 сентября 2026"), so a date never runs into its words."""
    pdf.set_font(FONT, "", 8.5)
    entries = (*report.changes, *report.worse, *report.safety, *report.escalations)
    widest = max((pdf.get_string_width(texts.report_day(e.day)) for e in entries), default=0.0)
    return max(DATE_COLUMN, widest + 2)


def _entries(pdf: _Page, entries: Sequence[Entry], *, none: bool = True) -> None:
    """Dated lines: the date in a column of its own, the words wrapped beside it."""
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*_rgb(INK))
    if not entries and none:
        _paragraph(pdf, texts.REPORT_NONE)
    for entry in entries:
        pdf.cell(pdf.date_column, ROW, texts.report_day(entry.day))
        pdf.multi_cell(0, ROW, entry.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def week_span(week: Week) -> str:
    """A week's row label: its first and last day, short ('3 Nov – 9 Nov'); the year is in
    the period line above the table."""
    return f"{texts.day_month(week.first)} – {texts.day_month(week.last)}"


def _weeks(pdf: FPDF, weeks: Sequence[Week]) -> None:
    _heading(pdf, texts.REPORT_HEADINGS["weeks"])
    pdf.set_font(FONT, "B", 8.5)
    for key, width in WEEK_COLUMNS:
        pdf.cell(width, ROW, texts.REPORT_COLUMNS[key], border="B")
    pdf.cell(
        0, ROW, texts.REPORT_COLUMNS["sessions"], border="B", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font(FONT, "", 8.5)
    for week in weeks:
        cells = (
            week_span(week),
            str(week.checkins),
            usual_text(week.median) or "–",
            f"{week.low}–{week.high}" if week.low is not None else "–",
        )
        for text, (_, width) in zip(cells, WEEK_COLUMNS, strict=True):
            pdf.cell(width, ROW, text)
        pdf.cell(0, ROW, str(week.sessions), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _function(pdf: FPDF, found: FunctionTable) -> None:
    """The activities: a key (their names are the person's words), a table by week with
    the mean, each activity's change since its first rating, and the scale's sources."""
    _heading(pdf, texts.REPORT_FUNCTION_HEADING)
    _paragraph(pdf, texts.REPORT_FUNCTION_ABOUT, size=7)
    for number, activity in enumerate(found.activities, 1):
        _paragraph(pdf, texts.REPORT_FUNCTION_KEY.format(number=number, name=activity.name))
    width = min(22.0, (pdf.epw - WEEK_LABEL) / (len(found.activities) + 1))
    pdf.set_font(FONT, "B", 8.5)
    pdf.cell(WEEK_LABEL, ROW, texts.REPORT_FUNCTION_WEEK, border="B")
    for number in range(1, len(found.activities) + 1):
        pdf.cell(width, ROW, texts.REPORT_FUNCTION_COLUMN.format(number=number), border="B")
    pdf.cell(
        width, ROW, texts.REPORT_FUNCTION_MEAN, border="B", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font(FONT, "", 8.5)
    for week in found.weeks:
        pdf.cell(WEEK_LABEL, ROW, texts.day_month(week.week))
        for score in week.scores:
            pdf.cell(width, ROW, "–" if score is None else str(score))
        mean = week.average
        shown = "–" if mean is None else texts.decimal(round(mean, 1))
        pdf.cell(width, ROW, shown, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for line in (*found.lines, *([found.average] if found.average else [])):
        _paragraph(pdf, line)


def _plan(pdf: FPDF, report: Report) -> None:
    _heading(pdf, texts.REPORT_HEADINGS["plan"])
    stage = texts.REPORT_PLAN_STAGE.format(
        stage=report.stage, name=report.stage_name, day=texts.report_day(report.today)
    )
    _paragraph(pdf, stage)
    for line in report.plan:
        pdf.set_font(FONT, "B", 8.5)
        pdf.cell(DATE_COLUMN + 8, ROW, line.name)
        pdf.set_font(FONT, "", 8.5)
        text = "; ".join((line.dose, *line.notes))
        pdf.multi_cell(0, ROW, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _chart(pdf: FPDF, series: Series) -> None:
    """Pain per day on 0-10, one band per run of days at a stage, sessions as triangles."""
    pdf.ln(1)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*_rgb(SOFT))
    pdf.cell(0, ROW, texts.REPORT_CHART, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left, top = MARGIN + AXIS_GAP, pdf.get_y() + SESSION_ROW
    width = pdf.w - MARGIN - left
    count = len(series.days)
    step = width / count

    def x_of(index: int) -> float:
        return left + (index + 0.5) * step

    def y_of(pain: float) -> float:
        return top + CHART_HEIGHT * (1 - pain / 10)

    _bands(pdf, series, left, top, step)
    pdf.set_draw_color(*_rgb("#cbd5e1"))
    pdf.set_line_width(0.15)
    for pain in range(0, 11, 2):
        pdf.line(left, y_of(pain), left + width, y_of(pain))
        pdf.set_xy(MARGIN, y_of(pain) - 2)
        pdf.cell(AXIS_GAP - 1.5, 4, str(pain), align="R")
    pdf.set_draw_color(*_rgb(LINE))
    pdf.set_fill_color(*_rgb(LINE))
    pdf.set_line_width(0.5)
    points = [(x_of(i), y_of(p)) for i, p in enumerate(series.pain) if p is not None]
    for index in range(1, count):
        before, now = series.pain[index - 1], series.pain[index]
        if before is not None and now is not None:  # a day without a check-in breaks the line
            pdf.line(x_of(index - 1), y_of(before), x_of(index), y_of(now))
    radius = min(0.9, step / 3)
    for x, y in points:
        pdf.circle(x, y, radius, style="F")
    pdf.set_fill_color(*_rgb(SESSION))
    for index, done in enumerate(series.session):
        if done:
            x, y, half = x_of(index), top - SESSION_ROW / 2, min(1.1, step / 2.2)
            pdf.polygon([(x - half, y + half), (x + half, y + half), (x, y - half)], style="F")
    _dates(pdf, series, left, top + CHART_HEIGHT, step)


def _bands(pdf: FPDF, series: Series, left: float, top: float, step: float) -> None:
    """One shaded band per run of days at the same stage, labelled when wide enough."""
    runs = series.stage_runs()
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(*_rgb(SOFT))
    for start, end, stage in runs:
        x, w = left + start * step, (end - start + 1) * step
        pdf.set_fill_color(*_rgb(STAGE_COLOURS[(stage - 1) % len(STAGE_COLOURS)]))
        pdf.rect(x, top, w, CHART_HEIGHT, style="F")
        label = texts.CHART_STAGE.format(stage=stage)
        if 0 < stage <= len(series.stage_names):
            label = f"{label}: {series.stage_names[stage - 1]}"
        for text in (label, texts.CHART_STAGE.format(stage=stage), str(stage)):
            if pdf.get_string_width(text) + 1 <= w:
                pdf.set_xy(x, top + 0.5)
                pdf.cell(w, 3.5, text, align="C")
                break


def _dates(pdf: FPDF, series: Series, left: float, bottom: float, step: float) -> None:
    """Dates under the chart: at most nine, a whole number of days apart."""
    every = max(1, math.ceil(len(series.days) / 9))
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(*_rgb(SOFT))
    for index in range(0, len(series.days), every):
        day = series.days[index]
        centre = left + (index + 0.5) * step
        pdf.set_xy(min(max(centre - 8, MARGIN), pdf.w - MARGIN - 16), bottom + 0.5)
        pdf.cell(16, 3.5, texts.day_month(day), align="C")
    pdf.set_xy(MARGIN, bottom + 5)
