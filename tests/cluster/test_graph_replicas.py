"""In-process clusters replicating the REAL graph state machine: random concurrent
transactions from every node, then byte-for-byte equal replicas (digests), also after a
restart from the journal and after a snapshot transfer to a new node."""

from __future__ import annotations

import random
import threading

import pytest

from tugraph_bolt import errors
from tugraph_bolt.graph import IdBlocks, Transaction, reserve_ids_command
from tugraph_bolt.log import GraphMachine

from .toy import Cluster, wait_until

pytestmark = pytest.mark.xdist_group("processes")


class CountingMachine(GraphMachine):
    restores = 0

    def restore(self, snap) -> None:
        self.restores += 1
        super().restore(snap)


def ids_for(replica, owner: str) -> IdBlocks:
    def reserve(kind, count):
        _, outcome = replica.submit(reserve_ids_command(kind, count, owner), 10)
        return tuple(outcome.value)

    return IdBlocks(reserve, 16)


def random_tx(rng: random.Random, machine: GraphMachine, ids: IdBlocks) -> bytes | None:
    tx = Transaction(machine.state, ids)
    nodes = list(tx.node_ids())
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        if op < 0.4 or not nodes:
            nodes.append(tx.create_node([rng.choice("ABC")], {"v": rng.randint(0, 9),
                                                              "s": rng.choice(["x", "y", None])}))
        elif op < 0.6 and len(nodes) > 1:
            a, b = rng.sample(nodes, 2)
            if tx.node(a) and tx.node(b):
                tx.create_rel(rng.choice(["R", "S"]), a, b, {"w": rng.random()})
        elif op < 0.8:
            n = rng.choice(nodes)
            if tx.node(n):
                tx.set_node_property(n, "v", rng.randint(0, 99))
        else:
            n = rng.choice(nodes)
            if tx.node(n):
                tx.delete_node(n, detach=True)
    return tx.command()


def run_workload(cluster: Cluster, per_node: int, seed: int) -> dict[str, int]:
    counts = {"ok": 0, "conflict": 0}
    lock = threading.Lock()

    def worker(node_id: int):
        rng = random.Random(seed * 100 + node_id)
        replica, machine = cluster.replicas[node_id], cluster.machines[node_id]
        ids = ids_for(replica, f"node{node_id}")
        for _ in range(per_node):
            command = random_tx(rng, machine, ids)
            if command is None:
                continue
            _, outcome = replica.submit(command, 10)
            with lock:
                counts["ok" if outcome.ok else "conflict"] += 1
                if not outcome.ok:
                    assert outcome.code == errors.WriteConflict.code, outcome

    threads = [threading.Thread(target=worker, args=(n,)) for n in cluster.replicas]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return counts


def digests(cluster: Cluster) -> set[str]:
    return {m.state.digest() for n, m in cluster.machines.items() if n in cluster.replicas}


def settle(cluster: Cluster):
    leader = cluster.leader()
    index = leader.barrier(10)
    cluster.wait_all_applied(index)
    return wait_until(lambda: len(digests(cluster)) == 1, 10, "equal digests")


def test_random_concurrent_workload_gives_identical_replicas(tmp_path):
    cluster = Cluster(tmp_path)
    for node_id in (1, 2, 3):
        cluster.start(node_id, machine=GraphMachine())
    try:
        cluster.leader()
        counts = run_workload(cluster, per_node=60, seed=7)
        assert counts["ok"] > 100
        settle(cluster)
        assert cluster.machines[1].state.node_count() > 0
        # restart one node from its journal: it rebuilds the same state
        cluster.stop(2)
        cluster.start(2, machine=GraphMachine())
        settle(cluster)
    finally:
        cluster.close()


def test_new_node_catches_up_by_snapshot_with_the_same_state(tmp_path):
    cluster = Cluster(tmp_path, extra_ids=1)
    for node_id in (1, 2, 3):
        cluster.start(node_id, machine=GraphMachine())
    try:
        cluster.leader()
        run_workload(cluster, per_node=40, seed=11)
        settle(cluster)
        for replica in cluster.replicas.values():
            replica._sync.forceLogCompaction()
        for node_id, replica in cluster.replicas.items():
            wait_until(lambda r=replica: r.status()["raftlog"]["first"] > 2, 10,
                       f"node {node_id} to compact its log")
        leader = cluster.leader()  # before node 4 exists: a joining node knows no leader yet
        peers = list(cluster.initial) + [cluster.peers[4]]
        machine4 = CountingMachine()
        cluster.start(4, peers=peers, machine=machine4, join=True)
        leader.add_member(cluster.peers[4], 15)
        run_workload(cluster, per_node=5, seed=12)
        settle(cluster)
        assert machine4.restores >= 1  # it received the state, not the whole log
        assert machine4.state.node_count() == cluster.machines[1].state.node_count()
    finally:
        cluster.close()
