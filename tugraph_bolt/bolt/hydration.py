"""Graph and temporal values <-> PackStream structures, per Bolt version.

`ValueCodec(version, utc_patch)` gives the two hooks PackStream takes: `dehydrate(value)`
turns a `values.*` object into a `Structure` on the way out, `hydrate(tag, fields)` turns a
structure into a `values.*` object on the way in. What differs by version:

- Node: 4.4 `N(id, labels, props)`; 5.x adds `element_id`.
- Relationship: 4.4 `R(id, start, end, type, props)`, `r(id, type, props)`; 5.x adds the
  element ids.
- DateTime: 5.x (and 4.4 with the HELLO `patch_bolt: ["utc"]`) sends UTC seconds in `I`/`i`;
  plain 4.4 sends local seconds in the legacy `F`/`f`.

Zone offsets for `i`/`f` come from cypher/temporal's zone rules (the pinned tzdata), so a
DateTime hydrated here has the offset Cypher would compute for it.

>>> codec = ValueCodec((5, 0))
>>> codec.dehydrate(values.Date(1))
Structure(tag=68, fields=[1])
>>> codec.hydrate(ord("X"), [7203, 1.0, 2.0])
Point(srid=7203, x=1.0, y=2.0, z=None)
"""

from __future__ import annotations

from typing import Any

from tugraph_bolt import values
from tugraph_bolt.cypher.temporal.zones import offset_at_instant, utc_of_local
from tugraph_bolt.errors import DatabaseError
from tugraph_bolt.packstream import Structure


class HydrationError(ValueError):
    """A structure with an unknown tag or the wrong fields for this Bolt version."""


def zone_offset_at_utc(tz_id: str, utc_seconds: int) -> int:
    """The UTC offset (seconds) in force in `tz_id` at a UTC instant."""
    try:
        return offset_at_instant(tz_id, utc_seconds)
    except DatabaseError as e:
        raise HydrationError(e.message) from None


def zone_offset_at_local(tz_id: str, local_seconds: int) -> int:
    """The UTC offset for a wall-clock time in `tz_id` (earlier offset when ambiguous)."""
    try:
        return utc_of_local(tz_id, local_seconds)[1]
    except DatabaseError as e:
        raise HydrationError(e.message) from None


def _check(tag: int, fields: list, *counts: int) -> None:
    if len(fields) not in counts:
        raise HydrationError(f"structure {chr(tag)!r} has {len(fields)} fields")


class ValueCodec:
    """The hydration hooks for one connection's Bolt version and patches."""

    def __init__(self, version: tuple[int, int], utc_patch: bool = False):
        self.version = version
        self.element_ids = version >= (5, 0)
        self.utc = version >= (5, 0) or utc_patch
        self._dehydrators = {
            values.Node: self._node,
            values.Relationship: self._relationship,
            values.Path: self._path,
            values.Date: lambda v: Structure(0x44, [v.days]),
            values.LocalTime: lambda v: Structure(0x74, [v.nanos]),
            values.Time: lambda v: Structure(0x54, [v.nanos, v.offset_seconds]),
            values.LocalDateTime: lambda v: Structure(0x64, [v.seconds, v.nanos]),
            values.DateTime: self._datetime,
            values.Duration: lambda v: Structure(0x45, [v.months, v.days, v.seconds, v.nanos]),
            values.Point: self._point,
        }
        self._hydrators = {
            0x4E: self._hydrate_node,
            0x52: self._hydrate_relationship,
            0x72: self._hydrate_unbound,
            0x50: self._hydrate_path,
            0x44: lambda f: values.Date(f[0]),
            0x74: lambda f: values.LocalTime(f[0]),
            0x54: lambda f: values.Time(f[0], f[1]),
            0x64: lambda f: values.LocalDateTime(f[0], f[1]),
            0x45: lambda f: values.Duration(f[0], f[1], f[2], f[3]),
            0x58: lambda f: values.Point(f[0], float(f[1]), float(f[2])),
            0x59: lambda f: values.Point(f[0], float(f[1]), float(f[2]), float(f[3])),
        }
        if self.utc:
            self._hydrators[0x49] = self._hydrate_utc_offset
            self._hydrators[0x69] = self._hydrate_utc_zone
        else:
            self._hydrators[0x46] = self._hydrate_legacy_offset
            self._hydrators[0x66] = self._hydrate_legacy_zone

    # --- out: values -> structures -------------------------------------------------------

    def dehydrate(self, value: Any) -> Structure | None:
        convert = self._dehydrators.get(type(value))
        return convert(value) if convert is not None else None

    def _node(self, node: values.Node) -> Structure:
        fields = [node.id, list(node.labels), node.properties]
        if self.element_ids:
            fields.append(node.element_id)
        return Structure(0x4E, fields)

    def _relationship(self, rel: values.Relationship) -> Structure:
        fields = [rel.id, rel.start, rel.end, rel.type, rel.properties]
        if self.element_ids:
            fields += [rel.element_id, str(rel.start), str(rel.end)]
        return Structure(0x52, fields)

    def _unbound(self, rel: values.Relationship) -> Structure:
        fields = [rel.id, rel.type, rel.properties]
        if self.element_ids:
            fields.append(rel.element_id)
        return Structure(0x72, fields)

    def _path(self, path: values.Path) -> Structure:
        # Nodes and relationships are sent once each; `indices` walks the path through them.
        node_index: dict[int, int] = {}
        nodes: list[Structure] = []
        for node in path.nodes:
            if node.id not in node_index:
                node_index[node.id] = len(nodes)
                nodes.append(self._node(node))
        rel_index: dict[int, int] = {}
        rels: list[Structure] = []
        indices: list[int] = []
        for step, rel in enumerate(path.relationships):
            if rel.id not in rel_index:
                rel_index[rel.id] = len(rels)
                rels.append(self._unbound(rel))
            forward = rel.start == path.nodes[step].id
            number = rel_index[rel.id] + 1
            indices.append(number if forward else -number)
            indices.append(node_index[path.nodes[step + 1].id])
        return Structure(0x50, [nodes, rels, indices])

    def _datetime(self, dt: values.DateTime) -> Structure:
        if self.utc:
            if dt.tz_id is None:
                return Structure(0x49, [dt.seconds, dt.nanos, dt.offset_seconds])
            return Structure(0x69, [dt.seconds, dt.nanos, dt.tz_id])
        local = dt.seconds + dt.offset_seconds
        if dt.tz_id is None:
            return Structure(0x46, [local, dt.nanos, dt.offset_seconds])
        return Structure(0x66, [local, dt.nanos, dt.tz_id])

    @staticmethod
    def _point(point: values.Point) -> Structure:
        if point.z is None:
            return Structure(0x58, [point.srid, point.x, point.y])
        return Structure(0x59, [point.srid, point.x, point.y, point.z])

    # --- in: structures -> values --------------------------------------------------------

    _FIELD_COUNTS = {
        0x44: (1,), 0x74: (1,), 0x54: (2,), 0x64: (2,), 0x45: (4,), 0x58: (3,), 0x59: (4,),
        0x49: (3,), 0x69: (3,), 0x46: (3,), 0x66: (3,), 0x50: (3,),
    }

    # How many leading fields must be integers (temporal values, point srid).
    _INT_FIELDS = {
        0x44: 1, 0x74: 1, 0x54: 2, 0x64: 2, 0x45: 4, 0x49: 3, 0x69: 2, 0x46: 3, 0x66: 2,
        0x58: 1, 0x59: 1,
    }

    def hydrate(self, tag: int, fields: list) -> Any:
        convert = self._hydrators.get(tag)
        if convert is None:
            raise HydrationError(
                f"unknown structure 0x{tag:02X} for Bolt {self.version[0]}.{self.version[1]}"
            )
        counts = self._FIELD_COUNTS.get(tag)
        if counts is not None:
            _check(tag, fields, *counts)
        ints = self._INT_FIELDS.get(tag, 0)
        for i in range(ints):
            if type(fields[i]) is not int:
                raise HydrationError(f"structure {chr(tag)!r} field {i} must be an integer")
        try:
            return convert(fields)
        except (TypeError, AttributeError):
            raise HydrationError(f"structure {chr(tag)!r} has fields of the wrong type") from None

    def _hydrate_node(self, f: list) -> values.Node:
        _check(0x4E, f, 4 if self.element_ids else 3)
        return values.Node(f[0], tuple(f[1]), dict(f[2]))

    def _hydrate_relationship(self, f: list) -> values.Relationship:
        _check(0x52, f, 8 if self.element_ids else 5)
        return values.Relationship(f[0], f[1], f[2], f[3], dict(f[4]))

    def _hydrate_unbound(self, f: list) -> tuple:
        _check(0x72, f, 4 if self.element_ids else 3)
        return ("unbound", f[0], f[1], dict(f[2]))

    def _hydrate_path(self, f: list) -> values.Path:
        nodes, unbound, indices = f
        if len(indices) % 2 or not nodes:
            raise HydrationError("path indices must alternate relationship and node")
        walk = [nodes[0]]
        rels = []
        for i in range(0, len(indices), 2):
            number, target = indices[i], nodes[indices[i + 1]]
            _, rel_id, rel_type, props = unbound[abs(number) - 1]
            previous = walk[-1]
            if number > 0:
                rels.append(values.Relationship(rel_id, previous.id, target.id, rel_type, props))
            else:
                rels.append(values.Relationship(rel_id, target.id, previous.id, rel_type, props))
            walk.append(target)
        return values.Path(tuple(walk), tuple(rels))

    @staticmethod
    def _hydrate_utc_offset(f: list) -> values.DateTime:
        return values.DateTime(f[0], f[1], f[2])

    @staticmethod
    def _hydrate_utc_zone(f: list) -> values.DateTime:
        return values.DateTime(f[0], f[1], zone_offset_at_utc(f[2], f[0]), f[2])

    @staticmethod
    def _hydrate_legacy_offset(f: list) -> values.DateTime:
        return values.DateTime(f[0] - f[2], f[1], f[2])

    @staticmethod
    def _hydrate_legacy_zone(f: list) -> values.DateTime:
        offset = zone_offset_at_local(f[2], f[0])
        return values.DateTime(f[0] - offset, f[1], offset, f[2])
