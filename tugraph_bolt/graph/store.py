"""Store: one node's in-process log around the pure `apply`.

The Raft replica replaces `submit` with "replicate, then apply at the log index" and keeps
calling `apply_at`; readers just take `store.state` (an immutable root) without locking.

>>> store = Store()
>>> tx = store.begin()
>>> n = tx.create_node(["City"], {"name": "Hangzhou"})
>>> store.commit(tx).ok, store.state.node_ids_by_label("City") == (n,)
(True, True)
"""

from __future__ import annotations

import threading

from tugraph_bolt.graph.apply import (
    apply,
    create_user_command,
    delete_user_command,
    reserve_ids_command,
    set_password_command,
)
from tugraph_bolt.graph.ids import IdBlocks
from tugraph_bolt.graph.records import Outcome
from tugraph_bolt.graph.state import GraphState
from tugraph_bolt.graph.transaction import Transaction


class Store:
    def __init__(self, ids_owner: str = "local", *, strict_schema: bool = False,
                 id_block_size: int = 1024, state: GraphState | None = None):
        self.ids_owner = ids_owner
        self.strict_schema = strict_schema
        self._state = state if state is not None else GraphState.empty()
        self._lock = threading.Lock()
        self.ids = IdBlocks(self._reserve, id_block_size)

    @property
    def state(self) -> GraphState:
        return self._state

    def begin(self, request_id: str | None = None) -> Transaction:
        return Transaction(self._state, self.ids, strict_schema=self.strict_schema,
                           request_id=request_id)

    def submit(self, command: bytes) -> Outcome:
        """Apply at the next index (single node: the log is this call)."""
        with self._lock:
            new, outcome = apply(self._state, command, self._state.applied_index + 1)
            self._state = new
            return outcome

    def apply_at(self, command: bytes, index: int) -> Outcome:
        """Apply at a log index chosen by a replicated log."""
        with self._lock:
            new, outcome = apply(self._state, command, index)
            self._state = new
            return outcome

    def restore(self, state: GraphState) -> None:
        """Install a snapshot root (the replica's snapshot restore)."""
        with self._lock:
            self._state = state
        self.ids.forget()

    def commit(self, tx: Transaction) -> Outcome:
        """Submit the transaction's command; a read-only transaction is trivially ok."""
        command = tx.command()
        if command is None:
            return Outcome(True, index=self._state.applied_index)
        return self.submit(command)

    def _reserve(self, kind: str, count: int) -> tuple[int, int]:
        outcome = self.submit(reserve_ids_command(kind, count, self.ids_owner))
        outcome.raise_for_error()
        start, stop = outcome.value
        return start, stop

    # --- users (password hashing is the service's business) ------------------------

    def create_user(self, name: str, password_hash: str, roles=()) -> Outcome:
        return self.submit(create_user_command(name, password_hash, roles))

    def set_password(self, name: str, password_hash: str) -> Outcome:
        return self.submit(set_password_command(name, password_hash))

    def delete_user(self, name: str) -> Outcome:
        return self.submit(delete_user_command(name))
