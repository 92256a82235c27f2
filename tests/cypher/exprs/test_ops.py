"""Cypher operator semantics (ops.py): equality, comparison, ordering, arithmetic."""

import math

import pytest

from tugraph_bolt import values as V
from tugraph_bolt.cypher import ops
from tugraph_bolt.errors import CypherArithmeticError, CypherTypeError

NAN = math.nan


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (1, 1.0, True),
        (1, "1", False),
        ("1.0", 1.0, False),
        (True, 1, False),
        (None, None, None),
        (NAN, NAN, False),
        (NAN, "a", False),
        ([1, 2], [1], False),
        ([None], [1], None),
        (["a"], [1], False),
        ([[1]], [[1], [None]], False),
        ([[1], [2]], [[1], [None]], None),
        ([[1], [2, 3]], [[1], [None]], False),
        ({}, {"k": None}, False),
        ({"k": None}, {"k": None}, None),
        ({"k": 1, "l": None}, {"k": None, "l": 1}, None),
        ({"k": 1.0}, {"k": 1}, True),
        (V.Node(1, ("A",)), V.Node(1, ()), True),
        (V.Node(1, ()), V.Relationship(1, 1, 2, "T"), False),
        (V.Duration(0, 1, 70, 0), V.Duration(0, 1, 70, 0), True),
        (V.Date(3), V.LocalTime(3), False),
        (V.Time(3600 * 10**9 + 5, 3600), V.Time(5, 0), True),
    ],
)
def test_equality(a, b, expected):
    assert ops.equals(a, b) is expected
    assert ops.not_equals(a, b) is (None if expected is None else not expected)


@pytest.mark.parametrize(
    "a, b, lt",
    [
        (1, 3.14, True),
        ("a", "b", True),
        ("1", 1, None),
        (False, True, True),
        (1, True, None),
        ([1, 0], [1], False),
        (V.Date(1), V.Date(2), True),
        (V.Date(1), V.LocalDateTime(2, 0), None),
        (V.Duration(1, 0, 0, 0), V.Duration(2, 0, 0, 0), None),
        ({}, {}, None),
        (V.Node(1, ()), V.Node(2, ()), None),
    ],
)
def test_less_than(a, b, lt):
    assert ops.lt(a, b) is lt


@pytest.mark.parametrize(
    "a, b, ge",
    [([1, 0], [1], True), ([1, None], [1], True), ([1, 2], [1, None], None),
     ([1, "a"], [1, None], None), ([1, 2], [3, None], False)],
)
def test_list_comparison(a, b, ge):
    assert ops.ge(a, b) is ge


def test_nan_comparisons_are_false_but_nan_with_string_is_null():
    for f in (ops.lt, ops.le, ops.gt, ops.ge):
        assert f(NAN, 1) is False
        assert f(NAN, NAN) is False
        assert f(NAN, "a") is None


def test_order_key_follows_global_orderability():
    node, rel = V.Node(1, ("N",)), V.Relationship(1, 1, 2, "REL")
    path = V.Path((node, V.Node(2, ())), (rel,))
    values = [node, rel, path, 1.5, ["list"], "text", None, False, NAN, {"a": "map"}]
    ordered = sorted(values, key=ops.order_key)
    assert ordered[:5] == [{"a": "map"}, node, rel, ["list"], path]
    desc = sorted(values, key=ops.order_key, reverse=True)
    assert desc[0] is None and math.isnan(desc[1]) and desc[2:5] == [1.5, False, "text"]


def test_order_key_lists():
    lists = [[], ["a"], ["a", 1], [1], [1, "a"], [1, None], [None, 1], [None, 2]]
    assert sorted(reversed(lists), key=ops.order_key) == lists


def test_order_key_times_by_instant():
    h = 3600 * 10**9
    t1 = V.Time(10 * h, -8 * 3600)  # 18:00Z
    t2 = V.Time(12 * h, 5 * 3600)  # 07:00Z
    t3 = V.Time(12 * h, 3600)  # 11:00Z
    assert sorted([t1, t2, t3], key=ops.order_key) == [t2, t3, t1]


def test_descending_wrapper_inverts():
    rows = [(1, "b"), (1, "a"), (0, "c")]
    key = lambda r: (ops.order_key(r[0]), ops.Descending(ops.order_key(r[1])))  # noqa: E731
    assert sorted(rows, key=key) == [(0, "c"), (1, "b"), (1, "a")]


def test_group_key_equivalence():
    assert ops.group_key(1) == ops.group_key(1.0)
    assert ops.group_key(NAN) == ops.group_key(float("nan"))
    assert ops.group_key(None) == ops.group_key(None)
    assert ops.group_key(True) != ops.group_key(1)
    assert ops.group_key([1, {"a": None}]) == ops.group_key([1.0, {"a": None}])
    assert ops.group_key("1") != ops.group_key(1)


def test_integer_arithmetic_overflows():
    with pytest.raises(CypherArithmeticError) as e:
        ops.add(ops.INT_MAX, 1)
    assert e.value.detail == "IntegerOverflow"
    with pytest.raises(CypherArithmeticError):
        ops.mul(ops.INT_MAX, 2)
    with pytest.raises(CypherArithmeticError):
        ops.neg(ops.INT_MIN)
    with pytest.raises(CypherArithmeticError):
        ops.div(ops.INT_MIN, -1)
    assert ops.sub(ops.INT_MIN + 1, 1) == ops.INT_MIN


def test_division_and_modulo_follow_java():
    assert ops.div(7, 2) == 3 and ops.div(-7, 2) == -3
    assert ops.mod(-7, 2) == -1 and ops.mod(7, -2) == 1
    assert ops.div(7, 2.0) == 3.5
    assert ops.div(1.0, 0) == math.inf and ops.div(-1, 0.0) == -math.inf
    assert math.isnan(ops.div(0.0, 0))
    assert math.isnan(ops.mod(1.0, 0))
    with pytest.raises(CypherArithmeticError):
        ops.div(1, 0)


def test_power_is_float():
    assert ops.pow_(2, 3) == 8.0 and isinstance(ops.pow_(2, 3), float)
    assert math.isnan(ops.pow_(-8, 1 / 3))
    assert ops.pow_(0, -1) == math.inf
    assert ops.pow_(10, 400) == math.inf


def test_addition_concatenates():
    assert ops.add("a", "b") == "ab"
    assert ops.add("a", 1) == "a1" and ops.add(1.5, "a") == "1.5a"
    assert ops.add([1], [2, 3]) == [1, 2, 3]
    assert ops.add([1], 2) == [1, 2] and ops.add(0, [1]) == [0, 1]
    assert ops.add([1], None) == [1, None]
    assert ops.add("a", True) == "atrue" and ops.add(V.Date(0), "!") == "1970-01-01!"
    with pytest.raises(CypherTypeError):
        ops.add("a", {"k": 1})
    assert ops.add(None, 1) is None
    with pytest.raises(CypherTypeError):
        ops.add(True, 1)
    with pytest.raises(CypherTypeError):
        ops.add(V.Node(1, ()), "a")
    with pytest.raises(CypherTypeError):
        ops.sub("a", 1)


def test_ternary_logic():
    T, F, N = True, False, None
    assert ops.and_(F, N) is F and ops.and_(T, N) is N and ops.and_(T, T) is T
    assert ops.or_(T, N) is T and ops.or_(F, N) is N and ops.or_(F, F) is F
    assert ops.xor(T, N) is N and ops.xor(T, F) is T and ops.xor(T, T) is F
    assert ops.not_(N) is N and ops.not_(F) is T
    with pytest.raises(CypherTypeError):
        ops.and_(1, True)


def test_in_list_is_ternary():
    assert ops.in_list(1, [1.0, 2]) is True
    assert ops.in_list(3, [1, None]) is None
    assert ops.in_list(3, [1, 2]) is False
    assert ops.in_list(None, []) is False
    assert ops.in_list([2, None], [[1, 2]]) is False
    assert ops.in_list(1, None) is None


def test_string_predicates():
    assert ops.starts_with("abc", "ab") is True
    assert ops.ends_with("abc", 1) is None
    assert ops.contains("abc", "bc") is True
    assert ops.regex_match("abc", "a.c") is True
    assert ops.regex_match("abcd", "a.c") is False
    assert ops.regex_match(None, "a") is None


@pytest.mark.parametrize(
    "value, text",
    [(1.0, "1.0"), (1e10, "1.0E10"), (1.5e-5, "1.5E-5"), (-0.0, "-0.0"), (123.456, "123.456"),
     (math.nan, "NaN"), (math.inf, "Infinity"), (1e7, "1.0E7"), (9999999.0, "9999999.0")],
)
def test_float_spelling(value, text):
    assert ops.format_float(value) == text
