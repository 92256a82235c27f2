"""Property tests: anything PackStream can hold survives pack -> unpack unchanged."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tugraph_bolt.packstream import Structure, pack, unpack

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary(max_size=300)
)
packable = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=20)
        | st.dictionaries(st.text(max_size=20), children, max_size=20)
        | st.builds(Structure, st.integers(0, 255), st.lists(children, max_size=15))
    ),
    max_leaves=60,
)


@settings(max_examples=300, deadline=None)
@given(packable)
def test_round_trip(value):
    assert unpack(pack(value)) == value


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_integers_use_the_smallest_encoding(n):
    size = len(pack(n))
    if -16 <= n < 128:
        assert size == 1
    elif -128 <= n < 128:
        assert size == 2
    elif -(2**15) <= n < 2**15:
        assert size == 3
    elif -(2**31) <= n < 2**31:
        assert size == 5
    else:
        assert size == 9


@given(st.floats(allow_nan=True))
def test_floats_are_always_nine_bytes(x):
    encoded = pack(x)
    assert len(encoded) == 9 and encoded[0] == 0xC1
    back = unpack(encoded)
    assert back == x or (math.isnan(x) and math.isnan(back))
