"""Compile-time semantic checks beyond the TCK: details, positions, columns, is_write."""

from __future__ import annotations

import pytest

from tugraph_bolt.cypher.parser import parse
from tugraph_bolt.cypher.semantic import check, is_write
from tugraph_bolt.errors import (
    CypherError,
    CypherSyntaxError,
    CypherTypeError,
    ProcedureNotFound,
)
from tugraph_bolt.procedures.registry import Procedure, ProcedureRegistry

REJECTED = [
    ("MATCH (n) RETURN m", "UndefinedVariable"),
    ("MATCH (n) WITH n.x AS x RETURN n", "UndefinedVariable"),
    ("MATCH (n) WHERE (n)-[r]->() RETURN n", "UndefinedVariable"),
    ("RETURN [x IN [1] | y]", "UndefinedVariable"),
    ("MATCH (a)-[r]->(b) MATCH (r) RETURN r", "VariableTypeConflict"),
    ("WITH 1 AS n MATCH (n) RETURN n", "VariableTypeConflict"),
    ("MATCH (a) CREATE (a:L)", "VariableAlreadyBound"),
    ("MATCH ()-[r]->() MERGE (a)-[r:T]->(b)", "VariableAlreadyBound"),
    ("MATCH (p) MATCH p = ()-->() RETURN p", "VariableAlreadyBound"),
    ("UNWIND [1] AS x UNWIND [2] AS x RETURN x", "VariableAlreadyBound"),
    ("MATCH (a)-[r]->()-[r]->() RETURN a", "RelationshipUniquenessViolation"),
    ("CREATE (a)-[:T*2]->(b)", "CreatingVarLength"),
    ("CREATE (a)-[:T]-(b)", "RequiresDirectedRelationship"),
    ("CREATE (a)-[:A|B]->(b)", "NoSingleRelationshipType"),
    ("MERGE (a)-->(b)", "NoSingleRelationshipType"),
    ("MATCH (n $p) RETURN n", "InvalidParameterUse"),
    ("MATCH (n) WITH n.x RETURN 1", "NoExpressionAlias"),
    ("RETURN 1 AS a, 2 AS a", "ColumnNameConflict"),
    ("MATCH () RETURN *", "NoVariablesInScope"),
    ("MATCH (n) WHERE count(n) > 1 RETURN n", "InvalidAggregation"),
    ("MATCH (n) SET n.x = count(*)", "InvalidAggregation"),
    ("RETURN count(collect(1))", "NestedAggregation"),
    ("MATCH (n) RETURN n.x + count(*)", "AmbiguousAggregationExpression"),
    ("MATCH (n) RETURN n LIMIT n.x", "NonConstantExpression"),
    ("RETURN 1 SKIP -1", "NegativeIntegerArgument"),
    ("RETURN 1 LIMIT 1.5", "InvalidArgumentType"),
    ("RETURN 1 AS a UNION RETURN 1 AS b", "DifferentColumnsInUnion"),
    ("RETURN 1 AS a UNION RETURN 1 AS a UNION ALL RETURN 1 AS a", "InvalidClauseComposition"),
    ("MATCH (n) WHERE exists { MATCH (n)-->(m) DELETE m } RETURN n", "InvalidClauseComposition"),
    ("MATCH (n)", "InvalidClauseComposition"),
    ("RETURN 1 MATCH (n) RETURN n", "InvalidClauseComposition"),
    ("MATCH (n) DELETE n:L", "InvalidDelete"),
    ("MATCH (n) DELETE 1 + 1", "InvalidArgumentType"),
    ("RETURN NOT 1", "InvalidArgumentType"),
    ("RETURN 'a' AND true", "InvalidArgumentType"),
    ("RETURN 1 IN 2", "InvalidArgumentType"),
    ("RETURN all(x IN ['a'] WHERE x % 2 = 0)", "InvalidArgumentType"),
    ("MATCH p = ()-->() RETURN p.x", "InvalidArgumentType"),
    ("MATCH (n) RETURN type(n)", "InvalidArgumentType"),
    ("MATCH (n) WHERE (n) RETURN n", "InvalidArgumentType"),
    ("MATCH (n) RETURN (n)-->()", "UnexpectedSyntax"),
    ("MATCH (n) RETURN nosuchfunction(n)", "UnknownFunction"),
]


@pytest.mark.parametrize(("query", "detail"), REJECTED, ids=[q for q, _ in REJECTED])
def test_rejected(query, detail):
    with pytest.raises(CypherSyntaxError) as info:
        check(parse(query))
    assert info.value.detail == detail, str(info.value)
    assert info.value.phase == "compile time"


ACCEPTED = [
    "MATCH (a)-[r]->(b) MATCH (a)-[r]->(c) RETURN c",  # a bound relationship may be re-matched
    "MATCH (a) MATCH (a)-->(b) RETURN b",
    "MATCH (a), (b) CREATE (a)-[:T]->(b)",
    "MATCH (a) MERGE (a)-[:T]-(b) RETURN b",  # MERGE may be undirected
    "MATCH (n) WITH n.x AS x WHERE n.y = 1 RETURN x",  # WITH ... WHERE sees both scopes
    "MATCH (n) RETURN DISTINCT n.x ORDER BY n.x",
    "MATCH (n) RETURN n.x AS x, count(*) AS c ORDER BY x, x + count(*)",
    "MATCH (n) RETURN n, count(*) * n.x",  # n is a grouping key
    "MATCH (n) RETURN n.x AS x ORDER BY n.y",  # ORDER BY sees the previous scope
    "WITH null AS a OPTIONAL MATCH (a)-->(b) RETURN b",
    "WITH [1, 2] AS l RETURN [x IN l WHERE x > 1 | x * 2], reduce(s = 0, x IN l | s + x)",
    "MATCH (n) WHERE NOT (n)-->() AND exists((n)<--()) RETURN n",
    "MATCH (n) RETURN [(n)-->(m) | m.name]",
    "MATCH (n) RETURN count(*) AS c SKIP $s LIMIT 1 + 1",
    "CALL db.labels() YIELD label RETURN label",
    "UNWIND [1, 2] AS x WITH x, count(*) AS c RETURN x, c",
    "MATCH (n) FOREACH (x IN [1] | SET n.v = x)",
]


@pytest.mark.parametrize("query", ACCEPTED)
def test_accepted(query):
    check(parse(query))


def test_error_positions_point_at_the_culprit():
    with pytest.raises(CypherSyntaxError) as info:
        check(parse("MATCH (n)\nRETURN n, missing"))
    assert (info.value.line, info.value.column) == (2, 11)
    assert "`missing`" in str(info.value)


def test_property_of_a_value_is_a_compile_time_type_error():
    with pytest.raises(CypherTypeError) as info:
        check(parse("WITH 123 AS x RETURN x.num"))
    assert (info.value.tck_type, info.value.phase, info.value.detail) == (
        "TypeError",
        "compile time",
        "InvalidArgumentType",
    )


@pytest.mark.parametrize(
    ("query", "columns"),
    [
        ("MATCH (n) RETURN n, n.name, count(*) AS c", ("n", "n.name", "c")),
        ("MATCH (b), (a) RETURN *", ("a", "b")),
        ("MATCH (n) CREATE (m)", None),
        ("RETURN 1 AS x UNION RETURN 2 AS x", ("x",)),
    ],
)
def test_columns(query, columns):
    assert check(parse(query)).columns == columns


def _registry() -> ProcedureRegistry:
    reg = ProcedureRegistry()
    reg.register(
        Procedure(
            "test.echo",
            [("x", "STRING")],
            [("out", "STRING")],
            "read",
            lambda ctx, args: [[args[0]]],
        )
    )
    reg.register(Procedure("test.write", [], [], "write", lambda ctx, args: []))
    return reg


def test_procedures_are_checked_when_a_registry_is_given():
    reg = _registry()
    assert check(parse("CALL test.echo('a')"), reg).columns == ("out",)
    assert check(parse("CALL test.echo('a') YIELD out AS o RETURN o"), reg).columns == ("o",)
    with pytest.raises(ProcedureNotFound):
        check(parse("CALL test.nothere()"), reg)
    with pytest.raises(CypherError) as info:
        check(parse("CALL test.echo('a', 'b')"), reg)
    assert info.value.detail == "InvalidNumberOfArguments"
    with pytest.raises(CypherError) as info:
        check(parse("CALL test.echo('a') YIELD nope RETURN nope"), reg)
    assert info.value.detail == "UndefinedVariable"
    with pytest.raises(CypherError) as info:
        check(parse("CALL test.echo('a') YIELD * RETURN out"), reg)
    assert info.value.detail == "UnexpectedSyntax"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("MATCH (n) RETURN n", False),
        ("CREATE (n)", True),
        ("MATCH (n) SET n.x = 1", True),
        ("MATCH (n) DETACH DELETE n", True),
        ("MERGE (n:A)", True),
        ("MATCH (n) REMOVE n:A", True),
        ("CALL test.echo('a')", False),
        ("CALL test.write()", True),
        ("MATCH (n) FOREACH (x IN [1] | CREATE (:A))", True),
    ],
)
def test_is_write(query, expected):
    reg = _registry()
    assert is_write(parse(query), lambda name: reg.get(name).mode) is expected
    assert check(parse(query)).updates is (expected and "CALL" not in query)


def test_long_generated_predicates_are_checked_without_deep_recursion():
    query = "MATCH (n) WHERE " + " OR ".join(f"n.id = {i}" for i in range(3000)) + " RETURN n"
    tree = parse(query)
    assert check(tree).columns == ("n",)
    bad = "MATCH (n) WHERE " + " OR ".join(f"n.id = {i}" for i in range(2000)) + " OR 7 RETURN n"
    with pytest.raises(CypherSyntaxError) as info:
        check(parse(bad))
    assert info.value.detail == "InvalidArgumentType"


@pytest.mark.parametrize(
    "query",
    ["RETURN toUpper()", "RETURN toUpper('a', 'b')", "RETURN sum(1, 2)", "RETURN percentileCont(1)"],
)
def test_function_arity_is_checked_at_compile_time(query):
    with pytest.raises(CypherSyntaxError) as info:
        check(parse(query))
    assert info.value.detail == "InvalidNumberOfArguments"
    assert (info.value.line, info.value.column) == (1, 8)
