"""Pattern matching: MATCH patterns, pattern predicates, pattern comprehensions.

A `PatternMatcher` is compiled once per pattern list. For each part it picks an anchor node
(a variable already bound, an index seek, a label scan, or all nodes), expands the chain to
the right of the anchor and then to its left, and checks labels, property maps and bound
variables as it goes. Relationship uniqueness holds across all parts of one matcher (one
MATCH clause). Matching is a stack of generators, so it is lazy: a LIMIT upstream stops it.
"""

from __future__ import annotations

from .. import errors, values
from . import ast
from .anchors import Anchor
from .pattern_specs import NodeSpec, RelSpec, bind_node, node_ok, props_match
from .runtime import node_view, rel_view
from .walks import shortest_walks, var_length_walks

_FLIP = {"out": "in", "in": "out", "both": "both"}


class _Part:
    """One compiled pattern part with its anchor and traversal steps."""

    def __init__(self, part: ast.PatternPart, compiler, bound: set, hints: dict, filters=()):
        elem = part.element
        self.path_var = part.variable
        self.shortest = part.shortest
        self.nodes = [NodeSpec(n, compiler, i) for i, n in enumerate(elem.nodes)]
        self.rels = [RelSpec(r, compiler) for r in elem.rels]
        self.start = Anchor(self.nodes, self.rels, bound, hints)
        self.anchor = a = self.start.pos
        # (rel index, from node position, to node position, direction as traversed)
        self.steps = [(i, i, i + 1, self.rels[i].direction) for i in range(a, len(self.rels))]
        self.n_right = len(self.steps)
        self.steps += [(i, i + 1, i, _FLIP[self.rels[i].direction]) for i in range(a - 1, -1, -1)]
        self.stage_filters, self.unplaced = self._place_filters(bound, filters)
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

    def match(self, row, used, rt):
        tx = rt.tx
        spec = self.nodes[self.anchor]
        var = spec.var
        early = self.stage_filters.get(-1)
        if (not self.steps and not self.path_var and var is not None and var not in row
                and spec.props is None and len(spec.labels) <= 1 and self.start.is_scan):
            # A plain scan binding one new variable: every record fits, bind it directly.
            for nid in self.start.ids(row, rt):
                new = dict(row)
                new[var] = node_view(tx.node(nid))
                if early is None or _passes(early, new, rt):
                    yield new, used
            return
        for nid in self.start.ids(row, rt):
            rec = tx.node(nid)
            if not node_ok(spec, rec, row, rt):
                continue
            start_row = bind_node(spec, rec, row)
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
                every = self.shortest == "allShortestPaths"
                walks = shortest_walks(rel, spec, cur, direction, row, used, rt, every)
            else:
                walks = var_length_walks(rel, cur, direction, row, used, rt)
            for rels, end_id in walks:
                rec = tx.node(end_id)
                if not node_ok(spec, rec, row, rt):
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
                nrow = bind_node(spec, rec, nrow)
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
            if want is not None and not props_match(r.props, want):
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
                if not node_ok(spec, rec, nrow, rt):
                    continue
                nrow = bind_node(spec, rec, nrow)
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
                names.append(part.start.operator(row or {}, rt))
            else:
                names.append(part.start.static_operator())
            for ri, _src, _dst, _d in part.steps:
                names.append("VarLengthExpand" if part.rels[ri].var_length else "Expand")
        return names
