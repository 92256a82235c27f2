"""Stored records, the apply outcome, and property-value rules.

Records are NamedTuples (cheap to build, immutable, picklable). `props` is a plain dict
that is NEVER mutated after it is stored: writers copy it; readers must not change it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from tugraph_bolt import errors
from tugraph_bolt import values as v

# The version an entity carries inside a transaction's working root once the transaction
# wrote it; apply stamps the log index instead.
PENDING_VERSION = -1


class NodeRecord(NamedTuple):
    id: int
    labels: tuple[str, ...]
    props: dict
    version: int


class RelRecord(NamedTuple):
    id: int
    type: str
    start: int
    end: int
    props: dict
    version: int


class UserRecord(NamedTuple):
    name: str
    password_hash: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    """What apply decided for one command; identical on every replica.

    ok: applied; otherwise `code` (a key of errors.STATUS_CODES) and `message` say why.
    value: kind-specific result (reserve_ids: [start, stop)).
    index: the log index the command was applied at (first time, for a duplicate).
    """

    ok: bool
    code: str | None = None
    message: str | None = None
    value: object = None
    index: int = 0

    def raise_for_error(self) -> None:
        """Raise the DatabaseError this outcome describes (no-op when ok)."""
        if self.ok:
            return
        code = self.code or "Neo.DatabaseError.General.UnknownError"
        for cls in _ERROR_CLASSES:
            if cls.code == code:
                raise cls(self.message or code)
        raise errors.DatabaseError(self.message or code, code=code)


_ERROR_CLASSES = (
    errors.WriteConflict,
    errors.ConstraintValidationFailed,
    errors.CypherArgumentError,
    errors.EntityNotFound,
)

# --- property values -----------------------------------------------------------------

_SIMPLE = (bool, int, float, str, bytes) + v.TEMPORAL_TYPES + (v.Point,)


def _type_name(value) -> str:
    if isinstance(value, dict):
        return "Map"
    if isinstance(value, (v.Node, v.Relationship, v.Path)):
        return type(value).__name__
    return type(value).__name__


def check_storable(key: str, value) -> object:
    """Validate a property value; returns the value to store (lists copied).

    Raises CypherTypeError for maps, graph entities and mixed-type lists, as Neo4j does.
    """
    if value is None or isinstance(value, _SIMPLE):
        return value
    if isinstance(value, (list, tuple)):
        items = list(value)
        kind = None
        for item in items:
            if item is None or not isinstance(item, _SIMPLE):
                raise errors.CypherTypeError(
                    f"Property values can only be of primitive types or arrays thereof "
                    f"(property '{key}' holds a list containing {_type_name(item)})",
                    detail="InvalidPropertyType",
                )
            item_kind = _list_kind(item)
            if kind is None:
                kind = item_kind
            elif item_kind != kind:
                raise errors.CypherTypeError(
                    f"Collections containing mixed types can not be stored in properties "
                    f"(property '{key}')",
                    detail="InvalidPropertyType",
                )
        return items
    raise errors.CypherTypeError(
        f"Property values can only be of primitive types or arrays thereof "
        f"(property '{key}' got {_type_name(value)})",
        detail="InvalidPropertyType",
    )


def _list_kind(item) -> str:
    if isinstance(item, bool):
        return "bool"
    if isinstance(item, (int, float)):
        return "number"
    return type(item).__name__


def index_key(value):
    """A hashable key with Cypher equality: 1 and 1.0 meet, True and 1 do not."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return ("nan",)  # never equal to anything; lookups for NaN find nothing
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, (list, tuple)):
        return ("l", tuple(index_key(x) for x in value))
    return (type(value).__name__, value)
