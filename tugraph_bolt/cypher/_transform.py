"""Lark parse tree -> `ast` nodes (used by `parser.parse`).

One method per grammar rule (sqlglot style). The cover rules of the grammar are resolved
here: the shared list rule becomes a list literal, list comprehension or pattern
comprehension; a call on `a.b.c` becomes the function name 'a.b.c'; integer literals are
validated and range-checked after unary minus is folded in (so -2**63 is legal).
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Token

from tugraph_bolt.cypher import ast
from tugraph_bolt.cypher._transform_expr import (
    INT_MAX,
    ExpressionTransformer,
    ParseProblem,
    _Labels,
    _pos,
    _tokens,
    _values,
)

__all__ = ["CypherTransformer", "ParseProblem"]


# Small carriers for optional parts of a rule, told apart by type.
@dataclass(slots=True)
class _Items:
    items: tuple
    star: bool


@dataclass(slots=True)
class _OrderBy:
    items: tuple


@dataclass(slots=True)
class _Skip:
    expr: ast.Expr


@dataclass(slots=True)
class _Limit:
    expr: ast.Expr


@dataclass(slots=True)
class _RelTypes:
    names: tuple


@dataclass(slots=True)
class _Range:
    low: int | None
    high: int | None


@dataclass(slots=True)
class _RelDetail:
    variable: str | None
    types: tuple
    var_length: bool
    low: int | None
    high: int | None
    properties: ast.Expr | None


@dataclass(slots=True)
class _Yield:
    items: tuple | None
    star: bool
    where: ast.Expr | None


@dataclass(slots=True)
class _Shortest:
    kind: str
    element: ast.PatternElement


@dataclass(slots=True)
class _MergeAction:
    on_create: bool
    items: tuple


class CypherTransformer(ExpressionTransformer):
    """Clauses and patterns; expressions come from ExpressionTransformer."""

    # --- query structure ---------------------------------------------------------------
    def start(self, meta, ch):
        query = ch[0]
        if self._pending_overflow:
            lit = self._pending_overflow[0]
            raise ParseProblem(
                f"integer literal {lit.value} is too large", "IntegerOverflow", lit.line, lit.column
            )
        return query

    def statement(self, meta, ch):
        return ch[0]

    def query(self, meta, ch):
        parts = tuple(c for c in ch if isinstance(c, ast.SingleQuery))
        unions = tuple(c for c in ch if isinstance(c, bool))
        return ast.Query(parts, unions, **_pos(meta))

    def union(self, meta, ch):
        return "ALL" in _tokens(ch)

    def single_query(self, meta, ch):
        return ast.SingleQuery(tuple(ch), **_pos(meta))

    # --- clauses -----------------------------------------------------------------------
    def match_clause(self, meta, ch):
        patterns = next(c for c in ch if isinstance(c, tuple))
        optional = "OPTIONAL" in _tokens(ch)
        return ast.Match(patterns, self._where_of(ch), optional, **_pos(meta))

    def unwind_clause(self, meta, ch):
        return ast.Unwind(ch[1], ch[3].name, **_pos(meta))

    def merge_clause(self, meta, ch):
        on_create: list = []
        on_match: list = []
        for c in ch:
            if isinstance(c, _MergeAction):
                (on_create if c.on_create else on_match).extend(c.items)
        return ast.Merge(ch[1], tuple(on_create), tuple(on_match), **_pos(meta))

    def on_match(self, meta, ch):
        return _MergeAction(False, tuple(_values(ch)))

    def on_create(self, meta, ch):
        return _MergeAction(True, tuple(_values(ch)))

    def create_clause(self, meta, ch):
        return ast.Create(ch[1], **_pos(meta))

    def set_clause(self, meta, ch):
        return ast.Set(tuple(_values(ch)), **_pos(meta))

    def set_property(self, meta, ch):
        return ast.SetProperty(ch[0], ch[2], **_pos(meta))

    def set_variable(self, meta, ch):
        return ast.SetVariable(ch[0].name, ch[2], False, **_pos(meta))

    def set_merge(self, meta, ch):
        return ast.SetVariable(ch[0].name, ch[2], True, **_pos(meta))

    def set_labels(self, meta, ch):
        return ast.SetLabels(ch[0].name, ch[1].names, **_pos(meta))

    def delete_clause(self, meta, ch):
        detach = "DETACH" in _tokens(ch)
        return ast.Delete(tuple(_values(ch)), detach, **_pos(meta))

    def remove_clause(self, meta, ch):
        return ast.Remove(tuple(_values(ch)), **_pos(meta))

    def remove_labels(self, meta, ch):
        return ast.RemoveLabels(ch[0].name, ch[1].names, **_pos(meta))

    def remove_property(self, meta, ch):
        return ast.RemoveProperty(ch[0], **_pos(meta))

    def property_expression(self, meta, ch):
        expr = ch[0]
        for key in ch[1:]:
            expr = ast.PropertyLookup(expr, key, **_pos(meta))
        return expr

    def with_clause(self, meta, ch):
        return ast.With(ch[1], self._where_of(ch), **_pos(meta))

    def return_clause(self, meta, ch):
        return ast.Return(ch[1], **_pos(meta))

    def call_clause(self, meta, ch):
        name = ch[1]
        args = next((c for c in ch[2:] if isinstance(c, tuple)), None)
        spec = next((c for c in ch if isinstance(c, _Yield)), None)
        if spec is None:
            return ast.Call(name, args, None, False, None, **_pos(meta))
        return ast.Call(name, args, spec.items, spec.star, spec.where, **_pos(meta))

    def procedure_name(self, meta, ch):
        return ".".join(ch)

    def call_args(self, meta, ch):
        return tuple(ch)

    def yield_star(self, meta, ch):
        return _Yield(None, True, self._where_of(ch))

    def yield_items(self, meta, ch):
        items = tuple(c for c in ch if isinstance(c, ast.YieldItem))
        return _Yield(items, False, self._where_of(ch))

    def yield_item(self, meta, ch):
        alias = ch[2].name if len(ch) == 3 else None
        return ast.YieldItem(ch[0], alias, **_pos(meta))

    def foreach_clause(self, meta, ch):
        var, source = ch[1], ch[3]
        clauses = tuple(c for c in ch[5:] if isinstance(c, ast.Clause))
        return ast.Foreach(var.name, source, clauses, **_pos(meta))

    # --- projections -------------------------------------------------------------------
    def projection_body(self, meta, ch):
        distinct = "DISTINCT" in _tokens(ch)
        items = next(c for c in ch if isinstance(c, _Items))
        order = next((c.items for c in ch if isinstance(c, _OrderBy)), ())
        skip = next((c.expr for c in ch if isinstance(c, _Skip)), None)
        limit = next((c.expr for c in ch if isinstance(c, _Limit)), None)
        return ast.Projection(items.items, distinct, items.star, order, skip, limit, **_pos(meta))

    def star_items(self, meta, ch):
        return _Items(tuple(_values(ch)), True)

    def projection_items(self, meta, ch):
        return _Items(tuple(ch), False)

    def projection_item(self, meta, ch):
        expr = ch[0]
        if len(ch) == 3:
            as_token = ch[1]
            text = self.text[meta.start_pos : as_token.start_pos].rstrip()
            return ast.ProjectionItem(expr, ch[2].name, text, **_pos(meta))
        text = self.text[meta.start_pos : meta.end_pos]
        return ast.ProjectionItem(expr, None, text, **_pos(meta))

    def order_by(self, meta, ch):
        return _OrderBy(tuple(_values(ch)))

    def sort_item(self, meta, ch):
        descending = bool(_tokens(ch) & {"DESC", "DESCENDING"})
        return ast.SortItem(ch[0], descending, **_pos(meta))

    def skip(self, meta, ch):
        return _Skip(ch[1])

    def limit(self, meta, ch):
        return _Limit(ch[1])

    # --- patterns ----------------------------------------------------------------------
    def pattern(self, meta, ch):
        return tuple(ch)

    def pattern_part(self, meta, ch):
        variable = ch[0].name if len(ch) == 3 else None
        body = ch[-1]
        if isinstance(body, _Shortest):
            return ast.PatternPart(variable, body.element, body.kind, **_pos(meta))
        return ast.PatternPart(variable, body, None, **_pos(meta))

    def shortest_path(self, meta, ch):
        kind = "shortestPath" if ch[0].type == "SHORTESTPATH" else "allShortestPaths"
        return _Shortest(kind, ch[1])

    def pattern_element(self, meta, ch):
        nodes = tuple(c for c in ch if isinstance(c, ast.NodePattern))
        rels = tuple(c for c in ch if isinstance(c, ast.RelPattern))
        return ast.PatternElement(nodes, rels, **_pos(meta))

    def pattern_predicate(self, meta, ch):
        element = self.pattern_element(meta, ch)
        return ast.PatternPredicate(
            ast.PatternPart(None, element, None, **_pos(meta)), **_pos(meta)
        )

    def node_pattern(self, meta, ch):
        values = _values(ch)
        variable = next((c.name for c in values if isinstance(c, ast.Variable)), None)
        labels = next((c.names for c in values if isinstance(c, _Labels)), ())
        props = next((c for c in values if isinstance(c, (ast.MapLiteral, ast.Parameter))), None)
        return ast.NodePattern(variable, labels, props, **_pos(meta))

    def node_labels(self, meta, ch):
        return _Labels(tuple(ch))

    def rel_pattern(self, meta, ch):
        kinds = _tokens(ch)
        left, right = "LT" in kinds, "GT" in kinds
        direction = "in" if left and not right else "out" if right and not left else "both"
        d = next((c for c in ch if isinstance(c, _RelDetail)), None)
        if d is None:
            return ast.RelPattern(None, (), None, direction, **_pos(meta))
        return ast.RelPattern(
            d.variable, d.types, d.properties, direction, d.var_length, d.low, d.high, **_pos(meta)
        )

    def rel_detail(self, meta, ch):
        variable = next((c.name for c in ch if isinstance(c, ast.Variable)), None)
        types = next((c.names for c in ch if isinstance(c, _RelTypes)), ())
        rng = next((c for c in ch if isinstance(c, _Range)), None)
        props = next((c for c in ch if isinstance(c, (ast.MapLiteral, ast.Parameter))), None)
        low, high = (rng.low, rng.high) if rng else (None, None)
        return _RelDetail(variable, types, rng is not None, low, high, props)

    def rel_types(self, meta, ch):
        return _RelTypes(tuple(c for c in ch if isinstance(c, str) and not isinstance(c, Token)))

    def rel_range(self, meta, ch):
        bounds = [c for c in ch if isinstance(c, int)]
        if "DOTDOT" not in _tokens(ch):
            return _Range(bounds[0], bounds[0]) if bounds else _Range(None, None)
        low = high = None
        seen_dots = False
        for c in ch:
            if isinstance(c, Token) and c.type == "DOTDOT":
                seen_dots = True
            elif isinstance(c, int):
                if seen_dots:
                    high = c
                else:
                    low = c
        return _Range(low, high)

    def range_without_star(self, meta, ch):
        raise self._problem(
            meta,
            "Invalid relationship pattern: a length range needs '*' (e.g. [:T*1..3])",
            "InvalidRelationshipPattern",
        )

    def range_negative(self, meta, ch):
        raise self._problem(
            meta,
            "Invalid relationship pattern: a length bound cannot be negative",
            "InvalidRelationshipPattern",
        )

    def range_bound(self, meta, ch):
        value = self._integer_value(meta, ch[0])
        if value > INT_MAX:
            raise self._problem(meta, f"integer literal {ch[0]} is too large", "IntegerOverflow")
        return value
