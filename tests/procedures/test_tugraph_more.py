"""createLabel, *ByJson, label alterations, edge constraints, index listing, meta counts."""

import pytest

from tugraph_bolt import errors
from tugraph_bolt.graph import GraphState, Store, apply
from tugraph_bolt.procedures import ProcedureContext, default_registry

REG = default_registry()


def call(tx, name, *args):
    return list(REG.call(name, ProcedureContext(tx, registry=REG), list(args)))


@pytest.fixture
def store():
    s = Store()
    s.log = []
    submit = s.submit
    s.submit = lambda c: (s.log.append(c), submit(c))[1]
    return s


def committed(store, name, *args):
    tx = store.begin()
    rows = call(tx, name, *args)
    store.commit(tx).raise_for_error()
    return rows


def people(store, n=3):
    committed(store, "db.createLabel", "vertex", "Person", "id",
              ["id", "INT64", False], ["name", "STRING", True])
    tx = store.begin()
    ids = [tx.create_node(["Person"], {"id": i, "name": f"p{i}"}) for i in range(n)]
    store.commit(tx).raise_for_error()
    return ids


def replica_agrees(store):
    state = GraphState.empty()
    for index, command in enumerate(store.log, start=1):
        state, _ = apply(state, command, index)
    return state.digest() == store.state.digest()


def test_create_label_both_forms(store):
    people(store)
    committed(store, "db.createLabel", "edge", "KNOWS", '[["Person","Person"]]',
              "since", "INT32", True)
    tx = store.begin()
    assert call(tx, "db.getLabelSchema", "edge", "KNOWS") == [["since", "INT32", True]]
    assert tx.schema.edge_label("KNOWS").constraints == (("Person", "Person"),)
    with pytest.raises(errors.CypherArgumentError):
        call(tx, "db.createLabel", "vertex", "Bad", "id", "id", "INT64")


def test_create_by_json_with_indexes(store):
    committed(store, "db.createVertexLabelByJson",
              '{"label": "City", "primary": "code", "type": "VERTEX", "properties": ['
              '{"name": "code", "type": "STRING", "optional": false},'
              '{"name": "pop", "type": "INT64", "optional": true, "index": true}]}')
    committed(store, "db.createEdgeLabelByJson",
              '{"label": "ROAD", "type": "EDGE", "constraints": [["City", "City"]],'
              ' "properties": [{"name": "km", "type": "DOUBLE", "optional": true}]}')
    tx = store.begin()
    assert call(tx, "db.listLabelIndexes", "City", "vertex") == [
        ["City", "code", True, False], ["City", "pop", False, False]]
    assert call(tx, "db.edgeLabels") == [["ROAD"]]
    with pytest.raises(errors.CypherArgumentError, match="JSON"):
        call(tx, "db.createVertexLabelByJson", "{nope")


def test_alter_add_fields_fills_defaults(store):
    ids = people(store)
    rows = committed(store, "db.alterLabelAddFields", "vertex", "Person",
                     ["age", "INT8", 7, False], ["born", "DATE", "", True])
    assert rows == [[3]]
    state = store.state
    assert [state.node(i).props["age"] for i in ids] == [7, 7, 7]
    assert "born" not in state.node(ids[0]).props
    assert [f.name for f in state.schema.vertex_label("Person").fields] == ["id", "name", "age", "born"]
    tx = store.begin()
    with pytest.raises(errors.SchemaError, match="INT8"):
        call(tx, "db.alterLabelAddFields", "vertex", "Person", ["big", "INT8", 300, True])
    with pytest.raises(errors.SchemaError, match="defined more than once"):
        call(tx, "db.alterLabelAddFields", "vertex", "Person", ["age", "INT8", 1, True])
    with pytest.raises(errors.SchemaError, match="not optional"):
        call(tx, "db.alterLabelAddFields", "vertex", "Person", ["must", "STRING", None, False])
    assert replica_agrees(store)


def test_alter_del_and_mod_fields(store):
    ids = people(store)
    committed(store, "db.addIndex", "Person", "name", False)
    assert committed(store, "db.alterLabelDelFields", "vertex", "Person", ["name"]) == [[3]]
    state = store.state
    assert state.node(ids[0]).props == {"id": 0}
    assert state.lookup("Person", "name", "p0") is None
    tx = store.begin()
    with pytest.raises(errors.SchemaError, match="cannot be deleted"):
        call(tx, "db.alterLabelDelFields", "vertex", "Person", ["id"])
    with pytest.raises(errors.SchemaError, match="does not exist"):
        call(tx, "db.alterLabelDelFields", "vertex", "Person", ["zip"])
    assert committed(store, "db.alterLabelModFields", "vertex", "Person",
                     ["id", "INT16", False]) == [[3]]
    assert store.state.schema.vertex_label("Person").field("id").type == "INT16"
    tx = store.begin()
    with pytest.raises(errors.SchemaError, match="INT16"):
        tx.create_node(["Person"], {"id": 40000})
    with pytest.raises(errors.SchemaError, match="can not be optional"):
        call(tx, "db.alterLabelModFields", "vertex", "Person", ["id", "INT64", True])
    tx2 = store.begin()
    tx2.create_node(["Person"], {"id": 300})
    store.commit(tx2).raise_for_error()
    tx3 = store.begin()
    with pytest.raises(errors.SchemaError, match="INT8"):
        call(tx3, "db.alterLabelModFields", "vertex", "Person", ["id", "INT8", False])
    assert replica_agrees(store)


def test_alter_conflicts_with_concurrent_record_write(store):
    ids = people(store)
    t1, t2 = store.begin(), store.begin()
    t1.set_node_property(ids[0], "name", "changed")
    call(t2, "db.alterLabelAddFields", "vertex", "Person", ["age", "INT8", 1, True])
    assert store.commit(t1).ok
    assert store.commit(t2).code == "Neo.TransientError.Transaction.Outdated"


def test_edge_constraints(store):
    people(store)
    committed(store, "db.createEdgeLabel", "KNOWS", "[]", "w", "INT64", True)
    committed(store, "db.addEdgeConstraints", "KNOWS", '[["Person","Person"]]')
    tx = store.begin()
    a = tx.create_node(["Person"], {"id": 10})
    c = tx.create_node(["Thing"], {})
    with pytest.raises(errors.SchemaError, match="edge constraints"):
        tx.create_rel("KNOWS", a, c, {})
    with pytest.raises(errors.SchemaError, match="already exists"):
        call(tx, "db.addEdgeConstraints", "KNOWS", '[["Person","Person"]]')
    call(tx, "db.clearEdgeConstraints", "KNOWS")
    tx.create_rel("KNOWS", a, c, {})
    store.commit(tx).raise_for_error()
    tx = store.begin()
    with pytest.raises(errors.SchemaError):
        call(tx, "db.addEdgeConstraints", "KNOWS", '[["Person","Person"]]')  # existing edge


def test_meta_counts(store):
    ids = people(store)
    tx = store.begin()
    tx.create_rel("R", ids[0], ids[1], {})
    tx.create_node(["Other"], {})
    assert call(tx, "dbms.meta.count") == [["vertex", 4], ["edge", 1]]
    assert call(tx, "dbms.meta.countDetail") == [
        [True, "Other", 1], [True, "Person", 3], [False, "R", 1]]
