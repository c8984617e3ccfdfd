"""The ``back-coach`` command, run as its console script runs it (the entry point named in
pyproject.toml, in a fresh process): check-config says what it found and never the token
or the secret, and its exit status says whether all is well; migrate makes the schema."""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
import tomllib
from contextlib import closing
from pathlib import Path

import pytest

from bot import EXIT_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7012345678:AAH4v" + "x" * 30


def back_coach(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``back-coach ARGS`` through the entry point pyproject.toml declares."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, function = scripts["back-coach"].partition(":")
    code = f"import sys; from {module} import {function}; sys.exit({function}())"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "TELEGRAM_"))}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,  # no .env there: only the settings given here
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_config_describes_good_settings_without_the_token(tmp_path: Path) -> None:
    database = tmp_path / "data" / "coach.sqlite3"
    result = back_coach(
        "check-config",
        cwd=tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        METRICS_PORT="9464",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "token: set, bot id 7012345678" in out
    assert "a new SQLite file" in out
    assert "mode: polling" in out
    assert "127.0.0.1:9464" in out
    assert "All settings look right." in out
    assert TOKEN not in out + result.stderr and TOKEN.split(":")[1] not in out
    assert not database.exists()  # checking made no database


def test_check_config_reaches_an_existing_database(tmp_path: Path) -> None:
    database = tmp_path / "coach.sqlite3"
    with closing(sqlite3.connect(database)) as db:
        db.execute("CREATE TABLE t (x)")
    result = back_coach(
        "check-config",
        cwd=tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
    )
    assert result.returncode == 0
    assert "(reachable)" in result.stdout


def test_check_config_lists_every_problem_and_exits_with_the_settings_status(
    tmp_path: Path,
) -> None:
    secret = "weak-secret"
    result = back_coach(
        "check-config",
        cwd=tmp_path,
        TELEGRAM_BOT_TOKEN="not a token",
        DATABASE_URL="postgresql://coach:hunter2@127.0.0.1:1/coach",  # nothing listens
        WEBHOOK_URL="http://coach.example.org/hook",
        WEBHOOK_SECRET=secret,
    )
    assert result.returncode == EXIT_SETTINGS
    out = result.stdout
    assert "mode: webhook at http://coach.example.org/hook" in out
    problems = [line for line in out.splitlines() if line.startswith("PROBLEM:")]
    assert len(problems) == 4, out
    assert any("TELEGRAM_BOT_TOKEN" in p for p in problems)
    assert any("database cannot be used" in p for p in problems)
    assert any("https://" in p for p in problems)
    assert any("WEBHOOK_SECRET is too weak" in p for p in problems)
    assert "hunter2" not in out and secret not in out and "not a token" not in out


def test_check_config_accepts_a_good_webhook(tmp_path: Path) -> None:
    secret = secrets.token_urlsafe(32)
    result = back_coach(
        "check-config",
        cwd=tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'coach.sqlite3'}",
        WEBHOOK_URL="https://coach.example.org:8443/telegram",
        WEBHOOK_SECRET=secret,
        WEBHOOK_PORT="9000",
    )
    assert result.returncode == 0, result.stdout
    assert f"secret {len(secret)} characters" in result.stdout
    # Only the proxy on the same machine reaches it unless WEBHOOK_LISTEN says otherwise.
    assert "127.0.0.1:9000 (webhook at /telegram" in result.stdout
    assert secret not in result.stdout


def test_check_config_without_a_token_says_so(tmp_path: Path) -> None:
    result = back_coach("check-config", cwd=tmp_path)
    assert result.returncode == EXIT_SETTINGS
    assert "token: not set" in result.stdout


def test_migrate_makes_the_newest_schema(tmp_path: Path) -> None:
    database = tmp_path / "coach.sqlite3"
    result = back_coach("migrate", cwd=tmp_path, DATABASE_URL=f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr
    with closing(sqlite3.connect(database)) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert {"people", "ratings", "reminders", "deliveries", "alembic_version"} <= tables


@pytest.mark.parametrize("args", [[], ["nonsense"]])
def test_an_unknown_subcommand_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    result = back_coach(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "run" in result.stderr and "check-config" in result.stderr
