"""Three (or more) real nodes replicated by Raft, driven by the official neo4j driver."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import time

import neo4j
import pytest
from neo4j import GraphDatabase, exceptions

from tests.conftest import ROOT
from tugraph_bolt.devcluster import LocalCluster, port_open, wait_until

from .conftest import AUTH, digest, driver_for, leader_of, wait_equal_digests

SEED_PORTS = (7687, 7688, 7689, 8000, 8001, 8002)


def count(node, label="W") -> int:
    with driver_for(node.address) as d:
        return d.execute_query(f"MATCH (n:{label}) RETURN count(n) AS c",
                               database_="default").records[0]["c"]


def resolver_for(cluster):
    addrs = cluster.addresses()

    def resolve(address):
        if address == ("mycluster.com", 9999):
            return addrs
        return [address]

    return resolve


def test_seed_example_unchanged_on_the_seed_configs(tmp_path):
    if any(port_open("127.0.0.1", p) for p in SEED_PORTS):
        pytest.skip("the seed's ports 7687-7689 / 8000-8002 are in use on this machine")
    paths = []
    for i in (1, 2, 3):
        dst = tmp_path / f"node{i}.json"
        shutil.copyfile(ROOT / "examples" / "cluster" / f"node{i}.json", dst)
        paths.append(dst)
    with LocalCluster.from_configs(tmp_path, paths) as c:
        leader_of(c, 60)
        proc = subprocess.run([sys.executable, str(ROOT / "examples" / "client_resolver.py")],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        for n in c.nodes.values():
            wait_until(lambda n=n: count(n, "person") == 1, 20, what=f"node {n.node_id} data")
        wait_equal_digests(c)
        # each node wrote its own log file into the shared log_dir, none collided
        logs = sorted(p.name for p in (tmp_path / "log").iterdir())
        assert logs == [f"tugraph-bolt-node{i}.log" for i in (1, 2, 3)]
        warnings = "".join((tmp_path / "log" / f).read_text() for f in logs)
        assert "web port" in warnings  # two of three could not get port 7070: said clearly


def test_routing_driver_with_custom_resolver_and_writes_on_followers(cluster):
    with GraphDatabase.driver("neo4j://mycluster.com:9999", auth=AUTH,
                              resolver=resolver_for(cluster)) as d:
        d.execute_query("CREATE (:W {v: 1})", database_="default")
        recs = d.execute_query("MATCH (n:W) RETURN count(n) AS c", database_="default",
                               routing_="r").records
        assert recs[0]["c"] in (0, 1)  # a follower may lag; bookmarks make it exact below
        with d.session(database="default") as s:
            s.run("CREATE (:W {v: 2})").consume()
            assert s.run("MATCH (n:W) RETURN count(n) AS c").single()["c"] == 2
    leader = leader_of(cluster)
    followers = [n for n in cluster.nodes.values() if n is not leader]
    for i, f in enumerate(followers):
        with driver_for(f.address) as d:  # bolt:// straight to a follower: forwarded via Raft
            summary = d.execute_query("CREATE (:W {v: $v})", {"v": 10 + i},
                                      database_="default").summary
            assert summary.counters.nodes_created == 1
    wait_equal_digests(cluster)
    assert all(count(n) == 4 for n in cluster.nodes.values())


def test_route_table_roles(cluster):
    from tugraph_bolt.client import BoltClient

    leader = leader_of(cluster)
    for n in cluster.nodes.values():
        def table(n=n):
            with BoltClient.connect(*n.address, *AUTH) as c:
                rt = c.route("default")
            roles = {s["role"]: s["addresses"] for s in rt["servers"]}
            # a follower learns who leads with the leader's next heartbeat
            return (rt, roles) if roles["WRITE"] else None

        rt, roles = wait_until(table, 10, what=f"node {n.node_id} to know the leader")
        assert rt["db"] == "default"
        assert roles["WRITE"] == [f"127.0.0.1:{leader.bolt_port}"]
        assert sorted(roles["ROUTE"]) == sorted(f"127.0.0.1:{x.bolt_port}"
                                                for x in cluster.nodes.values())
        assert f"127.0.0.1:{leader.bolt_port}" not in roles["READ"]


def test_bookmark_read_on_a_lagging_follower(cluster):
    leader = leader_of(cluster)
    follower = next(n for n in cluster.nodes.values() if n is not leader)
    follower.proc.send_signal(signal.SIGSTOP)  # it misses everything written now
    try:
        with driver_for(leader.address) as d, d.session(database="default") as s:
            for i in range(20):
                s.run("CREATE (:B {i: $i})", i=i).consume()
            bookmarks = s.last_bookmarks()
    finally:
        follower.proc.send_signal(signal.SIGCONT)
    with driver_for(follower.address) as d, \
            d.session(database="default", bookmarks=bookmarks) as s:
        # without the bookmark this read could see fewer rows; with it the node waits
        assert s.run("MATCH (b:B) RETURN count(b) AS c").single()["c"] == 20


def test_read_levels(cluster):
    leader = leader_of(cluster)
    follower = next(n for n in cluster.nodes.values() if n is not leader)
    with driver_for(follower.address) as d, d.session(database="default") as s:
        # the driver turns NotALeader into "no writer here" on a direct connection
        with pytest.raises((exceptions.NotALeader, exceptions.WriteServiceUnavailable)):
            s.run(neo4j.Query("RETURN 1", metadata={"read_level": "leader"})).consume()
    with driver_for(leader.address) as d:
        d.execute_query("CREATE (:Lin)", database_="default")
    with driver_for(follower.address) as d, d.session(database="default") as s:
        rec = s.run(neo4j.Query("MATCH (n:Lin) RETURN count(n) AS c",
                                metadata={"read_level": "linearizable"})).single()
        assert rec["c"] == 1


def test_users_replicate(cluster):
    leader = leader_of(cluster)
    with driver_for(leader.address) as d:
        d.execute_query("CALL dbms.security.changePassword('73@TuGraph', 'cluster-pw')",
                        database_="default")
    for n in cluster.nodes.values():
        host, port = n.address

        def accepts_new(host=host, port=port):
            with GraphDatabase.driver(f"bolt://{host}:{port}", auth=("admin", "cluster-pw")) as d:
                d.verify_connectivity()
            return True

        wait_until(accepts_new, 20, what=f"node {n.node_id} to accept the new password")
        with GraphDatabase.driver(f"bolt://{host}:{port}", auth=AUTH) as d, \
                pytest.raises(exceptions.AuthError):
            d.verify_connectivity()


def _write_loop(cluster, stop: threading.Event, acked: list, errors: list):
    with GraphDatabase.driver("neo4j://mycluster.com:9999", auth=AUTH,
                              resolver=resolver_for(cluster), max_transaction_retry_time=30) as d:
        i = 0
        while not stop.is_set():
            i += 1
            try:
                with d.session(database="default") as s:
                    s.execute_write(lambda tx, i=i: tx.run("CREATE (:W {i: $i})", i=i).consume())
                acked.append(i)
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))
                time.sleep(0.1)


def test_writes_survive_a_leader_sigkill(cluster):
    stop, acked, errors = threading.Event(), [], []
    t = threading.Thread(target=_write_loop, args=(cluster, stop, acked, errors))
    t.start()
    try:
        wait_until(lambda: len(acked) >= 20, 30, what="writes before the kill")
        old = leader_of(cluster)
        old.kill()
        before = len(acked)
        wait_until(lambda: len(acked) >= before + 20, 60, what="writes after the kill")
    finally:
        stop.set()
        t.join(60)
    survivors = [n for n in cluster.nodes.values() if n.running]
    new = leader_of(cluster)
    assert new is not old
    with driver_for(new.address) as d:
        present = {r["i"] for r in d.execute_query("MATCH (w:W) RETURN w.i AS i",
                                                   database_="default").records}
    assert set(acked) <= present, f"lost acknowledged writes: {sorted(set(acked) - present)[:10]}"
    wait_equal_digests(cluster, nodes=survivors)
    # the killed node restarts from its journal and catches up
    old.start()
    old.wait_bolt(30)
    wait_equal_digests(cluster, timeout=60)


def test_full_cluster_restart_keeps_every_acknowledged_write(cluster):
    with driver_for(leader_of(cluster).address) as d:
        for i in range(30):
            d.execute_query("CREATE (:W {i: $i})", {"i": i}, database_="default")
    before = wait_equal_digests(cluster)
    cluster.kill()
    cluster.start(60)
    leader_of(cluster, 60)
    # right after a restart every node may briefly agree on a PARTIAL state (the journal
    # is applied as the new leader commits it): wait for each node to reach the old state
    for n in cluster.nodes.values():
        wait_until(lambda n=n: digest(n)[1] == before, 60,
                   what=f"node {n.node_id} to recover the state it had before the kill")
    assert count(leader_of(cluster)) == 30


def test_learner_join_read_promote_and_remove(cluster, tmp_path):
    leader = leader_of(cluster)
    with driver_for(leader.address) as d:
        d.execute_query("UNWIND range(1, 50) AS i CREATE (:W {i: i})", database_="default")
    from tugraph_bolt.devcluster import free_ports

    bolt, raft = free_ports(2)
    follower = next(n for n in cluster.nodes.values() if n is not leader)
    with driver_for(follower.address) as d:  # accepted on any node
        d.execute_query("CALL db.bolt.addRaftLearnerNode(4, '127.0.0.1', $b, $r)",
                        {"b": bolt, "r": raft}, database_="default")
        with pytest.raises(exceptions.ClientError, match="already exists"):
            d.execute_query("CALL db.bolt.addRaftLearnerNode(4, '127.0.0.1', $b, $r)",
                            {"b": bolt, "r": raft + 1}, database_="default")
    node4 = cluster.add_node(4, cluster.peers() + [
        {"bolt_raft_node_id": 4, "ip": "127.0.0.1", "bolt_raft_port": raft, "bolt_port": bolt}])
    node4.start()
    node4.wait_bolt(30)
    with driver_for(node4.address) as d:
        rows = d.execute_query("CALL db.bolt.listRaftNodes()", database_="default").records
        assert {r["node_id"]: r["is_learner"] for r in rows} == {1: False, 2: False, 3: False,
                                                                 4: True}
    wait_until(lambda: count(node4) == 50, 30, what="the learner to catch up")
    wait_equal_digests(cluster)
    with driver_for(leader.address) as d:
        d.execute_query("CALL db.bolt.promoteRaftLearner(4)", database_="default")
    node4.stop()
    node4.start()  # a learner becomes a voter by restarting
    node4.wait_bolt(30)
    with driver_for(leader_of(cluster).address) as d:
        rows = d.execute_query("CALL db.bolt.listRaftNodes()", database_="default").records
        assert {r["node_id"]: r["is_learner"] for r in rows}[4] is False
        d.execute_query("CALL db.bolt.removeRaftNode(4)", database_="default")
        rows = d.execute_query("CALL db.bolt.listRaftNodes()", database_="default").records
        assert sorted(r["node_id"] for r in rows) == [1, 2, 3]
        d.execute_query("CREATE (:W {i: 1000})", database_="default")
    node4.stop()
    wait_equal_digests(cluster)


def test_remove_a_voter_and_keep_writing(cluster):
    leader = leader_of(cluster)
    victim = next(n for n in cluster.nodes.values() if n is not leader)
    with driver_for(leader.address) as d:
        d.execute_query("CALL db.bolt.removeRaftNode($id)", {"id": victim.node_id},
                        database_="default")
        with pytest.raises(exceptions.ClientError, match="not a member"):
            d.execute_query("CALL db.bolt.removeRaftNode(99)", database_="default")
    victim.stop()
    remaining = [n for n in cluster.nodes.values() if n is not victim]
    for n in remaining:
        with driver_for(n.address) as d:
            d.execute_query("CREATE (:W)", database_="default")
    wait_equal_digests(cluster, nodes=remaining)
    assert all(count(n) == 2 for n in remaining)


def test_status_and_procedure_errors(cluster):
    leader = leader_of(cluster)
    with driver_for(leader.address) as d:
        status = json.loads(d.execute_query("CALL db.bolt.getRaftStatus()",
                                            database_="default").records[0]["status"])
        assert status["raftState"] == "StateLeader" and status["lead"] == leader.node_id
        assert set(status["progress"]) >= {str(n) for n in cluster.nodes if n != leader.node_id} \
            or set(status["progress"]) >= set(cluster.nodes)
        for bad in ("CALL db.bolt.addRaftNode('x', '127.0.0.1', 1, 2)",
                    "CALL db.bolt.addRaftNode(5, '127.0.0.1', 1)",
                    "CALL db.bolt.removeRaftNode(99)"):
            with pytest.raises(exceptions.ClientError):
                d.execute_query(bad, database_="default")


def test_sustained_load_no_critical_lines_and_equal_digests(cluster):
    errors = []

    def worker(k):
        try:
            with GraphDatabase.driver("neo4j://mycluster.com:9999", auth=AUTH,
                                      resolver=resolver_for(cluster)) as d, \
                    d.session(database="default") as s:
                for i in range(150):
                    s.execute_write(lambda tx, i=i: tx.run("CREATE (:L {k: $k, i: $i})",
                                                           k=k, i=i).consume())
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert not errors
    wait_equal_digests(cluster, 60)
    assert count(leader_of(cluster), "L") == 8 * 150
    logs = "".join(p.read_text(errors="replace") for p in (cluster.workdir / "log").iterdir())
    assert "CRITICAL" not in logs
