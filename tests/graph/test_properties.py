"""Property tests: replicas replaying the same log agree; snapshots keep the digest;
of two conflicting transactions exactly one commits."""

import pickle

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tugraph_bolt import errors
from tugraph_bolt import values as v
from tugraph_bolt.graph import GraphState, Store, apply

LABELS = st.sampled_from(["A", "B", "C"])
KEYS = st.sampled_from(["x", "y", "z"])
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False), st.text(max_size=5), st.binary(max_size=4),
    st.builds(v.Date, st.integers(-1000, 1000)),
    st.lists(st.integers(-5, 5), max_size=3),
)  # fmt: skip
REL = st.tuples(st.just("rel"), st.integers(0, 50), st.integers(0, 50), st.sampled_from(["R", "S"]))
OPS = st.one_of(
    REL, REL, REL,
    st.tuples(st.just("create"), st.lists(LABELS, max_size=2), st.dictionaries(KEYS, VALUES, max_size=2)),
    st.tuples(st.just("set"), st.integers(0, 50), KEYS, VALUES),
    st.tuples(st.just("rel"), st.integers(0, 50), st.integers(0, 50), st.sampled_from(["R", "S"])),
    st.tuples(st.just("rset"), st.integers(0, 50), KEYS, VALUES),
    st.tuples(st.just("delete"), st.integers(0, 50), st.booleans()),
    st.tuples(st.just("delrel"), st.integers(0, 50)),
    st.tuples(st.just("label"), st.integers(0, 50), LABELS, st.booleans()),
    st.tuples(st.just("index"), LABELS, KEYS, st.booleans()),
    st.tuples(st.just("user"), st.sampled_from(["ann", "bob"]), st.text(max_size=3)),
)
# creates first in every transaction so later ops have something to work on
CREATES = st.lists(
    st.tuples(st.just("create"), st.lists(LABELS, max_size=2), st.dictionaries(KEYS, VALUES, max_size=2)),
    min_size=1, max_size=4,
)  # fmt: skip
TXS = st.lists(
    st.tuples(CREATES, st.lists(OPS, min_size=2, max_size=10)).map(lambda t: t[0] + t[1]),
    min_size=2, max_size=10,
)  # fmt: skip


def run_op(tx, op):
    nodes = tx.node_ids()
    rels = tx.rel_ids()
    kind = op[0]
    try:
        if kind == "create":
            tx.create_node(op[1], op[2])
        elif kind == "set" and nodes:
            tx.set_node_property(nodes[op[1] % len(nodes)], op[2], op[3])
        elif kind == "rel" and nodes:
            tx.create_rel(op[3], nodes[op[1] % len(nodes)], nodes[op[2] % len(nodes)], {})
        elif kind == "rset" and rels:
            tx.set_rel_property(rels[op[1] % len(rels)], op[2], op[3])
        elif kind == "delete" and nodes:
            tx.delete_node(nodes[op[1] % len(nodes)], detach=op[2])
        elif kind == "delrel" and rels:
            tx.delete_rel(rels[op[1] % len(rels)])
        elif kind == "label" and nodes:
            target = nodes[op[1] % len(nodes)]
            (tx.add_labels if op[3] else tx.remove_labels)(target, [op[2]])
        elif kind == "index":
            tx.add_index("vertex", op[1], op[2], unique=op[3])
        elif kind == "user":
            if op[1] in tx.users:
                tx.set_password(op[1], op[2])
            else:
                tx.create_user(op[1], op[2])
    except errors.DatabaseError:
        pass  # e.g. non-storable value: the transaction stays usable


def recording_store():
    store = Store(id_block_size=4)
    log = []
    submit = store.submit

    def recording(command):
        outcome = submit(command)
        log.append((command, outcome))
        return outcome

    store.submit = recording
    return store, log


def try_commit(store, tx):
    try:
        return store.commit(tx)
    except errors.DatabaseError:
        return None  # deferred rule (connected node deleted) refused the command


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TXS, st.lists(st.booleans(), max_size=8))
def test_replicas_replaying_the_log_agree(txs, interleave):
    store, log = recording_store()
    outcomes = []
    pending = None
    for i, ops in enumerate(txs):
        tx = store.begin()
        for op in ops:
            run_op(tx, op)
        if i < len(interleave) and interleave[i] and pending is None:
            pending = tx  # commit later, after others: exercises conflicts
            continue
        outcomes.append(try_commit(store, tx))
    if pending is not None:
        outcomes.append(try_commit(store, pending))
    replica = GraphState.empty()
    replica_outcomes = []
    for index, (command, _) in enumerate(log, start=1):
        replica, outcome = apply(replica, command, index)
        replica_outcomes.append(outcome)
    assert replica.digest() == store.state.digest()
    assert replica.node_ids() == store.state.node_ids()
    assert replica_outcomes == [outcome for _, outcome in log]
    restored = pickle.loads(pickle.dumps(store.state))
    assert restored.digest() == store.state.digest()
    for label in ("A", "B", "C"):
        assert restored.node_ids_by_label(label) == store.state.node_ids_by_label(label)


@settings(max_examples=60, deadline=None)
@given(st.lists(OPS, min_size=1, max_size=5), KEYS, VALUES, VALUES, st.booleans())
def test_conflicting_pair_commits_exactly_one(setup, key, v1, v2, delete_second):
    store = Store(id_block_size=4)
    tx = store.begin()
    target = tx.create_node(["A"], {})
    for op in setup:
        run_op(tx, op)
    if tx.node(target) is None:
        return
    if try_commit(store, tx) is None or store.state.node(target) is None:
        return
    t1, t2 = store.begin(), store.begin()
    t1.set_node_property(target, key, v1 if v1 is not None else 1)
    if delete_second:
        t2.delete_node(target, detach=True)
    else:
        t2.set_node_property(target, key, v2 if v2 is not None else 2)
    first, second = store.commit(t1), store.commit(t2)
    assert [first.ok, second.ok].count(True) == 1
    assert second.code == "Neo.TransientError.Transaction.Outdated"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TXS)
def test_two_stores_running_the_same_transactions_agree(txs):
    stores = [Store(id_block_size=4), Store(id_block_size=4)]
    for ops in txs:
        outcomes = []
        for store in stores:
            tx = store.begin()
            for op in ops:
                run_op(tx, op)
            outcome = try_commit(store, tx)
            outcomes.append(None if outcome is None else (outcome.ok, outcome.code))
        assert outcomes[0] == outcomes[1]
    assert stores[0].state.digest() == stores[1].state.digest()
