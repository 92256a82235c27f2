"""The ISO 8601 text forms Cypher reads and writes for temporal values.

Reading accepts the extended and basic forms the openCypher TCK uses (calendar, week
and ordinal dates; times down to nanoseconds with '.' or ','; offsets with or without
colons; a bracketed IANA zone). Writing produces exactly what Neo4j prints: seconds and
fractions only when non-zero, fractions in groups of 3, 6 or 9 digits, 'Z' for UTC.

>>> parse_date('2015-W30-2') == parse_date('2015202')
True
>>> format_time(21 * 3600 * 10**9 + 40 * 60 * 10**9)
'21:40'
"""

from __future__ import annotations

import re
from fractions import Fraction

from tugraph_bolt.values import Duration

from . import calendar as cal
from .zones import format_offset, invalid, parse_offset, parse_zone

_Y = r"([+-]\d{4,9}|\d{4})"
_DATE_FORMS = (
    ("ymd", re.compile(_Y + r"-(\d{2})-(\d{2})")),
    ("ymd", re.compile(r"(\d{4})(\d{2})(\d{2})")),
    ("ywd", re.compile(_Y + r"-W(\d{2})(?:-(\d))?")),
    ("ywd", re.compile(_Y + r"W(\d{2})(\d)?")),
    ("yd", re.compile(_Y + r"-(\d{3})")),
    ("yd", re.compile(r"(\d{4})(\d{3})")),
    ("ym", re.compile(_Y + r"-(\d{2})")),
    ("ym", re.compile(r"(\d{4})(\d{2})")),
    ("y", re.compile(_Y)),
)
_TIME = re.compile(
    r"(\d{2})(?:(:?)(\d{2})(?:\2(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(?:\[([^\]]+)\])?"
)
_NUM = r"([+-]?\d+(?:[.,]\d+)?)"
_DURATION = re.compile(
    rf"([+-])?P(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?"
    rf"(?:T(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?",
    re.IGNORECASE,
)
_DURATION_ALT = re.compile(
    r"([+-])?P(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2}(?:[.,]\d{1,9})?)", re.IGNORECASE
)


def _bad(kind: str, text: str):
    return invalid(f"Text cannot be parsed to a {kind}: '{text}'")


def _check_year(year: int, text: str) -> int:
    if not cal.MIN_YEAR <= year <= cal.MAX_YEAR:
        raise _bad("Date", text)
    return year


def parse_date(text: str) -> int:
    """Epoch day of a date string."""
    for form, pattern in _DATE_FORMS:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        year = _check_year(int(m.group(1)), text)
        if form == "ymd" or form == "ym":
            month = int(m.group(2))
            day = int(m.group(3)) if form == "ymd" else 1
            if not (1 <= month <= 12 and 1 <= day <= cal.month_length(year, month)):
                raise _bad("Date", text)
            return cal.days_from_civil(year, month, day)
        if form == "ywd":
            week, dow = int(m.group(2)), int(m.group(3) or 1)
            if not (1 <= week <= cal.weeks_in_week_year(year) and 1 <= dow <= 7):
                raise _bad("Date", text)
            return cal.days_from_week_date(year, week, dow)
        if form == "yd":
            ordinal = int(m.group(2))
            if not 1 <= ordinal <= cal.year_length(year):
                raise _bad("Date", text)
            return cal.days_from_civil(year, 1, 1) + ordinal - 1
        return cal.days_from_civil(year, 1, 1)
    raise _bad("Date", text)


def parse_time(text: str, kind: str = "Time") -> tuple[int, int | None, str | None]:
    """(local nanos of day, offset seconds or None, zone name or None)."""
    m = _TIME.fullmatch(text)
    if m is None:
        raise _bad(kind, text)
    hh, _, mm, ss, frac, offset, name = m.groups()
    hour, minute, second = int(hh), int(mm or 0), int(ss or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise _bad(kind, text)
    nanos = ((hour * 60 + minute) * 60 + second) * cal.NANOS_PER_SECOND
    if frac:
        nanos += int(frac.ljust(9, "0"))
    off = parse_offset(offset) if offset else None
    if name is not None:
        parse_zone(name)  # validates
    return nanos, off, name


def parse_datetime(text: str, kind: str = "DateTime"):
    """(epoch day, local nanos, offset or None, zone name or None)."""
    head = text.split("[", 1)[0]
    split = next((i for i, ch in enumerate(head) if ch in "Tt"), -1)
    if split < 0:
        # A date alone, possibly followed by a bracketed zone.
        bracket = text.find("[")
        date_text = text if bracket < 0 else text[:bracket]
        name = None if bracket < 0 else text[bracket + 1 : -1]
        if bracket >= 0 and not text.endswith("]"):
            raise _bad(kind, text)
        if name is not None:
            parse_zone(name)
        return parse_date(date_text), 0, None, name
    days = parse_date(text[:split])
    nanos, off, name = parse_time(text[split + 1 :], kind)
    return days, nanos, off, name


def _fraction(text: str | None) -> Fraction:
    return Fraction(text.replace(",", ".")) if text else Fraction(0)


def parse_duration(text: str) -> dict:
    """Duration components (as Fractions) keyed like the duration() map."""
    m = _DURATION.fullmatch(text)
    if (
        m is not None
        and any(g is not None for g in m.groups()[1:])
        and not text.upper().endswith("T")
    ):
        sign = -1 if m.group(1) == "-" else 1
        keys = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")
        return {k: sign * _fraction(g) for k, g in zip(keys, m.groups()[1:], strict=True) if g}
    m = _DURATION_ALT.fullmatch(text)
    if m is not None:
        sign = -1 if m.group(1) == "-" else 1
        keys = ("years", "months", "days", "hours", "minutes", "seconds")
        return {k: sign * _fraction(g) for k, g in zip(keys, m.groups()[1:], strict=True)}
    raise _bad("Duration", text)


# --- writing ---------------------------------------------------------------------------


def format_year(year: int) -> str:
    if abs(year) < 1000:
        return ("-" if year < 0 else "") + f"{abs(year):04d}"
    return f"+{year}" if year > 9999 else str(year)


def format_date(days: int) -> str:
    year, month, day = cal.civil_from_days(days)
    return f"{format_year(year)}-{month:02d}-{day:02d}"


def _fraction_digits(nanos: int) -> str:
    if nanos % 1_000_000 == 0:
        return f"{nanos // 1_000_000:03d}"
    if nanos % 1_000 == 0:
        return f"{nanos // 1_000:06d}"
    return f"{nanos:09d}"


def format_time(nanos: int) -> str:
    seconds, sub = divmod(nanos, cal.NANOS_PER_SECOND)
    text = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}"
    if seconds % 60 or sub:
        text += f":{seconds % 60:02d}"
        if sub:
            text += "." + _fraction_digits(sub)
    return text


def format_zoned(offset: int, tz_id: str | None) -> str:
    return format_offset(offset) + (f"[{tz_id}]" if tz_id else "")


def format_duration(d: Duration) -> str:
    years = int(d.months / 12) if d.months >= 0 else -((-d.months) // 12)
    months = d.months - 12 * years
    text = "P"
    if years:
        text += f"{years}Y"
    if months:
        text += f"{months}M"
    if d.days:
        text += f"{d.days}D"
    total = d.seconds * cal.NANOS_PER_SECOND + d.nanos
    if total:
        sign = "-" if total < 0 else ""
        seconds, sub = divmod(abs(total), cal.NANOS_PER_SECOND)
        hours, minutes, secs = seconds // 3600, seconds // 60 % 60, seconds % 60
        text += "T"
        if hours:
            text += f"{sign}{hours}H"
        if minutes:
            text += f"{sign}{minutes}M"
        if secs or sub:
            frac = f".{sub:09d}".rstrip("0") if sub else ""
            text += f"{sign}{secs}{frac}S"
    if text == "P":
        return "PT0S"
    return text
