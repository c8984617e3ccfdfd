"""Time zones from what a person types or shares, and the local emergency number."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import places
from coach.places import (
    Candidate,
    Choice,
    EmergencyNumber,
    NotFound,
    Zone,
    country_of_zone,
    emergency_number,
    load_zone,
    resolve_zone,
    zone_from_location,
)

WINTER = datetime(2026, 1, 15, 12, 0)
SUMMER = datetime(2026, 7, 15, 12, 0)


def offset_of(zone: str, when: datetime = WINTER) -> timedelta | None:
    return when.replace(tzinfo=load_zone(zone)).utcoffset()


# --- IANA names ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Europe/Berlin", "europe/berlin", "  EUROPE/BERLIN "])
def test_an_iana_name_is_found_in_any_case(text: str) -> None:
    assert resolve_zone(text) == Zone("Europe/Berlin")


def test_a_typed_etc_zone_is_flagged_as_not_following_daylight_saving() -> None:
    assert resolve_zone("etc/gmt-2") == Zone("Etc/GMT-2", follows_dst=False)


@pytest.mark.parametrize("text", ["EST", "CET", "PST8PDT"])
def test_legacy_abbreviations_are_not_taken_for_zones(text: str) -> None:
    assert isinstance(resolve_zone(text), NotFound)


# --- UTC offsets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone", "hours"),
    [
        ("UTC+2", "Etc/GMT-2", 2),
        ("utc +2", "Etc/GMT-2", 2),
        ("GMT+1", "Etc/GMT-1", 1),
        ("+03:00", "Etc/GMT-3", 3),
        ("-4", "Etc/GMT+4", -4),
        ("UTC−3", "Etc/GMT+3", -3),  # a typographic minus sign
        ("UTC+14", "Etc/GMT-14", 14),
        ("UTC-12", "Etc/GMT+12", -12),
        ("UTC", "UTC", 0),
        ("gmt", "UTC", 0),
        ("+0", "UTC", 0),
    ],
)
def test_whole_hour_offsets_become_etc_zones_with_the_inverted_sign(
    text: str, zone: str, hours: int
) -> None:
    assert resolve_zone(text) == Zone(zone, follows_dst=False)
    assert offset_of(zone) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("text", "zone", "offset"),
    [
        ("UTC+05:30", "UTC+05:30", timedelta(hours=5, minutes=30)),
        ("+0530", "UTC+05:30", timedelta(hours=5, minutes=30)),
        ("utc-05:30", "UTC-05:30", -timedelta(hours=5, minutes=30)),
        ("+5:45", "UTC+05:45", timedelta(hours=5, minutes=45)),
        ("UTC-09:30", "UTC-09:30", -timedelta(hours=9, minutes=30)),
        ("UTC+13:45", "UTC+13:45", timedelta(hours=13, minutes=45)),
    ],
)
def test_half_and_quarter_hour_offsets_become_a_fixed_form_that_loads(
    text: str, zone: str, offset: timedelta
) -> None:
    assert resolve_zone(text) == Zone(zone, follows_dst=False)
    assert offset_of(zone) == offset


@pytest.mark.parametrize("text", ["UTC+14:30", "UTC-12:30", "+15", "-13", "UTC+99"])
def test_offsets_beyond_minus_12_to_plus_14_are_refused_with_the_range(text: str) -> None:
    answer = resolve_zone(text)
    assert isinstance(answer, NotFound)
    assert "UTC-12 to UTC+14" in answer.hint


@pytest.mark.parametrize("text", ["UTC+02:17", "+05:60", "+1:15"])
def test_offsets_with_minutes_no_zone_uses_are_refused(text: str) -> None:
    answer = resolve_zone(text)
    assert isinstance(answer, NotFound)
    assert ":30" in answer.hint


def test_every_offset_in_range_round_trips_through_its_stored_string() -> None:
    for minutes in range(-12 * 60, 14 * 60 + 1, 15):
        sign = "-" if minutes < 0 else "+"
        hours, rest = divmod(abs(minutes), 60)
        answer = resolve_zone(f"UTC{sign}{hours}:{rest:02d}")
        if rest == 15:
            assert isinstance(answer, NotFound)
            continue
        assert isinstance(answer, Zone)
        assert not answer.follows_dst
        # The same offset in winter and in summer: it never follows daylight saving.
        assert offset_of(answer.name, WINTER) == offset_of(answer.name, SUMMER)
        assert offset_of(answer.name) == timedelta(minutes=minutes)


# --- places -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Munich", "munich", "MÜNCHEN", "München", "munchen", "Muenchen"])
def test_a_city_is_found_regardless_of_case_accents_and_language(text: str) -> None:
    assert resolve_zone(text) == Zone("Europe/Berlin", place="Munich, Germany")


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Łódź", "Europe/Warsaw"),
        ("lodz", "Europe/Warsaw"),
        ("Москва", "Europe/Moscow"),
        ("Bombay", "Asia/Kolkata"),
        ("Kolkata", "Asia/Kolkata"),
        ("Cologne", "Europe/Berlin"),
        ("Roma", "Europe/Rome"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Sydney", "Australia/Sydney"),
        ("New York", "America/New_York"),
    ],
)
def test_cities_are_found_by_their_own_or_alternate_names(text: str, zone: str) -> None:
    answer = resolve_zone(text)
    assert isinstance(answer, Zone)
    assert answer.name == zone
    assert answer.follows_dst


def test_an_ambiguous_city_offers_a_choice_of_distinct_zones_by_population() -> None:
    answer = resolve_zone("Springfield")
    assert isinstance(answer, Choice)
    zones = [c.zone for c in answer.candidates]
    assert zones[:2] == ["America/Chicago", "America/New_York"]
    assert len(zones) == len(set(zones)) <= places.MAX_CHOICES
    assert answer.candidates[0] == Candidate("Springfield", "United States", "America/Chicago")


def test_a_city_ten_times_larger_than_its_namesakes_is_picked_outright() -> None:
    # Paris, France (2.1 million) against Paris, Texas (25 000).
    assert resolve_zone("Paris") == Zone("Europe/Paris", place="Paris, France")


def test_the_dominance_rule_needs_ten_times_the_population_of_the_next_zone() -> None:
    def city(gid: int, population: int, zone: str) -> places._City:
        return places._City(gid, f"Town {gid}", "DE", population, zone)

    picked = places._decide([city(1, 1000, "Europe/Berlin"), city(2, 100, "Europe/Paris")])
    assert picked == Zone("Europe/Berlin", place="Town 1, Germany")
    # The next zone's cities add up: 60 + 50 is more than a tenth of 1000.
    close = places._decide(
        [city(1, 1000, "Europe/Berlin"), city(2, 60, "Europe/Paris"), city(3, 50, "Europe/Paris")]
    )
    assert isinstance(close, Choice)
    assert [c.zone for c in close.candidates] == ["Europe/Berlin", "Europe/Paris"]


def test_alternate_names_do_not_crowd_out_cities_with_that_very_name() -> None:
    # "Venice" is also an old name of Dayton, Ohio, which is bigger than Venice, Italy.
    answer = resolve_zone("Venice")
    assert isinstance(answer, Choice)
    assert answer.candidates[0] == Candidate("Venice", "Italy", "Europe/Rome")
    assert all(c.city == "Venice" for c in answer.candidates)


def test_a_country_after_a_comma_narrows_the_cities() -> None:
    assert resolve_zone("Paris, US") == Zone("America/Chicago", place="Paris, United States")
    assert resolve_zone("Paris, France") == Zone("Europe/Paris", place="Paris, France")
    springfields = resolve_zone("Springfield, United States")
    assert isinstance(springfields, Choice)
    assert {c.country for c in springfields.candidates} == {"United States"}


def test_a_region_after_a_comma_is_not_mistaken_for_the_bare_city() -> None:
    assert isinstance(resolve_zone("Paris, Texas"), NotFound)


def test_a_country_with_one_main_zone_gives_that_zone() -> None:
    assert resolve_zone("Germany") == Zone("Europe/Berlin", place="Berlin, Germany")
    assert resolve_zone("japan") == Zone("Asia/Tokyo", place="Tokyo, Japan")


def test_a_country_with_several_zones_offers_its_largest_ones() -> None:
    answer = resolve_zone("Canada")
    assert isinstance(answer, Choice)
    assert answer.candidates[0] == Candidate("Toronto", "Canada", "America/Toronto")
    assert "America/Vancouver" in {c.zone for c in answer.candidates}


@pytest.mark.parametrize("text", ["xyzzy", "", "   ", "?!", "a" * 4000, "🦴💥", "DE"])
def test_anything_unknown_gets_a_hint_of_what_to_type(text: str) -> None:
    answer = resolve_zone(text)
    assert isinstance(answer, NotFound)
    assert "UTC+2" in answer.hint


@pytest.fixture(scope="module")
def warm() -> None:
    """Open the index once before the property test, which then exercises lookups."""
    places.warm_up()


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=4000),
        st.text(st.characters(), min_size=1, max_size=50),
        st.from_regex(r"\s*(utc|gmt|z)?\s*[+\-−]?\s*\d{0,5}(:\d{0,3})?\s*", fullmatch=True),
    )
)
def test_resolving_arbitrary_text_never_raises_and_returns_quickly(warm: None, text: str) -> None:
    answer = resolve_zone(text)
    assert isinstance(answer, Zone | Choice | NotFound)
    if isinstance(answer, Zone):
        load_zone(answer.name)


# --- storing and loading ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Europe/Berlin", "UTC+2", "UTC", "UTC+05:30", "UTC-03:30", "München", "Paris"]
)
def test_every_kind_of_answer_stores_as_a_string_that_loads_again(text: str) -> None:
    answer = resolve_zone(text)
    assert isinstance(answer, Zone)
    assert load_zone(answer.name) == load_zone(answer.name)
    assert offset_of(answer.name) is not None


def test_each_choice_candidate_zone_loads() -> None:
    answer = resolve_zone("Springfield")
    assert isinstance(answer, Choice)
    for candidate in answer.candidates:
        load_zone(candidate.zone)


@pytest.mark.parametrize(
    "name",
    ["Mars/Olympus_Mons", "UTC+5:30", "UTC+00:75", "UTC+02:00", "UTC+15:30", "", "../etc/passwd"],
)
def test_loading_an_unknown_zone_raises_value_error(name: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        load_zone(name)


# --- shared location ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latitude", "longitude", "zone"),
    [
        (52.52, 13.405, "Europe/Berlin"),
        (40.7128, -74.006, "America/New_York"),
        (-33.8688, 151.2093, "Australia/Sydney"),
        (22.5726, 88.3639, "Asia/Kolkata"),
    ],
)
def test_a_shared_location_gives_its_zone(latitude: float, longitude: float, zone: str) -> None:
    assert zone_from_location(latitude, longitude) == zone


def test_a_location_at_sea_gives_an_etc_zone() -> None:
    assert zone_from_location(0.0, -30.0) == "Etc/GMT+2"


@pytest.mark.parametrize(("latitude", "longitude"), [(91, 0), (0, 181), (float("nan"), 0)])
def test_impossible_coordinates_give_no_zone(latitude: float, longitude: float) -> None:
    assert zone_from_location(latitude, longitude) is None


# --- countries and emergency numbers ------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("Europe/Berlin", "DE"),
        ("Europe/Amsterdam", "NL"),  # a link to Europe/Brussels, but the Netherlands' zone
        ("US/Eastern", "US"),  # a backward link, followed
        ("Asia/Calcutta", "IN"),
        ("Etc/GMT-2", None),
        ("UTC", None),
        ("UTC+05:30", None),
        ("Nowhere/Special", None),
    ],
)
def test_a_zone_belongs_to_its_country(zone: str, country: str | None) -> None:
    assert country_of_zone(zone) == country


@pytest.mark.parametrize(
    ("zone", "number", "also", "country"),
    [
        ("Europe/Berlin", "112", None, "Germany"),
        ("America/New_York", "911", None, "United States"),
        ("Europe/London", "999", "112", "United Kingdom"),
        ("Europe/Dublin", "112", "999", "Ireland"),
        ("Australia/Sydney", "000", "112", "Australia"),
        ("Pacific/Auckland", "111", None, "New Zealand"),
        ("Asia/Kolkata", "112", "108", "India"),  # 108: the ambulance, beside 112
        ("Asia/Tokyo", "119", None, "Japan"),
        ("Asia/Shanghai", "120", None, "China"),
        ("Europe/Oslo", "113", "112", "Norway"),
    ],
)
def test_the_emergency_number_is_the_one_of_the_zones_country(
    zone: str, number: str, also: str | None, country: str
) -> None:
    found = emergency_number(zone)
    assert (found.number, found.also, found.country) == (number, also, country)
    assert number in found.advice() and country in found.advice()


@pytest.mark.parametrize("zone", ["Etc/GMT-2", "UTC", "UTC+05:30", "Antarctica/Troll"])
def test_an_unknown_country_gets_the_generic_emergency_advice(zone: str) -> None:
    found = emergency_number(zone)
    assert found.number is None
    assert "local emergency number" in found.advice()
    assert "112 works from mobile phones" in found.advice()


def test_the_emergency_table_lists_each_known_country_once() -> None:
    raw = tomllib.loads(places.NUMBERS_FILE.read_text(encoding="utf-8"))
    codes = [code for codes in raw["number"].values() for code in codes]
    assert len(codes) == len(set(codes))
    known = places._country_names()
    assert set(codes) <= set(known)
    assert set(raw["also"]) <= set(codes)


def test_the_advice_names_both_numbers_when_there_are_two() -> None:
    uk = EmergencyNumber("999", "112", "GB", "United Kingdom")
    assert uk.advice() == "Call 999 or 112 (United Kingdom)."
