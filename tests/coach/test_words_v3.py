"""Words, v3: Cavaliere is quoted verbatim or not at all, and the hyper row, which the article
calls best left out, is optional."""

from __future__ import annotations

from coach.program import Program
from coach.quotes import MARKED_QUOTE
from coach.rules import required_moves
from tests.coach.conftest import GYM, day, expected_entry_days
from tests.coach.conftest import quick as coached

ARTICLE = (
    "“Don't load up too much here, it doesn't matter how much we're using, it's the "
    "positioning that we're benefiting from.” — Jeff Cavaliere"
)


def test_the_seated_rows_words_quote_cavaliere_verbatim_not_a_paraphrase(
    program: Program,
) -> None:
    # The quote is the first cue, shown with *How?* above the how text (which no longer
    # repeats the cues); no paraphrase of it anywhere is shown as his.
    row = program.move("seated_row")
    assert ARTICLE in " ".join(row.cues[0].split())
    assert MARKED_QUOTE.search(row.cues[0])
    assert all("Cavaliere: don't load" not in text for text in (row.how, *row.cues))


def test_the_hyper_row_is_optional_with_the_articles_words(program: Program) -> None:
    hyper = program.move("hyper_row")
    assert hyper.optional
    assert hyper.tip.startswith("optional")
    assert any("best left out of your routine" in cue for cue in hyper.cues)
    assert [m.slug for m in program.moves if m.optional] == ["hyper_row"]


def test_a_stage_3_session_counts_without_the_hyper_row(program: Program) -> None:
    story = coached([1] * 8, profile=GYM)
    assert story.stage() == 3
    plan = story.plan()
    hyper = plan.item("hyper_row")
    assert hyper is not None and hyper.actionable and not hyper.required
    needed = required_moves(program, story.history, 3, story.last, high=False)
    assert "hyper_row" not in needed and "pull_through" in needed
    done = story.done(story.last, *needed)
    assert done.on(done.last).session


def test_worse_on_the_hyper_row_never_holds_stage_4_back() -> None:
    entry = expected_entry_days(coached([1]).program)
    story = coached([1] * (entry[3] + 1), profile=GYM).worse(day(entry[3] + 1), "hyper_row")
    story = story.then([1] * 6, sessions=True)
    assert story.entered(4) == entry[4]
