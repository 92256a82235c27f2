"""Spatial points: construction, accessors, distance (values from Neo4j's manual)."""

import math

import pytest

from tugraph_bolt.cypher import spatial, temporal
from tugraph_bolt.errors import CypherArgumentError, CypherTypeError
from tugraph_bolt.values import Point


def point(**fields):
    return spatial.SPATIAL_FUNCTIONS["point"](None, [fields])


def test_construction_picks_the_reference_system():
    assert point(x=1, y=2) == Point(7203, 1.0, 2.0)
    assert point(x=1, y=2, z=3) == Point(9157, 1.0, 2.0, 3.0)
    assert point(longitude=12.78, latitude=56.7) == Point(4326, 12.78, 56.7)
    assert point(longitude=1, latitude=2, height=3) == Point(4979, 1.0, 2.0, 3.0)
    assert point(x=1, y=2, crs="WGS-84") == Point(4326, 1.0, 2.0)
    assert point(x=1, y=2, srid=4326) == Point(4326, 1.0, 2.0)
    assert point(x=None, y=2) is None


@pytest.mark.parametrize(
    "fields",
    [
        {"x": 1},
        {"x": 1, "y": 2, "crs": "mars"},
        {"x": 1, "y": 2, "z": 3, "crs": "cartesian"},
        {"longitude": 1, "latitude": 91},
        {"x": 1, "y": 2, "srid": 1234},
        {"x": 1, "y": 2, "w": 3},
    ],
)
def test_invalid_points(fields):
    with pytest.raises(CypherArgumentError):
        point(**fields)


def test_non_numeric_coordinates_are_type_errors():
    with pytest.raises(CypherTypeError):
        point(x="1", y=2)


def test_distances():
    cartesian = spatial.distance(
        point(x=2.3, y=4.5, crs="cartesian"), point(x=1.1, y=5.4, crs="cartesian")
    )
    assert cartesian == pytest.approx(1.5)
    geo = spatial.distance(
        point(longitude=12.78, latitude=56.7, height=100),
        point(latitude=56.71, longitude=12.79, height=100),
    )
    assert geo == pytest.approx(1269.9148706779097, rel=1e-12)
    assert spatial.distance(point(x=0, y=0), point(longitude=0, latitude=0)) is None
    assert spatial.SPATIAL_FUNCTIONS["point.distance"](None, [None, point(x=0, y=0)]) is None
    quarter = spatial.distance(point(longitude=0, latitude=0), point(longitude=90, latitude=0))
    assert quarter == pytest.approx(math.pi / 2 * spatial.EARTH_RADIUS_METERS)


def test_accessors_and_string_form():
    p = point(longitude=12.78, latitude=56.7, height=100)
    assert temporal.get_field(p, "longitude") == 12.78
    assert temporal.get_field(p, "height") == 100.0
    assert temporal.get_field(p, "crs") == "wgs-84-3d"
    assert temporal.get_field(p, "srid") == 4979
    assert (
        temporal.to_string(point(x=1e10, y=-0.5)) == "point({x: 1.0E10, y: -0.5, crs: 'cartesian'})"
    )
    with pytest.raises(CypherArgumentError):
        temporal.get_field(point(x=1, y=2), "latitude")
    with pytest.raises(CypherArgumentError):
        temporal.get_field(point(x=1, y=2), "z")


def test_within_bbox():
    inside = spatial.SPATIAL_FUNCTIONS["point.withinbbox"]
    assert inside(None, [point(x=1, y=1), point(x=0, y=0), point(x=2, y=2)]) is True
    assert inside(None, [point(x=3, y=1), point(x=0, y=0), point(x=2, y=2)]) is False
    assert (
        inside(
            None,
            [
                point(longitude=179.5, latitude=0),
                point(longitude=179, latitude=-1),
                point(longitude=-179, latitude=1),
            ],
        )
        is True
    )
