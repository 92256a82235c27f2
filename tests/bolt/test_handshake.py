"""Handshake: legacy slots, manifest v1 with varints, no common version, garbage."""

import pytest

from tugraph_bolt.bolt.handshake import (
    MAGIC,
    HandshakeError,
    ServerHandshake,
    client_request,
    decode_varint,
    encode_varint,
    offers_for,
    parse_client_reply,
    versions_in_slot,
)


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


DRIVER_6_4 = MAGIC + h("000001FF 00080805 00020404 00000003")


def handshake(*pieces: bytes) -> ServerHandshake:
    hs = ServerHandshake()
    for piece in pieces:
        hs.receive_data(piece)
    return hs


@pytest.mark.parametrize(
    "slots,reply,version",
    [
        ("00000805 00000000 00000000 00000000", "00000805", (5, 8)),
        ("00080805 00020404 00000000 00000000", "00000805", (5, 8)),
        ("00000305 00000000 00000000 00000000", "00000305", (5, 3)),
        ("00000404 00000000 00000000 00000000", "00000404", (4, 4)),
        ("00020404 00000305 00000000 00000000", "00000404", (4, 4)),  # client's order wins
        ("00000006 00030805 00000000 00000000", "00000805", (5, 8)),  # 6.0 unknown: next slot
        ("00040C05 00000000 00000000 00000000", "00000805", (5, 8)),  # 5.12..5.8 -> 5.8
        ("00000304 00000404 00000000 00000000", "00000404", (4, 4)),  # 4.3 unsupported
    ],
)
def test_legacy_negotiation(slots, reply, version):
    hs = handshake(MAGIC + h(slots))
    assert hs.outgoing() == h(reply)
    assert hs.version == version and not hs.failed


@pytest.mark.parametrize(
    "slots",
    ["00000003 00000000 00000000 00000000", "00000304 00000204 00000104 00000006",
     "00000000 00000000 00000000 00000000"],
)
def test_no_common_version_replies_zero_and_fails(slots):
    hs = handshake(MAGIC + h(slots))
    assert hs.outgoing() == h("00000000")
    assert hs.failed and hs.version is None


def test_wrong_magic_fails_without_a_reply():
    hs = handshake(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert hs.failed
    assert hs.outgoing() == b""


def test_request_split_in_single_bytes():
    hs = ServerHandshake()
    request = MAGIC + h("00000404 00000000 00000000 00000000")
    for i in range(len(request) - 1):
        hs.receive_data(request[i : i + 1])
        assert not hs.done
    hs.receive_data(request[-1:])
    assert hs.version == (4, 4)


def test_pipelined_bytes_after_the_handshake_are_kept():
    hs = handshake(MAGIC + h("00000805 00000000 00000000 00000000") + b"\x00\x03abc")
    assert hs.version == (5, 8)
    assert hs.leftover == b"\x00\x03abc"


def test_manifest_v1_offers_every_version_then_takes_the_choice():
    hs = handshake(DRIVER_6_4)
    assert hs.outgoing() == h("000001FF 02 00080805 00000404 00")
    assert not hs.done
    hs.receive_data(h("00000605 00"))
    assert hs.version == (5, 6)
    assert hs.outgoing() == b""


def test_manifest_choice_with_multibyte_capabilities_varint_and_pipelined_hello():
    hs = handshake(DRIVER_6_4, h("00000805"), h("81"), h("01") + b"\x00\x02\xb0\x02")
    assert hs.version == (5, 8)
    assert hs.leftover == b"\x00\x02\xb0\x02"


def test_manifest_choice_of_an_unoffered_version_fails():
    hs = handshake(DRIVER_6_4, h("00000306 00"))
    assert hs.failed and hs.version is None


def test_manifest_client_choosing_nothing_fails():
    hs = handshake(DRIVER_6_4, h("00000000 00"))
    assert hs.failed


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 16383, 16384, 2**35])
def test_varint_round_trip(value):
    encoded = encode_varint(value)
    assert decode_varint(encoded) == (value, len(encoded))
    assert all(b & 0x80 for b in encoded[:-1]) and not encoded[-1] & 0x80


def test_varint_known_bytes_and_incomplete():
    assert encode_varint(1) == h("01")
    assert encode_varint(128) == h("8001")
    assert decode_varint(h("80")) is None


def test_slot_and_offer_helpers():
    assert versions_in_slot(h("00020404")) == [(4, 4), (4, 3), (4, 2)]
    assert offers_for(((5, 8), (5, 7), (5, 5), (4, 4))) == [h("00010805"), h("00000505"), h("00000404")]


def test_client_side_helpers():
    assert client_request() == MAGIC + h("00080805 00000404 00000000 00000000")
    assert parse_client_reply(h("00000805")) == (5, 8)
    with pytest.raises(HandshakeError):
        parse_client_reply(h("00000000"))
