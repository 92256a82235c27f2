"""The node's log: where a committed transaction's command goes to be applied.

Two implementations with one interface, so the service never asks which one it has:

- `LocalLog`: a single node (no `bolt_raft_port`); the log is an in-process counter.
- `RaftLog`: the PySyncObj replica (`cluster/`); any node may submit, and `submit` returns
  once THIS node has applied the entry.

Both drive the same `GraphMachine`, whose `apply` is the graph layer's pure `apply`.

    index, outcome = log.submit(command_bytes, timeout=10.0)
    log.wait_applied(index, timeout=10.0)
"""

from __future__ import annotations

import threading
import time

from . import errors
from .graph import GraphState, Outcome, apply


class GraphMachine:
    """The replicated state machine: one immutable graph root, replaced on every apply.

    Readers take `machine.state` without a lock (it is immutable); `apply` runs on one
    thread at a time (the Raft tick thread, or the LocalLog's lock holder).
    """

    def __init__(self, state: GraphState | None = None):
        self.state = state if state is not None else GraphState.empty()
        self._applied = threading.Condition()

    @property
    def applied_index(self) -> int:
        return self.state.applied_index

    def apply(self, command: bytes, index: int) -> Outcome:
        new, outcome = apply(self.state, command, index)
        with self._applied:
            self.state = new
            self._applied.notify_all()
        return outcome

    def skip(self, index: int) -> None:
        """A log entry that is not a graph command (barrier) still advances the index."""

    def snapshot(self) -> GraphState:
        return self.state

    def restore(self, snap: GraphState) -> None:
        with self._applied:
            self.state = snap
            self._applied.notify_all()

    def wait_applied(self, index: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._applied:
            while self.state.applied_index < index:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._applied.wait(left)
        return True


class LocalLog:
    """A single node's log: apply in order under a lock."""

    clustered = False

    def __init__(self, machine: GraphMachine | None = None):
        self.machine = machine or GraphMachine()
        self._lock = threading.Lock()
        self._closed = False

    @property
    def state(self) -> GraphState:
        return self.machine.state

    @property
    def applied_index(self) -> int:
        return self.machine.applied_index

    def submit(self, command: bytes, timeout: float) -> tuple[int, Outcome]:
        if self._closed:
            raise errors.DatabaseUnavailable("the database is shutting down")
        if not self._lock.acquire(timeout=timeout):
            raise errors.UnknownOutcome("timed out waiting to apply the write")
        try:
            index = self.machine.applied_index + 1
            return index, self.machine.apply(command, index)
        finally:
            self._lock.release()

    def wait_applied(self, index: int, timeout: float) -> bool:
        return self.machine.wait_applied(index, timeout)

    def barrier(self, timeout: float) -> int:
        return self.machine.applied_index

    is_leader = True
    leader_id = None
    failed = None
    is_ready = True

    def close(self) -> None:
        self._closed = True
