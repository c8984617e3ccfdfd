"""`make bench`: every figure of "Fast and fair under load", on SQLite and PostgreSQL, next to
a bare PTB bot on the same fake Bot API server, repeated; prints each run and writes
BENCHMARKS.md.

    python -m bench.suite            # 3 repeats, both databases (about 35 minutes)
    BENCH_QUICK=1 python -m bench.suite   # 1 repeat, smaller scenarios: a smoke run

Environment: BENCH_REPEATS (default 3, 1 when quick), BENCH_DATABASES (``sqlite,postgres``),
BENCH_SCENARIOS (comma-separated names from bench.rows.SCENARIOS; default all: those in
bench.rows.NO_DATABASE run once, in this process, whatever the databases),
BENCH_OUTPUT (default BENCHMARKS.md), BENCH_TITLE (the report's heading), BENCH_CROWD (the
crowd's size, 100,000 by default), BENCH_LARGE_CROWD (start-up and the tick measured again
over this many people, in a table of their own: 1,000,000 by default, 0 for none; none when
quick), BENCH_CACHE (where SQLite crowds are kept between runs; "off": nowhere).
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import time
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench import rows
from bench.databases import NoDatabase, PostgreSQL, SQLite
from bench.results import table, write

ROOT = Path(__file__).resolve().parents[1]
LARGE_HISTORY = 0  # days of coaching behind each of the large crowd's people


def _settings() -> tuple[rows.Sizes, int, list[str], list[str]]:
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    sizes = rows.QUICK if quick else rows.Sizes()
    repeats = int(os.environ.get("BENCH_REPEATS") or (1 if quick else 3))
    databases = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
    names = os.environ.get("BENCH_SCENARIOS", ",".join(rows.SCENARIOS)).split(",")
    unknown = [n for n in names if n not in rows.SCENARIOS]
    if unknown:
        raise SystemExit(f"unknown scenarios {unknown}; known: {list(rows.SCENARIOS)}")
    return sizes, repeats, [d.strip() for d in databases if d.strip()], names


def _show(figures: dict[str, float]) -> str:
    return ", ".join(f"{key}={value:.4g}" for key, value in figures.items())


def _print(
    name: str, results: dict[str, dict[str, list[float]]], sizes: rows.Sizes, asked: list[str]
) -> None:
    print(f"\n## {name}\n" + "\n".join(table(results, sizes, asked)) + "\n", flush=True)


async def _measure(
    database: Any, sizes: rows.Sizes, repeats: int, names: list[str]
) -> dict[str, dict[str, list[float]]]:
    """Every scenario ``repeats`` times, interleaved so slow moments of a shared machine
    spread over scenarios; a scenario that fails is reported and counted as not run."""
    results: dict[str, dict[str, list[float]]] = {}
    for repeat in range(1, repeats + 1):
        for name in names:
            if repeat > 1 and name in rows.ONCE:
                continue  # a model's figures are the same every time: one run says them
            began = time.perf_counter()
            try:
                figures = await rows.SCENARIOS[name](database, sizes)
            except Exception:
                print(
                    f"[{database.name}] {name} #{repeat} FAILED:\n{traceback.format_exc()}",
                    flush=True,
                )
                continue
            spent = time.perf_counter() - began
            print(
                f"[{database.name}] {name} #{repeat} ({spent:.0f} s): {_show(figures)}", flush=True
            )
            for key, value in figures.items():
                results.setdefault(name, {}).setdefault(key, []).append(value)
    return results


async def main() -> None:
    logging.basicConfig(level=logging.ERROR)  # the bots' warnings would drown the figures
    sizes, repeats, databases, names = _settings()
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    # BENCH_LARGE_CROWD: the start-up and the tick again over this many people (0: not).
    large_crowd = int(os.environ.get("BENCH_LARGE_CROWD") or (0 if quick else 1_000_000))
    began = time.perf_counter()
    runs: dict[str, dict[str, dict[str, list[float]]]] = {}
    asked: dict[str, list[str]] = {}
    versions: dict[str, str] = {}
    sizes_of: dict[str, Any] = {}
    stored = [name for name in names if name not in rows.NO_DATABASE]
    local = [name for name in names if name in rows.NO_DATABASE]
    with tempfile.TemporaryDirectory(prefix="backcoach-bench-") as folder:
        for choice in databases if stored else []:
            database: Any = SQLite(Path(folder)) if choice == "sqlite" else None
            if choice == "postgres":
                try:
                    database = PostgreSQL()
                except Exception as exc:  # no server binaries: say so, measure the rest
                    print(f"PostgreSQL skipped: {exc}", flush=True)
                    continue
            if database is None:
                raise SystemExit(f"unknown database {choice!r} (sqlite, postgres)")
            large = [name for name in stored if name in rows.AT_SCALE]
            at_scale = f"{database.name}, {large_crowd:,} people"
            try:
                versions[database.name] = database.version
                runs[database.name] = await _measure(database, sizes, repeats, stored)
                asked[database.name] = stored
                _print(database.name, runs[database.name], sizes, stored)
                if large and large_crowd:
                    # No history behind a million people: a month's is 125 million ledger
                    # rows, over an hour to build on PostgreSQL at every run. The large
                    # crowd shows how the claim grows with the table; the 100,000 one,
                    # with its month each, how it grows with what people have done.
                    days = min(sizes.crowd_history, LARGE_HISTORY)
                    bigger = replace(sizes, crowd=large_crowd, crowd_history=days)
                    runs[at_scale] = await _measure(database, bigger, repeats, large)
                    asked[at_scale] = large
                    sizes_of[at_scale] = bigger
                    _print(at_scale, runs[at_scale], bigger, large)
            finally:
                database.stop()
    if local:
        alone = NoDatabase()
        runs[alone.name] = await _measure(alone, sizes, repeats, local)
        asked[alone.name] = local
        _print(alone.name, runs[alone.name], sizes, local)
    output = ROOT / os.environ.get("BENCH_OUTPUT", "BENCHMARKS.md")
    title = os.environ.get("BENCH_TITLE") or ("quick smoke run" if repeats == 1 else "full run")
    spent = time.perf_counter() - began
    write(output, title, runs, versions, repeats, sizes, spent, asked, sizes_of)
    print(f"wrote {output} in {(time.perf_counter() - began) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
