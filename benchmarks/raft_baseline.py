#!/usr/bin/env python3
"""Raft baseline: three local Replica processes replicating a dict put.

For each replication mode it starts a fresh 3-node cluster on 127.0.0.1 (one OS process per
node), then drives puts from submitter threads in one node (the leader, or a follower with
--from follower), 1 and 16 at a time, and reports ops/s, p50 and p99 latency as JSON:

    .venv/bin/python benchmarks/raft_baseline.py --seconds 5 --out /tmp/raft.json

Modes: `nobatch` (appendEntriesUseBatch off + our guards: each command is sent at once),
`batch10ms` (batching with appendEntriesPeriod 0.01 s and autoTickPeriod 0.005 s),
`nobatch-durable` (nobatch + journal flushed before acknowledging). Every wait is bounded;
children exit when the parent goes away.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODES = {
    "nobatch": dict(batching=False),
    "batch10ms": dict(batching=True, batch_period=0.01, auto_tick_period=0.005),
    "nobatch-durable": dict(batching=False, durable=True),
}


class DictMachine:
    """A replicated dict: b'key=value' puts into an immutable map."""

    def __init__(self):
        import immutables
        self._state = (0, immutables.Map())

    @property
    def applied_index(self) -> int:
        return self._state[0]

    def apply(self, command: bytes, index: int):
        key, _, value = command.partition(b"=")
        self._state = (index, self._state[1].set(key, value))
        return len(self._state[1])

    def snapshot(self):
        return self._state

    def restore(self, snap) -> None:
        self._state = snap


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1)))]


def run_load(replica, concurrency: int, seconds: float, payload: bytes) -> dict:
    from tugraph_bolt import errors
    latencies, failures, lock = [], {}, threading.Lock()
    stop_at = time.monotonic() + seconds

    def submitter(k):
        i = 0
        while time.monotonic() < stop_at:
            i += 1
            started = time.perf_counter()
            try:
                replica.submit(b"k%d-%d=" % (k, i % 1000) + payload, 5.0)
            except errors.DatabaseError as exc:
                with lock:
                    failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    began = time.monotonic()
    threads = [threading.Thread(target=submitter, args=(k,), daemon=True) for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "ops": len(latencies),
        "ops_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1e3, 3) if latencies else None,
        "p99_ms": round(percentile(latencies, 99) * 1e3, 3) if latencies else None,
        "failures": failures,
    }


def first_write_after(replica, since: float, limit: float = 15.0) -> float | None:
    """Seconds from `since` (a CLOCK_MONOTONIC reading, shared by local processes) until a
    write submitted here is applied; None if none succeeds within `limit`."""
    from tugraph_bolt import errors
    while time.monotonic() - since < limit:
        try:
            replica.submit(b"probe=1", 0.5)
            return time.monotonic() - since
        except errors.DatabaseError:
            continue
    return None


def node_main(node_id, peers, data_dir, mode, conn):
    """One cluster node: builds its Replica in this process's main thread, obeys the pipe."""
    from tugraph_bolt.cluster import Peer, Replica, ReplicaConfig
    peer_list = [Peer(*p) for p in peers]
    config = ReplicaConfig(self_id=node_id, peers=peer_list, data_dir=Path(data_dir),
                           **MODES[mode])
    replica = Replica(config, DictMachine())
    parent = os.getppid()
    try:
        while os.getppid() == parent:
            if not conn.poll(0.2):
                continue
            command, arg = conn.recv()
            if command == "status":
                conn.send({"leader": replica.is_leader, "leader_id": replica.leader_id,
                           "applied": replica.applied_index, "term": replica.term})
            elif command == "load":
                conn.send(run_load(replica, **arg))
            elif command == "write_after":
                conn.send(first_write_after(replica, arg))
            elif command == "stop":
                conn.send({"guards": replica.guard_counts, "failed": replica.failed})
                break
    finally:
        replica.close()


def call(conn, command, arg=None, timeout=120.0):
    conn.send((command, arg))
    if not conn.poll(timeout):
        raise TimeoutError(f"node did not answer {command}")
    return conn.recv()


def spawn(node_id, peers, workdir, mode):
    ctx = mp.get_context("spawn")  # each node builds its Replica in a fresh main thread
    parent_end, child_end = ctx.Pipe()
    proc = ctx.Process(target=node_main, daemon=True,
                       args=(node_id, peers, os.path.join(workdir, f"n{node_id}"), mode, child_end))
    proc.start()
    return node_id, proc, parent_end


def wait_leader(nodes, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        statuses = {n: call(c, "status") for n, _, c in nodes}
        leaders = [n for n, s in statuses.items() if s["leader"]]
        if len(leaders) == 1 and all(s["leader_id"] == leaders[0] for s in statuses.values()):
            return leaders[0]
        time.sleep(0.05)
    raise RuntimeError(f"no leader within {timeout} s")


def run_failover(args) -> dict:
    """Kill the leader (SIGKILL) N times; time until a survivor's write is applied."""
    ports = free_ports(3)
    peers = [(i + 1, "127.0.0.1", ports[i], 17600 + i) for i in range(3)]
    workdir = tempfile.mkdtemp(prefix="raft_failover_")
    nodes = [spawn(node_id, peers, workdir, "nobatch") for node_id, *_ in peers]
    times = []
    try:
        for _ in range(args.failover):
            leader = wait_leader(nodes)
            victim = next(n for n in nodes if n[0] == leader)
            survivor = next(n for n in nodes if n[0] != leader)
            call(survivor[2], "write_after", time.monotonic())  # warm: a leader serves
            killed_at = time.monotonic()
            victim[1].kill()
            victim[1].join(5)
            times.append(call(survivor[2], "write_after", killed_at, timeout=30))
            nodes = [n for n in nodes if n[0] != leader] + [spawn(leader, peers, workdir, "nobatch")]
        ok = sorted(t for t in times if t is not None)
        row = {"failover_runs": len(times), "failed_runs": len(times) - len(ok),
               "median_s": round(percentile(ok, 50), 3) if ok else None,
               "max_s": round(ok[-1], 3) if ok else None, "all_s": [round(t, 3) for t in ok]}
        print(json.dumps(row), flush=True)
        return row
    finally:
        for _, proc, conn in nodes:
            try:
                call(conn, "stop", timeout=5)
            except (TimeoutError, OSError, EOFError):
                pass
            proc.join(5)
            if proc.is_alive():
                proc.terminate()
        shutil.rmtree(workdir, ignore_errors=True)


def run_mode(mode: str, args) -> list[dict]:
    ports = free_ports(3)
    peers = [(i + 1, "127.0.0.1", ports[i], 17600 + i) for i in range(3)]
    workdir = tempfile.mkdtemp(prefix=f"raft_{mode}_")
    nodes = []
    try:
        for node_id, *_ in peers:
            nodes.append(spawn(node_id, peers, workdir, mode))
        leader = wait_leader(nodes)
        source = leader if args.submit_from == "leader" else next(n for n, *_ in nodes if n != leader)
        conn = next(c for n, _, c in nodes if n == source)
        rows = []
        for concurrency in args.concurrency:
            load = call(conn, "load", dict(concurrency=concurrency, seconds=args.seconds,
                                           payload=b"v" * args.payload_bytes),
                        timeout=args.seconds + 60)
            row = {"mode": mode, "submit_from": args.submit_from, "concurrency": concurrency,
                   "payload_bytes": args.payload_bytes, **load}
            print(json.dumps(row), flush=True)
            rows.append(row)
        finals = {n: call(c, "stop") for n, _, c in nodes}
        for row in rows:
            row["failed_nodes"] = [n for n, f in finals.items() if f["failed"]]
            row["guard_counts"] = {n: f["guards"] for n, f in finals.items()}
        return rows
    finally:
        for _, proc, _ in nodes:
            proc.join(5)
            if proc.is_alive():
                proc.terminate()
                proc.join(5)
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--modes", default=",".join(MODES), help="comma list of " + ", ".join(MODES))
    ap.add_argument("--concurrency", default="1,16")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--payload-bytes", type=int, default=100)
    ap.add_argument("--submit-from", choices=["leader", "follower"], default="leader")
    ap.add_argument("--failover", type=int, default=0,
                    help="also kill the leader this many times and time the failover")
    ap.add_argument("--out", help="write all rows as one JSON document here")
    args = ap.parse_args(argv)
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    rows = []
    for mode in [m for m in args.modes.split(",") if m]:
        rows.extend(run_mode(mode, args))
    failover = run_failover(args) if args.failover else None
    if args.out:
        Path(args.out).write_text(json.dumps({"rows": rows, "failover": failover}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
