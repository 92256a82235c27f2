"""Expressions that open a scope (comprehensions, quantifiers, reduce) or match patterns
(pattern predicates and comprehensions, EXISTS): a mixin of `ExprCompiler`.

Inner variables live in a copy of the row, so closures never mutate the caller's row.
"""

from __future__ import annotations

from .. import errors
from . import ast


def type_error(message: str, detail: str = "InvalidArgumentType") -> errors.CypherTypeError:
    return errors.CypherTypeError(message, detail=detail, phase="runtime")


def truth(v, op: str):
    """A Cypher boolean (or null) or a TypeError naming the operator."""
    if v is None or v is True or v is False:
        return v
    raise type_error(f"{op} expects booleans but got {v!r}")


class ScopedExpressions:
    """Compilers for scoped expressions; relies on the host's `compile`, `predicate`,
    `child` and `scope`."""

    def _c_ListComprehension(self, e):
        var = e.var
        source = self.compile(e.source)
        inner = self.child([var])
        where = inner.predicate(e.where) if e.where is not None else None
        proj = inner.compile(e.projection) if e.projection is not None else None

        def comprehension(row, rt):
            lst = source(row, rt)
            if lst is None:
                return None
            if type(lst) is not list:
                raise type_error(f"list comprehension over a non-list {lst!r}")
            scope = dict(row)
            out = []
            for x in lst:
                scope[var] = x
                if where is not None and not where(scope, rt):
                    continue
                out.append(proj(scope, rt) if proj is not None else x)
            return out

        return comprehension

    def _c_Quantifier(self, e):
        var, kind = e.var, e.kind
        source = self.compile(e.source)
        cond = self.child([var]).compile(e.where)

        def quantifier(row, rt):
            lst = source(row, rt)
            if lst is None:
                return None
            if type(lst) is not list:
                raise type_error(f"{kind}() over a non-list {lst!r}")
            scope = dict(row)
            trues = nulls = 0
            for x in lst:
                scope[var] = x
                r = truth(cond(scope, rt), kind)
                if r is True:
                    trues += 1
                    if kind == "any":
                        return True
                    if kind == "none":
                        return False
                elif r is None:
                    nulls += 1
                elif kind == "all":
                    return False
            if kind == "single":
                if trues > 1:
                    return False
                return None if nulls else trues == 1
            if nulls:
                return None
            return kind in ("all", "none")

        return quantifier

    def _c_Reduce(self, e):
        acc, var = e.acc, e.var
        init, source = self.compile(e.init), self.compile(e.source)
        step = self.child([acc, var]).compile(e.expr)

        def reduce_(row, rt):
            lst = source(row, rt)
            total = init(row, rt)
            if lst is None:
                return None
            if type(lst) is not list:
                raise type_error(f"reduce() over a non-list {lst!r}")
            scope = dict(row)
            for x in lst:
                scope[acc] = total
                scope[var] = x
                total = step(scope, rt)
            return total

        return reduce_

    def _c_PatternPredicate(self, e):
        from .patterns import PatternMatcher

        matcher = PatternMatcher([e.pattern], self, self.scope)

        def pattern_exists(row, rt):
            for _ in matcher.match(row, rt):
                return True
            return False

        return pattern_exists

    def _c_PatternComprehension(self, e):
        from .patterns import PatternMatcher

        part = e.pattern
        if e.variable is not None and part.variable is None:
            part = ast.PatternPart(e.variable, part.element, part.shortest)
        matcher = PatternMatcher([part], self, self.scope)
        inner = self.child(matcher.new_vars)
        where = inner.predicate(e.where) if e.where is not None else None
        proj = inner.compile(e.projection)

        def pattern_comprehension(row, rt):
            out = []
            for r in matcher.match(row, rt):
                if where is None or where(r, rt):
                    out.append(proj(r, rt))
            return out

        return pattern_comprehension

    def _c_ExistsSubquery(self, e):
        if e.patterns is not None:
            from .patterns import PatternMatcher

            matcher = PatternMatcher(list(e.patterns), self, self.scope)
            where = self.child(matcher.new_vars).predicate(e.where) if e.where else None

            def exists_pattern(row, rt):
                for r in matcher.match(row, rt):
                    if where is None or where(r, rt):
                        return True
                return False

            return exists_pattern
        if self.planner is None:
            raise errors.CypherSyntaxError("EXISTS subquery needs a planner", detail="UnexpectedSyntax")
        sub = self.planner.subquery(e.query, self.scope)

        def exists_query(row, rt):
            for _ in sub(row, rt):
                return True
            return False

        return exists_query
