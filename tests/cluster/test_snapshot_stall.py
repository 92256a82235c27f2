"""A snapshot (log compaction) of a large state must not stall the tick thread: PySyncObj's
in-memory snapshots pickle the whole state on the tick thread (elections follow); with
`fullDumpFile` + `useFork` a child process pickles it and the tick thread only forks."""

from __future__ import annotations

import pickle
import time

import pytest

from tests.cluster.toy import Cluster, ToyMachine, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cluster")]

ITEMS = 200_000


class BulkMachine(ToyMachine):
    """b'fill' expands into many small objects: expensive to pickle, cheap to hold."""

    def apply(self, command: bytes, index: int):
        if command == b"fill":
            bulk = tuple((i, i * 7) for i in range(ITEMS))
            _, history, chain = self._state
            self._state = (index, history + ((index, bulk),), chain)
            return ITEMS
        return super().apply(command, index)


def test_compaction_of_a_large_state_does_not_stall_ticks_or_elections(tmp_path):
    cluster = Cluster(tmp_path, voters=3)
    try:
        for peer in cluster.initial:
            cluster.start(peer.node_id, machine=BulkMachine())
        leader = cluster.leader()
        index, _ = leader.submit(b"fill", 10)
        cluster.wait_all_applied(index)
        started = time.perf_counter()
        pickle.dumps(cluster.machines[leader.config.self_id].snapshot())
        pickle_s = time.perf_counter() - started  # what a tick thread would spend in-process
        term = leader.term
        ticks = []
        leader._sync.addOnTickCallback(lambda: ticks.append(time.monotonic()))
        time.sleep(0.3)
        leader._sync.forceLogCompaction()
        wait_until(lambda: leader.status()["raftlog"]["first"] > 1, 20, "the compaction to finish")
        time.sleep(0.3)
        gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
        assert gaps, "no ticks observed"
        low = leader.config.election_timeout[0]
        print(f"max tick gap during compaction {max(gaps):.3f}s; in-process pickle {pickle_s:.3f}s")
        assert max(gaps) < low / 2, (max(gaps), pickle_s)
        assert leader.is_leader and leader.term == term  # no election happened
        assert (tmp_path / f"node{leader.config.self_id}" / "raft.dump").stat().st_size > 100_000
    finally:
        cluster.close()
