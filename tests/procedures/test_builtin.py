"""Built-in procedures: TuGraph schema procedures and Neo4j token listings."""

import pytest

from tugraph_bolt import errors
from tugraph_bolt.graph import Store
from tugraph_bolt.procedures import ProcedureContext, default_registry

REG = default_registry()


@pytest.fixture
def store():
    return Store()


def call(tx, name, *args):
    return list(REG.call(name, ProcedureContext(tx, registry=REG), list(args)))


def committed(store, name, *args):
    tx = store.begin()
    rows = call(tx, name, *args)
    store.commit(tx).raise_for_error()
    return rows


def person(store):
    committed(store, "db.createVertexLabel", "Person", "id", "id", "INT64", False,
              "name", "STRING", True, "age", "INT8", True)


def test_create_vertex_label_and_listings(store):
    person(store)
    tx = store.begin()
    assert call(tx, "db.vertexLabels") == [["Person"]]
    assert call(tx, "db.getLabelSchema", "vertex", "Person") == [
        ["id", "INT64", False], ["name", "STRING", True], ["age", "INT8", True]]
    (schema,), = call(tx, "db.getVertexSchema", "Person")
    assert schema["label"] == "Person" and schema["primary"] == "id"
    assert schema["type"] == "VERTEX"
    assert schema["properties"][0] == {"name": "id", "type": "INT64", "optional": False,
                                       "index": True, "unique": True}
    assert call(tx, "db.indexes") == [["Person", "id", "vertex", True, False]]


def test_create_vertex_label_errors(store):
    person(store)
    tx = store.begin()
    with pytest.raises(errors.SchemaError, match=r"Vertex label \[Person\] already exists."):
        call(tx, "db.createVertexLabel", "Person", "id", "id", "INT64", False)
    with pytest.raises(errors.SchemaError, match="Unknown type name: x"):
        call(tx, "db.createVertexLabel", "P2", "id", "id", "x", False)
    with pytest.raises(errors.SchemaError, match="Primary field"):
        call(tx, "db.createVertexLabel", "P3", "key", "id", "INT64", False)
    with pytest.raises(errors.CypherArgumentError, match="triples"):
        call(tx, "db.createVertexLabel", "P4", "id", "id", "INT64")
    with pytest.raises(errors.CypherSyntaxError, match="required number of arguments"):
        call(tx, "db.createVertexLabel", "P5")


def test_schema_enforced_after_procedure(store):
    person(store)
    tx = store.begin()
    tx.create_node(["Person"], {"id": 1})
    with pytest.raises(errors.SchemaError, match="INT8"):
        tx.create_node(["Person"], {"id": 2, "age": 300})
    with pytest.raises(errors.SchemaError, match="missing"):
        tx.create_node(["Person"], {"name": "no id"})
    with pytest.raises(errors.ConstraintValidationFailed):
        tx.create_node(["Person"], {"id": 1})


def test_create_edge_label(store):
    person(store)
    committed(store, "db.createEdgeLabel", "KNOWS", '[["Person","Person"]]',
              "since", "INT32", True, "weight", "DOUBLE", False)
    tx = store.begin()
    assert call(tx, "db.edgeLabels") == [["KNOWS"]]
    (schema,), = call(tx, "db.getEdgeSchema", "KNOWS")
    assert schema["constraints"] == [["Person", "Person"]] and schema["type"] == "EDGE"
    assert call(tx, "db.getLabelSchema", "edge", "KNOWS") == [
        ["since", "INT32", True], ["weight", "DOUBLE", False]]
    with pytest.raises(errors.SchemaError, match=r"Edge label \[KNOWS\] already exists."):
        call(tx, "db.createEdgeLabel", "KNOWS", "[]")
    with pytest.raises(errors.SchemaError, match="JSON"):
        call(tx, "db.createEdgeLabel", "BAD", "[[")
    a = tx.create_node(["Person"], {"id": 1})
    with pytest.raises(errors.SchemaError, match=r"Field \[weight\] is not optional."):
        tx.create_rel("KNOWS", a, a, {})
    tx.create_rel("KNOWS", a, a, {"weight": 1})


def test_get_schema_of_unknown_label(store):
    tx = store.begin()
    with pytest.raises(errors.SchemaError, match=r"Label \[Nope\] does not exist."):
        call(tx, "db.getLabelSchema", "vertex", "Nope")
    with pytest.raises(errors.SchemaError):
        call(tx, "db.getEdgeSchema", "Nope")
    with pytest.raises(errors.CypherArgumentError, match="label_type"):
        call(tx, "db.getLabelSchema", "thing", "Nope")


def test_add_index_and_edge_index(store):
    person(store)
    committed(store, "db.createEdgeLabel", "KNOWS", "[]", "since", "INT32", True)
    committed(store, "db.addIndex", "Person", "name", False)
    committed(store, "db.addEdgeIndex", "KNOWS", "since", False, True)
    tx = store.begin()
    assert call(tx, "db.indexes") == [
        ["KNOWS", "since", "edge", False, True],
        ["Person", "id", "vertex", True, False],
        ["Person", "name", "vertex", False, False],
    ]
    with pytest.raises(errors.SchemaError, match=r"VertexIndex \[Person:name\] already exist."):
        call(tx, "db.addIndex", "Person", "name", False)
    with pytest.raises(errors.SchemaError, match=r"Label \[Ghost\] does not exist."):
        call(tx, "db.addIndex", "Ghost", "name", False)
    with pytest.raises(errors.SchemaError, match=r"Field \[zip\] does not exist."):
        call(tx, "db.addIndex", "Person", "zip", True)
    call(tx, "db.deleteIndex", "Person", "name")
    assert ["Person", "name", "vertex", False, False] not in call(tx, "db.indexes")
    a = tx.create_node(["Person"], {"id": 1, "name": "Ann"})
    assert tx.lookup("Person", "id", 1) == [a]


def test_delete_label_and_drop_db(store):
    person(store)
    tx = store.begin()
    tx.create_node(["Person"], {"id": 1})
    store.commit(tx).raise_for_error()
    committed(store, "db.deleteLabel", "vertex", "Person")
    assert store.state.node_count() == 0 and store.state.schema.vertex_labels() == []
    with pytest.raises(errors.SchemaError, match=r"Label \[Person\] does not exist."):
        committed(store, "db.deleteLabel", "vertex", "Person")
    person(store)
    committed(store, "db.dropDB")
    assert store.state.schema.vertex_labels() == []


def test_neo4j_token_listings(store):
    tx = store.begin()
    a = tx.create_node(["B", "A"], {"k2": 1, "k1": 2})
    tx.create_rel("T", a, a, {"w": 1})
    assert call(tx, "db.labels") == [["A"], ["B"]]
    assert call(tx, "db.relationshipTypes") == [["T"]]
    assert call(tx, "db.propertyKeys") == [["k1"], ["k2"], ["w"]]


def test_dbms_procedures_lists_all(store):
    rows = call(store.begin(), "dbms.procedures")
    names = [r[0] for r in rows]
    assert names == sorted(names, key=str.lower)
    for expected in ("db.createVertexLabel", "db.createEdgeLabel", "db.vertexLabels",
                     "db.edgeLabels", "db.getLabelSchema", "db.getVertexSchema",
                     "db.getEdgeSchema", "db.deleteLabel", "db.addIndex", "db.addEdgeIndex",
                     "db.indexes", "db.dropDB", "dbms.procedures", "db.labels",
                     "db.relationshipTypes", "db.propertyKeys"):
        assert expected in names
    by_name = {r[0]: r for r in rows}
    assert by_name["db.vertexLabels"][1] == "db.vertexLabels() :: (label :: STRING)"
    assert by_name["db.vertexLabels"][2] is True
    assert by_name["db.dropDB"][2] is False
