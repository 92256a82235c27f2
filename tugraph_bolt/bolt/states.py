"""The Bolt server state machine: every (state, request) pair is decided in `TRANSITIONS`.

A rule names the connection's handler for the request and the next state on success, on
failure, and when the handler reports more to come (a stream with `has_more`, or HELLO on
5.1+ where authentication waits for LOGON). A pair missing from the table is a protocol
violation: FAILURE `Neo.ClientError.Request.Invalid`, then DEFUNCT and the connection
closes (as Neo4j does). In FAILED and INTERRUPTED every request but RESET and GOODBYE is
IGNORED; RESET always succeeds once the connection is past HELLO.

>>> rule_for(State.READY, "RUN")
Rule(action='run', success=<State.STREAMING: 'STREAMING'>, failure=<State.FAILED: 'FAILED'>, more=None)
>>> rule_for(State.READY, "COMMIT").action
'illegal'
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tugraph_bolt.bolt.messages import REQUEST_NAMES


class State(enum.Enum):
    NEGOTIATION = "NEGOTIATION"  # handshake done, waiting for HELLO
    AUTHENTICATION = "AUTHENTICATION"  # 5.1+: HELLO done, waiting for LOGON
    READY = "READY"
    STREAMING = "STREAMING"
    TX_READY = "TX_READY"
    TX_STREAMING = "TX_STREAMING"
    FAILED = "FAILED"
    INTERRUPTED = "INTERRUPTED"
    DEFUNCT = "DEFUNCT"


@dataclass(frozen=True, slots=True)
class Rule:
    action: str  # handler name; "ignore" -> IGNORED; "illegal" -> FAILURE + DEFUNCT
    success: State
    failure: State = State.FAILED
    more: State | None = None  # next state when the handler reports more to come


S = State
_RESET = Rule("reset", S.READY, S.DEFUNCT)
_GOODBYE = Rule("goodbye", S.DEFUNCT, S.DEFUNCT)

TRANSITIONS: dict[tuple[State, str], Rule] = {
    # Before HELLO: only HELLO (or leaving).
    (S.NEGOTIATION, "HELLO"): Rule("hello", S.READY, S.DEFUNCT, more=S.AUTHENTICATION),
    (S.NEGOTIATION, "GOODBYE"): _GOODBYE,
    # 5.1+: credentials come in LOGON; a failed LOGON closes the connection.
    (S.AUTHENTICATION, "LOGON"): Rule("logon", S.READY, S.DEFUNCT),
    (S.AUTHENTICATION, "RESET"): Rule("reset", S.AUTHENTICATION, S.DEFUNCT),
    (S.AUTHENTICATION, "GOODBYE"): _GOODBYE,
    # Idle and authenticated.
    (S.READY, "RUN"): Rule("run", S.STREAMING),
    (S.READY, "BEGIN"): Rule("begin", S.TX_READY),
    (S.READY, "ROUTE"): Rule("route", S.READY),
    (S.READY, "TELEMETRY"): Rule("telemetry", S.READY),
    (S.READY, "LOGOFF"): Rule("logoff", S.AUTHENTICATION),
    (S.READY, "RESET"): _RESET,
    (S.READY, "GOODBYE"): _GOODBYE,
    # An auto-commit result is open.
    (S.STREAMING, "PULL"): Rule("pull", S.READY, more=S.STREAMING),
    (S.STREAMING, "DISCARD"): Rule("discard", S.READY, more=S.STREAMING),
    (S.STREAMING, "RESET"): _RESET,
    (S.STREAMING, "GOODBYE"): _GOODBYE,
    # Inside an explicit transaction, no result open.
    (S.TX_READY, "RUN"): Rule("run", S.TX_STREAMING),
    (S.TX_READY, "COMMIT"): Rule("commit", S.READY),
    (S.TX_READY, "ROLLBACK"): Rule("rollback", S.READY),
    (S.TX_READY, "RESET"): _RESET,
    (S.TX_READY, "GOODBYE"): _GOODBYE,
    # Inside a transaction with one or more results open (addressed by qid).
    (S.TX_STREAMING, "RUN"): Rule("run", S.TX_STREAMING),
    (S.TX_STREAMING, "PULL"): Rule("pull", S.TX_READY, more=S.TX_STREAMING),
    (S.TX_STREAMING, "DISCARD"): Rule("discard", S.TX_READY, more=S.TX_STREAMING),
    (S.TX_STREAMING, "COMMIT"): Rule("commit", S.READY),  # open results are drained first
    (S.TX_STREAMING, "ROLLBACK"): Rule("rollback", S.READY),
    (S.TX_STREAMING, "RESET"): _RESET,
    (S.TX_STREAMING, "GOODBYE"): _GOODBYE,
    # After a FAILURE (or a RESET that overtook queued requests) until RESET.
    (S.FAILED, "RESET"): _RESET,
    (S.FAILED, "GOODBYE"): _GOODBYE,
    (S.INTERRUPTED, "RESET"): _RESET,
    (S.INTERRUPTED, "GOODBYE"): _GOODBYE,
}
for _state in (S.FAILED, S.INTERRUPTED):
    for _name in REQUEST_NAMES:
        TRANSITIONS.setdefault((_state, _name), Rule("ignore", _state, _state))
for _name in REQUEST_NAMES:
    # A DEFUNCT connection is closing: nothing more is read or answered.
    TRANSITIONS[(S.DEFUNCT, _name)] = Rule("drop", S.DEFUNCT, S.DEFUNCT)

ILLEGAL = Rule("illegal", S.DEFUNCT, S.DEFUNCT)

# States in which a queued RESET interrupts the requests queued before it.
INTERRUPTIBLE = frozenset({S.READY, S.STREAMING, S.TX_READY, S.TX_STREAMING, S.FAILED})


def rule_for(state: State, request_name: str) -> Rule:
    return TRANSITIONS.get((state, request_name), ILLEGAL)
