"""Temporal arithmetic, comparison and `duration.between`.

Adding a Duration works unit by unit, as Neo4j does: months first (the day clamped to the
month's length), then days, both on the local calendar (a named zone is re-resolved);
then seconds and nanoseconds on the timeline (the instant, for a DateTime). Types
without a date ignore months and days; a Date takes whole days of the seconds.

>>> from tugraph_bolt.values import Date, Duration
>>> add(Date(0), Duration(1, 0, 0, 0))
Date(days=31)
"""

from __future__ import annotations

from fractions import Fraction

from tugraph_bolt.errors import CypherTypeError
from tugraph_bolt.values import Date, DateTime, Duration, LocalDateTime, LocalTime, Time

from . import calendar as cal
from .model import (
    DAY,
    NS,
    SECONDS_PER_MONTH,
    datetime_at_instant,
    duration_from_parts,
    local_parts,
    make_datetime,
    make_duration,
    make_local_datetime,
    zone_of,
)
from .zones import Zone, utc_of_local

_DAY_NS = DAY * NS
INSTANT_TYPES = (Date, LocalTime, Time, LocalDateTime, DateTime)


def _type_error(message: str) -> CypherTypeError:
    return CypherTypeError(message, detail="InvalidArgumentType")


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


# --- + and - -------------------------------------------------------------------------------


def add(a, b):
    """temporal + duration, duration + temporal, duration + duration (None propagates)."""
    if a is None or b is None:
        return None
    if isinstance(a, Duration) and isinstance(b, Duration):
        return make_duration(
            a.months + b.months, a.days + b.days, a.seconds + b.seconds, a.nanos + b.nanos
        )
    if isinstance(a, Duration) and isinstance(b, INSTANT_TYPES):
        a, b = b, a
    if isinstance(a, INSTANT_TYPES) and isinstance(b, Duration):
        return plus_duration(a, b)
    raise _type_error(f"cannot add {type(b).__name__} to {type(a).__name__}")


def sub(a, b):
    """temporal - duration, duration - duration."""
    if a is None or b is None:
        return None
    if isinstance(b, Duration) and isinstance(a, (Duration, *INSTANT_TYPES)):
        return add(a, negate(b))
    raise _type_error(f"cannot subtract {type(b).__name__} from {type(a).__name__}")


def negate(d: Duration) -> Duration:
    return make_duration(-d.months, -d.days, -d.seconds, -d.nanos)


def plus_duration(value, d: Duration):
    days, nanos, zone = local_parts(value)
    span = d.seconds * NS + d.nanos
    if isinstance(value, (LocalTime, Time)):
        nanos = (nanos + span) % _DAY_NS
        return (
            LocalTime(nanos) if isinstance(value, LocalTime) else Time(nanos, value.offset_seconds)
        )
    days = cal.add_months(days, d.months) + d.days
    if isinstance(value, Date):
        whole_days = int(Fraction(span, _DAY_NS))  # toward zero
        return Date(_checked(days + whole_days))
    if isinstance(value, LocalDateTime):
        return make_local_datetime(_checked(days), nanos + span)
    shifted = make_datetime(_checked(days), nanos, zone, preferred=value.offset_seconds)
    return datetime_at_instant(shifted.seconds, shifted.nanos + span, zone)


def _checked(days: int) -> int:
    from .model import check_days

    return check_days(days)


# --- * and / -------------------------------------------------------------------------------


def mul(d, factor):
    if d is None or factor is None:
        return None
    if _is_number(d) and isinstance(factor, Duration):
        d, factor = factor, d
    if not (isinstance(d, Duration) and _is_number(factor)):
        raise _type_error("a duration can only be multiplied by a number")
    if isinstance(factor, int):
        return make_duration(
            d.months * factor, d.days * factor, d.seconds * factor, d.nanos * factor
        )
    return _scaled(d, Fraction(factor))


def div(d, divisor):
    if d is None or divisor is None:
        return None
    if not (isinstance(d, Duration) and _is_number(divisor)):
        raise _type_error("a duration can only be divided by a number")
    if divisor == 0:
        from tugraph_bolt.errors import CypherArithmeticError

        raise CypherArithmeticError("/ by zero", detail="DivisionByZero")
    return _scaled(d, 1 / Fraction(divisor))


def _scaled(d: Duration, factor: Fraction) -> Duration:
    seconds = (Fraction(d.seconds) + Fraction(d.nanos, NS)) * factor
    return duration_from_parts(d.months * factor, d.days * factor, seconds)


# --- comparison ----------------------------------------------------------------------------


def _time_utc_nanos(t: Time) -> int:
    return t.nanos - t.offset_seconds * NS


def order_key_part(v) -> tuple:
    """A sortable tuple ordering values of one temporal type (zoned ones by instant)."""
    if isinstance(v, Date):
        return (v.days,)
    if isinstance(v, LocalTime):
        return (v.nanos,)
    if isinstance(v, Time):
        return (_time_utc_nanos(v), v.offset_seconds)
    if isinstance(v, LocalDateTime):
        return (v.seconds, v.nanos)
    if isinstance(v, DateTime):
        return (v.seconds, v.nanos, v.offset_seconds, v.tz_id or "")
    if isinstance(v, Duration):
        average = (v.months * SECONDS_PER_MONTH + v.days * DAY + v.seconds) * NS + v.nanos
        return (average, v.months, v.days, v.seconds, v.nanos)
    raise _type_error(f"not a temporal value: {v!r}")


def _instant_key(v) -> tuple:
    if isinstance(v, Time):
        return (_time_utc_nanos(v),)
    if isinstance(v, DateTime):
        return (v.seconds, v.nanos)
    if isinstance(v, Duration):
        n = make_duration(v.months, v.days, v.seconds, v.nanos)
        return (n.months, n.days, n.seconds, n.nanos)
    return order_key_part(v)


def compare(a, b) -> int | None:
    """-1, 0 or 1 for two values of one temporal type; None when incomparable."""
    if a is None or b is None or type(a) is not type(b) or isinstance(a, Duration):
        return None
    if not isinstance(a, INSTANT_TYPES):
        return None
    ka, kb = _instant_key(a), _instant_key(b)
    return (ka > kb) - (ka < kb)


def equals(a, b) -> bool | None:
    """Cypher `=` on temporal values: same type and the same instant/amount."""
    if a is None or b is None:
        return None
    if type(a) is not type(b):
        return False
    return _instant_key(a) == _instant_key(b)


# --- duration.between ----------------------------------------------------------------------


def _anchored(value, other) -> tuple[int, int, Zone | None]:
    """Local (day, nanos, zone) of `value`, filling what it lacks from `other`.

    A value without a date takes the other's date; without a zone, the other's zone;
    a Date is at midnight.
    """
    days, nanos, zone = local_parts(value)
    o_days, _, o_zone = local_parts(other)
    if zone is None:
        zone = o_zone
    if days is None:
        days = o_days if o_days is not None else 0
    return days, nanos or 0, zone


def _utc_nanos(days: int, nanos: int, zone: Zone | None) -> int:
    local = days * DAY * NS + nanos
    if zone is None:
        return local
    secs, sub = divmod(local, NS)
    utc, _ = utc_of_local(zone, secs)
    return utc * NS + sub


def _local_in(days: int, nanos: int, zone: Zone | None, target: Zone | None) -> tuple[int, int]:
    """Re-express a local date-time of `zone` in `target` (same instant)."""
    if zone is None or target is None or zone == target:
        return days, nanos
    utc = _utc_nanos(days, nanos, zone)
    dt = datetime_at_instant(utc // NS, utc % NS, target)
    d, n, _ = local_parts(dt)
    return d, n


def _whole_until(from_days: int, from_nanos: int, to_days: int, to_nanos: int, unit: str) -> int:
    end = to_days
    if end > from_days and to_nanos < from_nanos:
        end -= 1
    elif end < from_days and to_nanos > from_nanos:
        end += 1
    if unit == "days":
        return end - from_days
    fy, fm, fd = cal.civil_from_days(from_days)
    ty, tm, td = cal.civil_from_days(end)
    months = (ty * 12 + tm) - (fy * 12 + fm)
    if months > 0 and td < fd:
        months -= 1
    elif months < 0 and td > fd:
        months += 1
    return months


def between(a, b, unit: str | None = None) -> Duration | None:
    """duration.between (unit None) and duration.inMonths/inDays/inSeconds."""
    if a is None or b is None:
        return None
    for v in (a, b):
        if not isinstance(v, INSTANT_TYPES):
            raise _type_error(f"duration.between expects temporal instants, got {v!r}")
    fd, fn, fz = _anchored(a, b)
    td, tn, tz = _anchored(b, a)
    both_dated = isinstance(a, (Date, LocalDateTime, DateTime)) and isinstance(
        b, (Date, LocalDateTime, DateTime)
    )
    months = days = 0
    if both_dated and unit != "seconds":
        ld, ln = _local_in(td, tn, tz, fz)
        if unit in (None, "months"):
            months = _whole_until(fd, fn, ld, ln, "months")
            fd = cal.add_months(fd, months)
        if unit in (None, "days"):
            days = _whole_until(fd, fn, ld, ln, "days")
            fd += days
        if unit is not None:
            return make_duration(months, days, 0, 0)
    elif unit in ("months", "days"):
        return Duration(0, 0, 0, 0)
    span = _utc_nanos(td, tn, tz) - _utc_nanos(fd, fn, fz)
    return make_duration(months, days, 0, span)


def type_zone(v) -> Zone | None:
    return zone_of(v)
