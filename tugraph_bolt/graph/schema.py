"""TuGraph label schemas: field types, declared labels, index specs, value coercion.

A declared vertex label has a primary field (unique, required) and typed fields; an edge
label has typed fields and optional (src, dst) constraints. Undeclared labels are free
(Neo4j style) unless a transaction runs with `strict_schema`.

>>> coerce_field("Person", FieldSpec("age", "INT8", False), 7)
7
"""

from __future__ import annotations

import datetime as _dt
from typing import NamedTuple

from tugraph_bolt import errors
from tugraph_bolt import values as v

FIELD_TYPES = (
    "BOOL", "INT8", "INT16", "INT32", "INT64", "FLOAT", "DOUBLE",
    "STRING", "DATE", "DATETIME", "BLOB", "POINT",
)  # fmt: skip
_INT_RANGES = {
    "INT8": (-(2**7), 2**7 - 1),
    "INT16": (-(2**15), 2**15 - 1),
    "INT32": (-(2**31), 2**31 - 1),
    "INT64": (-(2**63), 2**63 - 1),
}
_EPOCH = _dt.date(1970, 1, 1)


class FieldSpec(NamedTuple):
    name: str
    type: str
    optional: bool


class LabelSchema(NamedTuple):
    name: str
    kind: str  # "vertex" | "edge"
    primary: str | None
    fields: tuple[FieldSpec, ...]
    constraints: tuple[tuple[str, str], ...] = ()

    def field(self, name: str) -> FieldSpec | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None


class IndexSpec(NamedTuple):
    kind: str  # "vertex" | "edge"
    label: str
    field: str
    unique: bool
    pair_unique: bool = False
    primary: bool = False


def normalize_type(name) -> str:
    if not isinstance(name, str) or name.upper() not in FIELD_TYPES:
        # TuGraph lower-cases the name in this message
        raise errors.SchemaError(f"Unknown type name: {str(name).lower()}")
    return name.upper()


def make_fields(triples, primary: str | None, label: str) -> tuple[FieldSpec, ...]:
    """Validate [(name, type, optional), ...] as TuGraph does; returns FieldSpecs."""
    seen: list[str] = []
    fields = []
    for triple in triples:
        if len(triple) != 3:
            raise errors.SchemaError("A field spec is [field_name, field_type, optional]")
        name, type_name, optional = triple
        if not isinstance(name, str) or not name:
            raise errors.SchemaError("Field name must be a non-empty string")
        if name in seen:
            raise errors.SchemaError(f"Field [{name}] defined more than once.")
        if not isinstance(optional, bool):
            raise errors.SchemaError(f"Field [{name}]: optional must be a boolean")
        seen.append(name)
        fields.append(FieldSpec(name, normalize_type(type_name), optional))
    if primary is not None:
        spec = next((f for f in fields if f.name == primary), None)
        if spec is None:
            raise errors.SchemaError(f"Primary field [{primary}] of label [{label}] is not a field.")
        if spec.optional:
            raise errors.SchemaError(f"Primary field [{primary}] can not be optional.")
    return tuple(fields)


def _cannot(label_field: str, value, type_name: str) -> errors.SchemaError:
    return errors.SchemaError(
        f"Failed to set field [{label_field}]: Cannot convert input [{value!r}] into type "
        f"[{type_name}]"
    )


def coerce_field(label: str, spec: FieldSpec, value):
    """Return `value` converted to the field's type, or raise SchemaError.

    Idempotent: a coerced value coerces to itself (apply re-checks stored values).
    """
    t = spec.type
    if value is None:
        if not spec.optional:
            raise errors.SchemaError(f"Field [{spec.name}] is not optional.")
        return None
    if t == "BOOL":
        if isinstance(value, bool):
            return value
    elif t in _INT_RANGES:
        if isinstance(value, int) and not isinstance(value, bool):
            lo, hi = _INT_RANGES[t]
            if lo <= value <= hi:
                return value
    elif t in ("FLOAT", "DOUBLE"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif t == "STRING":
        if isinstance(value, str):
            return value
    elif t == "DATE":
        if isinstance(value, v.Date):
            return value
        if isinstance(value, str):
            try:
                return v.Date((_dt.date.fromisoformat(value) - _EPOCH).days)
            except ValueError:
                pass
    elif t == "DATETIME":
        if isinstance(value, (v.LocalDateTime, v.DateTime)):
            return value
        if isinstance(value, str):
            try:
                parsed = _dt.datetime.fromisoformat(value)
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                delta = parsed - _dt.datetime(1970, 1, 1)
                return v.LocalDateTime(
                    delta.days * 86400 + delta.seconds, delta.microseconds * 1000
                )
    elif t == "BLOB":
        if isinstance(value, bytes):
            return value
    elif t == "POINT":
        if isinstance(value, v.Point):
            return value
    raise _cannot(spec.name, value, t)


def check_record(schema: LabelSchema, props: dict, converting: bool) -> dict:
    """Check a whole record against a declared label; returns (possibly) converted props.

    Raises SchemaError: unknown field, wrong type, missing non-optional field.
    """
    out = dict(props) if converting else props
    for key, value in props.items():
        spec = schema.field(key)
        if spec is None:
            raise errors.SchemaError(f"Field [{key}] does not exist.")
        coerced = coerce_field(schema.name, spec, value)
        if converting:
            out[key] = coerced
        elif coerced != value or type(coerced) is not type(value):
            raise _cannot(key, value, spec.type)
    for spec in schema.fields:
        if not spec.optional and props.get(spec.name) is None:
            raise errors.SchemaError(
                f"Field [{spec.name}] is not optional."
                if spec.name != schema.primary
                else f"Primary field [{spec.name}] of label [{schema.name}] is missing."
            )
    return out


def schema_as_map(schema: LabelSchema, indexes: list[IndexSpec]) -> dict:
    """The map db.getVertexSchema / db.getEdgeSchema return (TuGraph's JSON shape)."""
    by_field = {ix.field: ix for ix in indexes}
    props = []
    for f in schema.fields:
        entry = {"name": f.name, "type": f.type, "optional": f.optional}
        ix = by_field.get(f.name)
        if ix is not None:
            entry["index"] = True
            entry["unique"] = ix.unique
            if schema.kind == "edge":
                entry["pair_unique"] = ix.pair_unique
        props.append(entry)
    out = {"label": schema.name, "type": "VERTEX" if schema.kind == "vertex" else "EDGE",
           "properties": props}
    if schema.kind == "vertex":
        out["primary"] = schema.primary
    else:
        out["constraints"] = [list(c) for c in schema.constraints]
    return out
