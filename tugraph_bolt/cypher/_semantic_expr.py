"""Expression and pattern checks for `semantic.py`: scoping, static kinds, aggregation.

A kind is a short string: 'node', 'rel', 'path', 'bool', 'int', 'float', 'string', 'map',
'null', 'any' (unknown), or 'list:<kind>' (a list with that element kind; 'list:rel' is
also what a variable-length relationship binds). Only certain kinds are ever rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from tugraph_bolt import errors
from tugraph_bolt.cypher import ast

NODE, REL, RELS, PATH = "node", "rel", "list:rel", "path"
BOOL, INT, FLOAT, STRING, MAP, NULL, ANY = "bool", "int", "float", "string", "map", "null", "any"

_ENTITIES = frozenset({NODE, REL, PATH})
_SCALARS = frozenset({INT, FLOAT, STRING, BOOL})
_NUMBERS = frozenset({INT, FLOAT})
AGGREGATE_NAMES = frozenset(
    {
        "count",
        "sum",
        "avg",
        "min",
        "max",
        "collect",
        "stdev",
        "stdevp",
        "percentilecont",
        "percentiledisc",
    }
)
_COMPARISON_OPS = frozenset(
    {"=", "<>", "<", ">", "<=", ">=", "STARTS WITH", "ENDS WITH", "CONTAINS", "=~"}
)
_RETURNS = {
    "labels": "list:string", "keys": "list:string", "type": STRING, "id": INT, "size": INT,
    "length": INT, "tointeger": INT, "tofloat": FLOAT, "tostring": STRING,
    "toboolean": BOOL, "nodes": "list:node", "relationships": "list:rel", "startnode": NODE,
    "endnode": NODE, "properties": MAP, "exists": BOOL, "range": "list:int",
    "toupper": STRING, "tolower": STRING, "trim": STRING, "ltrim": STRING, "rtrim": STRING,
    "substring": STRING, "replace": STRING, "split": "list:string", "left": STRING,
    "right": STRING,
}  # fmt: skip


def _is_list(kind: str) -> bool:
    return kind.startswith("list:")


def _not_boolean(kind: str) -> bool:
    return kind in _ENTITIES or kind in (INT, FLOAT, STRING, MAP) or _is_list(kind)


# function -> predicate on an argument kind that is certainly wrong
_ARGUMENT_REJECTS: dict[str, Callable[[str], bool]] = {
    "labels": lambda k: k in (REL, PATH, MAP) or k in _SCALARS or _is_list(k),
    "type": lambda k: k in (NODE, PATH, MAP) or k in _SCALARS or _is_list(k),
    "length": lambda k: k in (NODE, REL, MAP, INT, FLOAT, BOOL),
    "size": lambda k: k in _ENTITIES or k in (MAP, INT, FLOAT, BOOL),
    "properties": lambda k: k == PATH or k in _SCALARS or _is_list(k),
}


class Scope(dict):
    """Variables in scope, name -> kind, in binding order."""

    def copy(self) -> Scope:
        return Scope(self)

    def merged(self, other: dict) -> Scope:
        out = Scope(self)
        out.update(other)
        return out

    def visible(self) -> list[str]:
        return list(self)


def fail(node, message: str, detail: str, error=errors.CypherSyntaxError, **extra):
    line = getattr(node, "line", 0) or None
    column = getattr(node, "column", 0) or None
    where = f" (line {line}, column {column})" if line else ""
    raise error(message + where, detail=detail, line=line, column=column, **extra)


@dataclass(frozen=True, slots=True)
class _Ctx:
    aggregates_ok: bool = False  # inside a WITH/RETURN item or an aggregating ORDER BY
    in_aggregate: bool = False  # inside an aggregate's arguments
    predicate: bool = False  # a pattern predicate may appear here (WHERE, NOT, AND, ...)
    opaque: tuple = ()  # projected expressions: already valid as a whole (ORDER BY)


_PLAIN = _Ctx()
_extra_function_names: frozenset[str] | None = None


def _default_function_exists(name: str) -> bool:
    """The executor's function table (looked up live: it may grow), aggregates and the
    temporal/spatial tables; lenient for namespaced names and if the table is missing."""
    global _extra_function_names
    if "." in name:
        return True
    try:
        from tugraph_bolt.cypher import functions
    except Exception:  # the table is another layer's; never block queries on it
        return True
    lowered = name.lower()
    if lowered in functions.FUNCTIONS:
        return True
    if _extra_function_names is None:
        names = set(AGGREGATE_NAMES) | {"exists"}
        for module, attr in (
            ("tugraph_bolt.cypher.temporal.functions", "TEMPORAL_FUNCTIONS"),
            ("tugraph_bolt.cypher.spatial", "SPATIAL_FUNCTIONS"),
        ):
            try:
                table = getattr(__import__(module, fromlist=[attr]), attr)
                names |= {n.lower() for n in table}
            except Exception:
                pass
        _extra_function_names = frozenset(names)
    return lowered in _extra_function_names


def _check_arity(e: ast.FunctionCall) -> None:
    """The function table's own arity rule (functions.check_arity), with our position."""
    try:
        from tugraph_bolt.cypher.functions import check_arity
    except ImportError:  # an older table without it: the executor still checks
        return
    try:
        check_arity(e.name, len(e.args))
    except errors.CypherSyntaxError as exc:
        fail(e, exc.message, exc.detail or "InvalidNumberOfArguments")


class ExpressionChecker:
    def __init__(self, function_exists: Callable[[str], bool] | None):
        self.function_exists = function_exists or _default_function_exists

    # --- entry points ------------------------------------------------------------------
    def expr(
        self, e: ast.Expr, scope: Scope, aggregates_ok: bool = False, opaque: tuple = ()
    ) -> str:
        return self._x(e, scope, _Ctx(aggregates_ok=aggregates_ok, opaque=opaque))

    def predicate(self, e: ast.Expr, scope: Scope) -> str:
        kind = self._x(e, scope, _Ctx(predicate=True))
        if _not_boolean(kind):
            fail(e, f"Type mismatch: expected Boolean but was {kind}", "InvalidArgumentType")
        return kind

    def variable(self, name: str, node, scope: Scope) -> str:
        if name not in scope:
            fail(node, f"Variable `{name}` not defined", "UndefinedVariable")
        return scope[name]

    def _x(self, e, scope: Scope, ctx: _Ctx) -> str:
        if ctx.opaque and e in ctx.opaque:
            return ANY
        return getattr(self, "x_" + type(e).__name__)(e, scope, ctx)

    # --- aggregation -------------------------------------------------------------------
    @staticmethod
    def is_aggregate(e) -> bool:
        return isinstance(e, ast.CountStar) or (
            isinstance(e, ast.FunctionCall) and e.name.lower() in AGGREGATE_NAMES
        )

    def has_aggregate(self, e) -> bool:
        stack = [e]
        while stack:
            node = stack.pop()
            if self.is_aggregate(node):
                return True
            if not isinstance(node, ast.ExistsSubquery):  # its query aggregates on its own
                stack.extend(ast.children(node))
        return False

    def check_implicit_grouping(self, e, keys: tuple) -> None:
        """In an aggregating item, each variable (or property of one) outside the aggregates
        must itself be a grouping key: `RETURN n.a + count(*)` alone is ambiguous."""
        key_vars = {k.name for k in keys if isinstance(k, ast.Variable)}

        def visit(node, local: frozenset) -> None:
            if self.is_aggregate(node) or isinstance(node, ast.ExistsSubquery):
                return
            if isinstance(node, ast.Variable):
                if node.name not in local and node.name not in key_vars and node not in keys:
                    fail(
                        node,
                        f"Aggregation column contains implicit grouping expression `{node.name}`",
                        "AmbiguousAggregationExpression",
                    )
                return
            if isinstance(node, ast.PropertyLookup) and isinstance(node.expr, ast.Variable):
                name = node.expr.name
                if name not in local and name not in key_vars and node not in keys:
                    fail(
                        node,
                        f"Aggregation column contains implicit grouping expression "
                        f"`{name}.{node.key}`",
                        "AmbiguousAggregationExpression",
                    )
                return
            inner = local
            for attr in ("var", "acc", "variable"):
                name = getattr(node, attr, None)
                if isinstance(name, str) and not isinstance(node, (ast.MapProjection,)):
                    inner = inner | {name}
            if isinstance(node, (ast.PatternComprehension, ast.PatternPredicate)):
                pattern = node.pattern
                names = {n.variable for n in pattern.element.nodes if n.variable}
                names |= {r.variable for r in pattern.element.rels if r.variable}
                inner = inner | names
            for child in ast.children(node):
                visit(child, inner)

        visit(e, frozenset())

    def _aggregate(self, e, args: tuple, scope: Scope, ctx: _Ctx) -> list[str]:
        if ctx.in_aggregate:
            fail(
                e,
                "Can't use aggregate functions inside of aggregate functions",
                "NestedAggregation",
            )
        if not ctx.aggregates_ok:
            fail(e, "Invalid use of aggregating function here", "InvalidAggregation")
        for arg in args:
            for node in ast.walk(arg):
                if isinstance(node, ast.FunctionCall) and node.name.lower() == "rand":
                    fail(
                        node,
                        "Can't use non-deterministic (random) functions inside of "
                        "aggregate functions",
                        "NonConstantExpression",
                    )
        inner = replace(ctx, in_aggregate=True, predicate=False)
        return [self._x(a, scope, inner) for a in args]

    # --- expressions -------------------------------------------------------------------
    def x_Literal(self, e: ast.Literal, scope, ctx) -> str:
        v = e.value
        if v is None:
            return NULL
        return {bool: BOOL, int: INT, float: FLOAT, str: STRING}.get(type(v), ANY)

    def x_Parameter(self, e, scope, ctx) -> str:
        return ANY

    def x_Variable(self, e: ast.Variable, scope, ctx) -> str:
        return self.variable(e.name, e, scope)

    def x_PropertyLookup(self, e: ast.PropertyLookup, scope, ctx) -> str:
        base = self._x(e.expr, scope, replace(ctx, predicate=False))
        if base == PATH:
            fail(
                e,
                "Type mismatch: expected Node, Relationship or Map but was Path",
                "InvalidArgumentType",
            )
        if base in _SCALARS or _is_list(base):
            fail(
                e,
                f"Type mismatch: expected Node, Relationship or Map but was {base}",
                "InvalidArgumentType",
                errors.CypherTypeError,
                phase="compile time",
            )
        return ANY

    def x_ListLiteral(self, e: ast.ListLiteral, scope, ctx) -> str:
        sub = replace(ctx, predicate=False)
        kinds = {self._x(item, scope, sub) for item in e.items}
        if len(kinds) > 1:
            kinds.discard(NULL)
        return "list:" + (kinds.pop() if len(kinds) == 1 else ANY)

    def x_MapLiteral(self, e: ast.MapLiteral, scope, ctx) -> str:
        sub = replace(ctx, predicate=False)
        for _, value in e.items:
            self._x(value, scope, sub)
        return MAP

    def x_MapProjection(self, e: ast.MapProjection, scope, ctx) -> str:
        self.variable(e.var, e, scope)
        sub = replace(ctx, predicate=False)
        for item in e.items:
            if item.kind == "variable":
                self.variable(item.key, item, scope)
            elif item.kind == "literal":
                self._x(item.expr, scope, sub)
        return MAP

    def x_CountStar(self, e, scope, ctx) -> str:
        self._aggregate(e, (), scope, ctx)
        return INT

    def x_FunctionCall(self, e: ast.FunctionCall, scope, ctx) -> str:
        name = e.name.lower()
        if name in AGGREGATE_NAMES:
            wanted = 2 if name.startswith("percentile") else 1
            if len(e.args) != wanted:
                problem = "Insufficient" if len(e.args) < wanted else "Too many"
                fail(e, f"{problem} parameters for function '{e.name}'",
                     "InvalidNumberOfArguments")  # fmt: skip
            kinds = self._aggregate(e, e.args, scope, ctx)
            if name == "count":
                return INT
            if name == "collect" and kinds:
                return "list:" + (kinds[0] if kinds[0] != NULL else ANY)
            return ANY
        if not self.function_exists(e.name):
            fail(e, f"Unknown function '{e.name}'", "UnknownFunction")
        _check_arity(e)
        sub = replace(ctx, predicate=name == "exists")
        kinds = [self._x(a, scope, sub) for a in e.args]
        reject = _ARGUMENT_REJECTS.get(name)
        if reject is not None and kinds and reject(kinds[0]):
            fail(e, f"Type mismatch: {e.name}() does not accept {kinds[0]}", "InvalidArgumentType")
        return _RETURNS.get(name, ANY)

    def x_BinaryOp(self, e: ast.BinaryOp, scope, ctx) -> str:
        # Walk the left spine iteratively: generated queries chain thousands of ORs, and
        # the parser builds such chains left-deep.
        spine = []
        contexts = []
        node = e
        while isinstance(node, ast.BinaryOp) and not (ctx.opaque and node in ctx.opaque):
            spine.append(node)
            contexts.append(ctx)
            if node.op not in ("AND", "OR", "XOR"):
                ctx = replace(ctx, predicate=False)
            node = node.left
        left = self._x(node, scope, ctx)
        for b, b_ctx in zip(reversed(spine), reversed(contexts), strict=True):
            sub = b_ctx if b.op in ("AND", "OR", "XOR") else replace(b_ctx, predicate=False)
            left = self._binary_kind(b, left, self._x(b.right, scope, sub))
        return left

    def _binary_kind(self, e: ast.BinaryOp, left: str, right: str) -> str:
        op = e.op
        if op in ("AND", "OR", "XOR"):
            for side, kind in ((e.left, left), (e.right, right)):
                if _not_boolean(kind):
                    fail(
                        side,
                        f"Type mismatch: {op} expected Boolean but was {kind}",
                        "InvalidArgumentType",
                    )
            return BOOL
        if op in _COMPARISON_OPS:
            return BOOL
        if op == "IN":
            if right in _ENTITIES or right in _SCALARS or right == MAP:
                fail(
                    e.right,
                    f"Type mismatch: IN expected a list but was {right}",
                    "InvalidArgumentType",
                )
            return BOOL
        if op != "+":
            for side, kind in ((e.left, left), (e.right, right)):
                if kind in (STRING, BOOL, MAP) or kind in _ENTITIES:
                    fail(side, f"Type mismatch: {op} does not accept {kind}", "InvalidArgumentType")
        if left in _NUMBERS and right in _NUMBERS:
            return INT if left == right == INT else FLOAT
        if op == "+" and STRING in (left, right) and {left, right} <= {STRING, INT, FLOAT}:
            return STRING
        return ANY

    def x_UnaryOp(self, e: ast.UnaryOp, scope, ctx) -> str:
        if e.op == "NOT":
            kind = self._x(e.expr, scope, ctx)
            if _not_boolean(kind):
                fail(
                    e.expr,
                    f"Type mismatch: NOT expected Boolean but was {kind}",
                    "InvalidArgumentType",
                )
            return BOOL
        kind = self._x(e.expr, scope, replace(ctx, predicate=False))
        return kind if kind in _NUMBERS else ANY

    def x_IsNull(self, e: ast.IsNull, scope, ctx) -> str:
        self._x(e.expr, scope, replace(ctx, predicate=False))
        return BOOL

    def x_LabelCheck(self, e: ast.LabelCheck, scope, ctx) -> str:
        self._x(e.expr, scope, replace(ctx, predicate=False))
        return BOOL

    def x_Index(self, e: ast.Index, scope, ctx) -> str:
        sub = replace(ctx, predicate=False)
        base = self._x(e.expr, scope, sub)
        self._x(e.index, scope, sub)
        return base[5:] if _is_list(base) else ANY

    def x_Slice(self, e: ast.Slice, scope, ctx) -> str:
        sub = replace(ctx, predicate=False)
        base = self._x(e.expr, scope, sub)
        for bound in (e.start, e.end):
            if bound is not None:
                self._x(bound, scope, sub)
        return base if _is_list(base) else ANY

    def x_Case(self, e: ast.Case, scope, ctx) -> str:
        sub = replace(ctx, predicate=False)
        if e.subject is not None:
            self._x(e.subject, scope, sub)
        kinds = set()
        for when in e.whens:
            self._x(when.condition, scope, replace(ctx, predicate=e.subject is None))
            kinds.add(self._x(when.value, scope, sub))
        kinds.add(self._x(e.default, scope, sub) if e.default is not None else NULL)
        if len(kinds) > 1:
            kinds.discard(NULL)
        return kinds.pop() if len(kinds) == 1 else ANY

    def _iteration_scope(self, var: str, source, scope, ctx) -> Scope:
        kind = self._x(source, scope, replace(ctx, predicate=False))
        inner = scope.copy()
        inner[var] = kind[5:] if _is_list(kind) else ANY
        return inner

    def x_ListComprehension(self, e: ast.ListComprehension, scope, ctx) -> str:
        inner = self._iteration_scope(e.var, e.source, scope, ctx)
        if e.where is not None:
            self._x(e.where, inner, replace(ctx, predicate=True))
        if e.projection is not None:
            return "list:" + self._x(e.projection, inner, replace(ctx, predicate=False))
        return "list:" + inner[e.var]

    def x_Quantifier(self, e: ast.Quantifier, scope, ctx) -> str:
        inner = self._iteration_scope(e.var, e.source, scope, ctx)
        if e.where is not None:
            self._x(e.where, inner, replace(ctx, predicate=True))
        return BOOL

    def x_Reduce(self, e: ast.Reduce, scope, ctx) -> str:
        sub = replace(ctx, predicate=False)
        init = self._x(e.init, scope, sub)
        inner = self._iteration_scope(e.var, e.source, scope, ctx)
        inner[e.acc] = init if init != NULL else ANY
        self._x(e.expr, inner, sub)
        return ANY

    def x_PatternComprehension(self, e: ast.PatternComprehension, scope, ctx) -> str:
        inner = self.bind_patterns((e.pattern,), scope, "local")
        if e.where is not None:
            self._x(e.where, inner, replace(ctx, predicate=True))
        return "list:" + self._x(e.projection, inner, replace(ctx, predicate=False))

    def x_PatternPredicate(self, e: ast.PatternPredicate, scope, ctx) -> str:
        if not ctx.predicate:
            fail(
                e,
                "A pattern expression can only be used to test the existence of a "
                "pattern (use it in WHERE or inside exists())",
                "UnexpectedSyntax",
            )
        self.bind_patterns((e.pattern,), scope, "expr")
        return BOOL

    def x_ExistsSubquery(self, e: ast.ExistsSubquery, scope, ctx) -> str:
        if e.query is not None:
            self.query(e.query, scope, subquery=True)
            return BOOL
        inner = self.bind_patterns(e.patterns, scope, "local")
        if e.where is not None:
            self.predicate(e.where, inner)
        return BOOL

    def query(self, query, outer, top_level=False, subquery=False):  # pragma: no cover
        raise NotImplementedError  # provided by semantic._QueryChecker

    # --- patterns ----------------------------------------------------------------------
    def bind_patterns(self, parts, scope: Scope, mode: str) -> Scope:
        """Bind the variables of pattern parts. mode: 'match', 'create', 'merge' (clauses),
        'local' (comprehension / EXISTS: new names are local), 'expr' (a pattern
        predicate: no new names)."""
        out = scope.copy()
        rels_here: set[str] = set()
        updating = mode in ("create", "merge")
        for part in parts:
            element = part.element
            lone_node = not element.rels
            for i, node in enumerate(element.nodes):
                if i > 0:
                    self._bind_rel(element.rels[i - 1], out, mode, rels_here)
                name = node.variable
                if name is None:
                    continue
                existing = out.get(name)
                if existing is None:
                    if mode == "expr":
                        fail(node, f"Variable `{name}` not defined", "UndefinedVariable")
                    out[name] = NODE
                    continue
                if existing not in (NODE, ANY, NULL):
                    fail(
                        node,
                        f"Type mismatch: `{name}` defined with conflicting type "
                        f"{existing} (expected node)",
                        "VariableTypeConflict",
                    )
                if updating and (node.labels or node.properties is not None or lone_node):
                    fail(
                        node,
                        f"Can't create node `{name}` with labels or properties here. "
                        "The variable is already declared in this context",
                        "VariableAlreadyBound",
                    )
            if part.variable is not None:
                if part.variable in out:
                    fail(
                        part, f"Variable `{part.variable}` already declared", "VariableAlreadyBound"
                    )
                out[part.variable] = PATH
        for part in parts:
            items = part.element.nodes + part.element.rels
            for item in items:
                props = item.properties
                if props is None:
                    continue
                if isinstance(props, ast.Parameter) and mode in ("match", "merge"):
                    fail(
                        props,
                        "Parameter maps cannot be used in MATCH or MERGE patterns "
                        "(use a literal map, e.g. {key: $param.key})",
                        "InvalidParameterUse",
                    )
                self._x(props, out, _PLAIN)
        return out

    def _bind_rel(self, rel: ast.RelPattern, out: Scope, mode: str, rels_here: set) -> None:
        updating = mode in ("create", "merge")
        name = rel.variable
        if name is not None:
            existing = out.get(name)
            if existing is None:
                if mode == "expr":
                    fail(rel, f"Variable `{name}` not defined", "UndefinedVariable")
                out[name] = RELS if rel.var_length else REL
            else:
                if name in rels_here and not updating:
                    fail(
                        rel,
                        f"Cannot use the same relationship variable `{name}` for "
                        "multiple relationships",
                        "RelationshipUniquenessViolation",
                    )
                if existing not in (REL, RELS, ANY, NULL):
                    fail(
                        rel,
                        f"Type mismatch: `{name}` defined with conflicting type "
                        f"{existing} (expected relationship)",
                        "VariableTypeConflict",
                    )
                if updating:
                    fail(rel, f"Variable `{name}` already declared", "VariableAlreadyBound")
            rels_here.add(name)
        if updating:
            if rel.var_length:
                fail(rel, "Variable length relationships cannot be created", "CreatingVarLength")
            if len(rel.types) != 1:
                fail(
                    rel,
                    "Exactly one relationship type must be specified for " + mode.upper(),
                    "NoSingleRelationshipType",
                )
            if mode == "create" and rel.direction == "both":
                fail(
                    rel,
                    "Only directed relationships are supported in CREATE",
                    "RequiresDirectedRelationship",
                )
