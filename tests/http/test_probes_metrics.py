"""/healthz, /readyz, /cluster and /metrics, over a single node and over a scripted cluster
log (a LocalLog that reports whatever Raft state the test sets)."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.http.conftest import Http
from tugraph_bolt.client import BoltClient
from tugraph_bolt.config import NodeConfig
from tugraph_bolt.log import GraphMachine, LocalLog
from tugraph_bolt.server.bolt_server import BoltServer
from tugraph_bolt.server.http_server import HttpServer
from tugraph_bolt.service import Database

MEMBERS = [{"node_id": i, "ip": "127.0.0.1", "bolt_port": 7686 + i, "raft_port": 9089 + i,
            "learner": i == 4} for i in (1, 2, 3, 4)]


class ScriptedClusterLog(LocalLog):
    """A single-process log that claims to be member `node_id` of a four-node cluster."""

    clustered = True

    def __init__(self, node_id=1, leader=1, term=7, commit=None, ready=True, failed=None,
                 progress=None):
        super().__init__(GraphMachine())
        self.node_id, self.leader, self.term = node_id, leader, term
        self.commit, self.ready, self.failed_reason = commit, ready, failed
        self.progress = progress or {}
        self.node_name = f"node{node_id}"

    is_leader = property(lambda self: self.leader == self.node_id)
    leader_id = property(lambda self: self.leader)
    is_ready = property(lambda self: self.ready)
    failed = property(lambda self: self.failed_reason)

    def status(self):
        applied = self.applied_index
        return {"id": self.node_id, "term": self.term,
                "commit": applied if self.commit is None else self.commit,
                "applied": applied, "lead": self.leader,
                "raftState": "StateLeader" if self.is_leader else "StateFollower",
                "progress": self.progress if self.is_leader else {},
                "isLearner": self.node_id == 4}

    def member_rows(self):
        return [dict(m, is_leader=m["node_id"] == self.leader) for m in MEMBERS]


def serve(log):
    db = Database(NodeConfig(host="127.0.0.1"), log)
    server = HttpServer("127.0.0.1", 0, db)
    server.start()
    return server, db, Http(server.address)


@pytest.fixture
def scripted():
    started = []

    def start(**kw):
        server, db, http = serve(ScriptedClusterLog(**kw))
        started.append(server)
        return server, db, http

    yield start
    for s in started:
        s.stop()


def metric_values(http) -> dict:
    status, headers, body = http.request("GET", "/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def test_single_node_is_healthy_and_ready(http_node):
    _, _, http = http_node
    assert http.json("GET", "/healthz") == (200, {"status": "ok"})
    status, doc = http.json("GET", "/readyz")
    assert status == 200 and doc["ready"] is True


def test_cluster_document_for_a_single_node(http_node):
    _, _, http = http_node
    token = http.login()
    http.cypher(token, "CREATE (:A)")
    status, doc = http.json("GET", "/cluster")
    assert status == 200
    assert doc["role"] == "standalone" and doc["clustered"] is False
    assert doc["applied"] >= 1 and doc["lag"] == 0
    assert [m["role"] for m in doc["members"]] == ["standalone"]


def test_readyz_503_without_a_leader(scripted):
    _, _, http = scripted(node_id=2, leader=None, ready=False)
    status, doc = http.json("GET", "/readyz")
    assert status == 503 and doc == {"ready": False, "reason": "no Raft leader is known"}


def test_readyz_503_while_catching_up_then_200(scripted):
    _, _, http = scripted(node_id=2, leader=1, ready=False)
    status, doc = http.json("GET", "/readyz")
    assert status == 503 and "not caught up" in doc["reason"]
    _, _, http = scripted(node_id=2, leader=1, commit=500)
    status, doc = http.json("GET", "/readyz")
    assert status == 503 and "500 committed entries behind" in doc["reason"]
    _, _, http = scripted(node_id=2, leader=1)
    assert http.json("GET", "/readyz")[0] == 200


def test_healthz_503_after_fail_stop(scripted):
    _, _, http = scripted(failed="divergent log")
    status, doc = http.json("GET", "/healthz")
    assert status == 503 and doc["reason"] == "divergent log"
    assert http.json("GET", "/readyz")[0] == 503


def test_cluster_document_on_the_leader_has_every_voters_lag(scripted):
    _, _, http = scripted(node_id=1, leader=1, term=7, commit=40,
                          progress={2: {"match": 40, "next": 41}, 3: {"match": 31, "next": 32}})
    status, doc = http.json("GET", "/cluster")
    assert status == 200
    assert (doc["leader"], doc["term"], doc["commit"], doc["role"]) == (1, 7, 40, "leader")
    by_id = {m["node_id"]: m for m in doc["members"]}
    assert [by_id[i]["role"] for i in (1, 2, 3, 4)] == ["leader", "follower", "follower",
                                                        "learner"]
    assert [by_id[i]["lag"] for i in (1, 2, 3, 4)] == [0, 0, 9, None]


def test_metrics_report_raft_state_queries_and_lag(scripted):
    _, _, http = scripted(node_id=1, leader=1, term=7,
                          progress={2: {"match": 0, "next": 1}})
    token = http.login()
    http.cypher(token, "CREATE (:M)")
    http.cypher(token, "MATCH (n) RETURN n")
    http.cypher(token, "RETUN")
    m = metric_values(http)
    assert m[("tugraph_raft_role", (("role", "leader"),))] == 1.0
    assert m[("tugraph_raft_role", (("role", "follower"),))] == 0.0
    assert m[("tugraph_raft_term", ())] == 7.0
    applied = m[("tugraph_raft_applied_index", ())]
    assert applied >= 2 and m[("tugraph_raft_commit_index", ())] == applied
    assert m[("tugraph_raft_follower_lag", (("node_id", "2"),))] == applied
    assert m[("tugraph_queries_total", (("kind", "write"), ("outcome", "ok")))] == 1.0
    assert m[("tugraph_queries_total", (("kind", "read"), ("outcome", "ok")))] == 1.0
    assert m[("tugraph_queries_total", (("kind", "failed"), ("outcome", "error")))] == 1.0
    assert m[("tugraph_query_seconds_count", (("kind", "write"),))] == 1.0
    assert m[("tugraph_service_writes_total", ())] >= 1.0
    assert m[("tugraph_forwarded_writes_total", ())] == 0.0
    assert m[("tugraph_http_requests_total", (("path", "/login"), ("status", "200")))] == 1.0


def test_writes_submitted_on_a_follower_count_as_forwarded(scripted):
    _, db, http = scripted(node_id=2, leader=1)
    http.cypher(http.login(), "CREATE (:F), (:F)")
    m = metric_values(http)
    assert m[("tugraph_forwarded_writes_total", ())] >= 1.0
    assert m[("tugraph_raft_role", (("role", "follower"),))] == 1.0
    assert m[("tugraph_raft_is_leader", ())] == 0.0


def test_metrics_count_bolt_connections_when_given_the_listener():
    db = Database(NodeConfig(host="127.0.0.1"))
    bolt = BoltServer("127.0.0.1", 0, db)
    bolt.start()
    server = HttpServer("127.0.0.1", 0, db, bolt_server=bolt)
    server.start()
    try:
        http = Http(server.address)
        with BoltClient.connect(*bolt.address, "admin", "73@TuGraph") as client:
            client.run("RETURN 1")
            m = metric_values(http)
            assert m[("tugraph_bolt_open_connections", ())] == 1.0
            assert m[("tugraph_queries_total", (("kind", "read"), ("outcome", "ok")))] == 1.0
            assert m[("tugraph_bolt_connections_total", ())] >= 1.0
            assert m[("tugraph_bolt_messages_total", ())] >= 2.0
    finally:
        server.stop()
        bolt.stop(1.0)


class CannedStatuses:
    """Stands in for MemberStatusCache: what each member would answer over Bolt."""

    def __init__(self, by_port):
        self.by_port = by_port
        self.asked = []

    def get(self, db, member):
        self.asked.append(member["node_id"])
        return self.by_port.get(member["bolt_port"])


def test_a_followers_view_asks_the_leader_and_the_learner_for_lags():
    from tugraph_bolt.server.http_views import cluster_status

    db = Database(NodeConfig(host="127.0.0.1"), ScriptedClusterLog(node_id=2, leader=1))
    leader_port, learner_port = MEMBERS[0]["bolt_port"], MEMBERS[3]["bolt_port"]
    cache = CannedStatuses({
        leader_port: {"commit": 50, "progress": {"2": {"match": 50}, "3": {"match": 45}}},
        learner_port: {"applied": 44},
    })
    doc = cluster_status(db, cache)
    assert doc["role"] == "follower" and doc["leader"] == 1
    assert [(m["node_id"], m["role"], m["lag"]) for m in doc["members"]] == [
        (1, "leader", 0), (2, "follower", 0), (3, "follower", 5), (4, "learner", 6)]
    assert cache.asked == [1, 4]
    # nobody answers: lags this node cannot know are None, its own comes from its log
    doc = cluster_status(db, CannedStatuses({}))
    assert [m["lag"] for m in doc["members"]] == [0, 0, None, None]
