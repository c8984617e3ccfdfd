"""Settings for the whole suite, the session's PostgreSQL server, and the backends a test
that asks for ``backend`` runs on."""

from __future__ import annotations

import pytest
from hypothesis import settings

from coach import i18n
from tests.installed import installed
from tests.postgres import postgres_server

# One server per session, for every test directory; one installation of the wheel.
__all__ = ["installed", "postgres_server"]

# No deadlines: a loaded 2-core machine makes timing-based failures flaky. Speed is measured
# by the benchmarks in bench/, not by tests.
settings.register_profile("ci", deadline=None, max_examples=200, print_blob=True)
settings.load_profile("ci")

BACKENDS = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses ``backend`` once per database, as [sqlite] and [postgres],
    unless it is marked ``sqlite_only("why")``."""
    if "backend" not in metafunc.fixturenames:
        return
    only = metafunc.definition.get_closest_marker("sqlite_only")
    if only is not None and not only.args:
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: sqlite_only needs a reason")
    backends = ["sqlite"] if only is not None else BACKENDS
    params = [
        pytest.param(name, marks=pytest.mark.postgres) if name == "postgres" else name
        for name in backends
    ]
    metafunc.parametrize("backend", params, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database this run of the test uses: "sqlite" or "postgres"."""
    return str(request.param)


@pytest.fixture(autouse=True)
def _no_languages_remembered() -> None:
    """Each test starts a new bot, as a new process would, remembering no one's language:
    coach/i18n.py keeps the stored languages it has read for the whole process, and the
    same chat ids recur across tests, test files and a test's runs on each database."""
    i18n._known.clear()
