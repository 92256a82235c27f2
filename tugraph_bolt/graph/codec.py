"""The command codec: msgpack with ext types for the value classes. Never pickle.

A command is one msgpack array, the envelope:

    [COMMAND_VERSION, kind, request_id, payload]

`kind` is one of COMMAND_KINDS; the payload's shape belongs to the kind (see apply.py).
Values inside payloads are plain msgpack (None, bool, int, float, str, bytes, list, map)
plus the ext types below for `values.Date` ... `values.Point`, so every property value a
transaction can store round-trips exactly.

>>> from tugraph_bolt.values import Date
>>> unpack_value(pack_value([Date(3), b"x", 1.5]))
[Date(days=3), b'x', 1.5]
"""

from __future__ import annotations

import msgpack

from tugraph_bolt import values as v

COMMAND_VERSION = 1
COMMAND_KINDS = ("tx", "reserve_ids", "noop", "set_cluster")


class CommandDecodeError(Exception):
    """The bytes are not a command this code understands. Fatal for a replica."""


# ext type code -> (class, field names). Codes are part of the on-log format: never reuse.
_EXT_TYPES: dict[int, tuple[type, tuple[str, ...]]] = {
    1: (v.Date, ("days",)),
    2: (v.LocalTime, ("nanos",)),
    3: (v.Time, ("nanos", "offset_seconds")),
    4: (v.LocalDateTime, ("seconds", "nanos")),
    5: (v.DateTime, ("seconds", "nanos", "offset_seconds", "tz_id")),
    6: (v.Duration, ("months", "days", "seconds", "nanos")),
    7: (v.Point, ("srid", "x", "y", "z")),
}
_EXT_CODES = {cls: (code, fields) for code, (cls, fields) in _EXT_TYPES.items()}


def _default(obj):
    entry = _EXT_CODES.get(type(obj))
    if entry is None:
        if isinstance(obj, tuple):
            return list(obj)
        raise TypeError(f"cannot encode a value of type {type(obj).__name__}")
    code, fields = entry
    data = msgpack.packb([getattr(obj, f) for f in fields], use_bin_type=True)
    return msgpack.ExtType(code, data)


def _ext_hook(code: int, data: bytes):
    entry = _EXT_TYPES.get(code)
    if entry is None:
        raise CommandDecodeError(f"unknown ext type {code}")
    cls, _fields = entry
    return cls(*msgpack.unpackb(data, raw=False))


def pack_value(value) -> bytes:
    return msgpack.packb(value, default=_default, use_bin_type=True, strict_types=False)


def unpack_value(data: bytes):
    return msgpack.unpackb(data, ext_hook=_ext_hook, raw=False, strict_map_key=False)


def encode_command(kind: str, request_id: str, payload) -> bytes:
    if kind not in COMMAND_KINDS:
        raise ValueError(f"unknown command kind {kind!r}")
    return pack_value([COMMAND_VERSION, kind, request_id, payload])


def decode_command(command: bytes) -> tuple[str, str, object]:
    """bytes -> (kind, request_id, payload); raises CommandDecodeError."""
    try:
        envelope = unpack_value(command)
    except CommandDecodeError:
        raise
    except Exception as exc:  # msgpack raises several unrelated types
        raise CommandDecodeError(f"undecodable command: {exc}") from exc
    if not isinstance(envelope, list) or len(envelope) != 4:
        raise CommandDecodeError("command envelope is not a 4-element array")
    version, kind, request_id, payload = envelope
    if version != COMMAND_VERSION:
        raise CommandDecodeError(f"unsupported command version {version!r}")
    if kind not in COMMAND_KINDS:
        raise CommandDecodeError(f"unknown command kind {kind!r}")
    if not isinstance(request_id, str):
        raise CommandDecodeError("request id must be a string")
    return kind, request_id, payload
