"""Temporal + - * / (cases from openCypher's Temporal8 and Neo4j's documented rules)."""

import pytest

from tugraph_bolt.cypher import temporal
from tugraph_bolt.errors import CypherArithmeticError, CypherTypeError
from tugraph_bolt.values import Date, Duration

from .helpers import call, s

D_WHOLE = {
    "years": 12,
    "months": 5,
    "days": 14,
    "hours": 16,
    "minutes": 12,
    "seconds": 70,
    "nanoseconds": 2,
}
D_MIXED = {"months": 1, "days": -14, "hours": 16, "minutes": -12, "seconds": 70}
D_FRACTION = {
    "years": 12.5,
    "months": 5.5,
    "days": 14.5,
    "hours": 16.5,
    "minutes": 12.5,
    "seconds": 70.5,
    "nanoseconds": 3,
}

BASES = {
    "date": ("date", {"year": 1984, "month": 10, "day": 11}),
    "localtime": ("localtime", {"hour": 12, "minute": 31, "second": 14, "nanosecond": 1}),
    "time": (
        "time",
        {"hour": 12, "minute": 31, "second": 14, "nanosecond": 1, "timezone": "+01:00"},
    ),
    "localdatetime": (
        "localdatetime",
        {
            "year": 1984,
            "month": 10,
            "day": 11,
            "hour": 12,
            "minute": 31,
            "second": 14,
            "nanosecond": 1,
        },
    ),
    "datetime": (
        "datetime",
        {
            "year": 1984,
            "month": 10,
            "day": 11,
            "hour": 12,
            "minute": 31,
            "second": 14,
            "nanosecond": 1,
            "timezone": "+01:00",
        },
    ),
}

PLUS_MINUS = [
    ("date", D_WHOLE, "1997-03-25", "1972-04-27"),
    ("date", D_MIXED, "1984-10-28", "1984-09-25"),
    ("date", D_FRACTION, "1997-10-11", "1971-10-12"),
    ("localtime", D_WHOLE, "04:44:24.000000003", "20:18:03.999999999"),
    ("localtime", D_MIXED, "04:20:24.000000001", "20:42:04.000000001"),
    ("localtime", D_FRACTION, "22:29:27.500000004", "02:33:00.499999998"),
    ("time", D_WHOLE, "04:44:24.000000003+01:00", "20:18:03.999999999+01:00"),
    ("time", D_FRACTION, "22:29:27.500000004+01:00", "02:33:00.499999998+01:00"),
    ("localdatetime", D_WHOLE, "1997-03-26T04:44:24.000000003", "1972-04-26T20:18:03.999999999"),
    ("localdatetime", D_MIXED, "1984-10-29T04:20:24.000000001", "1984-09-24T20:42:04.000000001"),
    ("localdatetime", D_FRACTION, "1997-10-11T22:29:27.500000004", "1971-10-12T02:33:00.499999998"),
    (
        "datetime",
        D_WHOLE,
        "1997-03-26T04:44:24.000000003+01:00",
        "1972-04-26T20:18:03.999999999+01:00",
    ),
    (
        "datetime",
        D_MIXED,
        "1984-10-29T04:20:24.000000001+01:00",
        "1984-09-24T20:42:04.000000001+01:00",
    ),
    (
        "datetime",
        D_FRACTION,
        "1997-10-11T22:29:27.500000004+01:00",
        "1971-10-12T02:33:00.499999998+01:00",
    ),
]


@pytest.mark.parametrize("kind,dur,total,difference", PLUS_MINUS)
def test_temporal_plus_and_minus_duration(kind, dur, total, difference):
    name, fields = BASES[kind]
    x, d = call(name, fields), call("duration", dur)
    assert s(temporal.add(x, d)) == total
    assert s(temporal.add(d, x)) == total  # duration + temporal commutes
    assert s(temporal.sub(x, d)) == difference


DURATION_SUMS = [
    (D_WHOLE, D_WHOLE, "P24Y10M28DT32H26M20.000000004S", "PT0S"),
    (D_MIXED, D_MIXED, "P2M-28DT31H38M20S", "PT0S"),
    (D_FRACTION, D_MIXED, "P13Y15DT49H47M23.500000003S", "P12Y10M43DT18H9M3.500000003S"),
    (D_MIXED, D_FRACTION, "P13Y15DT49H47M23.500000003S", "P-12Y-10M-43DT-18H-9M-3.500000003S"),
]


@pytest.mark.parametrize("left,right,total,difference", DURATION_SUMS)
def test_duration_plus_and_minus_duration(left, right, total, difference):
    a, b = call("duration", left), call("duration", right)
    assert s(temporal.add(a, b)) == total
    assert s(temporal.sub(a, b)) == difference


@pytest.mark.parametrize(
    "factor,product,quotient",
    [
        (1, "P12Y5M14DT16H13M10.000000001S", "P12Y5M14DT16H13M10.000000001S"),
        (2, "P24Y10M28DT32H26M20.000000002S", "P6Y2M22DT13H21M8S"),
        (0.5, "P6Y2M22DT13H21M8S", "P24Y10M28DT32H26M20.000000002S"),
    ],
)
def test_duration_times_and_divided_by_number(factor, product, quotient):
    d = call("duration", {**D_WHOLE, "nanoseconds": 1})
    assert s(temporal.mul(d, factor)) == product
    assert s(temporal.mul(factor, d)) == product
    assert s(temporal.div(d, factor)) == quotient


def test_adding_a_month_clamps_to_the_end_of_the_month():
    jan31 = call("date", "2001-01-31")
    assert s(temporal.add(jan31, call("duration", "P1M"))) == "2001-02-28"
    assert s(temporal.add(call("date", "2004-01-31"), call("duration", "P1M"))) == "2004-02-29"


def test_date_takes_only_whole_days_of_the_time_part():
    d = call("date", "2020-01-01")
    assert s(temporal.add(d, call("duration", "PT23H59M"))) == "2020-01-01"
    assert s(temporal.add(d, call("duration", "PT49H"))) == "2020-01-03"
    assert s(temporal.sub(d, call("duration", "PT25H"))) == "2019-12-31"


def test_named_zone_days_are_calendar_days_and_hours_are_elapsed_time():
    # Europe/Stockholm leaves summer time at 2017-10-29T03:00+02:00.
    before = call("datetime", "2017-10-28T12:00[Europe/Stockholm]")
    assert (
        s(temporal.add(before, call("duration", "P1D")))
        == "2017-10-29T12:00+01:00[Europe/Stockholm]"
    )
    assert (
        s(temporal.add(before, call("duration", "PT24H")))
        == "2017-10-29T11:00+01:00[Europe/Stockholm]"
    )


def test_time_arithmetic_wraps_around_midnight():
    t = call("localtime", "23:30")
    assert s(temporal.add(t, call("duration", "PT45M"))) == "00:15"
    assert s(temporal.sub(call("localtime", "00:15"), call("duration", "P3DT45M"))) == "23:30"


def test_negation_and_null_propagation():
    d = call("duration", "P1Y2M3DT4H")
    assert s(temporal.negate(d)) == "P-1Y-2M-3DT-4H"
    assert temporal.add(None, d) is None
    assert temporal.sub(Date(0), None) is None
    assert temporal.mul(None, 2) is None


def test_invalid_operands_raise_type_errors():
    with pytest.raises(CypherTypeError):
        temporal.add(Date(0), Date(1))
    with pytest.raises(CypherTypeError):
        temporal.mul(Date(0), 2)
    with pytest.raises(CypherArithmeticError):
        temporal.div(Duration(1, 0, 0, 0), 0)


def test_duration_components_stay_64_bit():
    big = Duration(0, 0, 2**62, 0)
    with pytest.raises(CypherArithmeticError):
        temporal.add(big, big)
    with pytest.raises(CypherArithmeticError):
        temporal.mul(big, 4)
