"""Bolt message framing: u16 big-endian chunk sizes, `00 00` ends a message.

A bare `00 00` between messages is a keep-alive (NOOP) and is skipped. The dechunker
enforces a maximum message size so a peer cannot make the server buffer without bound.

>>> chunk_message(b"abc").hex()
'00036162630000'
>>> d = Dechunker(); d.feed(bytes.fromhex("0000 0002 6162 0001 63 0000")); d.messages()
[b'abc']
"""

from __future__ import annotations

MAX_CHUNK = 0xFFFF
END = b"\x00\x00"


class MessageTooLarge(Exception):
    def __init__(self, size: int, limit: int):
        super().__init__(f"message of at least {size} bytes exceeds the limit of {limit} bytes")
        self.size = size
        self.limit = limit


def chunk_message(message: bytes | bytearray, out: bytearray | None = None) -> bytearray:
    """Append the framed message to `out` (a new bytearray if None) and return it."""
    if out is None:
        out = bytearray()
    n = len(message)
    if n <= MAX_CHUNK:
        out += n.to_bytes(2, "big")
        out += message
    else:
        view = memoryview(message)
        for start in range(0, n, MAX_CHUNK):
            piece = view[start : start + MAX_CHUNK]
            out += len(piece).to_bytes(2, "big")
            out += piece
    out += END
    return out


class Dechunker:
    """Collects chunk payloads into whole messages.

    `feed(data)` buffers; `messages()` returns the complete messages so far. A message
    larger than `max_message_size` raises MessageTooLarge (the stream cannot be trusted
    after that: the caller answers FAILURE and closes).
    """

    def __init__(self, max_message_size: int = 64 * 1024 * 1024):
        self.max_message_size = max_message_size
        self._buffer = bytearray()
        self._pos = 0
        self._current = bytearray()
        self._ready: list[bytes] = []

    def feed(self, data: bytes) -> None:
        self._buffer += data
        buf = self._buffer
        pos = self._pos
        end = len(buf)
        while end - pos >= 2:
            size = (buf[pos] << 8) | buf[pos + 1]
            if size == 0:
                pos += 2
                if self._current:
                    self._ready.append(bytes(self._current))
                    self._current.clear()
                continue  # an empty message is a keep-alive
            if end - pos - 2 < size:
                if len(self._current) + size > self.max_message_size:
                    raise MessageTooLarge(len(self._current) + size, self.max_message_size)
                break
            if len(self._current) + size > self.max_message_size:
                raise MessageTooLarge(len(self._current) + size, self.max_message_size)
            self._current += buf[pos + 2 : pos + 2 + size]
            pos += 2 + size
        # Compact once per feed, not per chunk: keeps feeding linear in the input size.
        del buf[:pos]
        self._pos = 0

    def messages(self) -> list[bytes]:
        ready = self._ready
        self._ready = []
        return ready
