"""Typed words, understood from each language's table: ratings in digits and words, how the
back feels, done, pause and help; and what no table knows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.phrases import PHRASES, Meaning, Understood, fold, understand

RATINGS = [
    ("en", "6", Understood(Meaning.RATING, 6, bare=True)),
    ("en", "6/10", Understood(Meaning.RATING, 6)),
    ("en", "pain 6", Understood(Meaning.RATING, 6)),
    ("en", "Pain is 4.", Understood(Meaning.RATING, 4)),
    ("en", "six", Understood(Meaning.RATING, 6)),
    ("en", "3 out of 10 today", Understood(Meaning.RATING, 3)),
    ("en", "12/10", Understood(Meaning.RATING, None)),
    ("en", "5.5", Understood(Meaning.RATING, None, bare=True)),
    ("ru", "боль 6", Understood(Meaning.RATING, 6)),
    ("ru", "шесть", Understood(Meaning.RATING, 6)),
    ("ru", "5 из 10", Understood(Meaning.RATING, 5)),
    ("es", "dolor 6", Understood(Meaning.RATING, 6)),
    ("es", "seis", Understood(Meaning.RATING, 6)),
    ("es", "7 de 10", Understood(Meaning.RATING, 7)),
]


@pytest.mark.parametrize(("language", "text", "expected"), RATINGS)
def test_a_rating_in_digits_or_words(language: str, text: str, expected: Understood) -> None:
    assert understand(text, language) == expected


PHRASE_CASES = [
    ("en", "my back really hurts today after lifting", Meaning.WORSE),
    ("en", "Worse", Meaning.WORSE),
    ("en", "bad day", Meaning.WORSE),
    ("en", "not better", Meaning.WORSE),
    ("en", "better!", Meaning.BETTER),
    ("en", "it doesn't hurt today", Meaning.BETTER),
    ("en", "done", Meaning.DONE),
    ("en", "did it", Meaning.DONE),
    ("en", "pause", Meaning.PAUSE),
    ("en", "Stop", Meaning.PAUSE),
    ("en", "help", Meaning.HELP),
    ("en", "?", Meaning.HELP),
    ("ru", "спина сильно болит", Meaning.WORSE),
    ("ru", "Стало хуже", Meaning.WORSE),
    ("ru", "уже лучше", Meaning.BETTER),
    ("ru", "не болит", Meaning.BETTER),
    ("ru", "сделала", Meaning.DONE),
    ("ru", "Готово!", Meaning.DONE),
    ("ru", "пауза", Meaning.PAUSE),
    ("ru", "помощь", Meaning.HELP),
    ("es", "me duele mucho la espalda", Meaning.WORSE),
    ("es", "Mal día", Meaning.WORSE),
    ("es", "no me siento bien", Meaning.WORSE),
    ("es", "mucho mejor", Meaning.BETTER),
    ("es", "ya no me duele", Meaning.BETTER),
    ("es", "lo hice", Meaning.DONE),
    ("es", "listo", Meaning.DONE),
    ("es", "pausa", Meaning.PAUSE),
    ("es", "ayuda", Meaning.HELP),
]


@pytest.mark.parametrize(("language", "text", "meaning"), PHRASE_CASES)
def test_what_people_type(language: str, text: str, meaning: Meaning) -> None:
    found = understand(text, language)
    assert found is not None and found.meaning is meaning


def test_another_languages_words_are_understood_too() -> None:
    assert understand("me duele", "en") == Understood(Meaning.WORSE)
    assert understand("боль 3", "es") == Understood(Meaning.RATING, 3)


@pytest.mark.parametrize(
    "text", ["hello", "after 3 days of lifting", "what's the weather", "", "paragraph"]
)
def test_what_no_table_knows(text: str) -> None:
    assert understand(text, "en") is None


def test_a_number_in_a_sentence_is_no_rating() -> None:
    assert understand("I lifted 8 boxes", "en") is None


def test_fold_drops_case_accents_and_punctuation() -> None:
    assert fold("¡Mal DÍA!") == "mal dia"
    assert fold("Ещё, хуже...") == "еще хуже"
    assert fold("6/10") == "6 10"


@pytest.mark.parametrize("language", list(PHRASES))
def test_every_phrase_of_a_table_means_its_own_meaning(language: str) -> None:
    for meaning, phrases in PHRASES[language].items():
        for phrase in phrases:
            found = understand(phrase, language)
            assert found == Understood(meaning), (language, phrase, found)


@given(st.text(max_size=60))
def test_any_text_gives_a_meaning_or_none(text: str) -> None:
    found = understand(text, "en")
    assert found is None or isinstance(found.meaning, Meaning)
    if found is not None and found.pain is not None:
        assert 0 <= found.pain <= 10
