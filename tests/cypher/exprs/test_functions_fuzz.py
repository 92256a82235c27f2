"""Every scalar function, fed arbitrary Cypher values, returns a Cypher value or raises a
Cypher error: never a bare Python exception (which a client would see as UnknownError)."""

import random
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tugraph_bolt import values as V
from tugraph_bolt.cypher.functions import FUNCTIONS
from tugraph_bolt.errors import CypherError

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(),
    st.text(max_size=6), st.sampled_from([V.Node(1, ("A",), {"k": 1}),
                                          V.Relationship(2, 1, 1, "T", {}),
                                          V.Date(19000), V.Duration(1, 2, 3, 4)]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=3), inner, max_size=3)),
    max_leaves=6,
)

_CTX = SimpleNamespace(
    tx=SimpleNamespace(node=lambda i: None, rel=lambda i: None),
    random=random.Random(3), now=V.DateTime(1_700_000_000, 0, 0, "UTC"), params={},
)
# Functions of this module's own tables; temporal/spatial ones are fuzzed by their owners.
OWN = sorted(name for name, f in FUNCTIONS.items()
             if f.fn.__module__.startswith("tugraph_bolt.cypher.functions"))


@pytest.mark.parametrize("name", OWN)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_function_never_leaks_python_errors(name, data):
    f = FUNCTIONS[name]
    top = f.max_args if f.max_args is not None else f.min_args + 2
    args = data.draw(st.lists(values, min_size=f.min_args, max_size=top))
    try:
        result = f.fn(_CTX, args)
    except CypherError:
        return
    assert result is None or isinstance(result, (bool, int, float, str, list, dict,
                                                 *V.GRAPH_TYPES, *V.TEMPORAL_TYPES, V.Point))


def test_range_refuses_lists_that_would_exhaust_memory():
    from tugraph_bolt.errors import CypherArgumentError

    with pytest.raises(CypherArgumentError):
        FUNCTIONS["range"].fn(_CTX, [0, 2**62])
    assert len(FUNCTIONS["range"].fn(_CTX, [1, 1000])) == 1000
