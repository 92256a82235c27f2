"""Cypher spatial points: `point({...})`, `point.distance`, accessors and string form.

Four coordinate reference systems, as in Neo4j: cartesian (SRID 7203), cartesian-3d
(9157), wgs-84 (4326) and wgs-84-3d (4979). Geographic distance is the haversine
great-circle distance on Neo4j's Earth radius (in 3D at the points' mean height,
combined with the height difference).

>>> SPATIAL_FUNCTIONS['point'](None, [{'x': 3, 'y': 4}])
Point(srid=7203, x=3.0, y=4.0, z=None)
>>> distance(Point(7203, 0.0, 0.0), Point(7203, 3.0, 4.0))
5.0
"""

from __future__ import annotations

import math
from decimal import Decimal

from tugraph_bolt.errors import CypherArgumentError, CypherTypeError
from tugraph_bolt.values import Point

EARTH_RADIUS_METERS = 6_378_140.0
CRS_BY_SRID = {7203: "cartesian", 9157: "cartesian-3d", 4326: "wgs-84", 4979: "wgs-84-3d"}
SRID_BY_CRS = {name: srid for srid, name in CRS_BY_SRID.items()}
GEOGRAPHIC = (4326, 4979)
_KEYS = ("x", "y", "z", "longitude", "latitude", "height", "crs", "srid")


def _invalid(message: str) -> CypherArgumentError:
    return CypherArgumentError(message, detail="InvalidArgumentValue")


def _coordinate(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CypherTypeError(
            f"point() coordinate {name} must be a number, got {value!r}",
            detail="InvalidArgumentType",
        )
    return float(value)


def make_point(mapping: dict) -> Point | None:
    fields = {}
    for key, value in mapping.items():
        name = key.lower() if isinstance(key, str) else key
        if name not in _KEYS:
            raise _invalid(f"point() does not accept the field '{key}'")
        fields[name] = value
    if any(v is None for v in fields.values()):
        return None
    geographic = "longitude" in fields or "latitude" in fields
    if geographic:
        if "longitude" not in fields or "latitude" not in fields or "x" in fields or "y" in fields:
            raise _invalid("A geographic point needs longitude and latitude (and not x or y)")
        x, y = (
            _coordinate("longitude", fields["longitude"]),
            _coordinate("latitude", fields["latitude"]),
        )
        third = "height" if "height" in fields else "z"
    else:
        if "x" not in fields or "y" not in fields:
            raise _invalid("A point needs x and y, or longitude and latitude")
        x, y = _coordinate("x", fields["x"]), _coordinate("y", fields["y"])
        third = "z"
    z = _coordinate(third, fields[third]) if third in fields else None
    srid = _srid(fields, geographic, z is not None)
    if (srid in (9157, 4979)) != (z is not None):
        raise _invalid(
            f"Coordinate reference system {CRS_BY_SRID[srid]} does not match the dimensions given"
        )
    if srid in GEOGRAPHIC and not -90.0 <= y <= 90.0:
        raise _invalid(f"Latitude {y} is out of range -90..90")
    return Point(srid, x, y, z)


def _srid(fields: dict, geographic: bool, three_d: bool) -> int:
    if "crs" in fields:
        crs = fields["crs"]
        if not isinstance(crs, str) or crs.lower() not in SRID_BY_CRS:
            raise _invalid(f"Unknown coordinate reference system: {crs!r}")
        srid = SRID_BY_CRS[crs.lower()]
        if "srid" in fields and fields["srid"] != srid:
            raise _invalid("crs and srid disagree")
        return srid
    if "srid" in fields:
        srid = fields["srid"]
        if srid not in CRS_BY_SRID or isinstance(srid, bool):
            raise _invalid(f"Unknown SRID: {srid!r}")
        return srid
    if geographic:
        return 4979 if three_d else 4326
    return 9157 if three_d else 7203


def distance(a: Point | None, b: Point | None) -> float | None:
    """Distance in the points' own units (metres for WGS-84); None across systems."""
    if a is None or b is None:
        return None
    if not (isinstance(a, Point) and isinstance(b, Point)):
        raise CypherTypeError("point.distance() expects two points", detail="InvalidArgumentType")
    if a.srid != b.srid:
        return None
    if a.srid in GEOGRAPHIC:
        lat1, lat2 = math.radians(a.y), math.radians(b.y)
        dlat, dlon = lat2 - lat1, math.radians(b.x - a.x)
        h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
        angle = 2 * math.atan2(math.sqrt(h), math.sqrt(1 - h))
        if a.z is None:
            return EARTH_RADIUS_METERS * angle
        # In 3D the arc is taken at the points' mean height, then combined with the rise.
        arc = (EARTH_RADIUS_METERS + (a.z + b.z) / 2) * angle
        return math.hypot(arc, b.z - a.z)
    squares = (b.x - a.x) ** 2 + (b.y - a.y) ** 2
    if a.z is not None and b.z is not None:
        squares += (b.z - a.z) ** 2
    return math.sqrt(squares)


def within_bbox(p, lower_left, upper_right) -> bool | None:
    if p is None or lower_left is None or upper_right is None:
        return None
    if not (p.srid == lower_left.srid == upper_right.srid):
        return None
    if not lower_left.y <= p.y <= upper_right.y:
        return False
    if p.srid in GEOGRAPHIC and lower_left.x > upper_right.x:  # box crossing the date line
        return p.x >= lower_left.x or p.x <= upper_right.x
    return lower_left.x <= p.x <= upper_right.x


def get_field(p: Point, name: str):
    key = name.lower()
    geographic = p.srid in GEOGRAPHIC
    if key == "x" or (key == "longitude" and geographic):
        return p.x
    if key == "y" or (key == "latitude" and geographic):
        return p.y
    if (key == "z" or (key == "height" and geographic)) and p.z is not None:
        return p.z
    if key == "crs":
        return CRS_BY_SRID[p.srid]
    if key == "srid":
        return p.srid
    raise _invalid(f"No such field: {name} on Point({CRS_BY_SRID[p.srid]})")


def _java_double(x: float) -> str:
    """Java's Double.toString, which Neo4j's point strings use (1.0E7, not 10000000.0)."""
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0 or 1e-3 <= abs(x) < 1e7:
        return repr(float(x))
    sign, digits, exponent = Decimal(repr(float(x))).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    power = len(digits) - 1 + exponent
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{power}"


def to_string(p: Point) -> str:
    coords = f"x: {_java_double(p.x)}, y: {_java_double(p.y)}"
    if p.z is not None:
        coords += f", z: {_java_double(p.z)}"
    return f"point({{{coords}, crs: '{CRS_BY_SRID[p.srid]}'}})"


def type_name(p: Point) -> str:
    return "Point"


def _point(ctx, args):
    if len(args) != 1:
        raise CypherArgumentError("point() takes one map", detail="InvalidNumberOfArguments")
    (arg,) = args
    if arg is None:
        return None
    if not isinstance(arg, dict):
        raise CypherTypeError(f"point() expects a map, got {arg!r}", detail="InvalidArgumentType")
    return make_point(arg)


def _distance(ctx, args):
    if len(args) != 2:
        raise CypherArgumentError(
            "point.distance() takes two points", detail="InvalidNumberOfArguments"
        )
    return distance(*args)


def _within_bbox(ctx, args):
    if len(args) != 3:
        raise CypherArgumentError(
            "point.withinBBox() takes three points", detail="InvalidNumberOfArguments"
        )
    for arg in args:
        if arg is not None and not isinstance(arg, Point):
            raise CypherTypeError(
                f"point.withinBBox() expects points, got {type(arg).__name__}",
                detail="InvalidArgumentType")
    return within_bbox(*args)


SPATIAL_FUNCTIONS = {
    "point": _point,
    "point.distance": _distance,
    "distance": _distance,
    "point.withinbbox": _within_bbox,
}
