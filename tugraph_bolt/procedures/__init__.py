"""Procedures: the registry (signatures, binding, lookup) and the built-ins.

>>> from tugraph_bolt.graph import Store
>>> store = Store()
>>> reg = default_registry()
>>> tx = store.begin()
>>> list(reg.call("db.createVertexLabel", ProcedureContext(tx), ["Person", "id", "id", "INT64", False]))
[]
>>> list(reg.call("db.vertexLabels", ProcedureContext(tx), []))
[['Person']]
"""

from tugraph_bolt.procedures.builtin import BUILTINS, default_registry
from tugraph_bolt.procedures.registry import (
    MODES,
    Procedure,
    ProcedureContext,
    ProcedureRegistry,
    check_arg,
    cypher_type_name,
)

__all__ = [
    "BUILTINS", "MODES", "Procedure", "ProcedureContext", "ProcedureRegistry",
    "check_arg", "cypher_type_name", "default_registry",
]  # fmt: skip
