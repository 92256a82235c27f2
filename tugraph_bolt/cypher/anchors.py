"""Anchors: where a pattern part starts matching, decided among static candidates with one
index probe at run time (so schema changes never invalidate a cached plan).

Candidates, best first: a variable already bound (Argument), `WHERE id(n) = ...`
(NodeByIdSeek), an inline property map or WHERE equality / IN on a labelled node covered by
an index (NodeIndexSeek), the same on a relationship covered by an edge index
(RelationshipIndexSeek: the endpoints on the anchor's side), a label (NodeByLabelScan), all
nodes (AllNodesScan).
"""

from __future__ import annotations

from .. import errors, values
from .pattern_specs import seekable


def choose_position(nodes, rels, bound, hints) -> int:
    """Where to start: a bound variable, an id seek, a node index candidate, a relationship
    index candidate, a labelled node, else the first node."""
    for spec in nodes:
        if spec.var is not None and spec.var in bound:
            return spec.pos
    for spec in nodes:
        if any(k is None for k, _f, _m in hints.get(spec.var, ())):
            return spec.pos
    for spec in nodes:
        if spec.labels and (seekable(spec, bound) or hints.get(spec.var)):
            return spec.pos
    for i, rel in enumerate(rels):
        if rel.types and len(rel.types) == 1 and seekable(rel, bound):
            return i
    for spec in nodes:
        if spec.labels:
            return spec.pos
    return 0


class Anchor:
    """The start of one pattern part: `ids(row, rt)` are the candidate node ids."""

    def __init__(self, nodes, rels, bound, hints):
        self.nodes = nodes
        self.rels = rels
        self.pos = a = choose_position(nodes, rels, bound, hints)
        self.bound = nodes[a].var in bound  # an Argument: the row already holds the node
        self.seek_keys = []  # (label, key, compiled value, value is a list of keys)
        self.id_seek = None  # (compiled value, value is a list) from WHERE id(n) = ...
        spec = self.nodes[a]
        if spec.var is None or spec.var not in bound:
            var_hints = hints.get(spec.var, ())
            for k, f, many in var_hints:
                if k is None and self.id_seek is None:
                    self.id_seek = (f, many)
            for label in spec.labels:
                self.seek_keys += [(label, k, f, False) for k, f in seekable(spec, bound)]
                self.seek_keys += [(label, k, f, many) for k, f, many in var_hints if k]
        # Relationship index seeks (TuGraph edge indexes) next to the anchor: the anchor's
        # candidates are then the matching relationships' endpoints on the anchor's side.
        self.rel_seeks = []  # (type, key, compiled value, 'start' | 'end' | 'both')
        if not self.bound and self.id_seek is None:
            sides = {"out": ("start", "end"), "in": ("end", "start"), "both": ("both", "both")}
            for ri, which in ((a, 0), (a - 1, 1)):
                if 0 <= ri < len(self.rels):
                    rel = self.rels[ri]
                    if rel.types and len(rel.types) == 1:
                        side = sides[rel.direction][which]
                        self.rel_seeks += [
                            (rel.types[0], k, f, side) for k, f in seekable(rel, bound)
                        ]

    @property
    def is_scan(self) -> bool:
        """Candidates come from a plain label or all-nodes scan (no seek is possible)."""
        return not (self.bound or self.seek_keys or self.id_seek or self.rel_seeks)

    def static_operator(self) -> str:
        spec = self.nodes[self.pos]
        if self.bound:
            return "Argument"
        if self.id_seek is not None:
            return "NodeByIdSeek"
        scan = f"NodeByLabelScan({spec.labels[0]})" if spec.labels else "AllNodesScan"
        if self.seek_keys:
            label, key = self.seek_keys[0][0], self.seek_keys[0][1]
            return f"NodeIndexSeek({label}.{key})|{scan}"  # decided by the index at run time
        if self.rel_seeks:
            rel_type, key = self.rel_seeks[0][0], self.rel_seeks[0][1]
            return f"RelationshipIndexSeek({rel_type}.{key})|{scan}"
        return scan

    def operator(self, row, rt) -> str:
        spec = self.nodes[self.pos]
        if spec.var is not None and spec.var in row:
            return "Argument"
        if self.id_seek is not None:
            return "NodeByIdSeek"
        for label, key, f, many in self.seek_keys:
            try:
                value = f(row, rt)
            except Exception:  # a key depending on unbound variables: decided per row
                continue
            if many:
                value = value[0] if type(value) is list and value else None
            if value is not None and rt.tx.lookup(label, key, value) is not None:
                return f"NodeIndexSeek({label}.{key})"
        for rel_type, key, f, _side in self.rel_seeks:
            try:
                value = f(row, rt)
            except Exception:  # decided per row
                continue
            if value is not None and rt.tx.lookup_rels(rel_type, key, value) is not None:
                return f"RelationshipIndexSeek({rel_type}.{key})"
        if spec.labels:
            return f"NodeByLabelScan({spec.labels[0]})"
        return "AllNodesScan"

    def ids(self, row, rt):
        spec = self.nodes[self.pos]
        tx = rt.tx
        if spec.var is not None and spec.var in row:
            bound = row[spec.var]
            if bound is None:
                return ()
            if type(bound) is not values.Node:
                raise errors.CypherTypeError(
                    f"variable {spec.var} is not a node: {bound!r}", detail="VariableTypeConflict"
                )
            return (bound.id,)
        if self.id_seek is not None:
            f, many = self.id_seek
            value = f(row, rt)
            wanted = value if many and type(value) is list else [] if many else [value]
            return sorted({i for i in map(as_node_id, wanted) if i is not None})
        for label, key, f, many in self.seek_keys:
            value = f(row, rt)
            if value is None:
                return ()
            if many:
                if type(value) is not list:
                    continue  # WHERE reports the type error
                ids = seek_many(tx, label, key, value)
            else:
                ids = tx.lookup(label, key, value)
            if ids is not None:
                return ids
        for rel_type, key, f, side in self.rel_seeks:
            value = f(row, rt)
            if value is None:
                return ()
            rel_ids = tx.lookup_rels(rel_type, key, value)
            if rel_ids is not None:
                return endpoints(tx, rel_ids, side)
        if spec.labels:
            return tx.node_ids_by_label(spec.labels[0])
        return tx.node_ids()


def endpoints(tx, rel_ids, side: str) -> list[int]:
    """The anchor-side endpoints of indexed relationships, ascending and distinct."""
    ends: set = set()
    for rid in rel_ids:
        rec = tx.rel(rid)
        if rec is None:
            continue
        if side in ("start", "both"):
            ends.add(rec.start)
        if side in ("end", "both"):
            ends.add(rec.end)
    return sorted(ends)


def as_node_id(value):
    """id(n) values are integers; elementId(n) values are their decimal strings."""
    if type(value) is int:
        return value
    if type(value) is str and value.isdigit():
        return int(value)
    return None


def seek_many(tx, label, key, keys):
    """Ids for `key IN keys` through the index, ascending; None when no index covers it."""
    found: set = set()
    for value in keys:
        if value is None:
            continue
        ids = tx.lookup(label, key, value)
        if ids is None:
            return None
        found.update(ids)
    return sorted(found)
