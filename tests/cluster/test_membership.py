"""Membership over TCP: learners, voter add/remove one at a time, restart from the journal,
catch-up by snapshot transfer after log compaction, leadership transfer."""

from __future__ import annotations

import threading

import pytest

from tests.cluster.toy import Cluster, ToyMachine, wait_until
from tugraph_bolt import errors
from tugraph_bolt.cluster import MembershipBusy

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cluster")]


def same_history(cluster, ids):
    return len({tuple(cluster.machines[i].history) for i in ids}) == 1


def test_learner_replicates_never_votes_never_counts(tmp_path):
    cluster = Cluster(tmp_path, voters=3, learners=1).start_all()
    try:
        leader = cluster.leader()
        learner = cluster.replicas[4]
        assert learner.is_learner and learner._sync.selfNode is None
        index, _ = leader.submit(b"to everyone", 5)
        assert learner.wait_applied(index, 10)
        index, _ = learner.submit(b"written on the learner", 5)  # forwarded to the leader
        cluster.wait_all_applied(index)
        assert same_history(cluster, [1, 2, 3, 4])
        status = wait_until(lambda: (s := leader.status())["learnerProgress"] and s, 5,
                            "the learner in the leader's progress")
        assert set(status["progress"]) == {r.config.self_id for r in cluster.followers()}
        assert learner.status()["isLearner"] and learner.status()["voters"] == [1, 2, 3]
        # Two voters gone: the last voter plus the learner must not make a quorum.
        survivor = cluster.followers()[0]
        for gone in [leader.config.self_id] + [r.config.self_id for r in cluster.followers()
                                                if r is not survivor]:
            cluster.stop(gone)
        term_before = survivor.term
        with pytest.raises((errors.NotALeader, errors.UnknownOutcome)):
            survivor.submit(b"no quorum", 3.0)
        assert not survivor.is_leader and survivor.term > term_before  # it tried, and lost
        assert not learner.is_leader and learner.term <= survivor.term
    finally:
        cluster.close()


def test_voter_changes_one_at_a_time_and_a_restarted_node_catches_up(tmp_path):
    cluster = Cluster(tmp_path, voters=3, extra_ids=2).start_all()
    try:
        leader = cluster.leader()
        leader.submit(b"first", 5)
        down = cluster.followers()[0].config.self_id
        cluster.stop(down)  # with 4 voters and one down, node 4 itself is needed for quorum
        outcome = {}

        def add_node_4():
            try:
                leader.add_member(cluster.peers[4], 30)
                outcome["ok"] = True
            except Exception as exc:  # reported through the assertion below
                outcome["error"] = exc

        adder = threading.Thread(target=add_node_4)
        adder.start()
        wait_until(lambda: leader._membership_lock.locked(), 5, "the first change to start")
        with pytest.raises(MembershipBusy):
            leader.add_member(cluster.peers[5], 1)
        cluster.start(4, peers=cluster.initial + [cluster.peers[4]], join=True)
        adder.join(40)
        assert outcome == {"ok": True}
        cluster.start(down)  # restarts from its journal, learns node 4 from the log
        for replica in cluster.replicas.values():
            replica.update_members(list(cluster.peers.values())[:4])
        index, _ = cluster.replicas[4].submit(b"from the new voter", 10)
        cluster.wait_all_applied(index, 15)
        assert same_history(cluster, [1, 2, 3, 4])
        assert cluster.machines[down].history[0][1] == b"first"
        for replica in cluster.replicas.values():
            wait_until(lambda r=replica: r.voter_ids() == [1, 2, 3, 4], 5, "4 voters")
        remover = next(r for i, r in cluster.replicas.items() if i != 4)
        remover.remove_member(4, 15)
        cluster.stop(4)
        for node_id, replica in cluster.replicas.items():
            wait_until(lambda r=replica: r.voter_ids() == [1, 2, 3], 5, f"node {node_id}: 3 voters")
        index, _ = remover.submit(b"after removal", 10)
        cluster.wait_all_applied(index, 10)
        assert same_history(cluster, [1, 2, 3])
        with pytest.raises(errors.RequestInvalid):
            remover.remove_member(remover.config.self_id, 1)
    finally:
        cluster.close()


def test_new_node_catches_up_by_snapshot_and_restarts_from_it(tmp_path):
    cluster = Cluster(tmp_path, voters=3, extra_ids=1).start_all()
    try:
        leader = cluster.leader()
        for i in range(30):
            index, _ = leader.submit(f"k{i}".encode(), 5)
        cluster.wait_all_applied(index)
        for replica in cluster.replicas.values():
            replica._sync.forceLogCompaction()
        for node_id, replica in cluster.replicas.items():
            wait_until(lambda r=replica: r.status()["raftlog"]["first"] > 2, 10,
                       f"node {node_id} to compact its log")
        assert all((tmp_path / f"node{i}" / "raft.dump").exists() for i in (1, 2, 3))
        newcomer = cluster.start(4, peers=cluster.initial + [cluster.peers[4]], join=True)
        leader.add_member(cluster.peers[4], 15)
        index, _ = leader.submit(b"after the snapshot", 5)
        assert newcomer.wait_applied(index, 15)
        assert cluster.machines[4].restores >= 1  # it got the state, not the whole log
        assert same_history(cluster, [1, 2, 3, 4])
        history = cluster.machines[4].history
        cluster.stop(4)
        cluster.start(4, peers=cluster.initial + [cluster.peers[4]], machine=ToyMachine())
        wait_until(lambda: cluster.machines[4].history[:len(history)] == history, 10,
                   "node 4 to reload its dump and journal")
        assert cluster.machines[4].restores == 1
        index, _ = cluster.replicas[4].submit(b"after the restart", 10)
        cluster.wait_all_applied(index, 10)
        assert same_history(cluster, [1, 2, 3, 4])
    finally:
        cluster.close()


def test_transfer_leadership(tmp_path):
    cluster = Cluster(tmp_path, voters=3).start_all()
    try:
        leader = cluster.leader()
        leader.submit(b"x", 5)
        target = cluster.followers()[0].config.self_id
        assert leader.transfer_leadership(target, 10)
        assert cluster.leader().config.self_id == target
        # from a follower: a replicated request that only the current leader acts on
        follower = next(r for r in cluster.followers())
        assert follower.transfer_leadership(follower.config.self_id, 10)
        assert cluster.leader().config.self_id == follower.config.self_id
        index, _ = follower.submit(b"y", 5)
        cluster.wait_all_applied(index)
        assert same_history(cluster, [1, 2, 3])
    finally:
        cluster.close()


def test_removing_the_leader_hands_leadership_over_first(tmp_path):
    cluster = Cluster(tmp_path, voters=3, extra_ids=1).start_all()
    try:
        leader = cluster.leader()
        cluster.start(4, peers=cluster.initial + [cluster.peers[4]], join=True)
        leader.add_member(cluster.peers[4], 15)
        everyone = list(cluster.peers.values())
        for replica in cluster.replicas.values():
            replica.update_members(everyone)
        old = leader.config.self_id
        caller = cluster.followers()[0]
        caller.remove_member(old, 20)
        stayed = [i for i in cluster.replicas if i != old]
        cluster.stop(old)
        new_leader = cluster.leader(10)
        assert new_leader.config.self_id in stayed
        for node_id in stayed:
            wait_until(lambda i=node_id: cluster.replicas[i].voter_ids() == sorted(stayed), 5,
                       f"node {node_id} to drop the old leader")
        index, _ = caller.submit(b"after removing the leader", 5)
        cluster.wait_all_applied(index)
        assert same_history(cluster, stayed)
    finally:
        cluster.close()
