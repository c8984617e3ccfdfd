"""The article's own words: its quotes of Jeff Cavaliere and the passages Back Coach credits,
read from article_quotes.toml, and the checks that keep Back Coach's attributions honest.

A quote marked “…” — Jeff Cavaliere must be one of the article's quotes (or a part of one);
a cue credited "(Cavaliere)" or "(the article)" must have its supporting passage on file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

QUOTES_FILE = Path(__file__).with_name("article_quotes.toml")

# A quote Back Coach attributes to Cavaliere: curly or straight double quotes, a dash, his name.
MARKED_QUOTE = re.compile(r"[“\"]([^”\"]+)[”\"]\s*[—–-]+\s*Jeff Cavaliere")
# A credit at the end of a cue (or before its last clause): "(Cavaliere)", "(the article)".
CREDIT = re.compile(r"\((Cavaliere|the article)\)")
_TRAILING = ".,;:!? "
_MARKS = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "\u00a0": " "})


@dataclass(frozen=True)
class Source:
    title: str
    author: str
    publisher: str
    address: str
    copy: str


@dataclass(frozen=True)
class Quote:
    """One quote of Cavaliere: ``pieces`` are verbatim in the article, ``text`` joins them."""

    text: str
    pieces: tuple[str, ...]
    attribution: str  # "explicit" or "implied"


@dataclass(frozen=True)
class Credit:
    """A cue that credits Cavaliere or the article, and the article's words behind it."""

    text: str
    passage: str

    @property
    def to_cavaliere(self) -> bool:
        return "(Cavaliere)" in self.text


@dataclass(frozen=True)
class ArticleQuotes:
    source: Source
    quotes: tuple[Quote, ...]
    credits: tuple[Credit, ...]


def normalise(text: str) -> str:
    """Straight quotes and apostrophes, single spaces, no surrounding space."""
    return " ".join(text.translate(_MARKS).split())


def _core(text: str) -> str:
    """Normalised, without the closing punctuation a quote gains or loses when cut."""
    return normalise(text).strip(_TRAILING)


def load_quotes_text(text: str) -> ArticleQuotes:
    """Parse the quotes file's text; KeyError or TypeError when it is malformed."""
    raw = tomllib.loads(text)
    source = raw["source"]
    return ArticleQuotes(
        Source(
            str(source["title"]),
            str(source["author"]),
            str(source["publisher"]),
            str(source["address"]),
            str(source["copy"]),
        ),
        tuple(
            Quote(str(q["text"]), tuple(str(p) for p in q["pieces"]), str(q["attribution"]))
            for q in raw["quotes"]
        ),
        tuple(Credit(str(c["text"]), str(c["passage"])) for c in raw.get("credits", [])),
    )


@cache
def article_quotes() -> ArticleQuotes:
    """The quotes shipped with Back Coach, loaded once."""
    return load_quotes_text(QUOTES_FILE.read_text(encoding="utf-8"))


def marked_quotes(text: str) -> list[str]:
    """Every quote in ``text`` attributed to Cavaliere (“…” — Jeff Cavaliere)."""
    return [match.group(1) for match in MARKED_QUOTE.finditer(text)]


def is_cavaliere_quote(quote: str, quotes: ArticleQuotes | None = None) -> bool:
    """Whether ``quote`` is one of the article's quotes of Cavaliere, or a part of one."""
    core = _core(quote)
    known = (quotes or article_quotes()).quotes
    return bool(core) and any(core in normalise(q.text) for q in known)


def joins_its_pieces(quote: Quote) -> bool:
    """Whether a quote's text is exactly its pieces joined (up to closing punctuation)."""
    return _core(quote.text) == _core(" ".join(quote.pieces))


def in_article(passage: str, article: str) -> bool:
    """Whether ``passage`` is verbatim in the article's text (quotation marks and runs of
    spaces aside)."""
    return normalise(passage) in normalise(article)
