"""TCK backend over the wire: the real neo4j driver -> BoltServer -> service.Database.

One server and one driver per test process; each scenario gets a fresh Database behind a
switchable proxy, so sockets and handshakes are paid once while graphs never leak between
scenarios. Driver values are turned back into `tugraph_bolt.values` so the runner's
canonical comparison applies unchanged (temporal values by their Cypher string form).

Over Bolt an error carries only its Neo4j status code: the TCK's phase and detail are not
transmitted, so error steps compare the error type only (see `BoltError`).
"""

from __future__ import annotations

import atexit
import threading

from tugraph_bolt import errors
from tugraph_bolt import values as V

_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()
_NS = 1_000_000_000


class BoltError(Exception):
    """A failure as the driver reports it: a status code and a message."""

    bolt_only = True
    phase = None
    detail = None

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        # Every TCK type whose Neo4j code this is (several share one code).
        self.tck_types = sorted({
            cls.tck_type for cls in _cypher_error_classes() if cls.code == code})
        self.tck_type = self.tck_types[0] if self.tck_types else code


def _cypher_error_classes():
    stack, seen = [errors.CypherError], []
    while stack:
        cls = stack.pop()
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return seen


class _SwitchableBackend:
    """What the BoltServer calls; forwards to the current scenario's Database."""

    def __init__(self):
        self.current = None

    def __getattr__(self, name):
        return getattr(self.current, name)


class _Wire:
    """The process-wide server and driver, started on first use, stopped at exit.

    `BOLT_VERSION` (e.g. (4, 4)) narrows what the server offers, to test older protocol
    versions (legacy DateTime structures in 4.4) with the same scenarios.
    """

    _lock = threading.Lock()
    _instance: _Wire | None = None
    BOLT_VERSION: tuple[int, int] | None = None

    def __init__(self):
        import neo4j

        from tugraph_bolt.config import load_config
        from tugraph_bolt.server.bolt_server import BoltServer

        self.config, _ = load_config(None, {"bolt_port": 7687})
        self.proxy = _SwitchableBackend()
        options = {"versions": (self.BOLT_VERSION,)} if self.BOLT_VERSION else {}
        self.server = BoltServer("127.0.0.1", 0, self.proxy, **options)
        self.server.start()
        host, port = self.server.address
        self.driver = neo4j.GraphDatabase.driver(
            f"bolt://{host}:{port}", auth=(self.config.admin_user, self.config.admin_password))
        atexit.register(self.close)

    @classmethod
    def get(cls) -> _Wire:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def close(self) -> None:
        self.driver.close()
        self.server.stop(grace=1.0)


class BoltBackend:
    def __init__(self, version: str | None = None):
        from tugraph_bolt.service import Database

        if version:
            _Wire.BOLT_VERSION = tuple(int(x) for x in version.split("."))
        self.wire = _Wire.get()
        self.db = Database(self.wire.config)
        self.wire.proxy.current = self.db
        self.procedures = self.db.procedures

    @property
    def state(self):
        return self.db.state

    def run(self, query: str, params: dict) -> tuple[list[str], list[list]]:
        import neo4j

        try:
            with self.wire.driver.session(database="default") as session:
                result = session.run(query, params)
                keys = list(result.keys())
                rows = [[from_driver(v) for v in record.values()] for record in result]
        except neo4j.exceptions.Neo4jError as e:
            raise BoltError(e.code or "", e.message or str(e)) from None
        return keys, rows

    def close(self) -> None:
        self.db.close()


def from_driver(v):
    """A driver value as the `tugraph_bolt.values` value it was hydrated from."""
    import neo4j.graph as g
    import neo4j.spatial as sp
    import neo4j.time as t

    if v is None or isinstance(v, (bool, int, float, str, bytes)):
        return v
    if type(v) in (list, tuple):  # exactly: driver Durations and Points are tuples too
        return [from_driver(x) for x in v]
    if isinstance(v, dict):
        return {k: from_driver(x) for k, x in v.items()}
    if isinstance(v, g.Node):
        return V.Node(v.element_id, tuple(sorted(v.labels)), from_driver(dict(v)))
    if isinstance(v, g.Relationship):
        return V.Relationship(v.element_id, v.start_node.element_id, v.end_node.element_id,
                              v.type, from_driver(dict(v)))
    if isinstance(v, g.Path):
        return V.Path(tuple(from_driver(n) for n in v.nodes),
                      tuple(from_driver(r) for r in v.relationships))
    if isinstance(v, t.Duration):
        return V.Duration(v.months, v.days, v.seconds, v.nanoseconds)
    if isinstance(v, t.DateTime):
        return _datetime(v)
    if isinstance(v, t.Date):
        return V.Date(v.to_ordinal() - _EPOCH_ORDINAL)
    if isinstance(v, t.Time):
        nanos = ((v.hour * 60 + v.minute) * 60 + v.second) * _NS + v.nanosecond
        if v.tzinfo is None:
            return V.LocalTime(nanos)
        return V.Time(nanos, int(v.utcoffset().total_seconds()))
    if isinstance(v, sp.Point):
        coords = list(v)
        return V.Point(v.srid, float(coords[0]), float(coords[1]),
                       float(coords[2]) if len(coords) > 2 else None)
    raise TypeError(f"unexpected driver value {v!r}")


def _datetime(v) -> V.LocalDateTime | V.DateTime:
    days = v.date().to_ordinal() - _EPOCH_ORDINAL
    local = days * 86400 + (v.hour * 60 + v.minute) * 60 + v.second
    if v.tzinfo is None:
        return V.LocalDateTime(local, v.nanosecond)
    offset = int(v.utcoffset().total_seconds())
    zone = getattr(v.tzinfo, "zone", None) or getattr(v.tzinfo, "key", None)
    if zone == "UTC":
        # The driver hydrates offset +00:00 and the zone 'UTC' to the same pytz.utc; the
        # offset form is the common one in the TCK.
        zone = None
    return V.DateTime(local - offset, v.nanosecond, offset, zone)
