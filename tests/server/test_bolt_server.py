"""BoltServer robustness with raw sockets: bad peers, vanished and slow clients, limits, stop."""

import socket
import threading
import time

import neo4j

from tests.bolt.fake_backend import FakeBackend
from tests.bolt.wire import AUTH, frame
from tugraph_bolt.bolt import messages as m
from tugraph_bolt.bolt.chunking import Dechunker
from tugraph_bolt.bolt.handshake import MAGIC

from .conftest import raw_bolt, raw_connect, recv_exactly, recv_until_closed, wait_for


def login(sock):
    sock.sendall(frame(m.Hello({"user_agent": "raw/1"}), m.Logon(AUTH)))
    replies = read_replies(sock, 2)
    assert all(isinstance(r, m.Success) for r in replies)


def read_replies(sock, summaries):
    dechunker, replies, seen = Dechunker(), [], 0
    while seen < summaries:
        data = sock.recv(65536)
        assert data, "server closed early"
        dechunker.feed(data)
        for raw in dechunker.messages():
            reply = m.decode_response(raw)
            replies.append(reply)
            seen += not isinstance(reply, m.Record)
    return replies


def still_serves(server):
    host, port = server.address
    with neo4j.GraphDatabase.driver(f"bolt://{host}:{port}", auth=("neo4j", "password")) as d:
        return d.execute_query("RANGE 3", database_="default").records[2]["i"] == 2


def test_garbage_instead_of_a_handshake_is_closed_silently(start_server):
    server, _ = start_server()
    sock = raw_connect(server)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert recv_until_closed(sock) == b""
    sock.close()
    assert still_serves(server)


def test_no_common_version_gets_zero_then_close(start_server):
    server, _ = start_server()
    sock = raw_connect(server)
    sock.sendall(MAGIC + bytes.fromhex("00000003 00000002 00000001 00000000"))
    assert recv_until_closed(sock) == b"\x00\x00\x00\x00"
    sock.close()


def test_manifest_handshake_over_a_socket(start_server):
    server, _ = start_server()
    sock = raw_connect(server)
    sock.sendall(MAGIC + bytes.fromhex("000001FF 00080805 00020404 00000000"))
    assert recv_exactly(sock, 14) == bytes.fromhex("000001FF 02 00080805 00000404 00")
    sock.sendall(bytes.fromhex("00000705 00"))
    login(sock)
    sock.sendall(frame(m.Run("RANGE 2", {}, {}), m.Pull(-1)))
    assert len(read_replies(sock, 2)) == 4
    sock.close()


def test_client_vanishing_mid_stream_releases_its_session(start_server):
    server, backend = start_server()
    sock = raw_bolt(server)
    login(sock)
    sock.sendall(frame(m.Run("RANGE 10000000", {}, {}), m.Pull(-1)))
    assert len(sock.recv(65536)) > 0  # streaming has begun
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()  # RST: the server's next send fails
    wait_for(lambda: backend.closed_sessions, what="the session to be released")
    assert backend.produced < 10_000_000
    assert still_serves(server)
    wait_for(lambda: server.open_connections == 0, what="connections to close")


def test_a_client_that_never_reads_does_not_stall_others(start_server):
    server, backend = start_server(send_timeout=1.0)
    stuck = raw_bolt(server)
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    login(stuck)
    stuck.sendall(frame(m.Run("RANGE 10000000", {}, {}), m.Pull(-1)))
    wait_for(lambda: backend.produced > 1000, what="the big result to start")
    started = time.monotonic()
    assert still_serves(server)
    assert time.monotonic() - started < 5.0
    # The stuck connection is dropped once a send has waited send_timeout.
    assert "bolt-1" not in backend.closed_sessions
    wait_for(lambda: "bolt-1" in backend.closed_sessions, timeout=15,
             what="the stuck client to be dropped")
    stuck.close()


def test_connections_beyond_the_bound_are_refused_cleanly(start_server):
    server, _ = start_server(max_workers=2, queue_timeout=0.2)
    held = [raw_bolt(server), raw_bolt(server)]
    extra = raw_connect(server)
    extra.sendall(MAGIC + bytes.fromhex("00000805") + bytes(12))
    assert recv_until_closed(extra) == b""  # closed without a word
    extra.close()
    assert server.refused_connections == 1
    held[0].close()
    wait_for(lambda: server.open_connections == 1, what="a slot to free up")
    again = raw_bolt(server)  # a freed slot serves the next client
    login(again)
    for sock in [held[1], again]:
        sock.close()


def test_idle_connections_time_out(start_server):
    server, backend = start_server(idle_timeout=0.3)
    sock = raw_bolt(server)
    login(sock)
    assert recv_until_closed(sock) == b""
    sock.close()
    wait_for(lambda: backend.closed_sessions, what="the idle session to close")


class BlockingBackend(FakeBackend):
    """RUN "BLOCK" waits for `release` so a request can be caught in flight."""

    def __init__(self):
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def run(self, session, query, params, extra):
        if query == "BLOCK":
            self.entered.set()
            assert self.release.wait(10)
            return super().run(session, "RANGE 2", params, extra)
        return super().run(session, query, params, extra)


def test_stop_finishes_in_flight_requests_and_closes_idle_ones(start_server):
    backend = BlockingBackend()
    server, _ = start_server(backend=backend)
    idle = raw_bolt(server)
    login(idle)
    busy = raw_bolt(server)
    login(busy)
    busy.sendall(frame(m.Run("BLOCK", {}, {}), m.Pull(-1)))
    assert backend.entered.wait(5)
    stopper = threading.Thread(target=server.stop, args=(5.0,))
    stopper.start()
    assert recv_until_closed(idle) == b""  # the idle connection is closed at once
    backend.release.set()
    replies = read_replies(busy, 2)
    assert [type(r).__name__ for r in replies] == ["Success", "Record", "Record", "Success"]
    stopper.join(10)
    assert not stopper.is_alive()
    assert recv_until_closed(busy) == b""
    assert server.open_connections == 0
    for sock in (idle, busy):
        sock.close()
    refused = socket.socket()
    assert refused.connect_ex(server.address) != 0
    refused.close()


def test_counters(start_server):
    server, _ = start_server()
    sock = raw_bolt(server)
    login(sock)
    sock.sendall(frame(m.Run("FAIL Neo.ClientError.Statement.SyntaxError", {}, {})))
    read_replies(sock, 1)
    sock.sendall(frame(m.Reset()))
    read_replies(sock, 1)
    wait_for(lambda: server.messages == 4, what="message counter")
    assert server.failures == 1 and server.open_connections == 1 and server.total_connections == 1
    sock.close()


def test_a_peer_that_never_logs_in_is_closed(start_server):
    server, _ = start_server(login_timeout=0.3)
    half_handshake = raw_connect(server)
    half_handshake.sendall(MAGIC)  # ...and nothing more
    no_login = raw_bolt(server)
    assert recv_until_closed(half_handshake) == b""
    assert recv_until_closed(no_login) == b""
    for sock in (half_handshake, no_login):
        sock.close()
    wait_for(lambda: server.open_connections == 0, what="both slots to free")
