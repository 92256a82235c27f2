"""Compile AST expressions into Python closures, once per query.

Every compiled expression is a function `f(row, rt)` of the current row (a dict of variable
-> value) and the statement's `runtime.Runtime`. Nothing walks the AST per row. Operator
semantics come from `ops.py`, functions from `functions.py`, temporal accessors from
`temporal.py`; this module only wires them together.

>>> from tugraph_bolt.cypher import ast
>>> f = ExprCompiler(set()).compile(ast.BinaryOp("+", ast.Literal(1), ast.Variable("x")))
>>> f({"x": 2}, None)
3
"""

from __future__ import annotations

from .. import errors, values
from . import ast, ops
from .compile_scoped import ScopedExpressions, truth, type_error
from .runtime import current_node, current_rel, fresh

Node = values.Node
Relationship = values.Relationship

AGGREGATE_NAMES = frozenset(
    ["count", "sum", "avg", "min", "max", "collect", "stdev", "stdevp", "percentilecont",
     "percentiledisc"]
)


# Functions that read an entity's current labels or properties: a deleted entity is an error.
_READS_ENTITY = frozenset(["labels", "keys", "properties"])


def is_aggregate(e) -> bool:
    if type(e) is ast.CountStar:
        return True
    return type(e) is ast.FunctionCall and e.name.lower() in AGGREGATE_NAMES


def find_aggregates(e) -> list:
    """The aggregate calls in e, outermost first, not descending into nested scopes' args."""
    found = []
    stack = [e]
    while stack:
        cur = stack.pop()
        if is_aggregate(cur):
            found.append(cur)
            continue
        stack.extend(reversed(list(ast.children(cur))))
    return found


def property_of(value, key: str, rt):
    """`value.key` for a node, relationship, map or temporal value."""
    if value is None:
        return None
    t = type(value)
    if t is Node:
        return current_node(rt.tx, value).props.get(key)
    if t is Relationship:
        return current_rel(rt.tx, value).props.get(key)
    if t is dict:
        return value.get(key)
    if isinstance(value, values.TEMPORAL_TYPES) or t is values.Point:
        from . import temporal

        return temporal.get_field(value, key)
    raise type_error(f"Type mismatch: expected a map, node or relationship but was {value!r}")


def _not(v):
    v = truth(v, "NOT")
    return None if v is None else not v


class ExprCompiler(ScopedExpressions):
    """Compiles expressions with a static scope (the variables bound at that point).

    `agg_slots` maps id(aggregate call node) -> the row key where the projection stored
    that aggregate's result; such calls compile to a row lookup.
    """

    def __init__(self, scope, agg_slots: dict | None = None, planner=None):
        self.scope = set(scope)
        self.agg_slots = agg_slots or {}
        self.planner = planner
        # In a query that never writes, entity views read at match time are current, so
        # property access reads the view instead of the transaction.
        self.readonly = bool(getattr(planner, "readonly", False))

    def child(self, extra) -> ExprCompiler:
        return ExprCompiler(self.scope | set(extra), self.agg_slots, self.planner)

    def compile(self, e):
        if e is None:
            return lambda row, rt: None
        if id(e) in self.agg_slots:
            slot = self.agg_slots[id(e)]
            return lambda row, rt: row[slot]
        method = getattr(self, "_c_" + type(e).__name__, None)
        if method is None:
            raise errors.CypherSyntaxError(
                f"unsupported expression {type(e).__name__}", detail="UnexpectedSyntax"
            )
        return method(e)

    def predicate(self, e):
        """A WHERE-style filter: only True passes."""
        f = self.compile(e)
        return lambda row, rt: f(row, rt) is True

    # --- leaves -----------------------------------------------------------------------

    def _c_Literal(self, e):
        v = e.value
        return lambda row, rt: v

    def _c_Parameter(self, e):
        name = e.name
        return lambda row, rt: rt.params[name]

    def _c_Variable(self, e):
        name = e.name

        def variable(row, rt):
            try:
                return row[name]
            except KeyError:
                return None

        return variable

    def _c_PropertyLookup(self, e):
        key = e.key
        if type(e.expr) is ast.Variable and self.readonly:
            name = e.expr.name

            def view_property(row, rt):
                v = row.get(name)
                t = type(v)
                if t is Node or t is Relationship:
                    return v.properties.get(key)
                return property_of(v, key, rt)

            return view_property
        if type(e.expr) is ast.Variable:
            name = e.expr.name

            def var_property(row, rt):
                v = row.get(name)
                if type(v) is Node:
                    rec = rt.tx.node(v.id)
                    if rec is None:
                        current_node(rt.tx, v)
                    return rec.props.get(key)
                return property_of(v, key, rt)

            return var_property
        inner = self.compile(e.expr)
        return lambda row, rt: property_of(inner(row, rt), key, rt)

    def _c_ListLiteral(self, e):
        items = [self.compile(i) for i in e.items]
        return lambda row, rt: [f(row, rt) for f in items]

    def _c_MapLiteral(self, e):
        items = [(k, self.compile(v)) for k, v in e.items]
        return lambda row, rt: {k: f(row, rt) for k, f in items}

    def _c_MapProjection(self, e):
        var = e.var
        parts = []
        for item in e.items:
            if item.kind == "literal":
                parts.append(("literal", item.key, self.compile(item.expr)))
            else:
                parts.append((item.kind, item.key, None))

        def map_projection(row, rt):
            subject = row.get(var)
            if subject is None:
                return None
            out = {}
            for kind, key, f in parts:
                if kind == "property":
                    out[key] = property_of(subject, key, rt)
                elif kind == "all":
                    out.update(_all_properties(subject, rt))
                elif kind == "variable":
                    out[key] = row.get(key)
                else:
                    out[key] = f(row, rt)
            return out

        return map_projection

    def _c_CountStar(self, e):
        raise errors.CypherSyntaxError("count(*) outside a projection", detail="InvalidAggregation")

    # --- operators --------------------------------------------------------------------

    def _c_BinaryOp(self, e):
        op = e.op
        left, right = self.compile(e.left), self.compile(e.right)
        if op == "AND":

            def and_(row, rt):
                a = truth(left(row, rt), "AND")
                if a is False:
                    return False
                b = truth(right(row, rt), "AND")
                if b is False:
                    return False
                return None if a is None or b is None else True

            return and_
        if op == "OR":

            def or_(row, rt):
                a = truth(left(row, rt), "OR")
                if a is True:
                    return True
                b = truth(right(row, rt), "OR")
                if b is True:
                    return True
                return None if a is None or b is None else False

            return or_
        if op == "XOR":

            def xor(row, rt):
                a = truth(left(row, rt), "XOR")
                b = truth(right(row, rt), "XOR")
                return None if a is None or b is None else a != b

            return xor
        if op == "<>":
            ne = ops.not_equals
            return lambda row, rt: ne(left(row, rt), right(row, rt))
        fn = BINARY[op]()
        return lambda row, rt: fn(left(row, rt), right(row, rt))

    def _c_UnaryOp(self, e):
        inner = self.compile(e.expr)
        if e.op == "NOT":
            return lambda row, rt: _not(inner(row, rt))
        if e.op == "-":
            neg = ops.neg
            return lambda row, rt: neg(inner(row, rt))

        def plus(row, rt):
            v = inner(row, rt)
            if v is None or (type(v) in (int, float)) or isinstance(v, values.Duration):
                return v
            raise type_error(f"unary + expects a number but got {v!r}")

        return plus

    def _c_IsNull(self, e):
        inner = self.compile(e.expr)
        if e.negated:
            return lambda row, rt: inner(row, rt) is not None
        return lambda row, rt: inner(row, rt) is None

    def _c_LabelCheck(self, e):
        inner = self.compile(e.expr)
        wanted = tuple(e.labels)

        def label_check(row, rt):
            v = inner(row, rt)
            if v is None:
                return None
            if type(v) is Node:
                have = current_node(rt.tx, v).labels
                return all(label in have for label in wanted)
            if type(v) is Relationship:
                return all(label == current_rel(rt.tx, v).type for label in wanted)
            raise type_error(f"label predicate on a non-node value {v!r}")

        return label_check

    def _c_Index(self, e):
        subject, index = self.compile(e.expr), self.compile(e.index)

        def subscript(row, rt):
            container, i = subject(row, rt), index(row, rt)
            if container is None or i is None:
                return None
            if type(container) is list:
                if type(i) is not int:
                    raise type_error(f"list index must be an integer, got {i!r}")
                n = len(container)
                if -n <= i < n:
                    return container[i]
                return None
            if type(container) in (dict, Node, Relationship):
                if type(i) is not str:
                    raise type_error(
                        f"map key must be a string, got {i!r}", "MapElementAccessByNonString"
                    )
                return property_of(container, i, rt)
            raise type_error(f"cannot index {container!r}")

        return subscript

    def _c_Slice(self, e):
        subject = self.compile(e.expr)
        start = self.compile(e.start) if e.start is not None else None
        end = self.compile(e.end) if e.end is not None else None

        def list_slice(row, rt):
            lst = subject(row, rt)
            lo = start(row, rt) if start is not None else 0
            hi = end(row, rt) if end is not None else None
            if lst is None or lo is None or (end is not None and hi is None):
                return None
            if type(lst) is not list:
                raise type_error(f"slicing expects a list but got {lst!r}")
            for b in (lo, hi):
                if b is not None and type(b) is not int:
                    raise type_error(f"slice bounds must be integers, got {b!r}")
            return lst[lo:hi]

        return list_slice

    def _c_Case(self, e):
        whens = [(self.compile(w.condition), self.compile(w.value)) for w in e.whens]
        default = self.compile(e.default)
        if e.subject is None:

            def generic_case(row, rt):
                for cond, value in whens:
                    if cond(row, rt) is True:
                        return value(row, rt)
                return default(row, rt)

            return generic_case
        subject = self.compile(e.subject)
        eq = ops.equals

        def simple_case(row, rt):
            s = subject(row, rt)
            for cond, value in whens:
                if eq(s, cond(row, rt)) is True:
                    return value(row, rt)
            return default(row, rt)

        return simple_case

    # --- functions --------------------------------------------------------------------

    def _c_FunctionCall(self, e):
        if is_aggregate(e):
            raise errors.CypherSyntaxError(
                f"aggregate {e.name}() is not allowed here", detail="InvalidAggregation"
            )
        from . import functions

        name = e.name.lower()
        fdef = functions.FUNCTIONS.get(name)
        if fdef is None:
            raise errors.CypherSyntaxError(f"Unknown function '{e.name}'", detail="UnknownFunction")
        fn = fdef.fn
        args = [self.compile(a) for a in e.args]
        entity_types = (Node, Relationship, values.Path)
        reads_entity = name in _READS_ENTITY
        if self.readonly:
            return lambda row, rt: fn(rt, [a(row, rt) for a in args])

        def call(row, rt):
            vals = [a(row, rt) for a in args]
            for i, v in enumerate(vals):
                if isinstance(v, entity_types):
                    if reads_entity and type(v) is Node:
                        current_node(rt.tx, v)
                    elif reads_entity and type(v) is Relationship:
                        current_rel(rt.tx, v)
                    vals[i] = fresh(rt.tx, v)
            return fn(rt, vals)

        return call


def _all_properties(subject, rt) -> dict:
    if type(subject) is Node:
        return dict(current_node(rt.tx, subject).props)
    if type(subject) is Relationship:
        return dict(current_rel(rt.tx, subject).props)
    if type(subject) is dict:
        return dict(subject)
    raise type_error(f"map projection of {subject!r}")


# Operator table; looked up lazily so ops.py may grow names without import-order issues.
BINARY = {
    "+": lambda: ops.add,
    "-": lambda: ops.sub,
    "*": lambda: ops.mul,
    "/": lambda: ops.div,
    "%": lambda: ops.mod,
    "^": lambda: ops.pow_,
    "=": lambda: ops.equals,
    "<": lambda: ops.lt,
    ">": lambda: ops.gt,
    "<=": lambda: ops.le,
    ">=": lambda: ops.ge,
    "STARTS WITH": lambda: ops.starts_with,
    "ENDS WITH": lambda: ops.ends_with,
    "CONTAINS": lambda: ops.contains,
    "IN": lambda: ops.in_list,
    "=~": lambda: ops.regex_match,
}
