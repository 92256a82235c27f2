"""Cypher: grammar -> parser -> AST -> semantic checks -> plan -> executor.

The public face is the engine facade:

    engine = CypherEngine(procedures)
    result = engine.run(query, params, tx, QueryContext(params=params))
    result.columns, list(result.records), result.stats
"""

from .engine import CompiledQuery, CypherEngine, QueryContext, QueryResult

__all__ = ["CompiledQuery", "CypherEngine", "QueryContext", "QueryResult"]
