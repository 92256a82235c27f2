"""Value types shared by the graph engine, Cypher and Bolt.

Plain Python values carry the simple Cypher types:

    null -> None, boolean -> bool, integer -> int (64-bit, range checked by Cypher),
    float -> float, string -> str, bytes -> bytes, list -> list, map -> dict (str keys)

Everything else is one of the frozen classes below. Their fields mirror the Bolt
structures (see ../shared/docs/BOLT.md) so that hydration in `bolt/` is a field copy and
the command codec in `graph/` can store them without loss. Behaviour (Cypher equality,
ordering, arithmetic, accessors, formatting) lives in `cypher/`; these classes only hold
data. Dataclass equality is structural (field by field); Cypher equality is not always
that (e.g. two DateTimes at the same instant in different offsets), so Cypher code must
use its own comparison functions, never `==` on these.

Graph entities returned to clients are *views*: a snapshot of the entity at the time it
was read.

>>> Node(1, ("Person",), {"name": "Ann"}).labels
('Person',)
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Node:
    id: int
    labels: tuple[str, ...]
    properties: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def element_id(self) -> str:
        return str(self.id)


@dataclass(frozen=True, slots=True)
class Relationship:
    id: int
    start: int
    end: int
    type: str
    properties: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def element_id(self) -> str:
        return str(self.id)


@dataclass(frozen=True, slots=True)
class Path:
    """A walk: nodes[0] -rels[0]- nodes[1] ... ; len(nodes) == len(rels) + 1.

    Each relationship keeps its own stored direction (start/end); whether it was
    traversed backwards is seen by comparing rel.start with the preceding node's id.
    """

    nodes: tuple[Node, ...]
    relationships: tuple[Relationship, ...]


# --- temporal: fields mirror Bolt 5 structures -------------------------------------


@dataclass(frozen=True, slots=True)
class Date:
    days: int  # days since 1970-01-01 (proleptic Gregorian)


@dataclass(frozen=True, slots=True)
class LocalTime:
    nanos: int  # nanoseconds since midnight


@dataclass(frozen=True, slots=True)
class Time:
    nanos: int  # local nanoseconds since midnight
    offset_seconds: int  # UTC offset


@dataclass(frozen=True, slots=True)
class LocalDateTime:
    seconds: int  # local seconds since 1970-01-01T00:00
    nanos: int  # 0..999_999_999


@dataclass(frozen=True, slots=True)
class DateTime:
    """An instant with either a fixed offset or a named zone (IANA id).

    `seconds` is UTC seconds since the epoch (Bolt 5 / utc patch semantics);
    `offset_seconds` is the offset in force at that instant (also for named zones).
    """

    seconds: int
    nanos: int
    offset_seconds: int
    tz_id: str | None = None


@dataclass(frozen=True, slots=True)
class Duration:
    months: int
    days: int
    seconds: int
    nanos: int  # normalised by Cypher code; Bolt sends whatever is here


@dataclass(frozen=True, slots=True)
class Point:
    srid: int  # 7203 cartesian 2D, 9157 cartesian 3D, 4326 WGS-84 2D, 4979 WGS-84 3D
    x: float
    y: float
    z: float | None = None


TEMPORAL_TYPES = (Date, LocalTime, Time, LocalDateTime, DateTime, Duration)
GRAPH_TYPES = (Node, Relationship, Path)
