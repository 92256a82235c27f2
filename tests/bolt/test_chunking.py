"""Framing: chunk sizes, message ends, keep-alives, size limits."""

import pytest

from tugraph_bolt.bolt.chunking import Dechunker, MessageTooLarge, chunk_message


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def test_small_message_is_one_chunk():
    assert chunk_message(b"\xb0\x0f") == h("0002 B00F 0000")


@pytest.mark.parametrize("size,chunks", [(65535, [65535]), (65536, [65535, 1]),
                                         (140000, [65535, 65535, 8930])])
def test_large_messages_split_at_65535(size, chunks):
    payload = bytes(i % 251 for i in range(size))
    framed = chunk_message(payload)
    pos, seen = 0, []
    while True:
        n = int.from_bytes(framed[pos : pos + 2], "big")
        pos += 2
        if n == 0:
            break
        seen.append(n)
        pos += n
    assert seen == chunks and pos == len(framed)
    d = Dechunker()
    d.feed(bytes(framed))
    assert d.messages() == [payload]


def test_message_split_over_chunks_and_reads():
    d = Dechunker()
    stream = h("0002 6162 0001 63 0000 0001 64 0000")
    for i in range(len(stream)):
        d.feed(stream[i : i + 1])
    assert d.messages() == [b"abc", b"d"]


def test_bare_end_markers_are_keep_alives():
    d = Dechunker()
    d.feed(h("0000 0000 0001 61 0000 0000"))
    assert d.messages() == [b"a"]
    assert d.messages() == []


def test_incomplete_message_waits():
    d = Dechunker()
    d.feed(h("0003 6162"))
    assert d.messages() == []
    d.feed(h("63"))
    assert d.messages() == []
    d.feed(h("0000"))
    assert d.messages() == [b"abc"]


def test_message_over_the_limit_is_refused_early():
    d = Dechunker(max_message_size=100)
    d.feed(h("0040") + bytes(64))
    with pytest.raises(MessageTooLarge, match="limit of 100"):
        d.feed(h("0040"))  # the announced chunk would pass the limit: no need to buffer it


def test_message_at_the_limit_is_accepted():
    d = Dechunker(max_message_size=100)
    d.feed(h("0064") + bytes(100) + h("0000"))
    assert d.messages() == [bytes(100)]
