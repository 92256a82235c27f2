"""In-process clusters of Replicas over TCP on 127.0.0.1: election, writes from any node,
ordering, barrier, status, backpressure and honest failures."""

from __future__ import annotations

import threading
import time

import pytest

from tests.cluster.toy import Cluster, ToyMachine, wait_until
from tugraph_bolt import errors

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cluster")]


@pytest.fixture(scope="module")
def trio(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("trio")).start_all()
    cluster.leader()
    yield cluster
    cluster.close()


def test_one_leader_that_every_node_knows(trio):
    leader = trio.leader()
    assert sum(r.is_leader for r in trio.replicas.values()) == 1
    assert {r.leader_id for r in trio.replicas.values()} == {leader.config.self_id}
    assert len({r.term for r in trio.replicas.values()}) == 1


def test_writes_from_every_node_apply_everywhere_in_one_order(trio):
    results = []
    for node_id, replica in sorted(trio.replicas.items()):
        for i in range(3):
            index, outcome = replica.submit(f"n{node_id}-{i}".encode(), 5)
            # the submitter has applied its own write when submit returns
            assert replica.applied_index >= index
            assert trio.machines[node_id].history[-1] == (index, f"n{node_id}-{i}".encode())
            results.append(index)
    assert results == sorted(results) and len(set(results)) == 9
    trio.wait_all_applied(results[-1])
    histories = {tuple(m.history) for m in trio.machines.values()}
    assert len(histories) == 1
    assert len({m.chain for m in trio.machines.values()}) == 1


def test_concurrent_submitters_get_distinct_indexes(trio):
    follower = trio.followers()[0]
    out, lock = [], threading.Lock()

    def writer(k):
        for i in range(10):
            index, _ = follower.submit(f"w{k}-{i}".encode(), 5)
            with lock:
                out.append(index)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(out) == 40 and len(set(out)) == 40
    trio.wait_all_applied(max(out))
    assert len({tuple(m.history) for m in trio.machines.values()}) == 1
    assert follower.in_flight == 0


def test_barrier_and_wait_applied(trio):
    leader = trio.leader()
    index, _ = leader.submit(b"before-barrier", 5)
    follower = trio.followers()[0]
    barrier = follower.barrier(5)
    assert barrier > index
    assert follower.applied_index >= barrier
    assert follower.wait_applied(index, 0.1)
    assert not follower.wait_applied(barrier + 1000, 0.2)  # bounded, answers False


def test_status_has_etcd_shape(trio):
    leader = trio.leader()
    status = leader.status()
    assert status["raftState"] == "StateLeader" and status["lead"] == leader.config.self_id
    assert set(status["progress"]) == {r.config.self_id for r in trio.followers()}
    for progress in status["progress"].values():
        assert progress["next"] == progress["match"] + 1 or progress["match"] <= status["commit"]
    assert status["raftlog"]["first"] <= status["commit"] <= status["raftlog"]["last"]
    assert status["voters"] == [1, 2, 3] and status["learners"] == []
    follower = trio.followers()[0].status()
    assert follower["raftState"] == "StateFollower" and follower["progress"] == {}
    assert follower["vote"] in (None, leader.config.self_id) or follower["term"] > 0


def test_oversized_and_non_bytes_commands_are_refused(trio):
    leader = trio.leader()
    with pytest.raises(TypeError):
        leader.submit("text", 1)
    with pytest.raises(errors.RequestInvalid, match="split it into smaller transactions"):
        leader.submit(b"x" * (leader.config.max_command_bytes + 1), 1)


def test_server_busy_when_in_flight_bound_is_reached(tmp_path):
    cluster = Cluster(tmp_path, voters=1, max_in_flight=2)
    try:
        replica = cluster.start_all().leader()
        machine = cluster.machines[1]
        machine.block = threading.Event()  # applies wait: commands stay in flight
        results = []
        threads = [threading.Thread(target=lambda: results.append(replica.submit(b"slow", 10)))
                   for _ in range(2)]
        for t in threads:
            t.start()
        wait_until(lambda: replica.in_flight == 2, 5, "two commands in flight")
        with pytest.raises(errors.ServerBusy):
            replica.submit(b"one too many", 5)
        machine.block.set()
        for t in threads:
            t.join(10)
        assert len(results) == 2 and replica.in_flight == 0
        assert replica.submit(b"room again", 5)[1] == 3
    finally:
        cluster.machines[1].block = None
        cluster.close()


def test_not_a_leader_when_no_quorum_can_form(tmp_path):
    cluster = Cluster(tmp_path, voters=3)
    try:
        lonely = cluster.start(1)  # its two peers never start: no election can be won
        started = time.monotonic()
        with pytest.raises(errors.NotALeader):
            lonely.submit(b"nobody home", 1.0)
        assert time.monotonic() - started < 3.0
    finally:
        cluster.close()


def test_unknown_outcome_when_the_leader_dies_mid_flight(tmp_path):
    cluster = Cluster(tmp_path, voters=3).start_all()
    try:
        leader = cluster.leader()
        follower = cluster.followers()[0]
        follower.submit(b"warm-up", 5)
        # The leader goes silent for everyone right after taking the next command: it still
        # answers the forwarding follower with the entry's index, then sends nothing more.
        sync = leader._sync
        transport = sync._SyncObj__transport
        real_send = transport.send
        muted = threading.Event()

        def send(node, message):
            if muted.is_set() and message.get("type") != "apply_command_response":
                return False
            if message.get("type") == "apply_command_response":
                muted.set()
            return real_send(node, message)

        transport.send = send
        with pytest.raises(errors.UnknownOutcome):
            follower.submit(b"in flight while the leader dies", 4.0)
        assert muted.is_set()
        cluster.stop(leader.config.self_id)
        new_leader = cluster.leader(timeout=10)
        assert new_leader is not leader
        # the survivors agree and keep serving
        index, _ = follower.submit(b"after failover", 5)
        cluster.wait_all_applied(index)
        assert len({tuple(m.history) for n, m in cluster.machines.items()
                    if n in cluster.replicas}) == 1
    finally:
        cluster.close()


def test_a_restarted_single_node_replays_its_journal(tmp_path):
    # a restart with an empty machine replays the journal: same history as before
    cluster = Cluster(tmp_path, voters=1).start_all()
    try:
        replica = cluster.leader()
        for i in range(5):
            replica.submit(f"k{i}".encode(), 5)
        history = cluster.machines[1].history
        cluster.stop(1)
        again = cluster.start(1, machine=ToyMachine())
        wait_until(lambda: cluster.machines[1].history == history, 10, "journal replay")
        assert again.submit(b"k5", 5)[1] == 6
    finally:
        cluster.close()


def test_exactly_one_replicated_method(trio):
    sync = trio.leader()._sync
    assert sorted(sync._methodToID) == ["apply_v0"]  # numbered by sorted name: keep it one


def test_sustained_load_from_a_follower_keeps_replicas_identical(trio):
    follower = trio.followers()[0]
    stop_at = time.monotonic() + 3.0
    done, lock = [], threading.Lock()

    def writer(k):
        i = 0
        while time.monotonic() < stop_at:
            i += 1
            try:
                index, _ = follower.submit(b"load-%d-%d" % (k, i), 5)
            except errors.ServerBusy:
                continue
            with lock:
                done.append(index)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(done) > 100 and len(set(done)) == len(done)
    trio.wait_all_applied(max(done), 15)
    assert len({tuple(m.history) for m in trio.machines.values()}) == 1
    assert all(r.failed is None for r in trio.replicas.values())


def test_stalled_leader_is_deposed_and_no_acknowledged_write_is_lost(tmp_path):
    cluster = Cluster(tmp_path, voters=3).start_all()
    try:
        leader = cluster.leader()
        follower = cluster.followers()[0]
        acked, lock = {}, threading.Lock()
        stop_at = time.monotonic() + 5.0

        def writer(k):
            i = 0
            while time.monotonic() < stop_at:
                i += 1
                command = b"s-%d-%d" % (k, i)
                try:
                    index, _ = follower.submit(command, 3)
                except (errors.UnknownOutcome, errors.NotALeader, errors.ServerBusy):
                    continue
                with lock:
                    acked[index] = command

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        # The leader's tick thread stalls in apply for 2.5 s (a GC pause, a stopped VM):
        # heartbeats stop, the others elect a new leader, then the old one wakes up.
        term_before = leader.term
        stall = threading.Event()
        cluster.machines[leader.config.self_id].block = stall
        threading.Timer(2.5, stall.set).start()
        for t in threads:
            t.join(20)
        stall.set()
        new_leader = cluster.leader(10)
        assert new_leader.term > term_before  # the stall caused an election
        index, _ = follower.submit(b"final", 5)
        cluster.wait_all_applied(index, 15)
        histories = {n: dict(m.history) for n, m in cluster.machines.items()}
        assert len({tuple(m.history) for m in cluster.machines.values()}) == 1
        for index, command in acked.items():
            assert all(h.get(index) == command for h in histories.values()), index
        assert all(r.failed is None for r in cluster.replicas.values())
    finally:
        for machine in cluster.machines.values():
            machine.block = None
        cluster.close()
