"""Property test: MATCH counts agree with a brute-force enumeration on random small graphs.

Covers anchor choice (labels anywhere in the chain), directions, type alternatives,
self-loops, relationship uniqueness, and the GetDegree rewrite.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from .helpers import Db

LABELS = ["A", "B", None, None, None]
TYPES = ["R", "S"]

graphs = st.tuples(
    st.lists(st.sampled_from(["A", "B", "AB", ""]), min_size=2, max_size=4),
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.sampled_from(TYPES)),
             min_size=3, max_size=9),
)
patterns = st.tuples(
    st.lists(st.sampled_from(LABELS), min_size=2, max_size=4),
    st.lists(st.tuples(st.sampled_from(["out", "in", "both"]),
                       st.sampled_from([(), (), ("R",), ("S",), ("R", "S")])),
             min_size=3, max_size=3),
)


def build(db: Db, nodes, rels):
    tx = db.store.begin()
    ids = [tx.create_node([c for c in spec], {"i": i}) for i, spec in enumerate(nodes)]
    edges = []
    for a, b, t in rels:
        a, b = ids[a % len(ids)], ids[b % len(ids)]
        edges.append((tx.create_rel(t, a, b, {}), a, b, t))
    db.store.submit(tx.command()).raise_for_error()
    labels = {nid: set(spec) for nid, spec in zip(ids, nodes, strict=True)}
    return ids, labels, edges


def brute_force(ids, labels, edges, node_labels, rel_specs) -> int:
    def fits(nid, label):
        return label is None or label in labels[nid]

    count = 0

    def extend(i, cur, used):
        nonlocal count
        if i == len(rel_specs):
            count += 1
            return
        direction, types = rel_specs[i]
        for rid, start, end, t in edges:
            if rid in used or (types and t not in types):
                continue
            nexts = []
            if direction in ("out", "both") and start == cur:
                nexts.append(end)
            if direction in ("in", "both") and end == cur and not (direction == "both" and start == end):
                nexts.append(start)
            for nxt in nexts:
                if fits(nxt, node_labels[i + 1]):
                    extend(i + 1, nxt, used | {rid})

    for nid in ids:
        if fits(nid, node_labels[0]):
            extend(0, nid, frozenset())
    return count


def cypher_pattern(node_labels, rel_specs) -> str:
    arrows = {"out": ("-", "->"), "in": ("<-", "-"), "both": ("-", "-")}
    out = []
    for i, label in enumerate(node_labels):
        out.append(f"(n{i}{':' + label if label else ''})")
        if i < len(rel_specs):
            (direction, types) = rel_specs[i]
            left, right = arrows[direction]
            out.append(f"{left}[{':' + '|'.join(types) if types else ''}]{right}")
    return "".join(out)


@settings(max_examples=60, deadline=None)
@given(graphs, patterns)
def test_match_count_matches_brute_force(graph, pattern):
    db = Db()
    ids, labels, edges = build(db, *graph)
    node_labels, rel_specs = pattern
    rel_specs = rel_specs[: len(node_labels) - 1]
    text = cypher_pattern(node_labels, rel_specs)
    expected = brute_force(ids, labels, edges, node_labels, rel_specs)
    assert db.run(f"MATCH {text} RETURN count(*)") == [[expected]], text
    # the same through a bound first node (Argument anchor) and per-node grouping
    got = db.run(f"MATCH (n0) WITH n0 MATCH {text} RETURN count(*)")
    assert got == [[expected]], text
    if len(rel_specs) == 1:
        rows = db.run(f"MATCH {text} RETURN n0.i AS i, count(n1) AS c ORDER BY i")
        assert sum(c for _i, c in rows) == expected, text


def brute_force_walks(ids, edges, direction, types, lo, hi) -> int:
    count = 0

    def walk(cur, used, depth):
        nonlocal count
        if depth >= lo:
            count += 1
        if depth == hi:
            return
        for rid, start, end, t in edges:
            if rid in used or (types and t not in types):
                continue
            if direction in ("out", "both") and start == cur:
                walk(end, used | {rid}, depth + 1)
            if direction in ("in", "both") and end == cur and not (direction == "both" and start == end):
                walk(start, used | {rid}, depth + 1)

    for nid in ids:
        walk(nid, frozenset(), 0)
    return count


@settings(max_examples=40, deadline=None)
@given(graphs, st.sampled_from(["out", "in", "both"]), st.sampled_from([(), ("R",)]),
       st.integers(0, 2), st.integers(0, 2))
def test_var_length_count_matches_brute_force(graph, direction, types, lo, extra):
    db = Db()
    ids, _labels, edges = build(db, *graph)
    hi = lo + extra
    left, right = {"out": ("-", "->"), "in": ("<-", "-"), "both": ("-", "-")}[direction]
    rel = f"[{':' + types[0] if types else ''}*{lo}..{hi}]"
    text = f"(a){left}{rel}{right}(b)"
    expected = brute_force_walks(ids, edges, direction, types, lo, hi)
    assert db.run(f"MATCH {text} RETURN count(*)") == [[expected]], text
