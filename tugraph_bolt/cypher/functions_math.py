"""Numeric functions of the Cypher function table (registered into functions.FUNCTIONS).

>>> from tugraph_bolt.cypher.functions import FUNCTIONS
>>> FUNCTIONS["round"].fn(None, [2.5]), FUNCTIONS["round"].fn(None, [-2.5])
(3.0, -2.0)
>>> FUNCTIONS["round"].fn(None, [1.2345, 2, "HALF_EVEN"])
1.23
"""

from __future__ import annotations

import math
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    localcontext,
)

from tugraph_bolt.cypher import ops
from tugraph_bolt.cypher.functions import function, integer_arg, invalid_argument, number_arg
from tugraph_bolt.errors import CypherArgumentError


@function("abs", 1)
def _abs(x):
    number_arg("abs", x)
    if isinstance(x, int):
        return ops.check_int(abs(x), f"abs({x})")
    return abs(x)


@function("ceil", 1)
def _ceil(x):
    x = float(number_arg("ceil", x))
    return float(math.ceil(x)) if math.isfinite(x) else x


@function("floor", 1)
def _floor(x):
    x = float(number_arg("floor", x))
    return float(math.floor(x)) if math.isfinite(x) else x


_ROUNDING_MODES = {
    "UP": ROUND_UP, "DOWN": ROUND_DOWN, "CEILING": ROUND_CEILING, "FLOOR": ROUND_FLOOR,
    "HALF_UP": ROUND_HALF_UP, "HALF_DOWN": ROUND_HALF_DOWN, "HALF_EVEN": ROUND_HALF_EVEN,
}


@function("round", 1, 3, nulls=False)
def _round(x, precision=None, mode=None):
    if x is None:
        return None
    x = float(number_arg("round", x))
    if not math.isfinite(x):
        return x
    if precision is None:
        return float(math.floor(x + 0.5))  # Java Math.round: halves go up
    precision = integer_arg("round", precision)
    if mode is None:
        rounding = ROUND_HALF_UP
    else:
        rounding = _ROUNDING_MODES.get(str(mode).upper())
        if rounding is None:
            raise CypherArgumentError(f"round(): unknown rounding mode {mode!r}",
                                      detail="InvalidArgumentValue")
    exact = Decimal(repr(x))
    if precision >= 0 and exact.as_tuple().exponent >= -precision:
        return x  # already has no more digits than asked for
    # Doubles span about 1e-324..1e308: scales beyond +-400 cannot change the answer.
    precision = max(-400, min(400, precision))
    quantum = Decimal(1).scaleb(-precision)
    # Enough working precision for any double at any scale (the default 28 digits is not).
    with localcontext(Context(prec=abs(precision) + 400, rounding=rounding)):
        return float(exact.quantize(quantum))


@function("sign", 1)
def _sign(x):
    number_arg("sign", x)
    if x != x:
        return 0
    return (x > 0) - (x < 0)


def _unary(name: str, compute):
    """Register a float function; domain errors give NaN and poles give infinities."""

    @function(name, 1)
    def f(x):
        x = float(number_arg(name, x))
        try:
            return compute(x)
        except ValueError:
            return math.nan
        except OverflowError:
            return math.inf

    return f


def _log(x: float, base_log) -> float:
    if x == 0:
        return -math.inf
    return base_log(x)


def _cot(x: float) -> float:
    t = math.tan(x)
    return math.inf if t == 0 else 1.0 / t


_unary("sqrt", math.sqrt)
_unary("exp", math.exp)
_unary("log", lambda x: _log(x, math.log))
_unary("log10", lambda x: _log(x, math.log10))
_unary("sin", math.sin)
_unary("cos", math.cos)
_unary("tan", math.tan)
_unary("cot", _cot)
_unary("asin", math.asin)
_unary("acos", math.acos)
_unary("atan", math.atan)
_unary("degrees", math.degrees)
_unary("radians", math.radians)
_unary("haversin", lambda x: (1.0 - math.cos(x)) / 2.0)


@function("atan2", 2, nulls=False)
def _atan2(y, x):
    if y is None or x is None:
        return None
    return math.atan2(float(number_arg("atan2", y)), float(number_arg("atan2", x)))


@function("e", 0)
def _e():
    return math.e


@function("pi", 0)
def _pi():
    return math.pi


@function("isNaN", 1)
def _is_nan(x):
    if not ops.is_number(x):
        raise invalid_argument("isNaN", x, "a number")
    return x != x
