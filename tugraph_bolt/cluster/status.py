"""Replica status in etcd's shape (run on the tick thread: it reads PySyncObj internals).

    {"id": 1, "term": 3, "vote": 1, "commit": 42, "lead": 1, "raftState": "StateLeader",
     "applied": 42, "progress": {2: {"match": 42, "next": 43}, 3: {...}},
     "raftlog": {"first": 1, "last": 42}, "voters": [1, 2, 3], "learners": [4],
     "learnerProgress": [{"conn": "0", "match": 42, "next": 43}], "isLearner": False,
     "ready": True, "failed": None, "guards": {...}}

`progress` is filled on the leader only (as in etcd). A learner's PySyncObj connection has
no address, only a connection number, so learner progress is listed by that number.
"""

from __future__ import annotations

RAFT_STATES = {0: "StateFollower", 1: "StateCandidate", 2: "StateLeader"}


def replica_status(replica) -> dict:
    sync = replica._sync
    log = sync._SyncObj__raftLog
    leader = sync._getLeader()
    vote = sync._SyncObj__votedForNodeId
    progress, learner_progress = {}, []
    if sync._isLeader():
        next_index = dict(sync._SyncObj__raftNextIndex)
        match_index = dict(sync._SyncObj__raftMatchIndex)
        readonly = sync.readonlyNodes
        for node in sorted(next_index, key=lambda n: str(n.id)):
            entry = {"match": match_index.get(node, 0), "next": next_index[node]}
            if node in readonly:
                learner_progress.append({"conn": str(node.id), **entry})
                continue
            node_id = replica.node_id_of(str(node.id))
            progress[node_id if node_id is not None else str(node.id)] = entry
    learners = sorted(p.node_id for p in replica.members() if p.learner)
    return {
        "id": replica.config.self_id,
        "term": sync.raftCurrentTerm,
        "vote": None if vote is None else replica.node_id_of(str(vote)),
        "commit": sync.raftCommitIndex,
        "lead": None if leader is None else replica.node_id_of(str(leader)),
        "raftState": RAFT_STATES.get(sync._SyncObj__raftState, "StateFollower"),
        "applied": replica.applied_index,
        "progress": progress,
        "raftlog": {"first": log[0][1], "last": log[-1][1]} if len(log) else {},
        "voters": replica.voter_ids(),
        "learners": learners,
        "learnerProgress": learner_progress,
        "isLearner": replica.is_learner,
        "ready": replica.is_ready,
        "failed": replica.failed,
        "guards": dict(sync.guard_counts),
    }
