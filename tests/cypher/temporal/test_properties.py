"""Property tests: printing then parsing returns the value; + and - undo each other."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tugraph_bolt.cypher import temporal
from tugraph_bolt.cypher.temporal import calendar as cal
from tugraph_bolt.errors import CypherArgumentError
from tugraph_bolt.values import Date, DateTime, Duration, LocalDateTime, LocalTime, Time

from .helpers import call

DAYS = st.integers(
    cal.days_from_civil(-999_999_999, 1, 2), cal.days_from_civil(999_999_999, 12, 30)
)
NANOS_OF_DAY = st.integers(0, cal.NANOS_PER_DAY - 1)
OFFSETS = st.integers(-18 * 3600, 18 * 3600)
ZONES = st.sampled_from(
    ["Europe/Stockholm", "America/New_York", "Australia/Eucla", "Asia/Kolkata", "UTC"]
)


@st.composite
def local_datetimes(draw):
    days, nanos = draw(DAYS), draw(NANOS_OF_DAY)
    return LocalDateTime(days * 86400 + nanos // 10**9, nanos % 10**9)


@st.composite
def durations(draw):
    return Duration(
        draw(st.integers(-(10**6), 10**6)),
        draw(st.integers(-(10**7), 10**7)),
        draw(st.integers(-(10**11), 10**11)),
        draw(st.integers(0, 10**9 - 1)),
    )


@settings(max_examples=200)
@given(DAYS, NANOS_OF_DAY, OFFSETS)
def test_print_then_parse_round_trips(days, nanos, offset):
    cases = [
        ("date", Date(days)),
        ("localtime", LocalTime(nanos)),
        ("time", Time(nanos, offset)),
        ("localdatetime", LocalDateTime(days * 86400 + nanos // 10**9, nanos % 10**9)),
        ("datetime", DateTime(days * 86400 + nanos // 10**9, nanos % 10**9, offset, None)),
    ]
    for kind, value in cases:
        assert call(kind, temporal.to_string(value)) == value


@settings(max_examples=100)
@given(st.integers(-(10**12), 10**12), st.integers(0, 10**9 - 1), ZONES)
def test_named_zone_datetimes_round_trip(seconds, nanos, zone):
    value = call("datetime", {"epochSeconds": seconds, "nanosecond": nanos, "timezone": zone})
    assert call("datetime", temporal.to_string(value)) == value


@settings(max_examples=200)
@given(durations())
def test_durations_round_trip_through_text(d):
    normal = temporal.add(d, Duration(0, 0, 0, 0))
    assert call("duration", temporal.to_string(d)) == normal


@settings(max_examples=200)
@given(local_datetimes(), st.integers(-(10**12), 10**12), st.integers(0, 10**9 - 1))
def test_adding_then_subtracting_elapsed_time_is_identity(value, seconds, nanos):
    d = Duration(0, 0, seconds, nanos)
    try:
        moved = temporal.add(value, d)
    except CypherArgumentError:  # left the supported year range
        return
    assert temporal.sub(moved, d) == value
    assert temporal.between(value, moved, "seconds") == temporal.add(d, Duration(0, 0, 0, 0))


@settings(max_examples=200)
@given(local_datetimes(), local_datetimes())
def test_between_then_add_lands_on_the_target(a, b):
    d = temporal.between(a, b)
    assert temporal.add(a, d) == b
    assert temporal.compare(a, b) == (temporal.order_key_part(a) > temporal.order_key_part(b)) - (
        temporal.order_key_part(a) < temporal.order_key_part(b)
    )
