import socket
import time

import pytest

from tests.bolt.fake_backend import FakeBackend
from tugraph_bolt.bolt.handshake import MAGIC
from tugraph_bolt.server.bolt_server import BoltServer


@pytest.fixture
def start_server():
    """start_server(**options) -> (server, backend); every server is stopped afterwards."""
    started = []

    def start(backend=None, **options):
        backend = backend or FakeBackend()
        server = BoltServer("127.0.0.1", 0, backend, **options)
        server.start()
        host, port = server.address
        backend.address = f"{host}:{port}"
        started.append(server)
        return server, backend

    yield start
    for server in started:
        server.stop(grace=2.0)


def wait_for(condition, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def raw_connect(server, timeout=5.0) -> socket.socket:
    return socket.create_connection(server.address, timeout=timeout)


def raw_bolt(server, version=(5, 8)) -> socket.socket:
    """A raw socket past the handshake at `version`."""
    sock = raw_connect(server)
    sock.sendall(MAGIC + bytes((0, 0, version[1], version[0])) + bytes(12))
    assert recv_exactly(sock, 4) == bytes((0, 0, version[1], version[0]))
    return sock


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        piece = sock.recv(n - len(data))
        if not piece:
            break
        data += piece
    return data


def recv_until_closed(sock, limit=10_000_000) -> bytes:
    data = b""
    while len(data) < limit:
        try:
            piece = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not piece:
            break
        data += piece
    return data
