"""The threaded Bolt listener: the only socket code for Bolt.

One acceptor thread; one thread per connection, bounded by `max_workers`. A connection
beyond the bound waits up to `queue_timeout` seconds for a slot and is then closed without
a word (the driver sees a closed connection and retries elsewhere) — the server never
crashes or spawns without bound. Each connection thread runs the sans-I/O
`BoltConnection`: recv -> `receive_data` -> `outgoing()` batches, each written with one
`sendall` (TCP_NODELAY is set, so a pipelined RUN+PULL answer leaves at once).

A slow reader blocks only its own thread, and only up to `send_timeout`; a peer that does
not finish the handshake and login within `login_timeout` is closed. `stop(grace)`
closes the listener, closes idle connections at once, lets busy ones finish the request
they are on, and after `grace` seconds shuts down whatever is left.

>>> server = BoltServer("127.0.0.1", 0, backend)  # doctest: +SKIP
>>> server.start(); host, port = server.address  # doctest: +SKIP
>>> server.stop(grace=5.0)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import socket
import threading
import time

from tugraph_bolt.bolt.backend import Backend
from tugraph_bolt.bolt.connection import BoltConnection
from tugraph_bolt.bolt.handshake import SUPPORTED_VERSIONS

log = logging.getLogger(__name__)

RECV_SIZE = 256 * 1024


class _Client:
    """A live connection as the server tracks it (for stop() and the counters)."""

    __slots__ = ("sock", "thread", "busy", "lock", "address")

    def __init__(self, sock: socket.socket, address: str):
        self.sock = sock
        self.address = address
        self.thread: threading.Thread | None = None
        self.busy = False
        self.lock = threading.Lock()


class BoltServer:
    def __init__(
        self,
        host: str,
        port: int,
        backend: Backend,
        *,
        max_workers: int = 256,
        max_message_size: int = 64 * 1024 * 1024,
        idle_timeout: float | None = None,
        send_timeout: float = 60.0,
        queue_timeout: float = 5.0,
        login_timeout: float = 30.0,
        recv_timeout_hint: int | None = None,
        telemetry_enabled: bool = False,
        backlog: int = 128,
        versions: tuple[tuple[int, int], ...] = SUPPORTED_VERSIONS,
    ):
        self.host = host
        self.port = port
        self.backend = backend
        self.max_workers = max_workers
        self.max_message_size = max_message_size
        self.idle_timeout = idle_timeout
        self.send_timeout = send_timeout
        self.queue_timeout = queue_timeout
        self.login_timeout = login_timeout
        self.recv_timeout_hint = recv_timeout_hint
        self.telemetry_enabled = telemetry_enabled
        self.backlog = backlog
        self.versions = versions  # Bolt versions offered (tests narrow this)
        # Counters for metrics: plain attributes, updated under _lock.
        self.open_connections = 0
        self.total_connections = 0
        self.refused_connections = 0
        self.messages = 0
        self.failures = 0
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max_workers)
        self._clients: dict[int, _Client] = {}
        self._listener: socket.socket | None = None
        self._bound: tuple[str, int] | None = None
        self._acceptor: threading.Thread | None = None
        self._stopping = threading.Event()
        self._next_id = 0

    @property
    def address(self) -> tuple[str, int]:
        """The bound (host, port); the port is real even when 0 was asked for."""
        return self._bound if self._bound is not None else (self.host, self.port)

    def start(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self.host, self.port))
            listener.listen(self.backlog)
        except OSError:
            listener.close()
            raise
        self._listener = listener
        self._bound = listener.getsockname()[:2]
        self._acceptor = threading.Thread(target=self._accept_loop, name="bolt-acceptor",
                                          daemon=True)
        self._acceptor.start()

    def stop(self, grace: float = 5.0) -> None:
        self._stopping.set()
        if self._listener is not None:
            _shutdown(self._listener)  # on Linux this wakes the blocked accept(); close alone does not
            try:
                self._listener.close()
            except OSError:
                pass
        if self._acceptor is not None:
            self._acceptor.join(timeout=max(grace, 1.0))
        with self._lock:
            clients = list(self._clients.values())
        for client in clients:
            with client.lock:
                if not client.busy:
                    _shutdown(client.sock)  # wakes its blocking recv
        deadline = time.monotonic() + grace
        for client in clients:
            if client.thread is not None:
                client.thread.join(timeout=max(deadline - time.monotonic(), 0.0))
        for client in clients:
            if client.thread is not None and client.thread.is_alive():
                _shutdown(client.sock)
                client.thread.join(timeout=1.0)

    # --- accepting -----------------------------------------------------------------------

    def _accept_loop(self) -> None:
        listener = self._listener
        while not self._stopping.is_set():
            try:
                sock, peer = listener.accept()
            except OSError:
                if self._stopping.is_set():
                    return
                log.exception("accept failed")
                time.sleep(0.05)  # e.g. out of file descriptors: do not spin
                continue
            if not self._slots.acquire(timeout=self.queue_timeout):
                with self._lock:
                    self.refused_connections += 1
                log.warning("refusing Bolt connection from %s: %d connections busy",
                            peer, self.max_workers)
                sock.close()
                continue
            if self._stopping.is_set():
                self._slots.release()
                sock.close()
                return
            self._launch(sock, peer)

    def _launch(self, sock: socket.socket, peer) -> None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # Keepalive finds peers that vanished without a FIN/RST (a pulled cable, a dead VM)
        # even when no idle_timeout is configured.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        if hasattr(socket, "TCP_KEEPIDLE"):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 60)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 10)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 6)
        address = f"{peer[0]}:{peer[1]}"
        client = _Client(sock, address)
        with self._lock:
            self._next_id += 1
            number = self._next_id
            self._clients[number] = client
            self.open_connections += 1
            self.total_connections += 1
        client.thread = threading.Thread(target=self._serve, args=(number, client),
                                         name=f"bolt-conn-{number}", daemon=True)
        client.thread.start()

    # --- one connection ------------------------------------------------------------------

    def _serve(self, number: int, client: _Client) -> None:
        sock = client.sock
        conn = BoltConnection(
            self.backend,
            f"bolt-{number}",
            client_address=client.address,
            max_message_size=self.max_message_size,
            recv_timeout_seconds=self.recv_timeout_hint,
            telemetry_enabled=self.telemetry_enabled,
            versions=self.versions,
        )
        counted_messages = counted_failures = 0
        log.debug("%s: connected from %s", conn.connection_id, client.address)
        try:
            while not self._stopping.is_set():
                sock.settimeout(self._read_timeout(conn))
                try:
                    data = sock.recv(RECV_SIZE)
                except TimeoutError:
                    log.info("%s: no request for %ss, closing", conn.connection_id,
                             self._read_timeout(conn))
                    break
                except OSError:
                    break
                if not data:
                    break
                with client.lock:
                    if self._stopping.is_set():
                        break
                    client.busy = True
                try:
                    conn.receive_data(data)
                    sock.settimeout(self.send_timeout)
                    while True:
                        batch = conn.outgoing()
                        if not batch:
                            break
                        sock.sendall(batch)
                except OSError as e:
                    log.info("%s: client went away: %s", conn.connection_id, e)
                    break
                finally:
                    with client.lock:
                        client.busy = False
                    with self._lock:
                        self.messages += conn.messages_received - counted_messages
                        self.failures += conn.failures_sent - counted_failures
                    counted_messages = conn.messages_received
                    counted_failures = conn.failures_sent
                if conn.closed:
                    break
        except Exception:
            log.exception("%s: connection thread failed", conn.connection_id)
        finally:
            log.debug("%s: closed (%d requests)", conn.connection_id, conn.messages_received)
            conn.close()
            _shutdown(sock)
            sock.close()
            with self._lock:
                self._clients.pop(number, None)
                self.open_connections -= 1
            self._slots.release()


    def _read_timeout(self, conn: BoltConnection) -> float | None:
        # Until the peer has logged in it gets `login_timeout` at most: a client that opens
        # sockets and never finishes the handshake must not hold worker slots forever.
        logged_in = conn.session is not None and conn.session.user is not None
        if logged_in:
            return self.idle_timeout
        if self.idle_timeout is None:
            return self.login_timeout
        return min(self.idle_timeout, self.login_timeout)


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
