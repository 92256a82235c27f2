"""Bolt benchmark: one real node process, the official driver, point lookups and CREATEs
at 1 and 16 concurrent sessions (sessions spread over processes). Prints JSON.

Targets: >= 2,500 lookups/s from one session; at 16 sessions >= 40% of the in-process
engine's lookup rate (benchmarks/engine.py).

    .venv/bin/python -m benchmarks.bolt_driver [--seconds 5] [--persons 10000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from benchmarks.load import run_load
from tugraph_bolt.devcluster import NodeProcess, free_ports

AUTH = ("admin", "73@TuGraph")
LOOKUP = "MATCH (p:Person {id: $id}) RETURN p.name"
CREATE = "CREATE (:Item {k: $k, i: $i})"


def seed(uri: str, persons: int) -> None:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(uri, auth=AUTH) as d:
        d.execute_query("CALL db.createVertexLabel('Person', 'id', 'id', 'INT64', false, "
                        "'name', 'STRING', true)", database_="default")
        for start in range(0, persons, 2000):
            rows = [{"id": i, "name": f"person-{i}"} for i in range(start, min(persons, start + 2000))]
            d.execute_query("UNWIND $rows AS r CREATE (:Person {id: r.id, name: r.name})",
                            {"rows": rows}, database_="default")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--persons", type=int, default=10_000)
    ap.add_argument("--sessions", default="1,16")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-bolt-"))
    bolt, http = free_ports(2)
    cfg = work / "node.json"
    cfg.write_text(json.dumps({"host": "127.0.0.1", "bolt_port": bolt, "port": http,
                               "verbose": 0}))
    node = NodeProcess(0, cfg, work, bolt, 0)
    node.start()
    results = {"benchmark": "bolt_driver", "persons": args.persons, "lookup": [], "create": []}
    try:
        node.wait_bolt(30)
        uri = f"bolt://127.0.0.1:{bolt}"
        seed(uri, args.persons)
        for n in (int(x) for x in args.sessions.split(",")):
            print(f"bolt: lookups, {n} sessions, {args.seconds}s ...", file=sys.stderr, flush=True)
            results["lookup"].append(run_load(uri, AUTH, LOOKUP, sessions=n, seconds=args.seconds,
                                              write=False, param_range=args.persons))
            print(f"bolt: creates, {n} sessions, {args.seconds}s ...", file=sys.stderr, flush=True)
            results["create"].append(run_load(uri, AUTH, CREATE, sessions=n, seconds=args.seconds,
                                              write=True, param_kind="create"))
    finally:
        node.stop()
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
