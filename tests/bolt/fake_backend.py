"""A fake Backend for Bolt tests: a tiny command language instead of Cypher.

Queries (the first word decides):
  ECHO                 one record: the parameter values, fields = parameter names
  RANGE n              n records [i] produced lazily (counts how many were produced)
  GRAPH                one record with a node, a relationship, a path and temporal values
  WRITE                no records; a write summary with stats (auto-commit: a bookmark)
  FAIL <code>          raises DatabaseError(code)
  CRASH                raises RuntimeError (an internal error)
  FAIL_LATE n          yields n records, then raises a TransientError while streaming
"""

from __future__ import annotations

import itertools
import threading

from tugraph_bolt import errors, values
from tugraph_bolt.bolt.backend import Session


class FakeResult:
    def __init__(self, fields, rows, summary):
        self.fields = fields
        self._rows = iter(rows)
        self._peeked = []
        self._summary = summary

    def _has_more(self) -> bool:
        if not self._peeked:
            self._peeked = list(itertools.islice(self._rows, 1))
        return bool(self._peeked)

    def fetch(self, n):
        out = []
        while (n == -1 or len(out) < n) and self._has_more():
            out.append(self._peeked.pop())
        return out, self._has_more()

    def discard(self, n):
        count = 0
        while (n == -1 or count < n) and self._has_more():
            self._peeked.pop()
            count += 1
        return self._has_more()

    def summary(self):
        return dict(self._summary)


def graph_values():
    a = values.Node(1, ("Person",), {"name": "Ann"})
    b = values.Node(2, ("Person", "Admin"), {"name": "Bob"})
    knows = values.Relationship(10, 1, 2, "KNOWS", {"since": 2020})
    back = values.Relationship(11, 1, 2, "LIKES", {})
    path = values.Path((a, b, a), (knows, back))
    return {
        "a": a,
        "knows": knows,
        "path": path,
        "date": values.Date(19000),
        "time": values.Time(3_600_000_000_123, 7200),
        "local_time": values.LocalTime(45_296_000_000_001),
        "local_datetime": values.LocalDateTime(1_700_000_000, 5),
        "datetime": values.DateTime(1_700_000_000, 6, 3600),
        "zoned": values.DateTime(1_700_000_000, 7, 3600, "Europe/Stockholm"),
        "duration": values.Duration(14, 3, 62, 9),
        "point2d": values.Point(7203, 1.5, -2.0),
        "point3d": values.Point(4979, 12.0, 56.0, 100.0),
    }


class FakeBackend:
    server_agent = "Neo4j/5.26.0"

    def __init__(self, users=None):
        self.users = users if users is not None else {"neo4j": "password"}
        self.address = "127.0.0.1:7687"
        self.lock = threading.Lock()
        self.produced = 0  # RANGE rows generated so far (to prove streaming)
        self.closed_sessions: list[str] = []
        self.committed: list[list[str]] = []
        self.rolled_back: list[list[str]] = []
        self.params_seen: list[dict] = []
        self.sessions: dict[str, Session] = {}
        self._bookmarks = itertools.count(1)
        self._txs = itertools.count(1)

    def authenticate(self, auth):
        if auth.get("scheme") == "basic" and self.users.get(auth.get("principal")) == auth.get(
            "credentials"
        ):
            return auth["principal"]
        raise errors.Unauthorized("The client is unauthorized due to authentication failure.")

    def _result(self, session, query, params, in_tx):
        self.sessions[session.connection_id] = session
        word, _, arg = query.partition(" ")
        if word == "ECHO":
            self.params_seen.append(params)
            return FakeResult(list(params), [list(params.values())], {"type": "r"})
        if word == "RANGE":
            def rows():
                for i in range(int(arg)):
                    with self.lock:
                        self.produced += 1
                    yield [i]
            return FakeResult(["i"], rows(), {"type": "r", "db": "default"})
        if word == "GRAPH":
            vals = graph_values()
            return FakeResult(list(vals), [list(vals.values())], {"type": "r"})
        if word == "WRITE":
            summary = {"type": "w", "stats": {"nodes-created": 1, "contains-updates": True},
                       "db": "default"}
            if not in_tx:
                summary["bookmark"] = f"bm:{next(self._bookmarks)}"
            return FakeResult([], [], summary)
        if word == "FAIL":
            raise errors.DatabaseError("requested failure", code=arg)
        if word == "CRASH":
            raise RuntimeError("secret internal detail")
        if word == "FAIL_LATE":
            def rows():
                yield from ([i] for i in range(int(arg)))
                raise errors.WriteConflict("conflict while streaming")
            return FakeResult(["i"], rows(), {"type": "r"})
        raise errors.CypherSyntaxError(f"unknown fake query {query!r}")

    def run(self, session, query, params, extra):
        return self._result(session, query, params, in_tx=False)

    def begin(self, session, extra):
        return {"id": next(self._txs), "queries": [], "extra": extra}

    def run_in_tx(self, session, tx, query, params, extra):
        tx["queries"].append(query)
        return self._result(session, query, params, in_tx=True)

    def commit(self, session, tx):
        self.committed.append(tx["queries"])
        return f"bm:{next(self._bookmarks)}"

    def rollback(self, session, tx):
        self.rolled_back.append(tx["queries"])

    def route(self, session, routing, bookmarks, db, imp_user):
        return {
            "ttl": 300,
            "db": db or "default",
            "servers": [
                {"addresses": [self.address], "role": "ROUTE"},
                {"addresses": [self.address], "role": "READ"},
                {"addresses": [self.address], "role": "WRITE"},
            ],
        }

    def close_session(self, session):
        self.closed_sessions.append(session.connection_id)
