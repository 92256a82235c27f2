"""The HTTP port of every node of a real three-node cluster, and the status page in headless
Chromium (skipped, with the reason shown, where chromium is not installed)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import leader_of, running_cluster
from tests.http.conftest import Http
from tests.http.png import count_color, read_png
from tugraph_bolt.client import BoltClient
from tugraph_bolt.devcluster import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("processes")]

LEADER_ROW_RGB = (0xE6, 0xF4, 0xEA)  # index.html: tr.leader td background


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with running_cluster(tmp_path_factory.mktemp("http-cluster")) as c:
        yield c


def http_of(node) -> Http:
    return Http(("127.0.0.1", json.loads(node.config_path.read_text())["port"]))


def wait_http(node) -> Http:
    http = http_of(node)
    wait_until(lambda: http.json("GET", "/readyz")[0] == 200, 30, what="readyz 200")
    return http


def test_every_node_reports_the_same_leader_and_every_lag(cluster):
    leader = leader_of(cluster)
    for node in cluster.nodes.values():
        http = wait_http(node)
        status, doc = http.json("GET", "/cluster")
        assert status == 200
        assert doc["leader"] == leader.node_id and doc["node_id"] == node.node_id
        assert doc["role"] == ("leader" if node is leader else "follower")
        assert [m["node_id"] for m in doc["members"]] == [1, 2, 3]
        assert all(isinstance(m["lag"], int) for m in doc["members"]), doc
        assert http.json("GET", "/healthz") == (200, {"status": "ok"})


def test_a_write_over_http_on_a_follower_replicates(cluster):
    leader = leader_of(cluster)
    follower, other = [n for n in cluster.nodes.values() if n is not leader]
    http = wait_http(follower)
    token = http.login()
    status, doc = http.cypher(token, "CREATE (n:ViaHttp {k: $k}) RETURN n.k AS k", {"k": 7})
    assert (status, doc["result"]) == (200, [[7]])

    def seen_on_other():
        with BoltClient.connect(*other.address, "admin", "73@TuGraph") as c:
            return c.run("MATCH (n:ViaHttp) RETURN n.k")[1] == [[7]]

    wait_until(seen_on_other, 30, what="the HTTP write on another node")
    # read-your-writes on a third node through TuGraph's server_version header
    written = http.request("POST", "/cypher", {"script": "CREATE (:Versioned)"},
                           {"Authorization": f"Bearer {token}"})[1]["server_version"]
    elsewhere = wait_http(other)
    status, headers, body = elsewhere.request(
        "POST", "/cypher", {"script": "MATCH (n:Versioned) RETURN count(n) AS c"},
        {"Authorization": f"Bearer {elsewhere.login()}", "server_version": written})
    assert status == 200 and json.loads(body)["result"] == [[1]]
    assert int(headers["server_version"]) >= int(written)
    # the follower's metrics counted the write it forwarded to the leader
    metrics = {s.name: s.value for f in text_string_to_metric_families(
        http.request("GET", "/metrics")[2].decode()) for s in f.samples if not s.labels}
    assert metrics["tugraph_forwarded_writes_total"] >= 1
    assert metrics["tugraph_raft_is_leader"] == 0
    assert metrics["tugraph_raft_leader_id"] == leader.node_id
    # a token is only good on the node that issued it
    status, doc = http_of(leader).cypher(token, "RETURN 1")
    assert status == 401


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium): "
                    "the status page was not checked in a browser")
    return path


def _browse(chromium: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                           "--disable-dev-shm-usage", "--virtual-time-budget=5000", *args],
                          capture_output=True, text=True, timeout=90)


def test_status_page_shows_the_leader_in_chromium(cluster, tmp_path):
    chromium = _chromium()
    leader = leader_of(cluster)
    follower = next(n for n in cluster.nodes.values() if n is not leader)
    url = f"http://127.0.0.1:{json.loads(follower.config_path.read_text())['port']}/"
    wait_http(follower)
    dom = _browse(chromium, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert f'<strong id="leader">node {leader.node_id} (127.0.0.1:{leader.bolt_port})' in html
    assert f'<tr class="leader" data-node-id="{leader.node_id}">' in html
    assert html.count('<span class="badge">follower</span>') == 2
    assert f"node {follower.node_id} (this node)" in html
    shot = tmp_path / "status.png"
    run = _browse(chromium, "--window-size=1000,500", f"--screenshot={shot}", url)
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    width, height, rows = read_png(shot.read_bytes())
    assert (width, height) == (1000, 500)
    # the leader's row is drawn: a band of its green background across the table
    assert count_color(rows, LEADER_ROW_RGB) > 5000


def test_readyz_is_503_once_the_node_is_alone(cluster):
    leader = leader_of(cluster)
    others = [n for n in cluster.nodes.values() if n is not leader]
    http = wait_http(leader)
    for n in others:
        n.kill()
    try:
        def not_ready():
            status, doc = http.json("GET", "/readyz")
            return status == 503 and doc
        doc = wait_until(not_ready, 30, what="readyz 503 without a quorum")
        assert doc["ready"] is False and doc["reason"]
        assert http.json("GET", "/healthz")[0] == 200  # still serving, just not ready
    finally:
        for n in others:
            n.start()
        for n in others:
            n.wait_bolt(30)
    wait_http(leader_of(cluster))
