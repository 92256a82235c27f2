"""More data-driven clause cases: CALL, MERGE paths, SET from entities, error cases."""

from __future__ import annotations

import pytest

from tugraph_bolt import errors

from .helpers import Db, same_rows

GRAPH = (
    "CREATE (a:A {n: 1}), (b:B {n: 2}), (c:C {n: 3}),"
    " (a)-[:R {w: 1}]->(b), (b)-[:R {w: 2}]->(c), (c)-[:S]->(a)",
)

CASES = [
    ("call yield where", GRAPH,
     "CALL db.labels() YIELD label WHERE label <> 'B' RETURN label ORDER BY label",
     [["A"], ["C"]], True),
    ("call in query per row", GRAPH,
     "UNWIND [1, 2] AS i CALL db.labels() YIELD label RETURN i, count(label)",
     [[1, 3], [2, 3]], False),
    ("var length undirected", GRAPH,
     "MATCH (a:A)-[*2]-(x) RETURN x.n", [[3], [2]], False),
    ("var length upper bound only", GRAPH,
     "MATCH (a:A)-[:R*..1]->(x) RETURN x.n", [[2]], False),
    ("optional then count nulls", GRAPH,
     "MATCH (n) OPTIONAL MATCH (n)-[:S]->(m) RETURN count(m), count(*)", [[1, 3]], False),
    ("with distinct order", GRAPH,
     "MATCH (n)-[r]->() WITH DISTINCT type(r) AS t ORDER BY t DESC RETURN t",
     [["S"], ["R"]], True),
    ("set from node", GRAPH,
     "MATCH (a:A), (b:B) SET a = b RETURN a.n", [[2]], False),
    ("set from relationship props", GRAPH,
     "MATCH (a:A)-[r:R]->() SET a += r RETURN a.n, a.w", [[1, 1]], False),
    ("remove missing property", GRAPH,
     "MATCH (a:A) REMOVE a.nothing RETURN a.n", [[1]], False),
    ("delete path", GRAPH,
     "MATCH p = (:A)-[:R]->(:B) DETACH DELETE p WITH 1 AS x MATCH (n) RETURN count(n)",
     [[1]], False),
    ("merge path creates all", (),
     "MERGE (a:X {k: 1})-[:T]->(b:Y {k: 2}) WITH a MATCH (x:X)-[:T]->(y:Y) RETURN x.k, y.k",
     [[1, 2]], False),
    ("merge path matches", GRAPH,
     "MATCH (a:A) MERGE (a)-[r:R]->(b:B) RETURN b.n", [[2]], False),
    ("merge rel with new far node", GRAPH,
     "MATCH (a:A) MERGE (a)-[:NEW]->(z:Z) RETURN labels(z)", [[["Z"]]], False),
    ("unwind nested", (), "UNWIND [[1, 2], [3]] AS l UNWIND l AS x RETURN sum(x)", [[6]], False),
    ("with limit then match", GRAPH,
     "MATCH (n) WITH n ORDER BY n.n LIMIT 1 MATCH (n)-[:R]->(m) RETURN m.n", [[2]], False),
    ("aggregate in order by only", GRAPH,
     "MATCH (n)-[r]->() RETURN type(r) AS t ORDER BY t", [["R"], ["R"], ["S"]], True),
    ("collect distinct", GRAPH,
     "MATCH ()-[r]->() RETURN collect(DISTINCT type(r)) AS ts", [[["R", "S"]]], False),
    ("path functions", GRAPH,
     "MATCH p = (:A)-[:R*2]->(:C) RETURN [r IN relationships(p) | r.w], length(p)",
     [[[1, 2], 2]], False),
    ("exists on property", GRAPH,
     "MATCH (n) WHERE n.n IS NOT NULL AND n:A RETURN n.n", [[1]], False),
    ("triangle", GRAPH,
     "MATCH (a)-->(b)-->(c)-->(a) RETURN count(*)", [[3]], False),
]


@pytest.mark.parametrize("setup,query,expected,ordered", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_clause(setup, query, expected, ordered):
    db = Db().setup(*setup)
    rows = db.run(query)
    assert same_rows(rows, expected, ordered), rows


ERRORS = [
    ("unknown procedure", "CALL no.such.proc()", errors.ProcedureNotFound, "ProcedureNotFound"),
    ("merge null property", "MERGE (n:X {k: null})", errors.CypherSemanticError,
     "MergeReadOwnWrites"),
    ("map property value", "CREATE (n) SET n.m = {a: 1}", errors.CypherTypeError, None),
    ("delete a number", "WITH 1 AS x DELETE x", errors.CypherError, None),
    ("unwind needs alias scope", "RETURN x", errors.CypherSyntaxError, "UndefinedVariable"),
    ("syntax", "MATC (n) RETURN n", errors.CypherSyntaxError, None),
]


@pytest.mark.parametrize("query,exc,detail", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_errors(query, exc, detail):
    db = Db()
    with pytest.raises(exc) as info:
        db.run(query)
    if detail is not None:
        assert info.value.detail == detail


def test_failed_write_leaves_no_effects_committed():
    db = Db().setup(*GRAPH)
    with pytest.raises(errors.ConstraintVerificationFailed):
        db.run("MATCH (a:A) CREATE (:New) DELETE a")
    assert db.run("MATCH (n:New) RETURN count(n)") == [[0]]
