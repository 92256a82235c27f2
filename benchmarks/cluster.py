"""Cluster benchmark: a local three-node cluster (real processes, 127.0.0.1), the official
driver through neo4j:// with a resolver. Auto-commit CREATE writes at 1 and 16 sessions
(ops/s, p50, p99), reads spread over the cluster, and leader-kill failover time (SIGKILL to
the first acknowledged write, median of `--failovers`). Prints JSON.

Targets: p50 write <= 5 ms at one session, >= 1,500 writes/s at 16 sessions, failover
median <= 1.5 s.

    .venv/bin/python -m benchmarks.cluster [--seconds 5] [--failovers 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.load import run_load
from tugraph_bolt.devcluster import LocalCluster, wait_until

AUTH = ("admin", "73@TuGraph")
CREATE = "CREATE (:Item {k: $k, i: $i})"
READ = "MATCH (p:Person {id: $id}) RETURN p.name"


def leader(cluster: LocalCluster):
    from neo4j import GraphDatabase

    for n in cluster.nodes.values():
        if not n.running:
            continue
        try:
            with GraphDatabase.driver(n.uri, auth=AUTH) as d:
                recs = d.execute_query("CALL db.bolt.listRaftNodes()", database_="default").records
        except Exception:  # noqa: BLE001 - electing or down
            continue
        for r in recs:
            if r["is_leader"] and cluster.nodes[r["node_id"]].running:
                return cluster.nodes[r["node_id"]]
    return None


def failover_once(cluster: LocalCluster) -> float:
    """SIGKILL the leader; seconds until a write is acknowledged by the new leader."""
    from neo4j import GraphDatabase

    old = wait_until(lambda: leader(cluster), 30, what="a leader")
    others = [n for n in cluster.nodes.values() if n is not old]
    drivers = [GraphDatabase.driver(n.uri, auth=AUTH, connection_timeout=1) for n in others]
    for d in drivers:
        d.verify_connectivity()
    t0 = time.perf_counter()
    old.kill()
    try:
        while time.perf_counter() - t0 < 30:
            for d in drivers:
                try:
                    d.execute_query("CREATE (:Failover)", database_="default")
                    return time.perf_counter() - t0
                except Exception:  # noqa: BLE001 - no leader yet
                    time.sleep(0.01)
        raise TimeoutError("no write acknowledged within 30 s of killing the leader")
    finally:
        for d in drivers:
            d.close()
        old.start()
        old.wait_bolt(30)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--sessions", default="1,16")
    ap.add_argument("--failovers", type=int, default=3)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    cluster = LocalCluster.fresh(work, size=3, verbose=0)
    out = {"benchmark": "cluster", "write": [], "read": [], "failover_s": []}
    try:
        cluster.start(60)
        wait_until(lambda: leader(cluster), 60, what="a leader")
        addrs = cluster.addresses()
        uri = "neo4j://cluster.invalid:7687"
        from neo4j import GraphDatabase

        with GraphDatabase.driver(uri, auth=AUTH, resolver=lambda a: addrs) as d:
            d.execute_query("CALL db.createVertexLabel('Person', 'id', 'id', 'INT64', false, "
                            "'name', 'STRING', true)", database_="default")
            d.execute_query("UNWIND range(0, 9999) AS i CREATE (:Person {id: i, name: 'p' + i})",
                            database_="default")
        for n in (int(x) for x in args.sessions.split(",")):
            print(f"cluster: writes, {n} sessions ...", file=sys.stderr, flush=True)
            out["write"].append(run_load(uri, AUTH, CREATE, sessions=n, seconds=args.seconds,
                                         write=True, param_kind="create", resolver_addrs=addrs))
        print("cluster: reads spread over all nodes, 12 sessions ...", file=sys.stderr,
              flush=True)
        out["read"].append(run_load([f"bolt://{h}:{p}" for h, p in addrs], AUTH, READ,
                                    sessions=12, seconds=args.seconds, write=False,
                                    max_procs=6))
        for i in range(args.failovers):
            print(f"cluster: failover {i + 1}/{args.failovers} ...", file=sys.stderr, flush=True)
            out["failover_s"].append(round(failover_once(cluster), 3))
        out["failover_median_s"] = statistics.median(out["failover_s"]) if out["failover_s"] else None
    finally:
        cluster.stop()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
