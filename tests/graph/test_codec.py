"""The command codec: every storable value round-trips through msgpack exactly."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tugraph_bolt import values as v
from tugraph_bolt.graph import decode_command, pack_value, tx_command, unpack_value
from tugraph_bolt.graph.codec import encode_command

I64 = st.integers(-(2**63), 2**63 - 1)
SCALARS = st.one_of(
    st.none(), st.booleans(), I64, st.floats(allow_nan=False), st.text(), st.binary(),
    st.builds(v.Date, I64),
    st.builds(v.LocalTime, st.integers(0, 86_399_999_999_999)),
    st.builds(v.Time, st.integers(0, 86_399_999_999_999), st.integers(-64800, 64800)),
    st.builds(v.LocalDateTime, I64, st.integers(0, 999_999_999)),
    st.builds(v.DateTime, I64, st.integers(0, 999_999_999), st.integers(-64800, 64800),
              st.one_of(st.none(), st.sampled_from(["Europe/Paris", "Asia/Shanghai"]))),
    st.builds(v.Duration, I64, I64, I64, st.integers(-999_999_999, 999_999_999)),
    st.builds(v.Point, st.sampled_from([7203, 4326]), st.floats(allow_nan=False),
              st.floats(allow_nan=False)),
    st.builds(v.Point, st.sampled_from([9157, 4979]), st.floats(allow_nan=False),
              st.floats(allow_nan=False), st.floats(allow_nan=False)),
)  # fmt: skip
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=4)),
    max_leaves=12)


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_values_round_trip(value):
    assert same(unpack_value(pack_value(value)), value)


def test_nan_and_negative_zero_survive():
    out = unpack_value(pack_value([float("nan"), -0.0]))
    assert math.isnan(out[0]) and math.copysign(1, out[1]) == -1


def test_envelope_fields():
    command = tx_command([["node+", 1, ["A"], {"d": v.Date(5)}]], request_id="r1")
    kind, request_id, payload = decode_command(command)
    assert (kind, request_id) == ("tx", "r1")
    assert payload["effects"] == [["node+", 1, ["A"], {"d": v.Date(5)}]]


def test_unknown_types_and_kinds_are_refused():
    with pytest.raises(TypeError):
        pack_value(object())
    with pytest.raises(ValueError):
        encode_command("drop-everything", "r", None)
