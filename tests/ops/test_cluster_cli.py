"""`tugraph-bolt cluster ...` against a real three-node cluster (node processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import leader_of, running_cluster
from tugraph_bolt.devcluster import free_ports, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("processes")]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with running_cluster(tmp_path_factory.mktemp("cli-cluster")) as c:
        yield c


def everywhere(cluster) -> str:
    return ",".join(f"{h}:{p}" for h, p in cluster.addresses())


def status_doc(run_cli, address) -> dict:
    code, out, err = run_cli("cluster", "status", "--address", address, "--json")
    assert code == 0, err
    return json.loads(out)


def test_status_shows_members_roles_leader_term_and_lag(run_cli, cluster):
    leader = leader_of(cluster)

    def settled():
        # right after start-up a member may still be a candidate or not yet know the
        # leader; the table is checked once every member has settled
        code, out, err = run_cli("cluster", "status", "--address", everywhere(cluster))
        assert (code, err) == (0, "")
        lines = out.splitlines()
        rows = [[c.strip() for c in line.split("|")[1:-1]] for line in lines[4:-1]]
        roles = sorted(r[3] for r in rows)
        known = lines[0].startswith("leader: node ")
        return (lines, rows) if known and roles == ["follower", "follower", "leader"] else None

    lines, rows = wait_until(settled, 30, what="one leader and two followers")
    leader = leader_of(cluster)
    assert lines[0].startswith(f"leader: node {leader.node_id} (127.0.0.1:{leader.bolt_port})")
    assert [r[0] for r in rows] == ["1", "2", "3"]
    # a follower that has not heard from the new leader yet may still show an older term
    doc = wait_until(lambda: (d := status_doc(run_cli, everywhere(cluster)))
                     and all(m["term"] == d["term"] for m in d["members"]) and d, 30,
                     what="every member in the leader's term")
    assert doc["leader"] == leader.node_id and doc["term"] >= 1
    for m in doc["members"]:
        assert m["applied"] <= m["commit"] and isinstance(m["lag"], int) and m["lag"] >= 0


def test_nodes_agree_whichever_node_is_asked(run_cli, cluster):
    def ask_all():
        docs = []
        for host, port in cluster.addresses():
            code, out, _ = run_cli("cluster", "nodes", "--address", f"{host}:{port}", "--json")
            assert code == 0
            docs.append(json.loads(out))
        return docs

    # right after start-up a follower may not have heard from the new leader yet (its
    # is_leader column lags by one heartbeat): agreement is the settled state
    docs = wait_until(lambda: (d := ask_all()) and d[0] == d[1] == d[2] and d, 30,
                      what="every node to report the same members and leader")
    assert [m["node_id"] for m in docs[0]["members"]] == [1, 2, 3]
    assert [m["bolt_port"] for m in docs[0]["members"]] == [n.bolt_port for n in
                                                            cluster.nodes.values()]


@pytest.mark.parametrize("argv, reason", [
    (["add", "1", "127.0.0.1", "7001", "7002"], "node 1 already exists"),
    (["add-learner", "2", "127.0.0.1", "7001", "7002"], "node 2 already exists"),
    (["add", "5", "127.0.0.1", "0", "7002"], "bolt_port must be a port number"),
    (["remove", "99"], "node 99 is not a member of this cluster"),
    (["promote", "99"], "node 99 is not a member of this cluster"),
    (["promote", "2"], "node 2 is already a voter"),
    (["transfer-leader", "99"], "node 99 is not a member of this cluster"),
])
def test_membership_errors_are_one_line(run_cli, cluster, argv, reason):
    code, out, err = run_cli("cluster", *argv, "--address", everywhere(cluster))
    assert code == 1 and out == ""
    assert err.startswith("tugraph-bolt: ") and reason in err
    assert len(err.strip().splitlines()) == 1


def test_transfer_leader_to_a_follower(run_cli, cluster):
    old = leader_of(cluster)
    target = next(n for n in cluster.nodes.values() if n is not old)
    # given only the target's address: the CLI finds the leader itself
    code, out, err = run_cli("cluster", "transfer-leader", str(target.node_id),
                             "--address", f"127.0.0.1:{target.bolt_port}")
    assert code == 0, err
    assert out.strip() == f"node {target.node_id} is now the leader"
    assert leader_of(cluster).node_id == target.node_id
    code, out, _ = run_cli("cluster", "transfer-leader", str(target.node_id),
                           "--address", everywhere(cluster))
    assert code == 0 and "already the leader" in out


def test_learner_add_promote_remove(run_cli, cluster):
    bolt, raft = free_ports(2)
    follower = next(n for n in cluster.nodes.values() if n is not leader_of(cluster))
    code, out, err = run_cli("cluster", "add-learner", "4", "127.0.0.1", str(bolt), str(raft),
                             "--address", f"127.0.0.1:{follower.bolt_port}")
    assert code == 0, err
    assert "node 4 added as a learner" in out
    node4 = cluster.add_node(4, cluster.peers() + [
        {"bolt_raft_node_id": 4, "ip": "127.0.0.1", "bolt_raft_port": raft, "bolt_port": bolt}])
    node4.start()
    try:
        node4.wait_bolt(30)
        roles = {m["node_id"]: m["role"] for m in
                 json.loads(run_cli("cluster", "nodes", "--address", everywhere(cluster),
                                    "--json")[1])["members"]}
        assert roles[4] == "learner"
        doc = wait_until(lambda: (d := status_doc(run_cli, everywhere(cluster)))
                         and d["members"][-1]["lag"] == 0 and d, 30,
                         what="the learner to catch up")
        assert doc["members"][-1]["role"] == "learner"
        code, _, err = run_cli("cluster", "transfer-leader", "4", "--address",
                               everywhere(cluster))
        assert code == 1 and "node 4 is a learner and cannot lead" in err
        code, out, err = run_cli("cluster", "promote", "4", "--address", everywhere(cluster))
        assert code == 0 and "node 4 is now a voter" in out, err
        node4.stop()
        node4.start()
        node4.wait_bolt(30)
        code, out, err = run_cli("cluster", "remove", "4", "--address", everywhere(cluster))
        assert code == 0 and "node 4 removed" in out, err
        doc = json.loads(run_cli("cluster", "nodes", "--address", everywhere(cluster),
                                 "--json")[1])
        assert [m["node_id"] for m in doc["members"]] == [1, 2, 3]
    finally:
        node4.stop()
        del cluster.nodes[4]


def test_the_installed_entry_point_with_env_credentials(cluster):
    env = dict(os.environ, TUGRAPH_USER="admin", TUGRAPH_PASSWORD="73@TuGraph")
    r = subprocess.run([sys.executable, "-m", "tugraph_bolt.cli", "cluster", "status", "--json",
                        "--address", everywhere(cluster)], env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["members"]) == 3
    env["TUGRAPH_PASSWORD"] = "wrong"
    r = subprocess.run([sys.executable, "-m", "tugraph_bolt.cli", "cluster", "nodes",
                        "--address", everywhere(cluster)], env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 1 and "refused the login" in r.stderr


def test_status_with_a_member_down(run_cli, cluster):
    leader = leader_of(cluster)
    victim = next(n for n in cluster.nodes.values() if n is not leader)
    victim.kill()
    try:
        doc = status_doc(run_cli, f"127.0.0.1:{victim.bolt_port},{everywhere(cluster)}")
        down = next(m for m in doc["members"] if m["node_id"] == victim.node_id)
        assert down["role"] == "unreachable" and down["lag"] is None
        assert doc["leader"] == leader.node_id
    finally:
        victim.start()
        victim.wait_bolt(30)
