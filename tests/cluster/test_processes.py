"""Real processes and real stalls: SIGSTOP the leader under load from a follower (the fault
that made unguarded PySyncObj 0.3.17 log "truncating already-applied" and diverge); every
acknowledged write must be at its index on every node and all histories must agree."""

from __future__ import annotations

import time

import pytest

from tests.cluster.procs import ProcessCluster

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cluster")]


def test_paused_leader_under_load_loses_nothing(tmp_path):
    nodes = ProcessCluster(tmp_path, 3)
    try:
        leader = nodes.wait_leader()
        source = next(n for n in nodes.procs if n != leader)
        nodes.send(source, "load", dict(seconds=6.0, concurrency=16))
        time.sleep(1.5)
        timer = nodes.pause(leader, 2.0)  # longer than the election timeout
        result = nodes.receive(source, 60)
        timer.join(5)
        assert len(result["acked"]) > 50, result["errors"]
        new_leader = nodes.wait_leader()
        barrier = nodes.call(new_leader, "barrier", 10.0)
        assert isinstance(barrier, int), barrier
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            applied = {n: nodes.call(n, "status")["applied"] for n in nodes.procs}
            if min(applied.values()) >= barrier:
                break
            time.sleep(0.1)
        histories = {n: nodes.call(n, "history") for n in nodes.procs}
        reference = histories[new_leader]
        assert all(h[:len(reference)] == reference[:len(h)] for h in histories.values())
        lengths = {n: len(h) for n, h in histories.items()}
        assert len(set(lengths.values())) == 1, lengths
        by_index = dict(reference)
        for index, command in result["acked"].items():
            assert by_index.get(index) == command, (index, command)
        statuses = {n: nodes.call(n, "status") for n in nodes.procs}
        assert all(s["failed"] is None for s in statuses.values()), statuses
        assert max(s["term"] for s in statuses.values()) > 1  # the pause did cause an election
    finally:
        nodes.close()
