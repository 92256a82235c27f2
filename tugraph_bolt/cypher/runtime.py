"""Per-statement runtime state and graph-entity helpers shared by the executor modules.

Rows flowing between clauses are plain dicts (variable name -> value). Graph entities in
rows are `values.Node` / `values.Relationship` views whose `properties` field holds the
record's property mapping at the time it was read; property access always re-reads the
transaction, so a SET earlier in the query is visible and a deleted entity is detected.
"""

from __future__ import annotations

from .. import errors, values


class Runtime:
    """What compiled closures see at run time: one per `CypherEngine.run` call.

    Functions from `functions.py` receive this object as their `ctx` (`.tx`, `.params`,
    `.now`, `.random`, `.query_ctx`).
    """

    __slots__ = ("tx", "params", "query_ctx", "now", "procedures", "user", "graph")

    def __init__(self, tx, params: dict, query_ctx, procedures):
        self.tx = tx
        self.params = params
        self.query_ctx = query_ctx
        self.now = query_ctx.now
        self.user = query_ctx.user
        self.graph = query_ctx.graph
        self.procedures = procedures

    @property
    def random(self):
        return self.query_ctx.random


def node_view(rec) -> values.Node:
    return values.Node(rec.id, tuple(rec.labels), rec.props)


def rel_view(rec) -> values.Relationship:
    return values.Relationship(rec.id, rec.start, rec.end, rec.type, rec.props)


def deleted_access(kind: str, ident: int) -> errors.EntityNotFound:
    return errors.EntityNotFound(
        f"{kind} {ident} was deleted in this transaction and cannot be read",
        detail="DeletedEntityAccess",
    )


def current_node(tx, node: values.Node):
    rec = tx.node(node.id)
    if rec is None:
        raise deleted_access("Node", node.id)
    return rec


def current_rel(tx, rel: values.Relationship):
    rec = tx.rel(rel.id)
    if rec is None:
        raise deleted_access("Relationship", rel.id)
    return rec


def fresh(tx, value):
    """A copy of `value` whose graph entities reflect the transaction's current state.

    Used for records of writing queries (which run eagerly) and for arguments of
    functions that read entities. Deleted entities keep their last view.
    """
    if isinstance(value, values.Node):
        rec = tx.node(value.id)
        return value if rec is None else values.Node(rec.id, tuple(rec.labels), dict(rec.props))
    if isinstance(value, values.Relationship):
        rec = tx.rel(value.id)
        if rec is None:
            return value
        return values.Relationship(rec.id, rec.start, rec.end, rec.type, dict(rec.props))
    if isinstance(value, values.Path):
        return values.Path(
            tuple(fresh(tx, n) for n in value.nodes),
            tuple(fresh(tx, r) for r in value.relationships),
        )
    if isinstance(value, list):
        return [fresh(tx, v) for v in value]
    if isinstance(value, dict):
        return {k: fresh(tx, v) for k, v in value.items()}
    return value


def plain(value):
    """Entity views with their properties as plain dicts (what clients receive)."""
    if isinstance(value, values.Node):
        if type(value.properties) is dict:
            return value
        return values.Node(value.id, value.labels, dict(value.properties))
    if isinstance(value, values.Relationship):
        if type(value.properties) is dict:
            return value
        return values.Relationship(
            value.id, value.start, value.end, value.type, dict(value.properties)
        )
    if isinstance(value, values.Path):
        return values.Path(
            tuple(plain(n) for n in value.nodes), tuple(plain(r) for r in value.relationships)
        )
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value
