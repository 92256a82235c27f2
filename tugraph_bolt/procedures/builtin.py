"""Built-in procedures: TuGraph's schema procedures and Neo4j's token listings.

Names, parameters and column names follow TuGraph's procedure table (cypher/procedure/
procedure.h in tugraph-db); the Neo4j ones follow Neo4j 5. Schema procedures are ordinary
transaction writes (mode "schema"): they replicate as effects like any CREATE.
"""

from __future__ import annotations

import json

from tugraph_bolt import errors
from tugraph_bolt.graph.schema import schema_as_map
from tugraph_bolt.procedures.registry import Procedure, ProcedureContext, ProcedureRegistry
from tugraph_bolt.procedures.tugraph_more import MORE
from tugraph_bolt.procedures.upsert import UPSERTS


def _triples(label: str, rest: list, usage: str) -> list[tuple]:
    if len(rest) % 3:
        raise errors.CypherArgumentError(
            f"Field specs of [{label}] must come in triples (field_name, field_type, "
            f"optional), e.g. {usage}"
        )
    return [tuple(rest[i : i + 3]) for i in range(0, len(rest), 3)]


def _label_name(value, what="label_name") -> str:
    if not isinstance(value, str) or not value:
        raise errors.CypherArgumentError(f"Illegal value for parameter [{what}]: must be a string.")
    return value


def create_vertex_label(ctx: ProcedureContext, args: list):
    label, primary, *rest = args
    label = _label_name(label)
    fields = _triples(
        label, rest, "db.createVertexLabel(label_name, primary_fd, field_name, field_type, optional)"
    )
    ctx.tx.create_vertex_label(label, _label_name(primary, "primary_field"), fields)
    return []


def create_edge_label(ctx: ProcedureContext, args: list):
    label, constraints_json, *rest = args
    label = _label_name(label)
    try:
        constraints = json.loads(constraints_json) if constraints_json else []
    except (TypeError, ValueError) as exc:
        raise errors.SchemaError(f"Edge constraints must be a JSON list of pairs: {exc}") from exc
    if not isinstance(constraints, list):
        raise errors.SchemaError("Edge constraints must be a JSON list of [src, dst] pairs")
    fields = _triples(
        label, rest, "db.createEdgeLabel(label_name, edge_constraints, field_name, field_type, optional)"
    )
    ctx.tx.create_edge_label(label, constraints, fields)
    return []


def _kind(label_type) -> str:
    k = str(label_type).lower()
    if k in ("vertex", "node"):
        return "vertex"
    if k in ("edge", "relationship"):
        return "edge"
    raise errors.CypherArgumentError(
        f"Illegal value for parameter [label_type]: must be 'vertex' or 'edge', got {label_type!r}"
    )


def _schema(ctx: ProcedureContext, kind: str, label: str):
    schema = ctx.tx.schema
    found = schema.vertex_label(label) if kind == "vertex" else schema.edge_label(label)
    if found is None:
        raise errors.SchemaError(f"Label [{label}] does not exist.")
    return found


def get_label_schema(ctx: ProcedureContext, args: list):
    found = _schema(ctx, _kind(args[0]), args[1])
    return [[f.name, f.type, f.optional] for f in found.fields]


def _schema_map(ctx: ProcedureContext, kind: str, label: str):
    found = _schema(ctx, kind, label)
    return [[schema_as_map(found, ctx.tx.schema.indexes_of(kind, label))]]


def add_index(ctx: ProcedureContext, args: list, kind: str):
    label, field, unique = args[0], args[1], bool(args[2])
    pair_unique = bool(args[3]) if kind == "edge" and len(args) > 3 else False
    _schema(ctx, kind, label)  # TuGraph indexes declared labels only
    ctx.tx.add_index(kind, label, field, unique, pair_unique)
    return []


def delete_index(ctx: ProcedureContext, args: list, kind: str):
    ctx.tx.drop_index(kind, args[0], args[1])
    return []


def list_indexes(ctx: ProcedureContext, args: list):
    return [[ix.label, ix.field, ix.kind, ix.unique, ix.pair_unique] for ix in ctx.tx.schema.indexes()]


def dbms_procedures(ctx: ProcedureContext, args: list):
    registry = ctx.registry
    if registry is None:
        return []
    return [[p.name, p.signature(), p.read_only] for p in registry.procedures()]


def _proc(name, params, columns, mode, fn, **kw) -> Procedure:
    return Procedure(name, list(params), list(columns), mode, fn, **kw)


S, B, A, M = "STRING", "BOOLEAN", "ANY", "MAP"

BUILTINS = [
    _proc("db.createVertexLabel", [("label_name", S), ("primary_field", S)], [], "schema",
          create_vertex_label, varargs=A,
          description="Create a vertex label: label, primary field, then (field, type, optional) triples."),
    _proc("db.createEdgeLabel", [("type_name", S), ("edge_constraints", S)], [], "schema",
          create_edge_label, varargs=A,
          description="Create an edge label: name, JSON [[src, dst], ...], then field triples."),
    _proc("db.vertexLabels", [], [("label", S)], "read",
          lambda ctx, a: [[n] for n in ctx.tx.schema.vertex_labels()]),
    _proc("db.edgeLabels", [], [("label", S)], "read",
          lambda ctx, a: [[n] for n in ctx.tx.schema.edge_labels()]),
    _proc("db.getLabelSchema", [("label_type", S), ("label_name", S)],
          [("name", S), ("type", S), ("optional", B)], "read", get_label_schema),
    _proc("db.getVertexSchema", [("label", S)], [("schema", M)], "read",
          lambda ctx, a: _schema_map(ctx, "vertex", a[0])),
    _proc("db.getEdgeSchema", [("label", S)], [("schema", M)], "read",
          lambda ctx, a: _schema_map(ctx, "edge", a[0])),
    _proc("db.deleteLabel", [("label_type", S), ("label_name", S)], [], "schema",
          lambda ctx, a: ctx.tx.delete_label(_kind(a[0]), a[1]) or []),
    _proc("db.addIndex", [("label_name", S), ("field_name", S), ("unique", B)], [], "schema",
          lambda ctx, a: add_index(ctx, a, "vertex"), defaults=(False,)),
    _proc("db.addEdgeIndex", [("label_name", S), ("field_name", S), ("unique", B),
                              ("pair_unique", B)], [], "schema",
          lambda ctx, a: add_index(ctx, a, "edge"), defaults=(False, False)),
    _proc("db.deleteIndex", [("label_name", S), ("field_name", S)], [], "schema",
          lambda ctx, a: delete_index(ctx, a, "vertex")),
    _proc("db.deleteEdgeIndex", [("label_name", S), ("field_name", S)], [], "schema",
          lambda ctx, a: delete_index(ctx, a, "edge")),
    _proc("db.indexes", [], [("label", S), ("field", S), ("label_type", S), ("unique", B),
                             ("pair_unique", B)], "read", list_indexes),
    _proc("db.dropDB", [], [], "schema", lambda ctx, a: ctx.tx.drop_db() or []),
    _proc("dbms.procedures", [], [("name", S), ("signature", S), ("read_only", B)], "read",
          dbms_procedures),
    _proc("db.labels", [], [("label", S)], "read",
          lambda ctx, a: [[n] for n in ctx.tx.labels()]),
    _proc("db.relationshipTypes", [], [("relationshipType", S)], "read",
          lambda ctx, a: [[n] for n in ctx.tx.rel_types()]),
    _proc("db.propertyKeys", [], [("propertyKey", S)], "read",
          lambda ctx, a: [[n] for n in ctx.tx.property_keys()]),
]  # fmt: skip


BUILTINS += MORE + UPSERTS


def default_registry() -> ProcedureRegistry:
    """A fresh registry holding every built-in procedure."""
    registry = ProcedureRegistry()
    for proc in BUILTINS:
        registry.register(proc)
    return registry
