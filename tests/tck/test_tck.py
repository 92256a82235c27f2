"""The openCypher TCK: one test per scenario (Gherkin pickle) in ../shared/tck/features."""

from __future__ import annotations

import pytest

from tests.tck.conftest import known_failures_path, read_known_failures
from tests.tck.scenarios import FEATURES, load_all
from tests.tck.steps import run_scenario

SCENARIOS = load_all() if FEATURES.is_dir() else []
SCENARIOS_BY_ID = {s.id: s for s in SCENARIOS}


def _params(config_update: bool, backend: str):
    known = set() if config_update else read_known_failures(known_failures_path(backend))
    for s in SCENARIOS:
        marks = [pytest.mark.tck]
        if s.id in known:
            marks.append(pytest.mark.xfail(strict=True, reason="listed in known_failures.txt"))
        yield pytest.param(s, id=s.id, marks=marks)


def pytest_generate_tests(metafunc):
    if "scenario" in metafunc.fixturenames:
        update = metafunc.config.getoption("--tck-update-known-failures")
        backend = metafunc.config.getoption("--tck-backend")
        metafunc.parametrize("scenario", list(_params(update, backend)))


def test_scenario(scenario, request):
    run_scenario(scenario, request.config.getoption("--tck-backend"))
