"""In-process HTTP tests: a real `Database` (single node, LocalLog) behind a real HttpServer
on a free loopback port, and a tiny urllib client that returns (status, headers, body)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tugraph_bolt.config import NodeConfig
from tugraph_bolt.server.http_server import HttpServer
from tugraph_bolt.service import Database

ADMIN = {"user": "admin", "password": "73@TuGraph"}


class Http:
    def __init__(self, address):
        self.base = f"http://{address[0]}:{address[1]}"

    def request(self, method, path, body=None, headers=None, raw: bytes | None = None):
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json",
                                              **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def json(self, method, path, body=None, headers=None, raw=None):
        status, headers_, data = self.request(method, path, body, headers, raw)
        assert headers_["Content-Type"] == "application/json", (status, data)
        return status, json.loads(data)

    def login(self, **creds) -> str:
        status, doc = self.json("POST", "/login", creds or ADMIN)
        assert status == 200, doc
        return doc["jwt"]

    def cypher(self, token, script, parameters=None, graph="default"):
        body = {"graph": graph, "script": script}
        if parameters is not None:
            body["parameters"] = parameters
        return self.json("POST", "/cypher", body, {"Authorization": f"Bearer {token}"})


@pytest.fixture
def http_node():
    """(HttpServer, Database, Http) for one in-process single node."""
    db = Database(NodeConfig(host="127.0.0.1", bolt_port=7687))
    server = HttpServer("127.0.0.1", 0, db)
    server.start()
    try:
        yield server, db, Http(server.address)
    finally:
        server.stop()
