"""PySyncObj 0.3.17 with our safety guards: the replicated log under the Replica.

`GuardedSyncObj` is a SyncObj subclass with exactly one `@replicated` method, `apply(blob)`,
that hands opaque command bytes to a state machine. It overrides a few of SyncObj's private
(name-mangled) methods to install the guards from DESIGN.md:

- leader side: a successful, non-reset `next_node_idx` reply never lowers `nextIndex`
  (0.3.17 moves it back on every success reply of a pipelined stream, re-sending entries);
- follower side: `append_entries` never truncates entries whose term matches (0.3.17 deletes
  everything after `prevLogIdx`, so a stale re-send shortens an up-to-date log below the
  leader's never-lowered matchIndex); a conflict at an already-applied index fail-stops;
- the applied index lives in replicated state and must strictly increase;
- any CRITICAL line from PySyncObj fail-stops the node (see failstop.py);
- `durable`: the journal is flushed before this node acknowledges entries;
- `joining`: a voter being added starts no election until a leader contacted it.

Attributes set before `SyncObj.__init__` are runtime state (PySyncObj leaves them out of
its dumps); the only attribute made later is `_replicated`, the snapshot PySyncObj dumps.
"""

from __future__ import annotations

import collections
import logging
import threading

import pysyncobj.pickle as syncobj_pickle
from pysyncobj import SyncObj, replicated

from tugraph_bolt.cluster import failstop

logger = logging.getLogger(__name__)

# The command envelope: version byte, kind byte, payload. Versioned so a future format can
# be told apart; an unknown version is undecodable, hence fatal.
ENVELOPE_VERSION = 1
KIND_BARRIER = 0
KIND_COMMAND = 1
KIND_TRANSFER = 2  # "term|leader address|target address": only that leader acts on it
SNAPSHOT_FORMAT = 1


def envelope(kind: int, payload: bytes = b"") -> bytes:
    """The replicated blob for one command.

    >>> envelope(KIND_COMMAND, b"x")
    b'\\x01\\x01x'
    """
    return bytes((ENVELOPE_VERSION, kind)) + payload


class FailStopped(Exception):
    """Raised inside apply to abort applying on a node that has fail-stopped."""


class GuardedSyncObj(SyncObj):
    def __init__(self, self_address, other_addresses, conf, machine, *, guards=True,
                 durable=False, joining=False, on_fail_stop=None, leader_guard=None,
                 follower_guard=None, **syncobj_kwargs):
        """guards=False gives plain PySyncObj behaviour (for the regression test);
        leader_guard / follower_guard switch one message guard alone (default: guards)."""
        # --- runtime state: everything here is created before SyncObj.__init__ on purpose
        self._machine = machine
        self._guards = guards
        self._leader_guard = guards if leader_guard is None else leader_guard
        self._follower_guard = guards if follower_guard is None else follower_guard
        self._durable = durable
        self._joining = joining and self_address is not None
        self._on_fail_stop = on_fail_stop
        self._failed = None
        self._last_index = getattr(machine, "applied_index", 0) or 0
        self._snapshot_index = -1
        self._tick_tasks = collections.deque()
        self._applied_listeners = []
        self.guard_counts = {"next_index_kept": 0, "truncation_avoided": 0,
                             "entries_trimmed": 0, "journal_flushes": 0}
        self._journal_dirty = True
        if guards:
            failstop.register(self)
        super().__init__(self_address, other_addresses, conf, **syncobj_kwargs)
        if durable:
            self._track_journal_writes()

    # ------------------------------------------------------------------ the state machine

    @replicated
    def apply(self, blob):
        """The one replicated method. Returns (raft index, outcome)."""
        return self._apply_entry(blob, self.raftLastApplied + 1)

    def _apply_entry(self, blob: bytes, index: int):
        if self._failed:
            raise FailStopped(self._failed)
        machine_index = getattr(self._machine, "applied_index", 0) or 0
        if self._guards and index <= max(self._last_index, machine_index):
            # A snapshot install or a double apply moved lastApplied backwards: re-applying
            # on this state would silently corrupt it.
            self.fail_stop(f"apply at raft index {index} after index "
                           f"{max(self._last_index, machine_index)} was applied")
            raise FailStopped(self._failed)
        if len(blob) < 2 or blob[0] != ENVELOPE_VERSION:
            self.fail_stop(f"undecodable command envelope at raft index {index}")
            raise FailStopped(self._failed)
        kind = blob[1]
        if kind == KIND_BARRIER:
            outcome = None
        elif kind == KIND_TRANSFER:
            outcome = self.request_transfer(bytes(blob[2:]))
        elif kind == KIND_COMMAND:
            try:
                outcome = self._machine.apply(bytes(blob[2:]), index)
            except Exception as exc:
                # Domain failures are outcomes; only an undecodable command raises.
                self.fail_stop(f"state machine failed to apply raft index {index}: {exc!r}")
                raise FailStopped(self._failed) from exc
        else:
            self.fail_stop(f"unknown command kind {kind} at raft index {index}")
            raise FailStopped(self._failed)
        self._last_index = index
        for listener in self._applied_listeners:
            listener(index)
        return index, outcome

    def request_transfer(self, request: bytes) -> bool:
        """Leader-local side effect of a transfer request; no replicated state changes.
        Acted on only by the node that led in the request's term, so an old request
        re-applied after a restart or by a later leader does nothing."""
        try:
            term, leader, target = request.decode().split("|")
            term = int(term)
        except ValueError:
            return False
        if not self._isLeader() or term != self.raftCurrentTerm or str(self.selfNode) != leader:
            return False
        result = []
        self.transferLeadership(target or None, callback=lambda _r, err: result.append(err))
        return result == [0]

    @property
    def applied_index(self) -> int:
        return max(self.raftLastApplied, self._last_index)

    # ------------------------------------------------------------------ fail-stop

    @property
    def failed(self) -> str | None:
        return self._failed

    def fail_stop(self, reason: str) -> None:
        """Stop serving for good: no more ticks, applies or messages."""
        if self._failed or not self._guards:
            return
        self._failed = reason
        logger.error("raft node fail-stop: %s", reason)
        if self.conf.autoTick:
            self.destroy()  # the tick thread tears down transport and journal, then exits
        if self._on_fail_stop is not None:
            try:
                self._on_fail_stop(reason)
            except Exception:
                logger.exception("on_fail_stop hook failed")

    # ------------------------------------------------------------------ tick thread

    def call_in_tick(self, fn, timeout: float):
        """Run fn() on the tick thread (PySyncObj internals are not thread-safe)."""
        if not self.conf.autoTick:
            return fn()
        done = threading.Event()
        box = {}

        def task():
            try:
                box["value"] = fn()
            except Exception as exc:
                box["error"] = exc
            done.set()

        self._tick_tasks.append(task)
        notifier = getattr(self, "_SyncObj__pipeNotifier", None)
        if notifier is not None:
            notifier.notify()
        if not done.wait(timeout):
            raise TimeoutError("the raft tick thread did not answer in time")
        if "error" in box:
            raise box["error"]
        return box["value"]

    def _onTick(self, timeToWait=0.0):
        if self._failed:
            return
        with failstop.acting(self):
            if self._durable:
                self._flush_journal()  # our own entries are on disk before we count them
            while self._tick_tasks:
                self._tick_tasks.popleft()()
            try:
                super()._onTick(timeToWait)
            except FailStopped:
                pass

    def _track_journal_writes(self) -> None:
        """Mark the journal dirty on every write, so a flush (msync) happens only when needed.
        Writes made before this runs are covered: the flag starts dirty."""
        journal = self._SyncObj__raftLog
        for name in ("add", "clear", "deleteEntriesFrom", "deleteEntriesTo"):
            write = getattr(journal, name)

            def marked(*args, _write=write, **kwargs):
                self._journal_dirty = True
                return _write(*args, **kwargs)

            setattr(journal, name, marked)

    def _flush_journal(self) -> None:
        flush = getattr(self._SyncObj__raftLog, "flush", None)
        if flush is not None and self._journal_dirty:
            self._journal_dirty = False
            flush()
            self.guard_counts["journal_flushes"] += 1

    def _SyncObj__sendNextNodeIdx(self, node, reset=False, nextNodeIdx=None, success=False):
        if self._durable:
            self._flush_journal()  # a follower acknowledges only what is on disk
        super()._SyncObj__sendNextNodeIdx(node, reset=reset, nextNodeIdx=nextNodeIdx,
                                          success=success)

    def _SyncObj__connectedToAnyone(self):
        if self._joining:
            return False  # no election before a leader has admitted us
        return super()._SyncObj__connectedToAnyone()

    # ------------------------------------------------------------------ snapshots

    def _SyncObj__tryLogCompaction(self):
        # Refresh the replicated snapshot only when something was applied since; the
        # machine's snapshot is an immutable root, so this is cheap and consistent.
        if self._snapshot_index != self._last_index:
            self._replicated = (SNAPSHOT_FORMAT, self._last_index, self._machine.snapshot())
            self._snapshot_index = self._last_index
        super()._SyncObj__tryLogCompaction()

    def _SyncObj__loadDumpFile(self, clearJournal):
        missing = object()
        self.__dict__["_replicated"] = missing
        super()._SyncObj__loadDumpFile(clearJournal)
        snap = self.__dict__.get("_replicated", missing)
        if snap is missing:
            self.fail_stop("could not load the raft dump (snapshot) file")
            return
        fmt, last_index, machine_snapshot = snap
        if fmt != SNAPSHOT_FORMAT:
            self.fail_stop(f"unknown snapshot format {fmt}")
            return
        self._machine.restore(machine_snapshot)
        self._last_index = last_index
        self._snapshot_index = last_index

    # ------------------------------------------------------------------ message guards

    def _SyncObj__onMessageReceived(self, node, message):
        if self._failed:
            return
        with failstop.acting(self):
            kind = message.get("type")
            if kind == "append_entries" and message.get("term", -1) >= self.raftCurrentTerm:
                self._joining = False
            if kind == "append_entries" and self._follower_guard:
                self._receive_append_entries(node, message)
            elif kind == "next_node_idx" and self._leader_guard:
                self._receive_next_index(node, message)
            else:
                super()._SyncObj__onMessageReceived(node, message)

    def _receive_next_index(self, node, message):
        """Leader side: only a 'reset' reply may move nextIndex backwards."""
        next_index = self._SyncObj__raftNextIndex
        before = next_index.get(node)
        super()._SyncObj__onMessageReceived(node, message)
        if not self._isLeader() or message.get("reset") or not message.get("success"):
            return
        after = next_index.get(node)
        if before is not None and after is not None and after < before:
            next_index[node] = before
            self.guard_counts["next_index_kept"] += 1

    def _assembled(self, message):
        """A single entry too big for one message arrives in 'transmission' parts; PySyncObj
        buffers them. Give the guard the whole entry once the 'finish' part is here."""
        if message["transmission"] != "finish":
            return message
        received = self._SyncObj__recvTransmission
        if not isinstance(received, bytes | bytearray):
            return message  # no 'start' seen: let PySyncObj deal with it as it does
        entry = syncobj_pickle.loads(bytes(received) + message["data"])
        self._SyncObj__recvTransmission = ""
        whole = {k: v for k, v in message.items() if k not in ("transmission", "data")}
        whole["entries"] = [entry]
        return whole

    def _receive_append_entries(self, node, message):
        """Follower side: keep every entry whose (index, term) the leader's message matches."""
        handle = super()._SyncObj__onMessageReceived
        if message["term"] < self.raftCurrentTerm or "prevLogIdx" not in message:
            handle(node, message)
            return
        if "transmission" in message:
            message = self._assembled(message)
            if "transmission" in message:  # 'start' / 'process' parts only buffer data
                handle(node, message)
                return
        log = self._SyncObj__raftLog
        first, last = log[0][1], log[-1][1]
        prev = message["prevLogIdx"]
        if prev is None or prev < first or prev > last or log[prev - first][2] != message["prevLogTerm"]:
            handle(node, message)  # PySyncObj answers with a reset; nothing is truncated
            return
        entries = message.get("entries") or []
        present = 0
        for entry in entries:
            index = entry[1]
            if index > last or log[index - first][2] != entry[2]:
                break
            present += 1
        if present < len(entries):
            conflict = entries[present][1]
            if conflict <= last and conflict <= self.raftLastApplied:
                self.fail_stop(f"leader {node} sent entry {conflict} (term {entries[present][2]})"
                               f" conflicting with an applied entry (term "
                               f"{log[conflict - first][2]}): this replica diverged")
                return
            if present:
                trimmed = dict(message)
                trimmed["prevLogIdx"], trimmed["prevLogTerm"] = entries[present - 1][1:3]
                trimmed["entries"] = entries[present:]
                self.guard_counts["entries_trimmed"] += 1
                handle(node, trimmed)
            else:
                handle(node, message)
            return
        matched = entries[-1][1] if entries else prev
        if matched == last and not entries:
            handle(node, message)  # a plain heartbeat at our log's end: nothing to truncate
            return
        # Everything the leader sent is already here. PySyncObj would delete all entries
        # after prevLogIdx and re-add them; instead treat the message as a heartbeat, never
        # commit past what the leader vouched for, and acknowledge exactly `matched`.
        beat = {k: v for k, v in message.items() if k not in ("prevLogIdx", "prevLogTerm", "entries")}
        beat["commit_index"] = min(message["commit_index"], matched)
        self.guard_counts["truncation_avoided"] += 1
        handle(node, beat)
        self._SyncObj__sendNextNodeIdx(node, nextNodeIdx=matched + 1, success=True)
