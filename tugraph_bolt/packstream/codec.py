"""PackStream v1 packer and unpacker (see ../../../shared/docs/BOLT.md, "PackStream v1").

Speed matters here: every record goes through `Packer.pack_value`. The type tests are
inlined as an if-chain on `type(value)` ordered by how often each type shows up in results
(strings and ints first); a dict-of-methods dispatch was measured slower because it adds a
bound-method call per value. Subclasses of the plain types (IntEnum, str subclasses) fall
through to a slower isinstance path.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

_HDR_U16 = struct.Struct(">BH").pack
_HDR_U32 = struct.Struct(">BI").pack
_INT16 = struct.Struct(">Bh").pack
_INT32 = struct.Struct(">Bi").pack
_INT64 = struct.Struct(">Bq").pack
_FLOAT = struct.Struct(">Bd").pack

_U16 = struct.Struct(">H").unpack_from
_U32 = struct.Struct(">I").unpack_from
_I8 = struct.Struct(">b").unpack_from
_I16 = struct.Struct(">h").unpack_from
_I32 = struct.Struct(">i").unpack_from
_I64 = struct.Struct(">q").unpack_from
_F64 = struct.Struct(">d").unpack_from


class PackStreamError(ValueError):
    """A value that cannot be packed, or bytes that are not valid PackStream."""


@dataclass(slots=True)
class Structure:
    """A PackStream structure: a one-byte tag and up to 15 fields."""

    tag: int
    fields: list


_KEY_CACHE: dict[str, bytes] = {}
_KEY_CACHE_LIMIT = 4096


def _encode_key(key: Any) -> bytes:
    """The PackStream bytes of a map key (a string), remembered while the cache has room."""
    if type(key) is not str:
        if not isinstance(key, str):
            raise PackStreamError(f"map keys must be strings, not {type(key).__name__}")
        key = str(key)
    packer = Packer()
    packer.pack_value(key)
    encoded = bytes(packer.buf)
    if len(encoded) <= 64 and len(_KEY_CACHE) < _KEY_CACHE_LIMIT:
        _KEY_CACHE[key] = encoded  # a race between threads only computes it twice
    return encoded


class Packer:
    """Appends PackStream encodings to a bytearray (`buf`).

    `dehydrate(value) -> Structure` is called for values of any other type; it should raise
    `PackStreamError` (or return None, which raises here) for values it does not know.

    >>> p = Packer(); p.pack_value({"a": 128}); bytes(p.buf).hex()
    'a18161c90080'
    """

    __slots__ = ("buf", "dehydrate")

    def __init__(
        self,
        dehydrate: Callable[[Any], Structure | None] | None = None,
        buf: bytearray | None = None,
    ):
        self.buf = bytearray() if buf is None else buf
        self.dehydrate = dehydrate

    def pack_value(self, value: Any) -> None:
        buf = self.buf
        t = type(value)
        if t is str:
            try:
                data = value.encode()
            except UnicodeEncodeError as e:  # lone surrogates cannot travel as UTF-8
                raise PackStreamError(f"string is not valid Unicode: {e.reason}") from None
            n = len(data)
            if n < 0x10:
                buf.append(0x80 | n)
            elif n < 0x100:
                buf.append(0xD0)
                buf.append(n)
            elif n < 0x10000:
                buf += _HDR_U16(0xD1, n)
            elif n < 0x80000000:
                buf += _HDR_U32(0xD2, n)
            else:
                raise PackStreamError("string too long for PackStream")
            buf += data
        elif t is int:
            if -0x10 <= value < 0x80:
                buf.append(value & 0xFF)
            elif -0x80 <= value < 0x80:
                buf.append(0xC8)
                buf.append(value & 0xFF)
            elif -0x8000 <= value < 0x8000:
                buf += _INT16(0xC9, value)
            elif -0x80000000 <= value < 0x80000000:
                buf += _INT32(0xCA, value)
            elif INT64_MIN <= value <= INT64_MAX:
                buf += _INT64(0xCB, value)
            else:
                raise PackStreamError(f"integer {value} is outside the signed 64-bit range")
        elif value is None:
            buf.append(0xC0)
        elif t is dict:
            n = len(value)
            if n < 0x10:
                buf.append(0xA0 | n)
            else:
                self._size_header(n, 0xD8, "map")
            pack_value = self.pack_value
            keys = _KEY_CACHE
            for key, item in value.items():
                # Map keys repeat (property names, metadata keys): reuse their encoding.
                encoded = keys.get(key)
                if encoded is None:
                    encoded = _encode_key(key)
                buf += encoded
                if type(item) is int and -0x10 <= item < 0x80:
                    buf.append(item & 0xFF)
                else:
                    pack_value(item)
        elif t is list or t is tuple:
            n = len(value)
            if n < 0x10:
                buf.append(0x90 | n)
            else:
                self._size_header(n, 0xD4, "list")
            pack_value = self.pack_value
            for item in value:
                if type(item) is int and -0x10 <= item < 0x80:
                    buf.append(item & 0xFF)
                else:
                    pack_value(item)
        elif t is float:
            buf += _FLOAT(0xC1, value)
        elif t is bool:
            buf.append(0xC3 if value else 0xC2)
        elif t is Structure:
            self._pack_structure(value)
        elif t is bytes or t is bytearray or t is memoryview:
            n = len(value)
            if n < 0x100:
                buf.append(0xCC)
                buf.append(n)
            elif n < 0x10000:
                buf += _HDR_U16(0xCD, n)
            elif n < 0x80000000:
                buf += _HDR_U32(0xCE, n)
            else:
                raise PackStreamError("byte array too long for PackStream")
            buf += value
        else:
            self._pack_other(value)

    def _size_header(self, n: int, marker8: int, what: str) -> None:
        if n < 0x100:
            self.buf.append(marker8)
            self.buf.append(n)
        elif n < 0x10000:
            self.buf += _HDR_U16(marker8 + 1, n)
        elif n < 0x80000000:
            self.buf += _HDR_U32(marker8 + 2, n)
        else:
            raise PackStreamError(f"{what} too long for PackStream")

    def _pack_structure(self, value: Structure) -> None:
        fields = value.fields
        if len(fields) > 15:
            # struct8/struct16 (DC/DD) are gone from PackStream as drivers read it.
            raise PackStreamError(f"structure 0x{value.tag:02X} has {len(fields)} fields (max 15)")
        if not 0 <= value.tag <= 0xFF:
            raise PackStreamError(f"structure tag {value.tag} is not a byte")
        self.buf.append(0xB0 | len(fields))
        self.buf.append(value.tag)
        for item in fields:
            self.pack_value(item)

    def _pack_other(self, value: Any) -> None:
        # Subclasses of the plain types first (bool before int: bool is an int).
        if isinstance(value, bool):
            self.pack_value(bool(value))
        elif isinstance(value, int):
            self.pack_value(int(value))
        elif isinstance(value, float):
            self.pack_value(float(value))
        elif isinstance(value, str):
            self.pack_value(str(value))
        elif isinstance(value, dict):
            self.pack_value(dict(value))
        elif isinstance(value, (list, tuple)):
            self.pack_value(list(value))
        elif isinstance(value, Structure):
            self._pack_structure(value)
        else:
            structure = self.dehydrate(value) if self.dehydrate is not None else None
            if structure is None:
                raise PackStreamError(f"cannot pack a value of type {type(value).__name__}")
            self._pack_structure(structure)


class Unpacker:
    """Reads PackStream values from `data` starting at `pos`.

    `hydrate(tag, fields) -> value` turns each structure into a value (default: Structure).
    Truncated or malformed input raises PackStreamError.
    """

    __slots__ = ("data", "pos", "hydrate")

    def __init__(
        self,
        data: bytes | bytearray | memoryview,
        pos: int = 0,
        hydrate: Callable[[int, list], Any] | None = None,
    ):
        self.data = bytes(data) if type(data) is memoryview else data
        self.pos = pos
        self.hydrate = hydrate

    def unpack_value(self) -> Any:
        data = self.data
        pos = self.pos
        try:
            marker = data[pos]
        except IndexError:
            raise PackStreamError("truncated PackStream data") from None
        pos += 1
        if marker < 0x80:
            self.pos = pos
            return marker
        if marker >= 0xF0:
            self.pos = pos
            return marker - 0x100
        high = marker & 0xF0
        if high == 0x80:
            return self._string(pos, marker & 0x0F)
        if high == 0x90:
            self.pos = pos
            return self._list(marker & 0x0F)
        if high == 0xA0:
            self.pos = pos
            return self._map(marker & 0x0F)
        if high == 0xB0:
            return self._structure(pos, marker & 0x0F)
        if marker == 0xC0:
            self.pos = pos
            return None
        if marker == 0xC1:
            self._need(pos, 8)
            self.pos = pos + 8
            return _F64(data, pos)[0]
        if marker == 0xC2:
            self.pos = pos
            return False
        if marker == 0xC3:
            self.pos = pos
            return True
        if 0xC8 <= marker <= 0xCB:
            size = (1, 2, 4, 8)[marker - 0xC8]
            self._need(pos, size)
            self.pos = pos + size
            return (_I8, _I16, _I32, _I64)[marker - 0xC8](data, pos)[0]
        if 0xCC <= marker <= 0xCE:
            n, pos = self._size(pos, marker - 0xCC)
            self._need(pos, n)
            self.pos = pos + n
            return bytes(data[pos : pos + n])
        if 0xD0 <= marker <= 0xD2:
            n, pos = self._size(pos, marker - 0xD0)
            return self._string(pos, n)
        if 0xD4 <= marker <= 0xD6:
            n, self.pos = self._size(pos, marker - 0xD4)
            return self._list(n)
        if 0xD8 <= marker <= 0xDA:
            n, self.pos = self._size(pos, marker - 0xD8)
            return self._map(n)
        if marker == 0xDC or marker == 0xDD:
            # Old struct8/struct16: accepted on input for tolerance, never produced.
            n, pos = self._size(pos, marker - 0xDC)
            return self._structure(pos, n)
        raise PackStreamError(f"unknown PackStream marker 0x{marker:02X}")

    def _need(self, pos: int, n: int) -> None:
        if pos + n > len(self.data):
            raise PackStreamError("truncated PackStream data")

    def _size(self, pos: int, width_code: int) -> tuple[int, int]:
        data = self.data
        if width_code == 0:
            self._need(pos, 1)
            return data[pos], pos + 1
        if width_code == 1:
            self._need(pos, 2)
            return _U16(data, pos)[0], pos + 2
        self._need(pos, 4)
        n = _U32(data, pos)[0]
        if n >= 0x80000000:
            raise PackStreamError("PackStream size exceeds the signed 32-bit range")
        return n, pos + 4

    def _string(self, pos: int, n: int) -> str:
        end = pos + n
        if end > len(self.data):
            raise PackStreamError("truncated PackStream data")
        self.pos = end
        try:
            return self.data[pos:end].decode()
        except UnicodeDecodeError as e:
            raise PackStreamError(f"invalid UTF-8 in string: {e.reason}") from None

    def _list(self, n: int) -> list:
        unpack_value = self.unpack_value
        return [unpack_value() for _ in range(n)]

    def _map(self, n: int) -> dict:
        unpack_value = self.unpack_value
        data = self.data
        size = len(data)
        result = {}
        for _ in range(n):
            pos = self.pos
            marker = data[pos] if pos < size else 0
            if 0x80 <= marker <= 0x8F:
                # Keys are nearly always tiny strings: decode them without a call per key.
                end = pos + 1 + (marker & 0x0F)
                if end > size:
                    raise PackStreamError("truncated PackStream data")
                try:
                    key = data[pos + 1 : end].decode()
                except UnicodeDecodeError as e:
                    raise PackStreamError(f"invalid UTF-8 in string: {e.reason}") from None
                self.pos = end
            else:
                key = unpack_value()
                if type(key) is not str:
                    raise PackStreamError(f"map keys must be strings, not {type(key).__name__}")
            result[key] = unpack_value()
        return result

    def _structure(self, pos: int, n: int) -> Any:
        self._need(pos, 1)
        tag = self.data[pos]
        self.pos = pos + 1
        unpack_value = self.unpack_value
        fields = [unpack_value() for _ in range(n)]
        if self.hydrate is None:
            return Structure(tag, fields)
        return self.hydrate(tag, fields)


def pack(value: Any, dehydrate: Callable[[Any], Structure | None] | None = None) -> bytes:
    """Encode one value."""
    packer = Packer(dehydrate)
    packer.pack_value(value)
    return bytes(packer.buf)


def unpack(data: bytes, hydrate: Callable[[int, list], Any] | None = None) -> Any:
    """Decode exactly one value; trailing bytes are an error."""
    unpacker = Unpacker(data, hydrate=hydrate)
    value = unpacker.unpack_value()
    if unpacker.pos != len(data):
        raise PackStreamError(f"{len(data) - unpacker.pos} trailing bytes after the value")
    return value
