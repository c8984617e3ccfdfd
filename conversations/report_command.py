"""/report: the person's course as an A4 PDF for their doctor, and its Telegram handler.

Its figures are made and it is drawn with fpdf2 in the drawing process (like the /progress
chart), so other people's updates are not held up. The chart is drawn in vector form with
the /progress chart's stage colours; the type is DejaVu Sans (shipped in conversations/fonts),
which has Latin and Cyrillic glyphs, so a translated report needs no other font.
Everything stays inside 15 mm margins.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatAction

from coach.report_figures import Report
from conversations.chat_action import showing
from conversations.commands import answer, chat_id
from conversations.context import Ctx
from conversations.limiter import as_file
from conversations.rendering import RENDERER, one_read_at_a_time, report_document
from services import doctor_report as reports


def render(report: Report) -> bytes:
    """The report as PDF bytes; call it in a worker thread (it imports fpdf2 on first use)."""
    from conversations import report_pdf

    return report_pdf.render(report)


async def report_command(update: Update, ctx: Ctx) -> None:
    """Send the person's report as a PDF document, or say why there is none."""
    async with one_read_at_a_time():
        found = await reports.report(ctx.deps, chat_id(update), list(ctx.args or []))
    if not isinstance(found, reports.ReportData):
        await answer(update, ctx, found)
        return
    async with showing(ctx.bot, chat_id(update), ChatAction.UPLOAD_DOCUMENT):
        drawn = await RENDERER.run(report_document, found, language=found.language)
    await ctx.bot.send_document(
        chat_id(update),
        drawn.pdf,
        filename=drawn.filename,
        caption=drawn.caption,
        parse_mode="HTML",
        **as_file(ctx.bot),
    )
