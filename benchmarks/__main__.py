"""`make bench`: every benchmark in one invocation, JSON out plus a short table.

    .venv/bin/python -m benchmarks [--only engine,cluster] [--quick] [--out bench.json]

Each benchmark runs as its own process (so one's threads and memory do not disturb the
next) and prints one JSON document; this collects them, checks the targets and prints the
whole as JSON on stdout and a table on stderr.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# name -> (module, normal args, quick args)
BENCHMARKS = {
    "engine": ("benchmarks.engine", [], ["--seconds", "1"]),
    "graph_store": ("benchmarks.graph_store", [], []),
    "bolt_codec": ("benchmarks.bolt_codec", [], ["--seconds", "0.5"]),
    "bolt_driver": ("benchmarks.bolt_driver", [], ["--seconds", "2"]),
    "raft_baseline": ("benchmarks.raft_baseline", [], ["--seconds", "2"]),
    "cluster": ("benchmarks.cluster", [], ["--seconds", "2", "--failovers", "1"]),
}


def _json_output(text: str):
    """The benchmark's JSON: one document, or one per line (then a list of them)."""
    text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        pass
    docs = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(("{", "[")):
            try:
                docs.append(json.loads(line))
            except ValueError:
                continue
    if not docs:
        return None
    return docs[0] if len(docs) == 1 else docs


def _get(doc, *path):
    for p in path:
        if doc is None:
            return None
        if isinstance(p, int):
            doc = doc[p] if isinstance(doc, list) and len(doc) > p else None
        else:
            doc = doc.get(p) if isinstance(doc, dict) else None
    return doc


def _find(rows, **match):
    for r in rows or []:
        if all(r.get(k) == v for k, v in match.items()):
            return r
    return None


def targets(results: dict) -> list[tuple[str, object, str, bool | None]]:
    """(what, measured, target, met) rows for the table."""
    out = []
    eng = results.get("engine") or {}

    def row(what, value, target, ok):
        out.append((what, value, target, None if value is None else ok(value)))

    def num(*path):
        v = _get(eng, *path)
        return v if isinstance(v, (int, float)) else None

    row("engine load s", num("load_seconds"), "<= 3", lambda v: v <= 3)
    row("engine lookups/s", num("point_lookups_per_s"), ">= 10000", lambda v: v >= 10000)
    row("engine two-hop/s", num("two_hop_per_s"), ">= 2000", lambda v: v >= 2000)
    row("engine top-10 agg ms", num("top10_ms"), "<= 60", lambda v: v <= 60)
    bolt = results.get("bolt_driver") or {}
    l1 = _find(bolt.get("lookup"), sessions=1)
    l16 = _find(bolt.get("lookup"), sessions=16)
    row("bolt lookups/s, 1 session", l1 and l1["ops_per_s"], ">= 2500", lambda v: v >= 2500)
    engine_rate = num("point_lookups_per_s")
    if l16 and engine_rate:
        ratio = round(l16["ops_per_s"] / engine_rate, 3)
        row("bolt lookups 16 sessions / engine", ratio, ">= 0.40", lambda v: v >= 0.4)
    cl = results.get("cluster") or {}
    w1 = _find(cl.get("write"), sessions=1)
    w16 = _find(cl.get("write"), sessions=16)
    row("cluster write p50 ms, 1 session", w1 and w1["p50_ms"], "<= 5", lambda v: v <= 5)
    row("cluster writes/s, 16 sessions", w16 and w16["ops_per_s"], ">= 1500", lambda v: v >= 1500)
    row("cluster failover median s", cl.get("failover_median_s"), "<= 1.5", lambda v: v <= 1.5)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="comma list of " + ", ".join(BENCHMARKS))
    ap.add_argument("--quick", action="store_true", help="shorter runs (a smoke test)")
    ap.add_argument("--out", help="also write the JSON here")
    args = ap.parse_args(argv)
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        ap.error(f"unknown benchmark(s) {unknown}; choose from {', '.join(BENCHMARKS)}")
    results: dict = {"machine": {"python": sys.version.split()[0]}, "started": time.time()}
    for i, name in enumerate(names, 1):
        module, normal, quick = BENCHMARKS[name]
        print(f"[{i}/{len(names)}] {name} ...", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", module, *(quick if args.quick else normal)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True, timeout=1800)
        doc = _json_output(proc.stdout)
        if proc.returncode != 0 or doc is None:
            results[name] = {"error": f"exit {proc.returncode}", "stdout": proc.stdout[-2000:]}
        else:
            results[name] = doc
        print(f"[{i}/{len(names)}] {name} done in {time.monotonic() - t0:.1f}s", file=sys.stderr,
              flush=True)
    rows = targets(results)
    results["targets"] = [{"what": w, "measured": v, "target": t, "met": ok}
                          for w, v, t, ok in rows]
    text = json.dumps(results, indent=2)
    if args.out:
        Path(args.out).write_text(text)
    print(text)
    width = max((len(w) for w, *_ in rows), default=10)
    print("\n" + "benchmark".ljust(width) + "  measured    target     met", file=sys.stderr)
    for w, v, t, ok in rows:
        mark = "-" if ok is None else ("yes" if ok else "NO")
        print(f"{w.ljust(width)}  {str(v):<10}  {t:<9}  {mark}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
