"""Plan a parsed query: a pipeline of operators, one (or a few) per clause.

An operator is a callable `op(rows, rt) -> rows` over an iterator of row dicts with a `name`
(and `operators()` for composite ones) for the readable plan. Expressions are compiled to
closures here, once per query. Read operators are generators, so rows stream lazily;
updating operators (clauses.py) are eager barriers.

>>> from tugraph_bolt.cypher.parser import parse
>>> plan = Planner(None).plan(parse("MATCH (n:Person) RETURN n.name LIMIT 1"))
>>> plan.columns, plan.operator_names()
(['n.name'], ['NodeByLabelScan(Person)', 'Projection', 'Limit', 'ProduceResults'])
"""

from __future__ import annotations

from .. import errors
from . import ast, ops
from .clauses import CreateClause, DeleteClause, MergeClause, SetClause
from .compile_expr import ExprCompiler
from .degree import DegreeMatchOp, NodeCountOp, count_rewrite, degree_rewrite
from .patterns import PatternMatcher, pattern_vars
from .projection import Projection

_UPDATING = (ast.Create, ast.Merge, ast.Set, ast.Remove, ast.Delete, ast.Foreach)


class MatchOp:
    def __init__(self, clause: ast.Match, scope: list[str], planner):
        compiler = ExprCompiler(scope, None, planner)
        hints = _seek_hints(clause.where, scope, compiler)
        where_compiler = compiler.child(pattern_vars(clause.patterns))
        filters = _early_filters(clause.where, where_compiler)
        self.matcher = PatternMatcher(list(clause.patterns), compiler, scope, hints, filters)
        self.optional = clause.optional
        self.where = where_compiler.predicate(clause.where) if clause.where is not None else None
        self.name = "OptionalMatch" if clause.optional else "Match"

    def operators(self, row=None, rt=None) -> list[str]:
        names = self.matcher.operators(row, rt)
        if self.where is not None:
            names.append("Filter")
        if self.optional:
            names = ["Optional(" + ", ".join(names) + ")"]
        return names

    def __call__(self, rows, rt):
        match, where = self.matcher.match, self.where
        if not self.optional and where is None and len(self.matcher.parts) == 1:
            part_match = self.matcher.parts[0].match
            for row in rows:
                for r, _used in part_match(row, (), rt):
                    yield r
            return
        if not self.optional:
            for row in rows:
                for r in match(row, rt):
                    if where is None or where(r, rt):
                        yield r
            return
        nulls = dict.fromkeys(self.matcher.new_vars)
        for row in rows:
            found = False
            for r in match(row, rt):
                if where is None or where(r, rt):
                    found = True
                    yield r
            if not found:
                yield {**row, **nulls}


def _conjuncts(where) -> list:
    out, stack = [], [where]
    while stack:
        e = stack.pop()
        if type(e) is ast.BinaryOp and e.op == "AND":
            stack += [e.right, e.left]
        else:
            out.append(e)
    return out


def _early_filters(where, compiler) -> list:
    """WHERE conjuncts the matcher may check as soon as their variables are bound."""
    if where is None:
        return []
    filters = []
    for conjunct in _conjuncts(where):
        nodes = list(ast.walk(conjunct))
        if any(type(n).__name__ in _SCOPING or type(n) is ast.MapProjection for n in nodes):
            continue  # inner scopes and subpatterns: left to the full WHERE
        needs = {n.name for n in nodes if type(n) is ast.Variable}
        filters.append((compiler.compile(conjunct), needs))
    return filters


def _seek_hints(where, scope, compiler) -> dict:
    """`var.key = expr` and `var.key IN expr` conjuncts of WHERE whose expr needs only
    already-bound variables: {var: [(key, compiled expr, is IN list)]}."""
    hints: dict = {}
    if where is None:
        return hints
    stack = [where]
    while stack:
        e = stack.pop()
        if type(e) is ast.BinaryOp and e.op == "AND":
            stack += [e.left, e.right]
            continue
        if type(e) is not ast.BinaryOp or e.op not in ("=", "IN"):
            continue
        sides = [(e.left, e.right)] if e.op == "IN" else [(e.left, e.right), (e.right, e.left)]
        for prop, other in sides:
            if (type(prop) is ast.FunctionCall and prop.name.lower() in ("id", "elementid")
                    and len(prop.args) == 1 and type(prop.args[0]) is ast.Variable):
                # id(n) = expr: key None marks a seek by node id
                prop = ast.PropertyLookup(prop.args[0], None)
            if type(prop) is ast.PropertyLookup and type(prop.expr) is ast.Variable:
                free = [n.name for n in ast.walk(other) if type(n) is ast.Variable]
                scoped = any(type(n).__name__ in _SCOPING for n in ast.walk(other))
                if not scoped and all(v in scope for v in free):
                    hint = (prop.key, compiler.compile(other), e.op == "IN")
                    hints.setdefault(prop.expr.name, []).append(hint)
    return hints


_SCOPING = {"ListComprehension", "Quantifier", "Reduce", "PatternComprehension",
            "ExistsSubquery", "PatternPredicate"}


class UnwindOp:
    name = "Unwind"

    def __init__(self, clause: ast.Unwind, scope, planner):
        self.expr = ExprCompiler(scope, None, planner).compile(clause.expr)
        self.alias = clause.alias

    def __call__(self, rows, rt):
        expr, alias = self.expr, self.alias
        for row in rows:
            value = expr(row, rt)
            if value is None:
                continue
            items = value if type(value) is list else [value]
            for item in items:
                new = dict(row)
                new[alias] = item
                yield new


class ProjectOp:
    def __init__(self, clause, scope, planner, degree_counts=None):
        self.projection = Projection(clause.projection, scope, planner, degree_counts)
        self.columns = self.projection.columns
        self.where = None
        if type(clause) is ast.With and clause.where is not None:
            compiler = ExprCompiler(set(self.columns) | set(scope), None, planner)
            self.where = compiler.predicate(clause.where)
        self.name = type(clause).__name__

    def operators(self, row=None, rt=None) -> list[str]:
        names = self.projection.operators()
        return names + (["Filter"] if self.where is not None else [])

    def __call__(self, rows, rt):
        return self.projection(rows, rt, self.where)


class CallOp:
    """CALL proc(args) [YIELD ...] [WHERE ...], in a query or standalone."""

    name = "ProcedureCall"

    def __init__(self, clause: ast.Call, scope, planner, standalone: bool):
        if planner.procedures is None:
            raise errors.ProcedureNotFound(
                f"There is no procedure with the name `{clause.procedure}` registered",
                detail="ProcedureNotFound",
            )
        self.proc = planner.procedures.get(clause.procedure)
        compiler = ExprCompiler(scope, None, planner)
        self.implicit = clause.args is None
        if not self.implicit:
            _check_arity(self.proc, len(clause.args))
        self.args = [compiler.compile(a) for a in clause.args or ()]
        out_names = [c[0] for c in self.proc.columns]
        if clause.yields is None or clause.yield_star:
            if not standalone and clause.yields is None and out_names:
                raise errors.CypherSyntaxError(
                    "Procedure call inside a query does not support naming results implicitly "
                    "(name explicitly using `YIELD` instead)",
                    detail="UnexpectedSyntax",
                )
            self.yields = [(n, n) for n in out_names]
        else:
            for item in clause.yields:
                if item.name not in out_names:
                    raise errors.CypherSyntaxError(
                        f"Unknown procedure output: `{item.name}`", detail="UndefinedVariable"
                    )
            self.yields = [(item.name, item.output) for item in clause.yields]
        self.columns = [out for _name, out in self.yields]
        self.index = {n: i for i, n in enumerate(out_names)}
        where_compiler = compiler.child(self.columns)
        self.where = where_compiler.predicate(clause.where) if clause.where is not None else None

    def _arguments(self, row, rt) -> list:
        if not self.implicit:
            return [f(row, rt) for f in self.args]
        args = []
        params = self.proc.params
        required = len(params) - len(getattr(self.proc, "defaults", ()))
        for i, (pname, _ptype) in enumerate(params):
            if pname not in rt.params:
                if i < required:
                    raise errors.ParameterMissing(
                        f"Expected parameter(s): {pname}", detail="MissingParameter"
                    )
                break  # the rest take their defaults
            args.append(rt.params[pname])
        return args

    def __call__(self, rows, rt):
        from ..procedures import ProcedureContext

        registry = rt.procedures
        pctx = ProcedureContext(tx=rt.tx, query_ctx=rt.query_ctx, registry=registry)
        proc, index, yields, where = self.proc, self.index, self.yields, self.where
        for row in rows:
            args = self._arguments(row, rt)
            if registry is not None:
                args = registry.bind(proc, args)
            outputs = proc.fn(pctx, args)
            if not proc.columns:  # a VOID procedure passes each row through once
                for _ in outputs or ():
                    pass
                if where is None or where(row, rt):
                    yield row
                continue
            for out in outputs:
                new = dict(row)
                for name, alias in yields:
                    new[alias] = out[index[name]]
                if where is None or where(new, rt):
                    yield new


def _check_arity(proc, given: int) -> None:
    total = len(proc.params)
    required = total - len(getattr(proc, "defaults", ()))
    if given < required or (given > total and not getattr(proc, "varargs", None)):
        raise errors.CypherSyntaxError(
            f"Procedure call does not provide the required number of arguments: got {given} "
            f"argument(s) for `{proc.name}`",
            detail="InvalidNumberOfArguments",
        )


class ProduceResults:
    name = "ProduceResults"

    def __init__(self, columns):
        self.columns = columns

    def __call__(self, rows, rt):
        cols = self.columns
        if not cols:  # no RETURN (an updating query, a VOID procedure): run, no records
            for _ in rows:
                pass
            return
        for row in rows:
            yield [row.get(c) for c in cols]


class SingleQueryPlan:
    """The operators of one UNION branch (or of a subquery) in order."""

    def __init__(self, ops_: list, columns: list[str] | None, is_write: bool):
        self.ops = ops_
        self.columns = columns
        self.is_write = is_write

    def rows(self, rt, start_rows=None):
        rows = iter([{}]) if start_rows is None else start_rows
        for op in self.ops:
            rows = op(rows, rt)
        return rows


class Plan:
    """A compiled query: UNION branches of single-query plans producing records."""

    def __init__(self, branches, union_all, columns, is_write):
        self.branches = branches
        self.union_all = union_all
        self.columns = columns
        self.is_write = is_write

    def records(self, rt):
        if len(self.branches) == 1:
            return self.branches[0].rows(rt)
        return self._union(rt)

    def _union(self, rt):
        distinct = not all(self.union_all)
        seen = set()
        for branch in self.branches:
            for rec in branch.rows(rt):
                if distinct:
                    key = tuple(ops.group_key(v) for v in rec)
                    if key in seen:
                        continue
                    seen.add(key)
                yield rec

    def operator_names(self, rt=None, params_row=None) -> list[str]:
        names = []
        for i, branch in enumerate(self.branches):
            if i:
                names.append("Union" if not self.union_all[i - 1] else "UnionAll")
            for op in branch.ops:
                sub = getattr(op, "operators", None)
                if sub is not None:
                    names += sub(params_row or {}, rt) if rt is not None else sub()
                else:
                    names.append(op.name)
        return names


class Planner:
    """Plans one query at a time (make one per compile: it holds per-query flags)."""

    def __init__(self, procedures):
        self.procedures = procedures
        self.readonly = False

    def plan(self, query: ast.Query) -> Plan:
        self.readonly = not self._may_write(query)
        branches = [self.plan_single(part, [], top=True) for part in query.parts]
        columns = branches[0].columns
        for branch in branches[1:]:
            # UNION branches may list the same columns in another order: emit by name.
            if branch.columns and columns and set(branch.columns) == set(columns):
                branch.ops[-1].columns = columns
        is_write = any(b.is_write for b in branches)
        return Plan(branches, list(query.union_all), columns, is_write)

    def _may_write(self, query: ast.Query) -> bool:
        for node in ast.walk(query):
            if isinstance(node, _UPDATING):
                return True
            if type(node) is ast.Call:
                try:
                    proc = self.procedures.get(node.procedure) if self.procedures else None
                except errors.DatabaseError:
                    proc = None  # reported by CallOp
                if proc is None or getattr(proc, "mode", "write") != "read":
                    return True
        return False

    def subquery(self, query: ast.Query, scope):
        """A function (row, rt) -> rows for EXISTS { query } with the outer row in scope."""
        branches = [self.plan_single(part, sorted(scope), top=False) for part in query.parts]

        def run(row, rt):
            for branch in branches:
                yield from branch.rows(rt, iter([row]))

        return run

    def plan_single(self, sq: ast.SingleQuery, scope: list[str], top: bool) -> SingleQueryPlan:
        scope = list(scope)
        ops_ = []
        columns = None
        is_write = False
        degree_counts = None  # set by a GetDegree rewrite for the projection that follows
        clauses = list(sq.clauses)
        for i, clause in enumerate(clauses):
            kind = type(clause)
            compiler = ExprCompiler(scope, None, self)
            if kind is ast.Match:
                nxt = clauses[i + 1] if i + 1 < len(clauses) else None
                rewrite = counted = None
                if type(nxt) in (ast.With, ast.Return):
                    rewrite = degree_rewrite(clause, nxt, scope)
                    counted = count_rewrite(clause, nxt, scope)
                if counted is not None:
                    what, degree_counts = counted
                    op = NodeCountOp(what)
                elif rewrite is not None:
                    reduced, near_var, direction, types, degree_counts = rewrite
                    op = DegreeMatchOp(MatchOp(reduced, scope, self), near_var, direction, types,
                                       fresh_rows=near_var not in scope)
                else:
                    op = MatchOp(clause, scope, self)
                _extend(scope, op.matcher.new_vars)
            elif kind is ast.Unwind:
                op = UnwindOp(clause, scope, self)
                _extend(scope, [clause.alias])
            elif kind in (ast.With, ast.Return):
                op = ProjectOp(clause, scope, self, degree_counts)
                degree_counts = None
                scope = list(op.columns)
                if kind is ast.Return:
                    columns = list(op.columns)
            elif kind is ast.Create:
                op = CreateClause(clause, compiler)
                _extend(scope, _pattern_names(clause.patterns))
            elif kind is ast.Merge:
                op = MergeClause(clause, compiler, scope)
                _extend(scope, _pattern_names([clause.pattern]))
            elif kind in (ast.Set, ast.Remove):
                op = SetClause(clause.items, compiler)
                op.name = "SetProperties" if kind is ast.Set else "RemoveProperties"
            elif kind is ast.Delete:
                op = DeleteClause(clause, compiler)
            elif kind is ast.Call:
                standalone = top and len(clauses) == 1
                op = CallOp(clause, scope, self, standalone)
                _extend(scope, op.columns)
                if standalone:
                    columns = list(op.columns)
                mode = getattr(op.proc, "mode", "read")
                is_write = is_write or mode in ("write", "schema", "dbms")
            elif kind is ast.Foreach:
                op = ForeachOp(clause, scope, self)
            else:
                raise errors.CypherSyntaxError(
                    f"unsupported clause {kind.__name__}", detail="UnexpectedSyntax"
                )
            if isinstance(clause, _UPDATING):
                is_write = True
            ops_.append(op)
        if top:
            ops_.append(ProduceResults(columns))
        return SingleQueryPlan(ops_, columns if top else None, is_write)


class ForeachOp:
    name = "Foreach"

    def __init__(self, clause: ast.Foreach, scope, planner):
        self.source = ExprCompiler(scope, None, planner).compile(clause.source)
        self.var = clause.var
        inner = planner.plan_single(
            ast.SingleQuery(tuple(clause.clauses)), scope + [clause.var], top=False
        )
        self.inner = inner

    def __call__(self, rows, rt):
        rows = list(rows)
        for row in rows:
            items = self.source(row, rt)
            if items is None:
                continue
            for item in items:
                new = dict(row)
                new[self.var] = item
                for _ in self.inner.rows(rt, iter([new])):
                    pass
        return iter(rows)


def _pattern_names(parts) -> list[str]:
    return pattern_vars(parts)


def _extend(scope: list[str], names) -> None:
    for n in names:
        if n is not None and n not in scope:
            scope.append(n)
