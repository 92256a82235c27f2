"""Bank transfers with `execute_write` while the Raft leader is killed: the total stays put.

Starts its own three-node cluster on free local ports (a temporary folder), opens 10
accounts with 1,000 each, runs transfers from several threads through `neo4j://` with a
resolver, SIGKILLs the leader half-way, restarts it, and checks that

- the total is still 10,000 (no transfer was half applied or applied twice),
- every replica holds the same state (equal `dbms.stateDigest()`).

    .venv/bin/python examples/transactions.py [--seconds 6] [--threads 4]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from neo4j import GraphDatabase  # noqa: E402
from neo4j.exceptions import IncompleteCommit  # noqa: E402

from tugraph_bolt.devcluster import LocalCluster, wait_until  # noqa: E402

AUTH = ("admin", "73@TuGraph")
ACCOUNTS, OPENING = 10, 1000


def transfer(tx, src: int, dst: int, amount: int) -> bool:
    balance = tx.run("MATCH (a:Account {id: $id}) RETURN a.balance AS b", id=src).single()["b"]
    if balance < amount:
        return False
    tx.run("MATCH (a:Account {id: $id}) SET a.balance = a.balance - $x", id=src, x=amount)
    tx.run("MATCH (a:Account {id: $id}) SET a.balance = a.balance + $x", id=dst, x=amount)
    return True


def leader(cluster: LocalCluster):
    for n in cluster.nodes.values():
        if not n.running:
            continue
        try:
            with GraphDatabase.driver(n.uri, auth=AUTH) as d:
                for r in d.execute_query("CALL db.bolt.listRaftNodes()",
                                         database_="default").records:
                    if r["is_leader"]:
                        return cluster.nodes[r["node_id"]]
        except Exception:  # noqa: BLE001 - electing
            continue
    return None


def digests(cluster: LocalCluster) -> set[str]:
    out = set()
    for n in cluster.nodes.values():
        with GraphDatabase.driver(n.uri, auth=AUTH) as d:
            out.add(d.execute_query("CALL dbms.stateDigest()",
                                    database_="default").records[0]["digest"])
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--threads", type=int, default=4)
    args = ap.parse_args(argv)
    cluster = LocalCluster.fresh(Path(tempfile.mkdtemp(prefix="tugraph-bank-")), size=3)
    print(f"starting a three-node cluster in {cluster.workdir}")
    with cluster:
        wait_until(lambda: leader(cluster), 60, what="a leader")
        addrs = cluster.addresses()
        with GraphDatabase.driver("neo4j://bank.invalid:7687", auth=AUTH,
                                  resolver=lambda _a: addrs) as d:
            d.execute_query("CALL db.createVertexLabel('Account', 'id', 'id', 'INT64', false, "
                            "'balance', 'INT64', false)", database_="default")
            d.execute_query("UNWIND range(0, $n - 1) AS i CREATE (:Account {id: i, balance: $b})",
                            {"n": ACCOUNTS, "b": OPENING}, database_="default")
            stop = threading.Event()
            done, unknown, failed = [0], [0], []

            def worker(seed: int):
                rng = random.Random(seed)
                with d.session(database="default") as s:
                    while not stop.is_set():
                        src, dst = rng.sample(range(ACCOUNTS), 2)
                        try:
                            s.execute_write(transfer, src, dst, rng.randint(1, 50))
                            done[0] += 1
                        except IncompleteCommit:
                            # the connection died during COMMIT: the driver cannot know
                            # whether it committed, and a transfer is balanced either way
                            unknown[0] += 1
                        except Exception as e:  # noqa: BLE001 - reported below
                            failed.append(repr(e))

            threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
            for t in threads:
                t.start()
            time.sleep(args.seconds / 2)
            victim = leader(cluster)
            print(f"{done[0]} transfers so far; killing the leader, node {victim.node_id} (SIGKILL)")
            victim.kill()
            time.sleep(args.seconds / 2)
            stop.set()
            for t in threads:
                t.join(60)
            print(f"{done[0]} transfers committed, {unknown[0]} with an unknown outcome (the "
                  f"connection died during COMMIT), {len(failed)} failed")
            for error in failed[:5]:
                print(f"  failed: {error}")
            print(f"restarting node {victim.node_id}; it catches up from the others")
            victim.start()
            victim.wait_bolt(30)
            total = d.execute_query("MATCH (a:Account) RETURN sum(a.balance) AS t",
                                    database_="default").records[0]["t"]
        print(f"total across accounts: {total} (expected {ACCOUNTS * OPENING})")
        same = wait_until(lambda: len(digests(cluster)) == 1, 60, what="equal replicas")
        print(f"replicas identical: {bool(same)}")
        return 0 if total == ACCOUNTS * OPENING and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
