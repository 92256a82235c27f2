"""Epoch-day calendar arithmetic, checked against Python's datetime where it reaches."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tugraph_bolt.cypher.temporal import calendar as cal

EPOCH = date(1970, 1, 1)


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_civil_round_trip_matches_python(d):
    days = (d - EPOCH).days
    assert cal.days_from_civil(d.year, d.month, d.day) == days
    assert cal.civil_from_days(days) == (d.year, d.month, d.day)
    assert cal.week_date(days) == tuple(d.isocalendar())
    assert cal.day_of_week(days) == d.isoweekday()
    assert cal.ordinal_day(days) == d.timetuple().tm_yday
    wy, week, dow = d.isocalendar()
    assert cal.days_from_week_date(wy, week, dow) == days


@given(st.integers(min_value=-365_243_219_162, max_value=365_241_780_471))
def test_round_trip_over_the_whole_cypher_range(days):
    year, month, day = cal.civil_from_days(days)
    assert cal.MIN_YEAR <= year <= cal.MAX_YEAR
    assert cal.days_from_civil(year, month, day) == days


def test_extreme_years():
    assert cal.civil_from_days(cal.days_from_civil(-999_999_999, 1, 1)) == (-999_999_999, 1, 1)
    assert cal.civil_from_days(cal.days_from_civil(999_999_999, 12, 31)) == (999_999_999, 12, 31)
    assert cal.is_leap(2000) and not cal.is_leap(1900) and cal.is_leap(-4) and cal.is_leap(0)


def test_add_months_clamps():
    jan31 = cal.days_from_civil(2001, 1, 31)
    assert cal.civil_from_days(cal.add_months(jan31, 1)) == (2001, 2, 28)
    assert cal.civil_from_days(cal.add_months(jan31, -2)) == (2000, 11, 30)
    assert cal.add_months(jan31, 0) == jan31


def test_weeks_in_week_year():
    assert cal.weeks_in_week_year(2015) == 53
    assert cal.weeks_in_week_year(2016) == 52
    assert cal.week_year_start(2015) == (date(2014, 12, 29) - EPOCH).days
    assert (date(2015, 1, 1) + timedelta(0)).isocalendar()[1] == 1
