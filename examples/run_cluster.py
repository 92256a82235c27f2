"""`make run`: the seed's three configs, started verbatim from one folder, and shown working.

1. copies examples/cluster/node{1,2,3}.json (the seed's configs, byte for byte) into ./run/
2. starts three `tugraph-bolt serve -c nodeN.json` processes from ./run/
3. waits for a leader, runs the seed's client example (examples/client_resolver.py) through
   the custom resolver, reads the data back and prints `CALL db.bolt.listRaftNodes()`
4. keeps the cluster running until Ctrl-C (or exits at once with --exit)

Options: --exit (stop after the demo), --workdir DIR (default ./run).
"""

from __future__ import annotations

import argparse
import runpy
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tugraph_bolt.devcluster import LocalCluster, port_open, wait_until  # noqa: E402


def table(fields, records) -> str:
    rows = [[str(v) for v in r] for r in records]
    widths = [max([len(f)] + [len(r[i]) for r in rows]) for i, f in enumerate(fields)]
    line = "-+-".join("-" * w for w in widths)
    out = [line, " | ".join(f.ljust(w) for f, w in zip(fields, widths, strict=True)), line]
    out += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    out.append(line)
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--exit", action="store_true", help="stop the cluster after the demo")
    ap.add_argument("--workdir", default=str(ROOT / "run"))
    args = ap.parse_args()

    work = Path(args.workdir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    busy = [p for p in (7687, 7688, 7689, 8000, 8001, 8002) if port_open("127.0.0.1", p)]
    if busy:
        print(f"ports {busy} are already in use on 127.0.0.1: the seed's configs need 7687-7689 "
              "and 8000-8002. Stop whatever uses them (an earlier `make run`?) and retry.",
              file=sys.stderr)
        return 1
    paths = []
    for i in (1, 2, 3):
        dst = work / f"node{i}.json"
        shutil.copyfile(ROOT / "examples" / "cluster" / f"node{i}.json", dst)
        paths.append(dst)
    cluster = LocalCluster.from_configs(work, paths)
    print(f"starting 3 nodes in {work} (logs in {work / 'log'})", flush=True)
    try:
        cluster.start(timeout=60)
        from neo4j import GraphDatabase

        def leader_known():
            with GraphDatabase.driver("bolt://127.0.0.1:7687", auth=("admin", "73@TuGraph")) as d:
                recs = d.execute_query("CALL db.bolt.listRaftNodes()", database_="default").records
                return [r for r in recs if r["is_leader"]]

        wait_until(leader_known, 60, interval=0.3, what="a Raft leader")
        print("leader elected; running the seed's client example (examples/client_resolver.py)")
        runpy.run_path(str(ROOT / "examples" / "client_resolver.py"), run_name="__main__")

        with GraphDatabase.driver("bolt://127.0.0.1:7689", auth=("admin", "73@TuGraph")) as d:
            # node 3 may still be applying the write: a linearizable read makes it catch up
            # with the leader's log first (a bookmark from the writer would do the same)
            from neo4j import Query

            res = d.execute_query(Query("MATCH (n:person) RETURN n.id AS id, n.count AS count",
                                        metadata={"read_level": "linearizable"}),
                                  database_="default")
            print("\nread back from node 3 with read_level 'linearizable':")
            print(table(res.keys, [r.values() for r in res.records]))
            res = d.execute_query("CALL db.bolt.listRaftNodes()", database_="default")
            print("\nCALL db.bolt.listRaftNodes()")
            print(table(res.keys, [r.values() for r in res.records]))
        if args.exit:
            return 0
        print("\ncluster running: bolt://127.0.0.1:7687..7689 (user admin / 73@TuGraph). "
              "Ctrl-C stops it.", flush=True)
        while all(n.running for n in cluster.nodes.values()):
            time.sleep(0.5)
        print("a node exited; see the logs", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        print("stopping the cluster", flush=True)
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
