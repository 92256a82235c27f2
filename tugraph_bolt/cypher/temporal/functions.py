"""The temporal function table: `TEMPORAL_FUNCTIONS[name](ctx, args) -> value`.

Names are lowercase (Cypher function names are case-insensitive). `ctx.now` is the
statement's time (a UTC DateTime) and is the only clock read here: `*.transaction`,
`*.statement` and `*.realtime` all answer with it, which keeps replicas deterministic.

>>> from types import SimpleNamespace
>>> from tugraph_bolt.values import DateTime
>>> ctx = SimpleNamespace(now=DateTime(0, 0, 0))
>>> TEMPORAL_FUNCTIONS['date'](ctx, [])
Date(days=0)
"""

from __future__ import annotations

from fractions import Fraction

from tugraph_bolt.errors import CypherArgumentError, CypherTypeError
from tugraph_bolt.values import Date, DateTime, Duration, LocalDateTime, LocalTime, Time

from . import calendar as cal
from . import text
from .arith import between
from .build import KINDS, construct, from_map, now
from .model import NS, duration_from_parts, local_parts, make_datetime, make_local_datetime

_DURATION_UNITS = {
    "years": ("months", 12),
    "quarters": ("months", 3),
    "months": ("months", 1),
    "weeks": ("days", 7),
    "days": ("days", 1),
    "hours": ("seconds", 3600),
    "minutes": ("seconds", 60),
    "seconds": ("seconds", 1),
    "milliseconds": ("seconds", Fraction(1, 1000)),
    "microseconds": ("seconds", Fraction(1, 1_000_000)),
    "nanoseconds": ("seconds", Fraction(1, NS)),
}


def _arity(name: str, args: list, low: int, high: int) -> None:
    if not low <= len(args) <= high:
        raise CypherArgumentError(
            f"{name}() takes {low}..{high} arguments, got {len(args)}",
            detail="InvalidNumberOfArguments",
        )


def _number(name: str, value) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CypherTypeError(
            f"duration field {name} must be a number, got {value!r}", detail="InvalidArgumentType"
        )
    # repr() keeps the decimal the user wrote (0.1 stays one tenth, not its binary neighbour).
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def duration_of(arg):
    """duration(map | string | Duration)."""
    if arg is None:
        return None
    if isinstance(arg, Duration):
        return arg
    if isinstance(arg, str):
        parts = text.parse_duration(arg)
    elif isinstance(arg, dict):
        parts = {}
        for key, value in arg.items():
            name = key.lower() if isinstance(key, str) else key
            if name not in _DURATION_UNITS:
                raise CypherArgumentError(
                    f"duration() does not accept the field '{key}'", detail="InvalidArgumentValue"
                )
            if value is None:
                raise CypherArgumentError(
                    f"duration() field '{key}' must not be null", detail="InvalidArgumentValue"
                )
            parts[name] = _number(key, value)
    else:
        raise CypherTypeError(
            f"duration() expects a map or a string, got {arg!r}", detail="InvalidArgumentType"
        )
    totals = {"months": Fraction(0), "days": Fraction(0), "seconds": Fraction(0)}
    for name, amount in parts.items():
        target, scale = _DURATION_UNITS[name]
        totals[target] += amount * scale
    return duration_from_parts(totals["months"], totals["days"], totals["seconds"])


# --- truncate ------------------------------------------------------------------------------

_DATE_UNITS = ("millennium", "century", "decade", "year", "weekyear", "quarter", "month", "week")
_TIME_UNITS = {
    "hour": 3600 * NS,
    "minute": 60 * NS,
    "second": NS,
    "millisecond": 1_000_000,
    "microsecond": 1000,
}
_UNIT_NAMES = {u.lower(): u for u in (*_DATE_UNITS, "day", *_TIME_UNITS)}


def _truncate_days(days: int, unit: str) -> int:
    year, month, _ = cal.civil_from_days(days)
    if unit in ("millennium", "century", "decade"):
        size = {"millennium": 1000, "century": 100, "decade": 10}[unit]
        return cal.days_from_civil(year // size * size, 1, 1)
    if unit == "year":
        return cal.days_from_civil(year, 1, 1)
    if unit == "weekyear":
        return cal.week_year_start(cal.week_date(days)[0])
    if unit == "quarter":
        return cal.quarter_start(year, cal.quarter_of(month))
    if unit == "month":
        return cal.days_from_civil(year, month, 1)
    if unit == "week":
        return days - (cal.day_of_week(days) - 1)
    return days


def truncate(kind: str, ctx, unit, value, fields=None):
    if value is None or unit is None:
        return None
    if not isinstance(unit, str) or unit.lower() not in _UNIT_NAMES:
        raise CypherArgumentError(
            f"Unsupported truncation unit: {unit!r}", detail="InvalidArgumentValue"
        )
    unit = unit.lower()
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise CypherTypeError("truncate() expects a map of fields", detail="InvalidArgumentType")
    if not isinstance(value, (Date, LocalTime, Time, LocalDateTime, DateTime)):
        raise CypherTypeError(
            f"{kind}.truncate() expects a temporal value, got {value!r}",
            detail="InvalidArgumentType",
        )
    days, nanos, zone = local_parts(value)
    has_date = kind in ("date", "localdatetime", "datetime")
    if unit in _DATE_UNITS and (days is None or not has_date):
        raise CypherArgumentError(
            f"cannot truncate {kind} to {unit}", detail="InvalidArgumentValue"
        )
    if unit in _TIME_UNITS and (kind == "date" or nanos is None):
        raise CypherArgumentError(
            f"cannot truncate {kind} to {unit}", detail="InvalidArgumentValue"
        )
    t_days = _truncate_days(days, unit) if days is not None else None
    t_nanos = 0
    if unit in _TIME_UNITS:
        t_nanos = nanos - nanos % _TIME_UNITS[unit]
    if kind == "date":
        return from_map(kind, {**fields, "date": Date(t_days)}, ctx)
    if kind in ("localtime", "time"):
        source = Time(t_nanos, value.offset_seconds) if zone is not None else LocalTime(t_nanos)
        return from_map(kind, {**fields, "time": source}, ctx, replace_zone=True)
    if zone is not None and kind == "datetime":
        source = make_datetime(t_days, t_nanos, zone)
    else:
        source = make_local_datetime(t_days, t_nanos)
    return from_map(kind, {**fields, "datetime": source}, ctx, replace_zone=True)


# --- the table -----------------------------------------------------------------------------


def _constructor(kind: str):
    def call(ctx, args):
        _arity(kind, args, 0, 1)
        if not args:
            return now(kind, ctx)
        if args[0] is None:
            return None
        return construct(kind, args[0], ctx)

    return call


def _clock(kind: str):
    def call(ctx, args):
        _arity(kind, args, 0, 1)
        if not args:
            return now(kind, ctx)
        arg = args[0]
        if arg is None:
            return None
        if isinstance(arg, dict):
            return now(kind, ctx, arg.get("timezone"))
        return now(kind, ctx, arg)

    return call


def _truncator(kind: str):
    def call(ctx, args):
        _arity(f"{kind}.truncate", args, 2, 3)
        return truncate(kind, ctx, *args)

    return call


def _from_epoch(ctx, args):
    _arity("datetime.fromepoch", args, 2, 2)
    seconds, nanos = args
    if seconds is None or nanos is None:
        return None
    _integer("datetime.fromepoch", seconds, "seconds")
    _integer("datetime.fromepoch", nanos, "nanoseconds")
    return DateTime(seconds + nanos // NS, nanos % NS, 0, None)


def _integer(function: str, value, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CypherTypeError(f"{function}() expects an integer number of {what}, "
                              f"got {value!r}", detail="InvalidArgumentType")


def _from_epoch_millis(ctx, args):
    _arity("datetime.fromepochmillis", args, 1, 1)
    (millis,) = args
    if millis is None:
        return None
    _integer("datetime.fromepochmillis", millis, "milliseconds")
    secs, ms = divmod(millis, 1000)
    return DateTime(secs, ms * 1_000_000, 0, None)


def _between(unit):
    def call(ctx, args):
        _arity("duration.between", args, 2, 2)
        return between(args[0], args[1], unit)

    return call


def _duration(ctx, args):
    _arity("duration", args, 1, 1)
    return duration_of(args[0])


def _build_table() -> dict:
    table = {}
    for kind in KINDS:
        table[kind] = _constructor(kind)
        for clock in ("transaction", "statement", "realtime"):
            table[f"{kind}.{clock}"] = _clock(kind)
        table[f"{kind}.truncate"] = _truncator(kind)
    table["datetime.fromepoch"] = _from_epoch
    table["datetime.fromepochmillis"] = _from_epoch_millis
    table["duration"] = _duration
    table["duration.between"] = _between(None)
    table["duration.inmonths"] = _between("months")
    table["duration.indays"] = _between("days")
    table["duration.inseconds"] = _between("seconds")
    return table


TEMPORAL_FUNCTIONS = _build_table()
