"""Property test of operator precedence: random expression trees, printed with only the
parentheses an independent precedence table requires, parse back to the same tree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tugraph_bolt.cypher import ast as A
from tugraph_bolt.cypher.parser import parse

# openCypher precedence, lowest first (independent of the parser's own table)
BINARY = {
    "OR": 1, "XOR": 2, "AND": 3,
    "=": 5, "<>": 5, "<": 5, "<=": 5,
    "STARTS WITH": 6, "CONTAINS": 6, "IN": 6, "=~": 6,
    "+": 7, "-": 7, "*": 8, "/": 8, "%": 8, "^": 9,
}  # fmt: skip
NOT_PREC, NULL_PREC, NEG_PREC, ATOM_PREC = 4, 6, 10, 11


def prec(e) -> int:
    if isinstance(e, A.BinaryOp):
        return BINARY[e.op]
    if isinstance(e, A.UnaryOp):
        return NOT_PREC if e.op == "NOT" else NEG_PREC
    if isinstance(e, A.IsNull):
        return NULL_PREC
    return ATOM_PREC


def show(e, need: int = 0) -> str:
    if isinstance(e, A.Variable):
        text = e.name
    elif isinstance(e, A.BinaryOp):
        p = BINARY[e.op]
        if p == 5:  # comparisons chain, so a nested comparison always gets parentheses
            text = f"{show(e.left, 6)} {e.op} {show(e.right, 6)}"
        else:  # left associative
            text = f"{show(e.left, p)} {e.op} {show(e.right, p + 1)}"
    elif isinstance(e, A.UnaryOp) and e.op == "NOT":
        text = f"NOT {show(e.expr, NOT_PREC)}"
    elif isinstance(e, A.UnaryOp):
        text = f"-{show(e.expr, NEG_PREC)}"
    else:
        text = f"{show(e.expr, NULL_PREC)} IS {'NOT ' if e.negated else ''}NULL"
    return f"({text})" if prec(e) < need else text


leaves = st.sampled_from("abcde").map(A.Variable)


# one precedence level first, then an operator of it, so that neighbouring levels meet often
levels = sorted({p: [op for op in BINARY if BINARY[op] == p] for p in BINARY.values()}.items())
operators = st.sampled_from([ops for _, ops in levels]).flatmap(st.sampled_from)


def extend(children):
    return st.one_of(
        st.builds(A.BinaryOp, operators, children, children),
        st.builds(lambda e: A.UnaryOp("NOT", e), children),
        st.builds(lambda e: A.UnaryOp("-", e), leaves),  # -(literal) would be folded
        st.builds(A.IsNull, children, st.booleans()),
    )


expressions = st.recursive(leaves, extend, max_leaves=8)


@settings(max_examples=1000, deadline=None)
@given(expressions)
def test_printed_expression_parses_back(expr):
    text = show(expr)
    parsed = parse(f"RETURN {text} AS x").parts[0].clauses[0].projection.items[0].expr
    assert parsed == expr, text


def test_printer_sanity():
    e = A.BinaryOp("*", A.BinaryOp("+", A.Variable("a"), A.Variable("b")), A.Variable("c"))
    assert show(e) == "(a + b) * c"
    assert show(A.UnaryOp("NOT", A.BinaryOp("=", A.Variable("a"), A.Variable("b")))) == "NOT a = b"
