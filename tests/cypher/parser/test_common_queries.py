"""Everyday queries (the kind drivers and tools send) must parse, check and print back."""

from __future__ import annotations

import pytest

from tugraph_bolt.cypher.parser import parse, to_cypher
from tugraph_bolt.cypher.semantic import check

QUERIES = [
    "MATCH (user)-[:FRIEND]-(friend) WHERE user.name = $name WITH user, count(friend) AS friends WHERE friends > 10 RETURN user",
    "MATCH (n) WHERE EXISTS { MATCH (n)-->(m) WHERE n.age = m.age } RETURN n",
    "UNWIND $names AS name MATCH (n {name: name}) RETURN avg(n.age)",
    "MATCH (a)-[:KNOWS*3..5]->(b) RETURN b",
    "MERGE (n:Person {name: $value}) ON CREATE SET n.created = timestamp() ON MATCH SET n.counter = coalesce(n.counter, 0) + 1, n.accessTime = timestamp()",
    "MATCH (a:Person {name: $value1}), (b:Person {name: $value2}) MERGE (a)-[r:LOVES]->(b)",
    "MATCH path = (a)-[*]->(b) FOREACH (r IN relationships(path) | SET r.marked = true)",
    "WITH ['a', 'b'] AS coll FOREACH (value IN coll | CREATE (:Person {name: value}))",
    "CALL db.labels() YIELD label RETURN label",
    "MATCH (n:Person) WITH n ORDER BY n.name LIMIT 3 RETURN collect(n.name)",
    "MATCH (n) RETURN CASE n.eyes WHEN 'blue' THEN 1 WHEN 'brown' THEN 2 ELSE 3 END",
    "MATCH (n) RETURN n {.name, .age, friends: [(n)-[:FRIEND]->(f) | f.name]}",
    "RETURN [x IN range(0,10) WHERE x % 2 = 0 | x^3] AS result",
    "MATCH p = shortestPath((n1:Person)-[*..6]-(n2:Person)) RETURN p",
    "MATCH (n) SET n:Person:Employee",
    "MATCH (n) WHERE n.name =~ 'Tim.*' RETURN n",
    "MATCH (n) WHERE (n)-[:KNOWS]-({name: 'Tim'}) RETURN n",
    "MATCH (n:Person) WHERE n.name IN ['Alice', 'Bob'] RETURN n",
    "RETURN toInteger('42'), toFloat('3.14')",
    "RETURN date({year: 2020, month: 1, day: 1})",
    "MATCH (n) WHERE n.property IS NULL RETURN n",
    "MATCH (n)-[r]->(m) WHERE type(r) STARTS WITH 'KN' DELETE r",
    "MATCH (n {name: 'Alice'}) DETACH DELETE n",
    "MATCH (n) WITH n, size(keys(n)) AS k WHERE k > 1 RETURN n, k ORDER BY k DESC SKIP 1 LIMIT 5",
    "MATCH (a)-[r]->(b) RETURN a.name, type(r), collect(DISTINCT b.name) AS targets",
    "UNWIND [1, 2, 3] AS x WITH x WHERE x > 1 RETURN sum(x) AS total, avg(x) AS mean, max(x), min(x), stDev(x)",
    "MATCH (n) RETURN labels(n), count(*) ORDER BY count(*) DESC",
    "MATCH (n) RETURN DISTINCT labels(n) AS l",
    "RETURN reduce(total = 0, n IN [1, 2, 3] | total + n) AS s",
    "MATCH (a)-[r:KNOWS]->(b) SET r += {since: 2020}, b.seen = true REMOVE b.temp RETURN b",
    "CREATE (a:A {id: 1})-[:R {w: 0.5}]->(b:B {id: 2}), (b)-[:S]->(a) RETURN a, b",
    "MATCH (a), (b) WHERE id(a) < id(b) AND NOT (a)--(b) RETURN a, b LIMIT 10",
    "RETURN duration.between(date('2020-01-01'), date('2021-01-01')) AS d",
    "RETURN point({x: 1, y: 2}) AS p",
    "MATCH (n) WHERE all(x IN n.list WHERE x > 0) AND any(y IN n.list WHERE y = 1) RETURN n",
    "MATCH (n) RETURN n.name AS name UNION ALL MATCH (m) RETURN m.title AS name",
]


@pytest.mark.parametrize("query", QUERIES)
def test_common_query_compiles_and_round_trips(query):
    tree = parse(query)
    check(tree)
    again = parse(to_cypher(tree))
    check(again)
    assert to_cypher(again) == to_cypher(tree)
