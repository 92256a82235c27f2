"""The node's log: where a committed transaction's command goes to be applied.

Two implementations with one interface, so the service never asks which one it has:

- `LocalLog`: a single node (no `bolt_raft_port`): an append-only journal plus snapshots.
- `RaftLog`: the PySyncObj replica (`cluster/`); any node may submit, and `submit` returns
  once THIS node has applied the entry.

Both drive the same `GraphMachine`, whose `apply` is the graph layer's pure `apply`.

    index, outcome = log.submit(command_bytes, timeout=10.0)
    log.wait_applied(index, timeout=10.0)
"""

from __future__ import annotations

import logging
import os
import pickle
import struct
import threading
import time
from pathlib import Path

from . import errors
from .graph import GraphState, Outcome, apply

log = logging.getLogger("tugraph_bolt.log")


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
    """A single node's log: apply in order under a lock.

    With a `directory` the log is durable: every command is appended to `journal.log`
    (length, index, bytes) before it is applied, and every `snapshot_entries` commands the
    whole root is written to `snapshot.pickle` (write, fsync, rename) and the journal starts
    over. On start the snapshot is loaded and the journal replayed; a torn record at the end
    of the journal (a crash mid-write) is dropped, since it was never acknowledged.
    Without a directory (tests, embedding) everything stays in memory.
    """

    clustered = False
    _HEADER = struct.Struct(">IQ")  # length, index

    def __init__(self, machine: GraphMachine | None = None, directory: Path | None = None, *,
                 durable: bool = False, snapshot_entries: int = 100_000):
        self.machine = machine or GraphMachine()
        self._lock = threading.Lock()
        self._closed = False
        self.durable = durable
        self.snapshot_entries = snapshot_entries
        self._journal = None
        self._since_snapshot = 0
        self.directory = Path(directory) if directory is not None else None
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._recover()
            self._journal = open(self.directory / "journal.log", "ab")  # noqa: SIM115

    # --- durability -----------------------------------------------------------------------

    def _recover(self) -> None:
        snap = self.directory / "snapshot.pickle"
        if snap.exists():
            with open(snap, "rb") as f:
                self.machine.restore(pickle.load(f))
        journal = self.directory / "journal.log"
        if not journal.exists():
            return
        data = journal.read_bytes()
        pos, good, replayed = 0, 0, 0
        while pos + self._HEADER.size <= len(data):
            length, index = self._HEADER.unpack_from(data, pos)
            end = pos + self._HEADER.size + length
            if end > len(data):
                break
            if index > self.machine.applied_index:
                self.machine.apply(bytes(data[pos + self._HEADER.size:end]), index)
                replayed += 1
            pos = good = end
        if good != len(data):
            log.warning("journal %s: dropped a torn record at its end (%d bytes)", journal,
                        len(data) - good)
            with open(journal, "r+b") as f:
                f.truncate(good)
        self._since_snapshot = replayed
        if replayed:
            log.info("recovered %d journal entries (applied index %d)", replayed,
                     self.machine.applied_index)

    def _append(self, command: bytes, index: int) -> None:
        self._journal.write(self._HEADER.pack(len(command), index) + command)
        self._journal.flush()
        if self.durable:
            os.fsync(self._journal.fileno())

    def _maybe_snapshot(self) -> None:
        self._since_snapshot += 1
        if self._since_snapshot < self.snapshot_entries:
            return
        tmp = self.directory / "snapshot.pickle.tmp"
        with open(tmp, "wb") as f:
            pickle.dump(self.machine.state, f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.directory / "snapshot.pickle")
        self._journal.close()
        self._journal = open(self.directory / "journal.log", "wb")  # noqa: SIM115
        self._since_snapshot = 0

    # --- the Log interface ----------------------------------------------------------------

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
            if self._journal is not None:
                self._append(command, index)
            outcome = self.machine.apply(command, index)
            if self._journal is not None:
                self._maybe_snapshot()
            return index, outcome
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
        with self._lock:
            self._closed = True
            if self._journal is not None:
                self._journal.flush()
                os.fsync(self._journal.fileno())
                self._journal.close()
                self._journal = None
