"""The drawing libraries (Pillow, fpdf2) are never imported in the bot's process: the chart
is drawn in the drawing process (conversations/rendering.py), never on the event loop that
answers everyone, and their memory stays out of the bot's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_first_progress_imports_the_drawing_libraries_in_the_drawing_process_only() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.progress.first_progress"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=True,
    )
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["photo"] is True
    assert found["loaded_before"] is False  # else this run could not see where it loads
    assert found["imported_on"] is None, found  # not on the loop, nor in any thread of it
