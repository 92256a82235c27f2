"""Property test: random expression trees of every kind survive to_cypher -> parse."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tugraph_bolt.cypher import ast as A
from tugraph_bolt.cypher.parser import parse, to_cypher

NAMES = st.sampled_from(["n", "x", "end", "order", "count", "a b", "`q`", "Ünï", "_1"])
KEYS = st.sampled_from(["name", "end", "NULL", "match", "k-1", "ä"])
FUNCTIONS = st.sampled_from(["size", "toUpper", "coalesce", "date.truncate", "head"])
OPERATORS = st.sampled_from(
    ["OR", "XOR", "AND", "=", "<>", "<", ">", "<=", ">=", "STARTS WITH", "ENDS WITH",
     "CONTAINS", "IN", "=~", "+", "-", "*", "/", "%", "^"]
)  # fmt: skip

numbers = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
)
literals = st.one_of(
    numbers,
    st.text(max_size=6),
    st.booleans(),
    st.none(),
).map(A.Literal)
leaves = st.one_of(
    literals,
    NAMES.map(A.Variable),
    st.sampled_from(["p", "0", "weird name"]).map(A.Parameter),
    st.just(A.CountStar()),
)


def _not_number_literal(e) -> bool:
    # a minus sign in front of a number literal is folded into the literal by the parser
    return not (isinstance(e, A.Literal) and type(e.value) in (int, float))


def extend(ex):
    pairs = st.tuples(KEYS, ex)
    return st.one_of(
        st.builds(A.BinaryOp, OPERATORS, ex, ex),
        st.builds(lambda e: A.UnaryOp("NOT", e), ex),
        st.builds(lambda e: A.UnaryOp("-", e), ex.filter(_not_number_literal)),
        st.builds(lambda e: A.UnaryOp("+", e), ex),
        st.builds(A.IsNull, ex, st.booleans()),
        st.builds(A.PropertyLookup, ex, KEYS),
        st.builds(A.Index, ex, ex),
        st.builds(A.Slice, ex, st.none() | ex, st.none() | ex),
        st.builds(A.LabelCheck, ex, st.lists(KEYS, min_size=1, max_size=2).map(tuple)),
        st.builds(A.ListLiteral, st.lists(ex, max_size=3).map(tuple)),
        st.builds(A.MapLiteral, st.lists(pairs, max_size=3).map(tuple)),
        st.builds(A.FunctionCall, FUNCTIONS, st.lists(ex, max_size=2).map(tuple), st.booleans()),
        st.builds(
            A.Case,
            st.none() | ex,
            st.lists(st.builds(A.CaseWhen, ex, ex), min_size=1, max_size=2).map(tuple),
            st.none() | ex,
        ),
        st.builds(A.ListComprehension, NAMES, ex, st.none() | ex, st.none() | ex),
        st.builds(A.Quantifier, st.sampled_from(["all", "any", "none", "single"]), NAMES, ex, ex),
        st.builds(A.Reduce, NAMES, ex, NAMES, ex, ex),
    )


expressions = st.recursive(leaves, extend, max_leaves=10)


@settings(max_examples=400, deadline=None)
@given(expressions)
def test_expression_survives_printing(expr):
    text = to_cypher(expr)
    parsed = parse(f"RETURN {text} AS x").parts[0].clauses[0].projection.items[0].expr
    assert parsed == expr, text
