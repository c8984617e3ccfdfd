"""Settings for the whole suite, and the session's PostgreSQL server."""

from __future__ import annotations

from hypothesis import settings

from tests.postgres import postgres_server

__all__ = ["postgres_server"]  # one server per session, for every test directory

# No deadlines: a loaded 2-core machine makes timing-based failures flaky. Speed is measured
# by the benchmarks in bench/, not by tests.
settings.register_profile("ci", deadline=None, max_examples=200, print_blob=True)
settings.load_profile("ci")
