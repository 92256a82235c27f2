"""A toy state machine and a helper that runs in-process clusters of Replicas on 127.0.0.1.

ToyMachine keeps an ordered history of (raft index, command) and a running hash chain in
one immutable tuple (its snapshot), so two replicas agree iff their histories agree.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time

from tugraph_bolt.cluster import Peer, Replica, ReplicaConfig

FAST = dict(election_timeout=(0.5, 1.0), heartbeat_period=0.1, connection_retry=0.3)


class ToyMachine:
    def __init__(self):
        self._state = (0, (), b"\0" * 20)  # (applied_index, history, chain)
        self.restores = 0
        self.block = None  # a threading.Event: apply waits for it (tests of in-flight limits)

    @property
    def applied_index(self) -> int:
        return self._state[0]

    @property
    def history(self) -> tuple:
        return self._state[1]

    @property
    def commands(self) -> list[bytes]:
        return [c for _, c in self._state[1]]

    @property
    def chain(self) -> bytes:
        return self._state[2]

    def apply(self, command: bytes, index: int):
        if self.block is not None:
            self.block.wait(10)
        _, history, chain = self._state
        chain = hashlib.sha1(chain + index.to_bytes(8, "little") + command).digest()
        self._state = (index, history + ((index, command),), chain)
        return len(history) + 1  # outcome: how many commands this replica has applied

    def snapshot(self):
        return self._state

    def restore(self, snap) -> None:
        self._state = snap
        self.restores += 1


def free_ports(n: int) -> list[int]:
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def wait_until(predicate, timeout: float, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Cluster:
    """In-process Replicas; `start(node_id)` (re)builds one from its data dir."""

    def __init__(self, tmp_path, voters: int = 3, learners: int = 0, extra_ids: int = 0, **overrides):
        total = voters + learners + extra_ids
        ports = free_ports(total)
        self.peers = {}
        for i in range(total):
            node_id = i + 1
            learner = voters <= i < voters + learners
            self.peers[node_id] = Peer(node_id, "127.0.0.1", ports[i], 17000 + node_id, learner)
        self.initial = [p for p in self.peers.values() if p.node_id <= voters + learners]
        self.tmp_path = tmp_path
        self.overrides = {**FAST, **overrides}
        self.replicas: dict[int, Replica] = {}
        self.machines: dict[int, ToyMachine] = {}
        self.fail_stops: list[tuple[int, str]] = []
        self._lock = threading.Lock()

    def config(self, node_id: int, peers=None, **kw) -> ReplicaConfig:
        peers = list(peers if peers is not None else self.initial)
        if all(p.node_id != node_id for p in peers):
            peers.append(self.peers[node_id])
        return ReplicaConfig(self_id=node_id, peers=peers,
                             data_dir=self.tmp_path / f"node{node_id}", **{**self.overrides, **kw})

    def start(self, node_id: int, peers=None, machine=None, **kw) -> Replica:
        machine = machine or ToyMachine()
        replica = Replica(self.config(node_id, peers, **kw), machine,
                          on_fail_stop=lambda reason, n=node_id: self.fail_stops.append((n, reason)))
        self.replicas[node_id] = replica
        self.machines[node_id] = machine
        return replica

    def start_all(self):
        for peer in self.initial:
            self.start(peer.node_id)
        return self

    def stop(self, node_id: int):
        replica = self.replicas.pop(node_id, None)
        if replica is not None:
            replica.close()

    def close(self):
        for node_id in list(self.replicas):
            self.stop(node_id)

    def leader(self, timeout: float = 10.0) -> Replica:
        def one_leader():
            leaders = [r for r in self.replicas.values() if r.is_leader]
            if len(leaders) != 1:
                return None
            ids = {r.leader_id for r in self.replicas.values() if not r.failed}
            return leaders[0] if ids == {leaders[0].config.self_id} else None
        return wait_until(one_leader, timeout, "one leader that every node knows")

    def followers(self) -> list[Replica]:
        return [r for r in self.replicas.values() if not r.is_leader and not r.is_learner]

    def wait_all_applied(self, index: int, timeout: float = 10.0):
        for node_id, replica in self.replicas.items():
            assert replica.wait_applied(index, timeout), f"node {node_id} did not apply {index}"
