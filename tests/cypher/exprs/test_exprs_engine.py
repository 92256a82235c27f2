"""Expression semantics end to end: queries through CypherEngine on an in-process Store.

Complements the TCK with cases it does not cover (float spelling, rounding modes, mixed-type
min/max, DISTINCT equivalence, clock and randomness from the query context).
"""

import math
import random

import pytest

from tugraph_bolt import values as V
from tugraph_bolt.cypher.engine import CypherEngine, QueryContext
from tugraph_bolt.errors import CypherArgumentError, CypherArithmeticError, CypherTypeError
from tugraph_bolt.graph import Store

ENGINE = CypherEngine()


def rows(query, params=None, store=None, ctx=None):
    store = store or Store()
    tx = store.begin()
    result = ENGINE.run(query, params or {}, tx, ctx or QueryContext(params=params or {}))
    out = [list(r) for r in result.records]
    store.commit(tx).raise_for_error()
    return out


def value(query, params=None):
    (row,) = rows(query, params)
    (v,) = row
    return v


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("toString(1e10)", "1.0E10"),
        ("toString(0.1 + 0.2)", "0.30000000000000004"),
        ("'n=' + 1.5", "n=1.5"),
        ("round(-2.5)", -2.0),
        ("round(2.345, 2, 'HALF_EVEN')", 2.34),
        ("7 / 2", 3),
        ("-7 % 3", -1),
        ("2 ^ 10", 1024.0),
        ("1 / 0.0", math.inf),
        ("[1, 2] + 3", [1, 2, 3]),
        ("toInteger('  42 ')", 42),
        ("size(split('a,b,c', ','))", 3),
        ("coalesce(null, 'x')", "x"),
        ("'abc' =~ 'a.*'", True),
        ("3 IN [1, null]", None),
        ("[1, 2] = [1, 2.0]", True),
        ("1 < 'a'", None),
        ("valueType(1.0)", "FLOAT NOT NULL"),
    ],
)
def test_expression_values(expr, expected):
    result = value(f"RETURN {expr} AS v")
    assert result == expected and type(result) is type(expected)


def test_aggregates_end_to_end():
    q = ("UNWIND [1, 1.0, 2, null, 'a', [1]] AS x "
         "RETURN count(x) AS c, count(DISTINCT x) AS d, min(x) AS lo, max(x) AS hi, "
         "collect(DISTINCT x) AS xs")
    (row,) = rows(q)
    assert row[:4] == [5, 4, [1], 2]
    assert row[4] == [1, 2, "a", [1]]


def test_order_by_mixed_types_follows_orderability():
    got = rows("UNWIND [2, 'b', null, true, [1], 1.5] AS x RETURN x ORDER BY x")
    assert [r[0] for r in got] == [[1], "b", True, 1.5, 2, None]
    got = rows("UNWIND [2, 'b', null, true, [1], 1.5] AS x RETURN x ORDER BY x DESC")
    assert [r[0] for r in got] == [None, 2, 1.5, True, "b", [1]]


def test_sum_and_avg_of_durations():
    (row,) = rows("UNWIND [duration('PT1H'), duration('PT3H')] AS d RETURN sum(d), avg(d)")
    assert row == [V.Duration(0, 0, 4 * 3600, 0), V.Duration(0, 0, 2 * 3600, 0)]


def test_clock_and_randomness_come_from_the_context():
    ctx = QueryContext(now=V.DateTime(1_700_000_000, 0, 0, "UTC"), random=random.Random(7))
    (row,) = rows("RETURN timestamp() AS t, rand() AS r, randomUUID() AS u", ctx=ctx)
    again = rows("RETURN timestamp() AS t, rand() AS r, randomUUID() AS u",
                 ctx=QueryContext(now=V.DateTime(1_700_000_000, 0, 0, "UTC"),
                                  random=random.Random(7)))
    assert row[0] == 1_700_000_000_000 and [row] == again


@pytest.mark.parametrize(
    "query, error, detail",
    [
        ("RETURN 9223372036854775807 + 1", CypherArithmeticError, "IntegerOverflow"),
        ("RETURN 1 / 0", CypherArithmeticError, "DivisionByZero"),
        ("RETURN range(1, 5, 0)", CypherArgumentError, "NumberOutOfRange"),
        ("UNWIND [1, 'a'] AS x RETURN sum(x)", CypherTypeError, "InvalidArgumentType"),
        ("WITH [true] AS l RETURN toFloat(l[0])", CypherTypeError, "InvalidArgumentValue"),
    ],
)
def test_runtime_errors(query, error, detail):
    with pytest.raises(error) as e:
        rows(query)
    assert e.value.detail == detail


def test_graph_functions_read_the_transaction():
    store = Store()
    rows("CREATE (:A {k: 1})-[:T {w: 2}]->(:B)", store=store)
    (row,) = rows("MATCH (a)-[r]->(b) SET b:C RETURN labels(endNode(r)), properties(r), "
                  "keys(a), type(r)", store=store)
    assert sorted(row[0]) == ["B", "C"] and row[1:] == [{"w": 2}, ["k"], "T"]
