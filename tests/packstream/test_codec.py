"""Byte-exact PackStream tests: every marker and every size boundary."""

import math
import struct

import pytest

from tugraph_bolt.packstream import Packer, PackStreamError, Structure, pack, unpack


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


EXACT = [
    (None, "C0"),
    (False, "C2"),
    (True, "C3"),
    (0, "00"),
    (1, "01"),
    (127, "7F"),
    (128, "C9 0080"),  # int8 is signed: 128 needs INT_16
    (-1, "FF"),
    (-16, "F0"),
    (-17, "C8 EF"),
    (-128, "C8 80"),
    (-129, "C9 FF7F"),
    (32767, "C9 7FFF"),
    (32768, "CA 00008000"),
    (-32768, "C9 8000"),
    (-32769, "CA FFFF7FFF"),
    (2**31 - 1, "CA 7FFFFFFF"),
    (2**31, "CB 0000000080000000"),
    (-(2**31), "CA 80000000"),
    (-(2**31) - 1, "CB FFFFFFFF7FFFFFFF"),
    (2**63 - 1, "CB 7FFFFFFFFFFFFFFF"),
    (-(2**63), "CB 8000000000000000"),
    (1.0, "C1 3FF0000000000000"),
    (-0.0, "C1 8000000000000000"),
    (b"", "CC 00"),
    (b"\x01\x02", "CC 02 0102"),
    ("", "80"),
    ("A", "81 41"),
    ("é", "82 C3A9"),
    ([], "90"),
    ([1, 2], "92 0102"),
    ({}, "A0"),
    ({"a": 1}, "A1 8161 01"),
    (Structure(0x44, [10]), "B1 44 0A"),
    (Structure(0x70, []), "B0 70"),
    (Structure(0x01, [{"a": None}]), "B1 01 A1 8161 C0"),
]


@pytest.mark.parametrize("value,encoded", EXACT, ids=[repr(v)[:30] for v, _ in EXACT])
def test_exact_encoding_and_back(value, encoded):
    assert pack(value) == h(encoded)
    assert unpack(h(encoded)) == value


def test_nan_round_trips():
    assert pack(math.nan)[:1] == b"\xc1"
    assert math.isnan(unpack(pack(math.nan)))


@pytest.mark.parametrize("bad", [2**63, -(2**63) - 1, 2**100])
def test_integer_out_of_range_is_a_clear_error(bad):
    with pytest.raises(PackStreamError, match="64-bit"):
        pack(bad)


@pytest.mark.parametrize(
    "size,header",
    [
        (15, "8F"),
        (16, "D0 10"),
        (255, "D0 FF"),
        (256, "D1 0100"),
        (65535, "D1 FFFF"),
        (65536, "D2 00010000"),
    ],
)
def test_string_size_boundaries(size, header):
    text = "x" * size
    assert pack(text) == h(header) + text.encode()
    assert unpack(pack(text)) == text


def test_string_size_counts_utf8_bytes_not_characters():
    text = "é" * 8  # 8 characters, 16 bytes
    assert pack(text)[:2] == h("D0 10")


@pytest.mark.parametrize(
    "size,header",
    [(255, "CC FF"), (256, "CD 0100"), (65535, "CD FFFF"), (65536, "CE 00010000")],
)
def test_bytes_size_boundaries(size, header):
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    assert pack(data) == h(header) + data
    assert unpack(pack(data)) == data


@pytest.mark.parametrize(
    "size,header",
    [(15, "9F"), (16, "D4 10"), (255, "D4 FF"), (256, "D5 0100"), (65536, "D6 00010000")],
)
def test_list_size_boundaries(size, header):
    items = [1] * size
    assert pack(items) == h(header) + b"\x01" * size
    assert unpack(pack(items)) == items


@pytest.mark.parametrize(
    "size,header",
    [(15, "AF"), (16, "D8 10"), (255, "D8 FF"), (256, "D9 0100"), (65536, "DA 00010000")],
)
def test_map_size_boundaries(size, header):
    mapping = {f"k{i}": i % 100 for i in range(size)}
    encoded = pack(mapping)
    assert encoded.startswith(h(header))
    assert unpack(encoded) == mapping


def test_tuple_packs_as_list():
    assert pack((1, 2)) == pack([1, 2])


def test_structure_sizes():
    assert pack(Structure(0x4E, list(range(15))))[:2] == h("BF 4E")
    with pytest.raises(PackStreamError, match="max 15"):
        pack(Structure(0x4E, list(range(16))))


def test_never_emits_struct8_or_struct16():
    for n in range(16):
        assert pack(Structure(0x41, [0] * n))[0] == 0xB0 + n


def test_old_struct8_is_still_read():
    assert unpack(h("DC 01 44 0A")) == Structure(0x44, [10])


def test_integer_widths_decode_signed():
    assert unpack(h("C8 FF")) == -1
    assert unpack(h("C9 0001")) == 1  # a non-minimal encoding is still accepted
    assert unpack(h("CB") + struct.pack(">q", -5)) == -5


def test_non_string_map_key_is_rejected_both_ways():
    with pytest.raises(PackStreamError, match="keys"):
        pack({1: 2})
    with pytest.raises(PackStreamError, match="keys"):
        unpack(h("A1 01 01"))


@pytest.mark.parametrize(
    "data", ["", "81", "D0 05 6162", "C1 00", "CB 0000", "92 01", "A1 8161", "B1", "E0", "CD 01"]
)
def test_truncated_or_unknown_input_raises(data):
    with pytest.raises(PackStreamError):
        unpack(h(data))


def test_trailing_bytes_raise():
    with pytest.raises(PackStreamError, match="trailing"):
        unpack(h("01 02"))


def test_invalid_utf8_raises():
    with pytest.raises(PackStreamError, match="UTF-8"):
        unpack(h("81 FF"))


def test_unknown_type_without_hook_raises():
    with pytest.raises(PackStreamError, match="object"):
        pack(object())


def test_hooks_convert_structures():
    class Thing:
        pass

    encoded = pack([Thing()], dehydrate=lambda v: Structure(0x54, ["thing"]))
    assert encoded == h("91 B1 54 85 7468696E67")
    assert unpack(encoded, hydrate=lambda tag, fields: (chr(tag), fields)) == [("T", ["thing"])]


def test_subclasses_of_plain_types_pack_as_the_plain_type():
    import enum

    class Color(enum.IntEnum):
        RED = 200

    class Name(str):
        pass

    assert pack(Color.RED) == pack(200)
    assert pack(Name("x")) == pack("x")
    assert pack(True) == h("C3")


def test_packer_appends_to_a_given_buffer():
    buf = bytearray(b"\xff")
    packer = Packer(buf=buf)
    packer.pack_value(1)
    packer.pack_value("a")
    assert buf == h("FF 01 8161")


def test_agrees_with_the_official_driver_codec():
    from neo4j._codec.packstream.v1 import PackableBuffer
    from neo4j._codec.packstream.v1 import Packer as DriverPacker

    values = [None, True, -17, 128, 2**40, 1.5, "héllo" * 10, [1, [2]], {"k": {"n": b"\x00"}}]
    for value in values:
        buffer = PackableBuffer()
        DriverPacker(buffer).pack(value)
        assert pack(value) == bytes(buffer.data), value


def test_lone_surrogate_is_a_packstream_error():
    with pytest.raises(PackStreamError, match="Unicode"):
        pack("\ud800")
