"""IdMap, its transient builder, id sets, and big sets inside real transactions."""

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from tugraph_bolt import errors
from tugraph_bolt.graph import GraphState, Store, apply, idset
from tugraph_bolt.graph.idmap import HOLE, IdMap, IdMapBuilder

KEYS = st.integers(0, 5000)
OPS = st.lists(st.tuples(st.booleans(), KEYS), max_size=300)


@settings(max_examples=80, deadline=None)
@given(OPS)
def test_idmap_and_builder_agree_with_a_dict(ops):
    model: dict[int, int] = {}
    persistent = IdMap()
    builder = IdMapBuilder(IdMap())
    for n, (add, key) in enumerate(ops):
        if add:
            model[key] = n
            persistent = persistent.set(key, n)
            builder.set(key, n)
        elif key in model:
            del model[key]
            persistent = persistent.delete(key)
            builder.delete(key)
    frozen = builder.freeze()
    for m in (persistent, builder, frozen):
        assert len(m) == len(model)
        assert m.sorted_keys() == tuple(sorted(model))
        assert all(m.get(k) == v and k in m for k, v in model.items())
    assert frozen == persistent
    assert pickle.loads(pickle.dumps(frozen)) == frozen


def test_builder_never_changes_its_base():
    base = IdMap().set(1, "a").set(40, "b")
    builder = IdMapBuilder(base)
    builder.set(1, "changed").delete(40)
    builder.set(99, "new")
    assert base.get(1) == "a" and base.get(40) == "b" and 99 not in base
    assert builder.freeze().sorted_keys() == (1, 99)


def test_hole_survives_pickle():
    assert pickle.loads(pickle.dumps(HOLE)) is HOLE
    m = IdMap().set(3, None)
    assert pickle.loads(pickle.dumps(m)).get(3, "missing") is None


@settings(max_examples=80, deadline=None)
@given(OPS)
def test_idset_matches_a_set(ops):
    model: set[int] = set()
    ids = None
    for add, key in ops:
        if add:
            model.add(key)
            ids = idset.add(ids, key)
        else:
            model.discard(key)
            ids = idset.remove(ids, key)
        assert idset.ordered(ids) == tuple(sorted(model))
        assert all(idset.contains(ids, k) for k in model)
    assert (ids is None) == (not model)


def test_big_label_sets_and_hubs_across_transactions():
    store = Store(id_block_size=100)
    log = []
    submit = store.submit
    store.submit = lambda c: (log.append(c), submit(c))[1]
    tx = store.begin()
    hub = tx.create_node(["Hub"], {})
    people = [tx.create_node(["Person"], {"i": i}) for i in range(300)]
    rels = [tx.create_rel("KNOWS", hub, p, {}) for p in people]
    assert tx.degree(hub, "out") == 300 and len(tx.node_ids_by_label("Person")) == 300
    assert store.commit(tx).ok
    tx = store.begin()
    for p in people[::2]:
        tx.delete_node(p, detach=True)
    tx.remove_labels(people[1], ["Person"])
    assert len(tx.node_ids_by_label("Person")) == 149
    assert [r.id for r in tx.rels_of(hub, "out")] == rels[1::2]
    assert store.commit(tx).ok
    state = store.state
    assert state.node_ids_by_label("Person") == tuple(people[3::2])
    assert state.rel_ids_by_type("KNOWS") == tuple(rels[1::2])
    tx = store.begin()
    for r in rels[1::2]:
        tx.delete_rel(r)
    assert store.commit(tx).ok
    assert store.state.rel_types() == [] and store.state.rels_of(hub) == []
    replica = GraphState.empty()
    for index, command in enumerate(log, start=1):
        replica, _ = apply(replica, command, index)
    assert replica.digest() == store.state.digest()
    assert pickle.loads(pickle.dumps(store.state)).digest() == replica.digest()


def test_failed_write_leaves_transaction_usable():
    store = Store()
    tx = store.begin()
    tx.create_vertex_label("U", "id", [("id", "INT64", False)])
    a = tx.create_node(["U"], {"id": 1})
    with_rel = tx.create_rel("R", a, a, {})
    try:
        tx.create_node(["U"], {"id": 1})  # unique violation after partial index work
    except errors.ConstraintValidationFailed:
        pass
    assert tx.node_ids_by_label("U") == (a,) and tx.lookup("U", "id", 1) == [a]
    assert [r.id for r in tx.rels_of(a)] == [with_rel]
    assert store.commit(tx).ok
    assert store.state.node_count() == 1
