"""The compiled catalogues the bot reads (coach/locale/*/LC_MESSAGES/messages.mo): each says
what its .po says, fuzzy and empty translations never reach a person, and a catalogue that
is missing or unreadable stops the bot at start-up instead of leaving it English-only."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from coach import i18n, texts

LANGUAGES = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT]

Contents = dict[tuple[str, object], object]


def contents(catalog: Catalog) -> Contents:
    """What a compiled catalogue says: (context, English) → translation, and its headers
    that change how it reads (the plural rule)."""
    found: Contents = {
        (message.context or "", _plain(message.id)): _plain(message.string)
        for message in catalog
        if message.id
    }
    found[("", "Plural-Forms")] = catalog.plural_forms
    return found


def _plain(value: object) -> object:
    """A plural's forms as a tuple, however the reader gave them."""
    return tuple(value) if isinstance(value, list | tuple) else value


def compiled(po: Path, language: str) -> Contents:
    """What compiling ``po`` gives (as ``make translations`` does, through Babel)."""
    with po.open("rb") as file:
        catalog = read_po(file, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return contents(read_mo(buffer))


def committed(mo: Path) -> Contents:
    with mo.open("rb") as file:
        return contents(read_mo(file))


def differences(expected: Contents, found: Contents) -> list[str]:
    """Messages the .mo lacks, has in excess, or says differently from its .po."""
    keys = sorted(set(expected) | set(found), key=repr)
    return [
        f"{key[0]}: {str(key[1])[:60]}"
        for key in keys
        if expected.get(key, "(absent)") != found.get(key, "(absent)")
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_committed_mo_says_what_its_po_says(language: str) -> None:
    found = committed(i18n.mo_path(language))
    assert len(found) > 250
    stale = differences(compiled(i18n.po_path(language), language), found)
    assert stale == [], f"{language}: .mo behind its .po ({len(stale)}; make translations)"


def test_the_comparison_sees_an_edited_translation_and_a_new_message(tmp_path: Path) -> None:
    po = tmp_path / "messages.po"
    with i18n.po_path("ru").open("rb") as file:
        catalog = read_po(file, locale="ru")
    catalog.add("Something new to say", "Что-то новое", context="NEW_TEXT")
    catalog.get(texts.LANGUAGE_SET, context="LANGUAGE_SET").string = "Теперь иначе."  # type: ignore[union-attr]
    with po.open("wb") as file:
        write_po(file, catalog)
    stale = differences(compiled(po, "ru"), committed(i18n.mo_path("ru")))
    assert sorted(stale) == sorted(
        ["NEW_TEXT: Something new to say", f"LANGUAGE_SET: {texts.LANGUAGE_SET[:60]}"]
    )


@pytest.fixture
def locale_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped catalogues that a test may break; the bot reads it instead."""
    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy)
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    i18n.forget()
    yield copy
    i18n.forget()


def test_the_shipped_catalogues_pass_the_start_up_check(locale_dir: Path) -> None:
    i18n.check()
    english = texts.LANGUAGE_SET
    for language in LANGUAGES:
        with i18n.speaking(language):
            assert english != texts.LANGUAGE_SET


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda mo: mo.unlink(), "missing"),
        (lambda mo: mo.write_bytes(b"not a catalogue at all, just text"), "cannot be read"),
        (lambda mo: mo.write_bytes(mo.read_bytes()[:400]), "cannot be read"),
        (lambda mo: shutil.rmtree(mo.parent.parent), "missing"),
    ],
    ids=["deleted", "garbage", "truncated", "language-folder-gone"],
)
def test_a_broken_catalogue_stops_the_start_up_check_saying_which(
    locale_dir: Path, damage: object, said: str
) -> None:
    mo = locale_dir / "es" / "LC_MESSAGES" / "messages.mo"
    damage(mo)  # type: ignore[operator]
    with pytest.raises(i18n.CatalogueError) as raised:
        i18n.check()
    assert said in str(raised.value)
    assert "es" in str(raised.value) and str(mo) in str(raised.value)


def test_a_catalogue_without_translations_stops_the_start_up_check(locale_dir: Path) -> None:
    mo = locale_dir / "ru" / "LC_MESSAGES" / "messages.mo"
    with mo.open("wb") as file:
        write_mo(file, Catalog(locale="ru"))
    with pytest.raises(i18n.CatalogueError, match="empty"):
        i18n.check()


def test_fuzzy_empty_and_half_done_translations_never_reach_a_person(locale_dir: Path) -> None:
    """Compiled the way ``make translations`` compiles, a fuzzy or empty translation is
    English, and so is a counted phrase with a form left empty; finished ones are used, each
    plural form chosen by the catalogue's own rule."""
    catalog = Catalog(locale="ru")
    catalog.add(texts.YES, "Да", context="YES")
    catalog.add(texts.NO, "Нет", context="NO", flags=["fuzzy"])
    catalog.add(texts.DONE, "", context="DONE")
    catalog.add(("{count} day", "{count} days"), ("{count} день", "{count} дня", "{count} дней"),
                context=i18n.PLURAL)  # fmt: skip
    catalog.add(("{count} week", "{count} weeks"), ("{count} неделя", "", ""), context=i18n.PLURAL)
    with i18n.mo_path("ru").open("wb") as file:
        write_mo(file, catalog)
    found = i18n.translations("ru")
    assert found == {
        ("YES", texts.YES): "Да",
        (i18n.PLURAL, "{count} day"): ("{count} день", "{count} дня", "{count} дней"),
    }
    with i18n.speaking("ru"):
        assert texts.YES == "Да"
        assert i18n.gettext("NO", texts.NO) == texts.NO
        assert i18n.gettext("DONE", texts.DONE) == texts.DONE
        days = [i18n.ngettext("{count} day", "{count} days", n) for n in (1, 3, 5, 21)]
        weeks = i18n.ngettext("{count} week", "{count} weeks", 5)
    assert days == ["{count} день", "{count} дня", "{count} дней", "{count} день"]
    assert weeks == "{count} weeks"
