"""Lark parse tree -> `ast` expressions: the expression half of the transformer.

Resolves the grammar's cover rules: '[...]' becomes a list literal, list comprehension or
pattern comprehension; a call on `a.b.c` becomes the function name 'a.b.c'; integer
literals are validated and range-checked after a unary minus is folded in, so that
-9223372036854775808 is legal while 9223372036854775808 is IntegerOverflow.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lark import Token, Transformer, Tree

from tugraph_bolt.cypher import ast

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1


class ParseProblem(Exception):
    """A syntax error found while building the AST; `parser` turns it into
    CypherSyntaxError."""

    def __init__(self, message: str, detail: str, line: int, column: int):
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.line = line
        self.column = column


@dataclass(slots=True)
class _Where:
    expr: ast.Expr


@dataclass(slots=True)
class _Labels:
    names: tuple


@dataclass(slots=True)
class _Args:
    args: tuple
    distinct: bool
    star: bool


@dataclass(slots=True)
class _Infix:
    op: str


@dataclass(slots=True)
class _NullCheck:
    negated: bool


_COMPARISONS = frozenset({"=", "<>", "<", ">", "<=", ">="})
_PRECEDENCE = {
    "OR": 1, "XOR": 2, "AND": 3,
    **dict.fromkeys(_COMPARISONS, 5),
    **dict.fromkeys(("STARTS WITH", "ENDS WITH", "CONTAINS", "IN", "=~"), 6),
    "+": 7, "-": 7, "*": 8, "/": 8, "%": 8, "^": 9,
}  # fmt: skip
_NOT_OPERAND = 4  # NOT a = b is NOT (a = b); NOT a AND b is (NOT a) AND b
_NULL_CHECK = 6
_UNARY_OPERAND = 10  # -a ^ 2 is (-a) ^ 2, as in openCypher's grammar


class _Climber:
    """Orders a flat operator sequence by precedence; all binary operators are left
    associative; comparisons chain (a < b <= c is a < b AND b <= c)."""

    def __init__(self, owner, items: list):
        self.owner = owner
        self.items = items
        self.pos = 0

    def parse(self):
        result = self.climb(0)
        assert self.pos == len(self.items), self.items
        return result

    def climb(self, min_prec: int):
        items = self.items
        item = items[self.pos]
        self.pos += 1
        if isinstance(item, Token):  # prefix operator
            if item.type == "NOT":
                operand = self.climb(_NOT_OPERAND)
                left = ast.UnaryOp("NOT", operand, line=item.line, column=item.column)
            elif item.type == "MINUS":
                left = self.owner._negate(item, self.climb(_UNARY_OPERAND))
            else:
                left = ast.UnaryOp(
                    "+", self.climb(_UNARY_OPERAND), line=item.line, column=item.column
                )
        else:
            left = item
        while self.pos < len(items):
            item = items[self.pos]
            if isinstance(item, _NullCheck):
                if _NULL_CHECK < min_prec:
                    break
                self.pos += 1
                left = ast.IsNull(left, item.negated, line=left.line, column=left.column)
                continue
            prec = _PRECEDENCE[item.op]
            if prec < min_prec:
                break
            self.pos += 1
            right = self.climb(prec + 1)
            if item.op in _COMPARISONS:
                left = self.chain(left, item.op, right)
            else:
                left = ast.BinaryOp(item.op, left, right, line=left.line, column=left.column)
        return left

    def chain(self, left, op: str, right):
        pos = {"line": left.line, "column": left.column}
        result = ast.BinaryOp(op, left, right, **pos)
        while self.pos < len(self.items):
            item = self.items[self.pos]
            if not isinstance(item, _Infix) or item.op not in _COMPARISONS:
                break
            self.pos += 1
            nxt = self.climb(_PRECEDENCE[item.op] + 1)
            result = ast.BinaryOp("AND", result, ast.BinaryOp(item.op, right, nxt, **pos), **pos)
            right = nxt
        return result


class _Meta:
    """Source span of a rule: 1-based line/column of its first token, offsets of its
    first and last token (end exclusive)."""

    __slots__ = ("line", "column", "start_pos", "end_pos", "empty")

    def __init__(self, line, column, start_pos, end_pos, empty=False):
        self.line = line
        self.column = column
        self.start_pos = start_pos
        self.end_pos = end_pos
        self.empty = empty


_EMPTY = _Meta(None, None, None, None, empty=True)


def _pos(meta) -> dict:
    if getattr(meta, "empty", True):
        return {}
    return {"line": meta.line, "column": meta.column}


def _tokens(children) -> set[str]:
    return {c.type for c in children if isinstance(c, Token)}


def _values(children) -> list:
    return [c for c in children if not isinstance(c, Token)]


def _unescape_name(text: str) -> str:
    if text.startswith("`"):
        return text[1:-1].replace("``", "`")
    return text


_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "'": "'", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_NUMBER_FORMS = (
    (re.compile(r"0x[0-9a-fA-F]+"), 16, 2),
    (re.compile(r"0o[0-7]+"), 8, 2),
    (re.compile(r"0[0-7]+"), 8, 1),  # legacy octal, as the TCK still accepts
    (re.compile(r"\d+"), 10, 0),
)


def _unescape_string(body: str) -> str:
    def replace(m: re.Match) -> str:
        code = m.group(1)
        if len(code) > 1:  # \uXXXX or \UXXXXXXXX
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code.lower() if code in "TBNRF" else code, "\\" + code)

    return _ESCAPE_RE.sub(replace, body) if "\\" in body else body


_SPINE_OPS = _COMPARISONS | {"AND", "OR", "XOR"}


def _split_in(expr):
    """`x IN source` at the head of a comprehension -> (x, source), else None.

    Precedence parses `[x IN a OR b | ..]` as `(x IN a) OR b`; the comprehension means
    `x IN (a OR b)`, so an IN found down the left spine of boolean/comparison operators
    is lifted out."""
    if isinstance(expr, ast.BinaryOp):
        if expr.op == "IN" and isinstance(expr.left, ast.Variable):
            return expr.left.name, expr.right
        if expr.op in _SPINE_OPS:
            inner = _split_in(expr.left)
            if inner is not None:
                name, source = inner
                rebuilt = ast.BinaryOp(
                    expr.op, source, expr.right, line=expr.line, column=expr.column
                )
                return name, rebuilt
    return None


class ExpressionTransformer(Transformer):
    """Every rule method takes (meta, children). Dispatch is done here rather than with
    lark's v_args(meta=True), which builds a wrapper object on every call."""

    def __init__(self, text: str):
        super().__init__(visit_tokens=False)
        self.text = text
        self._pending_overflow: list[ast.Literal] = []
        self._metas: dict[int, _Meta] = {}

    def _transform_tree(self, tree):
        """Transform bottom-up, taking each rule's source span from its first and last
        token (lark's propagate_positions would do it per reduction, doubling parse time;
        brackets that bound expressions are kept in the tree for this)."""
        raw = tree.children
        children = [self._transform_tree(c) if isinstance(c, Tree) else c for c in raw]
        meta = self._meta(raw)
        self._metas[id(tree)] = meta  # the trees stay alive until the transform ends
        method = getattr(self, tree.data, None)
        if method is None:
            return self.__default__(tree.data, children, meta)
        return method(meta, children)

    def _meta(self, raw) -> _Meta:
        first = last = None
        for c in raw:
            first = c if isinstance(c, Token) else self._metas[id(c)]
            if not getattr(first, "empty", False):
                break
            first = None
        if first is None:
            return _EMPTY
        for c in reversed(raw):
            last = c if isinstance(c, Token) else self._metas[id(c)]
            if not getattr(last, "empty", False):
                break
        return _Meta(first.line, first.column, first.start_pos, last.end_pos)

    def _problem(self, meta, message: str, detail: str = "UnexpectedSyntax") -> ParseProblem:
        pos = _pos(meta)
        return ParseProblem(message, detail, pos.get("line", 1), pos.get("column", 1))

    def where(self, meta, ch):
        return _Where(ch[1])

    @staticmethod
    def _where_of(ch):
        for c in ch:
            if isinstance(c, _Where):
                return c.expr
        return None

    # --- operators: precedence climbing over the flat sequence --------------------------
    def infix_op(self, meta, ch):
        return _Infix(" ".join(str(t).upper() for t in ch))

    def null_check(self, meta, ch):
        return _NullCheck(len(ch) == 3)

    def expression(self, meta, ch):
        return _Climber(self, ch).parse()

    def _negate(self, token, operand):
        """Unary minus; folds into number literals so that -9223372036854775808 is legal."""
        if isinstance(operand, ast.Literal) and type(operand.value) in (int, float):
            self._pending_overflow = [p for p in self._pending_overflow if p is not operand]
            return ast.Literal(-operand.value, line=token.line, column=token.column)
        return ast.UnaryOp("-", operand, line=token.line, column=token.column)

    # --- postfix -----------------------------------------------------------------------
    def property(self, meta, ch):
        return ast.PropertyLookup(ch[0], ch[1], **_pos(meta))

    def paren(self, meta, ch):
        return ch[1]

    def index(self, meta, ch):
        return ast.Index(ch[0], ch[2], **_pos(meta))

    def slice(self, meta, ch):
        start = end = None
        seen_dots = False
        for c in ch[1:]:
            if isinstance(c, Token):
                seen_dots = seen_dots or c.type == "DOTDOT"
            elif seen_dots:
                end = c
            else:
                start = c
        return ast.Slice(ch[0], start, end, **_pos(meta))

    def label_check(self, meta, ch):
        return ast.LabelCheck(ch[0], ch[1].names, **_pos(meta))

    def function_call(self, meta, ch):
        callee, args = ch[0], ch[2]
        parts: list[str] = []
        node = callee
        while isinstance(node, ast.PropertyLookup):
            parts.append(node.key)
            node = node.expr
        if not isinstance(node, ast.Variable):
            raise self._problem(meta, "Invalid input '(': only a function name can be called")
        parts.append(node.name)
        name = ".".join(reversed(parts))
        if args.star:
            if name.lower() != "count":
                raise self._problem(meta, f"Invalid input '*': {name}(*) is not a function")
            return ast.CountStar(**_pos(meta))
        return ast.FunctionCall(name, args.args, args.distinct, **_pos(meta))

    def function_args(self, meta, ch):
        return _Args(tuple(_values(ch)), "DISTINCT" in _tokens(ch), False)

    def star_args(self, meta, ch):
        return _Args((), False, True)

    # --- lists, maps -------------------------------------------------------------------
    def list_empty(self, meta, ch):
        return ast.ListLiteral((), **_pos(meta))

    def list_many(self, meta, ch):
        return ast.ListLiteral(tuple(_values(ch)), **_pos(meta))

    def list_one(self, meta, ch):
        item = ch[1]
        head = _split_in(item)
        if head is not None:
            return ast.ListComprehension(head[0], head[1], None, None, **_pos(meta))
        return ast.ListLiteral((item,), **_pos(meta))

    def list_filter(self, meta, ch):
        head = _split_in(ch[1])
        if head is None:
            raise self._problem(meta, "Invalid input 'WHERE': expected ',' or ']' in a list")
        return ast.ListComprehension(head[0], head[1], ch[3], None, **_pos(meta))

    def list_project(self, meta, ch):
        values = _values(ch)
        where = values[1] if len(values) == 3 else None
        projection = values[-1]
        first = values[0]
        head = _split_in(first)
        if head is not None:
            return ast.ListComprehension(head[0], head[1], where, projection, **_pos(meta))
        if isinstance(first, ast.PatternPredicate):
            return ast.PatternComprehension(None, first.pattern, where, projection, **_pos(meta))
        if (
            isinstance(first, ast.BinaryOp)
            and first.op == "="
            and isinstance(first.left, ast.Variable)
            and isinstance(first.right, ast.PatternPredicate)
        ):
            name = first.left.name
            part = first.right.pattern
            named = ast.PatternPart(name, part.element, None, line=part.line, column=part.column)
            return ast.PatternComprehension(name, named, where, projection, **_pos(meta))
        raise self._problem(meta, "Invalid input '|': expected ',' or ']' in a list")

    def map_literal(self, meta, ch):
        values = _values(ch)
        items = tuple((values[i], values[i + 1]) for i in range(0, len(values), 2))
        return ast.MapLiteral(items, **_pos(meta))

    def map_projection(self, meta, ch):
        return ast.MapProjection(ch[0].name, tuple(_values(ch[1:])), **_pos(meta))

    def mp_property(self, meta, ch):
        return ast.MapProjectionItem("property", ch[0], None, **_pos(meta))

    def mp_all(self, meta, ch):
        return ast.MapProjectionItem("all", None, None, **_pos(meta))

    def mp_variable(self, meta, ch):
        return ast.MapProjectionItem("variable", ch[0].name, None, **_pos(meta))

    def mp_literal(self, meta, ch):
        return ast.MapProjectionItem("literal", ch[0], ch[1], **_pos(meta))

    # --- CASE, quantifiers, reduce, EXISTS ------------------------------------------------
    def case_expr(self, meta, ch):
        subject = default = None
        whens = []
        after_else = False
        for c in ch:
            if isinstance(c, Token):
                after_else = after_else or c.type == "ELSE"
            elif isinstance(c, ast.CaseWhen):
                whens.append(c)
            elif after_else:
                default = c
            else:
                subject = c
        return ast.Case(subject, tuple(whens), default, **_pos(meta))

    def case_when(self, meta, ch):
        return ast.CaseWhen(ch[1], ch[3], **_pos(meta))

    def quantifier(self, meta, ch):
        kind = ch[0].type.lower()
        values = _values(ch)  # variable, source [, predicate]
        where = values[2] if len(values) > 2 else None
        return ast.Quantifier(kind, values[0].name, values[1], where, **_pos(meta))

    def reduce_expr(self, meta, ch):
        acc, init, var, source, expr = _values(ch)
        return ast.Reduce(acc.name, init, var.name, source, expr, **_pos(meta))

    def exists_pattern(self, meta, ch):
        return ast.ExistsSubquery(ch[2], None, self._where_of(ch), **_pos(meta))

    def exists_query(self, meta, ch):
        return ast.ExistsSubquery(None, ch[2], None, **_pos(meta))

    def exists_function(self, meta, ch):
        return ast.FunctionCall(str(ch[0]), (ch[2],), False, **_pos(meta))

    # --- literals and names ------------------------------------------------------------
    def _integer_value(self, meta, token) -> int:
        text = str(token)
        for pattern, base, skip in _NUMBER_FORMS:
            if pattern.fullmatch(text):
                return int(text[skip:], base)
        raise self._problem(meta, f"Invalid number literal '{text}'", "InvalidNumberLiteral")

    def number(self, meta, ch):
        value = self._integer_value(meta, ch[0])
        if value > INT_MAX + 1:
            raise self._problem(meta, f"integer literal {ch[0]} is too large", "IntegerOverflow")
        literal = ast.Literal(value, **_pos(meta))
        if value == INT_MAX + 1:  # legal only under a unary minus (checked at the end)
            self._pending_overflow.append(literal)
        return literal

    def float(self, meta, ch):
        value = float(str(ch[0]))
        if math.isinf(value):
            raise self._problem(
                meta, f"float literal {ch[0]} is too large", "FloatingPointOverflow"
            )
        return ast.Literal(value, **_pos(meta))

    def string(self, meta, ch):
        return ast.Literal(_unescape_string(str(ch[0])[1:-1]), **_pos(meta))

    def true(self, meta, ch):
        return ast.Literal(True, **_pos(meta))

    def false(self, meta, ch):
        return ast.Literal(False, **_pos(meta))

    def null(self, meta, ch):
        return ast.Literal(None, **_pos(meta))

    def parameter(self, meta, ch):
        return ast.Parameter(_unescape_name(str(ch[0])[1:]), **_pos(meta))

    def variable(self, meta, ch):
        return ast.Variable(_unescape_name(str(ch[0])), **_pos(meta))

    def symbolic_name(self, meta, ch):
        return _unescape_name(str(ch[0]))

    def schema_name(self, meta, ch):
        return str(ch[0])
