"""What the Bolt layer needs from the database: the `Backend` and `Result` protocols.

`service.py` implements these; tests use a fake. The Bolt layer never imports the service.
Every call runs on the connection's own thread; calls for one session never overlap.
Errors: raise `errors.DatabaseError` subclasses (their `code` reaches the client); anything
else is logged with its traceback and answered `Neo.DatabaseError.General.UnknownError`.

Values: parameters arrive as plain Python values and `values.*` objects (hydrated per the
session's Bolt version); records may hold the same. The Bolt layer converts both ways.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Session:
    """One Bolt connection's identity, as the backend sees it.

    `routing` is the HELLO routing context (None for bolt:// connections, a dict such as
    `{"address": "host:7687"}` for neo4j://). `user` is None until authenticated.
    `data` is free for the backend to keep per-connection state in.
    """

    connection_id: str
    bolt_version: tuple[int, int]
    user_agent: str = ""
    routing: dict | None = None
    user: str | None = None
    client_address: str = ""
    data: dict = field(default_factory=dict)


class Result(Protocol):
    """A query's open result stream.

    `fields` are the column names (RECORDs carry exactly that many values).
    `fetch(n)` returns up to n records (n = -1: all) and whether more remain; the Bolt layer
    calls it with n >= 1 slices so a big result never sits in memory at once.
    `discard(n)` skips up to n records (-1: all) and returns whether more remain.
    `summary()` is called once the stream is exhausted or discarded: the final PULL/DISCARD
    metadata, e.g. `{"type": "w", "stats": {"nodes-created": 1}, "db": "default",
    "bookmark": "..."}` (`bookmark` only for auto-commit; the Bolt layer adds `t_last`).
    """

    fields: list[str]

    def fetch(self, n: int) -> tuple[list[list], bool]: ...

    def discard(self, n: int) -> bool: ...

    def summary(self) -> dict: ...


class Backend(Protocol):
    """The database as the Bolt layer uses it.

    `extra` is the RUN/BEGIN extra map as the driver sent it: `db`, `mode` ("r" or absent
    for write), `bookmarks` (list of str), `tx_timeout` (ms), `tx_metadata`, `imp_user`.
    `route` returns the `rt` map: `{"ttl": s, "db": name, "servers": [{"addresses": [...],
    "role": "ROUTE" | "READ" | "WRITE"}, ...]}`.
    """

    server_agent: str  # e.g. "Neo4j/5.26.0": drivers parse the product/version form

    def authenticate(self, auth: dict) -> str:
        """auth = {scheme, principal, credentials}; return the user or raise Unauthorized."""
        ...

    def run(self, session: Session, query: str, params: dict, extra: dict) -> Result: ...

    def begin(self, session: Session, extra: dict) -> Any:
        """Open an explicit transaction; return an opaque handle."""
        ...

    def run_in_tx(
        self, session: Session, tx: Any, query: str, params: dict, extra: dict
    ) -> Result: ...

    def commit(self, session: Session, tx: Any) -> str | None:
        """Commit; return the bookmark (None if nothing to wait for)."""
        ...

    def rollback(self, session: Session, tx: Any) -> None: ...

    def route(
        self,
        session: Session,
        routing: dict,
        bookmarks: list[str],
        db: str | None,
        imp_user: str | None,
    ) -> dict: ...

    def close_session(self, session: Session) -> None:
        """The connection is gone: release what it held (roll back an open transaction)."""
        ...
