"""A minimal blocking Bolt client: one connection, queries, explicit transactions, ROUTE.

It speaks the same versions as the server (legacy handshake offering 5.8..5.0 and 4.4),
sends HELLO (+ LOGON on 5.1+), and turns FAILURE into `ClientError` after a RESET so the
connection stays usable. Records come back hydrated into `values.*` objects.
"""

from __future__ import annotations

import socket
from typing import Any

from tugraph_bolt import __version__
from tugraph_bolt.bolt import messages as m
from tugraph_bolt.bolt.chunking import Dechunker, chunk_message
from tugraph_bolt.bolt.handshake import SUPPORTED_VERSIONS, client_request, parse_client_reply
from tugraph_bolt.bolt.hydration import ValueCodec
from tugraph_bolt.packstream import Packer


class ClientError(Exception):
    """A FAILURE from the server (or a broken connection: code 'Client.ConnectionLost')."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class BoltClient:
    def __init__(self, sock: socket.socket, version: tuple[int, int]):
        self.sock = sock
        self.version = version
        self.server_info: dict = {}
        self._codec = ValueCodec(version)
        self._packer = Packer(dehydrate=self._codec.dehydrate)
        self._dechunker = Dechunker()
        self.in_transaction = False

    @classmethod
    def connect(
        cls,
        host: str,
        port: int,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        routing: dict | None = None,
        versions: tuple[tuple[int, int], ...] = SUPPORTED_VERSIONS,
    ) -> BoltClient:
        sock = socket.create_connection((host, port), timeout=timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(client_request(versions))
            version = parse_client_reply(_recv_exactly(sock, 4))
            client = cls(sock, version)
            client._login(user, password, routing)
        except (OSError, ValueError, ClientError):
            sock.close()
            raise
        return client

    def _login(self, user: str | None, password: str | None, routing: dict | None) -> None:
        auth = ({"scheme": "basic", "principal": user, "credentials": password or ""}
                if user is not None else {"scheme": "none"})
        extra: dict[str, Any] = {"user_agent": f"tugraph-bolt-client/{__version__}"}
        if routing is not None:
            extra["routing"] = routing
        if self.version >= (5, 1):
            replies = self._exchange(m.Hello(extra), m.Logon(auth))
        else:
            extra.update(auth)
            replies = self._exchange(m.Hello(extra))
        self._raise_on_failure(replies, reset=False)
        self.server_info = replies[0].metadata

    # --- public API ----------------------------------------------------------------------

    def run(
        self, query: str, params: dict | None = None, db: str | None = "default",
        mode: str | None = None,
    ) -> tuple[list[str], list[list], dict]:
        """Run a query and pull every record: (fields, records, summary).

        Auto-commit unless `begin()` opened a transaction (then `db`/`mode` come from it).
        """
        extra: dict[str, Any] = {}
        if not self.in_transaction:
            if db is not None:
                extra["db"] = db
            if mode == "r":
                extra["mode"] = "r"
        replies = self._exchange(m.Run(query, params or {}, extra), m.Pull(-1))
        self._raise_on_failure(replies)
        fields = replies[0].metadata.get("fields", [])
        records = [r.values for r in replies[1:-1] if isinstance(r, m.Record)]
        return fields, records, replies[-1].metadata

    def begin(self, db: str | None = "default", mode: str | None = None) -> None:
        """Open an explicit transaction; `run` then runs inside it until commit/rollback."""
        extra: dict[str, Any] = {"db": db} if db is not None else {}
        if mode == "r":
            extra["mode"] = "r"
        self._raise_on_failure(self._exchange(m.Begin(extra)))
        self.in_transaction = True

    def commit(self) -> str | None:
        """Commit the open transaction; returns its bookmark."""
        self.in_transaction = False
        replies = self._exchange(m.Commit())
        self._raise_on_failure(replies)
        return replies[0].metadata.get("bookmark")

    def rollback(self) -> None:
        self.in_transaction = False
        self._raise_on_failure(self._exchange(m.Rollback()))

    def route(self, db: str | None = None, routing: dict | None = None,
              bookmarks: list[str] | None = None) -> dict:
        """The routing table (`rt` map) for `db` (None: the home database)."""
        extra = {"db": db} if db is not None else {}
        replies = self._exchange(m.Route(routing or {}, list(bookmarks or []), extra))
        self._raise_on_failure(replies)
        return replies[0].metadata.get("rt", {})

    def close(self) -> None:
        try:
            self._send(m.Goodbye())
        except OSError:
            pass
        finally:
            self.sock.close()

    def __enter__(self) -> BoltClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- wire ----------------------------------------------------------------------------

    def _send(self, *requests: m.Request) -> None:
        out = bytearray()
        for request in requests:
            chunk_message(m.encode_request(request, self._packer), out)
        self.sock.sendall(out)

    def _exchange(self, *requests: m.Request) -> list:
        """Send pipelined requests; read until each has its summary (SUCCESS/FAILURE/IGNORED)."""
        try:
            self._send(*requests)
        except OSError as e:
            raise ClientError("Client.ConnectionLost", str(e)) from None
        replies: list = []
        summaries = 0
        while summaries < len(requests):
            for raw in self._read_messages():
                reply = m.decode_response(raw, self._codec.hydrate)
                replies.append(reply)
                if not isinstance(reply, m.Record):
                    summaries += 1
        return replies

    def _read_messages(self) -> list[bytes]:
        while True:
            ready = self._dechunker.messages()
            if ready:
                return ready
            try:
                data = self.sock.recv(256 * 1024)
            except OSError as e:
                raise ClientError("Client.ConnectionLost", str(e)) from None
            if not data:
                raise ClientError("Client.ConnectionLost", "the server closed the connection")
            self._dechunker.feed(data)

    def _raise_on_failure(self, replies: list, reset: bool = True) -> None:
        for reply in replies:
            if isinstance(reply, m.Failure):
                meta = reply.metadata
                code = meta.get("neo4j_code") or meta.get("code") or "Neo.DatabaseError.General.UnknownError"
                error = ClientError(code, meta.get("message", ""))
                self.in_transaction = False  # the RESET below (or the close) ends it
                if reset:
                    try:
                        self._exchange(m.Reset())
                    except ClientError:
                        pass
                raise error


def _recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        piece = sock.recv(n - len(data))
        if not piece:
            raise ClientError("Client.ConnectionLost", "connection closed during the handshake")
        data += piece
    return data
