"""One `tugraph-bolt serve` process (no Raft) driven by the official neo4j driver."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
import threading

import neo4j
import pytest
from neo4j import GraphDatabase, exceptions
from neo4j.spatial import CartesianPoint
from neo4j.time import Date, DateTime, Duration, Time

from tests.conftest import ROOT
from tugraph_bolt.devcluster import NodeProcess, free_ports

from .conftest import AUTH, driver_for


def test_seed_client_example_against_one_node(single_node):
    with driver_for(single_node.address) as d:
        s = d.session(database="default")
        s.run("CALL db.dropDB()")
        s.run("CALL db.createVertexLabel('person', 'id' , 'id', 'INT32', false, 'count', 'INT64', false)")
        s.run("create (n1:person {id:1, count:0})")
        rec = s.run("MATCH (n:person) RETURN n").single()
        s.close()
    assert rec["n"]["id"] == 1 and rec["n"]["count"] == 0
    assert set(rec["n"].labels) == {"person"}


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_values_round_trip_as_parameters_and_results(single_node, scheme):
    values = {
        "null": None, "t": True, "f": False, "small": 1, "big": 2**62, "neg": -(2**63),
        "float": 1.5, "string": "héllo 图", "bytes": b"\x00\x01\xff", "list": [1, "a", None],
        "map": {"a": 1, "b": [True]},
        "date": Date(2024, 2, 29),
        "localtime": Time(23, 59, 59, 999999999), "datetime": DateTime(2020, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC),
        "localdatetime": DateTime(1999, 12, 31, 23, 59, 59), "duration": Duration(months=14, days=3, seconds=5, nanoseconds=7),
        "point": CartesianPoint((1.0, 2.0)),
    }
    host, port = single_node.address
    with GraphDatabase.driver(f"{scheme}://{host}:{port}", auth=AUTH) as d:
        rec = d.execute_query("RETURN $v AS v", {"v": values}, database_="default").records[0]
    back = rec["v"]
    for key, value in values.items():
        assert back[key] == value, key
    # the driver cannot send a Time with a fixed offset (its tzinfo handling), so only receive
    with GraphDatabase.driver(f"{scheme}://{host}:{port}", auth=AUTH) as d:
        t = d.execute_query("RETURN time('12:30:01.000000005+02:00') AS t",
                            database_="default").records[0]["t"]
    assert (t.hour, t.minute, t.second, t.nanosecond) == (12, 30, 1, 5)
    assert t.utc_offset() == dt.timedelta(hours=2)


def test_graph_values_come_back_as_nodes_relationships_and_paths(single_node):
    with driver_for(single_node.address) as d:
        d.execute_query("CREATE (:A {x: 1})-[:R {w: 2}]->(:B)", database_="default")
        rec = d.execute_query("MATCH p = (a:A)-[r:R]->(b) RETURN a, r, b, p",
                              database_="default").records[0]
    assert isinstance(rec["a"], neo4j.graph.Node) and rec["a"]["x"] == 1
    assert isinstance(rec["r"], neo4j.graph.Relationship) and rec["r"].type == "R"
    assert rec["r"].start_node.element_id == rec["a"].element_id
    assert isinstance(rec["p"], neo4j.graph.Path) and len(rec["p"]) == 1


def test_large_result_pulled_in_batches(single_node):
    with driver_for(single_node.address) as d, d.session(database="default", fetch_size=1000) as s:
        total = count = 0
        for rec in s.run("UNWIND range(1, 100000) AS i RETURN i"):
            total += rec["i"]
            count += 1
    assert count == 100000 and total == 100000 * 100001 // 2


def test_explicit_transactions_commit_and_rollback(single_node):
    with driver_for(single_node.address) as d, d.session(database="default") as s:
        tx = s.begin_transaction()
        tx.run("CREATE (:T {v: 1})")
        assert tx.run("MATCH (t:T) RETURN count(t) AS c").single()["c"] == 1  # own writes
        tx.rollback()
        assert s.run("MATCH (t:T) RETURN count(t) AS c").single()["c"] == 0
        with s.begin_transaction() as tx:
            tx.run("CREATE (:T {v: 2})")
            tx.commit()
        assert s.run("MATCH (t:T) RETURN t.v AS v").single()["v"] == 2
        assert s.last_bookmarks()


def test_execute_write_retries_a_conflict(single_node):
    with driver_for(single_node.address) as d:
        d.execute_query("CREATE (:Counter {n: 0})", database_="default")
        attempts = []
        gate = threading.Event()

        def bump(tx):
            attempts.append(1)
            n = tx.run("MATCH (c:Counter) RETURN c.n AS n").single()["n"]
            if len(attempts) == 1:
                # a concurrent writer commits between our read and our write
                d.execute_query("MATCH (c:Counter) SET c.n = c.n + 100", database_="default")
                gate.set()
            tx.run("MATCH (c:Counter) SET c.n = $n", n=n + 1)

        with d.session(database="default") as s:
            s.execute_write(bump)
        n = d.execute_query("MATCH (c:Counter) RETURN c.n AS n", database_="default").records[0]["n"]
    assert gate.is_set() and len(attempts) == 2
    assert n == 101  # the retry saw the concurrent +100, nothing was lost


@pytest.mark.parametrize(
    "query, exc, code",
    [
        ("RETUN 1", exceptions.CypherSyntaxError, "Neo.ClientError.Statement.SyntaxError"),
        ("CALL db.noSuchProcedure()", exceptions.ClientError, "Neo.ClientError.Procedure.ProcedureNotFound"),
        ("RETURN $missing", exceptions.ClientError, "Neo.ClientError.Statement.ParameterMissing"),
    ],
)
def test_errors_reach_the_driver_with_the_right_class(single_node, query, exc, code):
    with driver_for(single_node.address) as d, pytest.raises(exc) as e:
        d.execute_query(query, database_="default")
    assert e.value.code == code


def test_constraint_violation(single_node):
    with driver_for(single_node.address) as d:
        d.execute_query("CALL db.createVertexLabel('p', 'id', 'id', 'INT32', false)", database_="default")
        d.execute_query("CREATE (:p {id: 1})", database_="default")
        with pytest.raises(exceptions.ConstraintError):
            d.execute_query("CREATE (:p {id: 1})", database_="default")
        with pytest.raises(exceptions.ClientError):
            d.execute_query("CREATE (:p {id: 300000000000})", database_="default")  # INT32 range
        assert d.execute_query("MATCH (n:p) RETURN count(n) AS c",
                               database_="default").records[0]["c"] == 1


def test_wrong_password_and_unknown_database(single_node):
    host, port = single_node.address
    with GraphDatabase.driver(f"bolt://{host}:{port}", auth=("admin", "nope")) as d, \
            pytest.raises(exceptions.AuthError):
        d.verify_connectivity()
    with driver_for(single_node.address) as d, pytest.raises(exceptions.ClientError) as e:
        d.execute_query("RETURN 1", database_="nosuchgraph")
    assert e.value.code == "Neo.ClientError.Database.DatabaseNotFound"


def test_change_password(single_node):
    host, port = single_node.address
    with driver_for(single_node.address) as d:
        d.execute_query("CALL dbms.security.changePassword('73@TuGraph', 'n3w-secret')",
                        database_="default")
    with GraphDatabase.driver(f"bolt://{host}:{port}", auth=("admin", "n3w-secret")) as d:
        d.verify_connectivity()
    with GraphDatabase.driver(f"bolt://{host}:{port}", auth=AUTH) as d, \
            pytest.raises(exceptions.AuthError):
        d.verify_connectivity()


def test_fifty_concurrent_sessions(single_node):
    errors = []

    def worker(i):
        try:
            with d.session(database="default") as s:
                for j in range(5):
                    s.run("CREATE (:W {i: $i, j: $j})", i=i, j=j).consume()
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    with driver_for(single_node.address, max_connection_pool_size=60) as d:
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors
        c = d.execute_query("MATCH (w:W) RETURN count(w) AS c", database_="default").records[0]["c"]
    assert c == 250


def test_clean_shutdown_on_sigterm(tmp_path):
    bolt, http = free_ports(2)
    cfg = tmp_path / "n.json"
    cfg.write_text(json.dumps({"host": "127.0.0.1", "bolt_port": bolt, "port": http}))
    node = NodeProcess(0, cfg, tmp_path, bolt, 0)
    node.start()
    node.wait_bolt(30)
    node.proc.send_signal(signal.SIGTERM)
    assert node.proc.wait(20) == 0
    assert "stopped" in node.output_tail()


def test_second_process_on_the_same_data_directory_is_refused(single_node, tmp_path):
    other_bolt, other_http = free_ports(2)
    cfg = json.loads(single_node.config_path.read_text())
    cfg.update(bolt_port=other_bolt, port=other_http, directory=str(tmp_path / "data" / "bolt" f"{cfg['bolt_port']}"))
    # the running node's default directory is data/bolt<port> under its working dir
    cfg["directory"] = str(single_node.workdir / "data" / f"bolt{single_node.bolt_port}")
    path = tmp_path / "second.json"
    path.write_text(json.dumps(cfg))
    proc = subprocess.run([sys.executable, "-m", "tugraph_bolt.cli", "serve", "-c", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3
    assert "is in use by pid" in proc.stderr


def test_bad_config_is_refused_naming_the_key(tmp_path):
    cfg = tmp_path / "bad.json"
    cfg.write_text(json.dumps({"bolt_port": 99999}))
    proc = subprocess.run([sys.executable, "-m", "tugraph_bolt.cli", "serve", "-c", str(cfg)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "config key 'bolt_port'" in proc.stderr


@pytest.mark.parametrize("how", ["stop", "kill"])
def test_a_single_node_keeps_its_data_across_restarts(single_node, how):
    with driver_for(single_node.address) as d:
        d.execute_query("UNWIND range(1, 25) AS i CREATE (:Kept {i: i})", database_="default")
    single_node.stop() if how == "stop" else single_node.kill()
    single_node.start()
    single_node.wait_bolt(30)
    with driver_for(single_node.address) as d:
        rec = d.execute_query("MATCH (k:Kept) RETURN count(k) AS c, sum(k.i) AS s",
                              database_="default").records[0]
    assert (rec["c"], rec["s"]) == (25, 325)


def test_explain_plan_and_per_statement_counters(single_node):
    with driver_for(single_node.address) as d:
        summary = d.execute_query("EXPLAIN MATCH (n:Person {id: 1}) RETURN n",
                                  database_="default").summary
        assert summary.plan is not None and summary.plan["operatorType"]
        with d.session(database="default") as s, s.begin_transaction() as tx:
            first = tx.run("CREATE (:C), (:C)").consume()
            second = tx.run("CREATE (:C)").consume()
            tx.commit()
    assert first.counters.nodes_created == 2
    assert second.counters.nodes_created == 1  # this statement's, not the transaction's
