"""Plan choice (index seek vs label scan), laziness, parameters, errors."""

from __future__ import annotations

import pytest

from tugraph_bolt import errors
from tugraph_bolt.cypher.engine import CypherEngine, QueryContext

from .helpers import Db


class CountingTx:
    """A read-through proxy that counts the node records a query touched."""

    def __init__(self, tx):
        self._tx = tx
        self.node_reads = 0

    def node(self, node_id):
        self.node_reads += 1
        return self._tx.node(node_id)

    def __getattr__(self, name):
        return getattr(self._tx, name)


def people(n: int, index: bool) -> Db:
    db = Db()
    if index:
        tx = db.store.begin()
        tx.add_index("vertex", "Person", "id", True)
        db.store.submit(tx.command()).raise_for_error()
    db.run("UNWIND range(0, $n - 1) AS i CREATE (:Person {id: i, name: 'p' + i})", {"n": n})
    return db


def test_index_seek_chosen_when_index_exists():
    db = people(50, index=True)
    plan = db.engine.compile("MATCH (p:Person {id: $id}) RETURN p.name").plan_text(
        db.store.begin(), {"id": 3}
    )
    assert plan[0] == "NodeIndexSeek(Person.id)"
    assert db.run("MATCH (p:Person {id: $id}) RETURN p.name", {"id": 3}) == [["p3"]]


def test_where_equality_uses_index():
    db = people(50, index=True)
    q = "MATCH (p:Person) WHERE p.id = $id RETURN p.name"
    assert db.engine.compile(q).plan_text(db.store.begin(), {"id": 7})[0].startswith(
        "NodeIndexSeek"
    )
    assert db.run(q, {"id": 7}) == [["p7"]]


def test_label_scan_without_index():
    db = people(20, index=False)
    plan = db.engine.compile("MATCH (p:Person {id: $id}) RETURN p.name").plan_text(
        db.store.begin(), {"id": 3}
    )
    assert plan[0] == "NodeByLabelScan(Person)"
    assert db.run("MATCH (p:Person {id: $id}) RETURN p.name", {"id": 3}) == [["p3"]]


def test_index_seek_reads_few_records():
    db = people(500, index=True)
    tx = CountingTx(db.store.begin())
    rows = list(db.engine.run("MATCH (p:Person {id: 42}) RETURN p.name", {}, tx).records)
    assert rows == [["p42"]]
    assert tx.node_reads <= 3


def test_limit_is_lazy_over_a_large_scan():
    db = people(2000, index=False)
    tx = CountingTx(db.store.begin())
    result = db.engine.run("MATCH (p:Person) RETURN p.id LIMIT 1", {}, tx)
    assert len(list(result.records)) == 1
    assert tx.node_reads <= 3  # a few, not 2000


def test_records_stream_on_demand():
    db = people(1000, index=False)
    tx = CountingTx(db.store.begin())
    result = db.engine.run("MATCH (p:Person) RETURN p.id", {}, tx)
    it = iter(result.records)
    next(it), next(it)
    assert tx.node_reads <= 4


def test_missing_parameter():
    db = Db()
    with pytest.raises(errors.ParameterMissing):
        db.run("RETURN $nope")


def test_compile_cache_and_flags():
    engine = CypherEngine()
    a = engine.compile("MATCH (n) RETURN n")
    assert engine.compile("MATCH (n) RETURN n") is a
    assert not a.is_write and a.columns == ["n"]
    assert engine.compile("CREATE (n)").is_write


def test_explain_returns_plan_and_no_rows():
    db = people(5, index=False)
    tx = db.store.begin()
    result = db.engine.run("EXPLAIN MATCH (p:Person) RETURN p", {}, tx, QueryContext(params={}))
    assert list(result.records) == []
    assert result.plan[0] == "NodeByLabelScan(Person)"


ERRORS = [
    ("delete connected node", ("CREATE (:A)-[:R]->(:B)",), "MATCH (a:A) DELETE a",
     errors.ConstraintVerificationFailed, "DeleteConnectedNode"),
    ("deleted entity access", ("CREATE (:A {x: 1})",), "MATCH (a:A) DELETE a RETURN a.x",
     errors.EntityNotFound, "DeletedEntityAccess"),
    ("negative limit", (), "UNWIND [1] AS x RETURN x LIMIT $l",
     errors.CypherSyntaxError, "NegativeIntegerArgument"),
    ("property of a number", (), "WITH 1 AS x RETURN x.prop", errors.CypherTypeError, None),
    ("integer overflow", (), "RETURN 9223372036854775807 + 1",
     errors.CypherArithmeticError, None),
]


@pytest.mark.parametrize("setup,query,exc,detail", [e[1:] for e in ERRORS],
                         ids=[e[0] for e in ERRORS])
def test_runtime_errors(setup, query, exc, detail):
    db = Db().setup(*setup)
    with pytest.raises(exc) as info:
        db.run(query, {"l": -1})
    if detail is not None:
        assert info.value.detail == detail


DEGREE_GRAPH = (
    "CREATE (a:P {id: 1}), (b:P {id: 2}), (c:P {id: 3}), (d:Q {id: 4}),"
    " (a)-[:K]->(b), (a)-[:K]->(c), (b)-[:K]->(a), (c)-[:L]->(a), (a)-[:K]->(a),"
    " (d)-[:K]->(a)"
)


@pytest.mark.parametrize("pattern", [
    "(p:P)-[:K]->(q)", "(p:P)<-[:K]-(q)", "(p:P)-[:K]-(q)", "(p:P)-[:K|L]-(q)",
    "(p:P)-->(q)", "(q)-[:K]->(p:P)",
])
def test_degree_rewrite_matches_expansion(pattern):
    db = Db().setup(DEGREE_GRAPH)
    fast = f"MATCH {pattern} RETURN p.id, count(q) ORDER BY p.id"
    slow = f"MATCH {pattern.replace('[', '[r').replace('-->', '-[r]->')} " \
           "RETURN p.id, count(r) ORDER BY p.id"
    assert "GetDegree" in db.engine.compile(fast).plan_text()
    assert "GetDegree" not in db.engine.compile(slow).plan_text()
    assert db.run(fast) == db.run(slow)


def test_degree_rewrite_not_used_when_far_node_is_read():
    db = Db().setup(DEGREE_GRAPH)
    q = "MATCH (p:P)-[:K]->(q) RETURN p.id, count(q), collect(q.id)"
    assert "GetDegree" not in db.engine.compile(q).plan_text()


def test_statement_stats_are_per_statement():
    db = Db()
    tx = db.store.begin()
    db.engine.run("CREATE (:A)", {}, tx)
    second = db.engine.run("CREATE (:B)-[:R]->(:C)", {}, tx)
    assert second.stats["nodes-created"] == 2
    assert second.stats["relationships-created"] == 1
    assert second.query_type == "w"
    assert db.engine.run("MATCH (n) RETURN n", {}, tx).query_type == "r"


def test_in_list_uses_index():
    db = people(50, index=True)
    q = "MATCH (p:Person) WHERE p.id IN $ids RETURN p.name ORDER BY p.name"
    assert db.engine.compile(q).plan_text(db.store.begin(), {"ids": [3, 4]})[0].startswith(
        "NodeIndexSeek"
    )
    assert db.run(q, {"ids": [4, 3, None, 99]}) == [["p3"], ["p4"]]
    tx = CountingTx(db.store.begin())
    list(db.engine.run(q, {"ids": [1, 2]}, tx).records)
    assert tx.node_reads <= 4


def test_inline_map_reading_a_pattern_variable_is_not_a_seek_key():
    db = people(5, index=True)
    db.run("MATCH (a:Person {id: 1}), (b:Person {id: 2}) CREATE (a)-[:R]->(b)")
    q = "MATCH (a:Person {id: 1})-[:R]->(b:Person {id: a.id + 1}) RETURN b.name"
    assert db.run(q) == [["p2"]]
    q = "MATCH (b:Person {id: a.id + 1})<-[:R]-(a:Person {id: 1}) RETURN b.name"
    assert db.run(q) == [["p2"]]


def test_id_seek():
    db = people(30, index=False)
    nid = db.run("MATCH (p:Person {id: 7}) RETURN id(p)")[0][0]
    q = "MATCH (p) WHERE id(p) = $i RETURN p.name"
    assert db.engine.compile(q).plan_text()[0] == "NodeByIdSeek"
    tx = CountingTx(db.store.begin())
    assert list(db.engine.run(q, {"i": nid}, tx).records) == [["p7"]]
    assert tx.node_reads <= 2
    assert db.run("MATCH (p:Person) WHERE id(p) IN $ids RETURN p.id", {"ids": [nid, -5]}) == [[7]]
    assert db.run("MATCH (p:City) WHERE id(p) = $i RETURN p", {"i": nid}) == []
    assert db.run("MATCH (p) WHERE elementId(p) = $e RETURN p.id", {"e": str(nid)}) == [[7]]


def test_where_conjuncts_filter_before_expanding():
    db = people(200, index=False)
    db.run("CREATE (:Hub)")
    db.run("MATCH (p:Person), (h:Hub) CREATE (p)-[:R]->(h)")
    tx = CountingTx(db.store.begin())
    q = "MATCH (a:Person)-[:R]->(b:Hub) WHERE a.id < 2 AND b:Hub RETURN a.id ORDER BY a.id"
    assert list(db.engine.run(q, {}, tx).records) == [[0], [1]]
    assert tx.node_reads < 220  # the scan, plus the hub only for the two rows that pass


def test_compiled_queries_are_shared_safely_between_threads():
    import threading

    db = people(300, index=True)
    queries = [
        ("MATCH (p:Person {id: $id}) RETURN p.name", lambda i: [[f"p{i}"]]),
        ("MATCH (p:Person) WHERE p.id < $id RETURN count(p)", lambda i: [[i]]),
    ]
    failures = []

    def worker(seed: int):
        tx = db.store.begin()
        for n in range(200):
            i = (seed * 31 + n) % 300
            for q, expect in queries:
                got = list(db.engine.run(q, {"id": i}, tx).records)
                if got != expect(i):
                    failures.append((q, i, got))

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert failures == []


def test_relationship_index_seek():
    db = people(100, index=False)
    db.run("MATCH (a:Person), (b:Person) WHERE b.id = a.id + 1 "
           "CREATE (a)-[:PAYS {tx: a.id * 10}]->(b)")
    tx = db.store.begin()
    tx.add_index("edge", "PAYS", "tx", False)
    db.store.submit(tx.command()).raise_for_error()
    for q, expect in [
        ("MATCH (a)-[:PAYS {tx: $t}]->(b) RETURN a.id, b.id", [[42, 43]]),
        ("MATCH (b)<-[:PAYS {tx: $t}]-(a) RETURN a.id, b.id", [[42, 43]]),
        ("MATCH (a)-[:PAYS {tx: $t}]-(b) RETURN a.id, b.id ORDER BY a.id", [[42, 43], [43, 42]]),
    ]:
        plan = db.engine.compile(q).plan_text(db.store.begin(), {"t": 420})
        assert plan[0] == "RelationshipIndexSeek(PAYS.tx)", (q, plan)
        counting = CountingTx(db.store.begin())
        assert list(db.engine.run(q, {"t": 420}, counting).records) == expect, q
        assert counting.node_reads <= 6


@pytest.mark.parametrize("query,expected", [
    ("MATCH (n:Person) RETURN count(n)", [[20]]),
    ("MATCH (n) RETURN count(*) AS c", [[21]]),
    ("MATCH (n:Nope) RETURN count(n)", [[0]]),
    ("UNWIND [1, 2] AS i MATCH (n:Person) RETURN i, count(n) ORDER BY i", [[1, 20], [2, 20]]),
    ("MATCH (n:City) WITH count(n) AS c RETURN c + 1", [[2]]),
])
def test_node_count_from_count_store(query, expected):
    db = people(20, index=False)
    db.run("CREATE (:City)")
    assert db.run(query) == expected
    assert any(op.startswith("NodeCountFromCountStore") for op in
               db.engine.compile(query).plan_text())


@pytest.mark.parametrize("query,expected", [
    ("MATCH ()-[r:R]->() RETURN count(r)", [[2]]),
    ("MATCH ()<-[r]-() RETURN count(r) AS c", [[3]]),
    ("MATCH ()-[r:NONE]->() RETURN count(r)", [[0]]),
])
def test_relationship_count_from_count_store(query, expected):
    db = Db().setup("CREATE (a)-[:R]->(b), (b)-[:R]->(a), (a)-[:S]->(a)")
    assert db.run(query) == expected
    assert db.engine.compile(query).plan_text()[0].startswith("RelationshipCountFromCountStore")
