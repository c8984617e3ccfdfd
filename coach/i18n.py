"""The language Back Coach speaks to a person, and the catalogues it speaks from.

English lives in coach/texts.py and coach/program.toml, as written; Russian and Spanish are
gettext catalogues: translators edit coach/locale/<language>/LC_MESSAGES/messages.po,
``make translations`` compiles each into the messages.mo beside it (committed, and shipped
in the package), and the bot reads the .mo alone, the first time a language is used;
``check`` at start-up stops a bot whose catalogues are missing or unreadable, rather than
letting it speak English to everyone. Each message is keyed by a context, the name of its
constant in texts.py (``WELCOME``, ``PLAN_REASON[flare]``), ``program`` for program.toml's
words or ``plural`` for counted nouns (``plural after of`` for a count after "of", which
Russian puts in the genitive), and by its English text: a translation whose English has
changed since is stale and never shown (English is, and a test fails the build).

The language is a property of the person. An update is answered in the language its
person stored (or their Telegram app's, before they have one), decided once at the edge
when the update comes in (``use``, conversations/language.py); a reminder is composed in
its person's language (``speaking``, services/kinds.py). Either way the language lives in a
``ContextVar`` for that task or block only, so the call sites that read ``texts.X`` never
change, and what is composed carries the language it was composed in (``Outcome.language``,
``Composed.language``), which renders it. Loading a person sets no language. coach/ stays
free of Telegram.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import c2py
from pathlib import Path
from types import ModuleType
from typing import Any

from babel.messages.mofile import read_mo

DEFAULT = "en"
# What /language offers, each in its own words.
LANGUAGES: Mapping[str, str] = {"en": "English", "ru": "Русский", "es": "Español"}
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"
PROGRAM = "program"  # the context of program.toml's words
PLURAL = "plural"  # the context of counted nouns ("{count} day")
PLURAL_OF = "plural after of"  # counted nouns after "of" ("3 of {count} days")
# texts.py constants that are not words: versions and file names stay as they are.
NOT_WORDS = frozenset({"CONSENT_VERSION", "RED_FLAGS_VERSION", "EXPORT_FILENAME"})

_language: ContextVar[str] = ContextVar("language", default=DEFAULT)


def choose(code: str | None) -> str:
    """The language we ship that a Telegram ``language_code`` asks for: "es-MX" and "es"
    are Spanish, "ru" Russian; anything else (or nothing) is English."""
    base = (code or "").replace("_", "-").split("-")[0].strip().lower()
    return base if base in LANGUAGES else DEFAULT


def use(language: str | None, chat_id: int | None = None) -> str:
    """Speak ``language`` for the rest of this update's task (decided once, at the edge); a
    stored language we no longer ship, or none, is English. With ``chat_id`` (read from
    the store), remember it for their next updates. Returns the language now spoken."""
    chosen = language if language in LANGUAGES else DEFAULT
    assert chosen is not None
    _language.set(chosen)
    if chat_id is not None:
        _known[chat_id] = chosen
    return chosen


# The stored language of everyone loaded since start, so an update that loads nobody
# (/help, an unknown command, a sticker) is answered in it too: a few bytes a person.
_known: dict[int, str] = {}


def remember(chat_id: int, language: str | None) -> None:
    """Remember a stored language read ahead of the person's updates (a batch of updates
    from Telegram), without speaking it: an update of theirs already running may have
    remembered a newer one meanwhile (/language), which is kept."""
    _known.setdefault(chat_id, language if language and language in LANGUAGES else DEFAULT)


def learn(chat_id: int, language: str | None) -> None:
    """A person was loaded: their stored language is the one their next updates speak
    (it may have been changed by another worker since it was remembered here)."""
    _known[chat_id] = language if language and language in LANGUAGES else DEFAULT


def known(chat_id: int) -> str | None:
    """The stored language of a person loaded since start (None: not loaded yet)."""
    return _known.get(chat_id)


def forget_chat(chat_id: int) -> None:
    """A person's data was erased: their language goes with it."""
    _known.pop(chat_id, None)


def current() -> str:
    """The language of the unit of work at hand."""
    return _language.get()


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak ``language`` inside a block only (the command menu of each language, tests)."""
    token = _language.set(language if language in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _language.reset(token)


def po_path(language: str) -> Path:
    """Where a language's catalogue is edited (the translators' file)."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    """Where a language's compiled catalogue lives: what the bot reads."""
    return po_path(language).with_suffix(".mo")


Translations = Mapping[tuple[str, str], str | tuple[str, ...]]


class CatalogueError(Exception):
    """A catalogue we ship is missing or cannot be read: ``str(self)`` says which and why."""


@cache
def catalogue(language: str) -> tuple[Translations, Callable[[int], int]]:
    """A language's translations by (context, English), and its plural rule (from the
    catalogue's Plural-Forms). A plural message maps to its forms. Fuzzy and empty
    translations are never compiled; a plural form left empty is compiled as its English,
    so a plural with such a form is left out whole (English is said instead)."""
    if language == DEFAULT:
        return {}, _english_plural
    path = mo_path(language)
    try:
        with path.open("rb") as file:
            catalog = read_mo(file)
        rule = c2py(catalog.plural_expr)
    except FileNotFoundError as exc:
        raise CatalogueError(f"the {language} catalogue {path} is missing") from exc
    except (OSError, ValueError, LookupError, struct.error) as exc:
        raise CatalogueError(f"the {language} catalogue {path} cannot be read ({exc})") from exc
    found: dict[tuple[str, str], str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or not message.string:
            continue
        if isinstance(message.id, str):
            found[(message.context or "", message.id)] = str(message.string)
            continue
        english = tuple(message.id)
        forms = tuple(message.string)
        if all(form and form != english[min(i, 1)] for i, form in enumerate(forms)):
            found[(message.context or "", english[0])] = forms
    return found, rule


def check() -> None:
    """Load every catalogue we ship (at start-up): CatalogueError if one is missing, cannot
    be read or holds no translations, so that a broken installation stops with the reason
    instead of answering everyone in English."""
    for language in LANGUAGES:
        if language != DEFAULT and not catalogue(language)[0]:
            raise CatalogueError(f"the {language} catalogue {mo_path(language)} is empty")


def translations(language: str) -> Translations:
    """A language's translations by (context, English)."""
    return catalogue(language)[0]


def _english_plural(count: int) -> int:
    return 0 if count == 1 else 1


def gettext(context: str, english: str) -> str:
    """The current language's words for ``english`` (English itself when it has none)."""
    language = _language.get()
    if language == DEFAULT:
        return english
    found = translations(language).get((context, english))
    return found if isinstance(found, str) else english


def ngettext(singular: str, plural: str, count: int, context: str = PLURAL) -> str:
    """A counted phrase ("{count} day" / "{count} days") in the current language."""
    language = _language.get()
    english = singular if count == 1 else plural
    if language == DEFAULT:
        return english
    found, rule = catalogue(language)
    forms = found.get((context, singular))
    if not isinstance(forms, tuple):
        return english
    return forms[min(rule(count), len(forms) - 1)]


# --- texts.py: a module that answers in the current language --------------------------------


def words_of(values: Mapping[str, object]) -> Iterator[tuple[str, str]]:
    """(context, English) for every word of a texts module: each string constant, and each
    string of a dict constant as ``NAME[key]``. Versions, file names and strings without a
    letter (emoji, marks) are not words."""
    for name, value in values.items():
        if not name.isupper() or name in NOT_WORDS:
            continue
        if isinstance(value, str) and has_letters(value):
            yield name, value
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, str) and has_letters(item):
                    yield f"{name}[{key}]", item


def has_letters(text: str) -> bool:
    return any(character.isalpha() for character in text)


class SpeakingModule(ModuleType):
    """A texts module whose constants read in the current language. English is the module
    itself; another language's constants are built once from its catalogue, so reading
    ``texts.WELCOME`` costs a dictionary lookup."""

    def __getattribute__(self, name: str) -> Any:
        language = _language.get()
        if language != DEFAULT and name[:1].isupper():
            table = _tables.get((ModuleType.__getattribute__(self, "__name__"), language))
            if table is None:
                table = _build_table(self, language)
            if name in table:
                return table[name]
        return ModuleType.__getattribute__(self, name)


_tables: dict[tuple[str, str], dict[str, object]] = {}


def _build_table(module: ModuleType, language: str) -> dict[str, object]:
    """Every translated constant of a module in one language (untranslated ones: English)."""
    values: dict[str, object] = ModuleType.__getattribute__(module, "__dict__")
    found = translations(language)
    table: dict[str, object] = {}
    for name, value in values.items():
        if not name.isupper() or name in NOT_WORDS:
            continue
        if isinstance(value, str):
            translated = found.get((name, value))
            table[name] = translated if isinstance(translated, str) else value
        elif isinstance(value, dict):
            table[name] = {
                key: _translated(found, f"{name}[{key}]", item) for key, item in value.items()
            }
    _tables[(ModuleType.__getattribute__(module, "__name__"), language)] = table
    return table


def _translated(found: Mapping[tuple[str, str], object], context: str, item: object) -> object:
    if not isinstance(item, str):
        return item
    translated = found.get((context, item))
    return translated if isinstance(translated, str) else item


def speak(module_name: str) -> None:
    """Make a loaded module answer in the current language (called at the end of texts.py)."""
    import sys

    sys.modules[module_name].__class__ = SpeakingModule


def forget() -> None:
    """Drop the loaded catalogues (after a test rewrites one)."""
    catalogue.cache_clear()
    _tables.clear()
