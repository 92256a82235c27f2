"""Property access on temporal values (`d.year`, `dt.timezone`, `dur.minutes`), their
Cypher type names and their string forms.

>>> from tugraph_bolt.values import Duration
>>> get_field(Duration(16, 10, 3661, 111111111), 'monthsOfYear')
4
"""

from __future__ import annotations

from tugraph_bolt.errors import CypherArgumentError
from tugraph_bolt.values import Date, DateTime, Duration, LocalDateTime, LocalTime, Point, Time

from . import calendar as cal
from . import text
from .model import NS, local_parts
from .zones import format_offset

_TYPE_NAMES = {
    Date: "Date",
    LocalTime: "LocalTime",
    Time: "Time",
    LocalDateTime: "LocalDateTime",
    DateTime: "DateTime",
    Duration: "Duration",
    Point: "Point",
}


def is_temporal(v) -> bool:
    return type(v) in _TYPE_NAMES and type(v) is not Point


def type_name(v) -> str:
    return _TYPE_NAMES[type(v)]


def to_string(v) -> str:
    """The Cypher string form, e.g. '2015-07-21T21:40:32.142+01:00[Europe/London]'."""
    if isinstance(v, Duration):
        return text.format_duration(v)
    if isinstance(v, Point):
        from tugraph_bolt.cypher import spatial

        return spatial.to_string(v)
    days, nanos, _ = local_parts(v)
    if isinstance(v, Date):
        return text.format_date(days)
    if isinstance(v, LocalTime):
        return text.format_time(nanos)
    if isinstance(v, Time):
        return text.format_time(nanos) + format_offset(v.offset_seconds)
    stamp = text.format_date(days) + "T" + text.format_time(nanos)
    if isinstance(v, LocalDateTime):
        return stamp
    return stamp + text.format_zoned(v.offset_seconds, v.tz_id)


def _java_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _java_mod(a: int, b: int) -> int:
    return a - b * _java_div(a, b)


def _no_such_field(v, name: str) -> CypherArgumentError:
    return CypherArgumentError(
        f"No such field: {name} on {type_name(v)}", detail="InvalidArgumentValue"
    )


def _date_field(days: int, name: str):
    year, month, day = cal.civil_from_days(days)
    if name == "year":
        return year
    if name == "month":
        return month
    if name == "day":
        return day
    if name == "quarter":
        return cal.quarter_of(month)
    if name in ("week", "weekyear"):
        wy, week, _ = cal.week_date(days)
        return week if name == "week" else wy
    if name in ("weekday", "dayofweek"):
        return cal.day_of_week(days)
    if name == "ordinalday":
        return cal.ordinal_day(days)
    if name == "dayofquarter":
        return cal.day_of_quarter(days)
    return _MISSING


def _time_field(nanos: int, name: str):
    secs, sub = divmod(nanos, NS)
    if name == "hour":
        return secs // 3600
    if name == "minute":
        return secs // 60 % 60
    if name == "second":
        return secs % 60
    if name == "millisecond":
        return sub // 1_000_000
    if name == "microsecond":
        return sub // 1000
    if name == "nanosecond":
        return sub
    return _MISSING


def _zone_field(v, name: str):
    offset = v.offset_seconds
    if name == "timezone":
        return v.tz_id if isinstance(v, DateTime) and v.tz_id else format_offset(offset)
    if name == "offset":
        return format_offset(offset)
    if name == "offsetminutes":
        return _java_div(offset, 60)
    if name == "offsetseconds":
        return offset
    if isinstance(v, DateTime):
        if name == "epochseconds":
            return v.seconds
        if name == "epochmillis":
            return v.seconds * 1000 + v.nanos // 1_000_000
    return _MISSING


def _duration_field(d: Duration, name: str):
    months, days, seconds, nanos = d.months, d.days, d.seconds, d.nanos
    table = {
        "years": lambda: _java_div(months, 12),
        "quarters": lambda: _java_div(months, 3),
        "months": lambda: months,
        "weeks": lambda: _java_div(days, 7),
        "days": lambda: days,
        "hours": lambda: _java_div(seconds, 3600),
        "minutes": lambda: _java_div(seconds, 60),
        "seconds": lambda: seconds,
        "milliseconds": lambda: seconds * 1000 + nanos // 1_000_000,
        "microseconds": lambda: seconds * 1_000_000 + nanos // 1000,
        "nanoseconds": lambda: seconds * NS + nanos,
        "quartersofyear": lambda: _java_div(_java_mod(months, 12), 3),
        "monthsofquarter": lambda: _java_mod(months, 3),
        "monthsofyear": lambda: _java_mod(months, 12),
        "daysofweek": lambda: _java_mod(days, 7),
        "minutesofhour": lambda: _java_mod(_java_div(seconds, 60), 60),
        "secondsofminute": lambda: _java_mod(seconds, 60),
        "millisecondsofsecond": lambda: nanos // 1_000_000,
        "microsecondsofsecond": lambda: nanos // 1000,
        "nanosecondsofsecond": lambda: nanos,
    }
    getter = table.get(name)
    return _MISSING if getter is None else getter()


_MISSING = object()


def get_field(v, name: str):
    """`v.name` for a temporal value or a Point (field names are case-insensitive)."""
    if v is None:
        return None
    if isinstance(v, Point):
        from tugraph_bolt.cypher import spatial

        return spatial.get_field(v, name)
    key = name.lower()
    result = _MISSING
    if isinstance(v, Duration):
        result = _duration_field(v, key)
    else:
        days, nanos, _ = local_parts(v)
        if days is not None:
            result = _date_field(days, key)
        if result is _MISSING and nanos is not None:
            result = _time_field(nanos, key)
        if result is _MISSING and isinstance(v, (Time, DateTime)):
            result = _zone_field(v, key)
    if result is _MISSING:
        raise _no_such_field(v, name)
    return result
