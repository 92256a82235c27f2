"""The database service that the Bolt and HTTP servers call: the write path lives here.

    run a query -> compile (cached) -> execute on a snapshot inside a Transaction
      read:  stream rows lazily from the immutable snapshot
      write: encode the effects as one command -> log.submit (Raft or local) -> this node has
             applied it -> rows + bookmark (the applied log index)

A write-write conflict found at apply time is a TransientError; an auto-commit query that
conflicts before any row was sent is retried here. Explicit transactions get snapshot
isolation (first committer wins). Reads carrying bookmarks wait (bounded) until this node
has applied them.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from . import __version__, errors, values
from .auth import VerifiedCache, hash_password
from .bolt.backend import Session
from .config import NodeConfig
from .cypher.engine import CypherEngine, QueryContext
from .graph import IdBlocks, Transaction, reserve_ids_command
from .log import GraphMachine, LocalLog
from .procedures import default_registry

log = logging.getLogger("tugraph_bolt.service")

DEFAULT_GRAPH = "default"
BOOKMARK_PREFIX = "tugraph-bolt:"
AUTO_COMMIT_RETRIES = 5
SERVER_AGENT = "Neo4j/5.26.0"


def make_log(cfg: NodeConfig):
    """LocalLog for a single node, RaftLog for a cluster member."""
    if not cfg.clustered:
        return LocalLog(GraphMachine(), cfg.data_dir, durable=cfg.raft_durable,
                        snapshot_entries=cfg.raft_snapshot_entries)
    from .cluster.raftlog import RaftLog

    return RaftLog(cfg, GraphMachine())


def bookmark_for(index: int) -> str:
    return f"{BOOKMARK_PREFIX}{index}"


def parse_bookmarks(bookmarks) -> int:
    """The highest log index among the client's bookmarks (0 when none)."""
    best = 0
    for b in bookmarks or ():
        if not isinstance(b, str) or not b.startswith(BOOKMARK_PREFIX):
            raise errors.DatabaseError(
                f"invalid bookmark {b!r}: bookmarks come from this cluster's commits",
                code="Neo.ClientError.Transaction.InvalidBookmark")
        try:
            best = max(best, int(b[len(BOOKMARK_PREFIX):]))
        except ValueError:
            raise errors.DatabaseError(
                f"invalid bookmark {b!r}", code="Neo.ClientError.Transaction.InvalidBookmark"
            ) from None
    return best


class StreamResult:
    """A Bolt `Result` over an iterator of records; summary computed when exhausted."""

    def __init__(self, fields: list[str], records, summary: dict):
        self.fields = fields
        self._records = iter(records)
        self._summary = summary
        self._done = False

    def fetch(self, n: int) -> tuple[list[list], bool]:
        out: list[list] = []
        if self._done:
            return out, False
        it = self._records
        if n < 0:
            out.extend(it)
            self._done = True
            return out, False
        try:
            for _ in range(n):
                out.append(next(it))
            # peek so has_more is exact (the driver sends another PULL only if it is true)
            nxt = next(it)
        except StopIteration:
            self._done = True
            return out, False
        self._records = _prepend(nxt, it)
        return out, True

    def discard(self, n: int) -> bool:
        _, more = self.fetch(n)
        return more

    def materialise(self) -> None:
        """Read the rest now (a later query in the same transaction may change what the
        lazy iterator would see)."""
        if not self._done:
            rest = list(self._records)
            self._records = iter(rest)

    def summary(self) -> dict:
        return self._summary


def _prepend(first, it):
    yield first
    yield from it


@dataclass
class TxHandle:
    tx: Transaction
    started: float
    timeout: float | None
    graph: str
    user: str
    results: list[StreamResult] = field(default_factory=list)
    wrote: bool = False
    closed: bool = False


class Database:
    """Implements the Bolt layer's `Backend` (and the HTTP API uses it too)."""

    server_agent = SERVER_AGENT

    def __init__(self, config: NodeConfig, log_backend=None):
        self.config = config
        self.log = log_backend if log_backend is not None else LocalLog(GraphMachine())
        self.procedures = default_registry()
        from .cluster.procedures import register_service_procedures

        register_service_procedures(self.procedures)
        self.engine = CypherEngine(self.procedures)
        self.ids = IdBlocks(self._reserve_ids, 1024)
        self._verified = VerifiedCache()
        # rand() and friends: one generator (seeding one per statement costs ~20 us); their
        # values are decided while executing and travel inside the effects
        self._random = random.Random()
        self._sessions_lock = threading.Lock()
        self._open_tx: dict[str, TxHandle] = {}
        self.counters = {"queries": 0, "writes": 0, "conflicts": 0, "retries": 0,
                         "resubmits": 0, "failures": 0}
        self._closed = False

    # --- lifecycle ----------------------------------------------------------------

    @property
    def state(self):
        return self.log.state

    @property
    def fatal(self) -> str | None:
        return self.log.failed

    def started(self) -> None:
        starter = getattr(self.log, "started", None)
        if starter is not None:
            starter()

    def close(self) -> None:
        self._closed = True

    # --- auth ---------------------------------------------------------------------

    def authenticate(self, auth: dict) -> str:
        scheme = auth.get("scheme", "none")
        principal = auth.get("principal") or ""
        credentials = auth.get("credentials") or ""
        if self.config.disable_auth:
            return principal or self.config.admin_user
        if scheme != "basic":
            raise errors.Unauthorized(
                f"authentication scheme {scheme!r} is not supported: use basic (user/password)")
        if self.check_password(principal, credentials):
            return principal
        raise errors.Unauthorized(
            "The client is unauthorized due to authentication failure.")

    def check_password(self, user: str, password: str) -> bool:
        users = self.state.users
        record = users.get(user) if users is not None else None
        if record is not None:
            return self._verified.verify(password, record.password_hash)
        if user == self.config.admin_user and self.config.admin_user not in (users or {}):
            return password == self.config.admin_password
        return False

    def change_password(self, tx: Transaction, user: str, current: str, new: str) -> None:
        if not self.check_password(user, current):
            raise errors.CypherArgumentError("the current password is wrong")
        if not new:
            raise errors.CypherArgumentError("the new password must not be empty")
        if user in (tx.users or {}):
            tx.set_password(user, hash_password(new))
        else:
            tx.create_user(user, hash_password(new), ("admin",))

    # --- ids ----------------------------------------------------------------------

    def _reserve_ids(self, kind: str, count: int) -> tuple[int, int]:
        owner = getattr(self.log, "node_name", "local")
        _, outcome = self._submit(reserve_ids_command(kind, count, owner))
        outcome.raise_for_error()
        start, stop = outcome.value
        return start, stop

    # --- helpers ------------------------------------------------------------------

    def _graph(self, extra: dict) -> str:
        db = extra.get("db") or DEFAULT_GRAPH
        if db != DEFAULT_GRAPH:
            raise errors.DatabaseNotFound(
                f"Graph not found: {db}. This server has one graph, '{DEFAULT_GRAPH}'.")
        return db

    def _await_bookmarks(self, bookmarks) -> None:
        index = parse_bookmarks(bookmarks)
        if index and not self.log.wait_applied(index, self.config.bookmark_timeout):
            raise errors.BookmarkTimeout(
                f"this node has not yet applied the bookmark's log index {index} "
                f"(applied: {self.log.applied_index}); retry, or read from the leader")

    def _read_level(self, extra: dict) -> str:
        meta = extra.get("tx_metadata") or {}
        level = meta.get("read_level") if isinstance(meta, dict) else None
        return level if level in ("local", "leader", "linearizable") else self.config.read_level

    def _prepare_read(self, level: str) -> None:
        if level == "leader" and not self.log.is_leader:
            raise errors.NotALeader(
                "read_level 'leader': this node is not the Raft leader; route reads to it")
        if level == "linearizable":
            self.log.barrier(self.config.write_timeout)

    def _compile(self, query: str):
        if len(query) > self.config.max_query_length:
            raise errors.RequestInvalid(
                f"query of {len(query)} characters exceeds max_query_length "
                f"({self.config.max_query_length})")
        return self.engine.compile(query)

    def _context(self, session_user: str, graph: str, params: dict) -> QueryContext:
        ns = time.time_ns()
        now = values.DateTime(ns // 1_000_000_000, ns % 1_000_000_000, 0, None)
        return QueryContext(params=params, now=now, random=self._random, user=session_user,
                            graph=graph, procedures=self.procedures, hooks=self)

    def _begin_tx(self) -> Transaction:
        return Transaction(self.log.state, self.ids, strict_schema=self.config.strict_schema)

    def _submit(self, command: bytes):
        """Submit, resubmitting the SAME bytes when the outcome is unknown (leader lost
        mid-flight). The command carries its request id, and apply remembers recent ids: if
        the first attempt was committed after all, the duplicate is recognised and answered
        with the first outcome, never applied twice. So a leader change costs the client a
        short wait, not an "unknown outcome" error, while the write timeout lasts."""
        deadline = time.monotonic() + self.config.write_timeout
        while True:
            try:
                return self.log.submit(command, max(0.05, deadline - time.monotonic()))
            except errors.UnknownOutcome:
                if self.log.failed or self._closed or time.monotonic() + 0.05 >= deadline:
                    raise
                self.counters["resubmits"] += 1
                time.sleep(0.02)

    def _commit(self, tx: Transaction) -> int:
        """Submit the transaction's command; return the log index to bookmark."""
        command = tx.command()
        if command is None:
            return self.log.applied_index
        index, outcome = self._submit(command)
        if not outcome.ok:
            if outcome.code and outcome.code.startswith("Neo.TransientError"):
                self.counters["conflicts"] += 1
            outcome.raise_for_error()
        self.counters["writes"] += 1
        if not self.log.wait_applied(index, self.config.write_timeout):
            raise errors.UnknownOutcome(
                f"write committed at log index {index} but not yet applied on this node")
        return index

    @staticmethod
    def _result_type(compiled) -> str:
        return getattr(compiled, "query_type", None) or ("rw" if compiled.is_write else "r")

    @staticmethod
    def _with_plan(summary: dict, res) -> dict:
        """EXPLAIN / PROFILE: the operators as Neo4j's nested plan map (root first)."""
        ops = getattr(res, "plan", None)
        if ops:
            node: dict | None = None
            for name in ops:  # first operator is the leaf
                node = {"operatorType": name, "args": {}, "identifiers": [],
                        "children": [node] if node else []}
            summary["plan"] = node
        return summary

    # --- Backend: auto-commit ---------------------------------------------------------

    def run(self, session: Session, query: str, params: dict, extra: dict):
        graph = self._graph(extra)
        self._await_bookmarks(extra.get("bookmarks"))
        compiled = self._compile(query)
        self.counters["queries"] += 1
        user = session.user or self.config.admin_user
        if not compiled.is_write:
            self._prepare_read(self._read_level(extra))
            tx = self._begin_tx()
            res = self.engine.run(query, params, tx, self._context(user, graph, params))
            summary = {"type": self._result_type(compiled), "db": graph,
                       "bookmark": bookmark_for(self.log.applied_index)}
            return StreamResult(list(res.columns), res.records, self._with_plan(summary, res))
        last: errors.DatabaseError | None = None
        for attempt in range(AUTO_COMMIT_RETRIES):
            tx = self._begin_tx()
            res = self.engine.run(query, params, tx, self._context(user, graph, params))
            rows = list(res.records)
            try:
                index = self._commit(tx)
            except errors.WriteConflict as e:
                # nothing was sent to the client yet: retry on a fresh snapshot
                last = e
                self.counters["retries"] += 1
                time.sleep(0.002 * (attempt + 1))
                continue
            summary = {"type": self._result_type(compiled), "db": graph,
                       "stats": res.stats, "bookmark": bookmark_for(index)}
            return StreamResult(list(res.columns), rows, self._with_plan(summary, res))
        assert last is not None
        raise last

    # --- Backend: explicit transactions ----------------------------------------------

    def begin(self, session: Session, extra: dict) -> TxHandle:
        graph = self._graph(extra)
        self._await_bookmarks(extra.get("bookmarks"))
        self._prepare_read(self._read_level(extra))
        timeout_ms = extra.get("tx_timeout")
        timeout = timeout_ms / 1000.0 if isinstance(timeout_ms, int) and timeout_ms > 0 else None
        handle = TxHandle(self._begin_tx(), time.monotonic(), timeout, graph,
                          session.user or self.config.admin_user)
        with self._sessions_lock:
            self._open_tx[session.connection_id] = handle
        return handle

    def _check_open(self, handle: TxHandle) -> None:
        if handle.closed:
            raise errors.DatabaseError("the transaction is closed",
                                       code="Neo.ClientError.Transaction.TransactionNotFound")
        if handle.timeout is not None and time.monotonic() - handle.started > handle.timeout:
            handle.closed = True
            raise errors.TransactionTimedOut(
                f"the transaction ran longer than its timeout of {handle.timeout:.3f}s "
                "and was rolled back")

    def run_in_tx(self, session: Session, tx: TxHandle, query: str, params: dict, extra: dict):
        self._check_open(tx)
        compiled = self._compile(query)
        self.counters["queries"] += 1
        for earlier in tx.results:
            earlier.materialise()
        res = self.engine.run(query, params, tx.tx, self._context(tx.user, tx.graph, params))
        tx.wrote = tx.wrote or compiled.is_write
        summary = {"type": self._result_type(compiled), "db": tx.graph}
        if compiled.is_write:
            summary["stats"] = res.stats  # this statement's counters, not the transaction's
        result = StreamResult(list(res.columns), res.records, self._with_plan(summary, res))
        tx.results.append(result)
        return result

    def commit(self, session: Session, tx: TxHandle) -> str | None:
        self._check_open(tx)
        tx.closed = True
        self._forget(session)
        index = self._commit(tx.tx)
        return bookmark_for(index)

    def rollback(self, session: Session, tx: TxHandle) -> None:
        tx.closed = True
        self._forget(session)

    def _forget(self, session: Session) -> None:
        with self._sessions_lock:
            self._open_tx.pop(session.connection_id, None)

    def close_session(self, session: Session) -> None:
        with self._sessions_lock:
            handle = self._open_tx.pop(session.connection_id, None)
        if handle is not None:
            handle.closed = True

    # --- Backend: routing -------------------------------------------------------------

    def route(self, session: Session, routing: dict, bookmarks: list[str], db: str | None,
              imp_user: str | None) -> dict:
        graph = self._graph({"db": db})
        table = getattr(self.log, "routing_table", None)
        if table is not None:
            servers = table(routing or {})
        else:
            me = [self.advertised_address(routing or {})]
            servers = [{"addresses": me, "role": "WRITE"}, {"addresses": me, "role": "READ"},
                       {"addresses": me, "role": "ROUTE"}]
        return {"ttl": self.config.route_ttl, "db": graph, "servers": servers}

    def advertised_address(self, routing: dict) -> str:
        cfg = self.config
        if cfg.advertised_address:
            return cfg.advertised_address
        host = cfg.host
        if host in ("0.0.0.0", "::", ""):
            asked = (routing or {}).get("address") or ""
            host = asked.rpartition(":")[0] or "127.0.0.1"
        return f"{host}:{cfg.bolt_port}"

    # --- for procedures and operators --------------------------------------------------

    def state_digest(self) -> tuple[int, str]:
        state = self.state
        return state.applied_index, state.digest()

    def version(self) -> str:
        return __version__

    def status_info(self) -> dict[str, Any]:
        status = getattr(self.log, "status", None)
        return status() if status is not None else {"id": 0, "raftState": "StateLeader",
                                                      "applied": self.log.applied_index}
