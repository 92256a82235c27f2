"""Cypher arithmetic: 64-bit integers that raise on overflow, IEEE floats, concatenation,
temporal arithmetic (delegated to temporal/), and Java's spelling of floats.

>>> add(1, 2), div(-7, 2), mod(-7, 2), pow_(2, 3), add('a', 1.5)
(3, -3, -1, 8.0, 'a1.5')
>>> format_float(1e10)
'1.0E10'

`ops` re-exports everything here; callers use `ops.add` and friends.
"""

from __future__ import annotations

import math
from decimal import Decimal

from tugraph_bolt import values as V
from tugraph_bolt.errors import CypherArithmeticError, CypherTypeError

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_nan(v) -> bool:
    return isinstance(v, float) and v != v


def check_int(value: int, what: str) -> int:
    """Raise the Cypher overflow error when a Python int left the 64-bit range."""
    if value < INT_MIN or value > INT_MAX:
        raise CypherArithmeticError(f"integer overflow: {what}", detail="IntegerOverflow")
    return value


def type_name(v) -> str:
    """The Cypher type name used in error messages (Neo4j spelling)."""
    if v is None:
        return "Null"
    if isinstance(v, bool):
        return "Boolean"
    if isinstance(v, int):
        return "Integer"
    if isinstance(v, float):
        return "Float"
    if isinstance(v, str):
        return "String"
    if isinstance(v, (bytes, bytearray)):
        return "ByteArray"
    if isinstance(v, (list, tuple)):
        return "List"
    if isinstance(v, dict):
        return "Map"
    return type(v).__name__


def type_error(message: str) -> CypherTypeError:
    return CypherTypeError(message, detail="InvalidArgumentType")


# --- operators -------------------------------------------------------------------------


def temporal_op(name: str):
    from tugraph_bolt.cypher import temporal  # lazy: temporal imports ops

    return getattr(temporal, name)


def _is_temporal(v) -> bool:
    return isinstance(v, V.TEMPORAL_TYPES)


def _bad_operands(op: str, a, b) -> CypherTypeError:
    return type_error(f"cannot apply {op} to {type_name(a)} and {type_name(b)}")


def add(a, b):
    if type(a) is int and type(b) is int:
        return check_int(a + b, f"{a} + {b}")
    if isinstance(a, (list, tuple)):
        return list(a) + (list(b) if isinstance(b, (list, tuple)) else [b])
    if isinstance(b, (list, tuple)):
        return [a] + list(b)
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        if isinstance(a, int) and isinstance(b, int):
            return check_int(a + b, f"{a} + {b}")
        return float(a) + float(b)
    if isinstance(a, str) and type(b) is str:
        return a + b
    # A string and a scalar (number, boolean, temporal, point) concatenate, as in Neo4j.
    if isinstance(a, str) and _is_scalar(b):
        return a + to_string_form(b)
    if isinstance(b, str) and _is_scalar(a):
        return to_string_form(a) + b
    if _is_temporal(a) and _is_temporal(b):
        if isinstance(a, V.Duration) or isinstance(b, V.Duration):
            return temporal_op("add")(a, b)
    raise _bad_operands("+", a, b)


def sub(a, b):
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        if isinstance(a, int) and isinstance(b, int):
            return check_int(a - b, f"{a} - {b}")
        return float(a) - float(b)
    if _is_temporal(a) and isinstance(b, V.Duration):
        return temporal_op("subtract")(a, b)
    raise _bad_operands("-", a, b)


def mul(a, b):
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        if isinstance(a, int) and isinstance(b, int):
            return check_int(a * b, f"{a} * {b}")
        return float(a) * float(b)  # IEEE: overflow gives inf, never an exception
    if isinstance(a, V.Duration) and is_number(b):
        return temporal_op("multiply")(a, b)
    if is_number(a) and isinstance(b, V.Duration):
        return temporal_op("multiply")(b, a)
    raise _bad_operands("*", a, b)


def _truncating_quotient(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def div(a, b):
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        if isinstance(a, int) and isinstance(b, int):
            if b == 0:
                raise CypherArithmeticError("/ by zero", detail="DivisionByZero")
            return check_int(_truncating_quotient(a, b), f"{a} / {b}")
        return float_divide(float(a), float(b))
    if isinstance(a, V.Duration) and is_number(b):
        return temporal_op("divide")(a, b)
    raise _bad_operands("/", a, b)


def float_divide(a: float, b: float) -> float:
    if b == 0.0:
        if a == 0.0 or a != a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def mod(a, b):
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        if isinstance(a, int) and isinstance(b, int):
            if b == 0:
                raise CypherArithmeticError("% by zero", detail="DivisionByZero")
            return a - b * _truncating_quotient(a, b)  # sign follows the dividend
        try:
            return math.fmod(float(a), float(b))
        except ValueError:
            return math.nan
    raise _bad_operands("%", a, b)


def pow_(a, b):
    """Cypher `^`: always a float."""
    if a is None or b is None:
        return None
    if not (is_number(a) and is_number(b)):
        raise _bad_operands("^", a, b)
    x, y = float(a), float(b)
    try:
        return math.pow(x, y)
    except OverflowError:
        # Only reached with |x| > 1 and large y; the sign is that of x^(odd y).
        negative = x < 0 and y.is_integer() and int(y) % 2 == 1
        return -math.inf if negative else math.inf
    except ValueError:
        if x == 0.0 and y < 0:
            negative = math.copysign(1.0, x) < 0 and y.is_integer() and int(y) % 2 == 1
            return -math.inf if negative else math.inf
        return math.nan


pow = pow_  # noqa: A001 - the executor looks operators up by name


def neg(a):
    if a is None:
        return None
    if isinstance(a, bool):
        raise type_error("cannot negate a Boolean")
    if isinstance(a, int):
        return check_int(-a, f"-({a})")
    if isinstance(a, float):
        return -a
    if isinstance(a, V.Duration):
        return temporal_op("multiply")(a, -1)
    raise type_error(f"cannot negate {type_name(a)}")


def pos(a):
    if a is None or is_number(a) or isinstance(a, V.Duration):
        return a
    raise type_error(f"unary + expects a number, got {type_name(a)}")


def _is_scalar(v) -> bool:
    return isinstance(v, (bool, int, float, str, V.Point, *V.TEMPORAL_TYPES))


def to_string_form(v) -> str:
    """How toString() and string concatenation spell a scalar value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, V.TEMPORAL_TYPES):
        return temporal_op("to_string")(v)
    if isinstance(v, V.Point):
        from tugraph_bolt.cypher import spatial

        return spatial.to_string(v)
    raise type_error(f"cannot convert {type_name(v)} to a String")


def format_float(f: float) -> str:
    """Java's Double.toString spelling, as Neo4j prints floats: 1.0, 1.0E10, NaN."""
    if f != f:
        return "NaN"
    if f in (math.inf, -math.inf):
        return "Infinity" if f > 0 else "-Infinity"
    if f == 0.0:
        return "-0.0" if math.copysign(1.0, f) < 0 else "0.0"
    if 1e-3 <= abs(f) < 1e7:
        text = repr(f)  # repr stays positional in this range
        return text if "." in text else text + ".0"
    # Shortest round-tripping digits (repr), written with one digit before the point.
    sign, digits, exponent = Decimal(repr(f)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    scientific = len(digits) + exponent - 1
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{scientific}"
