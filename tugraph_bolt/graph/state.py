"""GraphState: one immutable root of persistent maps (immutables.Map) and its read API.

Layout (every field is immutable; effects.py builds new roots with structural sharing):

    nodes        IdMap[id -> NodeRecord]         rels       IdMap[id -> RelRecord]
    out_adj      IdMap[node -> idset of rels]    in_adj     IdMap[node -> idset of rels]
    label_index  Map[label -> idset of nodes]    type_index Map[type -> idset of rels]
    (an idset is a sorted tuple while small, a Map[id -> None] when large: see idset.py)
    prop_keys    Map[key -> None] (tokens only grow, like Neo4j's property-key tokens)
    indexes      Map[(kind, label, field) -> Map[index_key -> idset]]
    vertex_labels / edge_labels  Map[name -> LabelSchema]
    index_specs  Map[(kind, label, field) -> IndexSpec];  schema_version int
    users        Map[name -> UserRecord];  cluster  JSON-like membership map
    next_ids     Map["node" | "rel" -> first id not yet reserved]
    applied_index, and the dedup cache (recent request id -> Outcome)

Iteration is always in ascending id order: the maps are hashed, so reads sort (and cache
the sorted tuple on this root, which never changes). Sorting 10k ids costs ~0.3 ms.
IdMap (idmap.py) splits dense int keys into parts so HAMT leaves stay full.
"""

from __future__ import annotations

import hashlib

import immutables

from tugraph_bolt.graph import idset
from tugraph_bolt.graph.codec import pack_value
from tugraph_bolt.graph.idmap import EMPTY_IDMAP
from tugraph_bolt.graph.records import NodeRecord, RelRecord, index_key
from tugraph_bolt.graph.schema import IndexSpec, LabelSchema

EMPTY = immutables.Map()

_FIELDS = (
    "nodes", "rels", "out_adj", "in_adj", "label_index", "type_index", "prop_keys",
    "indexes", "vertex_labels", "edge_labels", "index_specs", "schema_version",
    "users", "cluster", "next_ids", "applied_index", "dedup", "dedup_order", "dedup_seq",
)  # fmt: skip


class GraphState:
    __slots__ = _FIELDS + ("_cache",)

    def __init__(self):
        for name in _FIELDS:
            setattr(self, name, EMPTY)
        for name in ("nodes", "rels", "out_adj", "in_adj"):
            setattr(self, name, EMPTY_IDMAP)
        self.schema_version = 0
        self.cluster = None
        self.next_ids = immutables.Map({"node": 0, "rel": 0})
        self.applied_index = 0
        self.dedup_seq = 0
        self._cache = {}

    @classmethod
    def empty(cls) -> GraphState:
        return cls()

    def _copy(self) -> GraphState:
        """A shallow copy to build the next root from; never exposed half-built."""
        new = GraphState.__new__(GraphState)
        for name in _FIELDS:
            setattr(new, name, getattr(self, name))
        new._cache = {}
        return new

    def __getstate__(self):
        return {name: getattr(self, name) for name in _FIELDS}

    def __setstate__(self, data):
        for name in _FIELDS:
            setattr(self, name, data[name])
        self._cache = {}

    # --- entities ------------------------------------------------------------------

    def node(self, node_id: int) -> NodeRecord | None:
        return self.nodes.get(node_id)

    def rel(self, rel_id: int) -> RelRecord | None:
        return self.rels.get(rel_id)

    def _sorted(self, key, source) -> tuple[int, ...]:
        cached = self._cache.get(key)
        if cached is None:
            cached = idset.ordered(source)
            self._cache[key] = cached
        return cached

    def node_ids(self) -> tuple[int, ...]:
        return self._sorted("nodes", self.nodes)

    def rel_ids(self) -> tuple[int, ...]:
        return self._sorted("rels", self.rels)

    def node_ids_by_label(self, label: str) -> tuple[int, ...]:
        return self._sorted(("label", label), self.label_index.get(label))

    def rel_ids_by_type(self, rel_type: str) -> tuple[int, ...]:
        return self._sorted(("type", rel_type), self.type_index.get(rel_type))

    def node_count(self) -> int:
        return len(self.nodes)

    def rel_count(self) -> int:
        return len(self.rels)

    def rels_of(self, node_id: int, direction: str = "both", types=None) -> list[RelRecord]:
        """Relationships at a node, ascending rel id; a self-loop appears once for 'both'."""
        if direction == "out":
            ids = idset.ordered(self.out_adj.get(node_id))
        elif direction == "in":
            ids = idset.ordered(self.in_adj.get(node_id))
        elif direction == "both":
            out = idset.ordered(self.out_adj.get(node_id))
            inc = idset.ordered(self.in_adj.get(node_id))
            if not inc:
                ids = out
            elif not out:
                ids = inc
            else:
                ids = sorted(set(out).union(inc))  # sorted: set order never leaks out
        else:
            raise ValueError(f"direction must be 'out', 'in' or 'both', not {direction!r}")
        rels = self.rels
        if types:
            out_list = []
            for rid in ids:
                rec = rels[rid]
                if rec.type in types:
                    out_list.append(rec)
            return out_list
        return [rels[rid] for rid in ids]

    def degree(self, node_id: int, direction: str = "both", types=None) -> int:
        if not types and direction != "both":
            adj = self.out_adj if direction == "out" else self.in_adj
            return len(adj.get(node_id) or ())
        return len(self.rels_of(node_id, direction, types))

    # --- tokens and schema ---------------------------------------------------------

    def labels(self) -> list[str]:
        """Labels in use (sorted)."""
        return sorted(label for label, ids in self.label_index.items() if len(ids))

    def rel_types(self) -> list[str]:
        return sorted(t for t, ids in self.type_index.items() if len(ids))

    def property_keys(self) -> list[str]:
        return sorted(self.prop_keys)

    @property
    def schema(self) -> SchemaView:
        return SchemaView(self)

    def lookup(self, label: str, key: str, value) -> list[int] | None:
        """Node ids with `label` and `key` = value via an index; None when none covers it."""
        index = self.indexes.get(("vertex", label, key))
        if index is None:
            return None
        if value is None:
            return []
        return list(idset.ordered(index.get(index_key(value))))

    def lookup_rels(self, rel_type: str, key: str, value) -> list[int] | None:
        index = self.indexes.get(("edge", rel_type, key))
        if index is None:
            return None
        if value is None:
            return []
        return list(idset.ordered(index.get(index_key(value))))

    # --- digest --------------------------------------------------------------------

    def digest(self) -> str:
        """sha256 hex over the graph in canonical order.

        Covers nodes, relationships (with versions), property-key tokens, label schemas,
        index specs, users, the cluster map and the id allocator. Leaves out what is
        derived (adjacency, label/property indexes) and what is bookkeeping of the log
        (applied_index, the dedup cache), so replicas holding the same graph agree even
        when they reached it through snapshots taken at different moments.
        """
        h = hashlib.sha256()
        for _part, chunks in self._digest_chunks():
            for chunk in chunks:
                h.update(chunk)
        return h.hexdigest()

    def digest_parts(self) -> dict[str, str]:
        """One sha256 per part of the digest, to see WHICH part two replicas disagree on."""
        out = {}
        for part, chunks in self._digest_chunks():
            h = hashlib.sha256()
            for chunk in chunks:
                h.update(chunk)
            out[part] = h.hexdigest()
        return out

    def _digest_chunks(self):
        def nodes():
            for nid in self.node_ids():
                rec = self.nodes[nid]
                yield pack_value(["n", nid, list(rec.labels), _sorted_items(rec.props),
                                  rec.version])

        def rels():
            for rid in self.rel_ids():
                rec = self.rels[rid]
                yield pack_value(["r", rid, rec.type, rec.start, rec.end,
                                  _sorted_items(rec.props), rec.version])

        def schema():
            yield pack_value(["k", sorted(self.prop_keys)])
            for name in sorted(self.vertex_labels):
                yield pack_value(["vl", list(self.vertex_labels[name])])
            for name in sorted(self.edge_labels):
                yield pack_value(["el", list(self.edge_labels[name])])
            for key in sorted(self.index_specs):
                yield pack_value(["ix", list(self.index_specs[key])])

        def users():
            for name in sorted(self.users):
                yield pack_value(["u", list(self.users[name])])

        yield "nodes", nodes()
        yield "relationships", rels()
        yield "schema", schema()
        yield "users", users()
        yield "cluster", iter([pack_value(["c", _canonical(self.cluster)])])
        yield "ids", iter([pack_value(["id", sorted(self.next_ids.items()),
                                       self.schema_version])])


def _sorted_items(props: dict) -> list:
    return [[k, props[k]] for k in sorted(props)]


def _canonical(value):
    if isinstance(value, dict):
        return [[k, _canonical(value[k])] for k in sorted(value, key=repr)]
    if isinstance(value, (list, tuple)):
        return [_canonical(x) for x in value]
    return value


class SchemaView:
    """Read-only view of a root's TuGraph schema."""

    __slots__ = ("_state",)

    def __init__(self, state: GraphState):
        self._state = state

    @property
    def version(self) -> int:
        return self._state.schema_version

    def vertex_label(self, name: str) -> LabelSchema | None:
        return self._state.vertex_labels.get(name)

    def edge_label(self, name: str) -> LabelSchema | None:
        return self._state.edge_labels.get(name)

    def vertex_labels(self) -> list[str]:
        return sorted(self._state.vertex_labels)

    def edge_labels(self) -> list[str]:
        return sorted(self._state.edge_labels)

    def indexes(self) -> list[IndexSpec]:
        """All index specs sorted by (kind, label, field)."""
        specs = self._state.index_specs
        return [specs[k] for k in sorted(specs)]

    def indexes_of(self, kind: str, label: str) -> list[IndexSpec]:
        return [ix for ix in self.indexes() if ix.kind == kind and ix.label == label]

    def index(self, kind: str, label: str, field: str) -> IndexSpec | None:
        return self._state.index_specs.get((kind, label, field))
