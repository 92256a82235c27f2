"""Type-conversion functions of the Cypher function table.

`toX` rejects values of the wrong type with a TypeError and gives null for strings that
do not parse; `toXOrNull` gives null for both; `toXList` converts element-wise with the
OrNull rules.

>>> from tugraph_bolt.cypher.functions import FUNCTIONS
>>> [FUNCTIONS["tointeger"].fn(None, [v]) for v in ("42", "2.9", "foo", 2.9, True)]
[42, 2, None, 2, 1]
>>> FUNCTIONS["tostring"].fn(None, [1.0e10])
'1.0E10'
"""

from __future__ import annotations

import math
import re

from tugraph_bolt import values as V
from tugraph_bolt.cypher import ops
from tugraph_bolt.cypher.functions import function, invalid_argument

# Java's Long.parseLong / Double.parseDouble accept these shapes (no '_' unlike Python).
_INTEGER_TEXT = re.compile(r"[+-]?\d+")
_FLOAT_TEXT = re.compile(
    r"[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)"
)
_HEX_TEXT = re.compile(r"[+-]?0[xX][0-9a-fA-F]+")


class _Unconvertible(Exception):
    """The value has a type the conversion does not accept."""


def _parse_float(text: str) -> float | None:
    s = text.strip()
    if not _FLOAT_TEXT.fullmatch(s):
        return None
    s = s.rstrip("fFdD") if not s.endswith("Infinity") else s
    if s.lstrip("+-") == "Infinity":
        return -math.inf if s.startswith("-") else math.inf
    return float(s)


def _truncate(f: float) -> int:
    # Java's (long) cast: NaN -> 0, saturating at the 64-bit bounds.
    if f != f:
        return 0
    if f >= 2**63:
        return ops.INT_MAX
    if f <= -(2**63):
        return ops.INT_MIN
    return int(f)


def _parse_integer(text: str) -> int | None:
    s = text.strip()
    if _INTEGER_TEXT.fullmatch(s):
        n = int(s)
        return n if ops.INT_MIN <= n <= ops.INT_MAX else None
    if _HEX_TEXT.fullmatch(s):
        n = int(s, 16)
        return n if ops.INT_MIN <= n <= ops.INT_MAX else None
    f = _parse_float(s)
    if f is None or not math.isfinite(f):
        return None
    n = int(f)
    return n if ops.INT_MIN <= n <= ops.INT_MAX else None


def to_integer(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return _truncate(v)
    if isinstance(v, str):
        return _parse_integer(v)
    raise _Unconvertible


def to_float(v):
    if v is None:
        return None
    if isinstance(v, bool):
        raise _Unconvertible
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        return _parse_float(v)
    raise _Unconvertible


def to_boolean(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v != 0
    if isinstance(v, str):
        lowered = v.strip().lower()
        return {"true": True, "false": False}.get(lowered) if lowered == v.lower() else None
    raise _Unconvertible


def to_string(v):
    if v is None:
        return None
    if isinstance(v, (str, bool, int, float)):
        return ops.to_string_form(v)
    if isinstance(v, V.TEMPORAL_TYPES):
        from tugraph_bolt.cypher import temporal

        return temporal.to_string(v)
    if isinstance(v, V.Point):
        from tugraph_bolt.cypher import spatial

        return spatial.to_string(v)
    raise _Unconvertible


def _register(name: str, convert, expected: str) -> None:
    @function(name, 1, nulls=False)
    def strict(v):
        try:
            return convert(v)
        except _Unconvertible:
            raise invalid_argument(name, v, expected) from None

    @function(name + "OrNull", 1, nulls=False)
    def lenient(v):
        try:
            return convert(v)
        except _Unconvertible:
            return None

    @function(name + "List", 1)
    def listwise(v):
        if not isinstance(v, list):
            raise invalid_argument(name + "List", v, "a List")
        return [lenient(x) for x in v]


_register("toInteger", to_integer, "a String, a number or a Boolean")
_register("toFloat", to_float, "a String or a number")
_register("toBoolean", to_boolean, "a String, an Integer or a Boolean")
_register("toString", to_string, "a String, a number, a Boolean or a temporal value")


# valueType(): Neo4j's type names, unions ordered as below, "NOT NULL" for present values.
_TYPE_ORDER = (
    (bool, "BOOLEAN"), (str, "STRING"), (int, "INTEGER"), (float, "FLOAT"),
    (V.Date, "DATE"), (V.LocalTime, "LOCAL TIME"), (V.Time, "ZONED TIME"),
    (V.LocalDateTime, "LOCAL DATETIME"), (V.DateTime, "ZONED DATETIME"),
    (V.Duration, "DURATION"), (V.Point, "POINT"), (V.Node, "NODE"),
    (V.Relationship, "RELATIONSHIP"), (dict, "MAP"), (list, "LIST"), (V.Path, "PATH"),
)  # fmt: skip


def _type_rank(v) -> int:
    for rank, (cls, _name) in enumerate(_TYPE_ORDER):
        if isinstance(v, cls):
            return rank
    raise invalid_argument("valueType", v, "a Cypher value")


def value_type(v) -> str:
    if v is None:
        return "NULL"
    if not isinstance(v, list):
        return _TYPE_ORDER[_type_rank(v)][1] + " NOT NULL"
    present = [x for x in v if x is not None]
    if not v:
        return "LIST<NOTHING> NOT NULL"
    if not present:
        return "LIST<NULL> NOT NULL"
    inner = {}
    for x in present:  # one entry per element type, ordered by the table
        inner.setdefault(_type_rank(x), value_type(x))
    kinds = [inner[k] for k in sorted(inner)]
    text = " | ".join(kinds)
    if len(present) < len(v):
        text = " | ".join(k.removesuffix(" NOT NULL") for k in kinds)
    return f"LIST<{text}> NOT NULL"


@function("valueType", 1, nulls=False)
def _value_type(v):
    return value_type(v)
