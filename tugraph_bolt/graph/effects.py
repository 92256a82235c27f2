"""Effects and the one code that applies them to a root.

An effect is a small list, `[op, *args]`, exactly as it travels inside a command:

    ["node+", id, labels, props]          ["node-", id, detach]
    ["rel+", id, type, start, end, props] ["rel-", id]
    ["nprop", id, key, value]             ["rprop", id, key, value]     (None removes)
    ["label+", id, labels]                ["label-", id, labels]
    ["vlabel+", name, primary, fields]    ["elabel+", name, constraints, fields]
    ["label-del", kind, name]             ["dropdb"]
    ["index+", kind, label, field, unique, pair_unique]   ["index-", kind, label, field]
    ["user+", name, password_hash, roles] ["user-pw", name, password_hash] ["user-", name]
    and the label alterations in alter.py (fields+, fields-, fields~, econs)

`Effects(state, version)` applies effects one by one to a private copy of the root; a
Transaction uses it for every write (so it reads its own writes) and `apply` uses it for a
whole command, so both run the SAME checks. A failed check raises a DatabaseError
subclass: the transaction lets it reach the user; apply turns it into an Outcome.

Deleting a node leaves its adjacency in place until `finish()`: Cypher may delete a node
before the relationships matched with it in the same statement. `finish()` then insists
that every deleted node has no relationship left.
"""

from __future__ import annotations

from tugraph_bolt import errors
from tugraph_bolt.graph import alter, idset
from tugraph_bolt.graph.idmap import EMPTY_IDMAP, IdMap, IdMapBuilder, persistent, transient
from tugraph_bolt.graph.records import (
    PENDING_VERSION,
    NodeRecord,
    RelRecord,
    UserRecord,
    index_key,
)
from tugraph_bolt.graph.schema import FieldSpec, IndexSpec, LabelSchema, check_record
from tugraph_bolt.graph.state import EMPTY, GraphState

# The id-keyed maps effects edit in place (through IdMapBuilder) while they run.
_BIG_MAPS = ("nodes", "rels", "out_adj", "in_adj")


def _map_add(outer, key, member):
    return outer.set(key, idset.add(outer.get(key), member))


def _map_remove(outer, key, member):
    ids = outer.get(key)
    if ids is None:
        return outer
    new = idset.remove(ids, member)
    if new is ids:
        return outer
    return outer.set(key, new) if new is not None else outer.delete(key)


def conflict(message: str) -> errors.WriteConflict:
    return errors.WriteConflict(message)


class Effects:
    """Applies effects to a copy of `state`; `finish()` returns the new root."""

    def __init__(self, state: GraphState, version: int):
        self.s = state._copy()
        for name in _BIG_MAPS:
            setattr(self.s, name, transient(getattr(self.s, name)))
        self.version = version
        self.deleted_nodes: dict[int, bool] = {}  # id -> detach (ordered)
        self._open_sets: list[tuple[str, int | str]] = []  # large id sets edited in place

    def apply(self, effect) -> None:
        op = effect[0]
        handler = _HANDLERS.get(op)
        if handler is None:
            raise errors.InternalError(f"unknown effect {op!r}")
        handler(self, *effect[1:])
        self.s._cache = {}

    def finish(self) -> GraphState:
        """Check deferred rules and return the new root (persistent again)."""
        s = self.s
        for field, key in self._open_sets:
            outer = getattr(s, field)
            ids = outer.get(key)
            if type(ids) is IdMapBuilder:
                frozen = ids.freeze()
                small = len(frozen) <= idset.SMALL // 2
                setattr(s, field, outer.set(key, frozen.sorted_keys() if small else frozen))
        for node_id, detach in self.deleted_nodes.items():
            if node_id in s.nodes:
                continue  # re-created? ids are never reused; defensive only
            if node_id in s.out_adj or node_id in s.in_adj:
                if detach:
                    raise conflict(
                        f"Node({node_id}) got new relationships from a concurrent transaction"
                    )
                raise errors.ConstraintVerificationFailed(
                    f"Cannot delete node<{node_id}>, because it still has relationships. "
                    f"To delete this node, you must first delete its relationships.",
                    detail="DeleteConnectedNode",
                )
        for name in _BIG_MAPS:
            setattr(s, name, persistent(getattr(s, name)))
        s._cache = {}
        return s

    # --- id sets under a key (label -> nodes, type -> rels, node -> rels) -----------

    def _add_member(self, field: str, key, member: int) -> None:
        outer = getattr(self.s, field)
        ids = outer.get(key)
        if type(ids) is IdMapBuilder:
            ids.set(member, None)
            return
        new = idset.add(ids, member)
        if type(new) is IdMap:  # large: edit it in place until finish()
            new = IdMapBuilder(new)
            self._open_sets.append((field, key))
        setattr(self.s, field, outer.set(key, new))

    def _remove_member(self, field: str, key, member: int) -> None:
        outer = getattr(self.s, field)
        ids = outer.get(key)
        if ids is None:
            return
        if type(ids) is IdMapBuilder:
            if member in ids:
                ids.delete(member)
                if not ids:
                    setattr(self.s, field, outer.delete(key))
            return
        new = idset.remove(ids, member)
        if new is not ids:
            setattr(self.s, field, outer.set(key, new) if new is not None else outer.delete(key))

    # --- index maintenance ---------------------------------------------------------

    def _index_put(self, kind, label, key, value, eid, rel=None):
        s = self.s
        ikey = (kind, label, key)
        index = s.indexes.get(ikey)
        if index is None or value is None:
            return
        vkey = index_key(value)
        hits = index.get(vkey)
        spec = s.index_specs[ikey]
        if hits:
            if spec.unique and any(h != eid for h in hits):
                other = next(h for h in hits if h != eid)
                what = "Node" if kind == "vertex" else "Relationship"
                raise errors.ConstraintValidationFailed(
                    f"{what}({other}) already exists with label `{label}` and property "
                    f"`{key}` = {value!r}",
                    detail="UniquenessConstraintViolation" if not spec.primary else None,
                )
            if spec.pair_unique and rel is not None:
                for h in hits:
                    other = s.rels.get(h)
                    if h != eid and other is not None and (other.start, other.end) == (
                        rel.start, rel.end
                    ):
                        raise errors.ConstraintValidationFailed(
                            f"Edge index [{label}:{key}] is pair unique: value {value!r} "
                            f"already used between {rel.start} and {rel.end}"
                        )
        s.indexes = s.indexes.set(ikey, _map_add(index, vkey, eid))

    def _index_drop(self, kind, label, key, value, eid):
        s = self.s
        ikey = (kind, label, key)
        index = s.indexes.get(ikey)
        if index is None or value is None:
            return
        s.indexes = s.indexes.set(ikey, _map_remove(index, index_key(value), eid))

    def _index_node(self, labels, props, eid, add: bool):
        if not len(self.s.indexes):
            return
        for label in labels:
            for key, value in props.items():
                if add:
                    self._index_put("vertex", label, key, value, eid)
                else:
                    self._index_drop("vertex", label, key, value, eid)

    def _check_node_schema(self, labels, props):
        vertex_labels = self.s.vertex_labels
        if not len(vertex_labels):
            return
        declared = [vertex_labels[lb] for lb in labels if lb in vertex_labels]
        if not declared:
            return
        if len(declared) == 1:
            check_record(declared[0], props, converting=False)
            return
        # several declared labels: each key must belong to one of them
        for schema in declared:
            own = {k: val for k, val in props.items() if schema.field(k) is not None}
            check_record(schema, own, converting=False)
        for key in props:
            if all(schema.field(key) is None for schema in declared):
                raise errors.SchemaError(f"Field [{key}] does not exist.")

    def _check_rel_schema(self, rel_type, start, end, props):
        schema = self.s.edge_labels.get(rel_type)
        if schema is None:
            return
        check_record(schema, props, converting=False)
        if schema.constraints:
            src = self.s.nodes[start].labels
            dst = self.s.nodes[end].labels
            if not any(a in src and b in dst for a, b in schema.constraints):
                raise errors.SchemaError(
                    f"Does not meet the edge constraints of [{rel_type}]: "
                    f"{list(src)} -> {list(dst)}"
                )

    def _touch_keys(self, props):
        keys = self.s.prop_keys
        for key in props:
            if key not in keys:
                keys = keys.set(key, None)
        self.s.prop_keys = keys

    def _node(self, node_id) -> NodeRecord:
        rec = self.s.nodes.get(node_id)
        if rec is None:
            raise conflict(f"Node({node_id}) was deleted by a concurrent transaction")
        return rec

    def _rel(self, rel_id) -> RelRecord:
        rec = self.s.rels.get(rel_id)
        if rec is None:
            raise conflict(f"Relationship({rel_id}) was deleted by a concurrent transaction")
        return rec

    def _check_new_id(self, kind, new_id):
        table = self.s.nodes if kind == "node" else self.s.rels
        # a transaction's snapshot predates the block its ids came from: only apply,
        # which sees every reservation, can check that the id was reserved
        reserved = self.version == PENDING_VERSION or new_id < self.s.next_ids[kind]
        if not isinstance(new_id, int) or new_id < 0 or not reserved:
            raise errors.InternalError(f"{kind} id {new_id!r} was never reserved")
        if new_id in table:
            raise conflict(f"{kind} id {new_id} is already in use")

    # --- data effects --------------------------------------------------------------

    def node_add(self, node_id, labels, props):
        self._check_new_id("node", node_id)
        labels = tuple(labels)
        props = dict(props)
        self._check_node_schema(labels, props)
        s = self.s
        s.nodes = s.nodes.set(node_id, NodeRecord(node_id, labels, props, self.version))
        for label in labels:
            self._add_member("label_index", label, node_id)
        self._index_node(labels, props, node_id, add=True)
        self._touch_keys(props)

    def node_delete(self, node_id, detach):
        rec = self._node(node_id)
        s = self.s
        s.nodes = s.nodes.delete(node_id)
        for label in rec.labels:
            self._remove_member("label_index", label, node_id)
        self._index_node(rec.labels, rec.props, node_id, add=False)
        self.deleted_nodes[node_id] = bool(detach) or self.deleted_nodes.get(node_id, False)

    def rel_add(self, rel_id, rel_type, start, end, props):
        self._check_new_id("rel", rel_id)
        self._node(start)
        self._node(end)
        props = dict(props) if props else {}
        self._check_rel_schema(rel_type, start, end, props)
        s = self.s
        rec = RelRecord(rel_id, rel_type, start, end, props, self.version)
        s.rels = s.rels.set(rel_id, rec)
        self._add_member("out_adj", start, rel_id)
        self._add_member("in_adj", end, rel_id)
        self._add_member("type_index", rel_type, rel_id)
        if props:
            if len(s.indexes):
                for key, value in props.items():
                    self._index_put("edge", rel_type, key, value, rel_id, rec)
            self._touch_keys(props)

    def rel_delete(self, rel_id):
        rec = self._rel(rel_id)
        s = self.s
        s.rels = s.rels.delete(rel_id)
        self._remove_member("out_adj", rec.start, rel_id)
        self._remove_member("in_adj", rec.end, rel_id)
        self._remove_member("type_index", rec.type, rel_id)
        for key, value in rec.props.items():
            self._index_drop("edge", rec.type, key, value, rel_id)

    def node_prop(self, node_id, key, value):
        rec = self._node(node_id)
        props = dict(rec.props)
        old = props.pop(key, None)
        if value is not None:
            props[key] = value
        self._check_node_schema(rec.labels, props)
        for label in rec.labels:
            self._index_drop("vertex", label, key, old, node_id)
            self._index_put("vertex", label, key, value, node_id)
        s = self.s
        s.nodes = s.nodes.set(node_id, NodeRecord(node_id, rec.labels, props, self.version))
        if value is not None:
            self._touch_keys((key,))

    def rel_prop(self, rel_id, key, value):
        rec = self._rel(rel_id)
        props = dict(rec.props)
        old = props.pop(key, None)
        if value is not None:
            props[key] = value
        self._check_rel_schema(rec.type, rec.start, rec.end, props)
        new = rec._replace(props=props, version=self.version)
        self._index_drop("edge", rec.type, key, old, rel_id)
        self._index_put("edge", rec.type, key, value, rel_id, new)
        s = self.s
        s.rels = s.rels.set(rel_id, new)
        if value is not None:
            self._touch_keys((key,))

    def label_add(self, node_id, labels):
        rec = self._node(node_id)
        added = tuple(lb for lb in dict.fromkeys(labels) if lb not in rec.labels)
        new_labels = rec.labels + added
        self._check_node_schema(new_labels, rec.props)
        s = self.s
        for label in added:
            self._add_member("label_index", label, node_id)
        self._index_node(added, rec.props, node_id, add=True)
        s.nodes = s.nodes.set(node_id, NodeRecord(node_id, new_labels, rec.props, self.version))

    def label_remove(self, node_id, labels):
        rec = self._node(node_id)
        removed = tuple(lb for lb in rec.labels if lb in labels)
        s = self.s
        for label in removed:
            self._remove_member("label_index", label, node_id)
        self._index_node(removed, rec.props, node_id, add=False)
        kept = tuple(lb for lb in rec.labels if lb not in removed)
        s.nodes = s.nodes.set(node_id, NodeRecord(node_id, kept, rec.props, self.version))

    # --- schema effects ------------------------------------------------------------

    def _bump_schema(self):
        self.s.schema_version = self.s.schema_version + 1

    def vertex_label_add(self, name, primary, fields):
        s = self.s
        if name in s.vertex_labels:
            raise errors.SchemaError(f"Vertex label [{name}] already exists.")
        schema = LabelSchema(name, "vertex", primary, tuple(FieldSpec(*f) for f in fields))
        s.vertex_labels = s.vertex_labels.set(name, schema)
        self._bump_schema()
        for node_id in sorted(s.label_index.get(name) or ()):
            self._check_node_schema(s.nodes[node_id].labels, s.nodes[node_id].props)
        self.index_add("vertex", name, primary, True, False, primary=True)

    def edge_label_add(self, name, constraints, fields):
        s = self.s
        if name in s.edge_labels:
            raise errors.SchemaError(f"Edge label [{name}] already exists.")
        schema = LabelSchema(
            name, "edge", None, tuple(FieldSpec(*f) for f in fields),
            tuple((a, b) for a, b in constraints),
        )  # fmt: skip
        s.edge_labels = s.edge_labels.set(name, schema)
        self._bump_schema()
        for rel_id in sorted(s.type_index.get(name) or ()):
            rec = s.rels[rel_id]
            self._check_rel_schema(name, rec.start, rec.end, rec.props)

    def label_delete(self, kind, name):
        s = self.s
        table = s.vertex_labels if kind == "vertex" else s.edge_labels
        if name not in table:
            raise errors.SchemaError(f"Label [{name}] does not exist.")
        if kind == "vertex":
            s.vertex_labels = table.delete(name)
            for node_id in sorted(s.label_index.get(name) or ()):
                for rel_id in sorted(set(s.out_adj.get(node_id) or ())
                                     | set(s.in_adj.get(node_id) or ())):
                    self.rel_delete(rel_id)
                self.node_delete(node_id, True)
        else:
            s.edge_labels = table.delete(name)
            for rel_id in sorted(s.type_index.get(name) or ()):
                self.rel_delete(rel_id)
        for key in sorted(s.index_specs):
            if key[0] == kind and key[1] == name:
                s.index_specs = s.index_specs.delete(key)
                s.indexes = s.indexes.delete(key)
        self._bump_schema()

    def index_add(self, kind, label, field, unique, pair_unique, primary=False):
        s = self.s
        key = (kind, label, field)
        declared = (s.vertex_labels if kind == "vertex" else s.edge_labels).get(label)
        if declared is not None and declared.field(field) is None:
            raise errors.SchemaError(f"Field [{field}] does not exist.")
        if key in s.index_specs:
            what = "VertexIndex" if kind == "vertex" else "EdgeIndex"
            raise errors.SchemaError(f"{what} [{label}:{field}] already exist.")
        s.index_specs = s.index_specs.set(
            key, IndexSpec(kind, label, field, bool(unique), bool(pair_unique), primary)
        )
        s.indexes = s.indexes.set(key, EMPTY)
        if kind == "vertex":
            for node_id in sorted(s.label_index.get(label) or ()):
                value = s.nodes[node_id].props.get(field)
                self._index_put(kind, label, field, value, node_id)
        else:
            for rel_id in sorted(s.type_index.get(label) or ()):
                rec = s.rels[rel_id]
                self._index_put(kind, label, field, rec.props.get(field), rel_id, rec)
        self._bump_schema()

    def index_delete(self, kind, label, field):
        s = self.s
        key = (kind, label, field)
        spec = s.index_specs.get(key)
        if spec is None:
            what = "VertexIndex" if kind == "vertex" else "EdgeIndex"
            raise errors.SchemaError(f"{what} [{label}:{field}] does not exist.")
        if spec.primary:
            raise errors.SchemaError(f"Primary index [{field}] can not be deleted.")
        s.index_specs = s.index_specs.delete(key)
        s.indexes = s.indexes.delete(key)
        self._bump_schema()

    def drop_db(self):
        s = self.s
        for name in _BIG_MAPS:
            setattr(s, name, transient(EMPTY_IDMAP))
        for name in ("label_index", "type_index", "prop_keys", "indexes", "vertex_labels",
                     "edge_labels", "index_specs"):
            setattr(s, name, EMPTY)
        self._bump_schema()

    # --- users ---------------------------------------------------------------------

    def user_add(self, name, password_hash, roles=()):
        s = self.s
        if name in s.users:
            raise errors.CypherArgumentError(f"User [{name}] already exist.")
        s.users = s.users.set(name, UserRecord(name, password_hash, tuple(roles)))

    def user_password(self, name, password_hash):
        s = self.s
        rec = s.users.get(name)
        if rec is None:
            raise errors.CypherArgumentError(f"User [{name}] does not exist.")
        s.users = s.users.set(name, rec._replace(password_hash=password_hash))

    def user_delete(self, name):
        s = self.s
        if name not in s.users:
            raise errors.CypherArgumentError(f"User [{name}] does not exist.")
        s.users = s.users.delete(name)


_HANDLERS = {
    "node+": Effects.node_add,
    "node-": Effects.node_delete,
    "rel+": Effects.rel_add,
    "rel-": Effects.rel_delete,
    "nprop": Effects.node_prop,
    "rprop": Effects.rel_prop,
    "label+": Effects.label_add,
    "label-": Effects.label_remove,
    "vlabel+": Effects.vertex_label_add,
    "elabel+": Effects.edge_label_add,
    "label-del": Effects.label_delete,
    "index+": Effects.index_add,
    "index-": Effects.index_delete,
    "dropdb": Effects.drop_db,
    "user+": Effects.user_add,
    "user-pw": Effects.user_password,
    "user-": Effects.user_delete,
}
_HANDLERS.update(alter.HANDLERS)
