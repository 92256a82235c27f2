"""The shipped docker-compose.yml: three containers, driven from the host by the neo4j driver.

The tests share one cluster and run in file order: health and routing, the operator's CLI,
the cluster secret, the seed's example, a killed leader, a disconnected follower, and a
clean stop.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest
from neo4j import GraphDatabase

from tests.conftest import ROOT
from tugraph_bolt.devcluster import wait_until

from .compose import SERVICES

pytestmark = [
    pytest.mark.docker,
    pytest.mark.slow,
    # one compose cluster at a time, beside no other process cluster (two cores); the
    # fixture also holds a machine-wide lock, since this xdist does not apply the group
    pytest.mark.xdist_group("processes"),
    # the cluster is made inside the first test's timeout: a cold base image build
    # (debootstrap) takes minutes; every wait inside is bounded by itself
    pytest.mark.timeout(900),
]
AUTH = ("admin", "73@TuGraph")


def driver_at(address):
    host, port = address
    return GraphDatabase.driver(f"bolt://{host}:{port}", auth=AUTH)


def routing_driver(cluster, **kw):
    addresses = cluster.addresses()

    def resolve(address):
        if address == ("mycluster.com", 9999):
            return addresses
        return [address]

    return GraphDatabase.driver("neo4j://mycluster.com:9999", auth=AUTH, resolver=resolve, **kw)


def query(cluster, service, text, **params):
    with driver_at(cluster.address(service)) as d:
        return d.execute_query(text, params, database_="default").records


def leader_service(cluster, among=SERVICES, timeout=60.0) -> str:
    def find():
        for s in among:
            try:
                rows = query(cluster, s, "CALL db.bolt.listRaftNodes()")
            except Exception:  # noqa: BLE001 - a node may be down or electing
                continue
            leaders = [r["node_id"] for r in rows if r["is_leader"]]
            if leaders and cluster.node_ids[leaders[0]] in among:
                return cluster.node_ids[leaders[0]]
        return None

    return wait_until(find, timeout, interval=0.5, what="a leader")


def digests(cluster, services) -> dict[str, str]:
    return {s: query(cluster, s, "CALL dbms.stateDigest()")[0]["digest"] for s in services}


def wait_equal_digests(cluster, services=SERVICES, timeout=60.0) -> str:
    def same():
        values = set(digests(cluster, services).values())
        return values.pop() if len(values) == 1 else None

    return wait_until(same, timeout, interval=0.5, what=f"equal state digests on {services}")


class Writer:
    """execute_write in a loop through the routing driver; remembers what was acknowledged."""

    def __init__(self, cluster, label: str):
        self.cluster, self.label = cluster, label
        self.acked: list[int] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        with routing_driver(self.cluster, max_transaction_retry_time=30) as d:
            i = 0
            while not self._stop.is_set():
                i += 1
                try:
                    with d.session(database="default") as s:
                        s.execute_write(lambda tx, i=i: tx.run(
                            f"CREATE (:{self.label} {{i: $i}})", i=i).consume())
                    self.acked.append(i)
                except Exception as e:  # noqa: BLE001 - recorded; the test judges them
                    self.errors.append(repr(e))
                    self._stop.wait(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def wait_for(self, more: int, timeout: float, what: str):
        target = len(self.acked) + more
        wait_until(lambda: len(self.acked) >= target, timeout, interval=0.1,
                   what=f"{more} acknowledged writes {what} (errors: {self.errors[-3:]})")

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(60)
        assert not self._thread.is_alive(), "the writer did not stop"


def present(cluster, service, label) -> set[int]:
    rows = query(cluster, service, f"MATCH (n:{label}) RETURN n.i AS i")
    return {r["i"] for r in rows}


def test_three_healthy_nodes_announce_the_published_ports(compose_cluster):
    c = compose_cluster
    leader = leader_service(c)
    rows = query(c, "node1", "CALL db.bolt.listRaftNodes()")
    assert sorted(r["node_id"] for r in rows) == [1, 2, 3]
    assert sum(1 for r in rows if r["is_leader"]) == 1
    from tugraph_bolt.client import BoltClient

    for s in SERVICES:
        assert c.health(s) == "healthy"
        with BoltClient.connect(*c.address(s), *AUTH) as bolt:
            table = bolt.route("default")
        roles = {t["role"]: t["addresses"] for t in table["servers"]}
        # routing tables point at the host's published ports, not at container addresses
        assert roles["WRITE"] == [f"127.0.0.1:{c.bolt_ports[leader]}"]
        assert sorted(roles["ROUTE"]) == sorted(f"127.0.0.1:{p}" for p in c.bolt_ports.values())
    # Raft runs on the private network at the fixed addresses the configs name, and only
    # the Bolt port is published
    assert [c.raft_ip(s).rsplit(".", 1)[1] for s in SERVICES] == ["11", "12", "13"]
    for i, s in enumerate(SERVICES):
        ports = c.inspect(s)["NetworkSettings"]["Ports"]
        published = {k: v[0]["HostPort"] for k, v in ports.items() if v}
        assert published == {f"{7687 + i}/tcp": str(c.bolt_ports[s])}


def test_operator_cli_and_files_inside_a_container(compose_cluster):
    c = compose_cluster
    leader = leader_service(c)
    out = c.compose("exec", "-T", "node2", "tugraph-bolt", "cluster", "nodes", "--json",
                    "--address", "127.0.0.1:7688", timeout=60).stdout
    members = json.loads(out)["members"]
    assert [(m["node_id"], m["role"] == "leader") for m in members] == \
        [(i, f"node{i}" == leader) for i in (1, 2, 3)]
    # the node's own log file and Raft journal live in its volume, owned by the node's user
    ls = c.compose("exec", "-T", "node3", "sh", "-c",
                   "id -un; ls /var/lib/tugraph-bolt/log /var/lib/tugraph-bolt/data",
                   timeout=60).stdout.split()
    assert ls[0] == "tugraph"
    assert "tugraph-bolt-node3.log" in ls and "raft.journal" in ls


def test_a_node_without_the_cluster_secret_refuses_to_start(compose_cluster):
    c = compose_cluster
    config = c.env.get("TUGRAPH_CONFIG_DIR", str(ROOT / "docker")) + "/node1.json"
    proc = subprocess.run(
        ["docker", "run", "--rm", "--network", "none",
         "-v", f"{config}:/etc/tugraph-bolt/node.json:ro", c.env["TUGRAPH_IMAGE"]],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "cluster_secret" in proc.stderr and "not a loopback" in proc.stderr


def test_seed_example_from_the_host_unchanged(compose_cluster):
    c = compose_cluster
    if not c.seed_ports:
        pytest.skip("host ports 7687-7689 were busy, so the cluster runs on other ports and "
                    "the seed's example (which names 7687-7689) cannot reach it unchanged")
    leader_service(c)
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "client_resolver.py")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for s in SERVICES:
        wait_until(lambda s=s: query(c, s, "MATCH (n:person) RETURN count(n) AS n")[0]["n"] == 1,
                   30, interval=0.3, what=f"the example's person on {s}")
    wait_equal_digests(c)


def test_killed_leader_writes_continue_and_it_catches_up(compose_cluster):
    c = compose_cluster
    old = leader_service(c)
    with Writer(c, "K") as w:
        w.wait_for(20, 60, "before the kill")
        c.docker("kill", c.container(old))
        killed_at = len(w.acked)
        w.wait_for(20, 90, "after the leader was killed")
        assert not c.running(old), "the killed leader came back by itself"
        survivors = tuple(s for s in SERVICES if s != old)
        leader_service(c, among=survivors)  # a new leader among the two that are left
    acked = set(w.acked)
    assert len(acked) > killed_at
    assert acked <= present(c, survivors[0], "K"), "an acknowledged write was lost"
    wait_equal_digests(c, survivors)
    c.docker("start", c.container(old))
    wait_until(lambda: c.health(old) == "healthy", 90, interval=1.0, what=f"{old} healthy again")
    digest = wait_equal_digests(c, SERVICES, timeout=90)
    assert acked <= present(c, old, "K"), "the restarted node did not catch up"
    assert digests(c, [old])[old] == digest


def test_disconnected_follower_misses_writes_then_catches_up(compose_cluster):
    c = compose_cluster
    leader = leader_service(c)
    follower = next(s for s in SERVICES if s != leader)
    ip = c.raft_ip(follower)
    before = wait_equal_digests(c)
    c.docker("network", "disconnect", c.network, c.container(follower))
    try:
        with Writer(c, "D") as w:
            w.wait_for(30, 90, f"while {follower} is disconnected")
        others = tuple(s for s in SERVICES if s != follower)
        wait_equal_digests(c, others)
        # the follower is alive (its Bolt port is published through the same network, so
        # ask docker) but cut off: it cannot have the new writes
        assert c.running(follower)
    finally:
        # the same address: the peers' Raft connections (and the configs) name it
        c.docker("network", "connect", "--ip", ip, c.network, c.container(follower))
    acked = set(w.acked)
    digest = wait_equal_digests(c, SERVICES, timeout=90)
    assert digest != before
    assert acked <= present(c, follower, "D")


def test_stop_is_clean_and_data_survives_a_restart(compose_cluster):
    c = compose_cluster
    digest = wait_equal_digests(c)
    started = time.monotonic()
    c.compose("stop", "-t", "30", timeout=120)
    assert time.monotonic() - started < 60
    for s in SERVICES:
        state = c.inspect(s)["State"]
        # exit code 0: SIGTERM reached the node and it shut down by itself, not by SIGKILL
        assert (state["Running"], state["ExitCode"]) == (False, 0), (s, state)
    c.compose("start", timeout=120)
    wait_until(lambda: all(c.health(s) == "healthy" for s in SERVICES), 120, interval=1.0,
               what="three healthy containers after the restart")
    leader_service(c)
    assert wait_equal_digests(c, SERVICES, timeout=60) == digest
