"""Updating clauses: CREATE, MERGE, SET, REMOVE, DELETE.

Each updating clause first consumes all of its input rows (an "Eager" barrier), so reads
before it never observe its writes half-way, and every clause after it sees all of them.
All writes go through the `graph.Transaction` in `rt.tx`.
"""

from __future__ import annotations

from .. import errors, values
from . import ast
from .patterns import PatternMatcher, pattern_vars
from .runtime import current_node, current_rel, node_view, rel_view


def _type_error(message: str) -> errors.CypherTypeError:
    return errors.CypherTypeError(message, detail="InvalidArgumentType")


def _props_value(fn, row, rt) -> dict:
    if fn is None:
        return {}
    props = fn(row, rt)
    if props is None:
        return {}
    if type(props) is not dict:
        raise _type_error(f"properties must be a map, got {props!r}")
    return {k: v for k, v in props.items() if v is not None}


class PatternCreator:
    """Creates the missing parts of pattern parts for one row (CREATE, and MERGE's create)."""

    def __init__(self, parts, compiler):
        self.parts = []
        for part in parts:
            elem = part.element
            nodes = [
                (n.variable, tuple(n.labels), compiler.compile(n.properties) if n.properties else None)
                for n in elem.nodes
            ]
            rels = [
                (r.variable, r.types[0] if r.types else None, r.direction,
                 compiler.compile(r.properties) if r.properties else None)
                for r in elem.rels
            ]
            self.parts.append((part.variable, nodes, rels))

    def create(self, row, rt) -> dict:
        tx = rt.tx
        row = dict(row)
        for path_var, nodes, rels in self.parts:
            ids = []
            for var, labels, props in nodes:
                bound = row.get(var) if var is not None else None
                if var is not None and var in row:
                    if type(bound) is not values.Node:
                        raise _type_error(f"cannot create a relationship to {bound!r}")
                    current_node(tx, bound)
                    ids.append(bound.id)
                    continue
                nid = tx.create_node(list(labels), _props_value(props, row, rt))
                if var is not None:
                    row[var] = node_view(tx.node(nid))
                ids.append(nid)
            rel_ids = []
            for i, (var, rel_type, direction, props) in enumerate(rels):
                start, end = ids[i], ids[i + 1]
                if direction == "in":
                    start, end = end, start
                rid = tx.create_rel(rel_type, start, end, _props_value(props, row, rt))
                if var is not None:
                    row[var] = rel_view(tx.rel(rid))
                rel_ids.append(rid)
            if path_var is not None:
                row[path_var] = values.Path(
                    tuple(node_view(tx.node(n)) for n in ids),
                    tuple(rel_view(tx.rel(r)) for r in rel_ids),
                )
        return row


class CreateClause:
    name = "Create"

    def __init__(self, clause: ast.Create, compiler):
        self.creator = PatternCreator(clause.patterns, compiler)

    def __call__(self, rows, rt):
        rows = list(rows)
        return iter([self.creator.create(row, rt) for row in rows])


class SetItems:
    """SET / ON CREATE SET / ON MATCH SET items compiled for a row."""

    def __init__(self, items, compiler):
        self.items = []
        for item in items:
            kind = type(item).__name__
            if kind == "SetProperty":
                self.items.append(
                    (kind, compiler.compile(item.target.expr), item.target.key,
                     compiler.compile(item.value))
                )
            elif kind == "SetVariable":
                self.items.append((kind, item.var, item.merge, compiler.compile(item.value)))
            elif kind == "SetLabels":
                self.items.append((kind, item.var, tuple(item.labels), None))
            elif kind == "RemoveProperty":
                self.items.append(
                    (kind, compiler.compile(item.target.expr), item.target.key, None)
                )
            elif kind == "RemoveLabels":
                self.items.append((kind, item.var, tuple(item.labels), None))
            else:
                raise errors.CypherSyntaxError(f"unsupported SET item {kind}")

    def apply(self, row, rt) -> None:
        tx = rt.tx
        for kind, a, b, value_fn in self.items:
            if kind == "SetProperty":
                _set_property(tx, a(row, rt), b, value_fn(row, rt))
            elif kind == "RemoveProperty":
                _set_property(tx, a(row, rt), b, None)
            elif kind == "SetVariable":
                _set_all(tx, row.get(a), value_fn(row, rt), merge=b, rt=rt)
            elif kind == "SetLabels":
                target = row.get(a)
                if target is not None:
                    current_node(tx, target)
                    tx.add_labels(target.id, list(b))
            else:  # RemoveLabels
                target = row.get(a)
                if target is not None:
                    current_node(tx, target)
                    tx.remove_labels(target.id, list(b))


def _set_property(tx, target, key, value) -> None:
    if target is None:
        return
    try:
        if type(target) is values.Node:
            current_node(tx, target)
            tx.set_node_property(target.id, key, value)
        elif type(target) is values.Relationship:
            current_rel(tx, target)
            tx.set_rel_property(target.id, key, value)
        else:
            raise _type_error(f"cannot set a property on {target!r}")
    except errors.CypherTypeError as e:
        if e.detail is None:  # the store refused the value itself
            e.detail = "InvalidPropertyType"
        raise


def _set_all(tx, target, value, *, merge: bool, rt) -> None:
    if target is None:
        return
    if type(value) is values.Node:
        new = dict(current_node(tx, value).props)
    elif type(value) is values.Relationship:
        new = dict(current_rel(tx, value).props)
    elif type(value) is dict:
        new = value
    elif value is None:
        new = {}
    else:
        raise _type_error(f"SET expects a map, node or relationship, got {value!r}")
    if type(target) is values.Node:
        old = current_node(tx, target).props
        setter = tx.set_node_property
    elif type(target) is values.Relationship:
        old = current_rel(tx, target).props
        setter = tx.set_rel_property
    else:
        raise _type_error(f"cannot set properties on {target!r}")
    if not merge:
        for key in list(old):
            if key not in new:
                setter(target.id, key, None)
    for key, v in new.items():
        setter(target.id, key, v)


class SetClause:
    name = "SetProperties"

    def __init__(self, items, compiler):
        self.items = SetItems(items, compiler)

    def __call__(self, rows, rt):
        rows = list(rows)
        for row in rows:
            self.items.apply(row, rt)
        return iter(rows)


class DeleteClause:
    name = "Delete"

    def __init__(self, clause: ast.Delete, compiler):
        self.exprs = [compiler.compile(e) for e in clause.exprs]
        self.detach = clause.detach

    def __call__(self, rows, rt):
        rows = list(rows)
        tx = rt.tx
        nodes: dict[int, None] = {}
        rels: dict[int, None] = {}
        for row in rows:
            for fn in self.exprs:
                _collect_deletes(fn(row, rt), nodes, rels)
        for rid in rels:
            if tx.rel(rid) is not None:
                tx.delete_rel(rid)
        for nid in nodes:
            if tx.node(nid) is None:
                continue
            if not self.detach and tx.rels_of(nid, "both", None):
                raise errors.ConstraintVerificationFailed(
                    f"Cannot delete node<{nid}>, because it still has relationships. "
                    "To delete this node, you must first delete its relationships.",
                    detail="DeleteConnectedNode",
                )
            tx.delete_node(nid, self.detach)
        return iter(rows)


def _collect_deletes(value, nodes, rels) -> None:
    if value is None:
        return
    if type(value) is values.Node:
        nodes[value.id] = None
    elif type(value) is values.Relationship:
        rels[value.id] = None
    elif type(value) is values.Path:
        for r in value.relationships:
            rels[r.id] = None
        for n in value.nodes:
            nodes[n.id] = None
    elif type(value) is list:
        for v in value:
            _collect_deletes(v, nodes, rels)
    else:
        raise _type_error(f"DELETE expects a node, relationship or path, got {value!r}")


class MergeClause:
    name = "Merge"

    def __init__(self, clause: ast.Merge, compiler, scope):
        self.matcher = PatternMatcher([clause.pattern], compiler, scope)
        self.creator = PatternCreator([clause.pattern], compiler)
        inner = compiler.child(pattern_vars([clause.pattern]))
        self.on_create = SetItems(clause.on_create, inner)
        self.on_match = SetItems(clause.on_match, inner)
        self.props = []
        for elem_part in (clause.pattern.element.nodes, clause.pattern.element.rels):
            for p in elem_part:
                if type(p.properties) is ast.MapLiteral:
                    self.props += [compiler.compile(v) for _k, v in p.properties.items]

    def __call__(self, rows, rt):
        rows = list(rows)
        out = []
        for row in rows:
            found = list(self.matcher.match(row, rt))
            if found:
                for r in found:
                    self.on_match.apply(r, rt)
                out.extend(found)
                continue
            for f in self.props:
                if f(row, rt) is None:
                    raise errors.CypherSemanticError(
                        "Cannot merge the following node because of null property value",
                        detail="MergeReadOwnWrites",
                        phase="runtime",
                    )
            created = self.creator.create(row, rt)
            self.on_create.apply(created, rt)
            out.append(created)
        return iter(out)
