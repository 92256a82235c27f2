"""The CLI's pure parts: addresses, credentials, statement splitting, tables."""

from __future__ import annotations

import pytest

from tugraph_bolt import values
from tugraph_bolt.ops.connect import Credentials, OpsError, parse_addresses
from tugraph_bolt.ops.shell import split_statements
from tugraph_bolt.ops.table import display, render_table


@pytest.mark.parametrize("given, expected", [
    (None, [("127.0.0.1", 7687)]),
    (["10.0.0.1:1,10.0.0.2:2", "10.0.0.1:1"], [("10.0.0.1", 1), ("10.0.0.2", 2)]),
    (["bolt://h:7"], [("h", 7)]),
    (["neo4j://h:8"], [("h", 8)]),
    (["[::1]:9"], [("::1", 9)]),
    (["justhost"], [("justhost", 7687)]),
])
def test_addresses(given, expected):
    assert parse_addresses(given) == expected


@pytest.mark.parametrize("bad", ["h:notaport", "h:0", "h:70000", ":5"])
def test_bad_addresses(bad):
    with pytest.raises(OpsError, match="bad address"):
        parse_addresses([bad])


def test_credentials_come_from_flags_then_env_then_defaults(monkeypatch):
    monkeypatch.delenv("TUGRAPH_USER", raising=False)
    monkeypatch.delenv("TUGRAPH_PASSWORD", raising=False)
    assert Credentials.from_args(None, None, 1.0) == Credentials("admin", "73@TuGraph", 1.0)
    monkeypatch.setenv("TUGRAPH_USER", "ops")
    monkeypatch.setenv("TUGRAPH_PASSWORD", "env-secret")
    assert Credentials.from_args(None, None, 1.0) == Credentials("ops", "env-secret", 1.0)
    assert Credentials.from_args("u", "p", 1.0) == Credentials("u", "p", 1.0)


@pytest.mark.parametrize("text, statements, rest", [
    ("RETURN 1; RETURN 2;", ["RETURN 1", "RETURN 2"], ""),
    ("RETURN 'a;b' AS s; RETURN \"c;\" + `x;y`", ["RETURN 'a;b' AS s"], 'RETURN "c;" + `x;y`'),
    ("RETURN 'it\\'s;' AS s;", ["RETURN 'it\\'s;' AS s"], ""),
    ("// note; more\nRETURN 1;", ["// note; more\nRETURN 1"], ""),
    ("/* a; b */ RETURN 1; /* trailing; */", ["/* a; b */ RETURN 1"], ""),
    (";;  ;\n", [], ""),
    ("MATCH (n)\nRETURN n", [], "MATCH (n)\nRETURN n"),
])
def test_split_statements(text, statements, rest):
    assert split_statements(text) == (statements, rest)


def test_table_layout():
    table = render_table(["name", "n"], [["Ann", 1], [None, 22]])
    assert table.splitlines() == [
        "+------+----+",
        "| name | n  |",
        "+------+----+",
        "| Ann  | 1  |",
        "| null | 22 |",
        "+------+----+",
    ]


def test_display_of_graph_and_other_values():
    a = values.Node(1, ("P",), {"name": "A"})
    b = values.Node(2, (), {})
    r = values.Relationship(5, 1, 2, "KNOWS", {})
    assert display(a) == '(:P {"name":"A"})'
    assert display(b) == "()"
    assert display(values.Path((a, b), (r,))) == '(:P {"name":"A"})-[:KNOWS]->()'
    assert display(values.Path((b, a), (r,))) == '()<-[:KNOWS]-(:P {"name":"A"})'
    assert display([1, "x", None]) == '[1,"x",null]'
    assert display(values.Date(0)) == "1970-01-01"
    assert display([values.Date(0)]) == '["1970-01-01"]'
    assert (display(True), display(1.5), display(None)) == ("true", "1.5", "null")
