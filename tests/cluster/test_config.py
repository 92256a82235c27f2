"""The PySyncObj settings that mitigate its hazards, and the raft port's exposure."""

from __future__ import annotations

import socket
import time

import pytest

from tests.cluster.toy import Cluster, ToyMachine, free_ports, wait_until
from tugraph_bolt.cluster import Peer, Replica, ReplicaConfig
from tugraph_bolt.cluster.config import MIB, check_bind_ip, syncobj_settings
from tugraph_bolt.errors import ConfigError

pytestmark = pytest.mark.xdist_group("cluster")


def config(tmp_path, ip="127.0.0.1", learner=False, **kw):
    peers = [Peer(1, ip, 9001, 7001, learner), Peer(2, "127.0.0.1", 9002, 7002),
             Peer(3, "127.0.0.1", 9003, 7003)]
    return ReplicaConfig(self_id=1, peers=peers, data_dir=tmp_path / "n1", **kw)


def test_mitigations_are_in_the_settings(tmp_path):
    me, others, conf = syncobj_settings(config(tmp_path))
    assert me == "127.0.0.1:9001" and conf["bindAddress"] == "127.0.0.1:9001"
    assert others == ["127.0.0.1:9002", "127.0.0.1:9003"]
    assert conf["journalFile"] == str(tmp_path / "n1" / "raft.journal")
    assert conf["fullDumpFile"] == str(tmp_path / "n1" / "raft.dump")
    assert conf["useFork"] is True and conf["dynamicMembershipChange"] is True
    assert conf["appendEntriesBatchSizeBytes"] == 16 * MIB
    low, high = conf["raftMinTimeout"], conf["raftMaxTimeout"]
    assert (low, high) == (0.6, 1.2)
    assert conf["leaderFallbackTimeout"] == low  # not PySyncObj's 30 s
    assert conf["appendEntriesUseBatch"] is False
    assert conf["commandsQueueSize"] < 100000  # bounded far below the measured ~200k hazard
    assert (tmp_path / "n1").is_dir()


def test_learner_has_no_raft_server(tmp_path):
    me, others, conf = syncobj_settings(config(tmp_path, learner=True))
    assert me is None and "bindAddress" not in conf
    assert others == ["127.0.0.1:9002", "127.0.0.1:9003"]


@pytest.mark.parametrize("ip", ["0.0.0.0", "::", ""])
def test_wildcard_bind_is_refused(tmp_path, ip):
    with pytest.raises(ConfigError, match="own ip"):
        syncobj_settings(config(tmp_path, ip=ip, password="secret"))


def test_password_required_off_loopback(tmp_path):
    with pytest.raises(ConfigError, match="password"):
        syncobj_settings(config(tmp_path, ip="10.1.2.3"))
    me, _, conf = syncobj_settings(config(tmp_path, ip="10.1.2.3", password="secret"))
    assert me == "10.1.2.3:9001" and conf["password"] == "secret"
    check_bind_ip("127.0.0.5", None)  # the whole loopback range is local
    check_bind_ip("::1", None)


@pytest.mark.parametrize("bad", [
    dict(election_timeout=(1.0, 0.5)),
    dict(heartbeat_period=0.3),
    dict(max_in_flight=0),
])
def test_inconsistent_settings_are_refused(tmp_path, bad):
    with pytest.raises(ConfigError):
        syncobj_settings(config(tmp_path, **bad))


def test_raft_port_listens_on_its_own_ip_only(tmp_path):
    port = free_ports(1)[0]
    peer = Peer(1, "127.0.0.1", port, 7001)
    replica = Replica(ReplicaConfig(self_id=1, peers=[peer], data_dir=tmp_path / "solo"),
                      ToyMachine())
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
        with pytest.raises(OSError):  # another loopback address: nothing listens there
            socket.create_connection(("127.0.0.2", port), timeout=2).close()
    finally:
        replica.close()


def test_raft_port_in_use_fails_fast(tmp_path):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    try:
        started = time.monotonic()
        with pytest.raises(Exception, match="bind"):
            Replica(ReplicaConfig(self_id=1, peers=[Peer(1, "127.0.0.1", port, 7001)],
                                  data_dir=tmp_path / "taken", bind_retries=2), ToyMachine())
        assert time.monotonic() - started < 5
    finally:
        blocker.close()


def test_cluster_with_a_password_encrypts_and_works(tmp_path):
    cluster = Cluster(tmp_path, voters=3, password="cluster secret").start_all()
    try:
        leader = cluster.leader()
        assert leader._sync.encryptor is not None
        index, _ = cluster.followers()[0].submit(b"encrypted", 5)
        cluster.wait_all_applied(index)
    finally:
        cluster.close()


def test_durable_flushes_the_journal_before_acknowledging(tmp_path):
    cluster = Cluster(tmp_path, voters=3, durable=True).start_all()
    try:
        leader = cluster.leader()
        follower = cluster.followers()[0]
        flushed_before = follower.guard_counts["journal_flushes"]
        for i in range(5):
            index, _ = leader.submit(f"d{i}".encode(), 5)
        cluster.wait_all_applied(index)
        assert follower.guard_counts["journal_flushes"] > flushed_before
        assert leader.guard_counts["journal_flushes"] > 0
        history = cluster.machines[1].history
        cluster.stop(1)
        cluster.start(1, machine=ToyMachine())
        wait_until(lambda: cluster.machines[1].history[:len(history)] == history, 10,
                   "node 1 to replay its journal")
    finally:
        cluster.close()


def test_extra_settings_cannot_undo_a_mitigation(tmp_path):
    with pytest.raises(ConfigError, match="bindAddress"):
        syncobj_settings(config(tmp_path, extra={"bindAddress": "0.0.0.0:9001"}))
    _, _, conf = syncobj_settings(config(tmp_path, extra={"logCompactionSplit": True}))
    assert conf["logCompactionSplit"] is True
