"""Compiled node and relationship patterns and the checks a candidate must pass."""

from __future__ import annotations

from .. import errors, values
from . import ast, ops
from .runtime import node_view


class NodeSpec:
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


class RelSpec:
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


def props_match(have, want) -> bool:
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


def node_ok(spec: NodeSpec, rec, row, rt) -> bool:
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
    if spec.props is not None and not props_match(rec.props, spec.props(row, rt)):
        return False
    return True


def bind_node(spec: NodeSpec, rec, row):
    if spec.var is None or spec.var in row:
        return row
    new = dict(row)
    new[spec.var] = node_view(rec)
    return new


def seekable(spec, bound) -> list:
    """(key, value fn) of the inline property map whose values need only bound variables."""
    return [(k, f) for k, f, reads in spec.prop_keys if reads <= bound]
