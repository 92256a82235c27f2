"""A tiny harness: run Cypher against an in-process Store, committing each statement."""

from __future__ import annotations

from tugraph_bolt import values
from tugraph_bolt.cypher.engine import CypherEngine, QueryContext
from tugraph_bolt.graph import Store


class Db:
    def __init__(self, engine: CypherEngine | None = None):
        self.store = Store()
        self.engine = engine or CypherEngine()

    def run(self, query: str, params: dict | None = None):
        """Rows of `query` (a list of lists); effects are committed through the store."""
        params = params or {}
        tx = self.store.begin()
        result = self.engine.run(query, params, tx, QueryContext(params=params))
        rows = list(result.records)
        self.last_columns = result.columns
        self.last_stats = result.stats
        command = tx.command()
        if command is not None:
            outcome = self.store.submit(command)
            outcome.raise_for_error()
        return rows

    def setup(self, *queries: str) -> Db:
        for q in queries:
            self.run(q)
        return self


def simple(value):
    """Entities as comparable tuples: ('node', sorted labels, props) etc."""
    if isinstance(value, values.Node):
        return ("node", tuple(sorted(value.labels)), dict(value.properties))
    if isinstance(value, values.Relationship):
        return ("rel", value.type, dict(value.properties))
    if isinstance(value, values.Path):
        return ("path", [simple(n) for n in value.nodes], [simple(r) for r in value.relationships])
    if isinstance(value, list):
        return [simple(v) for v in value]
    if isinstance(value, dict):
        return {k: simple(v) for k, v in value.items()}
    return value


def typed(value):
    """A representation that tells 1, 1.0 and True apart, for exact comparisons."""
    if isinstance(value, list):
        return ("list", tuple(typed(v) for v in value))
    if isinstance(value, dict):
        return ("map", tuple(sorted((k, typed(v)) for k, v in value.items())))
    if isinstance(value, tuple):
        return ("tuple", tuple(typed(v) for v in value))
    return (type(value).__name__, repr(value))


def same_rows(got, expected, ordered: bool = False) -> bool:
    g = [typed([simple(v) for v in row]) for row in got]
    e = [typed(list(row)) for row in expected]
    if ordered:
        return g == e
    return sorted(g) == sorted(e)
