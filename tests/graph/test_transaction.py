"""Transactions: own writes visible, snapshot isolation, versions, stats, value rules."""

import pytest

from tugraph_bolt import errors
from tugraph_bolt import values as v
from tugraph_bolt.graph import Store, unpack_value


@pytest.fixture
def store():
    return Store(id_block_size=16)


def commit(store, tx):
    outcome = store.commit(tx)
    outcome.raise_for_error()
    return outcome


def test_own_writes_visible_and_snapshot_untouched(store):
    tx = store.begin()
    a = tx.create_node(["Person"], {"name": "Ann", "age": 30})
    b = tx.create_node(["Person", "Admin"], {"name": "Bob"})
    r = tx.create_rel("KNOWS", a, b, {"since": 2020})
    assert tx.node(a).props == {"name": "Ann", "age": 30}
    assert tx.node_ids_by_label("Person") == (a, b)
    assert [rec.id for rec in tx.rels_of(a, "out")] == [r]
    assert [rec.id for rec in tx.rels_of(b, "in", ("KNOWS",))] == [r]
    assert tx.rels_of(b, "in", ("OTHER",)) == []
    assert store.state.node(a) is None and store.state.node_count() == 0
    commit(store, tx)
    state = store.state
    assert state.node(b).labels == ("Person", "Admin")
    assert state.rel(r).start == a and state.rel(r).end == b
    assert state.labels() == ["Admin", "Person"] and state.rel_types() == ["KNOWS"]
    assert state.property_keys() == ["age", "name", "since"]


def test_iteration_in_ascending_id_order(store):
    tx = store.begin()
    ids = [tx.create_node(["N"], {"i": i}) for i in range(40)]
    commit(store, tx)
    assert list(store.state.node_ids()) == sorted(ids)
    assert list(store.state.node_ids_by_label("N")) == sorted(ids)
    tx = store.begin()
    hub = ids[0]
    rels = [tx.create_rel("T", hub, other, None) for other in ids[1:]]
    commit(store, tx)
    assert [r.id for r in store.state.rels_of(hub, "both")] == sorted(rels)
    assert store.state.degree(hub, "out") == 39


def test_self_loop_listed_once_for_both(store):
    tx = store.begin()
    a = tx.create_node([], {})
    r = tx.create_rel("SELF", a, a, {})
    assert [x.id for x in tx.rels_of(a, "both")] == [r]
    assert [x.id for x in tx.rels_of(a, "out")] == [r]
    assert [x.id for x in tx.rels_of(a, "in")] == [r]


def test_snapshot_isolation_reader_keeps_its_root(store):
    tx = store.begin()
    a = tx.create_node(["P"], {"x": 1})
    commit(store, tx)
    reader = store.begin()
    writer = store.begin()
    writer.set_node_property(a, "x", 2)
    commit(store, writer)
    assert reader.node(a).props["x"] == 1
    assert store.state.node(a).props["x"] == 2


def test_versions_stamp_apply_index(store):
    tx = store.begin()
    a = tx.create_node(["P"], {})
    assert tx.node(a).version == -1
    outcome = commit(store, tx)
    assert store.state.node(a).version == outcome.index
    tx = store.begin()
    tx.set_node_property(a, "k", "v")
    outcome2 = commit(store, tx)
    assert store.state.node(a).version == outcome2.index > outcome.index


def test_first_committer_wins(store):
    tx = store.begin()
    a = tx.create_node(["P"], {"x": 0})
    commit(store, tx)
    t1, t2 = store.begin(), store.begin()
    t1.set_node_property(a, "x", 1)
    t2.set_node_property(a, "x", 2)
    assert store.commit(t1).ok
    lost = store.commit(t2)
    assert not lost.ok and lost.code == "Neo.TransientError.Transaction.Outdated"
    with pytest.raises(errors.WriteConflict):
        lost.raise_for_error()
    assert store.state.node(a).props["x"] == 1


def test_disjoint_writers_both_commit(store):
    tx = store.begin()
    a = tx.create_node(["P"], {})
    b = tx.create_node(["P"], {})
    commit(store, tx)
    t1, t2 = store.begin(), store.begin()
    t1.set_node_property(a, "x", 1)
    t2.set_node_property(b, "x", 2)
    t2.create_rel("R", a, b, {})  # endpoints only need to exist
    assert store.commit(t1).ok and store.commit(t2).ok


def test_stats_counters(store):
    tx = store.begin()
    a = tx.create_node(["A", "B"], {"x": 1, "y": None})
    b = tx.create_node([], {})
    tx.create_rel("R", a, b, {"w": 1})
    tx.add_labels(b, ["C", "C"])
    tx.remove_labels(a, ["B", "Z"])
    tx.set_node_property(b, "gone", None)  # no-op: nothing to remove
    assert tx.stats == {
        "nodes-created": 2, "relationships-created": 1, "properties-set": 2,
        "labels-added": 3, "labels-removed": 1, "contains-updates": True,
    }
    commit(store, tx)
    tx = store.begin()
    tx.delete_node(a, detach=True)
    assert tx.stats["nodes-deleted"] == 1 and tx.stats["relationships-deleted"] == 1
    assert store.begin().stats == {}


def test_read_only_transaction_has_no_command(store):
    tx = store.begin()
    assert tx.command() is None and not tx.has_writes
    assert store.commit(tx).ok


def test_delete_then_read(store):
    tx = store.begin()
    a = tx.create_node(["P"], {})
    commit(store, tx)
    tx = store.begin()
    tx.delete_node(a)
    assert tx.node(a) is None and tx.is_node_deleted(a)
    assert tx.node_ids_by_label("P") == ()
    with pytest.raises(errors.EntityNotFound):
        tx.set_node_property(a, "x", 1)
    tx.delete_node(a)  # twice is fine
    commit(store, tx)
    assert store.state.node(a) is None


def test_non_detach_delete_deferred_to_commit(store):
    tx = store.begin()
    a = tx.create_node([], {})
    b = tx.create_node([], {})
    r = tx.create_rel("R", a, b, {})
    commit(store, tx)
    tx = store.begin()
    tx.delete_node(a)
    tx.delete_rel(r)  # same statement deletes the relationship after the node
    commit(store, tx)
    assert store.state.node(a) is None and store.state.rel(r) is None
    assert store.state.rels_of(b) == []
    tx = store.begin()
    tx.delete_node(b)
    c = tx.create_node([], {})
    tx.create_rel("R", c, c, {})
    tx.delete_node(c)
    with pytest.raises(errors.ConstraintVerificationFailed):
        tx.command()


def test_detach_delete_removes_relationships(store):
    tx = store.begin()
    a, b = tx.create_node([], {}), tx.create_node([], {})
    r1, r2 = tx.create_rel("R", a, b, {}), tx.create_rel("R", b, a, {})
    commit(store, tx)
    tx = store.begin()
    tx.delete_node(a, detach=True)
    assert tx.is_rel_deleted(r1) and tx.is_rel_deleted(r2)
    commit(store, tx)
    assert store.state.rel_count() == 0 and store.state.rel_types() == []


def test_property_value_rules(store):
    tx = store.begin()
    a = tx.create_node([], {"l": [1, 2.5], "s": ["a"], "empty": []})
    assert tx.node(a).props["l"] == [1, 2.5]
    with pytest.raises(errors.CypherTypeError):
        tx.create_node([], {"m": {"a": 1}})
    with pytest.raises(errors.CypherTypeError):
        tx.set_node_property(a, "mixed", [1, "a"])
    with pytest.raises(errors.CypherTypeError):
        tx.set_node_property(a, "nested", [[1]])
    with pytest.raises(errors.CypherTypeError):
        tx.set_node_property(a, "nulls", [None])
    tx.set_node_property(a, "l", None)
    assert "l" not in tx.node(a).props


def test_temporal_and_bytes_round_trip_through_command(store):
    values = {
        "d": v.Date(19000), "t": v.Time(5, 3600), "lt": v.LocalTime(7),
        "ldt": v.LocalDateTime(1, 2), "dt": v.DateTime(10, 20, -3600, "Europe/Paris"),
        "dur": v.Duration(1, 2, 3, 4), "p": v.Point(7203, 1.0, 2.0),
        "p3": v.Point(4979, 1.0, 2.0, 3.0), "b": b"\x00\xff", "f": -0.0,
        "big": -(2**63), "ds": [v.Date(1), v.Date(2)],
    }
    tx = store.begin()
    a = tx.create_node(["V"], values)
    command = tx.command()
    effects = unpack_value(command)[3]["effects"]
    assert effects[0][3] == values
    commit(store, tx)
    assert store.state.node(a).props == values


def test_set_properties_replace_and_merge(store):
    tx = store.begin()
    a = tx.create_node([], {"a": 1, "b": 2})
    tx.set_node_properties(a, {"b": 3, "c": 4})
    assert tx.node(a).props == {"a": 1, "b": 3, "c": 4}
    tx.set_node_properties(a, {"z": 0}, replace=True)
    assert tx.node(a).props == {"z": 0}


def test_rel_property_and_missing_endpoint(store):
    tx = store.begin()
    a = tx.create_node([], {})
    r = tx.create_rel("R", a, a, {"w": 1})
    tx.set_rel_property(r, "w", 2)
    assert tx.rel(r).props == {"w": 2}
    with pytest.raises(errors.EntityNotFound):
        tx.create_rel("R", a, 99999, {})


def test_users_through_transactions(store):
    assert store.create_user("admin", "h1").ok
    assert store.state.users["admin"].password_hash == "h1"
    assert not store.create_user("admin", "h2").ok
    assert store.set_password("admin", "h3").ok
    assert store.state.users["admin"].password_hash == "h3"
    assert store.delete_user("admin").ok and "admin" not in store.state.users
    assert not store.delete_user("admin").ok
    tx = store.begin()
    with pytest.raises(errors.CypherArgumentError):
        tx.delete_user("nobody")
