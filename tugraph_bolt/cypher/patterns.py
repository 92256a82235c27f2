"""Pattern matching: MATCH patterns, pattern predicates, pattern comprehensions.

A `PatternMatcher` is compiled once per pattern list. For each part it picks an anchor node
(a variable already bound, an index seek, a label scan, or all nodes), expands the chain to
the right of the anchor and then to its left, and checks labels, property maps and bound
variables as it goes. Relationship uniqueness holds across all parts of one matcher (one
MATCH clause). Matching is a stack of generators, so it is lazy: a LIMIT upstream stops it.
"""

from __future__ import annotations

from .. import errors, values
from . import ast, ops
from .runtime import node_view, rel_view

_FLIP = {"out": "in", "in": "out", "both": "both"}


class _NodeSpec:
    __slots__ = ("var", "labels", "props", "prop_keys", "pos")

    def __init__(self, pattern: ast.NodePattern, compiler, pos: int):
        self.var = pattern.variable
        self.labels = tuple(pattern.labels)
        self.props = compiler.compile(pattern.properties) if pattern.properties else None
        self.prop_keys = []  # (key, compiled value, variables the value reads)
        if type(pattern.properties) is ast.MapLiteral:
            self.prop_keys = [
                (k, compiler.compile(v), {n.name for n in ast.walk(v) if type(n) is ast.Variable})
                for k, v in pattern.properties.items
            ]
        self.pos = pos


class _RelSpec:
    __slots__ = ("var", "types", "props", "prop_keys", "direction", "var_length", "min_hops",
                 "max_hops")

    def __init__(self, pattern: ast.RelPattern, compiler):
        self.var = pattern.variable
        self.types = tuple(pattern.types) or None
        self.props = compiler.compile(pattern.properties) if pattern.properties else None
        self.prop_keys = []  # as for nodes: candidates for a relationship index seek
        if type(pattern.properties) is ast.MapLiteral and not pattern.var_length:
            self.prop_keys = [
                (k, compiler.compile(v), {n.name for n in ast.walk(v) if type(n) is ast.Variable})
                for k, v in pattern.properties.items
            ]
        self.direction = pattern.direction
        self.var_length = pattern.var_length
        self.min_hops = 1 if pattern.min_hops is None else pattern.min_hops
        self.max_hops = pattern.max_hops


def _props_match(have, want) -> bool:
    if want is None:
        return True
    if type(want) is not dict:
        raise errors.CypherTypeError(
            f"a pattern's properties must be a map, got {want!r}", detail="InvalidArgumentType"
        )
    for key, value in want.items():
        if ops.equals(have.get(key), value) is not True:
            return False
    return True


def _node_ok(spec: _NodeSpec, rec, row, rt) -> bool:
    if rec is None:
        return False
    if spec.var is not None and spec.var in row:
        bound = row[spec.var]
        if type(bound) is not values.Node or bound.id != rec.id:
            return False
    if spec.labels:
        have = rec.labels
        for label in spec.labels:
            if label not in have:
                return False
    if spec.props is not None and not _props_match(rec.props, spec.props(row, rt)):
        return False
    return True


def _bind_node(spec: _NodeSpec, rec, row):
    if spec.var is None or spec.var in row:
        return row
    new = dict(row)
    new[spec.var] = node_view(rec)
    return new


class _Part:
    """One compiled pattern part with its anchor and traversal steps."""

    def __init__(self, part: ast.PatternPart, compiler, bound: set, hints: dict, filters=()):
        elem = part.element
        self.path_var = part.variable
        self.shortest = part.shortest
        self.nodes = [_NodeSpec(n, compiler, i) for i, n in enumerate(elem.nodes)]
        self.rels = [_RelSpec(r, compiler) for r in elem.rels]
        self.anchor = self._choose_anchor(bound, hints)
        self.anchor_bound = self.nodes[self.anchor].var in bound
        a = self.anchor
        # (rel index, from node position, to node position, direction as traversed)
        self.steps = [(i, i, i + 1, self.rels[i].direction) for i in range(a, len(self.rels))]
        self.n_right = len(self.steps)
        self.steps += [(i, i + 1, i, _FLIP[self.rels[i].direction]) for i in range(a - 1, -1, -1)]
        self.stage_filters, self.unplaced = self._place_filters(bound, filters)
        self.seek_keys = []  # (label, key, compiled value, value is a list of keys)
        self.id_seek = None  # (compiled value, value is a list) from WHERE id(n) = ...
        spec = self.nodes[a]
        if spec.var is None or spec.var not in bound:
            var_hints = hints.get(spec.var, ())
            for k, f, many in var_hints:
                if k is None and self.id_seek is None:
                    self.id_seek = (f, many)
            for label in spec.labels:
                self.seek_keys += [(label, k, f, False) for k, f in _seekable(spec, bound)]
                self.seek_keys += [(label, k, f, many) for k, f, many in var_hints if k]
        # Relationship index seeks (TuGraph edge indexes) next to the anchor: the anchor's
        # candidates are then the matching relationships' endpoints on the anchor's side.
        self.rel_seeks = []  # (type, key, compiled value, 'start' | 'end' | 'both')
        if not self.anchor_bound and self.id_seek is None:
            sides = {"out": ("start", "end"), "in": ("end", "start"), "both": ("both", "both")}
            for ri, which in ((a, 0), (a - 1, 1)):
                if 0 <= ri < len(self.rels):
                    rel = self.rels[ri]
                    if rel.types and len(rel.types) == 1:
                        side = sides[rel.direction][which]
                        self.rel_seeks += [
                            (rel.types[0], k, f, side) for k, f in _seekable(rel, bound)
                        ]

    def _place_filters(self, bound, filters):
        """WHERE conjuncts checked as soon as their variables are bound: {stage: [fn]}
        where stage -1 is after the anchor and k after step k; the rest are returned."""
        stages: dict = {}
        known = set(bound) | {self.nodes[self.anchor].var}
        order = [(-1, set(known))]
        for k, (ri, _src, dst, _d) in enumerate(self.steps):
            known |= {self.rels[ri].var, self.nodes[dst].var}
            order.append((k, set(known)))
        unplaced = []
        for fn, needs in filters:
            for stage, have in order:
                if needs <= have:
                    stages.setdefault(stage, []).append(fn)
                    break
            else:
                unplaced.append((fn, needs))
        return stages, unplaced

    def _choose_anchor(self, bound, hints) -> int:
        for spec in self.nodes:
            if spec.var is not None and spec.var in bound:
                return spec.pos
        for spec in self.nodes:
            if any(k is None for k, _f, _m in hints.get(spec.var, ())):
                return spec.pos
        for spec in self.nodes:
            if spec.labels and (_seekable(spec, bound) or hints.get(spec.var)):
                return spec.pos
        for i, rel in enumerate(self.rels):
            if rel.types and len(rel.types) == 1 and _seekable(rel, bound):
                return i
        for spec in self.nodes:
            if spec.labels:
                return spec.pos
        return 0

    def static_anchor_operator(self) -> str:
        spec = self.nodes[self.anchor]
        if self.anchor_bound:
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

    def anchor_operator(self, row, rt) -> str:
        spec = self.nodes[self.anchor]
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

    def anchor_ids(self, row, rt):
        spec = self.nodes[self.anchor]
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
            return sorted({i for i in map(_as_node_id, wanted) if i is not None})
        for label, key, f, many in self.seek_keys:
            value = f(row, rt)
            if value is None:
                return ()
            if many:
                if type(value) is not list:
                    continue  # WHERE reports the type error
                ids = _seek_many(tx, label, key, value)
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
                return _endpoints(tx, rel_ids, side)
        if spec.labels:
            return tx.node_ids_by_label(spec.labels[0])
        return tx.node_ids()

    def match(self, row, used, rt):
        tx = rt.tx
        spec = self.nodes[self.anchor]
        var = spec.var
        early = self.stage_filters.get(-1)
        if (not self.steps and not self.path_var and var is not None and var not in row
                and spec.props is None and len(spec.labels) <= 1 and not self.seek_keys
                and self.id_seek is None and not self.rel_seeks):
            # A plain scan binding one new variable: every record fits, bind it directly.
            for nid in self.anchor_ids(row, rt):
                new = dict(row)
                new[var] = node_view(tx.node(nid))
                if early is None or _passes(early, new, rt):
                    yield new, used
            return
        for nid in self.anchor_ids(row, rt):
            rec = tx.node(nid)
            if not _node_ok(spec, rec, row, rt):
                continue
            start_row = _bind_node(spec, rec, row)
            if early is not None and not _passes(early, start_row, rt):
                continue
            if not self.steps and not self.path_var:
                yield start_row, used
                continue
            trail = {self.anchor: rec} if self.path_var else None
            yield from self._walk(0, start_row, used, trail, nid, nid, rt)

    def _walk(self, k, row, used, trail, cur, anchor, rt):
        if k == len(self.steps):
            if self.path_var:
                row = dict(row)
                row[self.path_var] = self._path(trail, rt)
            yield row, used
            return
        ri, src, dst, direction = self.steps[k]
        if k == self.n_right:
            cur = anchor  # the left-going steps start again from the anchor
        rel = self.rels[ri]
        spec = self.nodes[dst]
        tx = rt.tx
        early = self.stage_filters.get(k)
        if rel.var_length:
            if self.shortest:
                walks = self._shortest(rel, spec, cur, direction, row, used, rt)
            else:
                walks = self._var_length(rel, cur, direction, row, used, rt)
            for rels, end_id in walks:
                rec = tx.node(end_id)
                if not _node_ok(spec, rec, row, rt):
                    continue
                nrow = row
                if rel.var is not None:
                    views = [rel_view(r) for r in (rels if src < dst else reversed(rels))]
                    if rel.var in row:
                        if not _same_rels(row[rel.var], views):
                            continue
                    else:
                        nrow = dict(row)
                        nrow[rel.var] = views
                nrow = _bind_node(spec, rec, nrow)
                if early is not None and not _passes(early, nrow, rt):
                    continue
                ntrail = trail
                if trail is not None:
                    ntrail = dict(trail)
                    ntrail[("r", ri)] = rels if src < dst else list(reversed(rels))
                    ntrail[dst] = rec
                yield from self._walk(
                    k + 1, nrow, used + tuple(r.id for r in rels), ntrail, end_id, anchor, rt
                )
            return
        want = rel.props(row, rt) if rel.props is not None else None
        last = k + 1 == len(self.steps) and trail is None
        # An anonymous, unconstrained far node needs no record (the relationship exists,
        # so its endpoint does) unless a path is being built.
        free_node = trail is None and spec.var is None and not spec.labels and spec.props is None
        for r in tx.rels_of(cur, direction, rel.types):  # each relationship once, loops too
            rid = r.id
            if rid in used:
                continue
            if want is not None and not _props_match(r.props, want):
                continue
            other = r.end if r.start == cur else r.start
            nrow = row
            if rel.var is not None:
                if rel.var in row:
                    b = row[rel.var]
                    if type(b) is not values.Relationship or b.id != rid:
                        continue
                else:
                    nrow = dict(row)
                    nrow[rel.var] = rel_view(r)
            if not free_node:
                rec = tx.node(other)
                if not _node_ok(spec, rec, nrow, rt):
                    continue
                nrow = _bind_node(spec, rec, nrow)
            if early is not None and not _passes(early, nrow, rt):
                continue
            if last:
                yield nrow, used + (rid,)
                continue
            ntrail = trail
            if trail is not None:
                ntrail = dict(trail)
                ntrail[("r", ri)] = [r]
                ntrail[dst] = rec
            yield from self._walk(k + 1, nrow, used + (rid,), ntrail, other, anchor, rt)

    def _var_length(self, rel: _RelSpec, start, direction, row, used, rt):
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
                if want is not None and not _props_match(r.props, want):
                    continue
                other = r.end if r.start == cur else r.start
                nexts.append((other, rels + (r,), ids + (rid,)))
            stack.extend(reversed(nexts))

    def _shortest(self, rel: _RelSpec, spec: _NodeSpec, start, direction, row, used, rt):
        """shortestPath / allShortestPaths: breadth-first from `start`; for each node that
        fits `spec`, the first (or every) walk of minimal length within the hop bounds."""
        want = rel.props(row, rt) if rel.props is not None else None
        lo, hi = rel.min_hops, rel.max_hops
        every = self.shortest == "allShortestPaths"
        tx = rt.tx
        bound_end = spec.var is not None and spec.var in row
        if lo == 0 and _node_ok(spec, tx.node(start), row, rt):
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
                    if r.id in used or (want is not None and not _props_match(r.props, want)):
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
                if not _node_ok(spec, tx.node(target), row, rt):
                    continue
                found = True
                for walk in _walks_back(preds, start, target):
                    yield walk, target
                    if not every:
                        break
            if found and bound_end:
                return

    def _path(self, trail, rt) -> values.Path:
        nodes = [node_view(trail[0])]
        rels = []
        cur = trail[0].id
        for i in range(len(self.rels)):
            segment = trail[("r", i)]
            for j, r in enumerate(segment):
                rels.append(rel_view(r))
                cur = r.end if r.start == cur else r.start
                rec = trail[i + 1] if j == len(segment) - 1 else rt.tx.node(cur)
                nodes.append(node_view(rec))
        return values.Path(tuple(nodes), tuple(rels))


def _passes(filters, row, rt) -> bool:
    """An early WHERE check: drop the row only when a conjunct is surely not true. Errors
    are left to the full WHERE, which still runs on every complete match."""
    for f in filters:
        try:
            if f(row, rt) is not True:
                return False
        except errors.CypherError:
            continue
    return True


def _endpoints(tx, rel_ids, side: str) -> list[int]:
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


def _as_node_id(value):
    """id(n) values are integers; elementId(n) values are their decimal strings."""
    if type(value) is int:
        return value
    if type(value) is str and value.isdigit():
        return int(value)
    return None


def _seekable(spec, bound) -> list:
    """(key, value fn) of the inline property map whose values need only bound variables."""
    return [(k, f) for k, f, reads in spec.prop_keys if reads <= bound]


def _seek_many(tx, label, key, keys):
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


def _walks_back(preds, start, target):
    """Every minimal walk start -> target (relationship lists) from BFS predecessors."""
    if target == start:
        yield []
        return
    for prev, r in preds[target]:
        for head in _walks_back(preds, start, prev):
            yield head + [r]


def _same_rels(bound, views) -> bool:
    if type(bound) is not list or len(bound) != len(views):
        return False
    return all(type(b) is values.Relationship and b.id == v.id for b, v in zip(bound, views, strict=False))


def pattern_vars(parts) -> list[str]:
    """Named variables of the pattern parts, in order of first appearance."""
    out: list[str] = []
    for part in parts:
        for name in [part.variable] + _element_vars(part.element):
            if name is not None and name not in out:
                out.append(name)
    return out


def _element_vars(elem) -> list:
    names = [elem.nodes[0].variable]
    for rel, node in zip(elem.rels, elem.nodes[1:], strict=False):
        names += [rel.variable, node.variable]
    return names


class PatternMatcher:
    """Matches a list of pattern parts against a row; yields the extended rows."""

    def __init__(self, parts, compiler, scope, hints: dict | None = None, filters=()):
        """filters: [(compiled WHERE conjunct, variables it reads)] to check early."""
        scope = set(scope)
        self.new_vars = [v for v in pattern_vars(parts) if v not in scope]
        self.parts = []
        bound = set(scope)
        pending = list(filters)
        for part in parts:
            compiled = _Part(part, compiler, bound, hints or {}, pending)
            pending = compiled.unplaced
            self.parts.append(compiled)
            bound.update(v for v in pattern_vars([part]) if v is not None)

    def match(self, row, rt, used=()):
        if len(self.parts) == 1:
            for nrow, _used in self.parts[0].match(row, used, rt):
                yield nrow
            return
        yield from self._match_from(0, row, used, rt)

    def _match_from(self, i, row, used, rt):
        if i == len(self.parts):
            yield row
            return
        for nrow, nused in self.parts[i].match(row, used, rt):
            yield from self._match_from(i + 1, nrow, nused, rt)

    def operators(self, row=None, rt=None) -> list[str]:
        """Operator names; with a runtime the anchor choice is resolved as a run would."""
        names = []
        for part in self.parts:
            if rt is not None:
                names.append(part.anchor_operator(row or {}, rt))
            else:
                names.append(part.static_anchor_operator())
            for ri, _src, _dst, _d in part.steps:
                names.append("VarLengthExpand" if part.rels[ri].var_length else "Expand")
        return names
