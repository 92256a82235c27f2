"""Cypher operators over plain values: equality, comparison, ordering, arithmetic, logic.

Pure functions, no graph access. Three-valued logic: `None` is Cypher's null/unknown.

>>> equals(1, 1.0), equals([1, None], [1, 2]), equals(1, '1')
(True, None, False)
>>> lt(1, 'a') is None, lt(float('nan'), 1)
(True, False)
>>> sorted([None, 'b', 2, [1]], key=order_key)
[[1], 'b', 2, None]
>>> add(9223372036854775807, 1)
Traceback (most recent call last):
...
tugraph_bolt.errors.CypherArithmeticError: integer overflow: 9223372036854775807 + 1

Python's `bool` is an `int`, so every numeric test here excludes booleans first.
"""

from __future__ import annotations

import re

from tugraph_bolt import values as V
from tugraph_bolt.cypher.arithmetic import (  # noqa: F401  re-exported for the executor
    INT_MAX,
    INT_MIN,
    add,
    check_int,
    div,
    float_divide,
    format_float,
    is_nan,
    is_number,
    mod,
    mul,
    neg,
    pos,
    pow,
    pow_,
    sub,
    temporal_op,
    to_string_form,
    type_error,
    type_name,
)
from tugraph_bolt.cypher.regex import compile_java
from tugraph_bolt.errors import CypherArgumentError

_NANOS = 1_000_000_000


# --- temporal helpers ------------------------------------------------------------------
# Equality, comparison and arithmetic of temporal values are temporal.py's; grouping keys
# only need the fields equality depends on.


def _time_utc_nanos(t: V.Time) -> int:
    return t.nanos - t.offset_seconds * _NANOS


def _duration_nanos(d: V.Duration) -> int:
    return d.seconds * _NANOS + d.nanos


def _temporal_equal_fields(v) -> tuple:
    """Fields on which temporal equality (same instant / same amount) depends."""
    if isinstance(v, V.Time):
        return (_time_utc_nanos(v),)
    if isinstance(v, V.DateTime):
        return (v.seconds, v.nanos)
    if isinstance(v, V.Date):
        return (v.days,)
    if isinstance(v, V.LocalTime):
        return (v.nanos,)
    if isinstance(v, V.LocalDateTime):
        return (v.seconds, v.nanos)
    return (v.months, v.days, _duration_nanos(v))


# --- equality ------------------------------------------------------------------------


_PLAIN = frozenset((int, float, str, bool))  # same-type `==` is Cypher's (NaN != NaN too)


def equals(a, b):
    """Cypher `=`: True, False, or None (unknown)."""
    if type(a) is type(b) and type(a) in _PLAIN:  # the common case, first
        return a == b
    if a is None or b is None:
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b if isinstance(a, bool) and isinstance(b, bool) else False
    if is_number(a):
        return is_number(b) and a == b  # NaN = NaN is false, as in IEEE
    if isinstance(a, str):
        return isinstance(b, str) and a == b
    if isinstance(a, (list, tuple)):
        if not isinstance(b, (list, tuple)):
            return False
        if len(a) != len(b):
            return False
        return _all_equal(zip(a, b, strict=True))
    if isinstance(a, dict):
        if not isinstance(b, dict) or a.keys() != b.keys():
            return False
        return _all_equal((a[k], b[k]) for k in a)
    if isinstance(a, V.Node):
        return isinstance(b, V.Node) and a.id == b.id
    if isinstance(a, V.Relationship):
        return isinstance(b, V.Relationship) and a.id == b.id
    if isinstance(a, V.Path):
        return isinstance(b, V.Path) and _path_ids(a) == _path_ids(b)
    if isinstance(a, V.TEMPORAL_TYPES):
        return type(a) is type(b) and temporal_op("equals")(a, b)
    if isinstance(a, V.Point):
        return isinstance(b, V.Point) and (a.srid, a.x, a.y, a.z) == (b.srid, b.x, b.y, b.z)
    if isinstance(a, (bytes, bytearray)):
        return isinstance(b, (bytes, bytearray)) and bytes(a) == bytes(b)
    return False


def _all_equal(pairs) -> bool | None:
    # Any definite inequality wins over unknowns: [1, null] = [2, null] is false.
    unknown = False
    for x, y in pairs:
        r = equals(x, y)
        if r is False:
            return False
        if r is None:
            unknown = True
    return None if unknown else True


def not_equals(a, b):
    return not_(equals(a, b))


def _path_ids(p: V.Path) -> tuple:
    return tuple(n.id for n in p.nodes), tuple(r.id for r in p.relationships)


# --- comparability (<, <=, >, >=) -----------------------------------------------------

_UNORDERED = "unordered"  # both comparable but NaN involved: every comparison is false


def _cmp(a, b):
    """-1 / 0 / 1, None (incomparable or unknown), or _UNORDERED (NaN)."""
    if type(a) is type(b) and (type(a) is int or type(a) is str):
        return (a > b) - (a < b)
    if a is None or b is None:
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        if isinstance(a, bool) and isinstance(b, bool):
            return (a > b) - (a < b)
        return None
    if is_number(a):
        if not is_number(b):
            return None
        if is_nan(a) or is_nan(b):
            return _UNORDERED
        return (a > b) - (a < b)
    if isinstance(a, str):
        if not isinstance(b, str):
            return None
        return (a > b) - (a < b)
    if isinstance(a, (list, tuple)):
        if not isinstance(b, (list, tuple)):
            return None
        for x, y in zip(a, b, strict=False):
            r = _cmp(x, y)
            if r != 0:
                return r
        return (len(a) > len(b)) - (len(a) < len(b))
    if isinstance(a, V.TEMPORAL_TYPES):
        return temporal_op("compare")(a, b)
    return None


def compare(a, b):
    """-1, 0 or 1 when a and b are comparable, else None (also for NaN operands)."""
    r = _cmp(a, b)
    return None if r == _UNORDERED else r


def _relation(a, b, test):
    r = _cmp(a, b)
    if r is None:
        return None
    if r == _UNORDERED:
        return False
    return test(r)


def lt(a, b):
    return _relation(a, b, lambda r: r < 0)


def le(a, b):
    return _relation(a, b, lambda r: r <= 0)


def gt(a, b):
    return _relation(a, b, lambda r: r > 0)


def ge(a, b):
    return _relation(a, b, lambda r: r >= 0)


# --- orderability (ORDER BY, min/max) -------------------------------------------------
# Ascending global order: map < node < relationship < list < path < point < datetime <
# localdatetime < date < time < localtime < duration < string < boolean < number < null.

_RANK_MAP, _RANK_NODE, _RANK_REL, _RANK_LIST, _RANK_PATH, _RANK_POINT = range(6)
_TEMPORAL_RANK = {
    V.DateTime: 6,
    V.LocalDateTime: 7,
    V.Date: 8,
    V.Time: 9,
    V.LocalTime: 10,
    V.Duration: 11,
}
_RANK_BYTES, _RANK_STRING, _RANK_BOOL, _RANK_NUMBER, _RANK_NULL = 12, 13, 14, 15, 16


def order_key(v) -> tuple:
    """A key under which `sorted` gives Cypher's ascending ORDER BY order.

    Nulls sort last ascending; reverse=True puts them first, as Cypher's DESC does.
    NaN sorts above every other number.
    """
    if v is None:
        return (_RANK_NULL,)
    if isinstance(v, bool):
        return (_RANK_BOOL, v)
    if isinstance(v, (int, float)):
        return (_RANK_NUMBER, 1, 0) if v != v else (_RANK_NUMBER, 0, v)
    if isinstance(v, str):
        return (_RANK_STRING, v)
    if isinstance(v, (list, tuple)):
        return (_RANK_LIST, tuple(order_key(x) for x in v))
    if isinstance(v, dict):
        return (_RANK_MAP, tuple((k, order_key(v[k])) for k in sorted(v)))
    if isinstance(v, V.Node):
        return (_RANK_NODE, v.id)
    if isinstance(v, V.Relationship):
        return (_RANK_REL, v.id)
    if isinstance(v, V.Path):
        return (_RANK_PATH, _path_ids(v))
    if isinstance(v, V.TEMPORAL_TYPES):
        return (_TEMPORAL_RANK[type(v)], temporal_op("order_key_part")(v))
    if isinstance(v, V.Point):
        return (_RANK_POINT, (v.srid, v.x, v.y, v.z if v.z is not None else 0.0))
    if isinstance(v, (bytes, bytearray)):
        return (_RANK_BYTES, bytes(v))
    raise TypeError(f"unorderable value {v!r}")


class Descending:
    """Wraps an order key to invert it, for mixed ASC/DESC sort keys in one tuple."""

    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    def __lt__(self, other: Descending) -> bool:
        return other.key < self.key

    def __gt__(self, other: Descending) -> bool:
        return other.key > self.key

    def __eq__(self, other) -> bool:
        return isinstance(other, Descending) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


# --- equivalence (DISTINCT, grouping) -------------------------------------------------


def group_key(v):
    """A hashable key under which equivalent values collide.

    Equivalence is equality except that null ~ null and NaN ~ NaN; 1 ~ 1.0.
    """
    if v is None:
        return ("null",)
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, (int, float)):
        return ("nan",) if v != v else ("num", v)
    if isinstance(v, str):
        return ("str", v)
    if isinstance(v, (list, tuple)):
        return ("list", tuple(group_key(x) for x in v))
    if isinstance(v, dict):
        return ("map", tuple((k, group_key(v[k])) for k in sorted(v)))
    if isinstance(v, V.Node):
        return ("node", v.id)
    if isinstance(v, V.Relationship):
        return ("rel", v.id)
    if isinstance(v, V.Path):
        return ("path", _path_ids(v))
    if isinstance(v, V.TEMPORAL_TYPES):
        return (type(v).__name__, _temporal_equal_fields(v))
    if isinstance(v, V.Point):
        return ("point", v.srid, v.x, v.y, v.z)
    if isinstance(v, (bytes, bytearray)):
        return ("bytes", bytes(v))
    raise TypeError(f"ungroupable value {v!r}")


# --- boolean logic ---------------------------------------------------------------------


def _check_bool(v, op: str):
    if v is not None and not isinstance(v, bool):
        raise type_error(f"{op} expects a Boolean, got {type_name(v)}: {v!r}")


def not_(a):
    _check_bool(a, "NOT")
    return None if a is None else not a


def and_(a, b):
    _check_bool(a, "AND")
    _check_bool(b, "AND")
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def or_(a, b):
    _check_bool(a, "OR")
    _check_bool(b, "OR")
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def xor(a, b):
    _check_bool(a, "XOR")
    _check_bool(b, "XOR")
    if a is None or b is None:
        return None
    return a != b


def is_truthy(v) -> bool:
    """WHERE keeps a row only when its predicate is exactly true."""
    return v is True


# --- list membership and string predicates -----------------------------------------------


def in_list(x, items):
    """Cypher `x IN list`: True, False or None when only unknown comparisons remain."""
    if items is None:
        return None
    if not isinstance(items, (list, tuple)):
        raise type_error(f"IN expects a List on its right, got {type_name(items)}")
    unknown = False
    for item in items:
        r = equals(x, item)
        if r is True:
            return True
        if r is None:
            unknown = True
    return None if unknown else False


def _strings(a, b) -> bool:
    return isinstance(a, str) and isinstance(b, str)


def starts_with(a, b):
    return a.startswith(b) if _strings(a, b) else None


def ends_with(a, b):
    return a.endswith(b) if _strings(a, b) else None


def contains(a, b):
    return (b in a) if _strings(a, b) else None


def _regex(pattern: str) -> re.Pattern:
    try:
        return compile_java(pattern)
    except re.error as e:
        raise CypherArgumentError(f"invalid regular expression {pattern!r}: {e}",
                                  detail="InvalidArgumentValue") from None


def regex_match(a, pattern):
    """Cypher `=~`: the whole string must match (Java's String.matches)."""
    if not _strings(a, pattern):
        return None
    return _regex(pattern).fullmatch(a) is not None
