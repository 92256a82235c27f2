"""Store under concurrent writers: first committer wins, replicas replaying agree."""

import threading

from tugraph_bolt.graph import GraphState, Store, apply


def test_concurrent_writers_conflict_cleanly_and_replay_agrees():
    store = Store(id_block_size=8)
    log = []
    lock = threading.Lock()
    submit = store.submit

    def recording(command):
        with lock:  # keep the recorded order equal to the applied order
            outcome = submit(command)
            log.append(command)
            return outcome

    store.submit = recording
    tx = store.begin()
    counter = tx.create_node(["Counter"], {"n": 0})
    assert store.commit(tx).ok
    results = []

    def worker(seed: int) -> None:
        for i in range(25):
            tx = store.begin()
            node = tx.create_node(["W"], {"seed": seed, "i": i})
            tx.create_rel("BY", node, counter, {})
            tx.set_node_property(counter, "n", tx.node(counter).props["n"] + 1)
            outcome = store.commit(tx)
            results.append(outcome.ok or outcome.code)

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    committed = results.count(True)
    assert committed >= 1
    assert set(results) <= {True, "Neo.TransientError.Transaction.Outdated"}
    state = store.state
    # every committed increment is visible exactly once: no lost update
    assert state.node(counter).props["n"] == committed
    assert len(state.node_ids_by_label("W")) == committed
    assert state.degree(counter, "in") == committed
    ids = [store.state.node(n).id for n in state.node_ids()]
    assert len(ids) == len(set(ids))
    replica = GraphState.empty()
    for index, command in enumerate(log, start=1):
        replica, _ = apply(replica, command, index)
    assert replica.digest() == state.digest()
