"""Property tests: orderability is a total order consistent with comparison, equivalence is
consistent with equality, integer arithmetic is exact or raises."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tugraph_bolt import values as V
from tugraph_bolt.cypher import ops
from tugraph_bolt.errors import CypherArithmeticError, CypherError

ints = st.integers(min_value=ops.INT_MIN, max_value=ops.INT_MAX)
scalars = st.one_of(st.none(), st.booleans(), ints, st.floats(allow_nan=True),
                    st.text(max_size=4))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=2), inner, max_size=3)),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(values, values)
def test_order_key_agrees_with_comparison_where_defined(a, b):
    c = ops.compare(a, b)
    if c is None:
        return
    ka, kb = ops.order_key(a), ops.order_key(b)
    assert (ka > kb) - (ka < kb) == c


@settings(max_examples=300, deadline=None)
@given(st.lists(values, max_size=6))
def test_sorting_is_deterministic_and_total(items):
    once = sorted(items, key=ops.order_key)
    again = sorted(list(reversed(items)), key=ops.order_key)
    assert [ops.order_key(x) for x in once] == [ops.order_key(x) for x in again]


@settings(max_examples=300, deadline=None)
@given(values, values)
def test_equal_values_are_equivalent(a, b):
    if ops.equals(a, b) is True:
        assert ops.group_key(a) == ops.group_key(b)
    if ops.group_key(a) == ops.group_key(b):
        assert ops.equals(a, b) is not False or _contains_nan(a)


def _contains_nan(v) -> bool:
    if isinstance(v, float):
        return math.isnan(v)
    if isinstance(v, list):
        return any(_contains_nan(x) for x in v)
    if isinstance(v, dict):
        return any(_contains_nan(x) for x in v.values())
    return False


@settings(max_examples=300, deadline=None)
@given(values, values)
def test_equality_is_symmetric(a, b):
    assert ops.equals(a, b) is ops.equals(b, a)


@settings(max_examples=500, deadline=None)
@given(ints, ints)
def test_integer_arithmetic_is_exact_or_overflows(a, b):
    for op, exact in ((ops.add, a + b), (ops.sub, a - b), (ops.mul, a * b)):
        if ops.INT_MIN <= exact <= ops.INT_MAX:
            assert op(a, b) == exact
        else:
            try:
                op(a, b)
            except CypherArithmeticError as e:
                assert e.detail == "IntegerOverflow"
            else:
                raise AssertionError("overflow not detected")
    if b != 0 and not (a == ops.INT_MIN and b == -1):
        q, r = ops.div(a, b), ops.mod(a, b)
        assert q * b + r == a and abs(r) < abs(b) and (r == 0 or (r < 0) == (a < 0))


@settings(max_examples=500, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_spelling_round_trips_through_to_float(f):
    from tugraph_bolt.cypher.functions import FUNCTIONS

    text = ops.format_float(f)
    assert FUNCTIONS["tofloat"].fn(None, [text]) == f
    assert "." in text or "E" in text  # Java always shows a fraction or an exponent


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=20),
       st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_percentiles_are_monotone_and_within_range(data, p, q):
    from tugraph_bolt.cypher import aggregates

    def percentile(kind, pct):
        agg = aggregates.new(kind, False)
        for v in data:
            agg.add(v, pct)
        return agg.result()

    lo, hi = sorted((p, q))
    for kind in ("percentilecont", "percentiledisc"):
        a, b = percentile(kind, lo), percentile(kind, hi)
        assert min(data) <= a <= b <= max(data)
    assert percentile("percentiledisc", lo) in data


_operands = st.one_of(
    values, st.sampled_from([V.Date(19000), V.Duration(1, 2, 3, 4), V.LocalTime(5),
                             V.DateTime(0, 0, 3600, None)]),
)
_BINARY = [ops.add, ops.sub, ops.mul, ops.div, ops.mod, ops.pow_, ops.equals, ops.lt,
           ops.ge, ops.in_list, ops.starts_with, ops.regex_match, ops.and_, ops.xor]


@settings(max_examples=400, deadline=None)
@given(_operands, _operands)
def test_operators_raise_only_cypher_errors(a, b):
    for op in _BINARY:
        try:
            op(a, b)
        except CypherError:
            pass
    for unary in (ops.neg, ops.not_, ops.order_key, ops.group_key):
        try:
            unary(a)
        except CypherError:
            pass
