"""How long time-zone lookups take: the city index build, then typical lookups.

.venv/bin/python bench/bench_places.py
"""

from __future__ import annotations

import time

from coach import places


def main() -> None:
    start = time.perf_counter()
    places.warm_up()
    built = time.perf_counter() - start
    queries = ["Springfield", "München", "Paris", "nowhere at all", "Germany", "UTC+5:30"] * 200
    start = time.perf_counter()
    for text in queries:
        places.resolve_zone(text)
    per = (time.perf_counter() - start) / len(queries)
    start = time.perf_counter()
    for _ in range(1000):
        places.zone_from_location(52.52, 13.405)
    located = (time.perf_counter() - start) / 1000
    print(f"index build (warm_up): {built * 1000:.0f} ms")
    print(f"resolve_zone: {per * 1e6:.1f} µs per lookup over {len(queries)} lookups")
    print(f"zone_from_location: {located * 1e6:.1f} µs per lookup")


if __name__ == "__main__":
    main()
