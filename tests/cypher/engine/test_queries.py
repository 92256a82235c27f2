"""Data-driven engine tests: (setup queries, query, params, expected rows, ordered)."""

from __future__ import annotations

import pytest

from .helpers import Db, same_rows

SOCIAL = (
    "CREATE (a:Person {name: 'Ann', age: 30}), (b:Person {name: 'Bob', age: 25}),"
    " (c:Person:Admin {name: 'Cid', age: 35}), (d:City {name: 'Oslo'}),"
    " (a)-[:KNOWS {since: 2001}]->(b), (b)-[:KNOWS {since: 2005}]->(c),"
    " (a)-[:LIVES_IN]->(d), (c)-[:LIVES_IN]->(d)",
)

CASES = [
    # --- MATCH ----------------------------------------------------------------------
    ("label scan", SOCIAL, "MATCH (p:Person) RETURN p.name", {}, [["Ann"], ["Bob"], ["Cid"]], False),
    ("multiple labels", SOCIAL, "MATCH (p:Person:Admin) RETURN p.name", {}, [["Cid"]], False),
    ("property map", SOCIAL, "MATCH (p {name: 'Bob'}) RETURN p.age", {}, [[25]], False),
    ("parameter in map", SOCIAL, "MATCH (p:Person {name: $n}) RETURN p.age", {"n": "Cid"},
     [[35]], False),
    ("directed expand", SOCIAL, "MATCH (a)-[:KNOWS]->(b) RETURN a.name, b.name", {},
     [["Ann", "Bob"], ["Bob", "Cid"]], False),
    ("incoming expand", SOCIAL, "MATCH (a)<-[:KNOWS]-(b) RETURN a.name, b.name", {},
     [["Bob", "Ann"], ["Cid", "Bob"]], False),
    ("undirected expand", SOCIAL, "MATCH (a {name: 'Bob'})-[:KNOWS]-(b) RETURN b.name", {},
     [["Ann"], ["Cid"]], False),
    ("type alternatives", SOCIAL,
     "MATCH (a {name: 'Ann'})-[r:KNOWS|LIVES_IN]->(x) RETURN type(r), x.name", {},
     [["KNOWS", "Bob"], ["LIVES_IN", "Oslo"]], False),
    ("rel property", SOCIAL, "MATCH ()-[r:KNOWS {since: 2005}]->(b) RETURN b.name", {},
     [["Cid"]], False),
    ("anchor in the middle", SOCIAL,
     "MATCH (a)-[:KNOWS]->(b {name: 'Bob'})-[:KNOWS]->(c) RETURN a.name, c.name", {},
     [["Ann", "Cid"]], False),
    ("two parts share a node", SOCIAL,
     "MATCH (a)-[:LIVES_IN]->(c), (b)-[:LIVES_IN]->(c) WHERE a.name < b.name "
     "RETURN a.name, b.name", {}, [["Ann", "Cid"]], False),
    ("relationship uniqueness", ("CREATE (a:A)-[:R]->(b:B)",),
     "MATCH (x)-[r1]-(y)-[r2]-(z) RETURN count(*)", {}, [[0]], False),
    ("var length", SOCIAL, "MATCH (a {name: 'Ann'})-[:KNOWS*]->(x) RETURN x.name", {},
     [["Bob"], ["Cid"]], False),
    ("var length exact", SOCIAL, "MATCH (a {name: 'Ann'})-[:KNOWS*2]->(x) RETURN x.name", {},
     [["Cid"]], False),
    ("var length zero", SOCIAL,
     "MATCH (a {name: 'Ann'})-[:KNOWS*0..1]->(x) RETURN x.name", {},
     [["Ann"], ["Bob"]], False),
    ("var length list", SOCIAL,
     "MATCH (a {name: 'Ann'})-[rs:KNOWS*1..2]->(x) RETURN size(rs), x.name", {},
     [[1, "Bob"], [2, "Cid"]], False),
    ("var length props", SOCIAL,
     "MATCH (a {name: 'Ann'})-[:KNOWS* {since: 2001}]->(x) RETURN x.name", {},
     [["Bob"]], False),
    ("named path", SOCIAL,
     "MATCH p = (a {name: 'Ann'})-[:KNOWS*2]->(x) RETURN length(p), size(nodes(p))", {},
     [[2, 3]], False),
    ("named path backwards", SOCIAL,
     "MATCH p = (a)<-[:KNOWS]-(b {name: 'Ann'}) RETURN [n IN nodes(p) | n.name]", {},
     [[["Bob", "Ann"]]], False),
    ("optional match", SOCIAL,
     "MATCH (p:Person) OPTIONAL MATCH (p)-[:LIVES_IN]->(c) RETURN p.name, c.name", {},
     [["Ann", "Oslo"], ["Bob", None], ["Cid", "Oslo"]], False),
    ("optional match where", SOCIAL,
     "MATCH (p:Person) OPTIONAL MATCH (p)-[:KNOWS]->(q) WHERE q.age > 30 "
     "RETURN p.name, q.name", {}, [["Ann", None], ["Bob", "Cid"], ["Cid", None]], False),
    ("self loop undirected", ("CREATE (a:L)-[:R]->(a)",), "MATCH (a)-[r]-(b) RETURN count(*)",
     {}, [[1]], False),
    ("pattern predicate", SOCIAL,
     "MATCH (p:Person) WHERE (p)-[:LIVES_IN]->() RETURN p.name", {}, [["Ann"], ["Cid"]], False),
    ("negated pattern predicate", SOCIAL,
     "MATCH (p:Person) WHERE NOT (p)-[:LIVES_IN]->() RETURN p.name", {}, [["Bob"]], False),
    ("exists subquery", SOCIAL,
     "MATCH (p:Person) WHERE EXISTS { (p)-[:KNOWS]->(q) WHERE q.age > 30 } RETURN p.name", {},
     [["Bob"]], False),
    ("label predicate", SOCIAL, "MATCH (p) WHERE p:Admin RETURN p.name", {}, [["Cid"]], False),
    # --- RETURN / WITH --------------------------------------------------------------
    ("order by desc", SOCIAL, "MATCH (p:Person) RETURN p.name ORDER BY p.age DESC", {},
     [["Cid"], ["Ann"], ["Bob"]], True),
    ("order by alias", SOCIAL, "MATCH (p:Person) RETURN p.age AS a ORDER BY a", {},
     [[25], [30], [35]], True),
    ("order by hidden var", SOCIAL, "MATCH (p:Person) RETURN p.name ORDER BY p.age", {},
     [["Bob"], ["Ann"], ["Cid"]], True),
    ("skip limit", SOCIAL, "MATCH (p:Person) RETURN p.name ORDER BY p.name SKIP 1 LIMIT 1", {},
     [["Bob"]], True),
    ("limit expression", SOCIAL,
     "MATCH (p:Person) RETURN p.name ORDER BY p.name LIMIT $n + 1", {"n": 1},
     [["Ann"], ["Bob"]], True),
    ("distinct", SOCIAL, "MATCH (p)-[:LIVES_IN]->(c) RETURN DISTINCT c.name", {}, [["Oslo"]],
     False),
    ("count star empty", (), "MATCH (n) RETURN count(*)", {}, [[0]], False),
    ("grouping", SOCIAL,
     "MATCH (p)-[:LIVES_IN]->(c) RETURN c.name, count(p), collect(p.name)", {},
     [["Oslo", 2, ["Ann", "Cid"]]], False),
    ("aggregate expression", SOCIAL, "MATCH (p:Person) RETURN sum(p.age) * 2 AS s", {},
     [[180]], False),
    ("order by aggregate", SOCIAL,
     "MATCH (p:Person) OPTIONAL MATCH (p)-[:KNOWS]-(q) "
     "RETURN p.name, count(q) ORDER BY count(q) DESC, p.name LIMIT 2", {},
     [["Bob", 2], ["Ann", 1]], True),
    ("count distinct", SOCIAL,
     "MATCH (p:Person)-[:LIVES_IN]->(c) RETURN count(DISTINCT c)", {}, [[1]], False),
    ("with where", SOCIAL,
     "MATCH (p:Person) WITH p.name AS n, p.age AS a WHERE a > 26 RETURN n", {},
     [["Ann"], ["Cid"]], False),
    ("with aggregate then match", SOCIAL,
     "MATCH (c:City)<-[:LIVES_IN]-(p) WITH c, count(p) AS n MATCH (c) RETURN c.name, n", {},
     [["Oslo", 2]], False),
    ("return star", ("CREATE (:A {v: 1})",), "MATCH (a) WITH a.v AS v, 2 AS w RETURN *", {},
     [[1, 2]], False),
    ("unwind", (), "UNWIND [1, 2, null, 3] AS x RETURN x", {}, [[1], [2], [None], [3]], True),
    ("unwind null", (), "UNWIND null AS x RETURN x", {}, [], False),
    ("union", (), "RETURN 1 AS x UNION RETURN 1 AS x", {}, [[1]], False),
    ("union all", (), "RETURN 1 AS x UNION ALL RETURN 1 AS x", {}, [[1], [1]], False),
    # --- expressions ----------------------------------------------------------------
    ("list comprehension", (), "RETURN [x IN range(1, 5) WHERE x % 2 = 1 | x * 10] AS l", {},
     [[[10, 30, 50]]], False),
    ("pattern comprehension", SOCIAL,
     "MATCH (a {name: 'Ann'}) RETURN [(a)-[:KNOWS]->(b) | b.name] AS l", {}, [[["Bob"]]], False),
    ("quantifiers", (),
     "RETURN any(x IN [1, 2] WHERE x > 1), all(x IN [1, 2] WHERE x > 1), "
     "none(x IN [1, 2] WHERE x > 5), single(x IN [1, 2] WHERE x = 2)", {},
     [[True, False, True, True]], False),
    ("reduce", (), "RETURN reduce(s = 0, x IN [1, 2, 3] | s + x) AS s", {}, [[6]], False),
    ("case", (), "RETURN CASE 2 WHEN 1 THEN 'a' WHEN 2 THEN 'b' ELSE 'c' END, "
     "CASE WHEN false THEN 1 END", {}, [["b", None]], False),
    ("map projection", SOCIAL,
     "MATCH (p {name: 'Bob'}) RETURN p {.name, .age, x: 1} AS m", {},
     [[{"name": "Bob", "age": 25, "x": 1}]], False),
    ("index and slice", (), "RETURN [1, 2, 3][-1], [1, 2, 3][1..], {a: 1}['a']", {},
     [[3, [2, 3], 1]], False),
    ("null property", SOCIAL, "MATCH (p {name: 'Ann'}) RETURN p.missing", {}, [[None]], False),
    ("where seek", SOCIAL, "MATCH (p:Person) WHERE p.name = $n RETURN p.age", {"n": "Bob"},
     [[25]], False),
    # --- writes ---------------------------------------------------------------------
    ("create return", (), "CREATE (a:X {v: 1})-[r:T {w: 2}]->(b:Y) RETURN a.v, r.w, labels(b)",
     {}, [[1, 2, ["Y"]]], False),
    ("create then match", (),
     "CREATE (:X), (:X) WITH 1 AS one MATCH (x:X) RETURN count(x)", {}, [[2]], False),
    ("create path", (), "CREATE p = (:A)-[:R]->(:B) RETURN length(p)", {}, [[1]], False),
    ("set property", SOCIAL,
     "MATCH (p {name: 'Ann'}) SET p.age = p.age + 1 RETURN p.age", {}, [[31]], False),
    ("set map replace", SOCIAL,
     "MATCH (p {name: 'Ann'}) SET p = {name: 'Ann2'} RETURN p.name, p.age", {},
     [["Ann2", None]], False),
    ("set map merge", SOCIAL,
     "MATCH (p {name: 'Ann'}) SET p += {age: null, x: 1} RETURN p.age, p.x", {},
     [[None, 1]], False),
    ("set label", SOCIAL, "MATCH (p {name: 'Bob'}) SET p:Admin RETURN labels(p)", {},
     [[["Person", "Admin"]]], False),
    ("remove", SOCIAL,
     "MATCH (p {name: 'Cid'}) REMOVE p:Admin, p.age RETURN labels(p), p.age", {},
     [[["Person"], None]], False),
    ("detach delete", SOCIAL,
     "MATCH (p {name: 'Bob'}) DETACH DELETE p WITH 1 AS x MATCH (n) RETURN count(n)", {},
     [[3]], False),
    ("delete rel and node", ("CREATE (:A)-[:R]->(:B)",),
     "MATCH (a:A)-[r]->(b) DELETE r, a, b RETURN 1", {}, [[1]], False),
    ("merge creates once", (), "UNWIND [1, 1, 2] AS i MERGE (n:M {i: i}) RETURN count(*)", {},
     [[3]], False),
    ("merge on create/on match", ("CREATE (:M {i: 1})",),
     "UNWIND [1, 2] AS i MERGE (n:M {i: i}) ON CREATE SET n.new = true "
     "ON MATCH SET n.new = false RETURN i, n.new", {}, [[1, False], [2, True]], False),
    ("merge relationship bound ends", ("CREATE (:A {i: 1}), (:B {i: 2})",),
     "MATCH (a:A), (b:B) MERGE (a)-[r:R]->(b) WITH a, b MATCH (a)-[r:R]->(b) "
     "RETURN count(r)", {}, [[1]], False),
    ("foreach", (), "FOREACH (i IN [1, 2] | CREATE (:F {i: i})) WITH 1 AS x "
     "MATCH (f:F) RETURN sum(f.i)", {}, [[3]], False),
]


@pytest.mark.parametrize(
    "setup,query,params,expected,ordered",
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_query(setup, query, params, expected, ordered):
    db = Db().setup(*setup)
    rows = db.run(query, params)
    assert same_rows(rows, expected, ordered), rows


def test_columns_are_projection_text():
    db = Db()
    db.run("RETURN 1 + 1, 2 AS two")
    assert db.last_columns == ["1 + 1", "two"]


def test_write_stats_and_effects_visible_later():
    db = Db()
    db.run("CREATE (:P {x: 1})-[:R]->(:P)")
    assert db.last_stats.get("nodes-created") == 2
    assert db.run("MATCH (p:P) RETURN count(p)") == [[2]]


SHORTEST_GRAPH = (
    "CREATE (a:N {n: 'a'}), (b:N {n: 'b'}), (c:N {n: 'c'}), (d:N {n: 'd'}), (e:N {n: 'e'}),"
    " (a)-[:R]->(b), (b)-[:R]->(d), (a)-[:R]->(c), (c)-[:R]->(d), (d)-[:R]->(e), (a)-[:R]->(e)"
)


def test_shortest_path():
    db = Db().setup(SHORTEST_GRAPH)
    rows = db.run("MATCH (a {n: 'a'}), (d {n: 'd'}) MATCH p = shortestPath((a)-[*]->(d)) "
                  "RETURN length(p)")
    assert rows == [[2]]
    rows = db.run("MATCH (a {n: 'a'}), (d {n: 'd'}) MATCH p = allShortestPaths((a)-[*]->(d)) "
                  "RETURN [x IN nodes(p) | x.n] ORDER BY [x IN nodes(p) | x.n]")
    assert rows == [[["a", "b", "d"]], [["a", "c", "d"]]]
    rows = db.run("MATCH (a {n: 'a'}), (e {n: 'e'}) MATCH p = shortestPath((a)-[*]-(e)) "
                  "RETURN length(p)")
    assert rows == [[1]]
    assert db.run("MATCH (e {n: 'e'}), (a {n: 'a'}) "
                  "MATCH p = shortestPath((e)-[*..5]->(a)) RETURN p") == []
