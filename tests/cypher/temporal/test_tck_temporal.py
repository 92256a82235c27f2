"""Every expectation in the temporal TCK features, evaluated directly (see tck_mini)."""

import pytest

from .tck_mini import cases, check

CASES = cases()


def test_the_features_were_found():
    assert len(CASES) > 900


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_tck_expectation(case):
    ok, report = check(case)
    assert ok, report
