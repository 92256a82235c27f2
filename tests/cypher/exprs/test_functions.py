"""The scalar function table (functions.py and its math / conversion parts)."""

import math
import random
from types import SimpleNamespace

import pytest

from tugraph_bolt import values as V
from tugraph_bolt.cypher.functions import FUNCTIONS, check_arity
from tugraph_bolt.errors import (
    CypherArgumentError,
    CypherArithmeticError,
    CypherSyntaxError,
    CypherTypeError,
)


def call(name, *args, ctx=None):
    return FUNCTIONS[name.lower()].fn(ctx, list(args))


@pytest.mark.parametrize(
    "name, args, expected",
    [
        ("toUpper", ["aBc"], "ABC"),
        ("toLower", [None], None),
        ("trim", ["  a b  "], "a b"),
        ("lTrim", ["  a "], "a "),
        ("rTrim", ["  a "], "  a"),
        ("replace", ["hello", "l", "w"], "hewwo"),
        ("substring", ["0123456789", 1, 3], "123"),
        ("substring", ["0123456789", 8], "89"),
        ("left", ["abc", 5], "abc"),
        ("right", ["abcde", 2], "de"),
        ("right", ["abc", 0], ""),
        ("split", ["a,b,,c", ","], ["a", "b", "", "c"]),
        ("split", ["abc", ""], ["a", "b", "c"]),
        ("reverse", ["abc"], "cba"),
        ("reverse", [[1, 2, 3]], [3, 2, 1]),
        ("size", [[1, None]], 2),
        ("head", [[]], None),
        ("last", [[1, 2]], 2),
        ("tail", [[1, 2]], [2]),
        ("coalesce", [None, None, 3, 4], 3),
        ("range", [0, 10, 3], [0, 3, 6, 9]),
        ("range", [5, 1, -2], [5, 3, 1]),
        ("range", [2, 1], []),
        ("abs", [-3], 3),
        ("abs", [-3.5], 3.5),
        ("ceil", [1.1], 2.0),
        ("floor", [-1.1], -2.0),
        ("round", [2.5], 3.0),
        ("round", [-2.5], -2.0),
        ("round", [-1.55, 1], -1.6),
        ("round", [1.25, 1, "HALF_EVEN"], 1.2),
        ("round", [1e20, 10], 1e20),
        ("round", [123.456, -1], 120.0),
        ("round", [1e300, -305], 0.0),
        ("sign", [-2.5], -1),
        ("sqrt", [16], 4.0),
        ("log", [0], -math.inf),
        ("toInteger", ["1.7"], 1),
        ("toInteger", [" 42 "], 42),
        ("toInteger", ["1_0"], None),
        ("toInteger", [82.9], 82),
        ("toFloat", ["5"], 5.0),
        ("toFloat", ["foo"], None),
        ("toBoolean", ["TRUE"], True),
        ("toBoolean", [" tru "], None),
        ("toBoolean", [0], False),
        ("toString", [1.0], "1.0"),
        ("toString", [True], "true"),
        ("toIntegerOrNull", [[1]], None),
        ("toIntegerList", [["1", None, "x", 2.5]], [1, None, None, 2]),
        ("toStringList", [[1, 2.0, {}]], ["1", "2.0", None]),
        ("keys", [{"a": 1, "b": None}], ["a", "b"]),
        ("isEmpty", [""], True),
        ("btrim", ["xxaxx", "x"], "a"),
        ("lTrim", ["xxaxx", "x"], "axx"),
        ("rTrim", ["xyaxy", "yx"], "xya"),
        ("nullIf", [1, 1.0], None),
        ("nullIf", [1, 2], 1),
        ("upper", ["a"], "A"),
        ("char_length", ["abc"], 3),
        ("normalize", ["e\u0301"], "\u00e9"),
        ("valueType", [1], "INTEGER NOT NULL"),
        ("valueType", [None], "NULL"),
        ("valueType", [[1, None]], "LIST<INTEGER> NOT NULL"),
        ("valueType", [{"a": 1}], "MAP NOT NULL"),
        ("toString", [V.Date(0)], "1970-01-01"),
        ("toString", [V.Duration(14, 1, 3600, 5)], "P1Y2M1DT1H0.000000005S"),
    ],
)
def test_function_values(name, args, expected):
    result = call(name, *args)
    assert result == expected and type(result) is type(expected)


def test_temporal_and_spatial_functions_are_merged():
    assert call("date", "2020-02-29") == V.Date(18321)
    assert FUNCTIONS["date"].deterministic is False  # date() reads the statement clock
    assert FUNCTIONS["date.truncate"].deterministic is True
    p = call("point", {"x": 3, "y": 4})
    assert call("point.distance", p, call("point", {"x": 0, "y": 0})) == 5.0


def test_nan_results():
    assert math.isnan(call("sqrt", -1))
    assert math.isnan(call("asin", 2))
    assert call("cot", 0) == math.inf


@pytest.mark.parametrize(
    "name, args",
    [("toBoolean", [1.0]), ("toFloat", [True]), ("toInteger", [[]]), ("toUpper", [1]),
     ("labels", [1]), ("type", [V.Node(1, ())]), ("size", [5]), ("toString", [{}])],
)
def test_wrong_argument_types_raise_type_errors(name, args):
    with pytest.raises(CypherTypeError) as e:
        call(name, *args)
    assert e.value.detail == "InvalidArgumentValue"


def test_range_argument_errors():
    with pytest.raises(CypherArgumentError) as e:
        call("range", 2, 8, 0)
    assert e.value.detail == "NumberOutOfRange"
    with pytest.raises(CypherArgumentError) as e:
        call("range", 2, 8.0)
    assert e.value.detail == "InvalidArgumentType"


def test_abs_overflow():
    with pytest.raises(CypherArithmeticError):
        call("abs", -(2**63))


def test_graph_functions():
    node = V.Node(7, ("A", "B"), {"name": "x", "gone": None})
    rel = V.Relationship(3, 7, 8, "KNOWS", {"w": 1})
    path = V.Path((node, V.Node(8, ())), (rel,))
    assert call("labels", node) == ["A", "B"]
    assert call("type", rel) == "KNOWS"
    assert call("id", rel) == 3 and call("elementId", node) == "7"
    assert call("keys", node) == ["name"]
    assert call("properties", node) == {"name": "x"}
    assert call("length", path) == 1
    assert call("nodes", path)[1].id == 8 and call("relationships", path) == [rel]
    records = {8: SimpleNamespace(id=8, labels=("C",), props={"k": 2})}
    ctx = SimpleNamespace(tx=SimpleNamespace(node=records.get))
    end = call("endNode", rel, ctx=ctx)
    assert (end.id, end.labels, end.properties) == (8, ("C",), {"k": 2})


def test_nondeterministic_functions_use_the_context():
    ctx = SimpleNamespace(random=random.Random(1), now=V.DateTime(10, 5_000_000, 0))
    assert FUNCTIONS["rand"].deterministic is False
    assert 0.0 <= call("rand", ctx=ctx) < 1.0
    assert call("timestamp", ctx=ctx) == 10_005
    u1 = call("randomUUID", ctx=SimpleNamespace(random=random.Random(5)))
    u2 = call("randomUUID", ctx=SimpleNamespace(random=random.Random(5)))
    assert u1 == u2 and len(u1) == 36


@pytest.mark.parametrize("name, args", [("toUpper", []), ("toUpper", ["a", "b"]),
                                        ("pi", [1]), ("coalesce", []), ("rand", [1])])
def test_wrong_argument_counts_raise_syntax_errors(name, args):
    with pytest.raises(CypherSyntaxError) as e:
        FUNCTIONS[name.lower()].fn(None, args)
    assert (e.value.detail, e.value.phase) == ("InvalidNumberOfArguments", "compile time")
    with pytest.raises(CypherSyntaxError):
        check_arity(name, len(args))
    check_arity("noSuchFunction", 3)  # unknown names are the semantic checker's


def test_arity_bounds_are_declared():
    assert FUNCTIONS["substring"].accepts(2) and FUNCTIONS["substring"].accepts(3)
    assert not FUNCTIONS["substring"].accepts(4)
    assert FUNCTIONS["coalesce"].accepts(9) and not FUNCTIONS["coalesce"].accepts(0)
    assert FUNCTIONS["pi"].accepts(0) and not FUNCTIONS["pi"].accepts(1)
