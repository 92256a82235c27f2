"""Every example in examples/ runs and does what it says."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def run_example(name: str, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "examples" / name), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_membership_example(cluster, tmp_path):
    address = f"127.0.0.1:{cluster.nodes[1].bolt_port}"
    proc = run_example("membership.py", "--address", address, "--workdir", str(tmp_path / "n4"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "added node 4 as a learner" in out
    assert "node 4: 127.0.0.1:" in out and "learner" in out
    assert "the learner serves reads" in out
    assert out.rstrip().splitlines()[-1].startswith("  node 3")  # node 4 is gone at the end


def test_transactions_example_keeps_the_total():
    proc = run_example("transactions.py", "--seconds", "4", "--threads", "3")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "total across accounts: 10000 (expected 10000)" in proc.stdout
    assert "replicas identical: True" in proc.stdout


def test_run_cluster_help():
    proc = run_example("run_cluster.py", "--help", timeout=60)
    assert proc.returncode == 0 and "--exit" in proc.stdout


def test_make_run_demo_on_the_seed_configs(tmp_path):
    import pytest

    from tugraph_bolt.devcluster import port_open

    if any(port_open("127.0.0.1", p) for p in (7687, 7688, 7689, 8000, 8001, 8002)):
        pytest.skip("the seed's ports are in use on this machine")
    proc = run_example("run_cluster.py", "--exit", "--workdir", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "CALL db.bolt.listRaftNodes()" in proc.stdout
    assert proc.stdout.count("127.0.0.1 | 768") == 3
    assert "1  | 0" in proc.stdout  # the seed example's person row, read back from node 3
