"""Every message of the catalogues, as pybabel extracts them (babel.cfg; ``make extract``).

The English is where it always was: the constants of coach/texts.py and the words of
coach/program.toml. Each becomes a gettext message with a context (the constant's name, or
``program``) so the same English in two places can be translated apart where it must be.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from coach import i18n
from coach.program import MOVE_WORDS, PROGRAM_FILE
from coach.quotes import marked_quotes

TEXTS_FILE = Path(__file__).with_name("texts.py")
HOW = "how"

# What a translator is told about a message, by the start of its context.
NOTES = {
    "RED_FLAGS": "Safety: the red flags. Keep every item exactly as strong and specific; "
    "a native-speaking clinician reviews this before launch.",
    "EMERGENCY": "Safety: urgent advice. Keep it exactly as strong as the English.",
    "URGENT": "Safety: urgent advice. Keep it exactly as strong as the English.",
    "BTN_": "A button label: 20 characters at most.",
    "COMMANDS": "The command menu: 3 to 256 characters.",
}
OF_NOTE = 'A count after "of" ("3 of 4 days"): Russian «из 4 дней», «из 21 дня».'
QUOTE_NOTE = (
    "Contains a quote of Jeff Cavaliere: translate it faithfully inside «…» (Russian) or "
    "“…” (Spanish) and mark it as a translation; the English original is shown in How?."
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One message: where it is, its context, its English (and plural), a note."""

    line: int
    context: str
    english: str
    plural: str | None = None
    note: str = ""


def entries() -> list[Entry]:
    """Every message, texts.py's first (in file order), then program.toml's."""
    return [*text_entries(TEXTS_FILE.read_text(encoding="utf-8")), *program_entries()]


def text_entries(source: str) -> Iterator[Entry]:
    """texts.py's constants, evaluated as the module defines them (f-strings included)."""
    from coach import texts  # the module's English values: read with no language set

    with i18n.speaking(i18n.DEFAULT):
        values = dict(vars(texts))
    lines = _assignment_lines(source)
    for context, english in i18n.words_of(values):
        name = context.split("[")[0]
        yield Entry(lines.get(name, 0), context, english, note=_note(context))
    for noun in texts.PLURAL_NOUNS:
        line = lines.get("PLURAL_NOUNS", 0)
        yield Entry(line, i18n.PLURAL, f"{{count}} {noun}", f"{{count}} {noun}s")
    for noun in texts.PLURAL_OF_NOUNS:
        line = lines.get("PLURAL_OF_NOUNS", 0)
        yield Entry(line, i18n.PLURAL_OF, f"{{count}} {noun}", f"{{count}} {noun}s", note=OF_NOTE)


def program_entries(path: Path = PROGRAM_FILE) -> Iterator[Entry]:
    """program.toml's words a person reads: names, tips, doses, cues, How? texts."""
    text = path.read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    seen: set[str] = set()
    for move in raw["moves"]:
        for field in sorted(MOVE_WORDS | {HOW}):
            value = move.get(field)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and i18n.has_letters(item) and item not in seen:
                    seen.add(item)
                    note = QUOTE_NOTE if marked_quotes(item) else f"{move['slug']}.{field}"
                    yield Entry(_line_of(text, item), i18n.PROGRAM, item, note=note)
    for stage in raw["stages"]:
        name = stage["name"]
        if name not in seen:
            seen.add(name)
            yield Entry(_line_of(text, name), i18n.PROGRAM, name, note="a stage's name")


def _note(context: str) -> str:
    return next((note for start, note in NOTES.items() if context.startswith(start)), "")


def _assignment_lines(source: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    lines[target.id] = node.lineno
    return lines


def _line_of(text: str, value: str) -> int:
    first = value.split("\n", maxsplit=1)[0][:40]
    for number, line in enumerate(text.splitlines(), 1):
        if first in line:
            return number
    return 0


def _babel(found: Iterator[Entry]) -> Iterator[tuple[int, str, tuple[str, ...], list[str]]]:
    """Entries as Babel's extractors yield them: pgettext / npgettext calls."""
    for entry in found:
        comments = [entry.note] if entry.note else []
        if entry.plural is None:
            yield entry.line, "pgettext", (entry.context, entry.english), comments
        else:
            messages = (entry.context, entry.english, entry.plural)
            yield entry.line, "npgettext", messages, comments


def extract_texts(
    fileobj: IO[bytes], keywords: Collection[str], tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, tuple[str, ...], list[str]]]:
    """pybabel's extractor for coach/texts.py."""
    return _babel(text_entries(fileobj.read().decode("utf-8")))


def extract_program(
    fileobj: IO[bytes], keywords: Collection[str], tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, tuple[str, ...], list[str]]]:
    """pybabel's extractor for coach/program.toml."""
    return _babel(program_entries(Path(getattr(fileobj, "name", PROGRAM_FILE))))
