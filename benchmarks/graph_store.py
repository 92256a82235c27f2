"""Graph store benchmark: load 10,000 Person{id,name} + 50,000 KNOWS (seed 42) through
transactions + apply, then measure memory and point lookups. Prints one JSON object.

    .venv/bin/python benchmarks/graph_store.py [--nodes N] [--rels M] [--batch B]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tugraph_bolt.graph import Store  # noqa: E402


def load(store: Store, nodes: int, rels: int, batch: int, rng: random.Random) -> dict:
    timings = {"tx_seconds": 0.0, "encode_seconds": 0.0, "apply_seconds": 0.0}

    def commit(tx):
        t0 = time.perf_counter()
        command = tx.command()
        t1 = time.perf_counter()
        outcome = store.submit(command)
        t2 = time.perf_counter()
        outcome.raise_for_error()
        timings["encode_seconds"] += t1 - t0
        timings["apply_seconds"] += t2 - t1

    tx = store.begin()
    tx.create_vertex_label("Person", "id", [("id", "INT64", False), ("name", "STRING", True)])
    commit(tx)
    ids = []
    for start in range(0, nodes, batch):
        t0 = time.perf_counter()
        tx = store.begin()
        for i in range(start, min(start + batch, nodes)):
            ids.append(tx.create_node(["Person"], {"id": i, "name": f"person{i}"}))
        timings["tx_seconds"] += time.perf_counter() - t0
        commit(tx)
    for start in range(0, rels, batch):
        t0 = time.perf_counter()
        tx = store.begin()
        for _ in range(start, min(start + batch, rels)):
            tx.create_rel("KNOWS", rng.choice(ids), rng.choice(ids), {})
        timings["tx_seconds"] += time.perf_counter() - t0
        commit(tx)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--rels", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--lookups", type=int, default=100_000)
    args = parser.parse_args()

    rng = random.Random(42)
    store = Store(id_block_size=65536)
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    timings = load(store, args.nodes, args.rels, args.batch, rng)
    load_seconds = time.perf_counter() - t0
    load_cpu_seconds = time.process_time() - c0

    # memory: load a second, identical graph under tracemalloc (tracing slows the load,
    # so the timing above is taken without it)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.take_snapshot()
    mem_store = Store(id_block_size=65536)
    load(mem_store, args.nodes, 0, args.batch, random.Random(42))
    gc.collect()
    after_nodes = tracemalloc.take_snapshot()
    tx = mem_store.begin()
    ids = list(mem_store.state.node_ids())
    mem_rng = random.Random(42)
    for _ in range(args.rels):
        tx.create_rel("KNOWS", mem_rng.choice(ids), mem_rng.choice(ids), {})
    mem_store.commit(tx).raise_for_error()
    del tx
    gc.collect()
    after_rels = tracemalloc.take_snapshot()
    tracemalloc.stop()
    node_bytes = sum(s.size_diff for s in after_nodes.compare_to(base, "filename"))
    rel_bytes = sum(s.size_diff for s in after_rels.compare_to(after_nodes, "filename"))

    state = store.state
    keys = [rng.randrange(args.nodes) for _ in range(args.lookups)]
    t0 = time.perf_counter()
    found = 0
    for key in keys:
        found += len(state.lookup("Person", "id", key))
    lookup_seconds = time.perf_counter() - t0
    assert found == args.lookups

    t0 = time.perf_counter()
    scanned = len(state.node_ids_by_label("Person"))
    scan_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    digest = state.digest()
    digest_seconds = time.perf_counter() - t0

    print(json.dumps({
        "nodes": state.node_count(),
        "relationships": state.rel_count(),
        "batch": args.batch,
        "load_seconds": round(load_seconds, 3),
        "load_cpu_seconds": round(load_cpu_seconds, 3),
        "gc_threshold": list(gc.get_threshold()),
        "tx_seconds": round(timings["tx_seconds"], 3),
        "encode_seconds": round(timings["encode_seconds"], 3),
        "apply_seconds": round(timings["apply_seconds"], 3),
        "bytes_per_node": round(node_bytes / max(args.nodes, 1)),
        "bytes_per_relationship": round(rel_bytes / max(args.rels, 1)),
        "lookups_per_second": round(args.lookups / lookup_seconds),
        "label_scan_seconds": round(scan_seconds, 4),
        "label_scan_nodes": scanned,
        "digest_seconds": round(digest_seconds, 3),
        "digest": digest[:16],
    }, indent=2))


if __name__ == "__main__":
    main()
