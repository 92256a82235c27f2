"""docker/healthcheck.py (the image's HEALTHCHECK) against real nodes on the host; no Docker."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading

import pytest

from tests.conftest import ROOT
from tugraph_bolt.devcluster import NodeProcess, free_ports

pytestmark = pytest.mark.slow
PROBE = ROOT / "docker" / "healthcheck.py"


def probe(config) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(PROBE), str(config)], capture_output=True,
                          text=True, timeout=30)


@pytest.fixture(params=[True, False], ids=["http", "bolt"])
def node(request, tmp_path):
    bolt, http = free_ports(2)
    cfg = tmp_path / "node.json"
    cfg.write_text(json.dumps({"host": "127.0.0.1", "bolt_port": bolt, "port": http,
                               "enable_http": request.param}))
    n = NodeProcess(0, cfg, tmp_path, bolt, 0)
    n.start()
    try:
        n.wait_bolt(30)
        yield cfg
    finally:
        n.stop()


def test_a_running_node_is_healthy(node):
    proc = probe(node)
    assert (proc.returncode, proc.stderr) == (0, "")


@pytest.mark.parametrize("http", [True, False], ids=["http", "bolt"])
def test_nothing_listening_is_unhealthy(tmp_path, http):
    bolt, port = free_ports(2)
    cfg = tmp_path / "node.json"
    cfg.write_text(json.dumps({"bolt_port": bolt, "port": port, "enable_http": http}))
    proc = probe(cfg)
    assert proc.returncode == 1
    assert proc.stderr.startswith("unhealthy: ")
    assert ("/healthz" if http else "Bolt port") in proc.stderr


def test_a_port_that_is_not_bolt_is_unhealthy(tmp_path):
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def answer_garbage():
        conn, _ = server.accept()
        with conn:
            conn.recv(20)
            conn.sendall(b"\x00\x00\x00\x00")  # "no version in common"

    t = threading.Thread(target=answer_garbage, daemon=True)
    t.start()
    cfg = tmp_path / "node.json"
    cfg.write_text(json.dumps({"bolt_port": port, "enable_http": "false"}))
    try:
        proc = probe(cfg)
    finally:
        t.join(10)
        server.close()
    assert proc.returncode == 1
    assert "no version agreed" in proc.stderr


def test_an_unreadable_config_is_unhealthy(tmp_path):
    proc = probe(tmp_path / "missing.json")
    assert proc.returncode == 1 and "cannot read" in proc.stderr
