"""The database service without sockets: the write path, transactions, bookmarks, auth."""

from __future__ import annotations

import pytest

from tugraph_bolt import errors
from tugraph_bolt.bolt.backend import Session
from tugraph_bolt.config import load_config
from tugraph_bolt.service import Database, bookmark_for, parse_bookmarks


@pytest.fixture
def db():
    cfg, _ = load_config(None, {"bolt_port": 7687, "bookmark_timeout": 0.2})
    return Database(cfg)


def session(user="admin"):
    return Session("c1", (5, 8), user=user)


def run_all(db, query, params=None, extra=None, s=None):
    res = db.run(s or session(), query, params or {}, extra or {})
    rows, more = res.fetch(-1)
    assert more is False
    return res.fields, rows, res.summary()


def test_auto_commit_write_then_read(db):
    fields, rows, summary = run_all(db, "CREATE (n:P {x: 1}) RETURN n.x AS x")
    assert fields == ["x"] and rows == [[1]]
    assert summary["type"] == "rw" and summary["stats"]["nodes-created"] == 1
    assert parse_bookmarks([summary["bookmark"]]) == db.log.applied_index
    _, rows, summary = run_all(db, "MATCH (n:P) RETURN count(n)")
    assert rows == [[1]] and summary["type"] == "r"


def test_streaming_fetch_in_batches(db):
    res = db.run(session(), "UNWIND range(1, 10) AS i RETURN i", {}, {})
    got, more = res.fetch(4)
    assert [r[0] for r in got] == [1, 2, 3, 4] and more
    got, more = res.fetch(6)
    assert [r[0] for r in got] == [5, 6, 7, 8, 9, 10] and more is False


def test_explicit_transaction_isolation_and_first_committer_wins(db):
    run_all(db, "CREATE (:C {n: 0})")
    s1, s2 = Session("a", (5, 8), user="admin"), Session("b", (5, 8), user="admin")
    t1, t2 = db.begin(s1, {}), db.begin(s2, {})
    db.run_in_tx(s1, t1, "MATCH (c:C) SET c.n = 1", {}, {}).fetch(-1)
    db.run_in_tx(s2, t2, "MATCH (c:C) SET c.n = 2", {}, {}).fetch(-1)
    # t2 does not see t1's uncommitted write
    rows, _ = db.run_in_tx(s2, t2, "MATCH (c:C) RETURN c.n", {}, {}).fetch(-1)
    assert rows == [[2]]
    assert db.commit(s1, t1).startswith("tugraph-bolt:")
    with pytest.raises(errors.WriteConflict):
        db.commit(s2, t2)
    assert run_all(db, "MATCH (c:C) RETURN c.n")[1] == [[1]]


def test_rollback_discards(db):
    s = session()
    t = db.begin(s, {})
    db.run_in_tx(s, t, "CREATE (:R)", {}, {}).fetch(-1)
    db.rollback(s, t)
    assert run_all(db, "MATCH (r:R) RETURN count(r)")[1] == [[0]]


def test_transaction_timeout(db, monkeypatch):
    s = session()
    t = db.begin(s, {"tx_timeout": 1})  # 1 ms
    import time

    time.sleep(0.01)
    with pytest.raises(errors.TransactionTimedOut):
        db.run_in_tx(s, t, "RETURN 1", {}, {})


def test_bookmarks_wait_and_time_out(db):
    _, _, summary = run_all(db, "CREATE (:B)")
    run_all(db, "MATCH (b:B) RETURN b", extra={"bookmarks": [summary["bookmark"]]})
    with pytest.raises(errors.BookmarkTimeout):
        run_all(db, "RETURN 1", extra={"bookmarks": [bookmark_for(10_000)]})
    with pytest.raises(errors.DatabaseError) as e:
        run_all(db, "RETURN 1", extra={"bookmarks": ["garbage"]})
    assert e.value.code == "Neo.ClientError.Transaction.InvalidBookmark"


def test_unknown_graph_and_long_query(db):
    with pytest.raises(errors.DatabaseNotFound):
        run_all(db, "RETURN 1", extra={"db": "other"})
    with pytest.raises(errors.RequestInvalid, match="max_query_length"):
        run_all(db, "RETURN 1" + " " * (db.config.max_query_length + 1))


def test_authentication_and_password_change(db):
    ok = {"scheme": "basic", "principal": "admin", "credentials": "73@TuGraph"}
    assert db.authenticate(ok) == "admin"
    with pytest.raises(errors.Unauthorized):
        db.authenticate(dict(ok, credentials="bad"))
    with pytest.raises(errors.Unauthorized):
        db.authenticate({"scheme": "none"})
    run_all(db, "CALL dbms.security.changePassword('73@TuGraph', 'pw2')")
    assert db.authenticate(dict(ok, credentials="pw2")) == "admin"
    with pytest.raises(errors.Unauthorized):
        db.authenticate(ok)
    with pytest.raises(errors.CypherArgumentError):
        run_all(db, "CALL dbms.security.changePassword('wrong', 'pw3')")


def test_route_single_node_answers_itself_and_echoes_db(db):
    rt = db.route(session(), {"address": "example.org:7687"}, [], None, None)
    assert rt["db"] == "default" and rt["ttl"] == db.config.route_ttl
    roles = {s["role"]: s["addresses"] for s in rt["servers"]}
    assert roles == {"WRITE": ["example.org:7687"], "READ": ["example.org:7687"],
                     "ROUTE": ["example.org:7687"]}
    with pytest.raises(errors.DatabaseNotFound):
        db.route(session(), {}, [], "nope", None)


def test_read_levels_single_node(db):
    assert run_all(db, "RETURN 1", extra={"tx_metadata": {"read_level": "leader"}})[1] == [[1]]
    assert run_all(db, "RETURN 1",
                   extra={"tx_metadata": {"read_level": "linearizable"}})[1] == [[1]]


def test_node_procedures_single_node(db):
    _, rows, _ = run_all(db, "CALL db.bolt.listRaftNodes()")
    assert len(rows) == 1 and rows[0][4] is True
    _, rows, _ = run_all(db, "CALL dbms.stateDigest()")
    assert rows[0][0] == db.log.applied_index and len(rows[0][1]) == 64
    with pytest.raises(errors.ProcedureCallFailed, match="not in a Raft cluster"):
        run_all(db, "CALL db.bolt.addRaftNode(4, '127.0.0.1', 7690, 8003)")


class LosesFirstAnswer:
    """A log that applies the first command but then 'loses the leader' before answering."""

    def __init__(self, inner, applied_first: bool):
        self.inner, self.applied_first, self.calls = inner, applied_first, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def submit(self, command, timeout):
        self.calls += 1
        if self.calls == 1:
            if self.applied_first:
                self.inner.submit(command, timeout)
            raise errors.UnknownOutcome("the request's outcome is unknown (LEADER_CHANGED)")
        return self.inner.submit(command, timeout)


@pytest.mark.parametrize("applied_first", [True, False])
def test_unknown_outcome_is_resubmitted_and_applied_exactly_once(applied_first):
    from tugraph_bolt.log import LocalLog

    cfg, _ = load_config(None, {"bolt_port": 7687})
    db = Database(cfg)
    db.ids.next_node_id()  # reserve an id block first, so the only write below is the CREATE
    db.log = LosesFirstAnswer(db.log if isinstance(db.log, LocalLog) else db.log, applied_first)
    _, rows, summary = run_all(db, "CREATE (n:Once) RETURN n.x")
    assert db.log.calls == 2 and db.counters["resubmits"] == 1
    assert run_all(db, "MATCH (n:Once) RETURN count(n)")[1] == [[1]]


def test_disable_auth_and_strict_schema_options():
    cfg, _ = load_config(None, {"bolt_port": 7687, "disable_auth": True, "strict_schema": True})
    db = Database(cfg)
    assert db.authenticate({"scheme": "basic", "principal": "anyone", "credentials": "x"}) == "anyone"
    assert db.authenticate({"scheme": "none"}) == "admin"
    with pytest.raises(errors.DatabaseError, match="Vertex label unknown does not exist"):
        run_all(db, "CREATE (n:unknown)")
    run_all(db, "CALL db.createVertexLabel('known', 'id', 'id', 'INT64', false)")
    assert run_all(db, "CREATE (n:known {id: 1}) RETURN n.id")[1] == [[1]]
