"""Regression test for the PySyncObj 0.3.17 safety bug (DESIGN.md, "PySyncObj hazards").

The deterministic schedule of divergence.py --repro, replayed against GuardedSyncObj (the
class under our Replica): without the guards PySyncObj acknowledges c7 and c8 and the new
majority loses them; with the guards every node applies the same sequence and keeps every
acknowledged write.
"""

from __future__ import annotations

import logging

import pysyncobj.syncobj as syncobj_module
import pytest
from pysyncobj import FAIL_REASON

from tests.cluster.schedule import NAMES, Net, replay

pytestmark = pytest.mark.xdist_group("cluster")


@pytest.fixture
def install_clock(monkeypatch):
    def install(fn):
        monkeypatch.setattr(syncobj_module, "monotonicTime", fn)
    return install


def acknowledged(result) -> list[str]:
    return sorted(c for c, err in result["acks"].items() if err == FAIL_REASON.SUCCESS)


def lost_on_majority(result) -> list[str]:
    return [c for c in acknowledged(result)
            if any(c not in result["applied"][n] for n in "AB")]


CHUNKS = pytest.mark.parametrize("batch_bytes", [100, 60], ids=["two-per-chunk", "split-entries"])


@CHUNKS
def test_without_guards_the_schedule_loses_acknowledged_writes(install_clock, caplog, batch_bytes):
    with caplog.at_level(logging.CRITICAL, logger="pysyncobj"):
        result = replay(Net(False, install_clock, batch_bytes))
    assert {"c7", "c8"} <= set(acknowledged(result))
    assert lost_on_majority(result) == ["c7", "c8"]
    sequences = {tuple(result["applied"][n]) for n in NAMES}
    assert len(sequences) > 1, "the unguarded replicas were expected to diverge"
    assert any("truncating already-applied" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("guards", [
    dict(),  # both guards, as the Replica runs
    dict(follower_guard=False),  # the leader-side guard alone
    dict(leader_guard=False),  # the follower-side guard alone
], ids=["both", "leader-only", "follower-only"])
@CHUNKS
def test_with_guards_every_acknowledged_write_survives(install_clock, caplog, guards, batch_bytes):
    net = Net(True, install_clock, batch_bytes)
    for node in net.nodes.values():
        node._leader_guard = guards.get("leader_guard", True)
        node._follower_guard = guards.get("follower_guard", True)
    with caplog.at_level(logging.CRITICAL, logger="pysyncobj"):
        result = replay(net)
    expected = [f"c{i}" for i in range(3, 10)]
    assert acknowledged(result) == expected
    for name in NAMES:
        assert result["applied"][name] == expected, name
        assert result["failed"][name] is None
    assert lost_on_majority(result) == []
    assert not [r for r in caplog.records if r.levelno >= logging.CRITICAL]
    counts = result["guard_counts"]
    if guards.get("leader_guard", True):
        assert counts["L"]["next_index_kept"] > 0  # the guard actually intervened
    else:
        assert sum(c["truncation_avoided"] + c["entries_trimmed"] for c in counts.values()) > 0


def test_applied_sequences_carry_raft_indexes_in_order(install_clock):
    net = Net(True, install_clock)
    replay(net)
    for name in NAMES:
        indexes = [i for i, _ in net.machines[name].history]
        assert indexes == sorted(set(indexes))
    chains = {net.machines[n].chain for n in NAMES}
    assert len(chains) == 1
