"""Bolt request and response messages as frozen dataclasses, and their wire form.

Every message is one PackStream structure: the tag names the message, the fields carry its
arguments. Requests are decoded here (shape checked, nothing else); what a request means
in the current state is decided by `states.py`.

>>> decode_request(bytes.fromhex("B13FA2816EC9 03E8 83716964FF"), (5, 0))
Pull(n=1000, qid=-1)
>>> encode_response(Success({})).hex()
'b170a0'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tugraph_bolt.packstream import Packer, PackStreamError, Unpacker


class BoltProtocolError(Exception):
    """A request that cannot be understood. `fatal` means the connection must close."""

    def __init__(self, message: str, *, fatal: bool):
        super().__init__(message)
        self.fatal = fatal


# --- requests -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Request:
    NAME: ClassVar[str] = ""
    TAG: ClassVar[int] = 0
    SINCE: ClassVar[tuple[int, int]] = (4, 4)  # first Bolt version that has this message


@dataclass(frozen=True, slots=True)
class Hello(Request):
    NAME = "HELLO"
    TAG = 0x01
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Goodbye(Request):
    NAME = "GOODBYE"
    TAG = 0x02


@dataclass(frozen=True, slots=True)
class Reset(Request):
    NAME = "RESET"
    TAG = 0x0F


@dataclass(frozen=True, slots=True)
class Run(Request):
    NAME = "RUN"
    TAG = 0x10
    query: str = ""
    parameters: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Begin(Request):
    NAME = "BEGIN"
    TAG = 0x11
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Commit(Request):
    NAME = "COMMIT"
    TAG = 0x12


@dataclass(frozen=True, slots=True)
class Rollback(Request):
    NAME = "ROLLBACK"
    TAG = 0x13


@dataclass(frozen=True, slots=True)
class Discard(Request):
    NAME = "DISCARD"
    TAG = 0x2F
    n: int = -1
    qid: int = -1


@dataclass(frozen=True, slots=True)
class Pull(Request):
    NAME = "PULL"
    TAG = 0x3F
    n: int = -1
    qid: int = -1


@dataclass(frozen=True, slots=True)
class Telemetry(Request):
    NAME = "TELEMETRY"
    TAG = 0x54
    SINCE = (5, 4)
    api: int = 0


@dataclass(frozen=True, slots=True)
class Route(Request):
    NAME = "ROUTE"
    TAG = 0x66
    routing: dict = field(default_factory=dict)
    bookmarks: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Logon(Request):
    NAME = "LOGON"
    TAG = 0x6A
    SINCE = (5, 1)
    auth: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Logoff(Request):
    NAME = "LOGOFF"
    TAG = 0x6B
    SINCE = (5, 1)


REQUESTS: dict[int, type[Request]] = {
    cls.TAG: cls
    for cls in (
        Hello, Goodbye, Reset, Run, Begin, Commit, Rollback, Discard, Pull, Telemetry, Route,
        Logon, Logoff,
    )
}
REQUEST_NAMES = tuple(cls.NAME for cls in REQUESTS.values())


# --- responses ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Success:
    metadata: dict
    TAG: ClassVar[int] = 0x70


@dataclass(frozen=True, slots=True)
class Record:
    values: list
    TAG: ClassVar[int] = 0x71


@dataclass(frozen=True, slots=True)
class Ignored:
    TAG: ClassVar[int] = 0x7E


@dataclass(frozen=True, slots=True)
class Failure:
    metadata: dict
    TAG: ClassVar[int] = 0x7F


Response = Success | Record | Ignored | Failure


# --- wire form ----------------------------------------------------------------------------


def _expect(value: Any, kind: type, what: str) -> Any:
    if value is None and kind is dict:
        return {}
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BoltProtocolError(f"{what} must be a {kind.__name__}", fatal=False)
    return value


def _pull_like(cls: type[Request], fields: list) -> Request:
    extra = _expect(fields[0], dict, f"{cls.NAME} extra")
    n = _expect(extra.get("n", -1), int, f"{cls.NAME} n")
    qid = _expect(extra.get("qid", -1), int, f"{cls.NAME} qid")
    if n == 0 or n < -1:
        raise BoltProtocolError(f"{cls.NAME} n must be positive or -1, got {n}", fatal=False)
    return cls(n=n, qid=qid)


def _build(cls: type[Request], fields: list) -> Request:
    if cls is Run:
        return Run(
            _expect(fields[0], str, "RUN query"),
            _expect(fields[1], dict, "RUN parameters"),
            _expect(fields[2], dict, "RUN extra"),
        )
    if cls in (Pull, Discard):
        return _pull_like(cls, fields)
    if cls is Route:
        bookmarks = fields[1] if fields[1] is not None else []
        return Route(
            _expect(fields[0], dict, "ROUTE routing"),
            list(_expect(bookmarks, list, "ROUTE bookmarks")),
            _expect(fields[2], dict, "ROUTE extra"),
        )
    if cls is Telemetry:
        return Telemetry(_expect(fields[0], int, "TELEMETRY api"))
    if cls is Hello:
        return Hello(_expect(fields[0], dict, "HELLO extra"))
    if cls is Begin:
        return Begin(_expect(fields[0], dict, "BEGIN extra"))
    if cls is Logon:
        return Logon(_expect(fields[0], dict, "LOGON auth"))
    return cls()


FIELD_COUNTS = {"RUN": 3, "PULL": 1, "DISCARD": 1, "ROUTE": 3, "TELEMETRY": 1, "HELLO": 1,
                "BEGIN": 1, "LOGON": 1}


def decode_request(
    data: bytes,
    version: tuple[int, int],
    hydrate: Callable[[int, list], Any] | None = None,
) -> Request:
    """Decode one dechunked message. Shape errors raise BoltProtocolError."""
    if len(data) < 2 or not 0xB0 <= data[0] <= 0xBF:
        raise BoltProtocolError("a Bolt message must be a PackStream structure", fatal=True)
    tag = data[1]
    cls = REQUESTS.get(tag)
    if cls is None or version < cls.SINCE:
        raise BoltProtocolError(
            f"message 0x{tag:02X} is not a Bolt {version[0]}.{version[1]} request", fatal=True
        )
    count = data[0] & 0x0F
    # BEGIN's extra is optional in old drivers' eyes; the rest must match exactly.
    if count != FIELD_COUNTS.get(cls.NAME, 0) and not (cls is Begin and count == 0):
        raise BoltProtocolError(f"{cls.NAME} has {count} fields", fatal=True)
    unpacker = Unpacker(data, 2, hydrate)
    try:
        fields = [unpacker.unpack_value() for _ in range(count)]
    except PackStreamError as e:
        raise BoltProtocolError(f"malformed {cls.NAME}: {e}", fatal=True) from None
    except ValueError as e:  # a structure the hydration layer refused (a bad parameter)
        raise BoltProtocolError(f"invalid value in {cls.NAME}: {e}", fatal=False) from None
    if unpacker.pos != len(data):
        raise BoltProtocolError(f"trailing bytes after {cls.NAME}", fatal=True)
    if cls is Begin and count == 0:
        return Begin({})
    return _build(cls, fields)


_RECORD_HEADER = bytes((0xB1, 0x71))


def encode_response(response: Response, packer: Packer | None = None) -> bytes:
    """The PackStream bytes of a response (not yet chunked)."""
    if packer is None:
        packer = Packer()
    packer.buf = bytearray()
    if type(response) is Record:
        packer.buf += _RECORD_HEADER
        packer.pack_value(response.values)
    elif type(response) is Ignored:
        packer.buf += b"\xb0\x7e"
    else:
        packer.buf.append(0xB1)
        packer.buf.append(response.TAG)
        packer.pack_value(response.metadata)
    return bytes(packer.buf)


def encode_request(request: Request, packer: Packer | None = None) -> bytes:
    """The PackStream bytes of a request (used by the client and by tests)."""
    if packer is None:
        packer = Packer()
    packer.buf = bytearray()
    if isinstance(request, Run):
        fields = [request.query, request.parameters, request.extra]
    elif isinstance(request, (Pull, Discard)):
        fields = [{"n": request.n, "qid": request.qid}] if request.qid != -1 else [{"n": request.n}]
    elif isinstance(request, Route):
        fields = [request.routing, request.bookmarks, request.extra]
    elif isinstance(request, (Hello, Begin)):
        fields = [request.extra]
    elif isinstance(request, Logon):
        fields = [request.auth]
    elif isinstance(request, Telemetry):
        fields = [request.api]
    else:
        fields = []
    packer.buf.append(0xB0 | len(fields))
    packer.buf.append(request.TAG)
    for value in fields:
        packer.pack_value(value)
    return bytes(packer.buf)


def decode_response(data: bytes, hydrate: Callable[[int, list], Any] | None = None) -> Response:
    """Decode one server message (used by the client and by tests)."""
    if len(data) < 2 or not 0xB0 <= data[0] <= 0xBF:
        raise BoltProtocolError("a Bolt message must be a PackStream structure", fatal=True)
    tag, count = data[1], data[0] & 0x0F
    unpacker = Unpacker(data, 2, hydrate)
    fields = [unpacker.unpack_value() for _ in range(count)]
    if tag == 0x71:
        return Record(fields[0])
    if tag == 0x70:
        return Success(fields[0] if fields else {})
    if tag == 0x7F:
        return Failure(fields[0] if fields else {})
    if tag == 0x7E:
        return Ignored()
    raise BoltProtocolError(f"unknown response 0x{tag:02X}", fatal=True)
