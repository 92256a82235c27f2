"""Membership: voters, learners, one change at a time, leadership transfer.

How PySyncObj 0.3.17 does it, and what we add:
- Voters change through `dynamicMembershipChange` log entries ('add' / 'rem'), which take
  effect on each node as soon as the entry is in its log. PySyncObj refuses a change on the
  leader while another is uncommitted, but nothing stops two nodes from racing; we hold a
  per-node lock for the whole change (until it is applied here) and report a refusal as
  `MembershipBusy`.
- A new voter is started with every current member in its peer list and `join=True`, then
  added with `add_member`; it catches up from the log or, after log compaction, from a
  snapshot transfer.
- Learners are PySyncObj read-only nodes (`SyncObj(None, voters)`): they connect to every
  voter, receive entries from the leader, never vote and never count for a quorum. PySyncObj
  needs no log entry for them, so `add_learner` only records the address; the node-id ->
  address map and the roles are the replicated state's job (`set_cluster` in the graph
  layer), which calls `update_members` here when it applies.
- Promotion = `promote_learner` (a voter 'add') + restarting that node as a voter with
  `join=True`; a running read-only SyncObj cannot become a voter in place.
- Removal of the leader: leadership is transferred first (Raft TimeoutNow, which this build
  of 0.3.17 has); PySyncObj refuses to remove the node that leads. A node cannot remove
  itself: once its removal is in the new leader's log that leader stops talking to it, so it
  would never learn the outcome; call `remove_member` on another member.
"""

from __future__ import annotations

import contextlib
import threading
import time

from tugraph_bolt import errors
from tugraph_bolt.cluster.config import Peer
from tugraph_bolt.cluster.guarded import KIND_TRANSFER, envelope


class MembershipBusy(errors.ServerBusy):
    """Another membership change is in progress; retry when it is done."""


class Membership:
    """Mixin for Replica: needs self._sync, self.config and Replica's _drive/_replicate."""

    def _init_membership(self, config) -> None:
        self._membership_lock = threading.Lock()
        self._directory_lock = threading.Lock()
        self._members: dict[int, Peer] = {p.node_id: p for p in config.peers}

    # ------------------------------------------------------------------ the directory

    def members(self) -> list[Peer]:
        """Known members (voters and learners), by node id."""
        with self._directory_lock:
            return [self._members[k] for k in sorted(self._members)]

    def update_members(self, peers: list[Peer]) -> None:
        """Replace the node-id -> address directory (call when replicated membership changes)."""
        with self._directory_lock:
            self._members = {p.node_id: p for p in peers}

    def peer(self, node_id: int) -> Peer | None:
        with self._directory_lock:
            return self._members.get(node_id)

    def node_id_of(self, raft_address: str) -> int | None:
        with self._directory_lock:
            for node_id in sorted(self._members):
                peer = self._members[node_id]
                if not peer.learner and peer.raft_address == raft_address:
                    return node_id
        return None

    def voter_addresses(self) -> list[str]:
        """'ip:raft_port' of every voter PySyncObj currently has on this node (self included)."""
        addresses = [str(n) for n in self._sync.otherNodes]
        if self._sync.selfNode is not None:
            addresses.append(str(self._sync.selfNode))
        return sorted(addresses)

    def voter_ids(self) -> list[int]:
        """Node ids of voter_addresses() found in the directory."""
        ids = [self.node_id_of(a) for a in self.voter_addresses()]
        return sorted(i for i in ids if i is not None)

    def _remember(self, peer: Peer) -> None:
        with self._directory_lock:
            self._members[peer.node_id] = peer

    def _forget(self, node_id: int) -> None:
        with self._directory_lock:
            self._members.pop(node_id, None)

    @contextlib.contextmanager
    def _one_change(self):
        if not self._membership_lock.acquire(blocking=False):
            raise MembershipBusy("another membership change is in progress on this node")
        try:
            yield
        finally:
            self._membership_lock.release()

    # ------------------------------------------------------------------ changes

    def add_member(self, peer: Peer, timeout: float) -> None:
        """Add a voter. Returns once the change is applied on this node."""
        if peer.learner:
            raise errors.RequestInvalid("add_member adds a voter; use add_learner for learners")
        with self._one_change():
            address = peer.raft_address
            known = self.node_id_of(address)
            if known is not None and known in self.voter_ids():
                raise errors.RequestInvalid(f"{address} is already a voter (node {known})")
            self._remember(peer)
            deadline = time.monotonic() + timeout
            self._drive(lambda cb: self._sync.addNodeToCluster(address, callback=cb), deadline)

    def add_learner(self, peer: Peer) -> None:
        """Record a learner. It joins by itself: start it with `learner=True` in its Peer."""
        if not peer.learner:
            raise errors.RequestInvalid("add_learner needs a Peer with learner=True")
        with self._one_change():
            self._remember(peer)

    def promote_learner(self, node_id: int, timeout: float) -> Peer:
        """Make a learner a voter (then restart that node as a voter with join=True)."""
        peer = self.peer(node_id)
        if peer is None or not peer.learner:
            raise errors.RequestInvalid(f"node {node_id} is not a known learner")
        voter = Peer(peer.node_id, peer.ip, peer.raft_port, peer.bolt_port, learner=False)
        self.add_member(voter, timeout)
        return voter

    def remove_member(self, node_id: int, timeout: float) -> None:
        """Remove a voter (transferring leadership away first) or forget a learner."""
        if node_id == self.config.self_id:
            raise errors.RequestInvalid(
                "a node cannot remove itself; call remove_member on another member")
        with self._one_change():
            peer = self.peer(node_id)
            if peer is None:
                raise errors.RequestInvalid(f"node {node_id} is not a member")
            if peer.learner:
                self._forget(node_id)
                return
            deadline = time.monotonic() + timeout
            if self.leader_id == node_id and not self.transfer_leadership(
                    None, max(0.0, deadline - time.monotonic()), away_from=node_id):
                raise errors.UnknownOutcome(f"node {node_id} leads and would not hand over")
            address = peer.raft_address
            self._drive(lambda cb: self._sync.removeNodeFromCluster(address, callback=cb),
                        deadline)
            self._forget(node_id)

    # ------------------------------------------------------------------ leadership

    def transfer_leadership(self, node_id: int | None, timeout: float, *,
                            away_from: int | None = None) -> bool:
        """Hand leadership to `node_id` (None: the most caught-up other voter).

        Works from any node: on the leader it sends Raft TimeoutNow directly; elsewhere it
        replicates a transfer request that only the leader of that same term acts on.
        True once the wanted node (or, with None, any other node) leads.
        """
        target = None
        if node_id is not None:
            target = self.peer(node_id)
            if target is None or target.learner:
                raise errors.RequestInvalid(f"node {node_id} is not a voter")
        deadline = time.monotonic() + timeout
        old = away_from if away_from is not None else self.leader_id
        while time.monotonic() < deadline:
            leader = self.leader_id
            if leader is not None and (leader == node_id or (node_id is None and leader != old)):
                return True
            if leader is not None:
                address = target.raft_address if target else ""
                request = f"{self.term}|{self._sync._getLeader()}|{address}".encode()
                remaining = max(0.05, deadline - time.monotonic())
                if self.is_leader:
                    self._sync.call_in_tick(
                        lambda r=request: self._sync.request_transfer(r), timeout=remaining)
                else:
                    with contextlib.suppress(errors.NotALeader, errors.UnknownOutcome):
                        self._replicate(envelope(KIND_TRANSFER, request), min(remaining, 2.0))
            settle = time.monotonic() + 0.5
            while time.monotonic() < min(settle, deadline):
                leader = self.leader_id
                if leader is not None and leader != old:
                    break
                time.sleep(0.02)
        leader = self.leader_id
        return leader is not None and (leader == node_id or (node_id is None and leader != old))
