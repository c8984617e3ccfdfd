"""The deployment files: the systemd unit keeps the bot to what it needs and stops on the
exit statuses that need a person; the example settings never start a bot as they are."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import bot
from conversations.web import MIN_SECRET, secret_problem

ROOT = Path(__file__).resolve().parents[1]
UNIT = ROOT / "deploy" / "back-coach.service"
EXAMPLE = ROOT / "deploy" / "env.example"


def example_setting(name: str) -> str:
    """A setting's value as deploy/env.example has it."""
    for line in EXAMPLE.read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"{name} is not in {EXAMPLE}")


def unit_settings() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_unit_keeps_files_private_and_the_system_out_of_reach() -> None:
    unit = unit_settings()
    expected = {
        "UMask": "0077",
        "NoNewPrivileges": "true",
        "ProtectSystem": "strict",
        "ProtectHome": "true",
        "PrivateTmp": "true",
        "PrivateDevices": "true",
        "CapabilityBoundingSet": "",
    }
    assert {key: unit.get(key, ["(unset)"])[-1] for key in expected} == expected
    # Writable: the working directory (the database, its record, the caches) and no more.
    assert unit["ReadWritePaths"] == unit["WorkingDirectory"]


def test_the_unit_never_restarts_into_an_exit_that_needs_a_person() -> None:
    needs_a_person = {2, 3, bot.EXIT_REJECTED, bot.EXIT_DATABASE, bot.EXIT_SETTINGS}
    needs_a_person.add(bot.EXIT_CATALOGUE)
    (statuses,) = unit_settings()["RestartPreventExitStatus"]
    assert {int(status) for status in statuses.split()} == needs_a_person


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_rates_the_unit_well_protected() -> None:
    rated = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(UNIT)],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Overall exposure level for \S+: ([\d.]+) (\w+)", rated.stdout)
    assert found is not None, rated.stdout[-2000:] + rated.stderr[-2000:]
    assert float(found.group(1)) <= 2.0, found.group(0)


def test_the_example_webhook_secret_is_refused_and_its_rule_is_the_bots() -> None:
    example = example_setting("WEBHOOK_SECRET")
    assert len(example) >= MIN_SECRET  # long enough to pass the length rule alone
    problem = secret_problem(example)
    assert problem is not None and "placeholder" in problem
    comment = EXAMPLE.read_text().split("WEBHOOK_SECRET=")[0].rsplit("\n\n", 1)[-1]
    assert f"{MIN_SECRET} to 256 characters" in comment
    assert "1-256 characters of" not in comment
