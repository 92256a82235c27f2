"""The Cypher scalar function table.

`FUNCTIONS` maps a lower-case (possibly dotted) name to a `Function`; the executor calls
`fn(ctx, args)` with evaluated arguments (entity views already reflect the transaction).
`ctx` offers `.tx` (graph reads), `.params`, `.now` and `.random`; non-deterministic
functions read only those, so a statement's results never depend on apply time.

>>> FUNCTIONS["toupper"].fn(None, ["abc"])
'ABC'
>>> FUNCTIONS["range"].fn(None, [1, 7, 3])
[1, 4, 7]

Temporal constructors (date, datetime.truncate, duration.between, ...) come from
`temporal.py`'s table and are merged in at import time when that module exists.
"""

from __future__ import annotations

import time
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from tugraph_bolt import values as V
from tugraph_bolt.cypher import ops
from tugraph_bolt.errors import CypherArgumentError, CypherSyntaxError, CypherTypeError


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    min_args: int
    max_args: int | None  # None: variadic
    fn: Callable
    deterministic: bool = True

    def accepts(self, count: int) -> bool:
        return self.min_args <= count and (self.max_args is None or count <= self.max_args)


FUNCTIONS: dict[str, Function] = {}

# A list is materialised in memory; one range() must not be able to exhaust the server.
RANGE_LIMIT = 10_000_000


def check_arity(name: str, count: int) -> None:
    """Raise Neo4j's compile-time error when `name` cannot take `count` arguments.

    The semantic checker should call this per function call; the registered wrappers call
    it too, so a call that slips through fails cleanly instead of with a Python TypeError.
    Names not in the table are left alone (UnknownFunction is the checker's).
    """
    f = FUNCTIONS.get(name.lower())
    if f is None or f.accepts(count):
        return
    problem = "Insufficient" if count < f.min_args else "Too many"
    raise CypherSyntaxError(f"{problem} parameters for function '{f.name}'",
                            detail="InvalidNumberOfArguments")


def function(name: str, min_args: int, max_args: int | None = -1, deterministic: bool = True,
             nulls: bool = True):
    """Register `f(*args)` (or `f(ctx, *args)` when it wants ctx) under `name`.

    With nulls=True a null first argument short-circuits to null, as most Cypher
    functions do.
    """
    top = min_args if max_args == -1 else max_args

    def register(f):
        def call(ctx, args):
            if not (min_args <= len(args) and (top is None or len(args) <= top)):
                check_arity(name, len(args))
            if nulls and args and args[0] is None:
                return None
            return f(*args)

        FUNCTIONS[name.lower()] = Function(name, min_args, top, call, deterministic)
        return f

    return register


def contextual(name: str, min_args: int, max_args: int | None = -1,
               deterministic: bool = True):
    """Register `f(ctx, *args)` for functions that need the graph, the clock or randomness."""
    top = min_args if max_args == -1 else max_args

    def register(f):
        def call(ctx, args):
            if not (min_args <= len(args) and (top is None or len(args) <= top)):
                check_arity(name, len(args))
            return f(ctx, *args)

        FUNCTIONS[name.lower()] = Function(name, min_args, top, call, deterministic)
        return f

    return register


def invalid_argument(fname: str, value, expected: str) -> CypherTypeError:
    return CypherTypeError(
        f"{fname}() expects {expected}, got {ops.type_name(value)}: {value!r}",
        detail="InvalidArgumentValue",
    )


def string_arg(fname: str, v) -> str:
    if not isinstance(v, str):
        raise invalid_argument(fname, v, "a String")
    return v


def integer_arg(fname: str, v) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise invalid_argument(fname, v, "an Integer")
    return v


def number_arg(fname: str, v):
    if not ops.is_number(v):
        raise invalid_argument(fname, v, "a number")
    return v


# --- strings -------------------------------------------------------------------------


@function("toUpper", 1)
def _to_upper(s):
    return string_arg("toUpper", s).upper()


@function("toLower", 1)
def _to_lower(s):
    return string_arg("toLower", s).lower()


@function("trim", 1)
def _trim(s):
    return string_arg("trim", s).strip(" \t\n\r\f\v")


_WHITESPACE = " \t\n\r\f\v"


def _trim_chars(fname: str, chars) -> str:
    return _WHITESPACE if chars is None else string_arg(fname, chars)


@function("lTrim", 1, 2)
def _ltrim(s, chars=None):
    return string_arg("lTrim", s).lstrip(_trim_chars("lTrim", chars))


@function("rTrim", 1, 2)
def _rtrim(s, chars=None):
    return string_arg("rTrim", s).rstrip(_trim_chars("rTrim", chars))


@function("btrim", 1, 2)
def _btrim(s, chars=None):
    return string_arg("btrim", s).strip(_trim_chars("btrim", chars))


@function("normalize", 1, 2)
def _normalize(s, form="NFC"):
    form = str(form).upper()
    if form not in ("NFC", "NFD", "NFKC", "NFKD"):
        raise CypherArgumentError(f"normalize(): unknown normal form {form!r}",
                                  detail="InvalidArgumentValue")
    return unicodedata.normalize(form, string_arg("normalize", s))


@function("replace", 3, nulls=False)
def _replace(s, search, replacement):
    if s is None or search is None or replacement is None:
        return None
    return string_arg("replace", s).replace(string_arg("replace", search),
                                         string_arg("replace", replacement))


@function("substring", 2, 3)
def _substring(s, start, length=None):
    string_arg("substring", s)
    if start is None:
        return None
    start = integer_arg("substring", start)
    if start < 0:
        raise CypherArgumentError("substring() start must not be negative",
                                  detail="NegativeIntegerArgument")
    if length is None:
        return s[start:]
    if integer_arg("substring", length) < 0:
        raise CypherArgumentError("substring() length must not be negative",
                                  detail="NegativeIntegerArgument")
    return s[start:start + length]


@function("left", 2)
def _left(s, n):
    string_arg("left", s)
    if n is None:
        raise CypherArgumentError("left() length must not be null", detail="InvalidArgumentValue")
    if integer_arg("left", n) < 0:
        raise CypherArgumentError("left() length must not be negative",
                                  detail="NegativeIntegerArgument")
    return s[:n]


@function("right", 2)
def _right(s, n):
    string_arg("right", s)
    if n is None:
        raise CypherArgumentError("right() length must not be null", detail="InvalidArgumentValue")
    if integer_arg("right", n) < 0:
        raise CypherArgumentError("right() length must not be negative",
                                  detail="NegativeIntegerArgument")
    return s[len(s) - n:] if n else ""


@function("split", 2, nulls=False)
def _split(s, sep):
    if s is None or sep is None:
        return None
    string_arg("split", s)
    if isinstance(sep, list):
        seps = [string_arg("split", x) for x in sep]
    else:
        seps = [string_arg("split", sep)]
    if not any(seps):  # an empty separator splits into characters, like Java
        return list(s)
    parts = [s]
    for x in seps:
        if x:
            parts = [piece for part in parts for piece in part.split(x)]
    return parts


@function("reverse", 1)
def _reverse(v):
    if isinstance(v, str):
        return v[::-1]
    if isinstance(v, list):
        return v[::-1]
    raise invalid_argument("reverse", v, "a String or a List")


# --- sizes and lists -----------------------------------------------------------------


@function("size", 1)
def _size(v):
    if isinstance(v, (str, list)):
        return len(v)
    raise invalid_argument("size", v, "a String or a List")


@function("length", 1)
def _length(v):
    if isinstance(v, V.Path):
        return len(v.relationships)
    if isinstance(v, (str, list)):
        return len(v)
    raise invalid_argument("length", v, "a Path")


@function("char_length", 1)
def _char_length(s):
    return len(string_arg("char_length", s))


@function("head", 1)
def _head(v):
    if not isinstance(v, list):
        raise invalid_argument("head", v, "a List")
    return v[0] if v else None


@function("last", 1)
def _last(v):
    if not isinstance(v, list):
        raise invalid_argument("last", v, "a List")
    return v[-1] if v else None


@function("tail", 1)
def _tail(v):
    if not isinstance(v, list):
        raise invalid_argument("tail", v, "a List")
    return v[1:]


@function("isEmpty", 1)
def _is_empty(v):
    if isinstance(v, (str, list, dict)):
        return len(v) == 0
    raise invalid_argument("isEmpty", v, "a String, a List or a Map")


@function("nullIf", 2, nulls=False)
def _null_if(a, b):
    return None if ops.equals(a, b) is True else a


@function("coalesce", 1, None, nulls=False)
def _coalesce(*args):
    return next((a for a in args if a is not None), None)


@function("range", 2, 3, nulls=False)
def _range(start, end, step=1):
    for v in (start, end, step):
        if isinstance(v, bool) or not isinstance(v, int):
            raise CypherArgumentError(f"range() expects Integer arguments, got {v!r}",
                                      detail="InvalidArgumentType")
    if step == 0:
        raise CypherArgumentError("range() step must not be zero", detail="NumberOutOfRange")
    stop = end + 1 if step > 0 else end - 1
    values = range(start, stop, step)
    if len(values) > RANGE_LIMIT:
        raise CypherArgumentError(
            f"range() would build {len(values)} elements, more than the {RANGE_LIMIT} this "
            "server allows in one list", detail="NumberOutOfRange")
    return list(values)


# --- graph ---------------------------------------------------------------------------


def _node(fname: str, v) -> V.Node:
    if not isinstance(v, V.Node):
        raise invalid_argument(fname, v, "a Node")
    return v


@function("id", 1)
def _id(v):
    if isinstance(v, (V.Node, V.Relationship)):
        return v.id
    raise invalid_argument("id", v, "a Node or a Relationship")


@function("elementId", 1)
def _element_id(v):
    if isinstance(v, (V.Node, V.Relationship)):
        return v.element_id
    raise invalid_argument("elementId", v, "a Node or a Relationship")


@function("labels", 1)
def _labels(v):
    return list(_node("labels", v).labels)


@function("type", 1)
def _type(v):
    if not isinstance(v, V.Relationship):
        raise invalid_argument("type", v, "a Relationship")
    return v.type


@function("keys", 1)
def _keys(v):
    if isinstance(v, dict):
        return list(v)
    if isinstance(v, (V.Node, V.Relationship)):
        return [k for k, x in v.properties.items() if x is not None]
    raise invalid_argument("keys", v, "a Map, a Node or a Relationship")


@function("properties", 1)
def _properties(v):
    if isinstance(v, dict):
        return dict(v)
    if isinstance(v, (V.Node, V.Relationship)):
        return {k: x for k, x in v.properties.items() if x is not None}
    raise invalid_argument("properties", v, "a Map, a Node or a Relationship")


@function("nodes", 1)
def _nodes(v):
    if not isinstance(v, V.Path):
        raise invalid_argument("nodes", v, "a Path")
    return list(v.nodes)


@function("relationships", 1)
def _relationships(v):
    if not isinstance(v, V.Path):
        raise invalid_argument("relationships", v, "a Path")
    return list(v.relationships)


def _endpoint(ctx, rel, which: str):
    if rel is None:
        return None
    if not isinstance(rel, V.Relationship):
        raise invalid_argument(which, rel, "a Relationship")
    node_id = rel.start if which == "startNode" else rel.end
    rec = ctx.tx.node(node_id)
    if rec is None:
        return V.Node(node_id, ())
    return V.Node(rec.id, tuple(rec.labels), rec.props)


@contextual("startNode", 1)
def _start_node(ctx, rel):
    return _endpoint(ctx, rel, "startNode")


@contextual("endNode", 1)
def _end_node(ctx, rel):
    return _endpoint(ctx, rel, "endNode")


@function("exists", 1, nulls=False)
def _exists(v):
    return v is not None


# --- clock and randomness ------------------------------------------------------------


def now_millis(ctx) -> int:
    """The statement time as epoch milliseconds, from whatever form ctx.now has."""
    now = ctx.now() if callable(ctx.now) else ctx.now
    if now is None:  # no statement clock given: the wall clock, read once here
        return time.time_ns() // 1_000_000
    if isinstance(now, V.DateTime):
        return now.seconds * 1000 + now.nanos // 1_000_000
    if hasattr(now, "timestamp"):  # datetime.datetime
        return int(now.timestamp() * 1000)
    if isinstance(now, int):  # nanoseconds since the epoch
        return now // 1_000_000
    return int(now * 1000)  # float seconds


@contextual("timestamp", 0, deterministic=False)
def _timestamp(ctx):
    return now_millis(ctx)


@contextual("rand", 0, deterministic=False)
def _rand(ctx):
    return ctx.random.random()


@contextual("randomUUID", 0, deterministic=False)
def _random_uuid(ctx):
    return str(uuid.UUID(int=ctx.random.getrandbits(128), version=4))


# Neo4j 5 spellings of the same functions.
for _alias, _original in (("upper", "toupper"), ("lower", "tolower"),
                          ("character_length", "char_length")):
    FUNCTIONS[_alias] = FUNCTIONS[_original]


from tugraph_bolt.cypher import functions_convert as _convert  # noqa: E402,F401  conversions
from tugraph_bolt.cypher import functions_math as _math  # noqa: E402,F401  registers math

_CLOCK_NAMES = ("date", "time", "localtime", "datetime", "localdatetime")


def _merge_temporal() -> None:
    """Add temporal.py's table (name -> fn(ctx, args)); it checks its own arities.

    Constructors called without arguments read the statement clock, so they are marked
    non-deterministic; so are the explicit .transaction/.statement/.realtime clocks.
    """
    try:
        from tugraph_bolt.cypher import temporal
    except ImportError:
        return
    for name, fn in temporal.TEMPORAL_FUNCTIONS.items():
        key = name.lower()
        clock = key in _CLOCK_NAMES or key.endswith((".transaction", ".statement", ".realtime"))
        FUNCTIONS[key] = Function(name, 0, None, fn, deterministic=not clock)


def _merge_spatial() -> None:
    """Add spatial.py's table (point, point.distance, ...): name -> fn(ctx, args)."""
    try:
        from tugraph_bolt.cypher import spatial
    except ImportError:
        return
    for name, fn in spatial.SPATIAL_FUNCTIONS.items():
        FUNCTIONS[name.lower()] = Function(name, 0, None, fn)


_merge_temporal()
_merge_spatial()
