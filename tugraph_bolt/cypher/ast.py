"""The Cypher abstract syntax tree: declared, immutable nodes.

Every node is a frozen, slotted dataclass. Sequences are tuples (so trees hash and compare
structurally, e.g. to match a RETURN expression against a grouping key). Each node carries
`line` and `column` (1-based, of its first token; 0 when synthesised); they are keyword-only
and excluded from equality, so `Variable("n", line=1) == Variable("n", line=9)`.

The parser (`parser.py`) builds these; the semantic checker (`semantic.py`) and the
planner/executor consume them. Passes dispatch on `type(node).__name__` (sqlglot style);
`children(node)` and `walk(node)` iterate a tree generically.

>>> from tugraph_bolt.cypher.parser import parse
>>> q = parse("MATCH (n:Person) RETURN n.name AS name")
>>> ret = q.parts[0].clauses[-1]
>>> ret.projection.items[0]
ProjectionItem(expr=PropertyLookup(expr=Variable(name='n'), key='name'), alias='name', text='n.name')

Conventions the executor can rely on:
- `Query.parts` has one `SingleQuery` per UNION branch; `union_all[i]` says whether the
  UNION between parts[i] and parts[i+1] is UNION ALL.
- Comparison chains are desugared: `a < b <= c` is `BinaryOp('AND', a<b, b<=c)`.
- A negative integer literal is folded: `-5` is `Literal(-5)` (needed for -2**63).
- Operators are upper-case strings: '+', '-', '*', '/', '%', '^', '=', '<>', '<', '>',
  '<=', '>=', 'AND', 'OR', 'XOR', 'STARTS WITH', 'ENDS WITH', 'CONTAINS', 'IN', '=~';
  unary: 'NOT', '-', '+'.
- `FunctionCall.name` is as written (dotted for namespaces, e.g. 'date.truncate'); compare
  case-insensitively. `count(*)` is `CountStar()`.
- Names of variables, labels, types and keys are as written (backquotes removed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Node:
    """Base of every AST node: the source position of its first token."""

    line: int = field(default=0, kw_only=True, compare=False, repr=False)
    column: int = field(default=0, kw_only=True, compare=False, repr=False)


class Expr(Node):
    """Marker base for expressions (dataclass subclasses add fields)."""

    __slots__ = ()


class Clause(Node):
    """Marker base for clauses."""

    __slots__ = ()


# --- query structure ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SingleQuery(Node):
    clauses: tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class Query(Node):
    parts: tuple[SingleQuery, ...]
    union_all: tuple[bool, ...] = ()  # len(parts) - 1 entries


# --- patterns -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NodePattern(Node):
    variable: str | None
    labels: tuple[str, ...] = ()  # conjunction: (n:A:B) has both
    properties: Expr | None = None  # MapLiteral or Parameter


@dataclass(frozen=True, slots=True)
class RelPattern(Node):
    variable: str | None
    types: tuple[str, ...] = ()  # alternatives: [:A|B] is A or B; () = any type
    properties: Expr | None = None  # MapLiteral or Parameter
    direction: str = "both"  # 'out' (-->), 'in' (<--), 'both' (-- or <-->)
    var_length: bool = False  # a '*' was written
    min_hops: int | None = None  # only meaningful when var_length; None = default (1)
    max_hops: int | None = None  # None = unbounded


@dataclass(frozen=True, slots=True)
class PatternElement(Node):
    """A chain: nodes[0] rels[0] nodes[1] ... ; len(nodes) == len(rels) + 1."""

    nodes: tuple[NodePattern, ...]
    rels: tuple[RelPattern, ...] = ()


@dataclass(frozen=True, slots=True)
class PatternPart(Node):
    variable: str | None  # path variable: p = (a)-->(b)
    element: PatternElement
    shortest: str | None = None  # 'shortestPath' | 'allShortestPaths' | None


# --- expressions ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Literal(Expr):
    """null, boolean, integer, float or string. Equality includes the Python type, so
    Literal(1) != Literal(True) != Literal(1.0)."""

    value: Any

    def __eq__(self, other: object) -> bool:
        if type(other) is not Literal:
            return NotImplemented
        return type(self.value) is type(other.value) and (
            self.value == other.value or self.value != self.value and other.value != other.value
        )

    def __hash__(self) -> int:
        return hash((type(self.value), self.value))


@dataclass(frozen=True, slots=True)
class Parameter(Expr):
    name: str  # without the '$'


@dataclass(frozen=True, slots=True)
class Variable(Expr):
    name: str


@dataclass(frozen=True, slots=True)
class PropertyLookup(Expr):
    expr: Expr
    key: str


@dataclass(frozen=True, slots=True)
class ListLiteral(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class MapLiteral(Expr):
    items: tuple[tuple[str, Expr], ...]  # in written order; duplicate keys: last wins


@dataclass(frozen=True, slots=True)
class MapProjectionItem(Node):
    """One entry of `var{...}`:
    kind 'property' (.key), 'all' (.*), 'variable' (x), 'literal' (key: expr)."""

    kind: str
    key: str | None = None  # property key / variable name / literal key; None for 'all'
    expr: Expr | None = None  # only for 'literal'


@dataclass(frozen=True, slots=True)
class MapProjection(Expr):
    var: str
    items: tuple[MapProjectionItem, ...]


@dataclass(frozen=True, slots=True)
class FunctionCall(Expr):
    name: str  # as written; dotted for namespaced functions
    args: tuple[Expr, ...]
    distinct: bool = False


@dataclass(frozen=True, slots=True)
class CountStar(Expr):
    pass


@dataclass(frozen=True, slots=True)
class BinaryOp(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class UnaryOp(Expr):
    op: str  # 'NOT', '-', '+'
    expr: Expr


@dataclass(frozen=True, slots=True)
class IsNull(Expr):
    expr: Expr
    negated: bool = False  # IS NOT NULL


@dataclass(frozen=True, slots=True)
class LabelCheck(Expr):
    expr: Expr
    labels: tuple[str, ...]  # n:A:B means has A and B


@dataclass(frozen=True, slots=True)
class Index(Expr):
    expr: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class Slice(Expr):
    expr: Expr
    start: Expr | None
    end: Expr | None


@dataclass(frozen=True, slots=True)
class CaseWhen(Node):
    condition: Expr  # a predicate (generic CASE) or a value compared to the subject
    value: Expr


@dataclass(frozen=True, slots=True)
class Case(Expr):
    subject: Expr | None  # CASE x WHEN ... (simple form) vs CASE WHEN ... (generic)
    whens: tuple[CaseWhen, ...]
    default: Expr | None = None


@dataclass(frozen=True, slots=True)
class ListComprehension(Expr):
    var: str
    source: Expr
    where: Expr | None = None
    projection: Expr | None = None  # None: the element itself


@dataclass(frozen=True, slots=True)
class PatternComprehension(Expr):
    variable: str | None  # path variable: [p = (a)-->(b) | p]
    pattern: PatternPart
    where: Expr | None
    projection: Expr


@dataclass(frozen=True, slots=True)
class Quantifier(Expr):
    kind: str  # 'all' | 'any' | 'none' | 'single'
    var: str
    source: Expr
    where: Expr | None


@dataclass(frozen=True, slots=True)
class Reduce(Expr):
    acc: str
    init: Expr
    var: str
    source: Expr
    expr: Expr


@dataclass(frozen=True, slots=True)
class ExistsSubquery(Expr):
    """EXISTS { pattern [WHERE ...] } (patterns set) or EXISTS { full query } (query set)."""

    patterns: tuple[PatternPart, ...] | None
    query: Query | None
    where: Expr | None = None


@dataclass(frozen=True, slots=True)
class PatternPredicate(Expr):
    """A relationship pattern used as a boolean: WHERE (a)-->(b)."""

    pattern: PatternPart


# --- projections ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProjectionItem(Node):
    expr: Expr
    alias: str | None  # None when no AS was written
    text: str  # verbatim source of expr: the column name when alias is None

    @property
    def name(self) -> str:
        return self.alias if self.alias is not None else self.text


@dataclass(frozen=True, slots=True)
class SortItem(Node):
    expr: Expr
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Projection(Node):
    items: tuple[ProjectionItem, ...]
    distinct: bool = False
    star: bool = False  # RETURN * / WITH *: items holds only the explicit extra items
    order_by: tuple[SortItem, ...] = ()
    skip: Expr | None = None
    limit: Expr | None = None


# --- SET / REMOVE items ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetProperty(Node):
    target: PropertyLookup  # n.k = v  (target.expr is usually a Variable)
    value: Expr


@dataclass(frozen=True, slots=True)
class SetVariable(Node):
    var: str
    value: Expr
    merge: bool = False  # n += {..} (True) vs n = {..} (False)


@dataclass(frozen=True, slots=True)
class SetLabels(Node):
    var: str
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RemoveProperty(Node):
    target: PropertyLookup


@dataclass(frozen=True, slots=True)
class RemoveLabels(Node):
    var: str
    labels: tuple[str, ...]


SetItem = SetProperty | SetVariable | SetLabels
RemoveItem = RemoveProperty | RemoveLabels


# --- clauses --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match(Clause):
    patterns: tuple[PatternPart, ...]
    where: Expr | None = None
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Create(Clause):
    patterns: tuple[PatternPart, ...]


@dataclass(frozen=True, slots=True)
class Merge(Clause):
    pattern: PatternPart
    on_create: tuple[SetItem, ...] = ()
    on_match: tuple[SetItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Unwind(Clause):
    expr: Expr
    alias: str


@dataclass(frozen=True, slots=True)
class With(Clause):
    projection: Projection
    where: Expr | None = None


@dataclass(frozen=True, slots=True)
class Return(Clause):
    projection: Projection


@dataclass(frozen=True, slots=True)
class Set(Clause):
    items: tuple[SetItem, ...]


@dataclass(frozen=True, slots=True)
class Remove(Clause):
    items: tuple[RemoveItem, ...]


@dataclass(frozen=True, slots=True)
class Delete(Clause):
    exprs: tuple[Expr, ...]
    detach: bool = False


@dataclass(frozen=True, slots=True)
class YieldItem(Node):
    name: str  # the procedure's output column
    alias: str | None = None  # YIELD a AS b

    @property
    def output(self) -> str:
        return self.alias if self.alias is not None else self.name


@dataclass(frozen=True, slots=True)
class Call(Clause):
    """CALL ns.proc(args) [YIELD ...] [WHERE ...].

    args None: no parentheses were written (implicit arguments, taken from parameters by
    name). yields None: no YIELD (standalone CALL returns all output columns).
    """

    procedure: str  # dotted name as written
    args: tuple[Expr, ...] | None
    yields: tuple[YieldItem, ...] | None = None
    yield_star: bool = False
    where: Expr | None = None


@dataclass(frozen=True, slots=True)
class Foreach(Clause):
    var: str
    source: Expr
    clauses: tuple[Clause, ...]  # only updating clauses


# --- generic traversal ----------------------------------------------------------------


def _nodes_in(value: Any) -> Iterator[Node]:
    if isinstance(value, Node):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _nodes_in(item)


def children(node: Node) -> Iterator[Node]:
    """Direct child nodes in field order (tuples, also of pairs, are flattened)."""
    for f in fields(node):
        if f.name in ("line", "column"):
            continue
        yield from _nodes_in(getattr(node, f.name))


def walk(node: Node) -> Iterator[Node]:
    """Pre-order traversal of the whole tree under node (node included)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))
