"""Where a person is: their time zone, from what they type or share, and the local
emergency number for the red-flag advice.

Every zone this module hands out is a string that `load_zone` turns back into a tzinfo:
an IANA name ("Europe/Berlin", "Etc/GMT-2", "UTC") or, for offsets that are not whole
hours and so have no Etc zone, the fixed form "UTC+05:30". Store the string; always load
it with `load_zone`, never with ZoneInfo directly.
"""

from __future__ import annotations

import functools
import re
import threading
import tomllib
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from importlib import resources
from pathlib import Path

from coach import place_index, texts
from coach.place_index import fold

NUMBERS_FILE = Path(__file__).with_name("emergency_numbers.toml")
MAX_CHOICES = 6
DOMINANCE = 10  # a zone is picked outright when it outweighs every other zone this much
MAX_INPUT = 100  # no place or zone name is longer; refusing more keeps every lookup cheap


@dataclass(frozen=True)
class Zone:
    """A time zone found, as a string for `load_zone`."""

    name: str
    follows_dst: bool = True  # False for fixed offsets: warn that DST won't be followed
    place: str | None = None  # "Paris, France" when found from a place name


@dataclass(frozen=True)
class Candidate:
    """One choice when a place name is ambiguous: the largest matching city of a zone."""

    city: str
    country: str
    zone: str


@dataclass(frozen=True)
class Choice:
    """Matching places lie in different zones and none dominates: ask which one."""

    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class NotFound:
    """Nothing matched; `hint` says what to try (or why an offset was refused)."""

    hint: str


ZoneAnswer = Zone | Choice | NotFound


@dataclass(frozen=True)
class EmergencyNumber:
    """The number to call; `number` is None when the country is unknown."""

    number: str | None
    also: str | None  # a second number that also works (112 in the UK)
    country_code: str | None
    country: str | None  # English name, when the country is known
    urgent: str | None = None  # a line for urgent advice that is no emergency (111 in the UK)

    def advice(self) -> str:
        """One sentence for the red-flag message."""
        if self.number is None:
            return (
                "Call your local emergency number (112 works from mobile phones in many countries)."
            )
        also = f" or {self.also}" if self.also else ""
        return f"Call {self.number}{also} ({self.country})."


# --- time zones from text ---------------------------------------------------------------

# Optional UTC/GMT/Z, then an optional signed offset: "+2", "-05:30", "+0530". Sign first
# and bounded repeats, so no input can make the regex backtrack badly.
_OFFSET = re.compile(r"(?:utc|gmt|z)?\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?")
_FIXED = re.compile(r"UTC([+-])(\d{2}):(\d{2})")


def resolve_zone(text: str) -> ZoneAnswer:
    """Turn an onboarding answer into a zone: a UTC offset, an IANA name (any case), or a
    city or country name (any case, accents optional)."""
    text = text.strip()
    if not text or len(text) > MAX_INPUT:
        return NotFound(texts.TIMEZONE_HINT)
    offset = _OFFSET.fullmatch(text.casefold().replace("−", "-"))
    if offset:
        return _offset_zone(*offset.groups())
    # Only Area/Location names: the slash-less legacy names are abbreviations people
    # misread (EST has no daylight saving) or countries the city lookup answers better.
    name = _iana_names().get(text.casefold())
    if name:
        return Zone(name, follows_dst=not name.startswith("Etc/"))
    return _lookup_place(text) or NotFound(texts.TIMEZONE_HINT)


def _offset_zone(sign: str | None, hours: str | None, minutes: str | None) -> ZoneAnswer:
    total = int(hours or 0) * 60 + int(minutes or 0)
    if sign == "-":
        total = -total
    if int(minutes or 0) not in (0, 30, 45):  # the only minutes real zones use
        return NotFound(texts.OFFSET_MINUTES)
    if not -12 * 60 <= total <= 14 * 60:
        return NotFound(texts.OFFSET_RANGE)
    if total == 0:
        return Zone("UTC", follows_dst=False)
    if total % 60 == 0:
        # POSIX-style Etc names invert the sign: Etc/GMT-2 is two hours ahead of UTC.
        return Zone(f"Etc/GMT{-total // 60:+d}", follows_dst=False)
    h, m = divmod(abs(total), 60)
    return Zone(f"UTC{'-' if total < 0 else '+'}{h:02d}:{m:02d}", follows_dst=False)


def load_zone(name: str) -> tzinfo:
    """Load a stored zone: an IANA name or the fixed form "UTC+05:30"; else ValueError."""
    fixed = _FIXED.fullmatch(name)
    if fixed:
        sign, h, m = fixed.groups()
        # Only the forms resolve_zone makes, so "UTC+00:75" cannot sneak in from storage.
        if _offset_zone(sign, h, m) != Zone(name, follows_dst=False):
            raise ValueError(f"unknown time zone {name!r}")
        delta = timedelta(hours=int(h), minutes=int(m))
        return timezone(-delta if sign == "-" else delta, name)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


@functools.cache
def _iana_names() -> dict[str, str]:  # available_timezones() scans the disk: once
    return {n.casefold(): n for n in zoneinfo.available_timezones() if "/" in n}


# --- places -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _City:
    id: int  # the city's rank in the index: tells cities apart, breaks ties (lowest first)
    name: str
    country: str  # ISO alpha-2
    population: int
    zone: str


_BY_NAME = (
    "SELECT c.id, c.name, c.country, c.population, z.name FROM names AS n "
    "JOIN cities AS c ON c.id = n.city JOIN zones AS z ON z.id = c.zone WHERE n.key = ?"
)
_BY_COUNTRY = (
    "SELECT z.name, w.weight, c.id, c.name, c.country, c.population "
    "FROM country_zones AS w JOIN cities AS c ON c.id = w.city JOIN zones AS z ON z.id = w.zone "
    "WHERE w.country = ?"
)


class _Index:
    """The city index shipped with the package (coach/place_index.py), opened once; one
    query at a time."""

    def __init__(self) -> None:
        self._db = place_index.connect()
        self._lock = threading.Lock()  # one connection, shared by the loop and warm-up

    def named(self, key: str) -> list[_City]:
        """Cities with ``key`` as their own name, else those with it as an alternate name
        (the index holds an alternate name only where no city has it as its own)."""
        with self._lock:
            rows = self._db.execute(_BY_NAME, (key,)).fetchall()
        return [_City(*row) for row in rows]

    def zones_of(self, country: str) -> dict[str, tuple[int, _City]]:
        """Each zone of a country: the population of its cities and the largest of them."""
        with self._lock:
            rows = self._db.execute(_BY_COUNTRY, (country,)).fetchall()
        return {
            zone: (weight, _City(city, name, country, population, zone))
            for zone, weight, city, name, country, population in rows
        }

    def countries(self) -> dict[str, str]:
        """ISO alpha-2 → English name."""
        with self._lock:
            return dict(self._db.execute("SELECT code, name FROM countries"))


_index_lock = threading.Lock()  # the loop and the warm-up thread open it once between them


def _index() -> _Index:
    """Opened once, on first use (or at warm-up); BrokenIndex if the installation lacks it."""
    with _index_lock:
        return _open_index()


@functools.cache
def _open_index() -> _Index:
    return _Index()


@functools.cache
def _countries() -> dict[str, str]:
    """Folded country name or ISO code → ISO code."""
    countries: dict[str, str] = {}
    for code, name in _country_names().items():
        countries[fold(code)] = countries[fold(name)] = code
    return countries


def _lookup_place(text: str) -> ZoneAnswer | None:
    """A city or country name, optionally narrowed by ", country" ("Springfield, US").

    Alternate names ("München", "Bombay", "Москва") count only when no city has the name
    as its own: they also hold old names and codes that would crowd the choice ("Venice"
    is an old name of Dayton, Ohio)."""
    head, comma, tail = text.rpartition(",")
    country = _countries().get(fold(tail)) if comma else None
    key = fold(head if country else text)
    found = _index().named(key)
    if country:
        found = [c for c in found if c.country == country]
    elif len(key) > 2 and key in _countries():  # a country's name, not a bare ISO code
        # Every city of the country counts, summed per zone when the index was built.
        code = _countries()[key]
        weighed = _weigh((c for c in found if c.country != code), _index().zones_of(code))
        return _choose(weighed) if weighed else None
    return _decide(found) if found else None


def _decide(cities: Iterable[_City]) -> ZoneAnswer:
    """Weigh each zone by the population of its matching cities. The heaviest zone wins
    outright if it weighs DOMINANCE times the next (Paris, France over Paris, Texas);
    otherwise offer the heaviest zones, each by its largest city (Springfield)."""
    return _choose(_weigh(cities, {}))


def _weigh(
    cities: Iterable[_City], groups: dict[str, tuple[int, _City]]
) -> dict[str, tuple[int, _City]]:
    """Add cities to zones already weighed (``groups``: zone → population, largest city).
    The largest city has the most people, then the lowest id."""
    weighed = dict(groups)
    for city in cities:
        weight, largest = weighed.get(city.zone, (0, city))
        if (-city.population, city.id) < (-largest.population, largest.id):
            largest = city
        weighed[city.zone] = (weight + city.population, largest)
    return weighed


def _choose(weighed: dict[str, tuple[int, _City]]) -> ZoneAnswer:
    """The zone that dominates, or a choice of the heaviest (see ``_decide``)."""
    weight = {zone: w for zone, (w, _) in weighed.items()}
    largest = {zone: city for zone, (_, city) in weighed.items()}
    zones = sorted(weight, key=lambda z: (-weight[z], z))
    labels = {z: (largest[z].name, _country_names().get(largest[z].country, "")) for z in zones}
    if len(zones) == 1 or weight[zones[0]] >= DOMINANCE * weight[zones[1]]:
        city_name, country = labels[zones[0]]
        return Zone(zones[0], place=f"{city_name}, {country}")
    return Choice(tuple(Candidate(*labels[z], z) for z in zones[:MAX_CHOICES]))


# --- shared location --------------------------------------------------------------------


def zone_from_location(latitude: float, longitude: float) -> str | None:
    """The IANA zone at a point (an Etc zone at sea: "Etc/GMT+2" mid-Atlantic); None for
    invalid coordinates. Call it from a worker thread: a process's first lookup loads the
    zones' outlines (~0.25 s, ~34 MB) and holds the interpreter's lock meanwhile, so the
    event loop waits that once too; later lookups take a microsecond. Loaded then rather than
    at start-up, a process whose people share no location never pays those megabytes."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # also rejects NaN
        return None
    import tzfpy  # light to import (~2 MB): its first lookup is what loads the outlines

    name = tzfpy.get_tz(longitude, latitude)  # thread-safe
    return name if name and name.casefold() in _iana_names() else None


def warm_up() -> None:
    """Open the city index and read the zone tables now, e.g. in a thread at start-up,
    rather than on someone's answer (the locations' outlines wait for the first location)."""
    _index()
    _country_names()
    _zone_countries()
    _numbers()


# --- countries and emergency numbers ----------------------------------------------------


@functools.cache
def _zone_countries() -> tuple[dict[str, str], dict[str, str]]:
    """Zone → country from the tz database's tables, and alias → target from its links."""
    tzdir = resources.files("tzdata").joinpath("zoneinfo")
    countries: dict[str, str] = {}
    # zone1970.tab lists the zone's principal country first; zone.tab adds one line per
    # country for zones that are links (Europe/Amsterdam → NL), so it overrides.
    for table in ("zone1970.tab", "zone.tab"):
        for line in tzdir.joinpath(table).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                codes, _, zone = line.split("\t")[:3]
                countries[zone] = codes.split(",")[0]
    links = {}
    for line in tzdir.joinpath("tzdata.zi").read_text(encoding="utf-8").splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return countries, links


def country_of_zone(zone: str) -> str | None:
    """ISO 3166 alpha-2 code of a zone's country; None for Etc zones and fixed offsets."""
    countries, links = _zone_countries()
    for _ in range(3):  # follow a short chain of links (US/Eastern → America/New_York)
        if zone in countries:
            return countries[zone]
        zone = links.get(zone, "")
    return None


@functools.cache
def _numbers() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    raw = tomllib.loads(NUMBERS_FILE.read_text(encoding="utf-8"))
    number = {code: num for num, codes in raw["number"].items() for code in codes}
    return number, dict(raw["also"]), dict(raw.get("urgent", {}))


def emergency_number(zone: str) -> EmergencyNumber:
    """The emergency number of the country of a person's time zone, or the fallback."""
    code = country_of_zone(zone)
    number, also, urgent = _numbers()
    if code is None or code not in number:
        return EmergencyNumber(None, None, code, _country_names().get(code or ""))
    name = _country_names().get(code)
    return EmergencyNumber(number[code], also.get(code), code, name, urgent.get(code))


@functools.cache
def _country_names() -> dict[str, str]:
    """ISO alpha-2 → English name ("DE" → "Germany"), from the city index."""
    return _index().countries()
