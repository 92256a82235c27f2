"""The state machine, socket-free, over EVERY (state, request) pair.

The expectations below are written out from the Bolt server state specification, not
read from `states.TRANSITIONS`, so the table is checked against an independent statement.
"""

import pytest

from tugraph_bolt.bolt import messages as m
from tugraph_bolt.bolt.states import State

from .wire import AUTH, Wire, kinds

S = State
SAMPLES = {
    "HELLO": m.Hello({"user_agent": "t"}),
    "LOGON": m.Logon(AUTH),
    "LOGOFF": m.Logoff(),
    "TELEMETRY": m.Telemetry(0),
    "GOODBYE": m.Goodbye(),
    "RESET": m.Reset(),
    "RUN": m.Run("RANGE 2", {}, {}),
    "BEGIN": m.Begin({}),
    "COMMIT": m.Commit(),
    "ROLLBACK": m.Rollback(),
    "DISCARD": m.Discard(-1),
    "PULL": m.Pull(-1),
    "ROUTE": m.Route({}, [], {}),
}
assert set(SAMPLES) == set(m.REQUEST_NAMES)

GOODBYE = (None, S.DEFUNCT)
LEGAL = {
    S.NEGOTIATION: {"HELLO": ("SUCCESS", S.AUTHENTICATION), "GOODBYE": GOODBYE},
    S.AUTHENTICATION: {
        "LOGON": ("SUCCESS", S.READY),
        "RESET": ("SUCCESS", S.AUTHENTICATION),
        "GOODBYE": GOODBYE,
    },
    S.READY: {
        "RUN": ("SUCCESS", S.STREAMING),
        "BEGIN": ("SUCCESS", S.TX_READY),
        "ROUTE": ("SUCCESS", S.READY),
        "TELEMETRY": ("SUCCESS", S.READY),
        "LOGOFF": ("SUCCESS", S.AUTHENTICATION),
        "RESET": ("SUCCESS", S.READY),
        "GOODBYE": GOODBYE,
    },
    S.STREAMING: {
        "PULL": ("SUCCESS", S.READY),
        "DISCARD": ("SUCCESS", S.READY),
        "RESET": ("SUCCESS", S.READY),
        "GOODBYE": GOODBYE,
    },
    S.TX_READY: {
        "RUN": ("SUCCESS", S.TX_STREAMING),
        "COMMIT": ("SUCCESS", S.READY),
        "ROLLBACK": ("SUCCESS", S.READY),
        "RESET": ("SUCCESS", S.READY),
        "GOODBYE": GOODBYE,
    },
    S.TX_STREAMING: {
        "RUN": ("SUCCESS", S.TX_STREAMING),
        "PULL": ("SUCCESS", S.TX_READY),
        "DISCARD": ("SUCCESS", S.TX_READY),
        "COMMIT": ("SUCCESS", S.READY),
        "ROLLBACK": ("SUCCESS", S.READY),
        "RESET": ("SUCCESS", S.READY),
        "GOODBYE": GOODBYE,
    },
    S.FAILED: {"RESET": ("SUCCESS", S.READY), "GOODBYE": GOODBYE},
    S.INTERRUPTED: {"RESET": ("SUCCESS", S.READY), "GOODBYE": GOODBYE},
    S.DEFUNCT: {},
}


def expected(state: State, name: str):
    if name in LEGAL[state]:
        return LEGAL[state][name]
    if state in (S.FAILED, S.INTERRUPTED):
        return ("IGNORED", state)
    if state is S.DEFUNCT:
        return (None, S.DEFUNCT)
    return ("FAILURE", S.DEFUNCT)  # a protocol violation closes the connection


def wire_in(state: State) -> Wire:
    wire = Wire(version=(5, 8))
    if state is S.NEGOTIATION:
        return wire
    if state is S.AUTHENTICATION:
        wire.send(SAMPLES["HELLO"])
    elif state is S.DEFUNCT:
        wire.send(m.Commit())  # illegal before HELLO
    else:
        wire.login()
        setup = {
            S.READY: [],
            S.STREAMING: [m.Run("RANGE 5", {}, {})],
            S.TX_READY: [m.Begin({})],
            S.TX_STREAMING: [m.Begin({}), m.Run("RANGE 5", {}, {})],
            S.FAILED: [m.Run("FAIL Neo.ClientError.Statement.SyntaxError", {}, {})],
            S.INTERRUPTED: [],
        }[state]
        if setup:
            wire.send(*setup)
        if state is S.INTERRUPTED:
            # Reached naturally only mid-batch (see test_queued_reset_interrupts...);
            # set it directly to examine each request in it.
            wire.conn.state = S.INTERRUPTED
    assert wire.state is state
    return wire


PAIRS = [(state, name) for state in State for name in SAMPLES]


@pytest.mark.parametrize("state,name", PAIRS, ids=[f"{s.value}-{n}" for s, n in PAIRS])
def test_every_state_and_request(state, name):
    wire = wire_in(state)
    replies = wire.send(SAMPLES[name])
    reply_kind, next_state = expected(state, name)
    if reply_kind is None:
        assert replies == []
    else:
        assert kinds(replies)[-1] == reply_kind
        assert all(k == "RECORD" for k in kinds(replies)[:-1])
    if reply_kind == "FAILURE":
        assert replies[-1].metadata["neo4j_code"] == "Neo.ClientError.Request.Invalid"
    assert wire.state is next_state
    assert wire.conn.closed == (next_state is S.DEFUNCT)


@pytest.mark.parametrize(
    "version,setup,request_,reply,next_state",
    [
        ((4, 4), [], m.Hello({"user_agent": "t", **AUTH}), "SUCCESS", S.READY),
        ((5, 0), [], m.Hello({"user_agent": "t", **AUTH}), "SUCCESS", S.READY),
        ((5, 1), [], m.Hello({"user_agent": "t"}), "SUCCESS", S.AUTHENTICATION),
        ((4, 4), "login", m.Logon(AUTH), "FAILURE", S.DEFUNCT),
        ((5, 0), "login", m.Logoff(), "FAILURE", S.DEFUNCT),
        ((5, 3), "login", m.Telemetry(1), "FAILURE", S.DEFUNCT),
        ((5, 4), "login", m.Telemetry(1), "SUCCESS", S.READY),
        ((4, 4), "fail", m.Logon(AUTH), "FAILURE", S.DEFUNCT),  # unknown even when FAILED
        ((4, 4), "login", m.Route({}, [], {"db": "x"}), "SUCCESS", S.READY),
    ],
)
def test_version_specific_requests(version, setup, request_, reply, next_state):
    wire = Wire(version=version)
    if setup in ("login", "fail"):
        wire.login()
    if setup == "fail":
        wire.send(m.Run("FAIL Neo.ClientError.Statement.SyntaxError", {}, {}))
    replies = wire.send(request_)
    assert kinds(replies) == [reply]
    assert wire.state is next_state
