"""Redraw the stills of the moves shown in README.md (docs/moves/<slug>.png, in English):
run it after changing coach/poses.toml or conversations/animation.py.

    .venv/bin/python scripts/draw_moves.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.poses import default as default_poses  # noqa: E402
from coach.program import default_program  # noqa: E402
from conversations import animation  # noqa: E402


def main() -> None:
    poses, program = default_poses(), default_program()
    folder = ROOT / "docs" / "moves"
    folder.mkdir(parents=True, exist_ok=True)
    for number, move in enumerate(program.moves, 1):
        path = folder / f"{move.slug}.png"
        path.write_bytes(animation.still(poses, move.slug, f"{number}. {move.name}"))
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
