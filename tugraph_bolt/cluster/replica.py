"""The Replica: a state machine replicated by PySyncObj, with bounded, honest waits.

    replica = Replica(config, machine)          # in the main thread (PySyncObj's tick thread
                                                # dies with the thread that built it)
    index, outcome = replica.submit(command_bytes, timeout=5.0)   # from any node
    replica.wait_applied(index, timeout=5.0)    # e.g. for a bookmark on another node
    replica.barrier(timeout=5.0)                # linearizable read point

Errors: `NotALeader` when no leader could be reached in time (the command was never taken),
`UnknownOutcome` when it was sent but its fate cannot be confirmed (the caller must not assume
either way), `ServerBusy` when this node already has `max_in_flight` commands outstanding,
`DatabaseUnavailable` after close() or a fail-stop.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from pysyncobj import FAIL_REASON, SyncObjConf

from tugraph_bolt import errors
from tugraph_bolt.cluster.config import Peer, ReplicaConfig, syncobj_settings
from tugraph_bolt.cluster.guarded import KIND_BARRIER, KIND_COMMAND, GuardedSyncObj, envelope
from tugraph_bolt.cluster.membership import Membership, MembershipBusy
from tugraph_bolt.cluster.status import replica_status

logger = logging.getLogger(__name__)

RETRY_PAUSE = 0.02  # between attempts while no leader is known
# A command whose callback never came keeps its in-flight slot this much longer than its
# own timeout; then the slot is reclaimed so a lost callback cannot shrink capacity forever.
LOST_CALLBACK_GRACE = 30.0


class StateMachine(Protocol):
    applied_index: int

    def apply(self, command: bytes, index: int) -> object: ...

    def snapshot(self) -> object: ...

    def restore(self, snap: object) -> None: ...


class _Pending:
    """One submitted command waiting for its PySyncObj callback."""

    __slots__ = ("event", "result", "error", "reclaim_at")

    def __init__(self):
        self.event = threading.Event()
        self.result = None
        self.error = None
        self.reclaim_at = None

    def callback(self, result, error):
        self.result, self.error = result, error
        self.event.set()


class Replica(Membership):
    def __init__(self, config: ReplicaConfig, machine: StateMachine, *, on_fail_stop=None):
        if threading.current_thread() is not threading.main_thread():
            # PySyncObj's tick thread stops when the thread that built the SyncObj ends.
            logger.warning("Replica built outside the main thread: it stops ticking when "
                           "thread %s ends", threading.current_thread().name)
        self.config = config
        self.machine = machine
        self._on_fail_stop_hook = on_fail_stop
        self._closed = False
        self._slots_lock = threading.Lock()
        self._slots_used = 0
        self._orphans: list[_Pending] = []  # timed out, slot not yet returned
        self._applied = threading.Condition()
        self._init_membership(config)
        self_address, others, kwargs = syncobj_settings(config)
        conf = SyncObjConf(**kwargs)
        self._sync = GuardedSyncObj(self_address, others, conf, machine, durable=config.durable,
                                    joining=config.join, on_fail_stop=self._failed_now)
        self._sync._applied_listeners.append(self._notify_applied)
        self._sync.addOnTickCallback(self._notify_applied)
        if self_address is not None:
            try:
                self._sync.waitBinded()
            except Exception as exc:
                self._sync.destroy()
                raise errors.DatabaseUnavailable(
                    f"cannot bind the raft port {self_address}: {exc}") from exc

    # ------------------------------------------------------------------ properties

    @property
    def is_leader(self) -> bool:
        return self._sync._isLeader()

    @property
    def leader_id(self) -> int | None:
        leader = self._sync._getLeader()
        return None if leader is None else self.node_id_of(str(leader))

    @property
    def term(self) -> int:
        return self._sync.raftCurrentTerm

    @property
    def commit_index(self) -> int:
        return self._sync.raftCommitIndex

    @property
    def applied_index(self) -> int:
        return self._sync.applied_index

    @property
    def is_ready(self) -> bool:
        return self._sync.isReady() and not self._sync.failed

    @property
    def failed(self) -> str | None:
        """The fail-stop reason, or None while the node serves."""
        return self._sync.failed

    @property
    def is_learner(self) -> bool:
        return self.config.learner

    @property
    def guard_counts(self) -> dict:
        return dict(self._sync.guard_counts)

    # ------------------------------------------------------------------ writes

    def submit(self, command: bytes, timeout: float) -> tuple[int, object]:
        """Replicate `command`; return (raft index, outcome) once THIS node has applied it."""
        if not isinstance(command, bytes | bytearray | memoryview):
            raise TypeError("a command is bytes")
        if len(command) > self.config.max_command_bytes:
            raise errors.RequestInvalid(
                f"this write's changes take {len(command)} bytes, more than the "
                f"{self.config.max_command_bytes} one Raft entry may carry; split it into "
                "smaller transactions (e.g. UNWIND batches of a few thousand rows)")
        return self._replicate(envelope(KIND_COMMAND, bytes(command)), timeout)

    def barrier(self, timeout: float) -> int:
        """A no-op through the log; once it returns this node has applied everything that was
        committed before the call (linearizable read point). Returns its raft index."""
        index, _ = self._replicate(envelope(KIND_BARRIER), timeout)
        return index

    def _replicate(self, blob: bytes, timeout: float):
        self._check_serving()
        deadline = time.monotonic() + timeout
        self._take_slot()
        sent = []
        try:
            return self._drive(lambda cb: self._sync.apply(blob, callback=cb), deadline, sent)
        finally:
            self._return_slot(sent[-1] if sent else None)

    def _drive(self, start, deadline: float, sent: list | None = None):
        """Start a PySyncObj request with `start(callback)` and wait for its callback;
        retry while the request provably never entered a log. Returns the callback's result."""
        sent = [] if sent is None else sent
        while True:
            if not self._wait_for_leader(deadline):
                raise errors.NotALeader("no Raft leader reachable in time")
            pending = _Pending()
            sent.append(pending)
            start(pending.callback)
            while not pending.event.wait(min(0.1, max(0.0, deadline - time.monotonic()))):
                if self._sync.failed or self._closed:
                    raise errors.UnknownOutcome(
                        "this node stopped before the request was confirmed")
                if time.monotonic() >= deadline:
                    raise errors.UnknownOutcome(
                        "the request was sent to the Raft leader but not confirmed in time")
            error = pending.error
            if error == FAIL_REASON.SUCCESS:
                return pending.result
            if error in (FAIL_REASON.MISSING_LEADER, FAIL_REASON.NOT_LEADER,
                         FAIL_REASON.REQUEST_DENIED):
                # never entered a log (REQUEST_DENIED: a membership change was refused while
                # another one is pending): safe to try again while time is left
                if time.monotonic() + RETRY_PAUSE >= deadline:
                    if error == FAIL_REASON.REQUEST_DENIED:
                        raise MembershipBusy("the Raft leader refused the membership change:"
                                             " another change is still pending")
                    raise errors.NotALeader("no Raft leader accepted the request in time")
                time.sleep(RETRY_PAUSE)
                continue
            if error == FAIL_REASON.QUEUE_FULL:
                raise errors.ServerBusy("the Raft command queue is full")
            raise errors.UnknownOutcome(f"the request's outcome is unknown ({_reason(error)})")

    def _take_slot(self) -> None:
        with self._slots_lock:
            now = time.monotonic()
            keep = []
            for orphan in self._orphans:
                if orphan.event.is_set() or orphan.reclaim_at <= now:
                    self._slots_used -= 1
                else:
                    keep.append(orphan)
            self._orphans = keep
            if self._slots_used >= self.config.max_in_flight:
                raise errors.ServerBusy(
                    f"{self._slots_used} commands already in flight on this node")
            self._slots_used += 1

    def _return_slot(self, pending: _Pending | None) -> None:
        with self._slots_lock:
            if pending is not None and not pending.event.is_set():
                # still inside PySyncObj: the slot stays taken until its callback comes
                pending.reclaim_at = time.monotonic() + LOST_CALLBACK_GRACE
                self._orphans.append(pending)
            else:
                self._slots_used -= 1

    @property
    def in_flight(self) -> int:
        with self._slots_lock:
            return self._slots_used - sum(1 for o in self._orphans if o.event.is_set())

    def _wait_for_leader(self, deadline: float) -> bool:
        while self._sync._getLeader() is None:
            self._check_serving()
            if time.monotonic() + RETRY_PAUSE >= deadline:
                return False
            time.sleep(RETRY_PAUSE)
        return True

    # ------------------------------------------------------------------ waits

    def wait_applied(self, index: int, timeout: float) -> bool:
        """True once this node has applied raft index `index`; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._applied:
            while self.applied_index < index:
                if self._sync.failed or self._closed:
                    return False
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                # the slice bounds a missed notification, never the caller's timeout
                self._applied.wait(min(remaining, 0.1))
            return True

    def wait_leader(self, timeout: float) -> int | None:
        """The leader's node id once one is known, or None after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            leader = self.leader_id
            if leader is not None:
                return leader
            time.sleep(RETRY_PAUSE)
        return self.leader_id

    def _notify_applied(self, _index=None) -> None:
        with self._applied:
            self._applied.notify_all()

    # ------------------------------------------------------------------ status, life cycle

    def status(self) -> dict:
        """etcd-shaped status (see status.py)."""
        try:
            return self._sync.call_in_tick(lambda: replica_status(self), timeout=1.0)
        except (TimeoutError, RuntimeError):
            # tick thread gone or stuck: a best-effort read is better than nothing
            for _ in range(3):
                try:
                    return replica_status(self)
                except RuntimeError:  # a dict changed size under us
                    continue
            return {"id": self.config.self_id, "failed": self.failed, "stale": True}

    @property
    def tick_alive(self) -> bool:
        """False once PySyncObj's tick thread has ended (closed, failed, or its builder exited)."""
        return self._sync.tick_thread_alive()

    def _check_serving(self) -> None:
        if self._sync.failed:
            raise errors.DatabaseUnavailable(f"this node stopped itself: {self._sync.failed}")
        if self._closed:
            raise errors.DatabaseUnavailable("this node's replica is closed")
        if not self._sync.tick_thread_alive():
            raise errors.DatabaseUnavailable("the Raft tick thread is not running")

    def _failed_now(self, reason: str) -> None:
        self._notify_applied()
        if self._on_fail_stop_hook is not None:
            self._on_fail_stop_hook(reason)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the tick thread, close the raft port and the journal (flushed)."""
        if self._closed:
            return
        self._closed = True
        self._sync.destroy()
        thread = getattr(self._sync, "_SyncObj__thread", None)
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._notify_applied()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _reason(code) -> str:
    for name in ("LEADER_CHANGED", "DISCARDED", "UNKNOWN_OUTCOME", "REQUEST_DENIED",
                 "QUEUE_FULL", "MISSING_LEADER", "NOT_LEADER"):
        if getattr(FAIL_REASON, name) == code:
            return name
    return str(code)


__all__ = ["Peer", "Replica", "ReplicaConfig", "StateMachine"]
