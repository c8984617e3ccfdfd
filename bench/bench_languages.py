"""What speaking a person's language costs: reading a text, a program word, and a whole plan.

A plain module attribute is the cost every text had before the catalogues; a text now costs
that in English and one dictionary lookup more in Russian or Spanish. The catalogues are
read once per language (the first figure).

PYTHONPATH=. .venv/bin/python bench/bench_languages.py
"""

from __future__ import annotations

import time
import types
from collections.abc import Callable
from datetime import date

from coach import i18n, texts
from coach.model import Equipment, History, Profile, Rating
from coach.plan import plan_for
from coach.program import default_program
from conversations.render import plan_text

ROUNDS = 200_000
PLAIN = types.ModuleType("plain")  # a module as texts.py was: no language, no lookup
PLAIN.WELCOME = texts.WELCOME  # type: ignore[attr-defined]


def per_call(action: Callable[[], object], rounds: int = ROUNDS) -> float:
    """Nanoseconds per call, best of three runs."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(rounds):
            action()
        best = min(best, (time.perf_counter() - start) / rounds * 1e9)
    return best


def main() -> None:
    start = time.perf_counter()
    i18n.forget()
    i18n.catalogue("ru")
    print(f"load the Russian catalogue once:        {(time.perf_counter() - start) * 1e3:8.1f} ms")
    program = default_program()
    move = program.move("seated_row")
    history = History(
        Profile(frozenset(Equipment), gym_experienced=True), (Rating(date(2026, 3, 2), 2),)
    )
    plan = plan_for(program, history, date(2026, 3, 2))
    assert plan is not None
    print(f"plain module attribute (before):        {per_call(lambda: PLAIN.WELCOME):8.0f} ns")
    for language in ("en", "ru"):
        with i18n.speaking(language):
            text = per_call(lambda: texts.WELCOME)
            word = per_call(lambda: move.name)
            whole = per_call(lambda: plan_text(program, plan, ()), 5_000)
        print(f"texts.WELCOME in {language}:                    {text:8.0f} ns")
        print(f"a move's name in {language}:                    {word:8.0f} ns")
        print(f"a whole plan message in {language}:          {whole / 1e3:8.1f} µs")


if __name__ == "__main__":
    main()
