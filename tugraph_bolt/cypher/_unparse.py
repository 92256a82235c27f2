"""AST -> Cypher text (re-exported as `parser.to_cypher`).

The output parses back to an equal tree (apart from RETURN/WITH items, which are always
written `expr AS name`). It favours certainty over beauty: composite operands are
parenthesised, negative numbers too. One dispatch function per node type.

>>> from tugraph_bolt.cypher.parser import parse
>>> to_cypher(parse("match (n:Person) where n.age > 3 return n.name"))
'MATCH (n:Person) WHERE n.age > 3 RETURN n.name AS `n.name`'
"""

from __future__ import annotations

import re

from tugraph_bolt.cypher import ast

_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_KEYWORDS = frozenset(
    """ALL AND ANY AS ASC ASCENDING BY CALL CASE CONTAINS CREATE DELETE DESC DESCENDING DETACH
    DISTINCT ELSE END ENDS EXISTS FALSE FOREACH IN IS LIMIT MATCH MERGE NONE NOT NULL ON
    OPTIONAL OR ORDER REDUCE REMOVE RETURN SET SINGLE SKIP STARTS THEN TRUE UNION UNWIND WHEN
    WHERE WITH XOR YIELD SHORTESTPATH ALLSHORTESTPATHS""".split()
)
_STRING_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r",
                   "\b": "\\b", "\f": "\\f"}  # fmt: skip
# operands printed without parentheses
_ATOMS = (ast.Variable, ast.Parameter, ast.FunctionCall, ast.CountStar, ast.MapLiteral,
          ast.PropertyLookup, ast.Index, ast.Slice)  # fmt: skip
# right operands that could be read as the rest of a relationship arrow: `(a) - [1]`
_ARROW_LIKE = (ast.ListLiteral, ast.ListComprehension, ast.PatternComprehension, ast.UnaryOp)


def to_cypher(node) -> str:
    return globals()["_" + type(node).__name__](node)


def name(text: str) -> str:
    if _PLAIN_NAME.fullmatch(text) and text.upper() not in _KEYWORDS:
        return text
    return "`" + text.replace("`", "``") + "`"


def _operand(e) -> str:
    text = to_cypher(e)
    if isinstance(e, _ATOMS) or (isinstance(e, ast.Literal) and not _negative(e)):
        return text
    return f"({text})"


def _negative(e) -> bool:
    v = e.value
    return type(v) in (int, float) and (v < 0 or (v == 0 and str(v).startswith("-")))


# --- query structure -------------------------------------------------------------------
def _Query(q: ast.Query) -> str:
    out = to_cypher(q.parts[0])
    for part, union_all in zip(q.parts[1:], q.union_all, strict=True):
        out += (" UNION ALL " if union_all else " UNION ") + to_cypher(part)
    return out


def _SingleQuery(q: ast.SingleQuery) -> str:
    return " ".join(to_cypher(c) for c in q.clauses)


def _where(where) -> str:
    return f" WHERE {to_cypher(where)}" if where is not None else ""


def _Match(c: ast.Match) -> str:
    head = "OPTIONAL MATCH " if c.optional else "MATCH "
    return head + ", ".join(map(to_cypher, c.patterns)) + _where(c.where)


def _Create(c: ast.Create) -> str:
    return "CREATE " + ", ".join(map(to_cypher, c.patterns))


def _Merge(c: ast.Merge) -> str:
    out = "MERGE " + to_cypher(c.pattern)
    if c.on_create:
        out += " ON CREATE SET " + ", ".join(map(to_cypher, c.on_create))
    if c.on_match:
        out += " ON MATCH SET " + ", ".join(map(to_cypher, c.on_match))
    return out


def _Unwind(c: ast.Unwind) -> str:
    return f"UNWIND {to_cypher(c.expr)} AS {name(c.alias)}"


def _With(c: ast.With) -> str:
    return "WITH " + to_cypher(c.projection) + _where(c.where)


def _Return(c: ast.Return) -> str:
    return "RETURN " + to_cypher(c.projection)


def _Projection(p: ast.Projection) -> str:
    items = [to_cypher(i) for i in p.items]
    if p.star:
        items.insert(0, "*")
    out = ("DISTINCT " if p.distinct else "") + ", ".join(items)
    if p.order_by:
        out += " ORDER BY " + ", ".join(map(to_cypher, p.order_by))
    if p.skip is not None:
        out += " SKIP " + to_cypher(p.skip)
    if p.limit is not None:
        out += " LIMIT " + to_cypher(p.limit)
    return out


def _ProjectionItem(i: ast.ProjectionItem) -> str:
    return f"{to_cypher(i.expr)} AS {name(i.name)}"


def _SortItem(s: ast.SortItem) -> str:
    return to_cypher(s.expr) + (" DESC" if s.descending else "")


def _Set(c: ast.Set) -> str:
    return "SET " + ", ".join(map(to_cypher, c.items))


def _SetProperty(i: ast.SetProperty) -> str:
    return f"{to_cypher(i.target)} = {to_cypher(i.value)}"


def _SetVariable(i: ast.SetVariable) -> str:
    return f"{name(i.var)} {'+=' if i.merge else '='} {to_cypher(i.value)}"


def _labels(labels) -> str:
    return "".join(":" + name(label) for label in labels)


def _SetLabels(i: ast.SetLabels) -> str:
    return name(i.var) + _labels(i.labels)


def _Remove(c: ast.Remove) -> str:
    return "REMOVE " + ", ".join(map(to_cypher, c.items))


def _RemoveProperty(i: ast.RemoveProperty) -> str:
    return to_cypher(i.target)


def _RemoveLabels(i: ast.RemoveLabels) -> str:
    return name(i.var) + _labels(i.labels)


def _Delete(c: ast.Delete) -> str:
    return ("DETACH DELETE " if c.detach else "DELETE ") + ", ".join(map(to_cypher, c.exprs))


def _Call(c: ast.Call) -> str:
    out = "CALL " + c.procedure
    if c.args is not None:
        out += "(" + ", ".join(map(to_cypher, c.args)) + ")"
    if c.yield_star:
        out += " YIELD *"
    elif c.yields is not None:
        out += " YIELD " + ", ".join(map(to_cypher, c.yields))
    return out + _where(c.where)


def _YieldItem(i: ast.YieldItem) -> str:
    return name(i.name) + (f" AS {name(i.alias)}" if i.alias is not None else "")


def _Foreach(c: ast.Foreach) -> str:
    body = " ".join(map(to_cypher, c.clauses))
    return f"FOREACH ({name(c.var)} IN {to_cypher(c.source)} | {body})"


# --- patterns --------------------------------------------------------------------------
def _PatternPart(p: ast.PatternPart) -> str:
    element = to_cypher(p.element)
    if p.shortest is not None:
        element = f"{p.shortest}({element})"
    return (f"{name(p.variable)} = " if p.variable is not None else "") + element


def _PatternElement(e: ast.PatternElement) -> str:
    out = to_cypher(e.nodes[0])
    for rel, node in zip(e.rels, e.nodes[1:], strict=True):
        out += to_cypher(rel) + to_cypher(node)
    return out


def _properties(props) -> str:
    return " " + to_cypher(props) if props is not None else ""


def _NodePattern(n: ast.NodePattern) -> str:
    var = name(n.variable) if n.variable is not None else ""
    return f"({var}{_labels(n.labels)}{_properties(n.properties)})"


def _RelPattern(r: ast.RelPattern) -> str:
    detail = name(r.variable) if r.variable is not None else ""
    if r.types:
        detail += ":" + "|".join(name(t) for t in r.types)
    if r.var_length:
        low, high = r.min_hops, r.max_hops
        if low is not None and low == high:
            detail += f"*{low}"
        elif low is None and high is None:
            detail += "*"
        else:
            detail += "*" + (str(low) if low is not None else "") + ".."
            detail += str(high) if high is not None else ""
    detail += _properties(r.properties)
    left = "<-" if r.direction == "in" else "-"
    right = "->" if r.direction == "out" else "-"
    return f"{left}[{detail}]{right}"


# --- expressions -----------------------------------------------------------------------
def _Literal(e: ast.Literal) -> str:
    v = e.value
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    return "'" + "".join(_escape(ch) for ch in v) + "'"


def _escape(ch: str) -> str:
    if ch in _STRING_ESCAPES:
        return _STRING_ESCAPES[ch]
    if ord(ch) < 32:
        return f"\\u{ord(ch):04x}"
    return ch


def _Parameter(e: ast.Parameter) -> str:
    return "$" + (e.name if re.fullmatch(r"\w+", e.name) else name(e.name))


def _Variable(e: ast.Variable) -> str:
    return name(e.name)


def _postfix_base(e) -> str:
    return to_cypher(e) if isinstance(e, _ATOMS) else f"({to_cypher(e)})"


def _PropertyLookup(e: ast.PropertyLookup) -> str:
    return f"{_postfix_base(e.expr)}.{name(e.key)}"


def _ListLiteral(e: ast.ListLiteral) -> str:
    return "[" + ", ".join(map(to_cypher, e.items)) + "]"


def _MapLiteral(e: ast.MapLiteral) -> str:
    return "{" + ", ".join(f"{name(k)}: {to_cypher(v)}" for k, v in e.items) + "}"


def _MapProjection(e: ast.MapProjection) -> str:
    return name(e.var) + "{" + ", ".join(map(to_cypher, e.items)) + "}"


def _MapProjectionItem(i: ast.MapProjectionItem) -> str:
    if i.kind == "property":
        return "." + name(i.key)
    if i.kind == "all":
        return ".*"
    if i.kind == "variable":
        return name(i.key)
    return f"{name(i.key)}: {to_cypher(i.expr)}"


def _FunctionCall(e: ast.FunctionCall) -> str:
    args = ", ".join(map(to_cypher, e.args))
    return f"{e.name}({'DISTINCT ' if e.distinct else ''}{args})"


def _CountStar(e: ast.CountStar) -> str:
    return "count(*)"


def _BinaryOp(e: ast.BinaryOp) -> str:
    right = _operand(e.right)
    if isinstance(e.right, _ARROW_LIKE) and not right.startswith("("):
        right = f"({right})"
    return f"{_operand(e.left)} {e.op} {right}"


def _UnaryOp(e: ast.UnaryOp) -> str:
    if e.op == "NOT":
        return "NOT " + _operand(e.expr)
    return e.op + _operand(e.expr)


def _IsNull(e: ast.IsNull) -> str:
    return _operand(e.expr) + (" IS NOT NULL" if e.negated else " IS NULL")


def _LabelCheck(e: ast.LabelCheck) -> str:
    return _postfix_base(e.expr) + _labels(e.labels)


def _Index(e: ast.Index) -> str:
    return f"{_postfix_base(e.expr)}[{to_cypher(e.index)}]"


def _Slice(e: ast.Slice) -> str:
    start = to_cypher(e.start) if e.start is not None else ""
    end = to_cypher(e.end) if e.end is not None else ""
    return f"{_postfix_base(e.expr)}[{start}..{end}]"


def _Case(e: ast.Case) -> str:
    out = "CASE" + (f" {to_cypher(e.subject)}" if e.subject is not None else "")
    for when in e.whens:
        out += f" WHEN {to_cypher(when.condition)} THEN {to_cypher(when.value)}"
    if e.default is not None:
        out += f" ELSE {to_cypher(e.default)}"
    return out + " END"


def _ListComprehension(e: ast.ListComprehension) -> str:
    out = f"[{name(e.var)} IN {_operand(e.source)}" + _where(e.where)
    if e.projection is not None:
        out += f" | {to_cypher(e.projection)}"
    return out + "]"


def _PatternComprehension(e: ast.PatternComprehension) -> str:
    return f"[{to_cypher(e.pattern)}{_where(e.where)} | {to_cypher(e.projection)}]"


def _Quantifier(e: ast.Quantifier) -> str:
    return f"{e.kind}({name(e.var)} IN {to_cypher(e.source)}{_where(e.where)})"


def _Reduce(e: ast.Reduce) -> str:
    return (f"reduce({name(e.acc)} = {to_cypher(e.init)}, {name(e.var)} IN "
            f"{to_cypher(e.source)} | {to_cypher(e.expr)})")  # fmt: skip


def _ExistsSubquery(e: ast.ExistsSubquery) -> str:
    if e.query is not None:
        return "EXISTS { " + to_cypher(e.query) + " }"
    return "EXISTS { " + ", ".join(map(to_cypher, e.patterns)) + _where(e.where) + " }"


def _PatternPredicate(e: ast.PatternPredicate) -> str:
    return to_cypher(e.pattern)
