"""AST -> Cypher text -> AST round trips, over every query of the TCK."""

from __future__ import annotations

import dataclasses

import pytest

from tests.cypher.parser.tck_queries import tck_queries
from tugraph_bolt.cypher import ast
from tugraph_bolt.cypher.parser import parse, to_cypher
from tugraph_bolt.errors import CypherSyntaxError


def normalised(node):
    """The tree with each RETURN/WITH item reduced to (expression, column name): the
    printer always writes `expr AS name`."""
    if isinstance(node, tuple):
        return tuple(normalised(x) for x in node)
    if not isinstance(node, ast.Node):
        return node
    if isinstance(node, ast.ProjectionItem):
        return ("item", normalised(node.expr), node.name)
    changes = {
        f.name: normalised(getattr(node, f.name))
        for f in dataclasses.fields(node)
        if f.name not in ("line", "column")
    }
    return (type(node).__name__, tuple(sorted(changes.items(), key=lambda kv: kv[0])))


def test_every_tck_query_round_trips():
    failures = []
    count = 0
    for text in sorted({q.text for q in tck_queries()}):
        try:
            tree = parse(text)
        except CypherSyntaxError:
            continue  # the TCK expects some queries not to parse
        count += 1
        printed = to_cypher(tree)
        try:
            again = parse(printed)
        except CypherSyntaxError as exc:
            failures.append((text, printed, str(exc)))
            continue
        if normalised(again) != normalised(tree):
            failures.append((text, printed, "different tree"))
    assert count > 3500
    assert failures == []


@pytest.mark.parametrize(
    ("query", "printed"),
    [
        ("RETURN -1 - -2", "RETURN (-1) - (-2) AS `-1 - -2`"),
        ("MATCH (a)<-[r:T|U*2..]-(b) RETURN a", "MATCH (a)<-[r:T|U*2..]-(b) RETURN a AS a"),
        # an unaliased column is named by its verbatim text, backquotes included
        ("WITH 1 AS `end` RETURN `end`", "WITH 1 AS `end` RETURN `end` AS ```end```"),
        ("RETURN 'it\\'s\\n'", "RETURN 'it\\'s\\n' AS `'it\\'s\\n'`"),
    ],
)
def test_printed_text(query, printed):
    assert to_cypher(parse(query)) == printed
