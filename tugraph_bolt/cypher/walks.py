"""Variable-length walks and shortest paths from one node (relationship uniqueness kept)."""

from __future__ import annotations

from .pattern_specs import NodeSpec, RelSpec, node_ok, props_match


def var_length_walks(rel: RelSpec, start, direction, row, used, rt):
    """(relationships in traversal order, end node id) for each walk within the bounds."""
    want = rel.props(row, rt) if rel.props is not None else None
    lo, hi = rel.min_hops, rel.max_hops
    tx = rt.tx
    stack = [(start, (), ())]
    while stack:
        cur, rels, ids = stack.pop()
        depth = len(rels)
        if depth >= lo:
            yield list(rels), cur
        if hi is not None and depth >= hi:
            continue
        nexts = []
        for r in tx.rels_of(cur, direction, rel.types):  # each relationship once
            rid = r.id
            if rid in used or rid in ids:
                continue
            if want is not None and not props_match(r.props, want):
                continue
            other = r.end if r.start == cur else r.start
            nexts.append((other, rels + (r,), ids + (rid,)))
        stack.extend(reversed(nexts))

def shortest_walks(rel: RelSpec, spec: NodeSpec, start, direction, row, used, rt, every):
    """shortestPath / allShortestPaths: breadth-first from `start`; for each node that
    fits `spec`, the first (or every) walk of minimal length within the hop bounds."""
    want = rel.props(row, rt) if rel.props is not None else None
    lo, hi = rel.min_hops, rel.max_hops
    tx = rt.tx
    bound_end = spec.var is not None and spec.var in row
    if lo == 0 and node_ok(spec, tx.node(start), row, rt):
        yield [], start
        if bound_end:
            return
    depth = {start: 0}
    preds: dict = {start: []}
    frontier = [start]
    d = 0
    while frontier and (hi is None or d < hi):
        d += 1
        layer = []
        for cur in frontier:
            for r in tx.rels_of(cur, direction, rel.types):
                if r.id in used or (want is not None and not props_match(r.props, want)):
                    continue
                other = r.end if r.start == cur else r.start
                seen = depth.get(other)
                if seen is None:
                    depth[other] = d
                    preds[other] = [(cur, r)]
                    layer.append(other)
                elif seen == d:
                    preds[other].append((cur, r))
        frontier = layer
        if d < lo:
            continue
        found = False
        for target in layer:
            if not node_ok(spec, tx.node(target), row, rt):
                continue
            found = True
            for walk in walks_back(preds, start, target):
                yield walk, target
                if not every:
                    break
        if found and bound_end:
            return


def walks_back(preds, start, target):
    """Every minimal walk start -> target (relationship lists) from BFS predecessors."""
    if target == start:
        yield []
        return
    for prev, r in preds[target]:
        for head in walks_back(preds, start, prev):
            yield head + [r]
