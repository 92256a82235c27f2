"""Membership walk-through: add a learner as node 4, start it, list, promote, remove.

Run it against a running cluster (`make run` in another terminal starts the seed's one):

    .venv/bin/python examples/membership.py --address 127.0.0.1:7687

It starts node 4 itself (a `tugraph-bolt serve` process on free ports, in a temporary
folder), so nothing has to be prepared by hand. Every step prints what it did.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from neo4j import GraphDatabase  # noqa: E402

from tugraph_bolt.devcluster import NodeProcess, free_ports, wait_until  # noqa: E402

AUTH = ("admin", "73@TuGraph")


def members(driver) -> dict[int, dict]:
    recs = driver.execute_query("CALL db.bolt.listRaftNodes()", database_="default").records
    return {r["node_id"]: dict(r) for r in recs}


def show(title: str, rows: dict[int, dict]) -> None:
    print(f"\n{title}")
    for node_id in sorted(rows):
        r = rows[node_id]
        role = "leader" if r["is_leader"] else ("learner" if r["is_learner"] else "follower")
        print(f"  node {node_id}: {r['ip']}:{r['bolt_port']} (raft {r['bolt_raft_port']}) {role}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--address", default="127.0.0.1:7687", help="any member's Bolt address")
    ap.add_argument("--node-id", type=int, default=4)
    ap.add_argument("--workdir", help="where node 4 keeps its files (default: a temp dir)")
    args = ap.parse_args(argv)
    host, port = args.address.rsplit(":", 1)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="tugraph-node4-"))
    workdir.mkdir(parents=True, exist_ok=True)
    new_id = args.node_id
    bolt_port, raft_port, web_port = free_ports(3)
    with GraphDatabase.driver(f"bolt://{host}:{port}", auth=AUTH) as d:
        current = members(d)
        show("members before", current)
        if new_id in current:
            print(f"node {new_id} is already a member; remove it first", file=sys.stderr)
            return 1
        # 1. register node 4 as a learner (accepted on any member, applied through the leader)
        d.execute_query("CALL db.bolt.addRaftLearnerNode($id, '127.0.0.1', $bolt, $raft)",
                        {"id": new_id, "bolt": bolt_port, "raft": raft_port}, database_="default")
        print(f"\nadded node {new_id} as a learner (bolt {bolt_port}, raft {raft_port})")
        # 2. start it with its own config: the current members plus itself
        peers = [{"bolt_raft_node_id": r["node_id"], "ip": r["ip"],
                  "bolt_raft_port": r["bolt_raft_port"], "bolt_port": r["bolt_port"]}
                 for r in current.values()]
        peers.append({"bolt_raft_node_id": new_id, "ip": "127.0.0.1",
                      "bolt_raft_port": raft_port, "bolt_port": bolt_port})
        config = {"host": "127.0.0.1", "port": web_port, "bolt_port": bolt_port,
                  "bolt_raft_port": raft_port, "bolt_raft_node_id": new_id,
                  "bolt_raft_init_peers": peers, "verbose": 1, "log_dir": "log"}
        config_path = workdir / f"node{new_id}.json"
        config_path.write_text(json.dumps(config, indent=2))
        node = NodeProcess(new_id, config_path, workdir, bolt_port, raft_port)
        node.start()
        try:
            node.wait_bolt(30)
            print(f"started node {new_id} from {config_path}; it catches up by itself")
            with GraphDatabase.driver(node.uri, auth=AUTH) as d4:
                show("members, asked on the learner", members(d4))
                n = d4.execute_query("MATCH (n) RETURN count(n) AS c",
                                     database_="default").records[0]["c"]
                print(f"the learner serves reads: {n} nodes in its copy")
            # 3. promote it, then restart it so it runs as a voter
            d.execute_query("CALL db.bolt.promoteRaftLearner($id)", {"id": new_id},
                            database_="default")
            node.stop()
            node.start()
            node.wait_bolt(30)
            wait_until(lambda: not members(d)[new_id]["is_learner"], 30,
                       what=f"node {new_id} to be a voter")
            show(f"after promoting node {new_id} and restarting it", members(d))
            # 4. remove it again
            d.execute_query("CALL db.bolt.removeRaftNode($id)", {"id": new_id},
                            database_="default")
            show(f"after removing node {new_id}", members(d))
        finally:
            node.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
