"""TuGraph bulk upserts: db.upsertVertex(ByJson) and db.upsertEdge(ByJson).

Each input line is a map. A line is a `data_error` when it lacks the key it is matched on,
holds a null, or a value the schema cannot take; an `index_conflict` when a unique index
other than the primary key is held by another record; otherwise it is an `insert` or an
`update` (existing record matched by primary key / by (start, end) for edges). Only
declared fields are used, as TuGraph does. One row: total, data_error, index_conflict,
insert, update.
"""

from __future__ import annotations

import json

from tugraph_bolt import errors
from tugraph_bolt.graph.schema import coerce_field
from tugraph_bolt.procedures.registry import Procedure, ProcedureContext

COUNT_COLUMNS = [("total", "INTEGER"), ("data_error", "INTEGER"), ("index_conflict", "INTEGER"),
                 ("insert", "INTEGER"), ("update", "INTEGER")]


def _lines(data, by_json: bool) -> list:
    if by_json:
        try:
            data = json.loads(data)
        except (TypeError, ValueError) as exc:
            raise errors.CypherArgumentError(f"list_data is not valid JSON: {exc}") from exc
        if not isinstance(data, list):
            raise errors.CypherArgumentError("The json data should be array type")
    if not isinstance(data, list) or not all(isinstance(line, dict) for line in data):
        raise errors.CypherArgumentError("The type of the elements in the list must be map")
    return data


def _fields(schema, line: dict) -> dict | None:
    """The declared fields of a line, converted; None for a data error."""
    out = {}
    for key, value in line.items():
        spec = schema.field(key)
        if spec is None:
            continue
        if value is None:
            return None
        try:
            out[key] = coerce_field(schema.name, spec, value)
        except errors.SchemaError:
            return None
    return out


def _conflicts(tx, kind: str, label: str, props: dict, own: int | None) -> bool:
    for ix in tx.schema.indexes_of(kind, label):
        if not ix.unique or ix.primary or ix.field not in props:
            continue
        find = tx.lookup if kind == "vertex" else tx.lookup_rels
        if any(hit != own for hit in find(label, ix.field, props[ix.field]) or ()):
            return True
    return False


def upsert_vertex(ctx: ProcedureContext, args: list, by_json: bool):
    tx = ctx.tx
    label = args[0]
    schema = tx.schema.vertex_label(label)
    if schema is None:
        raise errors.SchemaError(f"Label [{label}] does not exist.")
    counts = [0, 0, 0, 0, 0]
    for line in _lines(args[1], by_json):
        counts[0] += 1
        props = _fields(schema, line)
        if props is None or schema.primary not in props:
            counts[1] += 1
            continue
        hits = tx.lookup(label, schema.primary, props[schema.primary]) or []
        own = hits[0] if hits else None
        if _conflicts(tx, "vertex", label, props, own):
            counts[2] += 1
        elif own is None:
            tx.create_node([label], props)
            counts[3] += 1
        else:
            tx.set_node_properties(own, props)
            counts[4] += 1
    return [counts]


def _endpoint(tx, spec, line: dict):
    """Node id named by a start/end spec {type, key} and the line; None when absent."""
    schema = tx.schema.vertex_label(spec["type"])
    value = line.get(spec["key"])
    if schema is None or value is None:
        return None
    try:
        value = coerce_field(schema.name, schema.field(schema.primary), value)
    except errors.SchemaError:
        return None
    hits = tx.lookup(schema.name, schema.primary, value) or []
    return hits[0] if hits else None


def upsert_edge(ctx: ProcedureContext, args: list, by_json: bool):
    tx = ctx.tx
    label, start_spec, end_spec = args[0], args[1], args[2]
    schema = tx.schema.edge_label(label)
    if schema is None:
        raise errors.SchemaError(f"Label [{label}] does not exist.")
    for name, spec in (("start_spec", start_spec), ("end_spec", end_spec)):
        if not isinstance(spec, dict) or "type" not in spec or "key" not in spec:
            raise errors.CypherArgumentError(f"{name} missing 'type' or 'key'")
    counts = [0, 0, 0, 0, 0]
    for line in _lines(args[3], by_json):
        counts[0] += 1
        start, end = _endpoint(tx, start_spec, line), _endpoint(tx, end_spec, line)
        rest = {k: v for k, v in line.items() if k not in (start_spec["key"], end_spec["key"])}
        props = _fields(schema, rest)
        if start is None or end is None or props is None:
            counts[1] += 1
            continue
        existing = [r.id for r in tx.rels_of(start, "out", (label,)) if r.end == end]
        own = existing[0] if existing else None
        if _conflicts(tx, "edge", label, props, own):
            counts[2] += 1
        elif own is None:
            tx.create_rel(label, start, end, props)
            counts[3] += 1
        else:
            tx.set_rel_properties(own, props)
            counts[4] += 1
    return [counts]


S, M, L = "STRING", "MAP", "LIST OF MAP"

UPSERTS = [
    Procedure("db.upsertVertex", [("label_name", S), ("list_data", L)], COUNT_COLUMNS, "write",
              lambda ctx, a: upsert_vertex(ctx, a, False)),
    Procedure("db.upsertVertexByJson", [("label_name", S), ("list_data", S)], COUNT_COLUMNS,
              "write", lambda ctx, a: upsert_vertex(ctx, a, True)),
    Procedure("db.upsertEdge", [("label_name", S), ("start_spec", M), ("end_spec", M),
                                ("list_data", L)], COUNT_COLUMNS, "write",
              lambda ctx, a: upsert_edge(ctx, a, False)),
    Procedure("db.upsertEdgeByJson", [("label_name", S), ("start_spec", M), ("end_spec", M),
                                      ("list_data", S)], COUNT_COLUMNS, "write",
              lambda ctx, a: upsert_edge(ctx, a, True)),
]  # fmt: skip
