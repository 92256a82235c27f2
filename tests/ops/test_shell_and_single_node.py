"""`tugraph-bolt shell` and the read-only cluster commands against one in-process node,
plus the failures every command shares (unreachable node, refused login, bad usage)."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time

import pytest


def test_shell_runs_a_script_from_stdin(run_cli, bolt_node):
    status, out, err = run_cli("shell", "--address", bolt_node, stdin=(
        "CREATE (:City {name: 'Oslo'}), (:City {name: 'Rome'});\n"
        "// a comment; with a semicolon\n"
        "MATCH (c:City) RETURN c.name AS name ORDER BY name;\n"
        "MATCH (c:City) RETURN count(c) AS cities"))
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert "0 rows, labels-added: 2, nodes-created: 2, properties-set: 2" in lines
    assert "| Oslo |" in lines and "| Rome |" in lines
    assert lines.index("| Oslo |") < lines.index("| Rome |")
    assert "| 2      |" in lines and lines[-1] == "1 row"


def test_shell_json_output(run_cli, bolt_node):
    status, out, _ = run_cli("shell", "--address", bolt_node, "--json",
                             "-e", "UNWIND [1, 2] AS x RETURN x, x * 10 AS y")
    assert status == 0
    assert json.loads(out) == {"fields": ["x", "y"], "rows": [{"x": 1, "y": 10},
                                                               {"x": 2, "y": 20}],
                               "stats": {}}


def test_shell_stops_at_the_first_failing_statement(run_cli, bolt_node):
    status, out, err = run_cli("shell", "--address", bolt_node,
                               stdin="CREATE (:A);\nRETUN 1;\nCREATE (:B);")
    assert status == 1
    assert err.startswith("tugraph-bolt: statement 2 failed: Neo.ClientError.Statement.SyntaxError")
    assert len(err.strip().splitlines()) == 1
    _, out, _ = run_cli("shell", "--address", bolt_node, "-e",
                        "MATCH (a:A) RETURN count(a) AS a; MATCH (b:B) RETURN count(b) AS b;")
    assert "| 1 |" in out and "| 0 |" in out


def test_shell_interactive_prompt_on_a_terminal(bolt_node, tmp_path):
    """A real pseudo-terminal: prompt, a statement over two lines, an error that does not end
    the session, :exit, and the history file written."""
    master, slave = pty.openpty()
    env = dict(os.environ, HOME=str(tmp_path), TERM="dumb")
    proc = subprocess.Popen([sys.executable, "-m", "tugraph_bolt.cli", "shell", "--address",
                             bolt_node], stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    seen = b""

    def read_until(marker: bytes, timeout: float = 20.0) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while marker not in seen:
            left = deadline - time.monotonic()
            assert left > 0, f"no {marker!r} in {seen[-500:]!r}"
            ready, _, _ = select.select([master], [], [], left)
            if ready:
                try:
                    seen += os.read(master, 4096)
                except OSError:
                    break

    try:
        read_until(b"tugraph> ")
        assert f"Connected to {bolt_node} (".encode() in seen
        os.write(master, b"RETURN 40 + 2\n")
        read_until(b"-> ")
        os.write(master, b"AS answer;\n")
        read_until(b"| 42     |")
        os.write(master, b"RETURN nope;\n")
        read_until(b"error: Neo.ClientError.Statement")
        os.write(master, b":exit\n")
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        os.close(master)
    assert "RETURN nope;" in (tmp_path / ".tugraph_bolt_history").read_text()


def test_status_and_nodes_on_a_single_node(run_cli, bolt_node):
    status, out, _ = run_cli("cluster", "status", "--address", bolt_node)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == f"leader: node 0 ({bolt_node})   term: -"
    assert [c.strip() for c in lines[4].split("|")[1:-1]] == [
        "0", bolt_node, "0", "leader", "-", "0", "0", "0"]
    status, out, _ = run_cli("cluster", "nodes", "--address", bolt_node, "--json")
    doc = json.loads(out)
    assert [(m["node_id"], m["role"]) for m in doc["members"]] == [(0, "leader")]


def test_membership_commands_on_a_single_node_explain_why_not(run_cli, bolt_node):
    status, _, err = run_cli("cluster", "add", "2", "127.0.0.1", "7001", "7002",
                             "--address", bolt_node)
    assert status == 1 and "not in a Raft cluster" in err


@pytest.mark.parametrize("cmd, argv", [("cluster", ["status"]), ("cluster", ["nodes"]),
                                       ("cluster", ["remove", "2"]), ("shell", ["-e", "RETURN 1"])])
def test_no_node_reachable(run_cli, cmd, argv):
    status, out, err = run_cli(cmd, *argv, "--address", "127.0.0.1:9", "--timeout", "2")
    assert status == 1 and out == ""
    assert err == "tugraph-bolt: no node reachable at 127.0.0.1:9\n"


def test_the_first_reachable_address_is_used(run_cli, bolt_node):
    status, out, _ = run_cli("cluster", "nodes", "--address", f"127.0.0.1:9,{bolt_node}")
    assert status == 0 and "leader" in out


def test_wrong_password_flag_and_env(run_cli, bolt_node, monkeypatch):
    status, _, err = run_cli("cluster", "status", "--address", bolt_node, "--password", "bad")
    assert status == 1 and "refused the login of 'admin'" in err
    monkeypatch.setenv("TUGRAPH_PASSWORD", "bad")
    status, _, err = run_cli("shell", "--address", bolt_node, "-e", "RETURN 1")
    assert status == 1 and "refused the login" in err
    monkeypatch.setenv("TUGRAPH_PASSWORD", "73@TuGraph")
    assert run_cli("shell", "--address", bolt_node, "-e", "RETURN 1")[0] == 0


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["add", "x", "127.0.0.1", "1", "2"],
                                  ["remove"]])
def test_bad_usage_exits_2(run_cli, argv):
    status, _, err = run_cli("cluster", *argv)
    assert status == 2 and "usage:" in err


def test_bad_address_is_reported(run_cli):
    status, _, err = run_cli("cluster", "nodes", "--address", "host:port")
    assert status == 1 and err == "tugraph-bolt: bad address 'host:port': expected host:port\n"
