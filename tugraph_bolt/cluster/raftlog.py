"""RaftLog: the service's log interface on top of the PySyncObj `Replica`.

It also keeps the cluster's directory (node id -> ip, ports, role) in the REPLICATED graph
state (`set_cluster` commands), so every node answers `db.bolt.listRaftNodes()` alike, and
builds routing tables from it.

Start-up: a node whose data directory is new asks the other configured peers (over Bolt)
whether a cluster already runs. If one does and lists this node, the node joins it (as a
learner if the directory says so) and catches up from the log or a snapshot; if none
answers, the configured peers bootstrap a new cluster together.
"""

from __future__ import annotations

import logging
import threading

from .. import errors
from ..config import NodeConfig
from ..graph import set_cluster_command
from ..log import GraphMachine
from .config import Peer, ReplicaConfig
from .replica import Replica

log = logging.getLogger("tugraph_bolt.cluster")


def _member_dict(p: Peer) -> dict:
    return {"node_id": p.node_id, "ip": p.ip, "bolt_port": p.bolt_port,
            "raft_port": p.raft_port, "learner": p.learner}


def _peer(m: dict) -> Peer:
    return Peer(int(m["node_id"]), m["ip"], int(m["raft_port"]), int(m["bolt_port"]),
                bool(m.get("learner", False)))


def discover(cfg: NodeConfig, timeout: float = 2.0) -> list[dict] | None:
    """Ask the other configured peers for the running cluster's members (None: no answer)."""
    from ..client import BoltClient, ClientError

    for p in cfg.bolt_raft_init_peers:
        if p.bolt_raft_node_id == cfg.bolt_raft_node_id:
            continue
        try:
            with BoltClient.connect(p.ip, p.bolt_port, cfg.admin_user, cfg.admin_password,
                                    timeout=timeout) as c:
                fields, records, _ = c.run("CALL db.bolt.listRaftNodes()")
        except ClientError as e:
            if "Unauthorized" in e.code:
                log.warning("peer %s:%d refused this node's credentials while looking for a "
                            "running cluster; set admin_user / admin_password in this node's "
                            "config to the cluster's current ones", p.ip, p.bolt_port)
            else:
                log.info("peer %s:%d answered discovery with %s", p.ip, p.bolt_port, e.code)
            continue
        except (OSError, ValueError) as e:  # not running (yet): no answer from this peer
            log.debug("peer %s:%d did not answer discovery: %s", p.ip, p.bolt_port, e)
            continue
        rows = [dict(zip(fields, r, strict=True)) for r in records]
        if any(r["is_leader"] for r in rows):
            return rows
    return None


class RaftLog:
    clustered = True

    def __init__(self, cfg: NodeConfig, machine: GraphMachine):
        self.cfg = cfg
        self.machine = machine
        self.node_id = cfg.bolt_raft_node_id
        self.node_name = cfg.node_name
        peers = [Peer(p.bolt_raft_node_id, p.ip, p.bolt_raft_port, p.bolt_port, p.learner)
                 for p in cfg.bolt_raft_init_peers]
        fresh = not any((cfg.data_dir / name).exists() for name in ("raft.journal", "raft.dump"))
        join = False
        if fresh and len(peers) > 1:
            rows = discover(cfg)
            if rows is not None:
                me = [r for r in rows if r["node_id"] == self.node_id]
                if not me:
                    raise errors.DatabaseUnavailable(
                        f"a cluster is already running at the configured peers and node "
                        f"{self.node_id} is not a member; add it first on any member with "
                        f"CALL db.bolt.addRaftNode({self.node_id}, '<ip>', <bolt_port>, "
                        f"<bolt_raft_port>) (or addRaftLearnerNode), then start this node")
                peers = [Peer(r["node_id"], r["ip"], r["bolt_raft_port"], r["bolt_port"],
                              bool(r["is_learner"])) for r in rows]
                join = not me[0]["is_learner"]
                log.info("joining the running cluster as %s",
                         "a learner" if me[0]["is_learner"] else "a voter")
        t = cfg.raft_election_timeout
        rc = ReplicaConfig(
            self_id=self.node_id,
            peers=peers,
            data_dir=cfg.data_dir,
            password=cfg.cluster_secret,
            election_timeout=(t, 2 * t),
            leader_fallback_timeout=cfg.raft_leader_fallback_timeout,
            durable=cfg.raft_durable,
            max_in_flight=cfg.raft_max_in_flight,
            join=join,
            log_compaction_min_entries=cfg.raft_snapshot_entries,
        )
        self._initial = [_member_dict(p) for p in sorted(peers, key=lambda p: p.node_id)]
        self._cluster_seen = None
        self._change_lock = threading.Lock()
        self.replica = Replica(rc, machine)

    # --- the Log interface ---------------------------------------------------------------

    @property
    def state(self):
        self._sync_directory()
        return self.machine.state

    @property
    def applied_index(self) -> int:
        return self.replica.applied_index

    def submit(self, command: bytes, timeout: float):
        return self.replica.submit(command, timeout)

    def wait_applied(self, index: int, timeout: float) -> bool:
        return self.replica.wait_applied(index, timeout)

    def barrier(self, timeout: float) -> int:
        return self.replica.barrier(timeout)

    @property
    def is_leader(self) -> bool:
        return self.replica.is_leader

    @property
    def leader_id(self) -> int | None:
        return self.replica.leader_id

    @property
    def failed(self) -> str | None:
        return self.replica.failed

    @property
    def is_ready(self) -> bool:
        return self.replica.is_ready and self.replica.leader_id is not None

    def status(self) -> dict:
        return self.replica.status()

    def close(self) -> None:
        self.replica.close()

    # --- the replicated directory --------------------------------------------------------

    def members(self) -> list[dict]:
        """The replicated directory once a membership change wrote one; until then the
        initial peers, which every member's config lists alike. (Nothing is written at
        start-up: a background write there would make the state depend on timing.)"""
        cluster = self.machine.state.cluster
        if cluster:
            return [dict(m) for m in cluster]
        return [dict(m) for m in self._initial]

    def _sync_directory(self) -> None:
        cluster = self.machine.state.cluster
        if cluster is not self._cluster_seen and cluster:
            self._cluster_seen = cluster
            self.replica.update_members([_peer(m) for m in cluster])

    def member_rows(self) -> list[dict]:
        self._sync_directory()
        leader = self.replica.leader_id
        return [dict(m, is_leader=(m["node_id"] == leader)) for m in self.members()]

    def _write_members(self, members: list[dict]) -> None:
        members = sorted(members, key=lambda m: m["node_id"])
        self.submit(set_cluster_command(members), self.cfg.write_timeout)
        self._sync_directory()

    def add_node(self, node_id: int, ip: str, bolt_port: int, raft_port: int, *,
                 learner: bool) -> None:
        with self._change_lock:
            members = self.members()
            for m in members:
                if m["node_id"] == node_id:
                    raise errors.CypherArgumentError(f"node {node_id} already exists")
                if (m["ip"], m["raft_port"]) == (ip, raft_port):
                    raise errors.CypherArgumentError(
                        f"{ip}:{raft_port} is already the raft address of node {m['node_id']}")
            peer = Peer(node_id, ip, raft_port, bolt_port, learner)
            if learner:
                self.replica.add_learner(peer)
            else:
                self.replica.add_member(peer, self.cfg.write_timeout)
            self._write_members(members + [_member_dict(peer)])

    def _find(self, node_id: int) -> tuple[list[dict], dict]:
        members = self.members()
        for m in members:
            if m["node_id"] == node_id:
                return members, m
        raise errors.CypherArgumentError(f"node {node_id} is not a member of this cluster")

    def remove_node(self, node_id: int) -> None:
        with self._change_lock:
            members, target = self._find(node_id)
            voters = [m for m in members if not m["learner"]]
            if not target["learner"] and len(voters) <= 1:
                raise errors.CypherArgumentError(
                    f"node {node_id} is the last voter; a cluster needs at least one")
            if node_id == self.node_id:
                raise errors.CypherArgumentError(
                    f"node {node_id} cannot remove itself: send removeRaftNode({node_id}) "
                    "to another member")
            self.replica.remove_member(node_id, self.cfg.write_timeout)
            self._write_members([m for m in members if m["node_id"] != node_id])

    def promote_node(self, node_id: int) -> None:
        with self._change_lock:
            members, target = self._find(node_id)
            if not target["learner"]:
                raise errors.CypherArgumentError(f"node {node_id} is already a voter")
            self.replica.promote_learner(node_id, self.cfg.write_timeout)
            target["learner"] = False
            self._write_members(members)

    def transfer_leader(self, node_id: int) -> None:
        _, target = self._find(node_id)
        if target["learner"]:
            raise errors.CypherArgumentError(f"node {node_id} is a learner and cannot lead")
        if not self.replica.transfer_leadership(node_id, self.cfg.write_timeout):
            raise errors.UnknownOutcome(f"node {node_id} did not take over leadership in time")

    # --- routing -------------------------------------------------------------------------

    def _address(self, m: dict) -> str:
        for p in self.cfg.bolt_raft_init_peers:
            if p.bolt_raft_node_id == m["node_id"] and p.advertised_address:
                return p.advertised_address
        if m["node_id"] == self.node_id and self.cfg.advertised_address:
            return self.cfg.advertised_address
        return f"{m['ip']}:{m['bolt_port']}"

    def routing_table(self, routing: dict) -> list[dict]:
        if self.replica.leader_id is None:
            # An election is under way (or this follower has not heard the new leader's
            # first heartbeat). A table without a writer makes drivers fail plain
            # session.run() at once, so wait a little (about two election timeouts) first.
            self.replica.wait_leader(2 * self.cfg.raft_election_timeout * 2)
        rows = self.member_rows()
        leader = [self._address(m) for m in rows if m["is_leader"]]
        voters = [self._address(m) for m in rows if not m["learner"]]
        readers = [self._address(m) for m in rows if not m["is_leader"]]
        if not readers:
            readers = leader or voters
        return [{"addresses": leader, "role": "WRITE"},
                {"addresses": readers, "role": "READ"},
                {"addresses": voters, "role": "ROUTE"}]

