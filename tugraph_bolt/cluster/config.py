"""Replica configuration and its translation into PySyncObj settings.

Every PySyncObj 0.3.17 hazard that a setting can mitigate is mitigated here, in one place:

- the raft port binds the node's own ip, never a wildcard (every raft frame is unpickled
  before any check, so an exposed port is remote code execution);
- a cluster `password` (PySyncObj's encryption) is required whenever that ip is not loopback;
- `journalFile` and `fullDumpFile` are both always set (a journal without a dump loses all
  state after log compaction);
- `leaderFallbackTimeout` sits near the election timeout (default 30 s lets a partitioned
  old leader believe it leads for half a minute);
- `appendEntriesBatchSizeBytes` is large, so a re-send is one message, never split;
- the command queue is bounded (the Replica also bounds commands in flight per node);
- snapshots are written by a forked child (`useFork`), never pickled on the tick thread.

>>> p = Peer(1, "127.0.0.1", 9090, 7687)
>>> p.raft_address
'127.0.0.1:9090'
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from tugraph_bolt.errors import ConfigError

MIB = 1 << 20
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
# SyncObjConf keys that carry a mitigation: `ReplicaConfig.extra` may not override them.
PROTECTED_KEYS = ("bindAddress", "password", "journalFile", "fullDumpFile", "useFork",
                  "dynamicMembershipChange", "appendEntriesBatchSizeBytes", "commandsWaitLeader",
                  "leaderFallbackTimeout", "commandsQueueSize")


@dataclass(frozen=True)
class Peer:
    """A cluster member: its Raft node id, address, ports and role."""

    node_id: int
    ip: str
    raft_port: int
    bolt_port: int
    learner: bool = False

    @property
    def raft_address(self) -> str:
        """PySyncObj identifies a voter by 'ip:port'."""
        return f"{self.ip}:{self.raft_port}"


@dataclass
class ReplicaConfig:
    """How one node takes part in the Raft group.

    election_timeout: (min, max) seconds. Failover after a leader dies takes about the
        randomised timeout plus one round trip; (0.6, 1.2) gives a median near 1 s.
    leader_fallback_timeout: a leader that heard from no majority for this long steps down;
        None = the election timeout's minimum.
    batching: PySyncObj's appendEntriesUseBatch. Off (the default, with our guards) sends
        each command at once: lower latency, measured in benchmarks/raft_baseline.py.
    durable: flush (msync) the journal before this node acknowledges an entry.
    join: this voter is being added to a running cluster; it starts no election before a
        leader has contacted it (otherwise its rising term would depose the leader).
    """

    self_id: int
    peers: list[Peer]
    data_dir: Path
    password: str | None = None
    election_timeout: tuple[float, float] = (0.6, 1.2)
    heartbeat_period: float = 0.1
    leader_fallback_timeout: float | None = None
    append_entries_batch_bytes: int = 16 * MIB
    batching: bool = False
    batch_period: float = 0.01
    auto_tick_period: float = 0.05
    max_in_flight: int = 256
    durable: bool = False
    join: bool = False
    connection_retry: float = 1.0
    bind_retries: int = 10
    log_compaction_min_entries: int = 5000
    log_compaction_min_time: float = 300.0
    snapshot_chunk_bytes: int = 1 * MIB
    extra: dict = field(default_factory=dict)

    @property
    def self_peer(self) -> Peer:
        for peer in self.peers:
            if peer.node_id == self.self_id:
                return peer
        raise ConfigError("peers", f"node {self.self_id} is not in its own peer list")

    @property
    def learner(self) -> bool:
        return self.self_peer.learner

    @property
    def voters(self) -> list[Peer]:
        return sorted((p for p in self.peers if not p.learner), key=lambda p: p.node_id)

    @property
    def journal_file(self) -> Path:
        return Path(self.data_dir) / "raft.journal"

    @property
    def dump_file(self) -> Path:
        return Path(self.data_dir) / "raft.dump"

    @property
    def max_command_bytes(self) -> int:
        # A command at or above the batch size would be split over 'transmission' messages,
        # which the follower-side guard does not cover; refuse such commands instead.
        return self.append_entries_batch_bytes // 2


def check_bind_ip(ip: str, password: str | None) -> None:
    """Refuse wildcard binds; require a password off loopback.

    >>> check_bind_ip("127.0.0.1", None)
    >>> check_bind_ip("0.0.0.0", "s3cret")
    Traceback (most recent call last):
    ...
    tugraph_bolt.errors.ConfigError: config key 'ip': the raft port must bind the node's own ip, not '0.0.0.0'
    """
    if ip in WILDCARD_HOSTS:
        raise ConfigError("ip", f"the raft port must bind the node's own ip, not '{ip}'")
    try:
        loopback = ipaddress.ip_address(ip).is_loopback
    except ValueError:
        loopback = ip == "localhost"
    if not loopback and not password:
        raise ConfigError(
            "password",
            f"a cluster password is required when the raft port binds a non-loopback ip ({ip}):"
            " PySyncObj unpickles every frame it receives",
        )


def syncobj_settings(config: ReplicaConfig) -> tuple[str | None, list[str], dict]:
    """(self address or None for a learner, voter addresses of the others, SyncObjConf kwargs)."""
    me = config.self_peer
    ids = [p.node_id for p in config.peers]
    if len(ids) != len(set(ids)):
        raise ConfigError("peers", "node ids must be unique")
    low, high = config.election_timeout
    if not 0 < low < high:
        raise ConfigError("election_timeout", "need 0 < min < max")
    if config.heartbeat_period * 3 >= low:
        raise ConfigError("heartbeat_period", "must be below a third of the election timeout")
    if config.max_in_flight < 1:
        raise ConfigError("max_in_flight", "must be at least 1")
    check_bind_ip(me.ip, config.password)
    voters = config.voters
    if not voters:
        raise ConfigError("peers", "at least one voter is needed")
    Path(config.data_dir).mkdir(parents=True, exist_ok=True)
    fallback = config.leader_fallback_timeout or low
    kwargs = dict(
        password=config.password,
        autoTick=True,
        autoTickPeriod=config.auto_tick_period,
        raftMinTimeout=low,
        raftMaxTimeout=high,
        appendEntriesPeriod=config.batch_period if config.batching else config.heartbeat_period,
        connectionTimeout=max(3.5, high),
        connectionRetryTime=config.connection_retry,
        leaderFallbackTimeout=max(fallback, config.heartbeat_period * 2),
        appendEntriesUseBatch=config.batching,
        appendEntriesBatchSizeBytes=config.append_entries_batch_bytes,
        journalFile=str(config.journal_file),
        fullDumpFile=str(config.dump_file),
        useFork=True,
        dynamicMembershipChange=True,
        # A queued command waiting for a leader cannot be told apart from a sent one when
        # its wait times out; failing fast lets submit() retry and report NotALeader honestly.
        commandsWaitLeader=False,
        commandsQueueSize=max(1024, config.max_in_flight * 16),
        logCompactionMinEntries=config.log_compaction_min_entries,
        logCompactionMinTime=config.log_compaction_min_time,
        logCompactionBatchSize=config.snapshot_chunk_bytes,
        bindRetryTime=0.3,
        maxBindRetries=config.bind_retries,
    )
    if config.batching:
        # A new command does not wake the tick thread in batch mode: the tick period bounds
        # the added latency (measured: ~2 x autoTickPeriod).
        kwargs["autoTickPeriod"] = min(config.auto_tick_period, config.batch_period / 2)
    if me.learner:
        self_address = None
    else:
        self_address = me.raft_address
        kwargs["bindAddress"] = me.raft_address
    others = [p.raft_address for p in voters if p.node_id != me.node_id]
    protected = [k for k in sorted(config.extra) if k in PROTECTED_KEYS]
    if protected:
        raise ConfigError("extra", f"may not override {', '.join(protected)} (a safety setting)")
    kwargs.update(config.extra)
    return self_address, others, kwargs
