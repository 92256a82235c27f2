"""CLI tests: an in-process node (Database + BoltServer on a free loopback port) for the
shell and the single-node commands, and `run_cli` to call the CLI as `main(cmd, argv)`."""

from __future__ import annotations

import io

import pytest

from tugraph_bolt import ops_cli
from tugraph_bolt.config import NodeConfig
from tugraph_bolt.devcluster import free_ports
from tugraph_bolt.server.bolt_server import BoltServer
from tugraph_bolt.service import Database


@pytest.fixture
def bolt_node():
    """An in-process single node; yields its 'host:port'."""
    port = free_ports(1)[0]  # the config must name the real port: listRaftNodes reports it
    db = Database(NodeConfig(host="127.0.0.1", bolt_port=port))
    server = BoltServer("127.0.0.1", port, db)
    server.start()
    try:
        host, port = server.address
        yield f"{host}:{port}"
    finally:
        server.stop(1.0)


class FakeStdin(io.StringIO):
    def __init__(self, text: str, tty: bool = False):
        super().__init__(text)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """run_cli(cmd, *argv, stdin=None) -> (exit status, stdout, stderr)."""

    def run(cmd, *argv, stdin: str | None = None):
        monkeypatch.setattr("sys.stdin", FakeStdin(stdin or ""))
        capsys.readouterr()
        status = ops_cli.main(cmd, list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run
