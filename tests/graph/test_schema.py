"""TuGraph label schemas enforced at transaction time and re-checked at apply; indexes."""

import pytest

from tugraph_bolt import errors
from tugraph_bolt import values as v
from tugraph_bolt.graph import Store

PERSON = [("id", "INT64", False), ("name", "STRING", True), ("age", "INT8", True)]


@pytest.fixture
def store():
    s = Store(id_block_size=64)
    tx = s.begin()
    tx.create_vertex_label("Person", "id", PERSON)
    tx.create_edge_label("KNOWS", [["Person", "Person"]], [("since", "INT32", True)])
    assert s.commit(tx).ok
    return s


def test_declared_label_checks_types_and_fields(store):
    tx = store.begin()
    a = tx.create_node(["Person"], {"id": 1, "name": "Ann", "age": 30})
    assert tx.node(a).props == {"id": 1, "name": "Ann", "age": 30}
    with pytest.raises(errors.SchemaError, match=r"Cannot convert input \[300\] into type \[INT8\]"):
        tx.create_node(["Person"], {"id": 2, "age": 300})
    with pytest.raises(errors.SchemaError, match="missing"):
        tx.create_node(["Person"], {"name": "NoId"})
    with pytest.raises(errors.SchemaError, match=r"Field \[email\] does not exist."):
        tx.create_node(["Person"], {"id": 3, "email": "x"})
    with pytest.raises(errors.SchemaError, match="INT64"):
        tx.create_node(["Person"], {"id": "one"})
    with pytest.raises(errors.SchemaError, match=r"Field \[id\] is not optional."):
        tx.set_node_property(a, "id", None)
    with pytest.raises(errors.SchemaError):
        tx.set_node_property(a, "age", -129)
    tx.set_node_property(a, "age", -128)
    tx.set_node_property(a, "name", None)  # optional: removable
    assert tx.node(a).props == {"id": 1, "age": -128}


def test_primary_key_unique_in_tx_and_lookup_uses_index(store):
    tx = store.begin()
    a = tx.create_node(["Person"], {"id": 1})
    with pytest.raises(errors.ConstraintValidationFailed, match="already exists"):
        tx.create_node(["Person"], {"id": 1})
    assert tx.lookup("Person", "id", 1) == [a]
    assert tx.lookup("Person", "id", 1.0) == [a]  # Cypher equality: 1 = 1.0
    assert tx.lookup("Person", "id", 2) == []
    assert tx.lookup("Person", "name", "x") is None  # no index covers it
    assert store.commit(tx).ok
    assert store.state.lookup("Person", "id", 1) == [a]
    tx = store.begin()
    tx.set_node_property(a, "id", 5)
    assert tx.lookup("Person", "id", 1) == [] and tx.lookup("Person", "id", 5) == [a]


def test_type_conversions(store):
    tx = store.begin()
    tx.create_vertex_label(
        "T", "k",
        [("k", "STRING", False), ("d", "DATE", True), ("dt", "DATETIME", True),
         ("f", "FLOAT", True), ("b", "BOOL", True), ("blob", "BLOB", True),
         ("p", "POINT", True)],
    )  # fmt: skip
    n = tx.create_node(["T"], {"k": "x", "d": "1970-01-11", "dt": "1970-01-01T00:01:00",
                               "f": 2, "b": True, "blob": b"\x01", "p": v.Point(7203, 1.0, 2.0)})
    props = tx.node(n).props
    assert props["d"] == v.Date(10) and props["dt"] == v.LocalDateTime(60, 0)
    assert props["f"] == 2.0 and isinstance(props["f"], float)
    with pytest.raises(errors.SchemaError):
        tx.create_node(["T"], {"k": "y", "b": 1})
    with pytest.raises(errors.SchemaError):
        tx.create_node(["T"], {"k": "z", "d": "not a date"})
    assert store.commit(tx).ok


def test_edge_label_constraints_and_types(store):
    tx = store.begin()
    a = tx.create_node(["Person"], {"id": 1})
    b = tx.create_node(["Person"], {"id": 2})
    c = tx.create_node(["City"], {})
    tx.create_rel("KNOWS", a, b, {"since": 2020})
    with pytest.raises(errors.SchemaError, match="edge constraints"):
        tx.create_rel("KNOWS", a, c, {})
    with pytest.raises(errors.SchemaError):
        tx.create_rel("KNOWS", a, b, {"since": "long ago"})
    assert store.commit(tx).ok


def test_label_errors(store):
    tx = store.begin()
    with pytest.raises(errors.SchemaError, match=r"Vertex label \[Person\] already exists."):
        tx.create_vertex_label("Person", "id", PERSON)
    with pytest.raises(errors.SchemaError, match=r"Edge label \[KNOWS\] already exists."):
        tx.create_edge_label("KNOWS", [], [])
    with pytest.raises(errors.SchemaError, match="Unknown type name: varchar"):
        tx.create_vertex_label("X", "id", [("id", "VARCHAR", False)])
    with pytest.raises(errors.SchemaError, match="Primary field"):
        tx.create_vertex_label("X", "nope", [("id", "INT64", False)])
    with pytest.raises(errors.SchemaError, match="defined more than once"):
        tx.create_vertex_label("X", "id", [("id", "INT64", False), ("id", "STRING", True)])


def test_strict_schema():
    store = Store(strict_schema=True)
    tx = store.begin()
    with pytest.raises(errors.SchemaError, match="Vertex label unknown does not exist."):
        tx.create_node(["unknown"], {})
    tx.create_vertex_label("known", "id", [("id", "INT64", False)])
    a = tx.create_node(["known"], {"id": 1})
    with pytest.raises(errors.SchemaError, match="Edge label R does not exist."):
        tx.create_rel("R", a, a, {})
    with pytest.raises(errors.SchemaError):
        tx.add_labels(a, ["unknown"])


def test_undeclared_labels_are_free(store):
    tx = store.begin()
    n = tx.create_node(["Anything"], {"x": 1})
    tx.add_labels(n, ["More"])
    assert tx.node(n).labels == ("Anything", "More")


def test_add_index_builds_over_existing_data_and_unique_violation(store):
    tx = store.begin()
    a = tx.create_node(["Person"], {"id": 1, "name": "Ann"})
    tx.create_node(["Person"], {"id": 2, "name": "Ann"})
    assert store.commit(tx).ok
    tx = store.begin()
    tx.add_index("vertex", "Person", "name", False)
    assert len(tx.lookup("Person", "name", "Ann")) == 2
    assert tx.stats["indexes-added"] == 1
    tx2 = store.begin()
    with pytest.raises(errors.ConstraintValidationFailed):
        tx2.add_index("vertex", "Person", "name", True)
    with pytest.raises(errors.SchemaError, match=r"Field \[zip\] does not exist."):
        tx2.add_index("vertex", "Person", "zip", False)
    with pytest.raises(errors.SchemaError, match=r"Primary index \[id\] can not be deleted."):
        tx2.drop_index("vertex", "Person", "id")
    assert store.commit(tx).ok
    assert store.state.lookup("Person", "name", "Ann") == sorted(store.state.lookup("Person", "name", "Ann"))
    tx = store.begin()
    tx.remove_labels(a, ["Person"])
    assert tx.lookup("Person", "name", "Ann") != [] and a not in tx.lookup("Person", "name", "Ann")


def test_edge_index_unique_and_pair_unique(store):
    tx = store.begin()
    a = tx.create_node(["Person"], {"id": 1})
    b = tx.create_node(["Person"], {"id": 2})
    tx.add_index("edge", "KNOWS", "since", False, True)
    r = tx.create_rel("KNOWS", a, b, {"since": 1})
    tx.create_rel("KNOWS", b, a, {"since": 1})  # other pair: fine
    with pytest.raises(errors.ConstraintValidationFailed, match="pair unique"):
        tx.create_rel("KNOWS", a, b, {"since": 1})
    assert tx.lookup_rels("KNOWS", "since", 1) == [r, r + 1]


def test_delete_label_removes_its_data(store):
    tx = store.begin()
    a = tx.create_node(["Person"], {"id": 1})
    b = tx.create_node(["Person"], {"id": 2})
    other = tx.create_node(["City"], {})
    tx.create_rel("KNOWS", a, b, {})
    tx.create_rel("IN", a, other, {})
    assert store.commit(tx).ok
    tx = store.begin()
    tx.delete_label("vertex", "Person")
    assert tx.node(a) is None and tx.node(other) is not None
    assert store.commit(tx).ok
    state = store.state
    assert state.rel_count() == 0 and state.schema.vertex_labels() == []
    assert state.lookup("Person", "id", 1) is None
    tx = store.begin()
    with pytest.raises(errors.SchemaError, match=r"Label \[Person\] does not exist."):
        tx.delete_label("vertex", "Person")


def test_vertex_label_over_existing_nodes_is_checked(store):
    tx = store.begin()
    tx.create_node(["Late"], {"id": 1})
    tx.create_node(["Late"], {"id": 1})
    with pytest.raises(errors.ConstraintValidationFailed):
        tx.create_vertex_label("Late", "id", [("id", "INT64", False)])


def test_drop_db(store):
    tx = store.begin()
    tx.create_node(["Person"], {"id": 1})
    assert store.commit(tx).ok
    tx = store.begin()
    tx.drop_db()
    assert store.commit(tx).ok
    assert store.state.node_count() == 0 and store.state.schema.vertex_labels() == []
    assert store.state.schema.indexes() == []


def test_neo4j_style_index_commands():
    store = Store()
    tx = store.begin()
    assert tx.create_index("Movie", "title") is True
    assert tx.create_index("Movie", "title", if_not_exists=True) is False
    try:
        tx.create_index("Movie", "title")
        raise AssertionError("expected an error")
    except errors.SchemaError as exc:
        assert exc.code == "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
    assert tx.create_unique_constraint("Movie", "id") is True
    m = tx.create_node(["Movie"], {"id": 1, "title": "Up"})
    assert tx.lookup("Movie", "title", "Up") == [m]
    with pytest.raises(errors.ConstraintValidationFailed):
        tx.create_node(["Movie"], {"id": 1})
    assert tx.stats["indexes-added"] == 1 and tx.stats["constraints-added"] == 1
    assert tx.drop_index_on("Movie", "title") is True
    assert tx.drop_index_on("Movie", "title", if_exists=True) is False
    with pytest.raises(errors.SchemaError) as info:
        tx.drop_index_on("Movie", "title")
    assert info.value.code == "Neo.ClientError.Schema.SchemaRuleNotFound"
    assert tx.lookup("Movie", "title", "Up") is None
    assert store.commit(tx).ok
    assert [ix.field for ix in store.state.schema.indexes()] == ["id"]
