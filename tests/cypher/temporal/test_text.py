"""Parsing and printing temporal strings, including years outside 1..9999."""

import pytest

from tugraph_bolt.errors import CypherArgumentError

from .helpers import call, s


@pytest.mark.parametrize(
    "kind,text,expected",
    [
        ("date", "2015-07-21", "2015-07-21"),
        ("date", "+2015-07-21", "2015-07-21"),
        ("date", "0028-11-11", "0028-11-11"),
        ("date", "-0001-01-01", "-0001-01-01"),
        ("date", "+10000-01-01", "+10000-01-01"),
        ("date", "-999999999-01-01", "-999999999-01-01"),
        ("date", "2016-02-29", "2016-02-29"),
        ("date", "2015-W53-7", "2016-01-03"),
        ("localtime", "21:40:32,5", "21:40:32.500"),
        ("localtime", "00:00:00.000001", "00:00:00.000001"),
        ("time", "12:00-18:00", "12:00-18:00"),
        ("time", "12:00:00.1+05:45", "12:00:00.100+05:45"),
        ("localdatetime", "2015-07-21", "2015-07-21T00:00"),
        (
            "localdatetime",
            "+999999999-12-31T23:59:59.999999999",
            "+999999999-12-31T23:59:59.999999999",
        ),
        ("datetime", "2015-07-21T21:40:32Z", "2015-07-21T21:40:32Z"),
        ("datetime", "2015-01-21T21:40:32[Europe/London]", "2015-01-21T21:40:32Z[Europe/London]"),
        (
            "datetime",
            "2015-07-21T21:40:32.142+01:00[Europe/London]",
            "2015-07-21T21:40:32.142+01:00[Europe/London]",
        ),
        ("datetime", "+12345-07-21T00:00Z", "+12345-07-21T00:00Z"),
    ],
)
def test_parse_and_print(kind, text, expected):
    assert s(call(kind, text)) == expected


@pytest.mark.parametrize(
    "kind,text",
    [
        ("date", "2015-02-29"),
        ("date", "2015-13-01"),
        ("date", "2015-W54"),
        ("date", "2015-366"),
        ("date", "15-07-21"),
        ("date", "not a date"),
        ("localtime", "24:00"),
        ("localtime", "12:60"),
        ("localtime", "12:00+01:00"),
        ("time", "12:00+19:00"),
        ("localdatetime", "2015-07-21T12:00Z"),
        ("datetime", "2015-07-21T12:00[Mars/Olympus_Mons]"),
        ("duration", "P"),
        ("duration", "PT"),
        ("duration", "1D"),
    ],
)
def test_bad_strings_are_argument_errors(kind, text):
    with pytest.raises(CypherArgumentError) as info:
        call(kind, text)
    assert info.value.detail == "InvalidArgumentValue"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("PT0S", "PT0S"),
        ("P1D", "P1D"),
        ("-P1DT2H", "P-1DT-2H"),
        ("PT-0.5S", "PT-0.5S"),
        ("PT1.000000001S", "PT1.000000001S"),
        ("PT36H", "PT36H"),
        ("P1Y13M", "P2Y1M"),
        ("P20120202T143721.545", "P2012Y2M2DT14H37M21.545S"),
    ],
)
def test_duration_strings(text, expected):
    assert s(call("duration", text)) == expected


def test_fraction_digits_come_in_groups_of_three():
    assert (
        s(call("localtime", {"hour": 1, "minute": 2, "second": 3, "millisecond": 100}))
        == "01:02:03.100"
    )
    assert (
        s(call("localtime", {"hour": 1, "minute": 2, "second": 3, "microsecond": 120}))
        == "01:02:03.000120"
    )
    assert (
        s(call("localtime", {"hour": 1, "minute": 2, "second": 3, "nanosecond": 1230}))
        == "01:02:03.000001230"
    )
