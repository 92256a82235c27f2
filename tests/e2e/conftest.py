"""Real processes driven by the real neo4j driver: one helper to start nodes and clusters."""

from __future__ import annotations

import contextlib
import json

import pytest
from neo4j import GraphDatabase

from tugraph_bolt.devcluster import LocalCluster, NodeProcess, free_ports, wait_until

AUTH = ("admin", "73@TuGraph")


def pytest_collection_modifyitems(items):
    # Every process test runs on one xdist worker, one after another: two clusters electing
    # leaders at once on two cores make timing-sensitive tests flaky for no good reason.
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("processes"))


def driver_for(address, **kw):
    host, port = address
    return GraphDatabase.driver(f"bolt://{host}:{port}", auth=AUTH, **kw)


def leader_of(cluster: LocalCluster, timeout: float = 30.0) -> NodeProcess:
    def find():
        for n in cluster.nodes.values():
            if not n.running:
                continue
            try:
                with driver_for(n.address) as d:
                    recs = d.execute_query("CALL db.bolt.listRaftNodes()",
                                           database_="default").records
            except Exception:  # noqa: BLE001 - a node may be down or electing
                continue
            leaders = [r["node_id"] for r in recs if r["is_leader"]]
            if leaders and cluster.nodes[leaders[0]].running:
                return cluster.nodes[leaders[0]]
        return None

    return wait_until(find, timeout, interval=0.2, what="a leader")


def digest(node: NodeProcess) -> tuple[int, str]:
    with driver_for(node.address) as d:
        rec = d.execute_query("CALL dbms.stateDigest()", database_="default").records[0]
        return rec["applied_index"], rec["digest"]


def wait_equal_digests(cluster: LocalCluster, timeout: float = 30.0, nodes=None) -> str:
    nodes = nodes or [n for n in cluster.nodes.values() if n.running]

    def same():
        ds = {digest(n)[1] for n in nodes}
        return ds.pop() if len(ds) == 1 else None

    return wait_until(same, timeout, interval=0.2, what="equal state digests")


@pytest.fixture
def single_node(tmp_path):
    bolt, http = free_ports(2)
    cfg = tmp_path / "node.json"
    cfg.write_text(json.dumps({"host": "127.0.0.1", "bolt_port": bolt, "port": http}))
    node = NodeProcess(0, cfg, tmp_path, bolt, 0)
    node.start()
    try:
        node.wait_bolt(30)
        yield node
    finally:
        node.stop()


@contextlib.contextmanager
def running_cluster(workdir, size: int = 3):
    """A fresh local cluster with a leader elected; stopped on exit (the one helper)."""
    c = LocalCluster.fresh(workdir, size=size)
    c.start(timeout=60)
    try:
        leader_of(c, 60)
        yield c
    finally:
        c.stop()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def cluster(tmp_path, request):
    c = LocalCluster.fresh(tmp_path, size=3)
    c.start(timeout=60)
    try:
        leader_of(c, 60)
        yield c
    finally:
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            # the nodes' own words are the fastest way to see why a cluster test failed
            for n in c.nodes.values():
                print(f"\n----- node {n.node_id} (running={n.running}) -----\n"
                      f"{n.output_tail(80)}")
        c.stop()
