"""One Bolt connection, sans-I/O: bytes in (`receive_data`), bytes out (`outgoing`).

The server feeds whatever the socket gave it to `receive_data`, then calls `outgoing()`
until it returns b"" and sends each returned batch with one `sendall`; when `closed` is
set it closes the socket after sending. Requests are processed in order inside
`outgoing()`, so a long PULL is produced in slices of about `flush_bytes` and a big result
is never held in memory at once.

What each request means in each state is decided by `states.TRANSITIONS`; this file holds
the handlers that the table names.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from typing import Any

from tugraph_bolt import errors
from tugraph_bolt.bolt import messages as m
from tugraph_bolt.bolt.backend import Backend, Result, Session
from tugraph_bolt.bolt.chunking import Dechunker, MessageTooLarge, chunk_message
from tugraph_bolt.bolt.handshake import SUPPORTED_VERSIONS, ServerHandshake
from tugraph_bolt.bolt.hydration import ValueCodec
from tugraph_bolt.bolt.states import INTERRUPTIBLE, Rule, State, rule_for
from tugraph_bolt.packstream import Packer

log = logging.getLogger(__name__)

PENDING = object()  # a handler started a stream that finishes in later steps
STREAM_SLICE = 1000  # records fetched from a Result per step
DIAGNOSTIC_RECORD = {"OPERATION": "", "OPERATION_CODE": "0", "CURRENT_SCHEMA": "/"}


class _OpenResult:
    __slots__ = ("result", "qid", "started", "db")

    def __init__(self, result: Result, qid: int, db: str | None):
        self.result = result
        self.qid = qid
        self.started = time.monotonic()
        self.db = db


class _Stream:
    """A PULL in progress: `remaining` records still to send (-1: all)."""

    __slots__ = ("open", "remaining", "rule")

    def __init__(self, open_result: _OpenResult, remaining: int, rule: Rule):
        self.open = open_result
        self.remaining = remaining
        self.rule = rule


class BoltConnection:
    def __init__(
        self,
        backend: Backend,
        connection_id: str | None = None,
        *,
        client_address: str = "",
        max_message_size: int = 64 * 1024 * 1024,
        recv_timeout_seconds: int | None = None,
        telemetry_enabled: bool = False,
        flush_bytes: int = 256 * 1024,
        versions: tuple[tuple[int, int], ...] = SUPPORTED_VERSIONS,
    ):
        self.backend = backend
        self.connection_id = connection_id or f"bolt-{uuid.uuid4().hex[:8]}"
        self.client_address = client_address
        self.recv_timeout_seconds = recv_timeout_seconds
        self.telemetry_enabled = telemetry_enabled
        self.flush_bytes = flush_bytes
        self.state = State.NEGOTIATION
        self.closed = False
        self.version: tuple[int, int] | None = None
        self.session: Session | None = None
        self.messages_received = 0
        self.failures_sent = 0
        self._handshake: ServerHandshake | None = ServerHandshake(versions)
        self._dechunker = Dechunker(max_message_size)
        self._inbox: deque[bytes] = deque()
        self._queued_resets = 0
        self._out = bytearray()
        self._packer = Packer(buf=self._out)
        self._codec: ValueCodec | None = None
        self._stream: _Stream | None = None
        self._tx: Any = None
        self._tx_db: str | None = None  # BEGIN's db: the default `db` of results in the tx
        self._results: dict[int, _OpenResult] = {}
        self._next_qid = 0
        self._last_qid = -1
        self._session_closed = False

    # --- I/O surface ---------------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        if self.closed or not data:
            return
        if self._handshake is not None:
            self._handshake.receive_data(data)
            self._out += self._handshake.outgoing()
            if self._handshake.failed:
                log.info("%s: handshake failed: %s", self.connection_id,
                         self._handshake.failure_reason)
                self._set_defunct()
                return
            if self._handshake.version is None:
                return
            self._start(self._handshake.version)
            data = self._handshake.leftover
            self._handshake = None
            if not data:
                return
        try:
            self._dechunker.feed(data)
        except MessageTooLarge as e:
            self._inbox.clear()
            self._send_failure(errors.RequestInvalid(str(e)))
            self._set_defunct()
            return
        for raw in self._dechunker.messages():
            self._inbox.append(raw)
            if raw[:2] == b"\xb0\x0f":
                self._queued_resets += 1

    def outgoing(self) -> bytes:
        """Process queued work until a batch is worth sending; b"" when idle."""
        out = self._out
        while len(out) < self.flush_bytes and self.state is not State.DEFUNCT:
            if self._stream is not None:
                self._stream_step()
            elif self._inbox:
                self._process(self._inbox.popleft())
            else:
                break
        data = bytes(out)
        out.clear()
        return data

    def close(self) -> None:
        """The socket is gone (or closing): release the backend session once."""
        self.closed = True
        self.state = State.DEFUNCT
        self._inbox.clear()
        self._stream = None
        if self.session is not None and not self._session_closed:
            self._session_closed = True
            self._results.clear()
            self._tx = None
            try:
                self.backend.close_session(self.session)
            except Exception:
                log.exception("%s: closing the backend session failed", self.connection_id)

    # --- dispatch ------------------------------------------------------------------------

    def _start(self, version: tuple[int, int]) -> None:
        self.version = version
        self._codec = ValueCodec(version)
        self._packer.dehydrate = self._codec.dehydrate
        self.session = Session(self.connection_id, version, client_address=self.client_address)

    def _set_defunct(self) -> None:
        self.state = State.DEFUNCT
        self.closed = True

    def _process(self, raw: bytes) -> None:
        self.messages_received += 1
        request_class = m.REQUESTS.get(raw[1]) if len(raw) > 1 else None
        known = request_class is not None and self.version >= request_class.SINCE
        name = request_class.NAME if known else "?"  # "?" is illegal in every state
        if name == "RESET":
            self._queued_resets -= 1
        elif self._queued_resets > 0 and self.state in INTERRUPTIBLE:
            # A RESET further down the queue overtakes this request (Neo4j's interrupt).
            self.state = State.INTERRUPTED
        rule = rule_for(self.state, name)
        if rule.action == "ignore":
            self._send_raw(b"\xb0\x7e")
            return
        if rule.action == "drop":
            return
        try:
            request = m.decode_request(raw, self.version, self._codec.hydrate)
        except m.BoltProtocolError as e:
            self._send_failure(errors.RequestInvalid(str(e)))
            self.state = State.DEFUNCT if e.fatal or rule.action == "illegal" else rule.failure
            self.closed = self.state is State.DEFUNCT
            return
        if rule.action == "illegal":
            self._send_failure(errors.RequestInvalid(
                f"Message '{name}' cannot be handled by a session in the {self.state.value} state"
            ))
            self._set_defunct()
            return
        self._run_handler(rule, lambda: getattr(self, "_on_" + rule.action)(request))

    def _run_handler(self, rule: Rule, call) -> None:
        mark = len(self._out)
        try:
            outcome = call()
        except errors.DatabaseError as e:
            del self._out[mark:]  # a half-packed record must not reach the client
            self._fail(e, rule)
            return
        except Exception:
            del self._out[mark:]
            reference = uuid.uuid4().hex[:12]
            log.exception("%s: unexpected error (reference %s)", self.connection_id, reference)
            self._fail(errors.InternalError(
                f"An unexpected server error occurred (reference {reference})"), rule)
            return
        if outcome is PENDING:
            return
        self._transition(rule, bool(outcome))

    def _transition(self, rule: Rule, more: bool) -> None:
        self.state = rule.more if more and rule.more is not None else rule.success
        if self.state is State.DEFUNCT:
            self.closed = True

    def _fail(self, error: errors.DatabaseError, rule: Rule) -> None:
        self._stream = None
        self._send_failure(error)
        self.state = rule.failure
        if self.state is State.DEFUNCT:
            self.closed = True

    # --- writing responses ---------------------------------------------------------------

    def _send_raw(self, payload: bytes) -> None:
        chunk_message(payload, self._out)

    def _send(self, tag: int, value: Any) -> None:
        """Pack `B1 tag value` straight into the output buffer as one framed message."""
        out = self._out
        start = len(out)
        out += b"\x00\x00\xb1"
        out.append(tag)
        self._packer.pack_value(value)
        size = len(out) - start - 2
        if size <= 0xFFFF:
            out[start] = size >> 8
            out[start + 1] = size & 0xFF
            out += b"\x00\x00"
        else:
            payload = bytes(out[start + 2 :])
            del out[start:]
            chunk_message(payload, out)

    def _success(self, metadata: dict) -> None:
        self._send(0x70, metadata)

    def _send_failure(self, error: errors.DatabaseError) -> None:
        self.failures_sent += 1
        code = error.code if error.code in errors.STATUS_CODES else errors.InternalError.code
        if self.version is not None and self.version >= (5, 7):
            gql_status, description = errors.STATUS_CODES[code]
            metadata = {
                "neo4j_code": code,
                "message": error.message,
                "gql_status": gql_status,
                "description": description,
                "diagnostic_record": dict(DIAGNOSTIC_RECORD),
            }
        else:
            metadata = {"code": code, "message": error.message}
        mark = len(self._out)
        try:
            self._send(0x7F, metadata)
        except Exception:  # an unpackable message text must not kill the connection
            del self._out[mark:]
            self._send(0x7F, {"code": code, "message": "error"})

    # --- handlers: each returns `more` (bool) or PENDING ---------------------------------

    def _on_hello(self, request: m.Hello) -> bool:
        extra = request.extra
        session = self.session
        session.user_agent = str(extra.get("user_agent", ""))
        routing = extra.get("routing")
        session.routing = dict(routing) if isinstance(routing, dict) else None
        metadata: dict[str, Any] = {}
        if self.version == (4, 4) and "utc" in (extra.get("patch_bolt") or ()):
            self._codec = ValueCodec(self.version, utc_patch=True)
            self._packer.dehydrate = self._codec.dehydrate
            metadata["patch_bolt"] = ["utc"]
        deferred = self.version >= (5, 1)
        if not deferred:  # 4.4 and 5.0 carry the credentials in HELLO
            session.user = self.backend.authenticate(_auth_of(extra))
        hints: dict[str, Any] = {}
        if self.recv_timeout_seconds:
            hints["connection.recv_timeout_seconds"] = int(self.recv_timeout_seconds)
        if self.version >= (5, 4):
            hints["telemetry.enabled"] = bool(self.telemetry_enabled)
        metadata.update(server=self.backend.server_agent, connection_id=self.connection_id,
                        hints=hints)
        self._success(metadata)
        return deferred

    def _on_logon(self, request: m.Logon) -> bool:
        self.session.user = self.backend.authenticate(_auth_of(request.auth))
        self._success({})
        return False

    def _on_logoff(self, request: m.Logoff) -> bool:
        self.session.user = None
        self._success({})
        return False

    def _on_telemetry(self, request: m.Telemetry) -> bool:
        self._success({})
        return False

    def _on_goodbye(self, request: m.Goodbye) -> bool:
        self._inbox.clear()
        self.closed = True
        return False

    def _on_reset(self, request: m.Reset) -> bool:
        self._stream = None
        self._results.clear()
        if self._tx is not None:
            tx, self._tx = self._tx, None
            try:
                self.backend.rollback(self.session, tx)
            except Exception:  # RESET must succeed; the backend logs its own trouble
                log.exception("%s: rollback during RESET failed", self.connection_id)
        self._success({})
        return False

    def _on_route(self, request: m.Route) -> bool:
        rt = self.backend.route(self.session, request.routing, list(request.bookmarks),
                                request.extra.get("db"), request.extra.get("imp_user"))
        self._success({"rt": rt})
        return False

    def _on_begin(self, request: m.Begin) -> bool:
        self._tx = self.backend.begin(self.session, request.extra)
        self._tx_db = request.extra.get("db")
        self._next_qid = 0
        self._last_qid = -1
        self._success({})
        return False

    def _on_run(self, request: m.Run) -> bool:
        started = time.monotonic()
        db = request.extra.get("db") if self._tx is None else self._tx_db
        if self._tx is None:
            result = self.backend.run(self.session, request.query, request.parameters,
                                      request.extra)
            qid = -1
        else:
            result = self.backend.run_in_tx(self.session, self._tx, request.query,
                                            request.parameters, request.extra)
            qid = self._next_qid
            self._next_qid += 1
            self._last_qid = qid
        self._results[qid] = _OpenResult(result, qid, db)
        metadata: dict[str, Any] = {
            "fields": list(result.fields),
            "t_first": int((time.monotonic() - started) * 1000),
        }
        if self._tx is not None:
            metadata["qid"] = qid
        self._success(metadata)
        return False

    def _find_result(self, qid: int) -> _OpenResult:
        if self._tx is None:
            found = self._results.get(-1)
        else:
            found = self._results.get(self._last_qid if qid == -1 else qid)
        if found is None:
            raise errors.RequestInvalid(f"there is no open result with qid {qid}")
        return found

    def _on_pull(self, request: m.Pull) -> Any:
        open_result = self._find_result(request.qid)
        self._stream = _Stream(open_result, request.n, rule_for(self.state, "PULL"))
        return PENDING

    def _stream_step(self) -> None:
        stream = self._stream
        rule = stream.rule

        def step() -> Any:
            remaining = stream.remaining
            size = STREAM_SLICE if remaining == -1 else min(remaining, STREAM_SLICE)
            records, has_more = stream.open.result.fetch(size)
            send = self._send
            for record in records:
                send(0x71, record)
            if remaining != -1:
                stream.remaining = remaining = max(remaining - len(records), 0)
            if has_more and remaining != 0:
                return PENDING
            self._stream = None
            if has_more:
                self._success({"has_more": True})
                return True
            return self._finish(stream.open)

        self._run_handler(rule, step)

    def _on_discard(self, request: m.Discard) -> bool:
        open_result = self._find_result(request.qid)
        if open_result.result.discard(request.n):
            self._success({"has_more": True})
            return True
        return self._finish(open_result)

    def _finish(self, open_result: _OpenResult) -> bool:
        """Send the final summary of an exhausted result; `more` = other results open."""
        del self._results[open_result.qid]
        metadata = dict(open_result.result.summary())
        metadata["t_last"] = int((time.monotonic() - open_result.started) * 1000)
        metadata.setdefault("type", "r")
        if open_result.db is not None:
            metadata.setdefault("db", open_result.db)
        if self._tx is not None:
            metadata.pop("bookmark", None)  # only COMMIT hands out a bookmark in a tx
        self._success(metadata)
        return bool(self._results)

    def _on_commit(self, request: m.Commit) -> bool:
        # Drain what is still open so lazily evaluated writes happen before the commit.
        for open_result in list(self._results.values()):
            open_result.result.discard(-1)
        self._results.clear()
        tx, self._tx = self._tx, None
        bookmark = self.backend.commit(self.session, tx)
        self._success({"bookmark": bookmark} if bookmark else {})
        return False

    def _on_rollback(self, request: m.Rollback) -> bool:
        self._results.clear()
        tx, self._tx = self._tx, None
        self.backend.rollback(self.session, tx)
        self._success({})
        return False


def _auth_of(extra: dict) -> dict:
    """The auth token inside HELLO (4.4/5.0) or LOGON: scheme, principal, credentials."""
    auth = {key: extra[key] for key in ("scheme", "principal", "credentials", "realm",
                                         "parameters") if key in extra}
    auth.setdefault("scheme", "none")
    return auth
