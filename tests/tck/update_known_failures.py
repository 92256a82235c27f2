"""Regenerate tests/tck/known_failures.txt: run every TCK scenario, list those that fail.

    .venv/bin/python -m tests.tck.update_known_failures [extra pytest args, e.g. -n 2]
"""

from __future__ import annotations

import sys

import pytest

from tests.tck.scenarios import ROOT


def main(argv: list[str]) -> int:
    args = [str(ROOT / "tests" / "tck" / "test_tck.py"), "-q", "-p", "no:cacheprovider",
            "--tck-update-known-failures", *argv]
    code = pytest.main(args)
    # Failures are expected while regenerating; only usage or internal errors matter.
    return 0 if code in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) else int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
