"""Effects that alter a declared label: add / delete / modify fields, edge constraints.

    ["fields+", kind, label, [[name, type, optional, default], ...]]
    ["fields-", kind, label, [name, ...]]
    ["fields~", kind, label, [[name, type, optional], ...]]
    ["econs", label, [[src, dst], ...]]        (replaces the edge label's constraints)

Each rewrites the label's schema and every record of the label (in ascending id order),
stamping their versions, so a concurrent writer of one of those records conflicts. Like
every effect they run the same at transaction time and at apply time (see effects.py).
"""

from __future__ import annotations

from tugraph_bolt import errors
from tugraph_bolt.graph.records import NodeRecord, RelRecord
from tugraph_bolt.graph.schema import FieldSpec, coerce_field


def _schema(fx, kind, label):
    table = fx.s.vertex_labels if kind == "vertex" else fx.s.edge_labels
    schema = table.get(label)
    if schema is None:
        raise errors.SchemaError(f"Label [{label}] does not exist.")
    return schema


def _store_schema(fx, kind, schema):
    s = fx.s
    if kind == "vertex":
        s.vertex_labels = s.vertex_labels.set(schema.name, schema)
    else:
        s.edge_labels = s.edge_labels.set(schema.name, schema)
    fx.s.schema_version += 1


def _record_ids(fx, kind, label) -> list[int]:
    index = fx.s.label_index if kind == "vertex" else fx.s.type_index
    return sorted(index.get(label) or ())


def _rewrite(fx, kind, label, change) -> None:
    """Apply `change(props) -> new props` to every record of the label."""
    s = fx.s
    for eid in _record_ids(fx, kind, label):
        if kind == "vertex":
            rec = s.nodes[eid]
            props = change(dict(rec.props))
            fx._index_node((label,), rec.props, eid, add=False)
            s.nodes = s.nodes.set(eid, NodeRecord(eid, rec.labels, props, fx.version))
            fx._index_node((label,), props, eid, add=True)
        else:
            rec = s.rels[eid]
            props = change(dict(rec.props))
            new = RelRecord(eid, rec.type, rec.start, rec.end, props, fx.version)
            for key, value in rec.props.items():
                fx._index_drop("edge", label, key, value, eid)
            s.rels = s.rels.set(eid, new)
            for key, value in props.items():
                fx._index_put("edge", label, key, value, eid, new)
        fx._touch_keys(props)


def fields_add(fx, kind, label, specs) -> None:
    schema = _schema(fx, kind, label)
    fields = list(schema.fields)
    defaults = {}
    for name, type_name, optional, default in specs:
        if schema.field(name) is not None or name in defaults:
            raise errors.SchemaError(f"Field [{name}] defined more than once.")
        spec = FieldSpec(name, type_name, bool(optional))
        fields.append(spec)
        if default is None and not spec.optional and _record_ids(fx, kind, label):
            raise errors.SchemaError(f"Field [{name}] is not optional.")
        defaults[name] = None if default is None else coerce_field(label, spec, default)
    _store_schema(fx, kind, schema._replace(fields=tuple(fields)))

    def change(props):
        for name, value in defaults.items():
            if value is not None:
                props[name] = value
        return props

    _rewrite(fx, kind, label, change)


def fields_delete(fx, kind, label, names) -> None:
    schema = _schema(fx, kind, label)
    for name in names:
        if schema.field(name) is None:
            raise errors.SchemaError(f"Field [{name}] does not exist.")
        if name == schema.primary:
            raise errors.SchemaError(f"Field [{name}] cannot be deleted.")
    gone = set(names)
    s = fx.s
    for name in sorted(gone):
        key = (kind, label, name)
        if key in s.index_specs:
            s.index_specs = s.index_specs.delete(key)
            s.indexes = s.indexes.delete(key)
    kept = tuple(f for f in schema.fields if f.name not in gone)
    _store_schema(fx, kind, schema._replace(fields=kept))
    _rewrite(fx, kind, label, lambda props: {k: v for k, v in props.items() if k not in gone})


def fields_modify(fx, kind, label, specs) -> None:
    schema = _schema(fx, kind, label)
    by_name = {f.name: f for f in schema.fields}
    changed = {}
    for name, type_name, optional in specs:
        if name not in by_name:
            raise errors.SchemaError(f"Field [{name}] does not exist.")
        if name == schema.primary and optional:
            raise errors.SchemaError(f"Primary field [{name}] can not be optional.")
        changed[name] = FieldSpec(name, type_name, bool(optional))
    fields = tuple(changed.get(f.name, f) for f in schema.fields)
    _store_schema(fx, kind, schema._replace(fields=fields))

    def change(props):
        for name, spec in changed.items():
            value = coerce_field(label, spec, props.get(name))
            if value is None:
                props.pop(name, None)
            else:
                props[name] = value
        return props

    _rewrite(fx, kind, label, change)


def edge_constraints(fx, label, constraints) -> None:
    schema = _schema(fx, "edge", label)
    pairs = tuple((a, b) for a, b in constraints)
    _store_schema(fx, "edge", schema._replace(constraints=pairs))
    for rel_id in _record_ids(fx, "edge", label):
        rec = fx.s.rels[rel_id]
        fx._check_rel_schema(label, rec.start, rec.end, rec.props)


HANDLERS = {
    "fields+": fields_add,
    "fields-": fields_delete,
    "fields~": fields_modify,
    "econs": edge_constraints,
}
