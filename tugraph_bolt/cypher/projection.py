"""WITH / RETURN: projection, implicit grouping with aggregates, DISTINCT, ORDER BY, SKIP,
LIMIT.

Without ORDER BY or aggregation the projection is a lazy generator; SKIP/LIMIT slice it
lazily. ORDER BY may use projected aliases and, when the projection neither aggregates nor
is DISTINCT, the variables in scope before it (rows are sorted on {**before, **after}).
"""

from __future__ import annotations

import heapq
from itertools import islice

from .. import errors
from . import ast, ops
from .compile_expr import ExprCompiler, find_aggregates

_group_key = ops.group_key
_order_key = ops.order_key


def _aggregator_factory(call):
    from . import aggregates

    if type(call) is ast.CountStar:
        return lambda: aggregates.new("count", False)
    name, distinct = call.name.lower(), call.distinct
    return lambda: aggregates.new(name, distinct)


class _DegreeTotal:
    """count() rewritten as a sum of node degrees (small non-negative ints, never null)."""

    __slots__ = ("total",)

    def __init__(self):
        self.total = 0

    def add(self, degree):
        self.total += degree

    def result(self):
        return self.total


def fast_group_key(v):
    """ops.group_key, skipping the tuple for the common scalar cases (1 == 1.0 in Python
    too, and no tuple equals a scalar, so equivalence is unchanged)."""
    t = type(v)
    if t is int or t is str or (t is float and v == v):
        return v
    return _group_key(v)


class Projection:
    """A compiled projection. `__call__(rows, rt)` yields the projected rows."""

    def __init__(self, proj: ast.Projection, scope: list[str], planner, degree_counts=None):
        """degree_counts: {id(count call): row key} for count()s the planner turned into
        node degrees (the rows carry the degree instead of one row per relationship)."""
        degree_counts = degree_counts or {}
        self.distinct = proj.distinct
        items = []
        if proj.star:
            items += [ast.ProjectionItem(ast.Variable(v), None, v) for v in sorted(scope)]
        items += list(proj.items)
        self.columns = [item.name for item in items]
        aggregates = []
        for item in items:
            aggregates += find_aggregates(item.expr)
        order_aggs = []
        for sort in proj.order_by:
            order_aggs += find_aggregates(sort.expr)
        self.aggregating = bool(aggregates)
        slots = {}
        self.agg_calls = []  # (slot, aggregator factory, compiled argument fns)
        plain = ExprCompiler(scope, None, planner)
        all_aggs = aggregates + (order_aggs if self.aggregating else [])
        by_tree = {}  # the same aggregate written twice (RETURN and ORDER BY) is computed once
        for call in all_aggs:
            if call in by_tree:
                slots[id(call)] = by_tree[call]
                continue
            slot = f"  agg{len(self.agg_calls)}"
            slots[id(call)] = by_tree[call] = slot
            if id(call) in degree_counts:
                key = degree_counts[id(call)]
                self.agg_calls.append((slot, _DegreeTotal, [lambda row, rt, k=key: row[k]]))
                continue
            args = [] if type(call) is ast.CountStar else [plain.compile(a) for a in call.args]
            self.agg_calls.append((slot, _aggregator_factory(call), args))
        after_scope = set(scope) | set(self.columns) | set(slots.values())
        with_slots = ExprCompiler(after_scope, slots, planner)
        slot_index = {slot: i for i, (slot, _f, _a) in enumerate(self.agg_calls)}
        self.items = []  # (name, fn, kind: 'key' | 'agg' | 'expr', aggregate index)
        self.key_items = []
        for item in items:
            has_agg = bool(find_aggregates(item.expr))
            if not has_agg:
                self.items.append((item.name, plain.compile(item.expr), "key", None))
                self.key_items.append((item.name, self.items[-1][1]))
            elif id(item.expr) in slots:  # the item IS an aggregate: take its result as is
                self.items.append((item.name, None, "agg", slot_index[slots[id(item.expr)]]))
            else:
                self.items.append((item.name, with_slots.compile(item.expr), "expr", None))
        order_compiler = ExprCompiler(after_scope, slots, planner)
        # An ORDER BY item that is a projected column (by alias or by the same expression)
        # is read from the projected row; others are evaluated on the full scope.
        self.order = []
        for sort in proj.order_by:
            column = None
            for item in items:
                if sort.expr == item.expr or (
                    type(sort.expr) is ast.Variable and sort.expr.name == item.name
                ):
                    column = item.name
                    break
            fn = order_compiler.compile(sort.expr)
            self.order.append((fn, sort.descending, column))
        self.order_needs_scope = any(column is None for _f, _d, column in self.order)
        # For aggregation + ORDER BY + LIMIT: where each sort key lives in a group,
        # (True, i) = i-th grouping key, (False, i) = i-th aggregate; None if not all do.
        self.top_from_groups = None
        if self.aggregating and self.order and not self.order_needs_scope:
            key_pos = {}
            for name, _fn, kind, index in self.items:
                if kind == "key":
                    key_pos[name] = (True, len(key_pos))
                elif kind == "agg":
                    key_pos[name] = (False, index)
            getters = [key_pos.get(column) for _f, _d, column in self.order]
            if all(g is not None for g in getters):
                self.top_from_groups = getters
        const = ExprCompiler(set(), None, planner)
        self.skip = const.compile(proj.skip) if proj.skip is not None else None
        self.limit = const.compile(proj.limit) if proj.limit is not None else None
        check_count_expr(proj.skip, "SKIP", self.skip)
        check_count_expr(proj.limit, "LIMIT", self.limit)
        # ORDER BY without aggregation/DISTINCT may read pre-projection variables.
        self.order_sees_before = not self.aggregating and not self.distinct

    def operators(self) -> list[str]:
        names = ["EagerAggregation" if self.aggregating else "Projection"]
        if self.distinct:
            names.append("Distinct")
        if self.order:
            names.append("Top" if self.limit is not None else "Sort")
        if self.skip is not None:
            names.append("Skip")
        if self.limit is not None:
            names.append("Limit")
        return names

    def __call__(self, rows, rt, where=None):
        """Projected rows; `where` (WITH ... WHERE) sees the projected and prior variables.

        Internally rows travel as (scope, after) pairs: `after` is the projected row and
        `scope` (only built when ORDER BY or WHERE needs it) is {**before, **after}.
        """
        skip = _count_arg_value(self.skip, rt, "SKIP")
        limit = _count_arg_value(self.limit, rt, "LIMIT")
        need_scope = self.order_needs_scope or where is not None
        if self.aggregating:
            groups = self._aggregate(rows, rt, need_scope)
            if self.order and limit is not None and self.top_from_groups and not self.distinct:
                groups = self._top_groups(groups, (skip or 0) + limit)
                pairs = self._finish(groups, rt, need_scope)
                if skip:
                    pairs = islice(pairs, skip, None)
                if where is not None:
                    return (a for scope, a in pairs if where(scope, rt))
                return (after for _scope, after in pairs)
            pairs = self._finish(groups, rt, need_scope)
        else:
            pairs = self._project(rows, rt, need_scope)
        if self.distinct:
            pairs = _distinct(pairs, self.columns)
        if self.order:
            top = None if limit is None else (skip or 0) + limit
            pairs = self._sort(pairs, rt, top)
        if skip or limit is not None:
            pairs = islice(pairs, skip or 0, None if limit is None else (skip or 0) + limit)
        if where is not None:
            return (a for scope, a in pairs if where(scope, rt))
        return (after for _scope, after in pairs)

    def _project(self, rows, rt, need_scope):
        items = self.items
        for row in rows:
            after = {name: fn(row, rt) for name, fn, _k, _i in items}
            yield ({**row, **after} if need_scope else None), after

    def _aggregate(self, rows, rt, need_scope):
        groups: dict = {}
        key_fns = [fn for _name, fn in self.key_items]
        agg_calls = self.agg_calls
        single_key = key_fns[0] if len(key_fns) == 1 else None
        if single_key is not None and len(agg_calls) == 1 and len(agg_calls[0][2]) == 1:
            # The common shape (one grouping key, one one-argument aggregate), unrolled.
            factory, arg = agg_calls[0][1], agg_calls[0][2][0]
            for row in rows:
                kv = single_key(row, rt)
                t = type(kv)
                key = kv if t is int or t is str else fast_group_key(kv)
                group = groups.get(key)
                if group is None:
                    group = groups[key] = (row, (kv,), [factory()])
                group[2][0].add(arg(row, rt))
            return groups.values()
        for row in rows:
            if single_key is not None:
                key_values = (single_key(row, rt),)
                key = fast_group_key(key_values[0])
            else:
                key_values = [fn(row, rt) for fn in key_fns]
                key = tuple([fast_group_key(v) for v in key_values])
            group = groups.get(key)
            if group is None:
                group = groups[key] = (row, key_values, [f() for _s, f, _a in agg_calls])
            for (_slot, _f, args), agg in zip(agg_calls, group[2], strict=False):
                if not args:
                    agg.add(True)
                elif len(args) == 1:
                    agg.add(args[0](row, rt))
                else:
                    agg.add(args[0](row, rt), *[a(row, rt) for a in args[1:]])
        if not groups and not key_fns:
            groups[()] = ({}, [], [f() for _s, f, _a in agg_calls])
        return groups.values()

    def _finish(self, groups, rt, need_scope):
        """(scope, projected row) for each (first row, key values, aggregators) group."""
        agg_calls = self.agg_calls
        items = self.items
        need_base = need_scope or any(kind == "expr" for _n, _f, kind, _i in items)
        for first_row, key_values, aggs in groups:
            results = [agg.result() for agg in aggs]
            base = None
            if need_base:
                base = dict(first_row)  # never mutate an upstream row (maybe an outer one)
                for (slot, _c, _a), value in zip(agg_calls, results, strict=False):
                    base[slot] = value
            after = {}
            kv = iter(key_values)
            for name, fn, kind, index in items:
                if kind == "key":
                    after[name] = next(kv)
                elif kind == "agg":
                    after[name] = results[index]
                else:
                    after[name] = fn(base, rt)
            if need_scope:
                base.update(after)
            yield base, after

    def _top_groups(self, groups, top):
        """ORDER BY ... LIMIT over groups whose sort keys are grouping keys or aggregate
        results: pick the winners before building any projected row."""
        keyed = []
        getters = self.top_from_groups
        for group in groups:
            key_values, aggs = group[1], group[2]
            key = [
                _order_key(key_values[i] if from_key else aggs[i].result())
                for from_key, i in getters
            ]
            keyed.append((key, group))
        order = self.order
        if len(order) == 1 and top < len(keyed) // 4:
            pick = heapq.nlargest if order[0][1] else heapq.nsmallest
            keyed = pick(top, keyed, key=lambda t: t[0][0])
        else:
            for i in range(len(order) - 1, -1, -1):
                keyed.sort(key=lambda t, i=i: t[0][i], reverse=order[i][1])
            keyed = keyed[:top]
        return [g for _k, g in keyed]

    def _sort(self, pairs, rt, top):
        keyed = []
        order = self.order
        for scope, after in pairs:
            key = [
                _order_key(after[column] if column is not None else fn(scope, rt))
                for fn, _desc, column in order
            ]
            keyed.append((key, scope, after))
        if len(order) == 1 and top is not None and top < len(keyed) // 4:
            # Top-N: nsmallest/nlargest equal sorted(...)[:n], ties included, but cheaper.
            pick = heapq.nlargest if order[0][1] else heapq.nsmallest
            keyed = pick(top, keyed, key=lambda t: t[0][0])
        else:
            # One stable sort per key, last key first: C-speed comparisons, no wrappers.
            for i in range(len(order) - 1, -1, -1):
                keyed.sort(key=lambda t, i=i: t[0][i], reverse=order[i][1])
        return [(b, a) for _k, b, a in keyed]


def _distinct(pairs, columns):
    seen = set()
    for before, after in pairs:
        key = tuple(_group_key(after[c]) for c in columns)
        if key not in seen:
            seen.add(key)
            yield before, after


def _count_arg_value(fn, rt, what: str, phase: str = "runtime"):
    if fn is None:
        return None
    value = fn({}, rt)
    if type(value) is not int:
        raise errors.CypherSyntaxError(
            f"{what} expects a non-negative integer, got {value!r}",
            detail="InvalidArgumentType", phase=phase,
        )
    if value < 0:
        raise errors.CypherSyntaxError(
            f"{what} expects a non-negative integer, got {value}",
            detail="NegativeIntegerArgument", phase=phase,
        )
    return value


def check_count_expr(expr, what: str, fn) -> None:
    """SKIP/LIMIT must not depend on rows; literal values are checked at compile time."""
    if expr is None:
        return
    for node in ast.walk(expr):
        if type(node) in (ast.Variable, ast.PatternPredicate, ast.PatternComprehension,
                          ast.ExistsSubquery) or type(node).__name__ == "CountStar":
            if type(node) is ast.Variable and _bound_inside(expr, node.name):
                continue
            raise errors.CypherSyntaxError(
                f"It is not allowed to refer to variables in {what}",
                detail="NonConstantExpression",
            )
    if not any(type(n) is ast.Parameter for n in ast.walk(expr)):
        try:
            _count_arg_value(fn, None, what, phase="compile time")
        except errors.CypherSyntaxError:
            raise
        except Exception:  # evaluated again at run time, with its runtime error
            pass


def _bound_inside(expr, name: str) -> bool:
    for node in ast.walk(expr):
        if type(node) in (ast.ListComprehension, ast.Quantifier) and node.var == name:
            return True
        if type(node) is ast.Reduce and name in (node.acc, node.var):
            return True
    return False
