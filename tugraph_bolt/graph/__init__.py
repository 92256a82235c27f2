"""The persistent property graph: state, transactions, effects, command codec, apply.

See docs/ARCHITECTURE.md ("graph") for the contract. Quick tour:

>>> store = Store()
>>> tx = store.begin()
>>> a = tx.create_node(["Person"], {"id": 1})
>>> b = tx.create_node(["Person"], {"id": 2})
>>> r = tx.create_rel("KNOWS", a, b, {})
>>> store.commit(tx).ok
True
>>> [rec.end for rec in store.state.rels_of(a, "out", ("KNOWS",))] == [b]
True
"""

from tugraph_bolt.graph import idset
from tugraph_bolt.graph.apply import (
    DEDUP_WINDOW,
    ApplyOrderError,
    apply,
    create_user_command,
    delete_user_command,
    new_request_id,
    noop_command,
    reserve_ids_command,
    set_cluster_command,
    set_password_command,
    tx_command,
)
from tugraph_bolt.graph.codec import CommandDecodeError, decode_command, pack_value, unpack_value
from tugraph_bolt.graph.ids import IdBlocks
from tugraph_bolt.graph.records import NodeRecord, Outcome, RelRecord, UserRecord
from tugraph_bolt.graph.schema import FIELD_TYPES, FieldSpec, IndexSpec, LabelSchema
from tugraph_bolt.graph.state import GraphState, SchemaView
from tugraph_bolt.graph.store import Store
from tugraph_bolt.graph.transaction import STAT_KEYS, Transaction

__all__ = [
    "DEDUP_WINDOW", "FIELD_TYPES", "STAT_KEYS",
    "ApplyOrderError", "CommandDecodeError", "FieldSpec", "GraphState", "IdBlocks",
    "IndexSpec", "LabelSchema", "NodeRecord", "Outcome", "RelRecord", "SchemaView", "Store",
    "Transaction", "UserRecord",
    "apply", "idset", "create_user_command", "decode_command", "delete_user_command",
    "new_request_id", "noop_command", "pack_value", "reserve_ids_command",
    "set_cluster_command", "set_password_command", "tx_command", "unpack_value",
]  # fmt: skip
