"""Conversions between the Bolt-shaped value classes and local (day, nanos, zone) parts.

Every temporal computation works on the *local* view: an epoch day (or None when the
type has no date), nanoseconds of the day (or None when it has no time) and a zone
(None for local types, an int offset, or an IANA name). Zoned values are rebuilt from
the local view by resolving the zone, so named zones follow daylight saving rules.

>>> local_parts(DateTime(0, 0, 3600, None))
(0, 3600000000000, 3600)
"""

from __future__ import annotations

from fractions import Fraction

from tugraph_bolt.errors import CypherArithmeticError
from tugraph_bolt.values import Date, DateTime, Duration, LocalDateTime, LocalTime, Time

from . import calendar as cal
from .zones import Zone, invalid, offsets_of_local, utc_of_local

NS = cal.NANOS_PER_SECOND
DAY = cal.SECONDS_PER_DAY
# Neo4j's average month (30.436875 days), used to spread fractional months.
SECONDS_PER_MONTH = 2_629_746

DATE_TYPES = (Date, LocalDateTime, DateTime)
TIME_TYPES = (LocalTime, Time, LocalDateTime, DateTime)
ZONED_TYPES = (Time, DateTime)


def zone_of(v) -> Zone | None:
    if isinstance(v, Time):
        return v.offset_seconds
    if isinstance(v, DateTime):
        return v.tz_id if v.tz_id else v.offset_seconds
    return None


def local_parts(v) -> tuple[int | None, int | None, Zone | None]:
    if isinstance(v, Date):
        return v.days, None, None
    if isinstance(v, LocalTime):
        return None, v.nanos, None
    if isinstance(v, Time):
        return None, v.nanos, v.offset_seconds
    if isinstance(v, LocalDateTime):
        days, secs = divmod(v.seconds, DAY)
        return days, secs * NS + v.nanos, None
    if isinstance(v, DateTime):
        days, secs = divmod(v.seconds + v.offset_seconds, DAY)
        return days, secs * NS + v.nanos, zone_of(v)
    raise TypeError(v)


def check_days(days: int) -> int:
    year = cal.civil_from_days(days)[0]
    if not cal.MIN_YEAR <= year <= cal.MAX_YEAR:
        raise invalid(f"Year {year} is out of the supported range")
    return days


def make_local_datetime(days: int, nanos: int) -> LocalDateTime:
    extra, nanos = divmod(nanos, DAY * NS)
    check_days(days + extra)
    secs, sub = divmod(nanos, NS)
    return LocalDateTime((days + extra) * DAY + secs, sub)


def make_datetime(days: int, nanos: int, zone: Zone, preferred: int | None = None) -> DateTime:
    """A DateTime at a local date-time in `zone` (`preferred` picks an overlap's offset)."""
    extra, nanos = divmod(nanos, DAY * NS)
    days = check_days(days + extra)
    secs, sub = divmod(nanos, NS)
    local = days * DAY + secs
    if preferred is not None and preferred in offsets_of_local(zone, local):
        utc, offset = local - preferred, preferred
    else:
        utc, offset = utc_of_local(zone, local)
    return DateTime(utc, sub, offset, zone if isinstance(zone, str) else None)


def datetime_at_instant(utc_seconds: int, nanos: int, zone: Zone) -> DateTime:
    from .zones import offset_at_instant

    extra, nanos = divmod(nanos, NS)
    utc_seconds += extra
    offset = offset_at_instant(zone, utc_seconds)
    return DateTime(utc_seconds, nanos, offset, zone if isinstance(zone, str) else None)


_INT64 = (-(2**63), 2**63 - 1)


def make_duration(months: int, days: int, seconds: int, nanos: int) -> Duration:
    """A Duration with nanos normalised into 0..999,999,999 (seconds take the carry)."""
    extra, nanos = divmod(nanos, NS)
    seconds += extra
    # Bolt and the store carry each component as a 64-bit integer.
    if any(not _INT64[0] <= part <= _INT64[1] for part in (months, days, seconds)):
        raise CypherArithmeticError("duration out of range", detail="IntegerOverflow")
    return Duration(months, days, seconds, nanos)


def _trunc(x: Fraction) -> int:
    return int(x)  # int() truncates Fractions toward zero


def duration_from_parts(months, days, seconds) -> Duration:
    """A Duration from possibly fractional months, days and seconds.

    Fractional months become seconds of an average month, of which whole days move to
    days; fractional days become seconds; fractional seconds become nanoseconds.
    """
    months, days, seconds = Fraction(months), Fraction(days), Fraction(seconds)
    whole_months = _trunc(months)
    month_seconds = (months - whole_months) * SECONDS_PER_MONTH
    month_days = _trunc(month_seconds / DAY)
    seconds += month_seconds - month_days * DAY
    days += month_days
    whole_days = _trunc(days)
    seconds += (days - whole_days) * DAY
    return make_duration(whole_months, whole_days, 0, _trunc(seconds * NS))
