"""Parse and check timings for typical queries (not a test; run by hand):

    .venv/bin/python -m tests.cypher.parser.bench_parse

Prints the best of several rounds, in microseconds per query, so that a busy machine
inflates the numbers as little as possible.
"""

from __future__ import annotations

import time
import timeit

QUERIES = [
    "RETURN 1",
    "MATCH (n:Person {name: $name}) RETURN n",
    "MATCH (a:Person)-[:KNOWS]->(b) WHERE a.age > 30 RETURN b.name AS name ORDER BY name LIMIT 10",
    "CREATE (a:Person {name: $name, age: $age}) RETURN a",
    "MATCH (a)-[r:KNOWS*1..3]->(b) WHERE (a)-->(b) AND a.x IN [1, 2, 3] "
    "WITH a, count(*) AS c RETURN a.name, c",
    "UNWIND $rows AS row MERGE (n:Person {id: row.id}) ON CREATE SET n += row.props",
    "CALL db.bolt.listRaftNodes()",
]


def main() -> None:
    started = time.perf_counter()
    from tugraph_bolt.cypher import parser, semantic

    parser._parser()
    print(
        f"parser start-up: {(time.perf_counter() - started) * 1e3:.0f} ms "
        "(grammar analysis cached by lark after the first run)"
    )
    for query in QUERIES:
        parse_us = min(timeit.repeat(lambda q=query: parser.parse(q), number=50, repeat=7)) / 50
        tree = parser.parse(query)
        check_us = min(timeit.repeat(lambda t=tree: semantic.check(t), number=50, repeat=7)) / 50
        print(f"{parse_us * 1e6:7.0f} us parse {check_us * 1e6:6.0f} us check   {query[:72]}")


if __name__ == "__main__":
    main()
