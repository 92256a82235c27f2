"""Constructing temporal values: from maps, strings, other temporals, or "now".

`construct(kind, arg, ctx)` is the body of `date(...)`, `localtime(...)`, `time(...)`,
`localdatetime(...)` and `datetime(...)`. A map may *select* from other values
(`{date: d, time: t, day: 28}`): fields not given are taken from the selected value,
and a `timezone` next to a zoned source converts the instant into that zone, while a
`timezone` next to a local source just attaches it.

>>> from tugraph_bolt.cypher.temporal.text import format_date
>>> format_date(construct('date', {'year': 1984, 'week': 10, 'dayOfWeek': 3}, None).days)
'1984-03-07'
"""

from __future__ import annotations

from tugraph_bolt.errors import CypherTypeError, InternalError
from tugraph_bolt.values import Date, DateTime, LocalDateTime, LocalTime, Time

from . import calendar as cal
from . import text
from .model import (
    DAY,
    NS,
    ZONED_TYPES,
    check_days,
    datetime_at_instant,
    local_parts,
    make_datetime,
    make_local_datetime,
)
from .zones import Zone, invalid, offset_at_instant, parse_zone

KINDS = ("date", "localtime", "time", "localdatetime", "datetime")
DATE_FIELDS = ("year", "month", "day", "week", "dayOfWeek", "quarter", "dayOfQuarter", "ordinalDay")
TIME_FIELDS = ("hour", "minute", "second", "millisecond", "microsecond", "nanosecond")
_HAS_DATE = {
    "date": True,
    "localtime": False,
    "time": False,
    "localdatetime": True,
    "datetime": True,
}
_HAS_TIME = {
    "date": False,
    "localtime": True,
    "time": True,
    "localdatetime": True,
    "datetime": True,
}
_ZONED = {"time", "datetime"}
_EPOCH_FIELDS = ("epochSeconds", "epochMillis")
_CANONICAL = {
    k.lower(): k
    for k in (*DATE_FIELDS, *TIME_FIELDS, *_EPOCH_FIELDS, "date", "time", "datetime", "timezone")
}


def type_error(message: str) -> CypherTypeError:
    return CypherTypeError(message, detail="InvalidArgumentType")


def _allowed(kind: str) -> set[str]:
    keys = {"timezone"}
    if _HAS_DATE[kind]:
        keys |= {*DATE_FIELDS, "date"}
    if _HAS_TIME[kind]:
        keys |= {*TIME_FIELDS, "time"}
    if _HAS_DATE[kind] and _HAS_TIME[kind]:
        keys.add("datetime")
    if kind == "datetime":
        keys.update(_EPOCH_FIELDS)
    return keys


def construct(kind: str, arg, ctx, timezone=None):
    """Build a `kind` value from None (now), a map, a string or another temporal."""
    if arg is None:
        return now(kind, ctx, timezone)
    if isinstance(arg, dict):
        return from_map(kind, arg, ctx)
    if isinstance(arg, str):
        return from_string(kind, arg, ctx)
    if isinstance(arg, (Date, LocalTime, Time, LocalDateTime, DateTime)):
        days, nanos, _ = local_parts(arg)
        if _HAS_DATE[kind] and _HAS_TIME[kind]:
            key = "datetime" if nanos is not None and days is not None else "date"
        else:
            key = "date" if _HAS_DATE[kind] else "time"
        return from_map(kind, {key: arg}, ctx)
    raise type_error(f"{kind}() expects a map, a string or a temporal value, got {arg!r}")


# --- now ---------------------------------------------------------------------------------


def now(kind: str, ctx, timezone=None):
    instant = getattr(ctx, "now", None)
    if instant is None:
        # The executor fixes the statement time once; reading a clock here would let
        # replicas and re-runs disagree.
        raise InternalError("the statement time (ctx.now) was not set")
    zone: Zone = 0 if timezone is None else parse_zone(timezone)
    dt = datetime_at_instant(instant.seconds, instant.nanos, zone)
    return project(kind, dt)


def _now_seconds(ctx) -> int:
    instant = getattr(ctx, "now", None)
    if instant is None:
        raise InternalError("the statement time (ctx.now) was not set")
    return instant.seconds


def project(kind: str, dt: DateTime):
    """The `kind` view of a DateTime (its local fields, plus its offset for Time)."""
    days, nanos, _ = local_parts(dt)
    if kind == "date":
        return Date(days)
    if kind == "localtime":
        return LocalTime(nanos)
    if kind == "time":
        return Time(nanos, dt.offset_seconds)
    if kind == "localdatetime":
        return make_local_datetime(days, nanos)
    return dt


# --- strings -----------------------------------------------------------------------------


def from_string(kind: str, value: str, ctx):
    if kind == "date":
        return Date(text.parse_date(value))
    if kind in ("localtime", "time"):
        nanos, offset, name = text.parse_time(value, "LocalTime" if kind == "localtime" else "Time")
        if kind == "localtime":
            if offset is not None or name is not None:
                raise invalid(f"Text cannot be parsed to a LocalTime: '{value}'")
            return LocalTime(nanos)
        if offset is None and name is not None:
            offset = offset_at_instant(name, _now_seconds(ctx))
        return Time(nanos, offset or 0)
    days, nanos, offset, name = text.parse_datetime(
        value, "LocalDateTime" if kind == "localdatetime" else "DateTime"
    )
    if kind == "localdatetime":
        if offset is not None or name is not None:
            raise invalid(f"Text cannot be parsed to a LocalDateTime: '{value}'")
        return make_local_datetime(days, nanos)
    if name is not None:
        return make_datetime(days, nanos, name, preferred=offset)
    return make_datetime(days, nanos, offset or 0)


# --- maps --------------------------------------------------------------------------------


def _int_field(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise type_error(f"{name} must be an integer, got {value!r}")
    return value


def _normalise(kind: str, mapping: dict) -> dict:
    allowed = _allowed(kind)
    fields = {}
    for key, value in mapping.items():
        canonical = _CANONICAL.get(key.lower()) if isinstance(key, str) else None
        if canonical is None or canonical not in allowed:
            raise invalid(f"{kind}() does not accept the field '{key}'")
        if value is None:
            raise invalid(f"{kind}() field '{key}' must not be null")
        fields[canonical] = value
    return fields


def from_map(kind: str, mapping: dict, ctx, *, replace_zone: bool = False):
    """Build from a map; `replace_zone` attaches `timezone` instead of converting (truncate)."""
    fields = _normalise(kind, mapping)
    tz_text = fields.pop("timezone", None)
    if not fields:
        return now(kind, ctx, tz_text)
    if any(k in fields for k in _EPOCH_FIELDS):
        return _from_epoch_fields(fields, tz_text)
    base_days = base_nanos = None
    source_zone: Zone | None = None
    source_offset: int | None = None
    for key in ("datetime", "date", "time"):  # 'time' last: its zone wins
        if key not in fields:
            continue
        source = fields.pop(key)
        if not isinstance(source, (Date, LocalTime, Time, LocalDateTime, DateTime)):
            raise type_error(f"{kind}() field '{key}' must be a temporal value, got {source!r}")
        days, nanos, zone = local_parts(source)
        if key in ("datetime", "date"):
            if days is None:
                raise invalid(f"cannot take a date from a {type(source).__name__}")
            base_days = days
        if key in ("datetime", "time"):
            if nanos is None and key == "time":
                raise invalid(f"cannot take a time from a {type(source).__name__}")
            base_nanos = nanos if nanos is not None else 0
            # The value the time comes from decides the zone ('time' is read last).
            if isinstance(source, ZONED_TYPES):
                source_zone, source_offset = zone, source.offset_seconds
            else:
                source_zone = source_offset = None
    for key, value in fields.items():
        _int_field(key, value)
    days = _date_from_fields(fields, base_days) if _HAS_DATE[kind] else None
    nanos = _time_from_fields(fields, base_nanos) if _HAS_TIME[kind] else None
    zone = None if tz_text is None else parse_zone(tz_text)
    if replace_zone and zone is not None:
        source_zone = source_offset = None
    if kind == "date":
        return Date(check_days(days))
    if kind == "localtime":
        return LocalTime(nanos)
    if kind == "localdatetime":
        return make_local_datetime(days, nanos)
    if kind == "time":
        return _zoned_time(nanos, source_offset, zone, ctx)
    if source_zone is not None:
        dt = make_datetime(days, nanos, source_zone, preferred=source_offset)
        return dt if zone is None else datetime_at_instant(dt.seconds, dt.nanos, zone)
    return make_datetime(days, nanos, 0 if zone is None else zone)


def _from_epoch_fields(fields: dict, tz_text) -> DateTime:
    """datetime({epochSeconds | epochMillis [, millisecond, microsecond, nanosecond]})."""
    if set(fields) - {*_EPOCH_FIELDS, "millisecond", "microsecond", "nanosecond"} or all(
        k in fields for k in _EPOCH_FIELDS
    ):
        raise invalid("epochSeconds/epochMillis combine only with sub-second fields and timezone")
    for key, value in fields.items():
        _int_field(key, value)
    if "epochMillis" in fields:
        seconds, millis = divmod(fields["epochMillis"], 1000)
        nanos = millis * 1_000_000 + _sub_second(fields, 0)
    else:
        seconds, nanos = fields["epochSeconds"], _sub_second(fields, 0)
    zone = 0 if tz_text is None else parse_zone(tz_text)
    return datetime_at_instant(seconds, nanos, zone)


def _zoned_time(nanos: int, source_offset: int | None, zone: Zone | None, ctx) -> Time:
    if zone is None:
        return Time(nanos, source_offset or 0)
    offset = zone if isinstance(zone, int) else offset_at_instant(zone, _now_seconds(ctx))
    if source_offset is not None:
        nanos = (nanos + (offset - source_offset) * NS) % (DAY * NS)
    return Time(nanos, offset)


def _need(fields: dict, present: str, required: str) -> None:
    if present in fields and required not in fields:
        raise invalid(f"{required} must be specified when {present} is")


def _date_from_fields(f: dict, base: int | None) -> int:
    if base is None:
        if not any(k in f for k in DATE_FIELDS):
            raise invalid("year must be specified")
        if "year" not in f:
            raise invalid("year must be specified")
        _need(f, "day", "month")
        _need(f, "dayOfWeek", "week")
        _need(f, "dayOfQuarter", "quarter")
    year = f.get("year")
    if base is not None:
        by, bm, bd = cal.civil_from_days(base)
    if "week" in f or "dayOfWeek" in f:
        bwy, bw, bdow = cal.week_date(base) if base is not None else (None, 1, 1)
        wy = year if year is not None else bwy
        week, dow = f.get("week", bw), f.get("dayOfWeek", bdow)
        if not (1 <= week <= cal.weeks_in_week_year(wy) and 1 <= dow <= 7):
            raise invalid(f"Invalid week date: year {wy}, week {week}, day of week {dow}")
        return cal.days_from_week_date(wy, week, dow)
    year = year if year is not None else by
    if not cal.MIN_YEAR <= year <= cal.MAX_YEAR:
        raise invalid(f"Year {year} is out of range")
    if "ordinalDay" in f:
        ordinal = f["ordinalDay"]
        if not 1 <= ordinal <= cal.year_length(year):
            raise invalid(f"Invalid ordinal day {ordinal} for year {year}")
        return cal.days_from_civil(year, 1, 1) + ordinal - 1
    if "quarter" in f or "dayOfQuarter" in f:
        quarter = f.get("quarter", cal.quarter_of(bm) if base is not None else 1)
        doq = f.get("dayOfQuarter", cal.day_of_quarter(base) if base is not None else 1)
        if not (1 <= quarter <= 4 and 1 <= doq <= cal.quarter_length(year, quarter)):
            raise invalid(f"Invalid quarter date: quarter {quarter}, day {doq}")
        return cal.quarter_start(year, quarter) + doq - 1
    month = f.get("month", bm if base is not None else 1)
    day = f.get("day", bd if base is not None else 1)
    if not (1 <= month <= 12 and 1 <= day <= cal.month_length(year, month)):
        raise invalid(f"Invalid date: year {year}, month {month}, day {day}")
    return cal.days_from_civil(year, month, day)


def _time_from_fields(f: dict, base: int | None) -> int:
    if base is None:
        _need(f, "minute", "hour")
        _need(f, "second", "minute")
        for sub in ("millisecond", "microsecond", "nanosecond"):
            _need(f, sub, "second")
        base = 0
    secs, base_sub = divmod(base, NS)
    hour = f.get("hour", secs // 3600)
    minute = f.get("minute", secs // 60 % 60)
    second = f.get("second", secs % 60)
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise invalid(f"Invalid time: {hour}:{minute}:{second}")
    sub = _sub_second(f, base_sub)
    return ((hour * 60 + minute) * 60 + second) * NS + sub


def _sub_second(f: dict, base_sub: int) -> int:
    ms, us, ns = f.get("millisecond"), f.get("microsecond"), f.get("nanosecond")
    if ms is None and us is None and ns is None:
        return base_sub
    # Each given field's range depends on the coarser fields given with it.
    us_limit = 1000 if ms is not None else 1_000_000
    ns_limit = 1000 if us is not None else (1_000_000 if ms is not None else NS)
    if not (0 <= (ms or 0) < 1000 and 0 <= (us or 0) < us_limit and 0 <= (ns or 0) < ns_limit):
        raise invalid("Invalid sub-second field")
    given = (ms or 0) * 1_000_000 + (us or 0) * 1000 + (ns or 0)
    if ms is not None:
        return given
    # Finer fields alone keep the coarser digits of the selected value.
    if us is not None:
        return given if us >= 1000 else base_sub // 1_000_000 * 1_000_000 + given
    if ns >= 1_000_000:
        return given
    if ns >= 1000:
        return base_sub // 1_000_000 * 1_000_000 + given
    return base_sub // 1000 * 1000 + given
