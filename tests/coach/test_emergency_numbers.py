"""The emergency numbers: every populous country has its number, with the public source
named next to it, or is left out on purpose, with the reason, and gets the generic advice."""

from __future__ import annotations

import re
import tomllib

import pytest

from coach import places

# Countries of 20 million people or more (UN World Population Prospects 2024, 2024
# estimates), with Chile, Romania and Somalia, just below, for good measure.
POPULOUS = {
    "CN": "China", "IN": "India", "US": "United States", "ID": "Indonesia",
    "PK": "Pakistan", "NG": "Nigeria", "BR": "Brazil", "BD": "Bangladesh", "RU": "Russia",
    "ET": "Ethiopia", "MX": "Mexico", "JP": "Japan", "EG": "Egypt", "PH": "Philippines",
    "CD": "DR Congo", "VN": "Vietnam", "IR": "Iran", "TR": "Turkey", "DE": "Germany",
    "TH": "Thailand", "TZ": "Tanzania", "GB": "United Kingdom", "FR": "France",
    "ZA": "South Africa", "IT": "Italy", "KE": "Kenya", "MM": "Myanmar", "CO": "Colombia",
    "KR": "South Korea", "SD": "Sudan", "UG": "Uganda", "ES": "Spain", "DZ": "Algeria",
    "IQ": "Iraq", "AR": "Argentina", "AF": "Afghanistan", "YE": "Yemen", "CA": "Canada",
    "AO": "Angola", "UA": "Ukraine", "MA": "Morocco", "PL": "Poland", "UZ": "Uzbekistan",
    "MZ": "Mozambique", "MY": "Malaysia", "GH": "Ghana", "PE": "Peru", "SA": "Saudi Arabia",
    "MG": "Madagascar", "CI": "Côte d'Ivoire", "NP": "Nepal", "CM": "Cameroon",
    "VE": "Venezuela", "NE": "Niger", "AU": "Australia", "KP": "North Korea", "SY": "Syria",
    "ML": "Mali", "BF": "Burkina Faso", "TW": "Taiwan", "LK": "Sri Lanka", "MW": "Malawi",
    "ZM": "Zambia", "KZ": "Kazakhstan", "TD": "Chad", "CL": "Chile", "RO": "Romania",
    "SO": "Somalia",
}  # fmt: skip

# The countries given a number in "Words a person can trust": each names its source.
ADDED = {"ID", "PK", "NG", "IR", "KE", "DZ", "MA", "UZ", "KZ", "GH", "PE", "CI", "NP", "LK"}

# A zone in each added country, and the number (and second number) it must give.
ZONES = [
    ("Asia/Jakarta", "119", "112"),
    ("Asia/Makassar", "119", "112"),
    ("Asia/Karachi", "1122", "115"),
    ("Africa/Lagos", "112", None),
    ("Asia/Tehran", "115", None),
    ("Africa/Nairobi", "999", "112"),
    ("Africa/Algiers", "14", None),
    ("Africa/Casablanca", "15", None),
    ("Asia/Tashkent", "103", None),
    ("Asia/Samarkand", "103", None),
    ("Asia/Almaty", "103", "112"),
    ("Africa/Accra", "112", "193"),
    ("America/Lima", "106", "116"),
    ("Africa/Abidjan", "185", "180"),
    ("Asia/Kathmandu", "102", None),
    ("Asia/Colombo", "1990", None),
]


def raw() -> dict[str, dict[str, object]]:
    return tomllib.loads(places.NUMBERS_FILE.read_text(encoding="utf-8"))


def numbered() -> dict[str, str]:
    return {code: num for num, codes in raw()["number"].items() for code in codes}  # type: ignore[attr-defined]


def test_every_populous_country_has_a_number_or_a_reason_for_none() -> None:
    numbers, left_out = numbered(), raw()["left_out"]
    missing = sorted(set(POPULOUS) - set(numbers) - set(left_out))
    assert missing == [], [POPULOUS[code] for code in missing]


def test_a_country_left_out_has_no_number_and_a_real_reason() -> None:
    numbers, left_out = numbered(), raw()["left_out"]
    assert sorted(set(left_out) & set(numbers)) == []
    assert set(left_out) <= set(POPULOUS)
    assert all(isinstance(why, str) and len(why) > 20 for why in left_out.values())


def test_each_country_has_one_number_and_its_second_number_only_with_a_first() -> None:
    codes = [code for codes in raw()["number"].values() for code in codes]  # type: ignore[attr-defined]
    assert sorted({c for c in codes if codes.count(c) > 1}) == []
    assert set(raw()["also"]) <= set(codes)
    assert all(re.fullmatch(r"\d{2,5}", num) for num in raw()["number"])


def test_every_added_number_names_its_source_next_to_it() -> None:
    text = places.NUMBERS_FILE.read_text(encoding="utf-8")
    section = text.split("\n[number]\n")[1].split("\n[also]\n")[0]
    for code in sorted(ADDED):
        lines = section.splitlines()
        at = next(i for i, line in enumerate(lines) if re.match(rf'\s*"{code}",\s*#', line))
        comment = lines[at]
        for line in lines[at + 1 :]:  # the comment continues on the lines below
            if not re.match(r"\s*#", line):
                break
            comment += line
        assert re.search(r"https://\S+", comment), code
        assert '"' in comment.split("#", 1)[1], f"{code}: the source's title, in quotes"


@pytest.mark.parametrize(("zone", "number", "also"), ZONES)
def test_a_zone_in_each_added_country_gives_its_number(
    zone: str, number: str, also: str | None
) -> None:
    found = places.emergency_number(zone)
    assert (found.number, found.also) == (number, also)
    assert found.country_code in ADDED
    assert found.advice().startswith(f"Call {number}")


@pytest.mark.parametrize(
    "zone", ["Africa/Kinshasa", "Africa/Addis_Ababa", "Asia/Yangon", "Asia/Baghdad"]
)
def test_a_zone_in_a_country_left_out_gets_the_generic_advice(zone: str) -> None:
    found = places.emergency_number(zone)
    assert found.number is None
    assert found.country_code in raw()["left_out"]
    assert "112 works from mobile phones" in found.advice()


def test_every_populous_country_with_a_number_gives_it_through_one_of_its_zones() -> None:
    countries, _links = places._zone_countries()
    zones: dict[str, str] = {}
    for zone, code in countries.items():
        zones.setdefault(code, zone)
    numbers = numbered()
    for code in sorted(set(POPULOUS) & set(numbers)):
        assert places.emergency_number(zones[code]).number == numbers[code], code


# Checked in the red-flag review (Safety v3): a zone in each country and what it must give.
CHECKED = [
    ("Europe/San_Marino", "SM", "118", None),
    ("Asia/Kolkata", "IN", "112", "108"),
    ("Asia/Riyadh", "SA", "997", "911"),
    ("America/Argentina/Buenos_Aires", "AR", "107", "911"),
    ("America/Argentina/Cordoba", "AR", "107", "911"),
    ("Asia/Jakarta", "ID", "119", "112"),
    ("Africa/Algiers", "DZ", "14", None),
    ("Africa/Casablanca", "MA", "15", None),
    ("Asia/Kathmandu", "NP", "102", None),
    ("Europe/Belgrade", "RS", "194", None),
    ("Europe/Sarajevo", "BA", "124", None),
    ("Asia/Yerevan", "AM", "103", None),
    ("Asia/Baku", "AZ", "112", "103"),
    ("Asia/Phnom_Penh", "KH", "119", None),
    ("Asia/Vientiane", "LA", "1195", None),
    ("Asia/Macau", "MO", "999", "112"),
    ("Europe/Gibraltar", "GI", "190", None),
]


@pytest.mark.parametrize(("zone", "code", "number", "also"), CHECKED)
def test_each_checked_country_gives_its_number_and_names_its_source(
    zone: str, code: str, number: str, also: str | None
) -> None:
    found = places.emergency_number(zone)
    assert (found.country_code, found.number, found.also) == (code, number, also)
    section = places.NUMBERS_FILE.read_text(encoding="utf-8").split("\n[also]\n")[0]
    lines = section.splitlines()
    at = next(i for i, line in enumerate(lines) if re.match(rf'\s*"{code}",\s*#', line))
    comment = lines[at]
    for line in lines[at + 1 :]:
        if not re.match(r"\s*#", line):
            break
        comment += line
    assert re.search(r"https://\S+", comment), code
