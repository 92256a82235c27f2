"""A socket-free test peer: encode requests, feed a BoltConnection, decode its replies."""

from __future__ import annotations

from tugraph_bolt.bolt import messages as m
from tugraph_bolt.bolt.chunking import Dechunker, chunk_message
from tugraph_bolt.bolt.connection import BoltConnection
from tugraph_bolt.bolt.handshake import MAGIC
from tugraph_bolt.bolt.hydration import ValueCodec
from tugraph_bolt.packstream import Packer

from .fake_backend import FakeBackend

AUTH = {"scheme": "basic", "principal": "neo4j", "credentials": "password"}


def frame(*requests: m.Request, version=(5, 8)) -> bytes:
    packer = Packer(dehydrate=ValueCodec(version).dehydrate)
    out = bytearray()
    for request in requests:
        chunk_message(m.encode_request(request, packer), out)
    return bytes(out)


def drain(conn: BoltConnection) -> bytes:
    out = bytearray()
    while batch := conn.outgoing():
        out += batch
    return bytes(out)


class Wire:
    def __init__(self, backend=None, version=(5, 8), **options):
        self.backend = backend or FakeBackend()
        self.version = version
        self.conn = BoltConnection(self.backend, "bolt-test", **options)
        slot = bytes((0, 0, version[1], version[0]))
        self.conn.receive_data(MAGIC + slot + bytes(12))
        assert drain(self.conn) == slot
        self.codec = ValueCodec(version, utc_patch=False)

    @property
    def state(self):
        return self.conn.state

    def send_bytes(self, data: bytes) -> list:
        self.conn.receive_data(data)
        dechunker = Dechunker()
        dechunker.feed(drain(self.conn))
        return [m.decode_response(raw, self.codec.hydrate) for raw in dechunker.messages()]

    def send(self, *requests: m.Request) -> list:
        return self.send_bytes(frame(*requests, version=self.version))

    def login(self) -> list:
        if self.version >= (5, 1):
            return self.send(m.Hello({"user_agent": "test/1"}), m.Logon(AUTH))
        return self.send(m.Hello({"user_agent": "test/1", **AUTH}))


def kinds(replies: list) -> list[str]:
    return [type(r).__name__.upper() for r in replies]
