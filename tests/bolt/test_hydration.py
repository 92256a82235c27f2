"""Hydration: every value type round-trips, with the structure each Bolt version expects."""

import pytest

from tugraph_bolt import values
from tugraph_bolt.bolt.hydration import HydrationError, ValueCodec
from tugraph_bolt.packstream import Structure, pack, unpack

from .fake_backend import graph_values

V5 = ValueCodec((5, 0))
V58 = ValueCodec((5, 8))
V44 = ValueCodec((4, 4))
V44_UTC = ValueCodec((4, 4), utc_patch=True)
CODECS = [V5, V58, V44, V44_UTC]


def round_trip(codec, value):
    return unpack(pack(value, codec.dehydrate), codec.hydrate)


@pytest.mark.parametrize("codec", CODECS, ids=["5.0", "5.8", "4.4", "4.4+utc"])
@pytest.mark.parametrize("name", list(graph_values()))
def test_every_value_round_trips(codec, name):
    value = graph_values()[name]
    back = round_trip(codec, value)
    assert back == value
    if isinstance(value, (values.Node, values.Relationship)):
        assert back.properties == value.properties
    if isinstance(value, values.Path):
        assert [n.properties for n in back.nodes] == [n.properties for n in value.nodes]


def test_values_nest_inside_lists_and_maps():
    value = {"xs": [values.Date(1), {"p": values.Point(7203, 0.0, 1.0)}]}
    assert round_trip(V58, value) == value


def test_node_fields_by_version():
    node = values.Node(7, ("A",), {"k": 1})
    assert V44.dehydrate(node) == Structure(0x4E, [7, ["A"], {"k": 1}])
    assert V5.dehydrate(node) == Structure(0x4E, [7, ["A"], {"k": 1}, "7"])


def test_relationship_fields_by_version():
    rel = values.Relationship(3, 1, 2, "T", {})
    assert V44.dehydrate(rel) == Structure(0x52, [3, 1, 2, "T", {}])
    assert V5.dehydrate(rel) == Structure(0x52, [3, 1, 2, "T", {}, "3", "1", "2"])


def test_path_sends_each_entity_once_and_signs_direction():
    a, b = values.Node(1, (), {}), values.Node(2, (), {})
    forward = values.Relationship(10, 1, 2, "T", {})
    backward = values.Relationship(11, 1, 2, "U", {})  # walked from b back to a
    structure = V5.dehydrate(values.Path((a, b, a), (forward, backward)))
    nodes, rels, indices = structure.fields
    assert structure.tag == ord("P")
    assert [n.fields[0] for n in nodes] == [1, 2]
    assert [r.tag for r in rels] == [ord("r"), ord("r")]
    assert rels[0].fields == [10, "T", {}, "10"]
    assert indices == [1, 1, -2, 0]
    assert V44.dehydrate(values.Path((a,), ())).fields == [[Structure(0x4E, [1, [], {}])], [], []]


def test_datetime_wire_forms():
    dt = values.DateTime(1000, 5, 3600)
    zoned = values.DateTime(1000, 5, 3600, "Europe/Paris")
    assert V5.dehydrate(dt) == Structure(ord("I"), [1000, 5, 3600])
    assert V5.dehydrate(zoned) == Structure(ord("i"), [1000, 5, "Europe/Paris"])
    assert V44_UTC.dehydrate(dt) == Structure(ord("I"), [1000, 5, 3600])
    # Legacy 4.4: local seconds.
    assert V44.dehydrate(dt) == Structure(ord("F"), [4600, 5, 3600])
    assert V44.dehydrate(zoned) == Structure(ord("f"), [4600, 5, "Europe/Paris"])


def test_zone_id_structures_compute_the_offset_of_that_instant():
    summer = 1_690_000_000  # July 2023: CEST, +2h
    winter = 1_700_000_000  # November 2023: CET, +1h
    assert V5.hydrate(ord("i"), [summer, 0, "Europe/Berlin"]).offset_seconds == 7200
    assert V5.hydrate(ord("i"), [winter, 0, "Europe/Berlin"]).offset_seconds == 3600
    legacy = V44.hydrate(ord("f"), [summer + 7200, 0, "Europe/Berlin"])
    assert legacy == values.DateTime(summer, 0, 7200, "Europe/Berlin")


def test_other_types_exact_structures():
    assert V5.dehydrate(values.Date(-1)) == Structure(ord("D"), [-1])
    assert V5.dehydrate(values.Time(5, -3600)) == Structure(ord("T"), [5, -3600])
    assert V5.dehydrate(values.LocalTime(5)) == Structure(ord("t"), [5])
    assert V5.dehydrate(values.LocalDateTime(5, 6)) == Structure(ord("d"), [5, 6])
    assert V5.dehydrate(values.Duration(1, 2, 3, 4)) == Structure(ord("E"), [1, 2, 3, 4])
    assert V5.dehydrate(values.Point(7203, 1.0, 2.0)) == Structure(ord("X"), [7203, 1.0, 2.0])
    assert V5.dehydrate(values.Point(9157, 1.0, 2.0, 3.0)) == Structure(ord("Y"), [9157, 1.0, 2.0, 3.0])


def test_point_integer_coordinates_become_floats():
    assert V5.hydrate(ord("X"), [7203, 1, 2]) == values.Point(7203, 1.0, 2.0)


@pytest.mark.parametrize(
    "codec,tag,fields",
    [
        (V5, ord("F"), [0, 0, 0]),  # legacy form is not valid in 5.x
        (V44, ord("I"), [0, 0, 0]),  # utc form needs the patch in 4.4
        (V5, ord("Z"), []),
        (V5, ord("D"), [1, 2]),
        (V5, ord("N"), [1, [], {}]),  # 5.x node needs the element id
        (V44, ord("N"), [1, [], {}, "1"]),
        (V5, ord("i"), [0, 0, "Not/AZone"]),
        (V5, ord("D"), [None]),
        (V5, ord("I"), [0, 1.5, 0]),
        (V5, ord("X"), ["7203", 1.0, 2.0]),
    ],
)
def test_bad_structures_are_refused(codec, tag, fields):
    with pytest.raises(HydrationError):
        codec.hydrate(tag, fields)


def test_unknown_python_type_is_not_dehydrated():
    assert V5.dehydrate(object()) is None
