"""Time zones (offsets, IANA names, daylight saving gaps and overlaps) and `now`."""

import pytest

from tugraph_bolt.cypher.temporal import zones
from tugraph_bolt.errors import CypherArgumentError

from .helpers import NOW, call, s


def test_gap_moves_forward_by_the_gap_length():
    # 2017-03-26 02:00..03:00 does not exist in Stockholm.
    assert (
        s(call("datetime", "2017-03-26T02:30[Europe/Stockholm]"))
        == "2017-03-26T03:30+02:00[Europe/Stockholm]"
    )


def test_overlap_prefers_the_earlier_offset_unless_one_is_given():
    assert (
        s(call("datetime", "2017-10-29T02:30[Europe/Stockholm]"))
        == "2017-10-29T02:30+02:00[Europe/Stockholm]"
    )
    later = call("datetime", "2017-10-29T02:30+01:00[Europe/Stockholm]")
    assert s(later) == "2017-10-29T02:30+01:00[Europe/Stockholm]"
    earlier = call("datetime", "2017-10-29T02:30+02:00[Europe/Stockholm]")
    assert later.seconds - earlier.seconds == 3600


def test_zone_rules_are_the_packaged_ones():
    # The pinned tzdata links Europe/Stockholm to Europe/Berlin (local mean time +00:53:28),
    # which is also what Neo4j prints; every replica sees the same rules.
    assert (
        s(call("datetime", "1818-07-21T12:00[Europe/Stockholm]"))
        == "1818-07-21T12:00+00:53:28[Europe/Stockholm]"
    )


def test_far_future_named_zone_uses_the_standing_rules():
    summer = call("datetime", {"year": 20000, "month": 7, "day": 1, "timezone": "Europe/Paris"})
    assert s(summer).startswith("+20000-07-01T00:00+0")


def test_offsets_parse_and_print():
    assert zones.parse_zone("+0530") == 19800
    assert zones.parse_zone("-00:00") == 0
    assert zones.format_offset(0) == "Z"
    assert zones.format_offset(-1800) == "-00:30"
    with pytest.raises(CypherArgumentError):
        zones.parse_zone("+18:01")
    with pytest.raises(CypherArgumentError):
        zones.parse_zone("../../etc/passwd")


def test_converting_an_instant_between_zones():
    dt = call("datetime", "2015-07-21T21:40:32.142+01:00")
    moved = call("datetime", {"datetime": dt, "timezone": "America/New_York"})
    assert s(moved) == "2015-07-21T16:40:32.142-04:00[America/New_York]"
    assert (moved.seconds, moved.nanos) == (dt.seconds, dt.nanos)


def test_now_comes_only_from_the_context():
    # NOW is 2023-11-14T22:13:20.123456789Z.
    assert s(call("date")) == "2023-11-14"
    assert s(call("datetime")) == "2023-11-14T22:13:20.123456789Z"
    assert s(call("localtime.statement")) == "22:13:20.123456789"
    assert s(call("date.transaction", "Asia/Tokyo")) == "2023-11-15"
    assert s(call("time.realtime", "+01:00")) == "23:13:20.123456789+01:00"
    assert (
        s(call("datetime", {"timezone": "Europe/Stockholm"}))
        == "2023-11-14T23:13:20.123456789+01:00[Europe/Stockholm]"
    )
    assert s(call("localdatetime", {"timezone": "-10:00"})) == "2023-11-14T12:13:20.123456789"
    assert call("date.statement", None) is None


def test_time_with_a_named_zone_takes_the_offset_in_force_now():
    assert s(call("time", {"hour": 12, "timezone": "Europe/Stockholm"}, ctx=NOW)) == "12:00+01:00"


def test_from_epoch():
    assert s(call("datetime.fromepoch", -1, 500_000_000)) == "1969-12-31T23:59:59.500Z"
    assert s(call("datetime.fromepochmillis", -1)) == "1969-12-31T23:59:59.999Z"
    assert call("datetime.fromepoch", None, 0) is None


def test_datetime_from_epoch_fields():
    assert s(call("datetime", {"epochMillis": 424797300000})) == "1983-06-18T15:15Z"
    dt = call("datetime", {"epochSeconds": 1530000000, "nanosecond": 23, "timezone": "+02:00"})
    assert s(dt) == "2018-06-26T10:00:00.000000023+02:00"
    with pytest.raises(CypherArgumentError):
        call("datetime", {"epochSeconds": 1, "year": 2000})


def test_a_missing_statement_time_is_an_internal_error_not_a_clock_read():
    from types import SimpleNamespace

    from tugraph_bolt.errors import InternalError

    with pytest.raises(InternalError):
        call("date", ctx=SimpleNamespace(now=None))


def test_from_epoch_argument_types_are_cypher_errors():
    import pytest

    from tugraph_bolt.cypher.engine import CypherEngine
    from tugraph_bolt.errors import CypherTypeError
    from tugraph_bolt.graph import Store

    engine, store = CypherEngine(), Store()
    for q in ("RETURN datetime.fromepoch('a', 1)", "RETURN datetime.fromepochmillis('x')",
              "RETURN point.withinBBox(point({x: 1, y: 1}), {a: 1}, 3)"):
        with pytest.raises(CypherTypeError):
            list(engine.run(q, {}, store.begin()).records)
