"""Accessors, construction rules and errors, comparison and ordering, between, truncate."""

import pytest

from tugraph_bolt.cypher import temporal
from tugraph_bolt.errors import CypherArgumentError, CypherTypeError
from tugraph_bolt.values import Date, Duration

from .helpers import call, s


def test_accessors_on_a_negative_duration_follow_truncating_division():
    d = call("duration", "PT-1H-30M-0.5S")
    assert temporal.get_field(d, "hours") == -1
    assert temporal.get_field(d, "minutes") == -90
    assert temporal.get_field(d, "minutesOfHour") == -30
    assert temporal.get_field(d, "seconds") == -5401
    assert temporal.get_field(d, "nanosecondsOfSecond") == 500_000_000
    assert temporal.get_field(d, "milliseconds") == -5400500


def test_zone_accessors():
    fixed = call("datetime", "2015-07-21T21:40:32-02:30")
    assert temporal.get_field(fixed, "timezone") == "-02:30"
    assert temporal.get_field(fixed, "offsetMinutes") == -150
    assert temporal.get_field(fixed, "epochSeconds") == fixed.seconds
    named = call("datetime", "2015-01-21T21:40:32[Europe/London]")
    assert temporal.get_field(named, "timezone") == "Europe/London"
    assert temporal.get_field(named, "offset") == "Z"
    assert temporal.get_field(call("date", "2015-01-01"), "YEAR") == 2015  # case-insensitive


@pytest.mark.parametrize(
    "value,field",
    [(Date(0), "hour"), (Date(0), "timezone"), (Duration(0, 0, 0, 0), "year"), (Date(0), "nope")],
)
def test_unknown_fields_raise(value, field):
    with pytest.raises(CypherArgumentError):
        temporal.get_field(value, field)


def test_type_names_and_null():
    assert temporal.type_name(call("date", "2015-01-01")) == "Date"
    assert temporal.type_name(call("datetime", "2015-01-01T00:00Z")) == "DateTime"
    assert temporal.is_temporal(Duration(0, 0, 0, 0)) and not temporal.is_temporal(1)
    assert temporal.get_field(None, "year") is None
    assert call("date", None) is None and call("duration", None) is None


@pytest.mark.parametrize(
    "kind,fields",
    [
        ("date", {"month": 1}),
        ("date", {"year": 2015, "day": 3}),
        ("date", {"year": 2015, "month": 2, "day": 29}),
        ("date", {"year": 2015, "week": 54}),
        ("date", {"year": 2015, "quarter": 5}),
        ("date", {"year": 2015, "ordinalDay": 366}),
        ("date", {"year": 2015, "hour": 1}),
        ("localtime", {"minute": 1}),
        ("localtime", {"hour": 24}),
        ("localtime", {"hour": 1, "minute": 2, "second": 3, "millisecond": 1000}),
        ("localtime", {"hour": 1, "timezone": "+01:00", "year": 1}),
        ("datetime", {"year": 2015, "timezone": "Nowhere/Special"}),
        ("duration", {"fortnights": 1}),
    ],
)
def test_invalid_maps_are_argument_errors(kind, fields):
    with pytest.raises(CypherArgumentError):
        call(kind, fields)


def test_wrong_types_are_type_errors():
    with pytest.raises(CypherTypeError):
        call("date", 20150721)
    with pytest.raises(CypherTypeError):
        call("date", {"year": "2015"})
    with pytest.raises(CypherTypeError):
        call("duration", {"days": "1"})


def test_compare_and_equality():
    a = call("datetime", "2015-07-21T21:00+01:00")
    b = call("datetime", "2015-07-21T20:00Z")
    assert temporal.compare(a, b) == 0 and temporal.equals(a, b) is True
    assert temporal.compare(call("time", "10:00+01:00"), call("time", "09:30Z")) == -1
    assert temporal.compare(Date(0), call("localdatetime", "1970-01-01")) is None
    assert temporal.compare(Duration(1, 0, 0, 0), Duration(2, 0, 0, 0)) is None
    assert temporal.equals(Date(0), Duration(0, 0, 0, 0)) is False
    assert temporal.equals(call("duration", "PT70S"), call("duration", "PT1M10S")) is True
    assert temporal.equals(call("duration", "P1M"), call("duration", "P30D")) is False
    assert temporal.equals(None, Date(0)) is None


def test_order_key_sorts_within_a_type():
    texts = ["2015-07-21T21:00+01:00", "2015-07-21T20:30Z", "1999-01-01T00:00[Asia/Tokyo]"]
    values = [call("datetime", t) for t in texts]
    ordered = sorted(values, key=temporal.order_key_part)
    assert [s(v) for v in ordered] == [
        "1999-01-01T00:00+09:00[Asia/Tokyo]",
        "2015-07-21T21:00+01:00",
        "2015-07-21T20:30Z",
    ]
    durations = sorted(
        [call("duration", t) for t in ("P1M", "P29D", "PT1H")], key=temporal.order_key_part
    )
    assert [s(d) for d in durations] == ["PT1H", "P29D", "P1M"]


def test_between_across_extreme_years_and_units():
    start, end = (
        call("localdatetime", "-999999999-01-01"),
        call("localdatetime", "+999999999-12-31T23:59:59"),
    )
    assert s(call("duration.inSeconds".lower(), start, end)) == "PT17531639991215H59M59S"
    assert (
        s(call("duration.between", call("date", "2020-02-29"), call("date", "2021-02-28")))
        == "P11M30D"
    )
    assert (
        s(call("duration.indays", call("date", "2021-02-28"), call("date", "2020-02-29")))
        == "P-365D"
    )
    assert (
        s(call("duration.between", call("localtime", "23:00"), call("localtime", "01:00")))
        == "PT-22H"
    )


def test_truncate_rules():
    dt = call("datetime", "2017-10-11T12:31:14.645876123[Europe/Stockholm]")
    assert (
        s(call("datetime.truncate", "millennium", dt)) == "2000-01-01T00:00+01:00[Europe/Stockholm]"
    )
    assert (
        s(call("datetime.truncate", "hour", dt, {"minute": 5}))
        == "2017-10-11T12:05+02:00[Europe/Stockholm]"
    )
    assert s(call("date.truncate", "century", call("date", "-0150-06-01"))) == "-0200-01-01"
    assert s(call("localtime.truncate", "DAY", call("localtime", "12:00"))) == "00:00"
    with pytest.raises(CypherArgumentError):
        call("date.truncate", "hour", call("date", "2015-01-01"))
    with pytest.raises(CypherArgumentError):
        call("localtime.truncate", "year", call("localtime", "12:00"))
    with pytest.raises(CypherArgumentError):
        call("date.truncate", "fortnight", call("date", "2015-01-01"))
    assert call("date.truncate", "year", None) is None
