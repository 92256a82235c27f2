"""The Bolt handshake, sans-I/O: legacy four-slot negotiation and manifest v1.

The client opens with the magic `60 60 B0 17` and four 4-byte slots `[00, range, minor,
major]` in preference order. A slot `00 00 01 FF` asks for manifest v1: the server lists
every version it speaks (varint count, 4-byte offers, varint capabilities) and the client
answers with its pick (4 bytes + varint capabilities). Otherwise the server picks the first
slot it can serve and answers `00 00 minor major`; no common version -> `00 00 00 00`
and the connection closes.

>>> hs = ServerHandshake()
>>> hs.receive_data(MAGIC + bytes.fromhex("00020404 00000000 00000000 00000000"))
>>> hs.outgoing().hex(), hs.version
('00000404', (4, 4))
"""

from __future__ import annotations

MAGIC = b"\x60\x60\xb0\x17"
MANIFEST_V1 = b"\x00\x00\x01\xff"
NO_VERSION = b"\x00\x00\x00\x00"

# Highest first: the server picks the best version inside the client's first usable slot.
SUPPORTED_VERSIONS: tuple[tuple[int, int], ...] = tuple((5, m) for m in range(8, -1, -1)) + ((4, 4),)


class HandshakeError(Exception):
    """The peer did not speak the Bolt handshake (wrong magic, no common version)."""


def encode_varint(n: int) -> bytes:
    """Seven bits a byte, least significant group first; the high bit says more follows.

    >>> encode_varint(300).hex()
    'ac02'
    """
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def decode_varint(data: bytes | bytearray, pos: int = 0) -> tuple[int, int] | None:
    """(value, next position), or None when the varint is not complete yet."""
    value = shift = 0
    while pos < len(data):
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise HandshakeError("varint longer than 64 bits")
    return None


def versions_in_slot(slot: bytes) -> list[tuple[int, int]]:
    """The versions a legacy slot `[00, range, minor, major]` asks for, best first."""
    span, minor, major = slot[1], slot[2], slot[3]
    return [(major, m) for m in range(minor, max(minor - span, 0) - 1, -1)]


def offers_for(supported: tuple[tuple[int, int], ...]) -> list[bytes]:
    """Compress the supported versions into `[00, range, minor, major]` offers."""
    offers = []
    by_major: dict[int, list[int]] = {}
    for major, minor in supported:
        by_major.setdefault(major, []).append(minor)
    for major in sorted(by_major, reverse=True):
        minors = sorted(by_major[major], reverse=True)
        top = prev = minors[0]
        for m in minors[1:] + [None]:
            if m is not None and m == prev - 1:
                prev = m
                continue
            offers.append(bytes((0, top - prev, top, major)))
            if m is not None:
                top = prev = m
    return offers


class ServerHandshake:
    """Feeds on client bytes; `version` is set when agreed, `failed` when not.

    Bytes that arrive after the handshake (a pipelined HELLO) are kept in `leftover`.
    """

    def __init__(self, supported: tuple[tuple[int, int], ...] = SUPPORTED_VERSIONS):
        self.supported = supported
        self.version: tuple[int, int] | None = None
        self.failed = False
        self.failure_reason = ""
        self.leftover = b""
        self._buffer = bytearray()
        self._out = bytearray()
        self._awaiting_choice = False

    @property
    def done(self) -> bool:
        return self.version is not None or self.failed

    def outgoing(self) -> bytes:
        out = bytes(self._out)
        self._out.clear()
        return out

    def receive_data(self, data: bytes) -> None:
        if self.done:
            self.leftover += data
            return
        self._buffer += data
        if self._awaiting_choice:
            self._read_choice()
        elif len(self._buffer) >= 20:
            self._read_request()

    def _fail(self, reason: str, reply: bool = True) -> None:
        self.failed = True
        self.failure_reason = reason
        if reply:
            self._out += NO_VERSION

    def _read_request(self) -> None:
        request, rest = bytes(self._buffer[:20]), self._buffer[20:]
        self._buffer = bytearray(rest)
        if request[:4] != MAGIC:
            # Not a Bolt client at all: say nothing that could be mistaken for a protocol.
            self._fail(f"wrong magic {request[:4].hex()}", reply=False)
            return
        slots = [request[i : i + 4] for i in range(4, 20, 4)]
        for slot in slots:
            if slot == MANIFEST_V1:
                self._offer_manifest()
                return
            for version in versions_in_slot(slot):
                if version in self.supported:
                    self._agree(version, bytes((0, 0, version[1], version[0])))
                    return
        self._fail("no common Bolt version in " + " ".join(s.hex() for s in slots))

    def _offer_manifest(self) -> None:
        offers = offers_for(self.supported)
        self._out += MANIFEST_V1 + encode_varint(len(offers)) + b"".join(offers)
        self._out += encode_varint(0)  # capabilities: none
        self._awaiting_choice = True
        if self._buffer:
            self._read_choice()

    def _read_choice(self) -> None:
        if len(self._buffer) < 5:
            return
        decoded = decode_varint(self._buffer, 4)
        if decoded is None:
            return
        _capabilities, end = decoded
        choice = bytes(self._buffer[:4])
        self._buffer = self._buffer[end:]
        version = (choice[3], choice[2])
        if choice == NO_VERSION:
            self._fail("client found no common version in the manifest", reply=False)
        elif choice[0] != 0 or choice[1] != 0 or version not in self.supported:
            self._fail(f"client chose an unoffered version {choice.hex()}", reply=False)
        else:
            self._agree(version, b"")

    def _agree(self, version: tuple[int, int], reply: bytes) -> None:
        self.version = version
        self._out += reply
        self.leftover = bytes(self._buffer)
        self._buffer.clear()


def client_request(versions: tuple[tuple[int, int], ...] = SUPPORTED_VERSIONS) -> bytes:
    """A legacy handshake request offering `versions` (up to four ranges)."""
    slots = offers_for(versions)[:4]
    return MAGIC + b"".join(slots) + NO_VERSION * (4 - len(slots))


def parse_client_reply(reply: bytes) -> tuple[int, int]:
    """The server's legacy 4-byte answer -> (major, minor); raises if none agreed."""
    if len(reply) != 4 or reply == NO_VERSION:
        raise HandshakeError(f"server agreed no Bolt version (reply {reply.hex()})")
    return reply[3], reply[2]
