"""Words put in Cavaliere's mouth are his: every quote marked “…” — Jeff Cavaliere in the
program and in texts.py is one the article prints, and every cue that credits Cavaliere or
the article has the article's words behind it.

The article itself lives outside the repository; its quotes ship as data
(coach/article_quotes.toml). When the article's text is at hand, the data is checked
against it too; without it only that sub-check is skipped, never the main ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach import texts
from coach.program import PROGRAM_FILE, Program, default_program, load_program_text
from coach.quotes import (
    CREDIT,
    QUOTES_FILE,
    ArticleQuotes,
    article_quotes,
    in_article,
    is_cavaliere_quote,
    joins_its_pieces,
    load_quotes_text,
    marked_quotes,
    normalise,
)

ARTICLE = Path("/work/shared/source/000_287c289188045231.txt")
needs_article = pytest.mark.skipif(
    not ARTICLE.exists(), reason="the article's text is not on this machine"
)


def article() -> str:
    return ARTICLE.read_text(encoding="utf-8")


def program_texts(program: Program) -> Iterator[tuple[str, str]]:
    """(where, text) for every text field of every move."""
    for move in program.moves:
        yield f"{move.slug}.how", move.how
        yield f"{move.slug}.dose", move.dose
        yield f"{move.slug}.equipment_text", move.equipment_text
        if move.gentle_dose:
            yield f"{move.slug}.gentle_dose", move.gentle_dose
        if move.alternative:
            yield f"{move.slug}.alternative", move.alternative
        for n, cue in enumerate(move.cues):
            yield f"{move.slug}.cues[{n}]", cue


def catalogue_texts() -> Iterator[tuple[str, str]]:
    """(name, text) for every string in coach/texts.py, dict values included."""
    for name, value in vars(texts).items():
        if name.isupper() and isinstance(value, str):
            yield name, value
        elif name.isupper() and isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, str):
                    yield f"{name}[{key!r}]", item


def unknown_quotes(where_texts: Iterator[tuple[str, str]], quotes: ArticleQuotes) -> list[str]:
    return [
        f"{where}: “{quote}”"
        for where, text in where_texts
        for quote in marked_quotes(text)
        if not is_cavaliere_quote(quote, quotes)
    ]


# --- the main check: always runs ----------------------------------------------------------


def test_the_data_file_names_the_source() -> None:
    source = article_quotes().source
    title = "7 Strength-Building Exercises That May Help Relieve Your Lower Back Pain"
    assert source.title == title
    assert source.publisher and source.author and source.address and source.copy


def test_every_quote_in_the_program_is_one_the_article_prints(program: Program) -> None:
    found = [q for _, text in program_texts(program) for q in marked_quotes(text)]
    assert len(found) >= 6  # the pattern still finds the program's quotes
    assert unknown_quotes(program_texts(program), article_quotes()) == []


def test_every_quote_in_texts_py_is_one_the_article_prints() -> None:
    assert unknown_quotes(catalogue_texts(), article_quotes()) == []


def test_every_quote_of_the_data_file_is_its_pieces_joined() -> None:
    quotes = article_quotes().quotes
    assert len(quotes) >= 8
    assert [q.text for q in quotes if not joins_its_pieces(q)] == []
    assert {q.attribution for q in quotes} <= {"explicit", "implied"}


def test_every_credited_cue_has_the_articles_words_behind_it(program: Program) -> None:
    credits = {normalise(c.text): c for c in article_quotes().credits}
    credited = [
        (where, text)
        for where, text in program_texts(program)
        if not where.endswith(".how") and CREDIT.search(text)
    ]
    assert len(credited) >= 8
    assert [where for where, text in credited if normalise(text) not in credits] == []


def test_a_credit_to_cavaliere_rests_on_a_passage_that_names_him() -> None:
    for credit in article_quotes().credits:
        if credit.to_cavaliere:
            assert re.search(r"Cavaliere|\bhe (says|explains|continues)\b", credit.passage), (
                credit.text
            )


def test_nothing_in_the_program_credits_cavaliere_in_the_old_loose_way(program: Program) -> None:
    """ "No swinging" and the lifts' technique are Back Coach's; a *How?* text that quotes
    the article keeps Back Coach's part after "Back Coach adds:"."""
    for move in program.moves:
        assert "Cavaliere's description" not in move.how
        if move.how_source == "article":
            article_part, _, ours = move.how.partition("Back Coach adds:")
            assert article_part.startswith("From the article:"), move.slug
            assert ours.strip(), move.slug
            assert "swing" not in article_part.lower()
    gentle = program.move("bar_hang").gentle_dose
    assert gentle is not None and "Back Coach's" in gentle


# --- an invented quote fails the build ----------------------------------------------------


def test_an_altered_quote_in_the_program_is_caught(program_text: str) -> None:
    real = "it's the positioning that we're benefiting from"
    assert real in program_text
    altered = load_program_text(
        program_text.replace(real, "it's the positioning that builds a stronger back")
    )
    assert unknown_quotes(program_texts(altered), article_quotes()) == [
        "seated_row.cues[0]: “Don't load up too much here, it doesn't matter how much we're "
        "using, it's the positioning that builds a stronger back.”"
    ]
    # A *How?* text is checked like a cue.
    plain = "minimises stress on the back muscles."
    assert plain in program_text
    quoted = load_program_text(
        program_text.replace(plain, "minimises stress. “Load it up.” — Jeff Cavaliere", 1)
    )
    assert unknown_quotes(program_texts(quoted), article_quotes()) == [
        "seated_row.how: “Load it up.”"
    ]


def test_an_invented_quote_anywhere_is_caught() -> None:
    quotes = article_quotes()
    invented = "“Rest is the cure for back pain.” — Jeff Cavaliere"
    assert unknown_quotes(iter([("sample", invented)]), quotes) == [
        "sample: “Rest is the cure for back pain.”"
    ]
    straight = 'He said "Pain is weakness leaving the body" - Jeff Cavaliere'
    assert unknown_quotes(iter([("sample", straight)]), quotes)
    # Curly or straight apostrophes and a cut-off quote are still his words.
    assert is_cavaliere_quote("It’s not something you should avoid", quotes)
    assert not is_cavaliere_quote("", quotes)
    assert not is_cavaliere_quote("...", quotes)


def test_an_altered_entry_in_the_data_file_would_fail_the_article_check() -> None:
    text = QUOTES_FILE.read_text(encoding="utf-8")
    altered = load_quotes_text(text.replace("temporary relief", "lasting relief"))
    piece = next(p for q in altered.quotes for p in q.pieces if "lasting relief" in p)
    real = (
        "\"If my feet stay on the ground, I'm going to allow myself to relax, and those muscles "
        'in the lower back are going to release, and give you some temporary relief."'
    )
    assert in_article(piece.replace("lasting", "temporary"), real)
    assert not in_article(piece, article() if ARTICLE.exists() else real)


# --- the data file against the article: only where the article's text is at hand ----------


@needs_article
def test_every_quote_of_the_data_file_is_verbatim_in_the_article() -> None:
    text = article()
    missing = [p for q in article_quotes().quotes for p in q.pieces if not in_article(p, text)]
    assert missing == []


@needs_article
def test_every_credit_passage_is_verbatim_in_the_article() -> None:
    text = article()
    missing = [c.passage for c in article_quotes().credits if not in_article(c.passage, text)]
    assert missing == []


@needs_article
def test_the_data_file_holds_every_quote_the_article_prints() -> None:
    """Every stretch between double quotes in the article is among the pieces."""
    printed = re.findall(r"\"([^\"]+)\"", normalise(article()))
    pieces = {normalise(p) for q in article_quotes().quotes for p in q.pieces}
    assert printed and [p for p in printed if normalise(p) not in pieces] == []


def test_the_shipped_program_is_the_one_checked() -> None:
    assert default_program() == load_program_text(PROGRAM_FILE.read_text(encoding="utf-8"))
