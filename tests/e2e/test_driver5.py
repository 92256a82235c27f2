"""The 5.x driver package (`neo4j-driver`) as a second client, in its own virtualenv."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import venv

import pytest

from tests.conftest import ROOT

DRIVER5 = "neo4j-driver==5.28.8"
VENV = ROOT / ".cache" / "neo4j-driver-5"

SCRIPT = textwrap.dedent("""
    import sys
    import neo4j
    from neo4j import GraphDatabase
    assert neo4j.__version__.startswith("5."), neo4j.__version__
    host, port = sys.argv[1], int(sys.argv[2])
    for scheme in ("bolt", "neo4j"):
        with GraphDatabase.driver(f"{scheme}://{host}:{port}", auth=("admin", "73@TuGraph")) as d:
            d.verify_connectivity()
            d.execute_query("CREATE (:V5 {s: $s, l: [1, 2], m: 1.5})", {"s": scheme}, database_="default")
            def work(tx):
                return tx.run("MATCH (n:V5 {s: $s}) RETURN n, n.l AS l", s=scheme).single()
            with d.session(database="default") as s:
                rec = s.execute_read(work)
                assert rec["l"] == [1, 2] and rec["n"]["m"] == 1.5
                tx = s.begin_transaction()
                tx.run("CREATE (:V5 {s: 'rolled back'})")
                tx.rollback()
            try:
                d.execute_query("RETUN 1", database_="default")
                raise SystemExit("a syntax error was not raised")
            except neo4j.exceptions.CypherSyntaxError:
                pass
    with GraphDatabase.driver(f"bolt://{host}:{port}", auth=("admin", "73@TuGraph")) as d:
        n = d.execute_query("MATCH (n:V5) RETURN count(n) AS c", database_="default").records[0]["c"]
        assert n == 2, n
    print("driver5 ok", neo4j.__version__)
""")


def driver5_python():
    py = VENV / "bin" / "python"
    if not py.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    check = subprocess.run([str(py), "-c", "import neo4j, sys; sys.exit(0 if neo4j.__version__.startswith('5.') else 1)"],
                           capture_output=True)
    if check.returncode != 0:
        inst = subprocess.run([str(py), "-m", "pip", "install", "--quiet", DRIVER5],
                              capture_output=True, text=True, timeout=600)
        if inst.returncode != 0:
            pytest.fail(f"could not install {DRIVER5} into {VENV}: {inst.stderr[-2000:]}")
    return py


def test_neo4j_driver_5x_against_one_node(single_node):
    py = driver5_python()
    host, port = single_node.address
    proc = subprocess.run([str(py), "-c", SCRIPT, host, str(port)], capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "driver5 ok 5." in proc.stdout
    assert sys.executable != str(py)
