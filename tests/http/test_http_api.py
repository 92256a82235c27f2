"""The HTTP port against one in-process node: TuGraph's /login and /cypher, errors, probes."""

from __future__ import annotations

import socket

import pytest

from tests.http.conftest import ADMIN, Http
from tugraph_bolt.config import NodeConfig
from tugraph_bolt.server.http_auth import TokenSigner
from tugraph_bolt.server.http_server import HttpServer
from tugraph_bolt.server.http_views import TYPE_CODES
from tugraph_bolt.service import Database

# --- /login -------------------------------------------------------------------------------


def test_login_returns_a_jwt_and_flags_the_default_password(http_node):
    server, _, http = http_node
    status, doc = http.json("POST", "/login", ADMIN)
    assert status == 200
    assert doc["default_password"] is True
    assert server.signer.verify(doc["jwt"])["sub"] == "admin"


def test_login_after_a_password_change_is_not_default(http_node):
    _, _, http = http_node
    token = http.login()
    status, _ = http.cypher(token, "CALL dbms.security.changePassword('73@TuGraph', 'n3w!')")
    assert status == 200
    status, doc = http.json("POST", "/login", {"user": "admin", "password": "n3w!"})
    assert (status, doc["default_password"]) == (200, False)
    status, doc = http.json("POST", "/login", ADMIN)
    assert status == 401 and doc["code"] == "Neo.ClientError.Security.Unauthorized"


@pytest.mark.parametrize("body", [
    {"user": "admin", "password": "wrong"},
    {"user": "nobody", "password": "73@TuGraph"},
])
def test_login_with_bad_credentials_is_401(http_node, body):
    _, _, http = http_node
    status, doc = http.json("POST", "/login", body)
    assert status == 401
    assert doc["code"] == "Neo.ClientError.Security.Unauthorized"
    assert "jwt" not in doc


@pytest.mark.parametrize("raw, fragment", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "must be a JSON object"),
    (b"", "must be a JSON object"),
])
def test_login_with_bad_json_is_400(http_node, raw, fragment):
    _, _, http = http_node
    status, doc = http.json("POST", "/login", raw=raw)
    assert status == 400
    assert fragment in doc["error_message"]
    assert doc["code"] == "Neo.ClientError.Request.InvalidFormat"


def test_login_without_fields_is_400(http_node):
    _, _, http = http_node
    status, doc = http.json("POST", "/login", {"user": "admin"})
    assert status == 400 and "password" in doc["error_message"]


# --- /cypher ------------------------------------------------------------------------------


def test_cypher_write_then_read_in_tugraph_shape(http_node):
    _, db, http = http_node
    token = http.login()
    status, doc = http.cypher(token, "CREATE (a:Person {name: $n, born: date('1990-05-17')}) "
                                     "-[r:KNOWS {since: 3}]->(b:Person {name: 'Bo'}) "
                                     "RETURN a, r, a.born AS born", {"n": "Ann"})
    assert status == 200, doc
    assert doc["size"] == 1 and isinstance(doc["elapsed"], float)
    assert doc["header"] == [{"name": "a", "type": 1}, {"name": "r", "type": 2},
                             {"name": "born", "type": 0}]
    a, r, born = doc["result"][0]
    assert a["label"] == "Person" and a["properties"] == {"name": "Ann", "born": "1990-05-17"}
    assert isinstance(a["identity"], int)
    assert r["label"] == "KNOWS" and r["src"] == a["identity"] and r["properties"] == {"since": 3}
    assert born == "1990-05-17"
    # the write went through Database.run: the service's state has it
    assert db.counters["writes"] >= 1
    status, doc = http.cypher(token, "MATCH p = (:Person {name: 'Ann'})-->(b) "
                                     "RETURN b.name AS name, p, 1.5 AS f, true AS t, null AS z")
    assert status == 200
    assert doc["result"][0][0] == "Bo"
    path = doc["result"][0][1]
    assert [e["label"] for e in path] == ["Person", "KNOWS", "Person"]
    assert [h["type"] for h in doc["header"]] == [TYPE_CODES[t] for t in
                                                  ("SCALAR", "PATH", "SCALAR", "SCALAR", "SCALAR")]


def test_cypher_parameters_lists_maps_and_empty_results(http_node):
    _, _, http = http_node
    token = http.login()
    status, doc = http.cypher(token, "RETURN $xs AS xs, $m AS m", {"xs": [1, 2], "m": {"k": "v"}})
    assert status == 200 and doc["result"] == [[[1, 2], {"k": "v"}]]
    assert [h["type"] for h in doc["header"]] == [0, 0]
    status, doc = http.cypher(token, "MATCH (n:Nothing) RETURN n")
    assert status == 200 and doc["size"] == 0 and doc["result"] == []


def test_tugraph_example_forms_dollar_parameters_and_token_in_body(http_node):
    _, _, http = http_node
    token = http.login()
    status, doc = http.json("POST", "/cypher", {"graph": "default",
                                                "script": "RETURN $param1 AS p",
                                                "parameters": {"$param1": "Lindsay Lohan"},
                                                "Authorization": f"Bearer {token}"})
    assert status == 200 and doc["result"] == [["Lindsay Lohan"]]
    assert doc["header"] == [{"name": "p", "type": 0}]
    status, doc = http.json("POST", "/refresh", {"Authorization": f"Bearer {token}"})
    assert status == 200 and doc["jwt"]


def test_bearer_is_optional_word_as_in_tugraph_clients(http_node):
    _, _, http = http_node
    token = http.login()
    status, doc = http.json("POST", "/cypher", {"script": "RETURN 1 AS one"},
                            {"Authorization": token})
    assert status == 200 and doc["result"] == [[1]]


@pytest.mark.parametrize("script, code", [
    ("RETUN 1", "Neo.ClientError.Statement.SyntaxError"),
    ("RETURN $missing", "Neo.ClientError.Statement.ParameterMissing"),
    ("CALL db.noSuchProcedure()", "Neo.ClientError.Procedure.ProcedureNotFound"),
])
def test_cypher_errors_are_400_with_the_neo4j_code(http_node, script, code):
    _, _, http = http_node
    status, doc = http.cypher(http.login(), script)
    assert status == 400
    assert doc["code"] == code and doc["error_message"]


def test_cypher_on_an_unknown_graph_is_400(http_node):
    _, _, http = http_node
    status, doc = http.cypher(http.login(), "RETURN 1", graph="other")
    assert status == 400 and doc["code"] == "Neo.ClientError.Database.DatabaseNotFound"


@pytest.mark.parametrize("body", [{"graph": "default"}, {"script": "  "},
                                  {"script": "RETURN 1", "parameters": [1]}])
def test_cypher_with_a_bad_request_is_400(http_node, body):
    _, _, http = http_node
    status, doc = http.json("POST", "/cypher", body,
                            {"Authorization": f"Bearer {http.login()}"})
    assert status == 400 and doc["code"] == "Neo.ClientError.Request.Invalid"


def test_cypher_with_bad_json_is_400(http_node):
    _, _, http = http_node
    status, doc = http.json("POST", "/cypher", raw=b'{"script": ',
                            headers={"Authorization": f"Bearer {http.login()}"})
    assert status == 400 and doc["code"] == "Neo.ClientError.Request.InvalidFormat"


def _forged(token: str) -> str:
    head, claims, sig = token.split(".")
    return f"{head}.{claims}.{sig[:-2]}{'AA' if sig[-2:] != 'AA' else 'BB'}"


@pytest.mark.parametrize("make_header, fragment", [
    (lambda t: None, "missing Authorization"),
    (lambda t: "Bearer not-a-jwt", "not a JWT"),
    (lambda t: "Bearer " + _forged(t), "signature"),
    (lambda t: "Basic YWRtaW46eA==", "unsupported Authorization scheme"),
    (lambda t: "Bearer " + TokenSigner().issue("admin"), "signature"),  # another node's key
])
def test_cypher_with_a_bad_token_is_401(http_node, make_header, fragment):
    _, _, http = http_node
    header = make_header(http.login())
    headers = {"Authorization": header} if header is not None else {}
    status, doc = http.json("POST", "/cypher", {"script": "RETURN 1"}, headers)
    assert status == 401
    assert fragment in doc["error_message"]
    assert doc["code"] == "Neo.ClientError.Security.Unauthorized"


def test_refresh_and_logout(http_node):
    _, _, http = http_node
    token = http.login()
    status, doc = http.json("POST", "/refresh", headers={"Authorization": f"Bearer {token}"})
    assert status == 200 and doc["jwt"] != token
    fresh = doc["jwt"]
    assert http.json("POST", "/logout", headers={"Authorization": f"Bearer {token}"}) == (200, {})
    status, doc = http.cypher(token, "RETURN 1")
    assert status == 401 and "logged out" in doc["error_message"]
    assert http.cypher(fresh, "RETURN 1")[0] == 200
    status, _ = http.json("POST", "/refresh", headers={"Authorization": "Bearer junk"})
    assert status == 401
    assert http.json("POST", "/logout")[0] == 401


def test_cypher_with_an_expired_token_is_401(http_node):
    server, _, http = http_node
    expired = TokenSigner(ttl=-10, key=server.signer._key).issue("admin")
    status, doc = http.json("POST", "/cypher", {"script": "RETURN 1"},
                            {"Authorization": f"Bearer {expired}"})
    assert status == 401 and "expired" in doc["error_message"]


# --- transport ----------------------------------------------------------------------------


def test_unknown_path_is_404_and_wrong_method_405(http_node):
    _, _, http = http_node
    status, doc = http.json("GET", "/nothing/here")
    assert status == 404 and "no such endpoint" in doc["error_message"]
    status, doc = http.json("GET", "/login")
    assert status == 405
    status, doc = http.json("POST", "/cluster", {})
    assert status == 405
    status, doc = http.json("GET", "/web/../../etc/passwd")
    assert status == 404


def test_request_body_is_bounded(http_node):
    server, _, http = http_node
    server.max_body = 1024
    status, doc = http.json("POST", "/login", raw=b'{"user": "' + b"x" * 4096 + b'"}')
    assert status == 413 and "exceeds" in doc["error_message"]
    status, _ = http.json("POST", "/login", ADMIN)  # the server still answers
    assert status == 200


def test_port_in_use_raises_oserror():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        server = HttpServer("127.0.0.1", taken.getsockname()[1],
                            Database(NodeConfig(host="127.0.0.1")))
        with pytest.raises(OSError):
            server.start()


def test_concurrent_requests_are_served(http_node):
    from concurrent.futures import ThreadPoolExecutor

    _, _, http = http_node
    token = http.login()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: http.cypher(token, f"CREATE (n:C {{i: {i}}}) RETURN n.i"),
                                range(16)))
    assert sorted(doc["result"][0][0] for _, doc in results) == list(range(16))
    status, doc = http.cypher(token, "MATCH (n:C) RETURN count(n) AS c")
    assert doc["result"] == [[16]]


def test_status_page_and_its_script_are_served(http_node):
    _, _, http = http_node
    status, headers, body = http.request("GET", "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"/web/status.js" in body and b'id="members"' in body
    for alias in ("/web", "/web/", "/index.html"):
        assert http.request("GET", alias)[2] == body
    status, headers, body = http.request("GET", "/web/status.js")
    assert status == 200 and b'fetch("/cluster"' in body


def test_two_servers_in_one_process_keep_separate_state():
    dbs = [Database(NodeConfig(host="127.0.0.1", bolt_port=p)) for p in (1001, 1002)]
    servers = [HttpServer("127.0.0.1", 0, db) for db in dbs]
    for s in servers:
        s.start()
    try:
        first, second = (Http(s.address) for s in servers)
        first.cypher(first.login(), "CREATE (:Only)")
        _, doc = second.cypher(second.login(), "MATCH (n:Only) RETURN count(n)")
        assert doc["result"] == [[0]]
        assert servers[0].metrics.registry is not servers[1].metrics.registry
    finally:
        for s in servers:
            s.stop()


def test_keep_alive_survives_errors_with_unread_bodies(http_node):
    import http.client
    import json

    server, _, _ = http_node
    conn = http.client.HTTPConnection(*server.address, timeout=10)
    try:
        for method, path, body, expected in [
            ("POST", "/nowhere", b'{"a": 1}', 404),
            ("POST", "/healthz", b'{"a": 1}', 405),
            ("PUT", "/login", b"{}", 405),
            ("POST", "/login", b"{broken", 400),
            ("POST", "/login", json.dumps({"user": "admin", "password": "73@TuGraph"}).encode(),
             200),
            ("GET", "/healthz", None, 200),
        ]:
            conn.request(method, path, body=body)
            response = conn.getresponse()
            doc = json.loads(response.read())
            assert response.status == expected, (method, path, doc)
    finally:
        conn.close()


def test_chunked_bodies_are_refused(http_node):
    server, _, _ = http_node
    body = b'{"user": "admin"}'
    request = (b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
    with socket.create_connection(server.address, timeout=10) as sock:
        sock.sendall(request)  # all of it at once: the server answers, then closes
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 411 ")
    assert b"Content-Length" in answer.split(b"\r\n\r\n", 1)[1]


def test_request_metrics_label_only_known_paths(http_node):
    server, _, http = http_node
    for i in range(3):
        http.request("GET", f"/web/random-{i}")
    http.request("GET", "/web/status.js")
    text = server.metrics.render().decode()
    assert 'path="other",status="404"} 3.0' in text
    assert 'path="/web/status.js",status="200"} 1.0' in text
    assert "random-" not in text


def test_ipv6_loopback():
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    server = HttpServer("::1", 0, Database(NodeConfig(host="::1")))
    try:
        server.start()
    except OSError as e:
        pytest.skip(f"cannot bind ::1: {e}")
    try:
        status, doc = Http(("[::1]", server.address[1])).json("GET", "/healthz")
        assert (status, doc) == (200, {"status": "ok"})
    finally:
        server.stop()


def test_server_version_header_out_and_in():
    """TuGraph HA: each answer names the data version; a request may demand at least one."""
    db = Database(NodeConfig(host="127.0.0.1", bookmark_timeout=0.2))
    server = HttpServer("127.0.0.1", 0, db)
    server.start()
    try:
        http = Http(server.address)
        token = http.login()
        auth = {"Authorization": f"Bearer {token}"}
        status, headers, _ = http.request("POST", "/cypher", {"script": "CREATE (:V)"}, auth)
        written = int(headers["server_version"])
        assert status == 200 and written == db.log.applied_index >= 1
        status, headers, _ = http.request("POST", "/cypher", {"script": "MATCH (n) RETURN n"},
                                          {**auth, "server_version": str(written)})
        assert status == 200 and int(headers["server_version"]) == written
        status, doc = http.json("POST", "/cypher", {"script": "RETURN 1"},
                                {**auth, "server_version": str(written + 100)})
        assert status == 503 and doc["code"] == "Neo.TransientError.Transaction.BookmarkTimeout"
        status, doc = http.json("POST", "/cypher", {"script": "RETURN 1"},
                                {**auth, "server_version": "soon"})
        assert status == 400 and "server_version" in doc["error_message"]
    finally:
        server.stop()
