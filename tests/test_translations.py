"""The Russian and Spanish catalogues are whole and safe to send: the build fails, never a
person's message.

Every message of the catalogues (coach/texts.py's constants, program.toml's words, the
counted nouns) has a translation in every language we ship, that translation is for the
English as it is now (not fuzzy, not stale), keeps every placeholder and every HTML tag of
its English, and, filled with the samples of tests/test_every_text.py, is valid Telegram
HTML within Telegram's limits. The plan still fits a phone; quotes of
Cavaliere are marked as translations with the original one tap away.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from coach import i18n, texts
from coach.i18n_extract import Entry, entries
from coach.model import Person, Profile
from coach.places import NotFound, resolve_zone
from coach.program import default_program
from coach.rules import Change
from conversations.payload import Signer
from conversations.render import exercises_text, how_text, plan_keyboard, plan_text
from emulator.html import parse_html, utf16_len
from services.settings import settings_menu
from tests.test_every_text import (
    CAPTION_LIMIT,
    CAPTIONS,
    COMMAND_DESCRIPTION,
    MESSAGE_LIMIT,
    PLAIN_CAPTIONS,
    SAMPLES,
    TOAST_LIMIT,
    TOASTS,
    problems,
)
from tests.test_plan_fits_a_phone import LABEL_LIMIT, PLAN_LIMIT, plans

LANGUAGES = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT]
ENTRIES = entries()
TAG = re.compile(r"</?([a-z]+)[^>]*>")
TRANSLATION_MARK = {"ru": "(перевод)", "es": "(traducción)"}


def fields(template: str) -> list[tuple[str, str]]:
    """A template's placeholders with their format specs ({week:.1f} stays .1f); a
    translation may use one twice or once where its English does (word order differs)."""
    return sorted(
        {(name, spec or "") for _, name, spec, _ in string.Formatter().parse(template) if name}
    )


def tags(template: str) -> list[str]:
    """The HTML tags of a template, in order."""
    return TAG.findall(template)


def flaws(english: str, translated: str) -> list[str]:
    """What is wrong with a translation of ``english``, by what any translation must keep."""
    found = []
    try:
        if fields(translated) != fields(english):
            found.append(f"placeholders {fields(translated)} instead of {fields(english)}")
    except ValueError as exc:  # an unbalanced brace: str.format would raise at send time
        found.append(f"broken placeholder: {exc}")
    if sorted(tags(translated)) != sorted(tags(english)):
        found.append(f"tags {tags(translated)} instead of {tags(english)}")
    return found


def catalogue_file(language: str) -> Iterator[tuple[str, object, object, bool]]:
    """(context, English id, translation, fuzzy) for every message of a .po file."""
    with i18n.po_path(language).open("rb") as file:
        for message in read_po(file, locale=language):
            if message.id:
                yield message.context or "", message.id, message.string, message.fuzzy


def translated(entry: Entry, language: str) -> str | tuple[str, ...] | None:
    return i18n.translations(language).get((entry.context, entry.english))


def first_paragraph(text: str) -> str:
    return text.split("\n\n", 1)[0]


def test_the_checks_catch_a_broken_placeholder_a_lost_one_and_a_lost_tag() -> None:
    english = "<b>Today's plan</b> · stage {stage}: {name}"
    assert flaws(english, "<b>План</b> · этап {stage}: {name}") == []
    assert flaws(english, "<b>План</b> · этап {stage}: {nombre}")
    assert flaws(english, "<b>План</b> · этап {stage: {name}")
    assert flaws(english, "План · этап {stage}: {name}")
    assert flaws("{week:.1f}/10", "{week}/10")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_translation_for_its_current_english(language: str) -> None:
    assert len(ENTRIES) > 250
    missing = [f"{e.context}: {e.english[:60]}" for e in ENTRIES if translated(e, language) is None]
    assert missing == [], f"{len(missing)} untranslated in {language} (make translations)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_fuzzy_empty_or_for_english_that_is_gone(language: str) -> None:
    wanted = {(e.context, e.english) for e in ENTRIES}
    for context, english, string_, fuzzy in catalogue_file(language):
        key = english if isinstance(english, str) else english[0]
        assert (context, key) in wanted, f"obsolete in {language}: {context}: {key[:60]}"
        assert not fuzzy, f"fuzzy in {language}: {context}: {key[:60]}"
        assert string_ and all(string_ if isinstance(string_, tuple) else [string_])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_placeholders_and_tags_of_its_english(language: str) -> None:
    broken = []
    for entry in ENTRIES:
        found = translated(entry, language)
        forms = found if isinstance(found, tuple) else (found,)
        for form in forms:
            assert form is not None
            english = entry.plural if entry.plural and form is not forms[0] else entry.english
            broken += [f"{entry.context}: {flaw}" for flaw in flaws(english, form)]
    assert broken == []


def text_entries() -> list[Entry]:
    return [e for e in ENTRIES if e.context != i18n.PROGRAM and e.plural is None]


def limit_of(name: str) -> int:
    if name in CAPTIONS or name in PLAIN_CAPTIONS:
        return CAPTION_LIMIT
    return MESSAGE_LIMIT


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translated_text_is_valid_telegram_html_within_its_limit(language: str) -> None:
    found = []
    with i18n.speaking(language):
        samples = {**SAMPLES, "since": texts.SINCE_CLEARED, "hint": "Try a city near you."}
        for entry in text_entries():
            name = entry.context.split("[")[0]
            template = translated(entry, language)
            assert isinstance(template, str)
            text = template.format(**{n: samples[n] for n, _ in fields(template)})
            found += [f"{entry.context}: {p}" for p in problems(text, limit_of(name))]
            if name in TOASTS:
                plain = parse_html(text, strict=False)[0]
                assert utf16_len(first_paragraph(plain)) <= TOAST_LIMIT, entry.context
    assert found == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_command_descriptions_stay_within_their_limits(language: str) -> None:
    """(Every button label, in every language: tests/test_button_labels.py.)"""
    low, high = COMMAND_DESCRIPTION
    with i18n.speaking(language):
        for name, description in texts.COMMANDS.items():
            assert low <= len(description) <= high, name


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plan_fits_a_phone_in_every_language(language: str) -> None:
    program, signer, signer_stages = default_program(), Signer(b"k" * 32), set()
    with i18n.speaking(language):
        for plan, feedback in plans():
            signer_stages.add(plan.stage)
            visible = parse_html(plan_text(program, plan, feedback))[0]
            full = plan.stage == 5 and plan.change is not Change.ADVANCE
            if full and all(item.actionable for item in plan.items):
                # The first plan of a week adds the emergency signs' one line.
                line = parse_html(texts.RED_FLAGS_WEEKLY)[0]
                weekly = len(line) + 2 if plan.weekly_signs else 0
                assert len(visible) <= PLAN_LIMIT + weekly, (plan.day, len(visible), visible)
            for row in plan_keyboard(signer, 1, plan, feedback).inline_keyboard:
                assert all(len(button.text) <= LABEL_LIMIT for button in row), row
            assert "Today's plan" not in visible
    assert signer_stages == {1, 2, 3, 4, 5}


@pytest.mark.parametrize("language", LANGUAGES)
def test_how_and_the_exercises_are_translated_and_valid(language: str) -> None:
    program = default_program()
    with i18n.speaking(language):
        for move in program.moves:
            how = how_text(move)
            assert problems(how, MESSAGE_LIMIT) == [], move.slug
            assert "Back Coach adds" not in how and "From the article" not in how
        listing = exercises_text(program, 5, frozenset())
    assert problems(listing, MESSAGE_LIMIT) == []
    assert "The seven moves" not in listing


@pytest.mark.parametrize("language", LANGUAGES)
def test_quotes_are_marked_as_translations_with_the_original_in_how(language: str) -> None:
    program = default_program()
    quoted = [m for m in program.moves if any("— Jeff Cavaliere" in cue for cue in m.cues)]
    assert len(quoted) >= 4
    for move in quoted:
        english = [cue for cue in move.cues if "— Jeff Cavaliere" in cue]
        with i18n.speaking(language):
            cues, how = move.cues, how_text(move)
        assert all("Jeff Cavaliere”" not in cue for cue in cues)
        assert any(TRANSLATION_MARK[language] in cue for cue in cues), (move.slug, cues)
        for cue in english:
            original = cue[cue.index("“") + 1 : cue.index("”")]
            assert original.replace("'", "&#x27;") in how or original in how, move.slug


def test_russian_counts_take_three_forms_and_the_genitive_after_of() -> None:
    counts = (1, 2, 5, 21)
    with i18n.speaking("ru"):
        assert [texts.plural(n, "day") for n in counts] == ["1 день", "2 дня", "5 дней", "21 день"]
        assert [texts.plural(n, "day", after_of=True) for n in counts] == [
            "1 дня",
            "2 дней",
            "5 дней",
            "21 дня",
        ]
        assert [texts.plural(n, "more session") for n in counts] == [
            "ещё 1 тренировка",
            "ещё 2 тренировки",
            "ещё 5 тренировок",
            "ещё 21 тренировка",
        ]
    with i18n.speaking("es"):
        assert [texts.plural(n, "day", after_of=True) for n in (1, 2)] == ["1 día", "2 días"]
        assert texts.plural(2, "more session") == "2 sesiones más"
    assert texts.plural(1, "day", after_of=True) == "1 day"
    assert texts.plural(2, "more day") == "2 more days"


def test_dates_name_the_weekday_and_the_month_in_full_in_russian_and_spanish() -> None:
    """Spanish "mar 3 mar" read as martes or marzo: the weekday and month are written out."""
    tuesday = date(2026, 3, 3)
    with i18n.speaking("ru"):
        assert texts.day(tuesday) == "вторник, 3 марта"
        assert texts.report_day(tuesday) == "вторник, 3 марта 2026"
    with i18n.speaking("es"):
        assert texts.day(tuesday) == "martes 3 de marzo"
        assert texts.report_day(tuesday) == "martes 3 de marzo de 2026"
    assert texts.day(tuesday) == "Tue 3 Mar"
    assert texts.report_day(tuesday) == "Tue 3 Mar 2026"


def test_no_russian_text_abbreviates_a_count_of_days() -> None:
    """«7 дн.» reads as a form; a count of days goes through texts.plural instead."""
    abbreviated = [
        f"{context}: {text}"
        for (context, _), found in i18n.translations("ru").items()
        for text in (found if isinstance(found, tuple) else (found,))
        if re.search(r"\bдн\.", text)
    ]
    assert abbreviated == []


def test_telegram_language_codes_choose_a_language_we_ship() -> None:
    assert i18n.choose("es-MX") == "es"
    assert i18n.choose("es") == "es"
    assert i18n.choose("ru") == "ru"
    assert i18n.choose("pt-BR") == "en"
    assert i18n.choose(None) == "en"


def test_a_stale_translation_is_never_shown(tmp_path: Path) -> None:
    """A .po whose English no longer matches the source falls back to the English."""
    assert i18n.translations("ru").get(("WELCOME", texts.WELCOME))
    with i18n.speaking("ru"):
        assert i18n.gettext("WELCOME", texts.WELCOME + " (changed)") == texts.WELCOME + " (changed)"


def read_at_import(tree: ast.AST) -> list[tuple[int, str]]:
    """``texts.X`` read when a module is imported (at module or class level, or as a
    default argument): it would be English for everyone, whatever their language."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            defaults = [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]
            for early in [*defaults, *getattr(node, "decorator_list", [])]:
                visit(early, False)
            for child in node.body if isinstance(node.body, list) else [node.body]:
                visit(child, True)
            return
        if (
            not in_function
            and isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "texts"
            and node.attr[:1].isupper()
        ):
            found.append((node.lineno, node.attr))
        for child in ast.iter_child_nodes(node):
            visit(child, in_function)

    visit(tree, False)
    return found


def test_the_import_time_check_sees_a_default_argument_and_a_module_constant() -> None:
    source = "X = texts.YES\ndef f(a=texts.NO):\n    return texts.DONE\n"
    assert read_at_import(ast.parse(source)) == [(1, "YES"), (2, "NO")]


def test_no_module_reads_a_text_at_import_time() -> None:
    root = Path(__file__).parent.parent
    sources = [
        path
        for folder in ("coach", "services", "conversations")
        for path in sorted((root / folder).glob("*.py"))
        if path.name != "texts.py"
    ]
    found = {
        f"{path.relative_to(root)}:{line}: texts.{name}"
        for path in [*sources, root / "bootstrap.py", root / "bot.py"]
        for line, name in read_at_import(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert found == set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_settings_summary_and_the_time_zone_hint_have_no_english_words(language: str) -> None:
    """The summary's filled-in words ("none", "new to the gym", "off", "daily") and the hint
    after a place that isn't found come from the catalogues too."""
    person = Person(1, datetime(2026, 1, 1, tzinfo=UTC), timezone="Europe/Berlin")
    person.profile = Profile(frozenset(), gym_experienced=False)
    person.weekly_summary, person.checkin_weekly = False, False
    with i18n.speaking(language):
        summary = settings_menu(person, maintenance=False).text
        found = resolve_zone("Atlantis-upon-Nowhere")
        words, hint = texts.WORDS, texts.TIMEZONE_HINT
    assert isinstance(found, NotFound) and found.hint == hint
    assert "Try a city" not in found.hint
    for key in ("none", "new_to_gym", "off", "daily"):
        assert words[key] in summary and words[key] != texts.WORDS[key]
    assert not re.search(r"\b(none|new to the gym|off|daily)\b", summary), summary
