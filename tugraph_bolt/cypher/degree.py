"""The GetDegree rewrite: `MATCH (p:L)-[:T]->(q) RETURN p.x, count(q)` counts relationships
without visiting them.

When a MATCH of one hop feeds an aggregating projection and the far node is only ever
counted, each row of the near node carries its degree (from the graph's adjacency) and the
count becomes a sum of degrees. Rows whose degree is 0 are dropped, exactly as the expand
would have produced no row for them. Conditions (all checked; otherwise no rewrite):
one non-optional pattern part without WHERE or path variable, exactly one fixed-length
relationship without variable or properties, a far node that is new, unlabelled and
without properties, and a projection (items and ORDER BY) whose only aggregates are
count(far) / count(*) and which mentions `far` nowhere else.
"""

from __future__ import annotations

from . import ast
from .compile_expr import find_aggregates

DEGREE_KEY = "  degree"  # row keys with spaces never collide with Cypher variables
NEAR_KEY = "  near"
_FLIP = {"out": "in", "in": "out", "both": "both"}


def degree_rewrite(match: ast.Match, proj_clause, scope):
    """(reduced Match of the near node, near index, direction, types, {id(count): key}) or
    None when the rewrite does not apply."""
    if match.optional or match.where is not None or len(match.patterns) != 1:
        return None
    part = match.patterns[0]
    if part.variable is not None or part.shortest is not None:
        return None
    elem = part.element
    if len(elem.rels) != 1:
        return None
    rel = elem.rels[0]
    if rel.var_length or rel.variable is not None or rel.properties is not None:
        return None
    proj = proj_clause.projection
    if proj.star:
        return None
    where = getattr(proj_clause, "where", None)
    for near_i, far_i in ((0, 1), (1, 0)):
        near, far = elem.nodes[near_i], elem.nodes[far_i]
        if far.variable is None or far.variable in scope or far.labels or far.properties:
            continue
        if near.variable is not None and near.variable == far.variable:
            continue
        counts = _count_calls(proj, where, far.variable)
        if counts is None:
            continue
        direction = rel.direction if near_i == 0 else _FLIP[rel.direction]
        near_var = near.variable if near.variable is not None else NEAR_KEY
        near = ast.NodePattern(near_var, near.labels, near.properties)
        reduced = ast.Match((ast.PatternPart(None, ast.PatternElement((near,), ())),), None)
        return reduced, near_var, direction, tuple(rel.types) or None, dict.fromkeys(
            counts, DEGREE_KEY
        )
    return None


def _count_calls(proj, where, far: str):
    """ids of count(far)/count(*) calls when those are the only uses of aggregates and far."""
    exprs = [item.expr for item in proj.items] + [s.expr for s in proj.order_by]
    if where is not None:
        exprs.append(where)
    counts = []
    for e in exprs:
        aggs = find_aggregates(e)
        for call in aggs:
            if type(call) is ast.CountStar:
                counts.append(id(call))
                continue
            if call.name.lower() != "count" or call.distinct or len(call.args) != 1:
                return None
            arg = call.args[0]
            if type(arg) is not ast.Variable or arg.name != far:
                return None
            counts.append(id(call))
        inside = {id(n) for call in aggs for n in ast.walk(call)}
        for n in ast.walk(e):
            if type(n) is ast.Variable and n.name == far and id(n) not in inside:
                return None
            if type(n) is ast.MapProjection and n.var == far:
                return None
    if not counts:
        return None
    return counts


class DegreeMatchOp:
    """Match the near node, then attach its degree instead of expanding."""

    name = "GetDegree"

    def __init__(self, inner, near_var: str, direction: str, types, fresh_rows: bool):
        """fresh_rows: the near node is newly bound, so each row is a dict made for it by
        the match and may take the degree in place."""
        self.inner = inner
        self.fresh_rows = fresh_rows
        self.near_var = near_var
        self.direction = direction
        self.types = types
        self.matcher = inner.matcher

    def operators(self, row=None, rt=None) -> list[str]:
        return self.inner.operators(row, rt) + ["GetDegree"]

    def __call__(self, rows, rt):
        var, direction, types = self.near_var, self.direction, self.types
        degree = rt.tx.degree
        first = True
        for row in self.inner(rows, rt):
            if first:
                # Nothing writes while this operator streams (updating clauses are eager
                # barriers), so when every type in the graph is wanted, filter on none.
                first = False
                if types is not None and set(rt.tx.rel_types()) <= set(types):
                    types = None
            d = degree(row[var].id, direction, types)
            if d:
                if not self.fresh_rows:
                    row = dict(row)
                row[DEGREE_KEY] = d
                yield row


def count_rewrite(match: ast.Match, proj_clause, scope):
    """NodeCountFromCountStore: `MATCH (n[:L]) RETURN count(n)` reads the number of nodes
    instead of visiting them (likewise relationships of a type). Returns
    (('node' | 'rel', label or type or None), {id(count): key}) or None."""
    if match.optional or match.where is not None or len(match.patterns) != 1:
        return None
    part = match.patterns[0]
    if part.variable is not None or part.shortest is not None:
        return None
    elem = part.element
    proj = proj_clause.projection
    if proj.star:
        return None
    where = getattr(proj_clause, "where", None)
    if len(elem.rels) == 1:
        return _rel_count(elem, proj, where, scope)
    node = elem.nodes[0]
    if elem.rels or node.properties is not None or len(node.labels) > 1:
        return None
    if node.variable is None or node.variable in scope:
        return None
    counts = _count_calls(proj, where, node.variable)
    if counts is None:
        return None
    return ("node", node.labels[0] if node.labels else None), dict.fromkeys(counts, DEGREE_KEY)


def _rel_count(elem, proj, where, scope):
    """`MATCH ()-[r:T]->() RETURN count(r)`: the number of relationships of a type."""
    rel = elem.rels[0]
    if rel.var_length or rel.properties is not None or rel.direction == "both":
        return None
    if len(rel.types) > 1 or any(n.variable or n.labels or n.properties for n in elem.nodes):
        return None
    if rel.variable is None or rel.variable in scope:
        return None
    counts = _count_calls(proj, where, rel.variable)
    if counts is None:
        return None
    return ("rel", rel.types[0] if rel.types else None), dict.fromkeys(counts, DEGREE_KEY)


class NodeCountOp:
    """One row per input row carrying the node count (none when the count is 0, exactly as
    a scan would have produced no rows)."""

    def __init__(self, what):
        self.kind, self.label = what  # ('node', label | None) or ('rel', type | None)
        self.name = "NodeCountFromCountStore" if self.kind == "node" else (
            "RelationshipCountFromCountStore")
        self.matcher = _NoNewVariables()

    def operators(self, row=None, rt=None) -> list[str]:
        return [f"{self.name}({self.label or '*'})"]

    def _count(self, tx) -> int:
        if self.kind == "node":
            if self.label is None:
                return tx.node_count()
            return len(tx.node_ids_by_label(self.label))
        if self.label is None:
            return tx.rel_count()
        return len(tx.rel_ids_by_type(self.label))

    def __call__(self, rows, rt):
        for row in rows:
            n = self._count(rt.tx)
            if n:
                row = dict(row)
                row[DEGREE_KEY] = n
                yield row


class _NoNewVariables:
    new_vars: list = []
