"""A shared location's zone is found in the drawing process: the zones' outlines (about
35 MB once loaded) never load into the bot's own process, and the person's zone is set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_first_shared_location_loads_the_outlines_outside_the_bot() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.first_location"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=True,
    )
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["zone"] == "Europe/Berlin", found
    assert found["loaded_before"] is False  # else this run could not see where it loads
    assert found["loaded_after"] is False, found
