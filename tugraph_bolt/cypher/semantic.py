"""Compile-time checks of a parsed query: scoping, variable kinds, aggregation, clause
composition and the static type errors the openCypher TCK expects before execution.

>>> from tugraph_bolt.cypher.parser import parse
>>> check(parse("MATCH (n) RETURN n.name AS name")).columns
('name',)
>>> check(parse("MATCH (n) RETURN m"))
Traceback (most recent call last):
...
tugraph_bolt.errors.CypherSyntaxError: Variable `m` not defined (line 1, column 18)

Errors carry the TCK's (type, detail): SyntaxError -> `CypherSyntaxError`, compile-time
TypeError -> `CypherTypeError(phase='compile time')`, unknown procedures ->
`ProcedureNotFound`. Static types are inferred only where they are certain (literals,
pattern variables, a few functions); anything unknown is 'any' and never rejected, so a
valid query is never refused for a guess.

The expression half of the checker is in `_semantic_expr.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tugraph_bolt import errors
from tugraph_bolt.cypher import ast
from tugraph_bolt.cypher._semantic_expr import (
    ANY,
    NODE,
    PATH,
    REL,
    RELS,
    ExpressionChecker,
    Scope,
    fail,
)

__all__ = ["QueryInfo", "check", "is_write"]

_UPDATING = (ast.Create, ast.Merge, ast.Set, ast.Remove, ast.Delete, ast.Foreach)


@dataclass(frozen=True, slots=True)
class QueryInfo:
    """What the checker learned: result columns (None: decided by a procedure at run time,
    or the query returns nothing) and whether any clause updates the graph."""

    columns: tuple[str, ...] | None
    updates: bool


def check(
    query: ast.Query, procedures=None, function_exists: Callable[[str], bool] | None = None
) -> QueryInfo:
    """Raise the compile-time error of `query`, if any; else return what was learned.

    procedures: optional registry with `get(name)` (raising ProcedureNotFound) returning
    an object with `params`, `columns`, `defaults`, `varargs` (procedures.registry).
    function_exists: optional name -> bool; by default the cypher function tables.
    """
    checker = _QueryChecker(procedures, function_exists)
    try:
        return checker.query(query, Scope(), top_level=True)
    except RecursionError:
        raise errors.CypherSyntaxError(
            "The query nests expressions too deeply to be checked", detail="UnexpectedSyntax"
        ) from None


def is_write(query: ast.Query, procedure_mode: Callable[[str], str | None] | None = None) -> bool:
    """Does the query update the graph or schema (CREATE, MERGE, SET, REMOVE, DELETE,
    FOREACH, or a CALL of a procedure whose mode is 'write' or 'schema')?"""
    for node in ast.walk(query):
        if isinstance(node, _UPDATING):
            return True
        if isinstance(node, ast.Call) and procedure_mode is not None:
            if procedure_mode(node.procedure) in ("write", "schema"):
                return True
    return False


class _QueryChecker(ExpressionChecker):
    def __init__(self, procedures, function_exists):
        super().__init__(function_exists)
        self.procedures = procedures

    # --- queries -----------------------------------------------------------------------
    def query(
        self, query: ast.Query, outer: Scope, top_level: bool = False, subquery: bool = False
    ) -> QueryInfo:
        if len(set(query.union_all)) > 1:
            fail(query, "Invalid combination of UNION and UNION ALL", "InvalidClauseComposition")
        columns = None
        updates = False
        for i, part in enumerate(query.parts):
            part_columns, part_updates = self.single_query(part, outer, top_level, subquery)
            updates = updates or part_updates
            if i == 0:
                columns = part_columns
            elif part_columns != columns:
                fail(
                    part,
                    "All sub queries in an UNION must have the same return column names",
                    "DifferentColumnsInUnion",
                )
        return QueryInfo(columns, updates)

    def single_query(self, part: ast.SingleQuery, outer: Scope, top_level: bool, subquery: bool):
        scope = outer.copy()
        columns = None
        clauses = part.clauses
        standalone_call = len(clauses) == 1 and isinstance(clauses[0], ast.Call)
        for i, clause in enumerate(clauses):
            last = i == len(clauses) - 1
            if isinstance(clause, ast.Return) and not last:
                fail(
                    clauses[i + 1],
                    "RETURN can only be used at the end of the query",
                    "InvalidClauseComposition",
                )
            if subquery and isinstance(clause, _UPDATING):
                fail(
                    clause,
                    "An EXISTS subquery cannot contain updating clauses",
                    "InvalidClauseComposition",
                )
            if isinstance(clause, ast.Call):
                scope, columns = self.call(clause, scope, standalone_call)
            elif isinstance(clause, ast.Return):
                scope, columns = self.projection(clause.projection, scope, None, is_with=False)
            elif isinstance(clause, ast.With):
                scope, _ = self.projection(clause.projection, scope, clause.where, is_with=True)
            else:
                scope = getattr(self, "clause_" + type(clause).__name__)(clause, scope)
        final = clauses[-1]
        if top_level and not isinstance(final, (ast.Return, ast.Call, *_UPDATING)):
            fail(
                final,
                "Query cannot conclude with "
                + type(final).__name__.upper()
                + " (must be RETURN or an update clause)",
                "InvalidClauseComposition",
            )
        updates = any(isinstance(c, _UPDATING) for c in clauses)
        return (columns if isinstance(final, (ast.Return, ast.Call)) else None), updates

    # --- reading clauses ---------------------------------------------------------------
    def clause_Match(self, clause: ast.Match, scope: Scope) -> Scope:
        scope = self.bind_patterns(clause.patterns, scope, "match")
        if clause.where is not None:
            self.predicate(clause.where, scope)
        return scope

    def clause_Unwind(self, clause: ast.Unwind, scope: Scope) -> Scope:
        kind = self.expr(clause.expr, scope)
        if clause.alias in scope:
            fail(clause, f"Variable `{clause.alias}` already declared", "VariableAlreadyBound")
        scope = scope.copy()
        scope[clause.alias] = kind[5:] if kind.startswith("list:") else ANY
        return scope

    def call(self, clause: ast.Call, scope: Scope, standalone: bool):
        for arg in clause.args or ():
            self.expr(arg, scope)
        proc = self.procedures.get(clause.procedure) if self.procedures is not None else None
        if proc is not None and clause.args is not None:
            self._check_arity(clause, proc)
        if clause.yield_star and not standalone:
            fail(clause, "YIELD * is only allowed in a standalone CALL", "UnexpectedSyntax")
        out = scope.copy()
        if clause.yields is None:
            names = tuple(name for name, _ in proc.columns) if proc is not None else None
            return out, (names if standalone else None)
        if clause.yield_star:
            names = tuple(name for name, _ in proc.columns) if proc is not None else None
            for name in names or ():
                out[name] = ANY
            return out, names
        known = {name for name, _ in proc.columns} if proc is not None else None
        for item in clause.yields:
            if known is not None and item.name not in known:
                fail(item, f"Unknown procedure output: `{item.name}`", "UndefinedVariable")
            if item.output in out:
                fail(item, f"Variable `{item.output}` already declared", "VariableAlreadyBound")
            out[item.output] = ANY
        if clause.where is not None:
            self.predicate(clause.where, out)
        return out, tuple(item.output for item in clause.yields)

    @staticmethod
    def _check_arity(clause: ast.Call, proc) -> None:
        given = len(clause.args)
        most = len(proc.params)
        least = most - len(getattr(proc, "defaults", ()) or ())
        if given < least or (given > most and not getattr(proc, "varargs", None)):
            fail(
                clause,
                f"Procedure call `{clause.procedure}` does not have the required number "
                f"of arguments: expected {least}..{most}, got {given}",
                "InvalidNumberOfArguments",
            )

    # --- updating clauses --------------------------------------------------------------
    def clause_Create(self, clause: ast.Create, scope: Scope) -> Scope:
        return self.bind_patterns(clause.patterns, scope, "create")

    def clause_Merge(self, clause: ast.Merge, scope: Scope) -> Scope:
        scope = self.bind_patterns((clause.pattern,), scope, "merge")
        for item in clause.on_create + clause.on_match:
            self.set_item(item, scope)
        return scope

    def clause_Set(self, clause: ast.Set, scope: Scope) -> Scope:
        for item in clause.items:
            self.set_item(item, scope)
        return scope

    def set_item(self, item, scope: Scope) -> None:
        if isinstance(item, ast.SetProperty):
            self.expr(item.target, scope)
            self.expr(item.value, scope)
        elif isinstance(item, ast.SetVariable):
            self.variable(item.var, item, scope)
            self.expr(item.value, scope)
        else:
            self.variable(item.var, item, scope)

    def clause_Remove(self, clause: ast.Remove, scope: Scope) -> Scope:
        for item in clause.items:
            if isinstance(item, ast.RemoveProperty):
                self.expr(item.target, scope)
            else:
                self.variable(item.var, item, scope)
        return scope

    def clause_Delete(self, clause: ast.Delete, scope: Scope) -> Scope:
        for expr in clause.exprs:
            if isinstance(expr, ast.LabelCheck):
                fail(
                    expr,
                    "DELETE takes nodes, relationships or paths, not a label expression",
                    "InvalidDelete",
                )
            kind = self.expr(expr, scope)
            if kind not in (NODE, REL, PATH, RELS, ANY, "null") and not kind.startswith("list"):
                fail(
                    expr,
                    f"Type mismatch: DELETE expected a node, relationship or path but was {kind}",
                    "InvalidArgumentType",
                )
        return scope

    def clause_Foreach(self, clause: ast.Foreach, scope: Scope) -> Scope:
        kind = self.expr(clause.source, scope)
        inner = scope.copy()
        inner[clause.var] = kind[5:] if kind.startswith("list:") else ANY
        for sub in clause.clauses:
            if not isinstance(sub, _UPDATING):
                fail(sub, "FOREACH may only contain updating clauses", "InvalidClauseComposition")
            inner = getattr(self, "clause_" + type(sub).__name__)(sub, inner)
        return scope

    # --- WITH / RETURN -----------------------------------------------------------------
    def projection(self, proj: ast.Projection, scope: Scope, where, is_with: bool):
        if proj.star and not proj.items and not scope.visible():
            fail(
                proj,
                "RETURN * is not allowed when there are no variables in scope",
                "NoVariablesInScope",
            )
        kinds = []
        for item in proj.items:
            kinds.append(self.expr(item.expr, scope, aggregates_ok=True))
            if is_with and item.alias is None and not isinstance(item.expr, ast.Variable):
                fail(item, "Expression in WITH must be aliased (use AS)", "NoExpressionAlias")
        names = [item.name for item in proj.items]
        for i, name in enumerate(names):
            if name in names[:i]:
                fail(
                    proj.items[i],
                    f"Multiple result columns with the same name `{name}`",
                    "ColumnNameConflict",
                )
        aggregating = any(self.has_aggregate(item.expr) for item in proj.items)
        keys = tuple(item.expr for item in proj.items if not self.has_aggregate(item.expr))
        if aggregating:
            for item in proj.items:
                if self.has_aggregate(item.expr):
                    self.check_implicit_grouping(item.expr, keys)
        new = scope.copy() if proj.star else Scope()
        for item, kind in zip(proj.items, kinds, strict=True):
            new[item.name] = kind
        # ORDER BY sees the previous scope too, unless DISTINCT or aggregation removed it.
        restricted = proj.distinct or aggregating
        sort_scope = new if restricted else scope.merged(new)
        projected = tuple(item.expr for item in proj.items)
        # in ORDER BY, the aliases of grouping keys are grouping keys too
        sort_keys = keys + tuple(
            ast.Variable(item.name) for item in proj.items if not self.has_aggregate(item.expr)
        )
        for sort in proj.order_by:
            self.expr(
                sort.expr,
                sort_scope,
                aggregates_ok=aggregating,
                opaque=projected if restricted else (),
            )
            if aggregating and self.has_aggregate(sort.expr):
                self.check_implicit_grouping(sort.expr, sort_keys)
        for bound in (proj.skip, proj.limit):
            if bound is not None:
                self.row_count(bound, Scope())
        if where is not None:
            # WITH ... WHERE also sees the variables bound before WITH (TCK WithWhere7)
            self.predicate(where, new if aggregating else scope.merged(new))
        columns = tuple(new.visible()) if proj.star else tuple(names)
        if proj.star and not is_with:
            columns = tuple(sorted(scope.visible())) + tuple(names)
        return new, columns

    def row_count(self, expr: ast.Expr, scope: Scope) -> None:
        """SKIP / LIMIT: a constant, non-negative integer."""
        for node in ast.walk(expr):
            if isinstance(node, (ast.Variable, ast.PatternPredicate)):
                fail(
                    expr,
                    "It is not allowed to refer to variables in SKIP or LIMIT",
                    "NonConstantExpression",
                )
        kind = self.expr(expr, scope)
        if kind not in ("int", ANY, "null"):
            fail(
                expr,
                f"Type mismatch: SKIP and LIMIT take an integer, not {kind}",
                "InvalidArgumentType",
            )
        if isinstance(expr, ast.Literal) and type(expr.value) is int and expr.value < 0:
            fail(
                expr,
                f"Invalid input. '{expr.value}' is not a valid value. Must be a "
                "non-negative integer.",
                "NegativeIntegerArgument",
            )
