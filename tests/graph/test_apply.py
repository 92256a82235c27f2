"""apply: validation failures as outcomes, id blocks, dedup, index order, digest, codec."""

import pickle

import msgpack
import pytest

from tugraph_bolt.graph import (
    DEDUP_WINDOW,
    ApplyOrderError,
    CommandDecodeError,
    GraphState,
    IdBlocks,
    Store,
    apply,
    noop_command,
    reserve_ids_command,
    set_cluster_command,
    tx_command,
)

OUTDATED = "Neo.TransientError.Transaction.Outdated"
CONSTRAINT = "Neo.ClientError.Schema.ConstraintValidationFailed"


@pytest.fixture
def store():
    return Store(id_block_size=8)


def seeded(store):
    tx = store.begin()
    a = tx.create_node(["P"], {"k": 1})
    b = tx.create_node(["P"], {"k": 2})
    r = tx.create_rel("R", a, b, {})
    assert store.commit(tx).ok
    return a, b, r


def test_failure_leaves_graph_unchanged_but_advances_index(store):
    a, b, r = seeded(store)
    t1, t2 = store.begin(), store.begin()
    t1.delete_node(b, detach=True)
    t2.set_node_property(b, "k", 5)
    assert store.commit(t1).ok
    before = store.state
    outcome = store.commit(t2)
    assert (outcome.ok, outcome.code) == (False, OUTDATED)
    assert store.state.digest() == before.digest()
    assert store.state.applied_index == before.applied_index + 1


def test_conflict_on_changed_relationship(store):
    a, b, r = seeded(store)
    t1, t2 = store.begin(), store.begin()
    t1.set_rel_property(r, "w", 1)
    t2.delete_rel(r)
    assert store.commit(t1).ok
    assert store.commit(t2).code == OUTDATED


def test_endpoint_deleted_concurrently(store):
    a, b, r = seeded(store)
    t1, t2 = store.begin(), store.begin()
    t1.delete_node(a, detach=True)
    t2.create_rel("R", b, a, {})
    assert store.commit(t1).ok
    outcome = store.commit(t2)
    assert outcome.code == OUTDATED and "deleted" in outcome.message


def test_non_detached_delete_meets_new_relationship(store):
    tx = store.begin()
    a, b = tx.create_node([], {}), tx.create_node([], {})
    assert store.commit(tx).ok
    t1, t2 = store.begin(), store.begin()
    t1.create_rel("R", a, b, {})
    t2.delete_node(a)
    assert store.commit(t1).ok
    outcome = store.commit(t2)
    assert outcome.code == CONSTRAINT and "still has relationships" in outcome.message
    t3, t4 = store.begin(), store.begin()
    t3.create_rel("R", b, a, {})
    t4.delete_node(a, detach=True)
    assert store.commit(t3).ok
    assert store.commit(t4).code == OUTDATED


def test_unique_key_taken_concurrently(store):
    tx = store.begin()
    tx.create_vertex_label("User", "uid", [("uid", "INT64", False)])
    assert store.commit(tx).ok
    t1, t2 = store.begin(), store.begin()
    t1.create_node(["User"], {"uid": 7})
    t2.create_node(["User"], {"uid": 7})
    assert store.commit(t1).ok
    outcome = store.commit(t2)
    assert outcome.code == CONSTRAINT and "already exists" in outcome.message


def test_schema_changed_concurrently(store):
    t1, t2 = store.begin(), store.begin()
    t1.create_vertex_label("A", "id", [("id", "INT64", False)])
    t2.create_vertex_label("B", "id", [("id", "INT64", False)])
    assert store.commit(t1).ok
    assert store.commit(t2).code == OUTDATED


def test_id_blocks_reserved_through_the_log(store):
    ids = [store.ids.next_node_id() for _ in range(20)]
    assert ids == list(range(20))
    assert store.state.next_ids["node"] == 24  # three blocks of 8
    other = IdBlocks(store._reserve, block_size=8)  # a second owner
    assert other.next_node_id() == 24


def test_unreserved_id_is_refused():
    state = GraphState.empty()
    command = tx_command([["node+", 5, [], {}]])
    state, outcome = apply(state, command, 1)
    assert not outcome.ok and "never reserved" in outcome.message
    state, outcome = apply(state, reserve_ids_command("node", 10, "n1"), 2)
    assert outcome.ok and outcome.value == [0, 10]
    state, outcome = apply(state, command, 3)
    assert outcome.index == 1 and not outcome.ok  # same request id: the recorded outcome
    state, outcome = apply(state, tx_command([["node+", 5, [], {}]]), 4)
    assert outcome.ok and state.node(5) is not None
    state, outcome = apply(state, tx_command([["node+", 5, [], {}]]), 5)
    assert outcome.code == OUTDATED


def test_bad_reservation_is_an_outcome():
    state, outcome = apply(GraphState.empty(), reserve_ids_command("node", 0, "x"), 1)
    assert not outcome.ok
    state, outcome = apply(state, reserve_ids_command("bogus", 3, "x"), 2)
    assert not outcome.ok


def test_dedup_returns_same_outcome_without_reapplying():
    state = GraphState.empty()
    command = reserve_ids_command("node", 10, "n1", request_id="req-1")
    state, first = apply(state, command, 1)
    state, again = apply(state, command, 2)
    assert again == first and again.index == 1
    assert state.next_ids["node"] == 10 and state.applied_index == 2


def test_dedup_window_evicts_by_apply_order():
    state = GraphState.empty()
    state, first = apply(state, noop_command("old"), 1)
    for i in range(DEDUP_WINDOW):
        state, _ = apply(state, noop_command(f"r{i}"), i + 2)
    assert "old" not in state.dedup and len(state.dedup) == DEDUP_WINDOW
    state, again = apply(state, noop_command("old"), DEDUP_WINDOW + 2)
    assert again.index == DEDUP_WINDOW + 2  # forgotten, so applied afresh


def test_non_increasing_index_is_fatal():
    state, _ = apply(GraphState.empty(), noop_command(), 5)
    with pytest.raises(ApplyOrderError):
        apply(state, noop_command(), 5)
    with pytest.raises(ApplyOrderError):
        apply(state, noop_command(), 3)


@pytest.mark.parametrize(
    "blob",
    [b"", b"\xc1", msgpack.packb([2, "noop", "x", None]), msgpack.packb([1, "what", "x", None]),
     msgpack.packb({"a": 1}), msgpack.packb([1, "noop", 5, None]),
     msgpack.packb([1, "noop", "x", msgpack.ExtType(99, b"")])],
)
def test_undecodable_command_raises(blob):
    with pytest.raises(CommandDecodeError):
        apply(GraphState.empty(), blob, 1)


def test_malformed_payload_is_an_outcome():
    state, outcome = apply(GraphState.empty(), tx_command([["no-such-effect"]]), 1)
    assert not outcome.ok and state.applied_index == 1


def test_set_cluster_and_noop():
    members = {"nodes": [{"id": 1, "addr": "127.0.0.1:7687", "role": "voter"}], "v": 2}
    state, outcome = apply(GraphState.empty(), set_cluster_command(members), 1)
    assert outcome.ok and state.cluster == members
    d = state.digest()
    state, outcome = apply(state, noop_command(), 2)
    assert outcome.ok and state.digest() == d and state.applied_index == 2


def test_digest_tracks_graph_not_log_bookkeeping(store):
    seeded(store)
    d = store.state.digest()
    store.submit(noop_command())
    assert store.state.digest() == d
    tx = store.begin()
    tx.set_node_property(0, "k", 9)
    store.commit(tx)
    assert store.state.digest() != d


def test_pickled_state_keeps_digest_and_works(store):
    a, b, r = seeded(store)
    tx = store.begin()
    tx.create_vertex_label("U", "id", [("id", "INT64", False)])
    store.commit(tx)
    store.submit(set_cluster_command({"leader": 1}))
    restored = pickle.loads(pickle.dumps(store.state))
    assert restored.digest() == store.state.digest()
    assert restored.lookup("U", "id", 1) == []
    other = Store(state=restored)
    tx = other.begin()
    tx.create_node(["U"], {"id": 1})
    assert other.commit(tx).ok and other.state.lookup("U", "id", 1) != []


def test_same_commands_same_digest_on_two_replicas():
    primary = Store(id_block_size=8)
    commands = []
    submit = primary.submit

    def recording(command):
        commands.append(command)
        return submit(command)

    primary.submit = recording
    a, b, r = seeded(primary)
    tx = primary.begin()
    x = tx.create_node(["Q"], {"v": [1, 2]})
    tx.create_rel("S", x, a, {"w": 1.5})
    tx.delete_rel(r)
    assert primary.commit(tx).ok
    replica = GraphState.empty()
    for i, command in enumerate(commands, start=1):
        replica, _ = apply(replica, command, i)
    assert replica.digest() == primary.state.digest()
    assert replica.node_ids() == primary.state.node_ids()
