"""Real processes: one Replica (with a ToyMachine) per OS process, driven over a pipe.

    nodes = ProcessCluster(tmp_path, 3)
    leader = nodes.wait_leader()
    nodes.call(2, "load", dict(seconds=3, concurrency=8))   # writes from node 2

Children exit when the parent goes away or after MAX_LIFETIME; the parent kills stragglers.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from pathlib import Path

from tests.cluster.toy import FAST, ToyMachine, free_ports

MAX_LIFETIME = 300.0


def _load(replica, seconds, concurrency):
    from tugraph_bolt import errors
    acked, errors_seen, lock = {}, {}, threading.Lock()
    stop_at = time.monotonic() + seconds

    def writer(k):
        i = 0
        while time.monotonic() < stop_at:
            i += 1
            command = b"p-%d-%d" % (k, i)
            try:
                index, _ = replica.submit(command, 3.0)
            except errors.DatabaseError as exc:
                with lock:
                    name = type(exc).__name__
                    errors_seen[name] = errors_seen.get(name, 0) + 1
                continue
            with lock:
                acked[index] = command

    threads = [threading.Thread(target=writer, args=(k,), daemon=True) for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 20)
    return {"acked": acked, "errors": errors_seen}


def node_main(node_id, peers, data_dir, conn):
    from tugraph_bolt.cluster import Peer, Replica, ReplicaConfig
    config = ReplicaConfig(self_id=node_id, peers=[Peer(*p) for p in peers],
                           data_dir=Path(data_dir), **FAST)
    machine = ToyMachine()
    replica = Replica(config, machine)
    parent, born = os.getppid(), time.monotonic()
    try:
        while os.getppid() == parent and time.monotonic() - born < MAX_LIFETIME:
            if not conn.poll(0.1):
                continue
            command, arg = conn.recv()
            if command == "status":
                conn.send({"leader": replica.is_leader, "leader_id": replica.leader_id,
                           "applied": replica.applied_index, "term": replica.term,
                           "failed": replica.failed, "guards": replica.guard_counts})
            elif command == "load":
                conn.send(_load(replica, **arg))
            elif command == "barrier":
                try:
                    conn.send(replica.barrier(arg))
                except Exception as exc:
                    conn.send(repr(exc))
            elif command == "history":
                conn.send(list(machine.history))
            elif command == "stop":
                conn.send(True)
                break
    finally:
        replica.close()


class ProcessCluster:
    def __init__(self, tmp_path, voters: int = 3):
        ports = free_ports(voters)
        self.peers = [(i + 1, "127.0.0.1", ports[i], 17700 + i) for i in range(voters)]
        ctx = mp.get_context("spawn")  # a fresh main thread for each node's Replica
        self.procs, self.conns = {}, {}
        for node_id, *_ in self.peers:
            parent_end, child_end = ctx.Pipe()
            proc = ctx.Process(target=node_main, daemon=True,
                               args=(node_id, self.peers, str(tmp_path / f"p{node_id}"), child_end))
            proc.start()
            self.procs[node_id], self.conns[node_id] = proc, parent_end

    def send(self, node_id, command, arg=None):
        self.conns[node_id].send((command, arg))

    def receive(self, node_id, timeout):
        if not self.conns[node_id].poll(timeout):
            raise TimeoutError(f"node {node_id} did not answer")
        return self.conns[node_id].recv()

    def call(self, node_id, command, arg=None, timeout=30.0):
        self.send(node_id, command, arg)
        return self.receive(node_id, timeout)

    def wait_leader(self, timeout=20.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            statuses = {n: self.call(n, "status") for n in self.procs}
            leaders = [n for n, s in statuses.items() if s["leader"]]
            if len(leaders) == 1 and all(s["leader_id"] == leaders[0] for s in statuses.values()):
                return leaders[0]
            time.sleep(0.05)
        raise AssertionError("no leader that every process knows")

    def pause(self, node_id, seconds: float) -> threading.Timer:
        """SIGSTOP a node (a GC pause, a stopped VM) and SIGCONT it `seconds` later."""
        pid = self.procs[node_id].pid
        os.kill(pid, signal.SIGSTOP)
        timer = threading.Timer(seconds, os.kill, (pid, signal.SIGCONT))
        timer.start()
        return timer

    def close(self):
        for node_id, proc in self.procs.items():
            if proc.is_alive():
                try:
                    os.kill(proc.pid, signal.SIGCONT)
                    self.call(node_id, "stop", timeout=5)
                except (TimeoutError, OSError, EOFError, BrokenPipeError):
                    pass
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join(5)


__all__ = ["ProcessCluster", "ToyMachine"]
