"""matplotlib is imported in a worker thread, never on the event loop that answers everyone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_first_progress_imports_matplotlib_off_the_event_loop() -> None:
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
    assert found["imported_on"] is not None
    assert found["imported_on"] != found["loop_thread"]
