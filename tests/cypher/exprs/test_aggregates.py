"""Aggregating functions (aggregates.py)."""

import math

import pytest

from tugraph_bolt.cypher import aggregates
from tugraph_bolt.errors import CypherArgumentError, CypherArithmeticError, CypherTypeError


def run(name, values, distinct=False, extra=()):
    agg = aggregates.new(name, distinct)
    for v in values:
        agg.add(v, *extra)
    return agg.result()


@pytest.mark.parametrize(
    "name, values, expected",
    [
        ("count", [1, None, "a"], 1 + 1),
        ("count", [], 0),
        ("sum", [], 0),
        ("sum", [1, 2, None], 3),
        ("sum", [1, 2.5], 3.5),
        ("sum", [2**31] * 3, 3 * 2**31),
        ("avg", [1, 2], 1.5),
        ("avg", [], None),
        ("min", [3, 1, None, 2], 1),
        ("max", [3, 1, None, 2], 3),
        ("max", [1, "a", [1]], 1),
        ("min", [1, "a", [1]], [1]),
        ("min", [], None),
        ("collect", [1, None, 2], [1, 2]),
        ("stdev", [2, 4, 4, 4, 5, 5, 7, 9], math.sqrt(32 / 7)),
        ("stdevp", [2, 4, 4, 4, 5, 5, 7, 9], 2.0),
        ("stdev", [1], 0.0),
    ],
)
def test_aggregate_results(name, values, expected):
    result = run(name, values)
    assert result == pytest.approx(expected) if isinstance(expected, float) else result == expected
    assert type(result) is type(expected)


def test_distinct_uses_equivalence():
    assert run("count", [1, 1.0, 2, None, None], distinct=True) == 2
    assert run("collect", [[1], [1], [2]], distinct=True) == [[1], [2]]


def test_sum_overflow_and_type_errors():
    with pytest.raises(CypherArithmeticError):
        run("sum", [2**62, 2**62])
    with pytest.raises(CypherTypeError):
        run("sum", [1, "a"])


@pytest.mark.parametrize("p, disc, cont", [(0.0, 10.0, 10.0), (0.5, 20.0, 20.0),
                                           (1.0, 30.0, 30.0), (0.25, 10.0, 15.0)])
def test_percentiles(p, disc, cont):
    data = [30.0, 10.0, 20.0]
    assert run("percentileDisc", data, extra=(p,)) == disc
    assert run("percentileCont", data, extra=(p,)) == pytest.approx(cont)


@pytest.mark.parametrize("p", [1000, -1, 1.1])
def test_percentile_out_of_range(p):
    with pytest.raises(CypherArgumentError) as e:
        run("percentileCont", [10.0], extra=(p,))
    assert e.value.detail == "NumberOutOfRange"


def test_avg_does_not_overflow_and_rejects_mixtures():
    big = 2**63 - 1
    assert run("avg", [big, big]) == pytest.approx(float(big))
    with pytest.raises(CypherTypeError):
        run("avg", [1, "a"])
