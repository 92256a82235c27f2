"""Random request sequences, pipelined in random batches: protocol invariants always hold."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tugraph_bolt.bolt import messages as m
from tugraph_bolt.bolt.states import State

from .wire import AUTH, Wire

REQUESTS = [
    m.Hello({"user_agent": "fuzz"}), m.Logon(AUTH), m.Logoff(), m.Telemetry(0), m.Reset(),
    m.Run("RANGE 3", {}, {}), m.Run("FAIL Neo.ClientError.Statement.SyntaxError", {}, {}),
    m.Run("CRASH", {}, {}), m.Run("FAIL_LATE 2", {}, {}), m.Begin({}), m.Commit(),
    m.Rollback(), m.Pull(1), m.Pull(-1), m.Pull(-1, qid=0), m.Discard(-1), m.Route({}, [], {}),
]
SUMMARY = (m.Success, m.Failure, m.Ignored)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(REQUESTS), min_size=1, max_size=14),
    st.lists(st.integers(1, 4), min_size=14, max_size=14),
    st.sampled_from([(4, 4), (5, 0), (5, 4), (5, 8)]),
    st.integers(0, 9),
)
def test_every_request_gets_one_summary_until_the_connection_closes(
    requests, cuts, version, login_roll
):
    wire = Wire(version=version)
    if login_roll:  # mostly start logged in, so sequences get past HELLO
        wire.login()
    replies = []
    position = 0
    for cut in cuts:
        batch = requests[position : position + cut]
        if not batch:
            break
        replies += wire.send(*batch)
        position += cut
    summaries = [r for r in replies if isinstance(r, SUMMARY)]
    if not wire.conn.closed:
        assert len(summaries) == len(requests)
    else:
        assert len(summaries) <= len(requests)
        assert wire.state is State.DEFUNCT
    # RECORDs only ever come right before more RECORDs or a PULL's SUCCESS/FAILURE.
    for before, after in zip(replies, replies[1:], strict=False):
        if isinstance(before, m.Record):
            assert isinstance(after, (m.Record, m.Success, m.Failure))
    # After a FAILURE, nothing succeeds until a RESET does.
    failed = False
    answered = [r for r in replies if isinstance(r, SUMMARY)]
    for request, reply in zip(requests, answered, strict=False):
        if failed and not isinstance(request, m.Reset):
            assert isinstance(reply, (m.Ignored, m.Failure)), (request, reply)
        if isinstance(reply, m.Failure):
            failed = True
        if isinstance(request, m.Reset) and isinstance(reply, m.Success):
            failed = False
    # A RESET, once logged in, always succeeds.
    if not wire.conn.closed and wire.state is not State.AUTHENTICATION:
        assert isinstance(wire.send(m.Reset())[-1], m.Success)
        assert wire.state is State.READY


def test_fuzz_sequences_reach_past_login():
    # Guard against a vacuous fuzz test: a logged-in sequence really streams and fails.
    wire = Wire(version=(5, 8))
    wire.login()
    replies = wire.send(REQUESTS[5], REQUESTS[13], REQUESTS[6], REQUESTS[13])
    replies += wire.send(REQUESTS[4])  # alone: a RESET in the same batch would interrupt
    assert [type(r).__name__ for r in replies] == [
        "Success", "Record", "Record", "Record", "Success", "Failure", "Ignored", "Success"]
