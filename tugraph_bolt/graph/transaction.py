"""Transaction: a snapshot plus its own writes, recorded as effects.

Every write is checked here (so the user gets the error at once), turned into an effect,
and applied to the transaction's working root by the same `Effects` code apply uses, so
reads see the transaction's own writes. `command()` encodes the effects together with the
versions (taken from the snapshot) of every pre-existing entity written: apply refuses the
command when any of them changed meanwhile (snapshot isolation, first committer wins).

>>> from tugraph_bolt.graph.store import Store
>>> store = Store()
>>> tx = store.begin()
>>> a = tx.create_node(["Person"], {"name": "Ann"})
>>> tx.node(a).props["name"], store.state.node(a)
('Ann', None)
>>> store.submit(tx.command()).ok, store.state.node(a).labels
(True, ('Person',))
"""

from __future__ import annotations

from tugraph_bolt import errors
from tugraph_bolt.graph.apply import new_request_id, tx_command
from tugraph_bolt.graph.effects import Effects
from tugraph_bolt.graph.records import PENDING_VERSION, NodeRecord, RelRecord, check_storable
from tugraph_bolt.graph.schema import check_record, coerce_field
from tugraph_bolt.graph.schema_writes import SchemaWrites
from tugraph_bolt.graph.state import GraphState

STAT_KEYS = (
    "nodes-created", "nodes-deleted", "relationships-created", "relationships-deleted",
    "properties-set", "labels-added", "labels-removed", "indexes-added", "indexes-removed",
    "constraints-added", "constraints-removed",
)  # fmt: skip


class Transaction(SchemaWrites):
    def __init__(self, state: GraphState, ids, *, strict_schema: bool = False,
                 request_id: str | None = None):
        self.snapshot = state
        self.root = state  # the working root: snapshot + own writes
        self.ids = ids
        self.strict_schema = strict_schema
        # drawn only when a command is built: read-only transactions never need one
        self.request_id = request_id
        self._effects: list[list] = []
        self._reads: dict[tuple[str, int], int] = {}  # insertion-ordered: deterministic
        self._schema_read: int | None = None
        self._fx: Effects | None = None  # applies this transaction's effects to root
        self._deleted_nodes: dict[int, bool] = {}
        self._deleted_rels: dict[int, None] = {}
        self._counts = dict.fromkeys(STAT_KEYS, 0)
        self._command: bytes | None = None

    # --- read API (the working root's) -------------------------------------------

    def node(self, node_id: int) -> NodeRecord | None:
        return self.root.node(node_id)

    def rel(self, rel_id: int) -> RelRecord | None:
        return self.root.rel(rel_id)

    def node_ids(self):
        return self.root.node_ids()

    def rel_ids(self):
        return self.root.rel_ids()

    def node_ids_by_label(self, label: str):
        return self.root.node_ids_by_label(label)

    def rel_ids_by_type(self, rel_type: str):
        return self.root.rel_ids_by_type(rel_type)

    def rels_of(self, node_id: int, direction: str = "both", types=None):
        return self.root.rels_of(node_id, direction, types)

    def degree(self, node_id: int, direction: str = "both", types=None) -> int:
        return self.root.degree(node_id, direction, types)

    def lookup(self, label: str, key: str, value):
        return self.root.lookup(label, key, value)

    def lookup_rels(self, rel_type: str, key: str, value):
        return self.root.lookup_rels(rel_type, key, value)

    def labels(self):
        return self.root.labels()

    def rel_types(self):
        return self.root.rel_types()

    def property_keys(self):
        return self.root.property_keys()

    def node_count(self) -> int:
        return self.root.node_count()

    def rel_count(self) -> int:
        return self.root.rel_count()

    @property
    def schema(self):
        return self.root.schema

    @property
    def users(self):
        return self.root.users

    @property
    def cluster(self):
        return self.root.cluster

    @property
    def applied_index(self) -> int:
        return self.snapshot.applied_index

    def is_node_deleted(self, node_id: int) -> bool:
        """True when this transaction deleted the node (Cypher: 'deleted in this tx')."""
        return node_id in self._deleted_nodes

    def is_rel_deleted(self, rel_id: int) -> bool:
        return rel_id in self._deleted_rels

    is_deleted = is_node_deleted

    # --- bookkeeping ---------------------------------------------------------------

    def _write(self, effect: list) -> None:
        if self._command is not None:
            raise errors.InternalError("transaction already produced its command")
        fx = self._fx
        if fx is None:
            fx = self._fx = Effects(self.snapshot, PENDING_VERSION)
            self._deleted_nodes = fx.deleted_nodes
        try:
            fx.apply(effect)  # updates the private working root in place
        except Exception:
            self._rebuild()  # a failed effect may have half-changed the working root
            raise
        self.root = fx.s
        self._effects.append(effect)

    def _rebuild(self) -> None:
        """Recompute the working root from the snapshot and the effects that succeeded."""
        fx = Effects(self.snapshot, PENDING_VERSION)
        for effect in self._effects:
            fx.apply(effect)
        self._fx = fx
        self._deleted_nodes = fx.deleted_nodes
        self.root = fx.s

    def _remember(self, kind: str, entity_id: int) -> None:
        key = (kind, entity_id)
        if key in self._reads:
            return
        table = self.snapshot.nodes if kind == "n" else self.snapshot.rels
        rec = table.get(entity_id)
        if rec is not None:
            self._reads[key] = rec[-1]

    def _remember_schema(self) -> None:
        if self._schema_read is None:
            self._schema_read = self.snapshot.schema_version

    def _live_node(self, node_id: int) -> NodeRecord:
        rec = self.root.node(node_id)
        if rec is None:
            if node_id in self._deleted_nodes:
                raise errors.EntityNotFound(
                    f"Node with id {node_id} has been deleted in this transaction",
                    detail="DeletedEntityAccess",
                )
            raise errors.EntityNotFound(f"Unable to load NODE with id {node_id}.")
        return rec

    def _live_rel(self, rel_id: int) -> RelRecord:
        rec = self.root.rel(rel_id)
        if rec is None:
            if rel_id in self._deleted_rels:
                raise errors.EntityNotFound(
                    f"Relationship with id {rel_id} has been deleted in this transaction",
                    detail="DeletedEntityAccess",
                )
            raise errors.EntityNotFound(f"Unable to load RELATIONSHIP with id {rel_id}.")
        return rec

    @staticmethod
    def _clean_props(props) -> dict:
        out = {}
        for key, value in (props or {}).items():
            if not isinstance(key, str):
                raise errors.CypherTypeError(f"Property keys must be strings, got {key!r}")
            value = check_storable(key, value)
            if value is not None:
                out[key] = value
        return out

    def _declared_vertex(self, labels):
        table = self.root.vertex_labels
        return [table[lb] for lb in labels if lb in table]

    def _check_strict_vertex(self, labels) -> None:
        if self.strict_schema:
            for label in labels:
                if label not in self.root.vertex_labels:
                    raise errors.SchemaError(f"Vertex label {label} does not exist.")

    def _convert_node_props(self, labels, props: dict) -> dict:
        declared = self._declared_vertex(labels)
        if len(declared) == 1:
            return check_record(declared[0], props, converting=True)
        for schema in declared:
            own = {k: v for k, v in props.items() if schema.field(k) is not None}
            props.update(check_record(schema, own, converting=True))
        return props

    def _convert_value(self, schemas, key, value):
        if not schemas:
            return value
        for schema in schemas:
            spec = schema.field(key)
            if spec is not None:
                return coerce_field(schema.name, spec, value)
        raise errors.SchemaError(f"Field [{key}] does not exist.")

    # --- data writes ---------------------------------------------------------------

    def create_node(self, labels=(), props=None) -> int:
        labels = list(dict.fromkeys(labels))
        self._check_strict_vertex(labels)
        props = self._convert_node_props(labels, self._clean_props(props))
        node_id = self.ids.next_node_id()
        self._write(["node+", node_id, labels, props])
        c = self._counts
        c["nodes-created"] += 1
        c["labels-added"] += len(labels)
        c["properties-set"] += len(props)
        return node_id

    def create_rel(self, rel_type: str, start: int, end: int, props=None) -> int:
        self._live_node(start)
        self._live_node(end)
        if self.strict_schema and rel_type not in self.root.edge_labels:
            raise errors.SchemaError(f"Edge label {rel_type} does not exist.")
        props = self._clean_props(props)
        schema = self.root.edge_labels.get(rel_type)
        if schema is not None:
            props = check_record(schema, props, converting=True)
        rel_id = self.ids.next_rel_id()
        self._write(["rel+", rel_id, rel_type, start, end, props])
        self._counts["relationships-created"] += 1
        self._counts["properties-set"] += len(props)
        return rel_id

    def set_node_property(self, node_id: int, key: str, value) -> None:
        rec = self._live_node(node_id)
        value = check_storable(key, value)
        value = self._convert_value(self._declared_vertex(rec.labels), key, value)
        if value is None and key not in rec.props:
            return
        self._remember("n", node_id)
        self._write(["nprop", node_id, key, value])
        self._counts["properties-set"] += 1

    def set_rel_property(self, rel_id: int, key: str, value) -> None:
        rec = self._live_rel(rel_id)
        value = check_storable(key, value)
        schema = self.root.edge_labels.get(rec.type)
        value = self._convert_value([schema] if schema else [], key, value)
        if value is None and key not in rec.props:
            return
        self._remember("r", rel_id)
        self._write(["rprop", rel_id, key, value])
        self._counts["properties-set"] += 1

    def set_node_properties(self, node_id: int, props: dict, replace: bool = False) -> None:
        """SET n = map (replace=True) or SET n += map."""
        rec = self._live_node(node_id)
        if replace:
            for key in sorted(rec.props):
                if key not in props:
                    self.set_node_property(node_id, key, None)
        for key, value in props.items():
            self.set_node_property(node_id, key, value)

    def set_rel_properties(self, rel_id: int, props: dict, replace: bool = False) -> None:
        rec = self._live_rel(rel_id)
        if replace:
            for key in sorted(rec.props):
                if key not in props:
                    self.set_rel_property(rel_id, key, None)
        for key, value in props.items():
            self.set_rel_property(rel_id, key, value)

    def add_labels(self, node_id: int, labels) -> None:
        rec = self._live_node(node_id)
        added = [lb for lb in dict.fromkeys(labels) if lb not in rec.labels]
        if not added:
            return
        self._check_strict_vertex(added)
        self._remember("n", node_id)
        self._write(["label+", node_id, added])
        self._counts["labels-added"] += len(added)

    def remove_labels(self, node_id: int, labels) -> None:
        rec = self._live_node(node_id)
        removed = [lb for lb in rec.labels if lb in set(labels)]
        if not removed:
            return
        self._remember("n", node_id)
        self._write(["label-", node_id, removed])
        self._counts["labels-removed"] += len(removed)

    def delete_rel(self, rel_id: int) -> None:
        if rel_id in self._deleted_rels:
            return  # deleting twice in one transaction is allowed
        self._live_rel(rel_id)
        self._remember("r", rel_id)
        self._write(["rel-", rel_id])
        self._deleted_rels[rel_id] = None
        self._counts["relationships-deleted"] += 1

    def delete_node(self, node_id: int, detach: bool = False) -> None:
        """Delete a node. Without detach, relationships may still be deleted later in the
        same transaction; `command()` fails if any remain."""
        if node_id in self._deleted_nodes:
            if detach:
                for rec in self.root.rels_of(node_id, "both"):
                    self.delete_rel(rec.id)
            return
        self._live_node(node_id)
        if detach:
            for rec in self.root.rels_of(node_id, "both"):
                self.delete_rel(rec.id)
        self._remember("n", node_id)
        self._write(["node-", node_id, bool(detach)])
        self._counts["nodes-deleted"] += 1

    # --- users -----------------------------------------------------------------------

    def create_user(self, name: str, password_hash: str, roles=()) -> None:
        if name in self.root.users:
            raise errors.CypherArgumentError(f"User [{name}] already exist.")
        self._write(["user+", name, password_hash, list(roles)])

    def set_password(self, name: str, password_hash: str) -> None:
        if name not in self.root.users:
            raise errors.CypherArgumentError(f"User [{name}] does not exist.")
        self._write(["user-pw", name, password_hash])

    def delete_user(self, name: str) -> None:
        if name not in self.root.users:
            raise errors.CypherArgumentError(f"User [{name}] does not exist.")
        self._write(["user-", name])

    # --- results -------------------------------------------------------------------

    @property
    def has_writes(self) -> bool:
        return bool(self._effects)

    @property
    def effects(self) -> list[list]:
        return list(self._effects)

    @property
    def stats(self) -> dict:
        """Neo4j counters, only the non-zero ones, plus contains-updates when any."""
        out = {k: n for k, n in self._counts.items() if n}
        if out or self._effects:
            out["contains-updates"] = True
        return out

    def command(self) -> bytes | None:
        """The encoded command (None for a read-only transaction). Checks deferred rules:
        a node deleted without DETACH must have no relationship left."""
        if self._command is not None:
            return self._command
        if not self._effects:
            return None
        root = self.root
        for node_id in self._deleted_nodes:
            if node_id in root.out_adj or node_id in root.in_adj:
                raise errors.ConstraintVerificationFailed(
                    f"Cannot delete node<{node_id}>, because it still has relationships. "
                    f"To delete this node, you must first delete its relationships.",
                    detail="DeleteConnectedNode",
                )
        reads = [[kind, entity_id, version] for (kind, entity_id), version in self._reads.items()]
        if self.request_id is None:
            self.request_id = new_request_id()
        self._command = tx_command(self._effects, reads, self._schema_read, self.request_id)
        return self._command

