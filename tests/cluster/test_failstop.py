"""Fail-stop: a CRITICAL line from PySyncObj, a conflict at an applied index, an apply whose
index does not increase, or an undecodable command stops the node instead of serving."""

from __future__ import annotations

import logging

import pysyncobj.syncobj as syncobj_module
import pytest

from tests.cluster.schedule import Net
from tests.cluster.toy import Cluster, wait_until
from tugraph_bolt import errors
from tugraph_bolt.cluster.guarded import KIND_COMMAND, FailStopped, envelope

pytestmark = pytest.mark.xdist_group("cluster")

CRITICAL_LINE = "truncating already-applied log entries from index 5 (last applied: 6)"


@pytest.fixture
def net(monkeypatch):
    """Three guarded nodes on the in-memory transport, L elected, c1 applied everywhere."""
    def install(fn):
        monkeypatch.setattr(syncobj_module, "monotonicTime", fn)
    net = Net(True, install)
    net.clock = 2.1
    net.nodes["L"].doTick(0)
    for f in "AB":
        net.deliver("L", f)
    for f in "AB":
        net.deliver(f, "L")
    net.submit("L", "c1")
    for _ in range(4):
        net.heartbeat_round("L", "AB")
    assert all(net.applied(n) == ["c1"] for n in "LAB")
    return net


def test_critical_line_on_a_replicas_tick_thread_stops_that_replica(tmp_path):
    cluster = Cluster(tmp_path, voters=1)
    other = Cluster(tmp_path / "other", voters=1)
    try:
        replica = cluster.start_all().leader()
        bystander = other.start_all().leader()
        replica.submit(b"before", 5)
        replica._sync.call_in_tick(
            lambda: logging.getLogger("pysyncobj.syncobj").critical(CRITICAL_LINE), 5)
        assert replica.failed and CRITICAL_LINE in replica.failed
        assert cluster.fail_stops and cluster.fail_stops[0][0] == 1
        with pytest.raises(errors.DatabaseUnavailable):
            replica.submit(b"after", 2)
        thread = replica._sync._SyncObj__thread
        wait_until(lambda: not thread.is_alive(), 5, "the tick thread to exit")
        assert replica.status()["failed"]
        # a replica in the same process that logged nothing keeps serving
        assert bystander.failed is None
        assert bystander.submit(b"still serving", 5)[1] == 1
    finally:
        cluster.close()
        other.close()


def test_critical_line_outside_any_node_stops_every_guarded_node(net):
    logging.getLogger("pysyncobj").critical("unattributable trouble")
    assert all(net.nodes[n].failed for n in "LAB")
    before = net.applied("A")
    net.submit("L", "c2")
    net.heartbeat_round("L", "AB")
    assert net.applied("A") == before  # a stopped node neither ticks nor applies


def test_conflicting_entry_at_an_applied_index_fail_stops_the_follower(net):
    follower = net.nodes["A"]
    log_before = [(e[1], e[2]) for e in follower._SyncObj__raftLog[:]]
    applied = follower.raftLastApplied
    assert applied >= 3
    forged = {"type": "append_entries", "term": 7, "commit_index": applied,
              "prevLogIdx": 2, "prevLogTerm": log_before[1][1],
              "entries": [(b"\x00", 3, 7)]}  # index 3 holds c1 (term 1) here: a conflict
    follower._SyncObj__transport._onMessageReceived(follower.otherNodes.pop(), forged)
    assert follower.failed and "diverged" in follower.failed
    assert [(e[1], e[2]) for e in follower._SyncObj__raftLog[:]] == log_before


def test_apply_must_strictly_increase(net):
    node = net.nodes["B"]
    last = node._last_index
    with pytest.raises(FailStopped):
        node._apply_entry(envelope(KIND_COMMAND, b"again"), last)
    assert node.failed and f"index {last}" in node.failed
    assert net.applied("B") == ["c1"]


def test_restored_state_ahead_of_the_log_is_refused(net):
    node, machine = net.nodes["A"], net.machines["A"]
    index, history, chain = machine.snapshot()
    machine.restore((index + 10, history, chain))  # state claims more than the log applied
    net.submit("L", "c2")
    for _ in range(3):
        net.heartbeat_round("L", "AB")
    assert node.failed and "apply at raft index" in node.failed
    assert net.applied("B") == ["c1", "c2"]  # the healthy follower went on


def test_undecodable_command_is_fatal(net):
    node = net.nodes["B"]
    with pytest.raises(FailStopped):
        node._apply_entry(b"\x09garbage", node.raftLastApplied + 1)
    assert "undecodable" in node.failed
