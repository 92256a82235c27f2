"""Schema writes of a Transaction: TuGraph label schemas, indexes, alterations, dropDB.

A mixin so transaction.py stays about data; it relies on the Transaction's `root`,
`_write`, `_remember`, `_remember_schema` and `_counts`.
"""

from __future__ import annotations

from tugraph_bolt import errors
from tugraph_bolt.graph.schema import FieldSpec, coerce_field, make_fields, normalize_type


class SchemaWrites:
    def create_vertex_label(self, name: str, primary: str, fields) -> None:
        if name in self.root.vertex_labels:
            raise errors.SchemaError(f"Vertex label [{name}] already exists.")
        specs = make_fields(fields, primary, name)
        self._remember_schema()
        self._write(["vlabel+", name, primary, [list(f) for f in specs]])
        self._counts["constraints-added"] += 1

    def create_edge_label(self, name: str, constraints, fields) -> None:
        if name in self.root.edge_labels:
            raise errors.SchemaError(f"Edge label [{name}] already exists.")
        pairs = _constraint_pairs(constraints)
        specs = make_fields(fields, None, name)
        self._remember_schema()
        self._write(["elabel+", name, pairs, [list(f) for f in specs]])

    def delete_label(self, kind: str, name: str) -> None:
        kind = _label_kind(kind)
        table = self.root.vertex_labels if kind == "vertex" else self.root.edge_labels
        if name not in table:
            raise errors.SchemaError(f"Label [{name}] does not exist.")
        # the effect deletes the label's data too; count and mark it like Cypher would
        if kind == "vertex":
            for node_id in self.root.node_ids_by_label(name):
                for rec in self.root.rels_of(node_id, "both"):
                    self._remember("r", rec.id)
                    self._deleted_rels[rec.id] = None
                self._remember("n", node_id)
        else:
            for rel_id in self.root.rel_ids_by_type(name):
                self._remember("r", rel_id)
                self._deleted_rels[rel_id] = None
        self._remember_schema()
        self._write(["label-del", kind, name])

    def add_index(self, kind: str, label: str, field: str, unique: bool = False,
                  pair_unique: bool = False) -> None:
        kind = _label_kind(kind)
        table = self.root.vertex_labels if kind == "vertex" else self.root.edge_labels
        if self.strict_schema and label not in table:
            raise errors.SchemaError(f"Label [{label}] does not exist.")
        self._remember_schema()
        self._write(["index+", kind, label, field, bool(unique), bool(pair_unique)])
        self._counts["constraints-added" if unique else "indexes-added"] += 1

    def drop_index(self, kind: str, label: str, field: str) -> None:
        kind = _label_kind(kind)
        spec = self.root.index_specs.get((kind, label, field))
        self._remember_schema()
        self._write(["index-", kind, label, field])
        self._counts["constraints-removed" if spec and spec.unique else "indexes-removed"] += 1

    # Neo4j-style schema commands (CREATE INDEX / CONSTRAINT, DROP): Neo4j status codes.

    def create_index(self, label: str, key: str, if_not_exists: bool = False,
                     kind: str = "vertex") -> bool:
        """CREATE INDEX FOR (n:Label) ON (n.key); False when it existed (IF NOT EXISTS)."""
        return self._neo4j_index(kind, label, key, False, if_not_exists)

    def create_unique_constraint(self, label: str, key: str, if_not_exists: bool = False,
                                 kind: str = "vertex") -> bool:
        """CREATE CONSTRAINT FOR (n:Label) REQUIRE n.key IS UNIQUE."""
        return self._neo4j_index(kind, label, key, True, if_not_exists)

    def _neo4j_index(self, kind, label, key, unique, if_not_exists) -> bool:
        kind = _label_kind(kind)
        spec = self.root.index_specs.get((kind, label, key))
        if spec is not None:
            if if_not_exists:
                return False
            what = "constraint" if spec.unique else "index"
            raise errors.SchemaError(
                f"An equivalent {what} already exists on :{label}({key}).",
                code="Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
            )
        self.add_index(kind, label, key, unique)
        return True

    def drop_index_on(self, label: str, key: str, if_exists: bool = False,
                      kind: str = "vertex") -> bool:
        """DROP INDEX / CONSTRAINT on :Label(key); False when absent (IF EXISTS)."""
        kind = _label_kind(kind)
        spec = self.root.index_specs.get((kind, label, key))
        if spec is None or spec.primary:
            if if_exists and spec is None:
                return False
            raise errors.SchemaError(
                f"No such index or constraint on :{label}({key})."
                if spec is None else f"Primary index [{key}] can not be deleted.",
                code="Neo.ClientError.Schema.SchemaRuleNotFound",
            )
        self.drop_index(kind, label, key)
        return True

    def drop_db(self) -> None:
        for node_id in self.root.node_ids():
            self._remember("n", node_id)
        self._remember_schema()
        self._write(["dropdb"])

    # --- alterations (TuGraph db.alterLabel*Fields, db.addEdgeConstraints) -----------

    def _declared(self, kind: str, label: str):
        table = self.root.vertex_labels if kind == "vertex" else self.root.edge_labels
        schema = table.get(label)
        if schema is None:
            raise errors.SchemaError(f"Label [{label}] does not exist.")
        return schema

    def _remember_records(self, kind: str, label: str) -> int:
        ids = (self.root.node_ids_by_label(label) if kind == "vertex"
               else self.root.rel_ids_by_type(label))
        for eid in ids:
            self._remember("n" if kind == "vertex" else "r", eid)
        return len(ids)

    def alter_label_add_fields(self, kind: str, label: str, specs) -> int:
        """specs: [(name, type, default, optional)] as TuGraph takes them; returns the
        number of records of the label (TuGraph's record_affected)."""
        kind = _label_kind(kind)
        self._declared(kind, label)
        effect_specs = []
        for spec in specs:
            if not isinstance(spec, (list, tuple)) or len(spec) != 4:
                raise errors.CypherArgumentError(
                    "A field to add is [field_name, field_type, default_value, optional]")
            name, type_name, default, optional = spec
            field = FieldSpec(name, normalize_type(type_name), bool(optional))
            if default is not None:
                default = coerce_field(label, field, default)
            effect_specs.append([name, field.type, field.optional, default])
        affected = self._remember_records(kind, label)
        self._remember_schema()
        self._write(["fields+", kind, label, effect_specs])
        return affected

    def alter_label_del_fields(self, kind: str, label: str, names) -> int:
        kind = _label_kind(kind)
        self._declared(kind, label)
        affected = self._remember_records(kind, label)
        self._remember_schema()
        self._write(["fields-", kind, label, [str(n) for n in names]])
        return affected

    def alter_label_mod_fields(self, kind: str, label: str, specs) -> int:
        """specs: [(name, type, optional)]."""
        kind = _label_kind(kind)
        self._declared(kind, label)
        effect_specs = []
        for spec in specs:
            if not isinstance(spec, (list, tuple)) or len(spec) != 3:
                raise errors.CypherArgumentError(
                    "A field to modify is [field_name, field_type, optional]")
            effect_specs.append([spec[0], normalize_type(spec[1]), bool(spec[2])])
        affected = self._remember_records(kind, label)
        self._remember_schema()
        self._write(["fields~", kind, label, effect_specs])
        return affected

    def add_edge_constraints(self, label: str, constraints) -> None:
        schema = self._declared("edge", label)
        pairs = [list(p) for p in schema.constraints]
        for pair in _constraint_pairs(constraints):
            if pair in pairs:
                raise errors.SchemaError(f"Constraint {pair} of [{label}] already exists.")
            pairs.append(pair)
        self._remember_schema()
        self._write(["econs", label, pairs])

    def clear_edge_constraints(self, label: str) -> None:
        self._declared("edge", label)
        self._remember_schema()
        self._write(["econs", label, []])


def _constraint_pairs(constraints) -> list[list[str]]:
    pairs = []
    for pair in constraints or ():
        if not isinstance(pair, (list, tuple)) or len(pair) != 2 or not all(
            isinstance(x, str) for x in pair
        ):
            raise errors.SchemaError(f"Edge constraint must be [src_label, dst_label]: {pair!r}")
        pairs.append(list(pair))
    return pairs


def _label_kind(kind) -> str:
    k = str(kind).lower()
    if k in ("vertex", "node"):
        return "vertex"
    if k in ("edge", "relationship"):
        return "edge"
    raise errors.CypherArgumentError(f"label_type must be 'vertex' or 'edge', not {kind!r}")
