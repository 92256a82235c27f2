"""pytest plugin for the openCypher TCK: known failures, the per-directory summary, and
regenerating the known-failures list.

- Every TCK item carries the `tck` marker; its id is the scenario id (see scenarios.py).
- Scenarios listed in known_failures.txt run as strict xfail: one that starts to pass
  turns the run red until the list is updated.
- `--tck-update-known-failures` ignores the list, runs everything and rewrites the list
  with the scenarios that failed (also: `python -m tests.tck.update_known_failures`).
"""

from __future__ import annotations

import pathlib
from collections import defaultdict

import pytest

KNOWN_FAILURES = pathlib.Path(__file__).with_name("known_failures.txt")


def known_failures_path(backend: str) -> pathlib.Path:
    """known_failures.txt for the engine; known_failures_<backend>.txt for the others."""
    if backend == "engine":
        return KNOWN_FAILURES
    return KNOWN_FAILURES.with_name(f"known_failures_{backend}.txt")
_RESULTS_KEY = pytest.StashKey[dict]()


def read_known_failures(path: pathlib.Path = KNOWN_FAILURES) -> set[str]:
    if not path.exists():
        return set()
    ids = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ids.add(line)
    return ids


def write_known_failures(failures: dict[str, str], path: pathlib.Path = KNOWN_FAILURES) -> None:
    lines = [
        "# openCypher TCK scenarios expected to fail (strict xfail), one id per line.",
        "# Regenerate: .venv/bin/python -m tests.tck.update_known_failures [--tck-backend=...]",
    ]
    lines += [f"{sid}  # {name}" for sid, name in sorted(failures.items(), key=_id_order)]
    path.write_text("\n".join(lines) + "\n")


def _id_order(item):
    path, _, line = item[0].rpartition(":")
    return path, int(line) if line.isdigit() else 0


def pytest_addoption(parser):
    parser.addoption(
        "--tck-backend", choices=("engine", "service", "bolt"), default="engine",
        help="run queries on the engine alone (default), through the database service, or "
             "over Bolt with the neo4j driver",
    )
    parser.addoption(
        "--tck-update-known-failures", action="store_true", default=False,
        help="run every TCK scenario ignoring known_failures.txt, then rewrite that list",
    )


def pytest_configure(config):
    config.stash[_RESULTS_KEY] = {}


def scenario_id(nodeid: str) -> str | None:
    if "test_tck.py::test_scenario[" not in nodeid:
        return None
    return nodeid.split("test_scenario[", 1)[1].rsplit("]", 1)[0]


def pytest_runtest_logreport(report):
    sid = scenario_id(report.nodeid)
    if sid is None:
        return
    results = _results(report)
    if results is None:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        if report.passed and not hasattr(report, "wasxfail"):
            outcome = "passed"
        elif hasattr(report, "wasxfail"):
            outcome = "xfailed" if report.skipped else "xpassed"
        elif report.skipped:
            outcome = "skipped"
        else:
            outcome = "failed"
        results[sid] = (outcome, report.head_line or "")


_CONFIG: list = []


def pytest_sessionstart(session):
    _CONFIG[:] = [session.config]


def _results(report):
    return _CONFIG[0].stash[_RESULTS_KEY] if _CONFIG else None


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    results = config.stash.get(_RESULTS_KEY, {})
    if not results:
        return
    per_dir = defaultdict(lambda: [0, 0])
    for sid, (outcome, _name) in results.items():
        directory = sid.rsplit("/", 1)[0]
        per_dir[directory][1] += 1
        if outcome in ("passed", "xpassed"):
            per_dir[directory][0] += 1
    tr = terminalreporter
    tr.section("openCypher TCK: scenarios passing per directory")
    total_pass = total = 0
    for directory in sorted(per_dir):
        passed, count = per_dir[directory]
        total_pass += passed
        total += count
        tr.write_line(f"{directory:40s} {passed:5d} / {count:5d}")
    tr.write_line(f"{'TOTAL':40s} {total_pass:5d} / {total:5d}")
    if config.getoption("--tck-update-known-failures") and not hasattr(config, "workerinput"):
        path = known_failures_path(config.getoption("--tck-backend"))
        failing = merged_failures(read_known_failures(path), results)
        failures = {sid: _scenario_name(sid) for sid in failing}
        write_known_failures(failures, path)
        tr.write_line(f"wrote {len(failures)} ids to {path}")


def merged_failures(known: set[str], results: dict[str, tuple[str, str]]) -> list[str]:
    """The new list: failures among the scenarios that ran, plus old entries for those that
    did not run this time (-k, -x, a subset), so a partial run never truncates the list."""
    kept = {sid for sid in known if sid not in results}
    failed = {sid for sid, (outcome, _name) in results.items() if outcome == "failed"}
    return sorted(kept | failed)


def _scenario_name(sid: str) -> str:
    from tests.tck.test_tck import SCENARIOS_BY_ID

    scenario = SCENARIOS_BY_ID.get(sid)
    return scenario.name if scenario else ""
