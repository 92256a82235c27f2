"""A bounded load generator: P processes x T threads of neo4j driver sessions.

With several URIs, process i talks to uri[i % len(uris)] (reads spread over a cluster).

One Python process of driver threads is GIL-bound (~2,300 trivial queries/s here), so the
sessions are spread over processes. Each worker runs `query` with parameters from
`params(i)` for `seconds`, recording per-request latency; the parent merges the counts.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import statistics
import threading
import time


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def _proc_main(uri, auth, resolver_addrs, query, param_kind, param_range, threads, seconds,
               write, seed, out):
    from neo4j import GraphDatabase

    kw = {}
    if resolver_addrs:
        addrs = [tuple(a) for a in resolver_addrs]
        kw["resolver"] = lambda address: addrs
    driver = GraphDatabase.driver(uri, auth=auth, max_connection_pool_size=threads + 2, **kw)
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start_evt = threading.Event()

    def worker(k):
        rng = random.Random(seed * 1000 + k)
        local, errs = [], 0
        with driver.session(database="default") as s:
            start_evt.wait()
            deadline = time.perf_counter() + seconds
            while True:
                t0 = time.perf_counter()
                if t0 >= deadline:
                    break
                if param_kind == "id":
                    p = {"id": rng.randrange(param_range)}
                else:
                    p = {"k": seed * 1000 + k, "i": rng.randrange(1 << 30)}
                try:
                    if write:
                        s.run(query, p).consume()
                    else:
                        list(s.run(query, p))
                except Exception:  # noqa: BLE001 - counted, the benchmark goes on
                    errs += 1
                    continue
                local.append(time.perf_counter() - t0)
        with lock:
            lat.extend(local)
            errors[0] += errs

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    start_evt.set()
    for t in ts:
        t.join(seconds + 60)
    driver.close()
    out.put((lat, errors[0]))


def run_load(uri: str | list[str], auth, query: str, *, sessions: int, seconds: float, write: bool,
             param_kind: str = "id", param_range: int = 10_000, resolver_addrs=None,
             max_procs: int = 8) -> dict:
    procs = min(sessions, max_procs)
    per = [sessions // procs + (1 if i < sessions % procs else 0) for i in range(procs)]
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    uris = [uri] if isinstance(uri, str) else list(uri)
    ps = [ctx.Process(target=_proc_main,
                      args=(uris[i % len(uris)], auth, resolver_addrs, query, param_kind, param_range, n,
                            seconds, write, i + 1, q))
          for i, n in enumerate(per)]
    for p in ps:
        p.start()
    lat: list[float] = []
    errors = 0
    for _ in ps:
        part, errs = q.get(timeout=seconds + 120)
        lat.extend(part)
        errors += errs
    for p in ps:
        p.join(30)
    lat.sort()
    return {
        "sessions": sessions,
        "processes": procs,
        "ops": len(lat),
        "errors": errors,
        "ops_per_s": round(len(lat) / seconds, 1),
        "p50_ms": round(_percentile(lat, 50) * 1000, 3),
        "p99_ms": round(_percentile(lat, 99) * 1000, 3),
        "mean_ms": round(statistics.fmean(lat) * 1000, 3) if lat else None,
    }
