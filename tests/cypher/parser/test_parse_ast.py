"""Query text -> expected AST fragments (positions are ignored by AST equality)."""

from __future__ import annotations

import pytest

from tugraph_bolt.cypher import ast as A
from tugraph_bolt.cypher.parser import parse

V = A.Variable
L = A.Literal


def P(expr, key):
    return A.PropertyLookup(expr, key)


def B(op, left, right):
    return A.BinaryOp(op, left, right)


def node(var=None, labels=(), props=None):
    return A.NodePattern(var, tuple(labels), props)


def rel(var=None, types=(), direction="out", **kw):
    return A.RelPattern(var, tuple(types), kw.pop("props", None), direction, **kw)


def first_expr(query: str):
    """The expression of the first RETURN item."""
    clause = parse(query).parts[0].clauses[-1]
    return clause.projection.items[0].expr


EXPRESSIONS = [
    ("RETURN 1", L(1)),
    ("RETURN -9223372036854775808", L(-(2**63))),
    ("RETURN 0x1F", L(31)),
    ("RETURN -0x1F", L(-31)),
    ("RETURN 0o17", L(15)),
    ("RETURN 017", L(15)),  # legacy octal
    ("RETURN 1.5e3", L(1500.0)),
    ("RETURN .5", L(0.5)),
    ("RETURN 1e-2", L(0.01)),
    ("RETURN 'a\\tb'", L("a\tb")),
    ('RETURN "q\\"uote"', L('q"uote')),
    ("RETURN 'caf\\u00e9'", L("café")),
    ("RETURN 'back\\\\slash'", L("back\\slash")),
    ("RETURN true", L(True)),
    ("RETURN FaLsE", L(False)),
    ("RETURN null", L(None)),
    ("RETURN $p", A.Parameter("p")),
    ("RETURN $0", A.Parameter("0")),
    ("RETURN `a b`", V("a b")),
    ("RETURN n.`weird key`", P(V("n"), "weird key")),
    ("RETURN n.end", P(V("n"), "end")),  # keywords are fine as property keys
    ("RETURN 1 + 2 * 3", B("+", L(1), B("*", L(2), L(3)))),
    ("RETURN (1 + 2) * 3", B("*", B("+", L(1), L(2)), L(3))),
    ("RETURN 2 ^ 3 ^ 2", B("^", B("^", L(2), L(3)), L(2))),  # left associative
    ("RETURN 1 - -1", B("-", L(1), L(-1))),
    ("RETURN -x", A.UnaryOp("-", V("x"))),
    ("RETURN a < b <= c", B("AND", B("<", V("a"), V("b")), B("<=", V("b"), V("c")))),
    ("RETURN NOT a = b", A.UnaryOp("NOT", B("=", V("a"), V("b")))),
    ("RETURN a OR b XOR c AND d", B("OR", V("a"), B("XOR", V("b"), B("AND", V("c"), V("d"))))),
    ("RETURN a IS NOT NULL", A.IsNull(V("a"), True)),
    ("RETURN a Is NuLl", A.IsNull(V("a"), False)),
    ("RETURN s STARTS WITH 'x'", B("STARTS WITH", V("s"), L("x"))),
    ("RETURN s ends with 'x'", B("ENDS WITH", V("s"), L("x"))),
    ("RETURN s CONTAINS 'x'", B("CONTAINS", V("s"), L("x"))),
    ("RETURN s =~ 'x.*'", B("=~", V("s"), L("x.*"))),
    ("RETURN 1 IN [1, 2]", B("IN", L(1), A.ListLiteral((L(1), L(2))))),
    ("RETURN a <> b", B("<>", V("a"), V("b"))),
    ("RETURN n:A:B", A.LabelCheck(V("n"), ("A", "B"))),
    ("RETURN l[0]", A.Index(V("l"), L(0))),
    ("RETURN l[1..]", A.Slice(V("l"), L(1), None)),
    ("RETURN l[..-1]", A.Slice(V("l"), None, L(-1))),
    ("RETURN l[0][1]", A.Index(A.Index(V("l"), L(0)), L(1))),
    ("RETURN []", A.ListLiteral(())),
    ("RETURN {}", A.MapLiteral(())),
    ("RETURN {a: 1, `b c`: 'x'}", A.MapLiteral((("a", L(1)), ("b c", L("x"))))),
    ("RETURN count(*)", A.CountStar()),
    ("RETURN COUNT( * )", A.CountStar()),
    ("RETURN count(DISTINCT n)", A.FunctionCall("count", (V("n"),), True)),
    ("RETURN toUpper('a')", A.FunctionCall("toUpper", (L("a"),))),
    ("RETURN date.truncate('day', d)", A.FunctionCall("date.truncate", (L("day"), V("d")))),
    ("RETURN exists(n.p)", A.FunctionCall("exists", (P(V("n"), "p"),))),
    ("RETURN [x IN l]", A.ListComprehension("x", V("l"))),
    ("RETURN [x IN l WHERE x > 1]", A.ListComprehension("x", V("l"), B(">", V("x"), L(1)))),
    ("RETURN [x IN l | x * 2]", A.ListComprehension("x", V("l"), None, B("*", V("x"), L(2)))),
    # precedence would bind `x IN a` first; the comprehension means x IN (a OR b)
    ("RETURN [x IN a OR b | x]", A.ListComprehension("x", B("OR", V("a"), V("b")), None, V("x"))),
    ("RETURN [1, x IN l]", A.ListLiteral((L(1), B("IN", V("x"), V("l"))))),
    (
        "RETURN [(a)-->(b) | b.name]",
        A.PatternComprehension(
            None,
            A.PatternPart(None, A.PatternElement((node("a"), node("b")), (rel(),))),
            None,
            P(V("b"), "name"),
        ),
    ),
    (
        "RETURN [p = (a)-[:T]->() WHERE a.x | p]",
        A.PatternComprehension(
            "p",
            A.PatternPart("p", A.PatternElement((node("a"), node()), (rel(types=["T"]),))),
            P(V("a"), "x"),
            V("p"),
        ),
    ),
    (
        "RETURN n {.name, .*, x: 1, y}",
        A.MapProjection(
            "n",
            (
                A.MapProjectionItem("property", "name"),
                A.MapProjectionItem("all"),
                A.MapProjectionItem("literal", "x", L(1)),
                A.MapProjectionItem("variable", "y"),
            ),
        ),
    ),
    (
        "RETURN CASE x WHEN 1 THEN 'a' ELSE 'b' END",
        A.Case(V("x"), (A.CaseWhen(L(1), L("a")),), L("b")),
    ),
    ("RETURN CASE WHEN a THEN 1 END", A.Case(None, (A.CaseWhen(V("a"), L(1)),), None)),
    ("RETURN all(x IN l WHERE x)", A.Quantifier("all", "x", V("l"), V("x"))),
    ("RETURN none(x IN l WHERE x)", A.Quantifier("none", "x", V("l"), V("x"))),
    ("RETURN single(x IN l WHERE x)", A.Quantifier("single", "x", V("l"), V("x"))),
    ("RETURN any(x IN l WHERE x)", A.Quantifier("any", "x", V("l"), V("x"))),
    (
        "RETURN reduce(s = 0, x IN l | s + x)",
        A.Reduce("s", L(0), "x", V("l"), B("+", V("s"), V("x"))),
    ),
    # (a) - 1 is arithmetic; (a)-->(b) is a pattern: decided after the matching ')'
    ("RETURN (a) - 1", B("-", V("a"), L(1))),
    ("RETURN (a) < -1", B("<", V("a"), L(-1))),
]


@pytest.mark.parametrize(("query", "expected"), EXPRESSIONS, ids=[q for q, _ in EXPRESSIONS])
def test_expression(query, expected):
    assert first_expr(query) == expected


def test_literal_equality_tells_types_apart():
    assert L(1) != L(True)
    assert L(1) != L(1.0)
    assert L(float("nan")) == L(float("nan"))


def test_projection_text_is_verbatim_source():
    items = parse("RETURN  n.name ,count( * ), a+b AS s, [x IN l | x] ").parts[0].clauses[0]
    texts = [(i.text, i.alias, i.name) for i in items.projection.items]
    assert texts == [
        ("n.name", None, "n.name"),
        ("count( * )", None, "count( * )"),
        ("a+b", "s", "s"),
        ("[x IN l | x]", None, "[x IN l | x]"),
    ]


def test_match_pattern_and_where():
    q = parse(
        "OPTIONAL MATCH p = (a:Person:Admin {name: $n})<-[r:KNOWS|:LIKES*2..]-(b) "
        "WHERE (a)-[:X]->(b) RETURN p"
    )
    match = q.parts[0].clauses[0]
    assert match.optional
    part = match.patterns[0]
    assert part.variable == "p"
    assert part.element.nodes == (
        node("a", ["Person", "Admin"], A.MapLiteral((("name", A.Parameter("n")),))),
        node("b"),
    )
    assert part.element.rels == (
        rel("r", ["KNOWS", "LIKES"], "in", var_length=True, min_hops=2, max_hops=None),
    )
    assert isinstance(match.where, A.PatternPredicate)
    assert match.where.pattern.element.rels[0].types == ("X",)


@pytest.mark.parametrize(
    ("text", "direction", "var_length", "low", "high"),
    [
        ("-->", "out", False, None, None),
        ("<--", "in", False, None, None),
        ("--", "both", False, None, None),
        ("<-->", "both", False, None, None),
        ("-[*]->", "out", True, None, None),
        ("-[*3]-", "both", True, 3, 3),
        ("-[*..4]-", "both", True, None, 4),
        ("<-[*1..2]-", "in", True, 1, 2),
    ],
)
def test_relationship_shapes(text, direction, var_length, low, high):
    match = parse(f"MATCH (a){text}(b) RETURN a").parts[0].clauses[0]
    r = match.patterns[0].element.rels[0]
    assert (r.direction, r.var_length, r.min_hops, r.max_hops) == (direction, var_length, low, high)


def test_shortest_path():
    part = parse("MATCH p = shortestPath((a)-[*]-(b)) RETURN p").parts[0].clauses[0].patterns[0]
    assert (part.variable, part.shortest) == ("p", "shortestPath")
    part = parse("MATCH p = allShortestPaths((a)-[*]-(b)) RETURN p").parts[0].clauses[0].patterns[0]
    assert part.shortest == "allShortestPaths"


def test_projection_modifiers():
    q = parse(
        "MATCH (n) WITH DISTINCT n, n.x AS x ORDER BY x DESC, n ASC SKIP 1 LIMIT $l "
        "WHERE x > 1 RETURN *, x AS y"
    )
    with_clause, ret = q.parts[0].clauses[1], q.parts[0].clauses[2]
    proj = with_clause.projection
    assert proj.distinct and not proj.star
    assert proj.order_by == (A.SortItem(V("x"), True), A.SortItem(V("n"), False))
    assert (proj.skip, proj.limit) == (L(1), A.Parameter("l"))
    assert with_clause.where == B(">", V("x"), L(1))
    assert ret.projection.star and ret.projection.items[0].alias == "y"


def test_updating_clauses():
    q = parse(
        "MATCH (a), (b) CREATE (a)-[:T {w: 1}]->(b) "
        "MERGE (c:C {k: 1}) ON CREATE SET c.n = 1, c += $m ON MATCH SET c:Seen "
        "SET a = {}, b.x = null REMOVE a.x, b:L1:L2 DETACH DELETE a, b"
    )
    _, create, merge, set_clause, remove, delete = q.parts[0].clauses
    assert create.patterns[0].element.rels[0].properties == A.MapLiteral((("w", L(1)),))
    assert merge.on_create == (
        A.SetProperty(P(V("c"), "n"), L(1)),
        A.SetVariable("c", A.Parameter("m"), True),
    )
    assert merge.on_match == (A.SetLabels("c", ("Seen",)),)
    assert set_clause.items == (
        A.SetVariable("a", A.MapLiteral(()), False),
        A.SetProperty(P(V("b"), "x"), L(None)),
    )
    assert remove.items == (A.RemoveProperty(P(V("a"), "x")), A.RemoveLabels("b", ("L1", "L2")))
    assert delete == A.Delete((V("a"), V("b")), True)


def test_unwind_foreach():
    q = parse("UNWIND [1, 2] AS x FOREACH (y IN [x] | CREATE (:N {v: y}))")
    unwind, foreach = q.parts[0].clauses
    assert unwind == A.Unwind(A.ListLiteral((L(1), L(2))), "x")
    assert foreach.var == "y" and isinstance(foreach.clauses[0], A.Create)


@pytest.mark.parametrize(
    ("query", "args", "yields", "star"),
    [
        ("CALL db.labels", None, None, False),
        ("CALL db.labels()", (), None, False),
        ("CALL test.my.proc('a', 1) YIELD *", (L("a"), L(1)), None, True),
        ("CALL p(1) YIELD a, b AS c", (L(1),), (A.YieldItem("a"), A.YieldItem("b", "c")), False),
    ],
)
def test_call(query, args, yields, star):
    call = parse(query).parts[0].clauses[0]
    assert (call.args, call.yields, call.yield_star) == (args, yields, star)


def test_call_yield_where():
    call = parse("CALL db.labels() YIELD label WHERE label = 'A' RETURN label").parts[0].clauses[0]
    assert call.procedure == "db.labels"
    assert call.where == B("=", V("label"), L("A"))


def test_union():
    q = parse("RETURN 1 AS a UNION RETURN 2 AS a UNION ALL RETURN 3 AS a")
    assert len(q.parts) == 3 and q.union_all == (False, True)


def test_exists_subqueries():
    q = parse(
        "MATCH (n) WHERE exists { (n)-->(m) WHERE m.x = 1 } "
        "AND EXISTS { MATCH (n)-->() RETURN true } RETURN n"
    )
    where = q.parts[0].clauses[0].where
    pattern_form, query_form = where.left, where.right
    assert pattern_form.patterns[0].element.nodes[1] == node("m")
    assert pattern_form.where == B("=", P(V("m"), "x"), L(1))
    assert isinstance(query_form.query, A.Query)


def test_keywords_case_insensitive_and_comments():
    q = parse("match (n) // trailing comment\n /* block\n comment */ return n;")
    assert isinstance(q.parts[0].clauses[1], A.Return)


def test_positions_are_recorded():
    q = parse("MATCH (n)\nRETURN n.name")
    ret = q.parts[0].clauses[1]
    assert (ret.line, ret.column) == (2, 1)
    assert (ret.projection.items[0].expr.line, ret.projection.items[0].expr.column) == (2, 8)


def test_walk_visits_every_node():
    q = parse("MATCH (a)-[r]->(b) WHERE a.x IN [1, 2] RETURN count(*)")
    names = [type(n).__name__ for n in A.walk(q)]
    assert names.count("NodePattern") == 2
    assert "CountStar" in names and "ListLiteral" in names


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (end) RETURN end",
        "WITH 1 AS desc RETURN desc ORDER BY desc DESC",
        "UNWIND [1] AS limit RETURN limit SKIP 0 LIMIT 1",
        "MATCH (a)-[on]->(match) RETURN on, match",
    ],
)
def test_most_keywords_may_name_variables(query):
    clauses = parse(query).parts[0].clauses
    names = [item.name for item in clauses[-1].projection.items]
    assert names and all(name.lower() == name for name in names)
