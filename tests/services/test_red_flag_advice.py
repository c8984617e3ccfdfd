"""The advice after a red-flag "yes" reads as whole, grammatical sentences in every language,
whatever is known of the local number: none (before set-up, or a UTC offset as the time
zone), one number, or two.

A phrase is never fitted into a sentence made for another: each piece of advice is one whole
sentence for a known number, into which only the number and the country go, and another for
an unknown one, with no placeholder at all.
"""

from __future__ import annotations

import re

import pytest

from coach import i18n, places, red_flags, texts
from coach.model import RedFlagGroup
from services.red_flags import advice, info, number_words

LANGUAGES = list(i18n.LANGUAGES)
UNKNOWN = [None, "Etc/GMT-3", "UTC"]  # before set-up; a UTC offset; UTC itself
ONE = "Europe/Berlin"  # 112
TWO = "Europe/London"  # 999 or 112, and 111 for urgent advice
SENTENCES = ("EMERGENCY_ADVICE", "URGENT_ADVICE", "RED_FLAGS_CALL")
# What the grammar broke into before: a phrase for "your local number" after a verb that
# wanted a number ("call 112" → "call your local number" in a case it does not take).
BROKEN = ("llama al tu", "llama al su", "позвоните ваш", "позвоните по номеру ваш", "call call")


def test_the_zones_give_the_number_shapes_the_tests_mean() -> None:
    assert all(places.emergency_number(zone or "UTC").number is None for zone in UNKNOWN)
    berlin, london = places.emergency_number(ONE), places.emergency_number(TWO)
    assert (berlin.number, berlin.also) == ("112", None)
    assert (london.number, london.also, london.urgent) == ("999", "112", "111")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", SENTENCES)
def test_a_known_number_has_its_own_sentence_and_an_unknown_one_has_no_placeholder(
    language: str, name: str
) -> None:
    with i18n.speaking(language):
        sentences = getattr(texts, name)
    assert sentences["number"].count("{number}") == 1
    assert "{" not in sentences["unknown"] and "}" not in sentences["unknown"]
    assert "112" in sentences["unknown"]  # the number that works from mobiles in many places


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("zone", UNKNOWN)
def test_with_no_number_the_advice_is_the_catalogues_whole_sentence(
    language: str, zone: str | None
) -> None:
    with i18n.speaking(language):
        emergency = advice(RedFlagGroup.EMERGENCY, zone)
        urgent = advice(RedFlagGroup.URGENT, zone)
        shown = info(zone).text
        assert emergency.startswith(texts.EMERGENCY_ADVICE["unknown"])
        assert urgent.startswith(texts.URGENT_ADVICE["unknown"])
        assert texts.RED_FLAGS_CALL["unknown"] in shown
        how = texts.EMERGENCY_NUMBER_HOW  # how to get the country's number into the bot
        assert emergency.endswith(how) and urgent.endswith(how) and shown.endswith(how)
    for text in (emergency, urgent, shown):
        assert "{" not in text and "}" not in text
        assert not any(broken in text.lower() for broken in BROKEN)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("zone", "shape"), [(ONE, r"112"), (TWO, r"999 \S+ 112")])
def test_with_a_number_only_the_number_and_country_go_into_the_sentence(
    language: str, zone: str, shape: str
) -> None:
    with i18n.speaking(language):
        words = number_words(zone)
        assert words is not None
        assert re.fullmatch(shape + r" \([^()<>{}]+\)", words), words
        expected = {
            "EMERGENCY_ADVICE": texts.EMERGENCY_ADVICE["number"].format(number=words),
            "URGENT_ADVICE": texts.URGENT_ADVICE["number"].format(number=words),
            "RED_FLAGS_CALL": texts.RED_FLAGS_CALL["number"].format(number=words),
        }
        emergency = advice(RedFlagGroup.EMERGENCY, zone)
        urgent = advice(RedFlagGroup.URGENT, zone)
        shown = info(zone).text
        unknown = [texts.EMERGENCY_ADVICE["unknown"], texts.URGENT_ADVICE["unknown"]]
    assert emergency == expected["EMERGENCY_ADVICE"]
    assert urgent.startswith(expected["URGENT_ADVICE"])
    assert expected["RED_FLAGS_CALL"] in shown
    for text in (emergency, urgent, shown):
        assert "{" not in text and "}" not in text
        assert not any(sentence in text for sentence in unknown)
        assert not any(broken in text.lower() for broken in BROKEN)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_urgent_advice_names_the_line_for_urgent_advice_where_there_is_one(
    language: str,
) -> None:
    with i18n.speaking(language):
        london = advice(RedFlagGroup.URGENT, TWO)
        berlin_emergency = advice(RedFlagGroup.EMERGENCY, ONE)
        line = texts.URGENT_LINE.format(urgent=texts.EMERGENCY_NUMBER.format(
            number="111", country=texts.country("GB", "United Kingdom")
        ))  # fmt: skip
    assert london.endswith(line)
    assert "116117" not in berlin_emergency  # only the urgent advice names the urgent line


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_soon_advice_keeps_the_program_going_and_needs_no_number(language: str) -> None:
    with i18n.speaking(language):
        for zone in (*UNKNOWN, ONE, TWO):
            assert advice(RedFlagGroup.SOON, zone) == texts.SOON_ADVICE
    assert not red_flags.holds(RedFlagGroup.SOON)


def test_russian_sends_emergencies_to_an_ambulance_and_urgent_signs_to_a_doctor_today() -> None:
    with i18n.speaking("ru"):
        emergency = advice(RedFlagGroup.EMERGENCY, ONE)
        urgent = advice(RedFlagGroup.URGENT, ONE)
        cancer = texts.RED_FLAGS_ITEMS["cancer"]
    assert "скорую" in emergency and "приёмное отделение" in emergency
    assert "неотложн" not in emergency  # the non-life-threatening tier in Russian care
    assert "врачу сегодня" in urgent
    assert "сейчас" in cancer and "в прошлом" in cancer  # current cancer answers yes too
