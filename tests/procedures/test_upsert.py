"""db.upsertVertex / db.upsertEdge (and the ByJson forms): counts and effects."""

import json

import pytest

from tugraph_bolt import errors
from tugraph_bolt.graph import Store
from tugraph_bolt.procedures import ProcedureContext, default_registry

REG = default_registry()


def call(tx, name, *args):
    return list(REG.call(name, ProcedureContext(tx, registry=REG), list(args)))


@pytest.fixture
def store():
    s = Store()
    tx = s.begin()
    tx.create_vertex_label("Person", "id", [("id", "INT64", False), ("name", "STRING", True),
                                            ("email", "STRING", True)])
    tx.add_index("vertex", "Person", "email", True)
    tx.create_edge_label("KNOWS", [], [("since", "INT32", True)])
    assert s.commit(tx).ok
    return s


def test_upsert_vertex_counts(store):
    tx = store.begin()
    rows = call(tx, "db.upsertVertex", "Person", [
        {"id": 1, "name": "Ann", "email": "a@x"},
        {"id": 2, "name": "Bob", "ignored": True},
        {"name": "no id"},                       # data error: no primary key
        {"id": 3, "name": None},                 # data error: null
        {"id": "four"},                          # data error: wrong type
        {"id": 5, "email": "a@x"},               # unique index held by node 1
        {"id": 1, "name": "Ann B."},             # update
    ])
    assert rows == [[7, 3, 1, 2, 1]]
    assert store.commit(tx).ok
    ann = store.state.lookup("Person", "id", 1)[0]
    assert store.state.node(ann).props == {"id": 1, "name": "Ann B.", "email": "a@x"}
    assert "ignored" not in store.state.node(store.state.lookup("Person", "id", 2)[0]).props


def test_upsert_vertex_by_json_and_errors(store):
    tx = store.begin()
    rows = call(tx, "db.upsertVertexByJson", "Person", json.dumps([{"id": 9}, {"id": 9}]))
    assert rows == [[2, 0, 0, 1, 1]]
    with pytest.raises(errors.CypherArgumentError, match="array"):
        call(tx, "db.upsertVertexByJson", "Person", '{"id": 1}')
    with pytest.raises(errors.SchemaError, match="does not exist"):
        call(tx, "db.upsertVertex", "Nobody", [])
    with pytest.raises(errors.CypherSyntaxError):
        call(tx, "db.upsertVertex", "Person", [1, 2])


def test_upsert_edge(store):
    tx = store.begin()
    call(tx, "db.upsertVertex", "Person", [{"id": 1}, {"id": 2}])
    spec_a, spec_b = {"type": "Person", "key": "src"}, {"type": "Person", "key": "dst"}
    rows = call(tx, "db.upsertEdge", "KNOWS", spec_a, spec_b, [
        {"src": 1, "dst": 2, "since": 2020},
        {"src": 1, "dst": 2, "since": 2021},     # same pair: update
        {"src": 1, "dst": 99},                   # unknown endpoint
        {"src": 2, "dst": 1, "since": "x"},      # bad value
    ])
    assert rows == [[4, 2, 0, 1, 1]]
    a = tx.lookup("Person", "id", 1)[0]
    (rel,) = tx.rels_of(a, "out", ("KNOWS",))
    assert rel.props == {"since": 2021}
    rows = call(tx, "db.upsertEdgeByJson", "KNOWS", spec_a, spec_b,
                json.dumps([{"src": 2, "dst": 1}]))
    assert rows == [[1, 0, 0, 1, 0]]
    with pytest.raises(errors.CypherArgumentError, match="missing"):
        call(tx, "db.upsertEdge", "KNOWS", {"type": "Person"}, spec_b, [])
    assert store.commit(tx).ok
    assert store.state.rel_count() == 2
