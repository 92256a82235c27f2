"""More TuGraph procedures: createLabel, the *ByJson creators, label alterations, edge
constraints, per-label index listing and the meta counters (TuGraph Browser uses these).
"""

from __future__ import annotations

import json

from tugraph_bolt import errors
from tugraph_bolt.procedures.registry import Procedure, ProcedureContext

S, B, A, INT, L = "STRING", "BOOLEAN", "ANY", "INTEGER", "LIST OF ANY"


def _kind(label_type) -> str:
    k = str(label_type).lower()
    if k in ("vertex", "node"):
        return "vertex"
    if k in ("edge", "relationship"):
        return "edge"
    raise errors.CypherArgumentError(
        f"Illegal value for parameter [label_type]: must be 'vertex' or 'edge', got {label_type!r}"
    )


def _specs(rest: list, width: int, usage: str) -> list[list]:
    """Field specs given as lists ([name, type, optional], ...) or flat, TuGraph accepts both."""
    if rest and all(isinstance(x, (list, tuple)) for x in rest):
        specs = [list(x) for x in rest]
    elif len(rest) % width == 0:
        specs = [list(rest[i : i + width]) for i in range(0, len(rest), width)]
    else:
        specs = None
    if specs is None or any(len(spec) != width for spec in specs):
        raise errors.CypherArgumentError(f"Field specs must be given as {usage}")
    return specs


def _json(text, what: str):
    try:
        return json.loads(text)
    except (TypeError, ValueError) as exc:
        raise errors.CypherArgumentError(f"{what} is not valid JSON: {exc}") from exc


def create_label(ctx: ProcedureContext, args: list):
    kind, label, extra, *rest = args
    fields = [tuple(s) for s in _specs(rest, 3, "[field_name, field_type, optional]")]
    if _kind(kind) == "vertex":
        ctx.tx.create_vertex_label(label, extra, fields)
    else:
        ctx.tx.create_edge_label(label, _json(extra, "edge constraints") if extra else [], fields)
    return []


def _create_by_json(ctx: ProcedureContext, args: list, kind: str):
    spec = _json(args[0], "json_data")
    if not isinstance(spec, dict) or not isinstance(spec.get("label"), str):
        raise errors.CypherArgumentError("json_data must be an object with a 'label'")
    label = spec["label"]
    props = spec.get("properties") or []
    fields = [(p["name"], p["type"], bool(p.get("optional", False))) for p in props]
    if kind == "vertex":
        ctx.tx.create_vertex_label(label, spec.get("primary"), fields)
    else:
        ctx.tx.create_edge_label(label, spec.get("constraints") or [], fields)
    for p in props:
        if p.get("index") and not (kind == "vertex" and p["name"] == spec.get("primary")):
            ctx.tx.add_index(kind, label, p["name"], bool(p.get("unique", False)),
                             bool(p.get("pair_unique", False)))
    return []


def alter_add(ctx: ProcedureContext, args: list):
    kind, label, *rest = args
    specs = _specs(rest, 4, "[field_name, field_type, default_value, optional]")
    for spec in specs:
        # TuGraph scripts pass '' as "no default" for any type
        if spec[2] == "" and str(spec[1]).upper() != "STRING":
            spec[2] = None
    return [[ctx.tx.alter_label_add_fields(_kind(kind), label, specs)]]


def alter_delete(ctx: ProcedureContext, args: list):
    kind, label, names = args
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise errors.CypherArgumentError("del_fields must be a list of field names")
    return [[ctx.tx.alter_label_del_fields(_kind(kind), label, names)]]


def alter_modify(ctx: ProcedureContext, args: list):
    kind, label, *rest = args
    specs = _specs(rest, 3, "[field_name, field_type, optional]")
    return [[ctx.tx.alter_label_mod_fields(_kind(kind), label, specs)]]


def add_edge_constraints(ctx: ProcedureContext, args: list):
    ctx.tx.add_edge_constraints(args[0], _json(args[1], "constraints"))
    return []


def list_label_indexes(ctx: ProcedureContext, args: list):
    label, kind = args[0], _kind(args[1])
    return [[ix.label, ix.field, ix.unique, ix.pair_unique]
            for ix in ctx.tx.schema.indexes_of(kind, label)]


def meta_count(ctx: ProcedureContext, args: list):
    return [["vertex", ctx.tx.node_count()], ["edge", ctx.tx.rel_count()]]


def meta_count_detail(ctx: ProcedureContext, args: list):
    tx = ctx.tx
    rows = [[True, label, len(tx.node_ids_by_label(label))] for label in tx.labels()]
    rows += [[False, t, len(tx.rel_ids_by_type(t))] for t in tx.rel_types()]
    return rows


MORE = [
    Procedure("db.createLabel", [("label_type", S), ("label_name", S), ("extra", S)], [],
              "schema", create_label, varargs=A),
    Procedure("db.createVertexLabelByJson", [("json_data", S)], [], "schema",
              lambda ctx, a: _create_by_json(ctx, a, "vertex")),
    Procedure("db.createEdgeLabelByJson", [("json_data", S)], [], "schema",
              lambda ctx, a: _create_by_json(ctx, a, "edge")),
    Procedure("db.alterLabelAddFields", [("label_type", S), ("label_name", S)],
              [("record_affected", INT)], "schema", alter_add, varargs=A),
    Procedure("db.alterLabelDelFields", [("label_type", S), ("label_name", S),
                                         ("del_fields", L)],
              [("record_affected", INT)], "schema", alter_delete),
    Procedure("db.alterLabelModFields", [("label_type", S), ("label_name", S)],
              [("record_affected", INT)], "schema", alter_modify, varargs=A),
    Procedure("db.addEdgeConstraints", [("label_name", S), ("constraints", S)], [], "schema",
              add_edge_constraints),
    Procedure("db.clearEdgeConstraints", [("label_name", S)], [], "schema",
              lambda ctx, a: ctx.tx.clear_edge_constraints(a[0]) or []),
    Procedure("db.listLabelIndexes", [("label_name", S), ("label_type", S)],
              [("label", S), ("field", S), ("unique", B), ("pair_unique", B)], "read",
              list_label_indexes),
    Procedure("dbms.meta.count", [], [("type", S), ("number", INT)], "read", meta_count),
    Procedure("dbms.meta.countDetail", [], [("is_vertex", B), ("label", S), ("count", INT)],
              "read", meta_count_detail),
]  # fmt: skip
