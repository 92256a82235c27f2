"""Proleptic Gregorian calendar arithmetic on epoch days, for any year Cypher allows.

Python's `datetime` stops at years 1..9999, while Cypher dates run from -999,999,999 to
+999,999,999, so the conversions here are plain integer arithmetic (the era-based
civil-from-days algorithm: 400-year eras of 146,097 days).

>>> days_from_civil(1970, 1, 1), civil_from_days(0)
(0, (1970, 1, 1))
>>> week_date(days_from_civil(1984, 1, 1))
(1983, 52, 7)
"""

from __future__ import annotations

NANOS_PER_SECOND = 1_000_000_000
SECONDS_PER_DAY = 86_400
NANOS_PER_DAY = SECONDS_PER_DAY * NANOS_PER_SECOND
MIN_YEAR = -999_999_999
MAX_YEAR = 999_999_999

_DAYS_BEFORE_MONTH = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def month_length(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def year_length(year: int) -> int:
    return 366 if is_leap(year) else 365


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a valid (year, month, day)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    mp = (month + 9) % 12  # March = 0
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def civil_from_days(days: int) -> tuple[int, int, int]:
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def day_of_week(days: int) -> int:
    """ISO day of week: Monday = 1 ... Sunday = 7 (1970-01-01 was a Thursday)."""
    return (days + 3) % 7 + 1


def ordinal_day(days: int) -> int:
    year = civil_from_days(days)[0]
    return days - days_from_civil(year, 1, 1) + 1


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> int:
    return days_from_civil(year, 3 * quarter - 2, 1)


def day_of_quarter(days: int) -> int:
    year, month, _ = civil_from_days(days)
    return days - quarter_start(year, quarter_of(month)) + 1


def quarter_length(year: int, quarter: int) -> int:
    first = 3 * quarter - 2
    return sum(month_length(year, m) for m in range(first, first + 3))


def week_year_start(week_year: int) -> int:
    """Epoch day of the Monday of ISO week 1 (the week holding 4 January)."""
    jan4 = days_from_civil(week_year, 1, 4)
    return jan4 - (day_of_week(jan4) - 1)


def weeks_in_week_year(week_year: int) -> int:
    return (week_year_start(week_year + 1) - week_year_start(week_year)) // 7


def week_date(days: int) -> tuple[int, int, int]:
    """(ISO week-based year, week 1..53, day of week 1..7)."""
    year = civil_from_days(days)[0]
    week_year = year + 1
    if days < week_year_start(week_year):
        week_year = year
        if days < week_year_start(week_year):
            week_year = year - 1
    week = (days - week_year_start(week_year)) // 7 + 1
    return week_year, week, day_of_week(days)


def days_from_week_date(week_year: int, week: int, dow: int) -> int:
    return week_year_start(week_year) + (week - 1) * 7 + dow - 1


def add_months(days: int, months: int) -> int:
    """Move by calendar months, clamping the day to the target month's length."""
    if months == 0:
        return days
    year, month, day = civil_from_days(days)
    total = year * 12 + (month - 1) + months
    year, month = total // 12, total % 12 + 1
    return days_from_civil(year, month, min(day, month_length(year, month)))
