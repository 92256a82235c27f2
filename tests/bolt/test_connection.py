"""BoltConnection behaviour, socket-free: pipelining, results, errors, limits."""

import logging

import pytest

from tugraph_bolt import values
from tugraph_bolt.bolt import messages as m
from tugraph_bolt.bolt.chunking import chunk_message
from tugraph_bolt.bolt.states import State

from .fake_backend import FakeBackend, FakeResult
from .wire import AUTH, Wire, drain, frame, kinds

SYNTAX = "FAIL Neo.ClientError.Statement.SyntaxError"


def ready(version=(5, 8), **options) -> Wire:
    wire = Wire(version=version, **options)
    assert kinds(wire.login())[-1] == "SUCCESS"
    return wire


def run(query, params=None, **extra):
    return m.Run(query, params or {}, extra)


def test_hello_and_logon_pipelined():
    wire = Wire(version=(5, 8))
    replies = wire.send(m.Hello({"user_agent": "x/1"}), m.Logon(AUTH))
    assert kinds(replies) == ["SUCCESS", "SUCCESS"]
    hello = replies[0].metadata
    assert hello["server"] == "Neo4j/5.26.0"
    assert hello["connection_id"] == "bolt-test"
    assert hello["hints"] == {"telemetry.enabled": False}
    assert wire.state is State.READY
    assert wire.conn.session.user == "neo4j" and wire.conn.session.user_agent == "x/1"


def test_hints_when_configured():
    wire = Wire(version=(5, 8), recv_timeout_seconds=30, telemetry_enabled=True)
    hints = wire.send(m.Hello({}))[0].metadata["hints"]
    assert hints == {"connection.recv_timeout_seconds": 30, "telemetry.enabled": True}


def test_routing_context_reaches_the_session():
    wire = Wire(version=(5, 8))
    wire.send(m.Hello({"routing": {"address": "h:1"}}), m.Logon(AUTH))
    assert wire.conn.session.routing == {"address": "h:1"}


def test_run_and_pull_pipelined_in_one_batch():
    wire = ready()
    replies = wire.send(run("RANGE 3"), m.Pull(-1))
    assert kinds(replies) == ["SUCCESS", "RECORD", "RECORD", "RECORD", "SUCCESS"]
    assert replies[0].metadata["fields"] == ["i"]
    assert "t_first" in replies[0].metadata and "qid" not in replies[0].metadata
    assert [r.values for r in replies[1:4]] == [[0], [1], [2]]
    final = replies[-1].metadata
    assert final["type"] == "r" and final["db"] == "default" and "t_last" in final
    assert wire.state is State.READY


def test_pull_in_batches_with_has_more():
    wire = ready()
    replies = wire.send(run("RANGE 5"), m.Pull(2))
    assert kinds(replies) == ["SUCCESS", "RECORD", "RECORD", "SUCCESS"]
    assert replies[-1].metadata == {"has_more": True}
    assert wire.state is State.STREAMING
    replies = wire.send(m.Pull(3))
    assert [r.values for r in replies[:-1]] == [[2], [3], [4]]
    assert "has_more" not in replies[-1].metadata
    assert wire.state is State.READY


def test_discard_some_then_rest():
    wire = ready()
    replies = wire.send(run("RANGE 5"), m.Discard(2), m.Pull(-1))
    assert kinds(replies) == ["SUCCESS", "SUCCESS", "RECORD", "RECORD", "RECORD", "SUCCESS"]
    assert replies[1].metadata == {"has_more": True}
    assert [r.values for r in replies[2:5]] == [[2], [3], [4]]


def test_auto_commit_write_returns_bookmark_and_stats():
    wire = ready()
    final = wire.send(run("WRITE", db="default"), m.Pull(-1))[-1].metadata
    assert final["bookmark"] == "bm:1"
    assert final["type"] == "w" and final["stats"]["nodes-created"] == 1


def test_begin_run_pull_commit_pipelined():
    backend = FakeBackend()
    wire = Wire(backend=backend, version=(5, 8))
    wire.login()
    replies = wire.send(m.Begin({"db": "default"}), run("RANGE 2"), m.Pull(-1), m.Commit())
    assert kinds(replies) == ["SUCCESS", "SUCCESS", "RECORD", "RECORD", "SUCCESS", "SUCCESS"]
    assert replies[1].metadata["qid"] == 0
    assert "bookmark" not in replies[4].metadata
    assert replies[5].metadata == {"bookmark": "bm:1"}
    assert backend.committed == [["RANGE 2"]]
    assert wire.state is State.READY


def test_several_open_results_in_one_transaction_by_qid():
    wire = ready()
    replies = wire.send(m.Begin({}), run("RANGE 3"), run("RANGE 2"))
    assert [r.metadata.get("qid") for r in replies] == [None, 0, 1]
    replies = wire.send(m.Pull(1, qid=0))
    assert [r.values for r in replies[:-1]] == [[0]] and replies[-1].metadata["has_more"]
    replies = wire.send(m.Pull(-1))  # qid -1: the last RUN (qid 1)
    assert [r.values for r in replies[:-1]] == [[0], [1]]
    assert wire.state is State.TX_STREAMING  # qid 0 is still open
    replies = wire.send(m.Pull(-1, qid=0))
    assert [r.values for r in replies[:-1]] == [[1], [2]]
    assert wire.state is State.TX_READY


def test_pull_of_an_unknown_qid_fails_without_closing():
    wire = ready()
    replies = wire.send(m.Begin({}), run("RANGE 1"), m.Pull(-1, qid=7))
    assert kinds(replies)[-1] == "FAILURE"
    assert replies[-1].metadata["neo4j_code"] == "Neo.ClientError.Request.Invalid"
    assert wire.state is State.FAILED and not wire.conn.closed


def test_commit_drains_open_results_first():
    backend = FakeBackend()
    wire = Wire(backend=backend)
    wire.login()
    wire.send(m.Begin({}), run("RANGE 50"))
    assert kinds(wire.send(m.Commit())) == ["SUCCESS"]
    assert backend.produced == 50


def test_rollback_and_reset_in_transaction():
    backend = FakeBackend()
    wire = Wire(backend=backend)
    wire.login()
    wire.send(m.Begin({}), run("WRITE"), m.Pull(-1), m.Rollback())
    assert backend.rolled_back == [["WRITE"]]
    wire.send(m.Begin({}), run("RANGE 3"))
    assert kinds(wire.send(m.Reset())) == ["SUCCESS"]
    assert backend.rolled_back == [["WRITE"], ["RANGE 3"]]
    assert wire.state is State.READY


def test_failure_then_ignored_then_reset():
    wire = ready()
    replies = wire.send(run(SYNTAX), m.Pull(-1))
    assert kinds(replies) == ["FAILURE", "IGNORED"]
    assert replies[0].metadata["neo4j_code"] == "Neo.ClientError.Statement.SyntaxError"
    assert kinds(wire.send(run("RANGE 1"), m.Pull(-1), m.Begin({}))) == ["IGNORED"] * 3
    assert kinds(wire.send(m.Reset())) == ["SUCCESS"]
    assert kinds(wire.send(run("RANGE 1"), m.Pull(-1))) == ["SUCCESS", "RECORD", "SUCCESS"]


@pytest.mark.parametrize("version", [(4, 4), (5, 0), (5, 6)])
def test_failure_metadata_before_5_7(version):
    wire = ready(version)
    failure = wire.send(run(SYNTAX))[0].metadata
    assert failure == {"code": "Neo.ClientError.Statement.SyntaxError", "message": "requested failure"}


@pytest.mark.parametrize("version", [(5, 7), (5, 8)])
def test_failure_metadata_from_5_7(version):
    wire = ready(version)
    failure = wire.send(run(SYNTAX))[0].metadata
    assert failure == {
        "neo4j_code": "Neo.ClientError.Statement.SyntaxError",
        "message": "requested failure",
        "gql_status": "42001",
        "description": "invalid syntax",
        "diagnostic_record": {"OPERATION": "", "OPERATION_CODE": "0", "CURRENT_SCHEMA": "/"},
    }


def test_internal_error_is_logged_and_answered_without_details(caplog):
    wire = ready()
    with caplog.at_level(logging.ERROR, logger="tugraph_bolt.bolt.connection"):
        failure = wire.send(run("CRASH"))[0].metadata
    assert failure["neo4j_code"] == "Neo.DatabaseError.General.UnknownError"
    assert "secret" not in failure["message"] and "Traceback" not in failure["message"]
    assert "secret internal detail" in caplog.text and "Traceback" in caplog.text
    assert wire.state is State.FAILED and not wire.conn.closed


def test_error_while_streaming_keeps_sent_records_then_fails():
    wire = ready()
    replies = wire.send(run("FAIL_LATE 1500"), m.Pull(-1))
    # The first slice of 1000 went out; the slice that hit the error is dropped whole.
    assert kinds(replies) == ["SUCCESS"] + ["RECORD"] * 1000 + ["FAILURE"]
    assert replies[-1].metadata["neo4j_code"] == "Neo.TransientError.Transaction.Outdated"
    assert wire.state is State.FAILED


def test_unpackable_record_value_fails_cleanly():
    backend = FakeBackend()
    backend.run = lambda *a: FakeResult(["x"], [[1], [2**64], [3]], {})
    wire = Wire(backend=backend)
    wire.login()
    replies = wire.send(run("anything"), m.Pull(-1))
    assert kinds(replies) == ["SUCCESS", "FAILURE"]  # the batch with the bad value is dropped
    assert replies[-1].metadata["neo4j_code"] == "Neo.DatabaseError.General.UnknownError"


@pytest.mark.parametrize("version", [(4, 4), (5, 0)])
def test_bad_credentials_in_hello_close_the_connection(version):
    wire = Wire(version=version)
    replies = wire.send(m.Hello({"scheme": "basic", "principal": "neo4j", "credentials": "no"}))
    assert kinds(replies) == ["FAILURE"]
    code = replies[0].metadata["code"]
    assert code == "Neo.ClientError.Security.Unauthorized"
    assert wire.state is State.DEFUNCT and wire.conn.closed


def test_bad_credentials_in_logon_close_the_connection():
    wire = Wire(version=(5, 8))
    replies = wire.send(m.Hello({}), m.Logon({**AUTH, "credentials": "no"}), run("RANGE 1"))
    assert kinds(replies) == ["SUCCESS", "FAILURE"]
    assert replies[1].metadata["neo4j_code"] == "Neo.ClientError.Security.Unauthorized"
    assert wire.conn.closed


def test_logoff_then_logon_again():
    wire = ready()
    assert kinds(wire.send(m.Logoff(), m.Logon(AUTH))) == ["SUCCESS", "SUCCESS"]
    assert wire.state is State.READY


def test_patch_bolt_utc_in_4_4():
    dt = values.DateTime(1000, 0, 3600)
    plain = Wire(version=(4, 4))
    plain.send(m.Hello({**AUTH}))
    assert plain.conn._codec.dehydrate(dt).tag == ord("F")
    patched = Wire(version=(4, 4))
    hello = patched.send(m.Hello({**AUTH, "patch_bolt": ["utc"]}))[0].metadata
    assert hello["patch_bolt"] == ["utc"]
    assert patched.conn._codec.dehydrate(dt).tag == ord("I")


def test_parameters_are_hydrated_for_the_backend():
    backend = FakeBackend()
    wire = Wire(backend=backend)
    wire.login()
    params = {"when": values.DateTime(5, 0, 0, "UTC"), "at": values.Point(7203, 1.0, 2.0)}
    replies = wire.send(run("ECHO", params), m.Pull(-1))
    assert backend.params_seen == [params]
    assert replies[1].values == list(params.values())


def test_unknown_structure_in_parameters_fails_without_closing():
    wire = ready()
    # RUN "ECHO" {p: Structure 'Z'} {} packed by hand.
    raw = bytes.fromhex("B310 84 4543484F A1 8170 B0 5A A0")
    replies = wire.send_bytes(chunk_message(raw))
    assert kinds(replies) == ["FAILURE"]
    assert wire.state is State.FAILED and not wire.conn.closed
    assert kinds(wire.send(m.Reset())) == ["SUCCESS"]


@pytest.mark.parametrize("raw", ["01", "B1 10 01", "B0 77", "B3 10 81"])
def test_malformed_messages_fail_and_close(raw):
    wire = ready()
    replies = wire.send_bytes(chunk_message(bytes.fromhex(raw.replace(" ", ""))))
    assert kinds(replies) == ["FAILURE"]
    assert wire.conn.closed


def test_well_framed_request_with_wrong_field_types_fails_without_closing():
    wire = ready()
    replies = wire.send_bytes(chunk_message(bytes.fromhex("B310 01 A0 A0")))  # query = 1
    assert kinds(replies) == ["FAILURE"] and "RUN query" in replies[0].metadata["message"]
    assert wire.state is State.FAILED and not wire.conn.closed


def test_message_over_the_size_limit_fails_and_closes():
    wire = Wire(version=(5, 8), max_message_size=1000)
    wire.login()
    replies = wire.send(run("ECHO", {"blob": b"x" * 5000}))
    assert kinds(replies) == ["FAILURE"]
    assert "limit of 1000" in replies[0].metadata["message"]
    assert wire.conn.closed


def test_keep_alive_chunks_between_messages_are_ignored():
    wire = ready()
    data = b"\x00\x00" + frame(run("RANGE 1")) + b"\x00\x00\x00\x00" + frame(m.Pull(-1))
    assert kinds(wire.send_bytes(data)) == ["SUCCESS", "RECORD", "SUCCESS"]


def test_queued_reset_interrupts_requests_before_it():
    backend = FakeBackend()
    wire = Wire(backend=backend)
    wire.login()
    replies = wire.send(run("RANGE 3"), m.Pull(-1), m.Reset(), run("RANGE 1"), m.Pull(-1))
    assert kinds(replies) == ["IGNORED", "IGNORED", "SUCCESS", "SUCCESS", "RECORD", "SUCCESS"]
    assert backend.produced == 1


def test_route_answers_the_backend_table():
    wire = ready()
    rt = wire.send(m.Route({"address": "x"}, [], {"db": "graph1"}))[0].metadata["rt"]
    assert rt["db"] == "graph1" and {s["role"] for s in rt["servers"]} == {"ROUTE", "READ", "WRITE"}


def test_goodbye_closes_silently_and_later_bytes_are_ignored():
    backend = FakeBackend()
    wire = Wire(backend=backend)
    wire.login()
    assert wire.send(m.Goodbye(), run("RANGE 1")) == []
    assert wire.conn.closed
    assert wire.send(run("RANGE 1")) == []
    wire.conn.close()
    wire.conn.close()
    assert backend.closed_sessions == ["bolt-test"]


def test_big_result_is_produced_in_slices():
    backend = FakeBackend()
    wire = Wire(backend=backend, flush_bytes=64 * 1024)
    wire.login()
    wire.conn.receive_data(frame(run("RANGE 100000"), m.Pull(-1)))
    first = wire.conn.outgoing()
    assert 64 * 1024 <= len(first) < 200 * 1024
    assert backend.produced < 100000 // 2  # not materialised up front
    rest = drain(wire.conn)
    assert backend.produced == 100000
    assert rest.endswith(b"\x00\x00") and wire.state is State.READY


def test_counters():
    wire = ready()
    wire.send(run(SYNTAX))
    wire.send(m.Reset())
    assert wire.conn.messages_received == 4 and wire.conn.failures_sent == 1


def test_record_larger_than_one_chunk_is_split_and_reassembled():
    wire = ready()
    text = "é" * 70000  # 140,000 bytes: three chunks
    replies = wire.send(run("ECHO", {"t": text}), m.Pull(-1))
    assert kinds(replies) == ["SUCCESS", "RECORD", "SUCCESS"]
    assert replies[1].values == [text]


def test_results_in_a_transaction_report_the_database_of_begin():
    wire = ready()
    replies = wire.send(m.Begin({"db": "graph7"}), run("ECHO"), m.Pull(-1))
    assert replies[-1].metadata["db"] == "graph7"
