"""Syntax errors: detail codes, positions and messages a person can act on."""

from __future__ import annotations

import pytest

from tugraph_bolt.cypher.parser import parse
from tugraph_bolt.errors import CypherSyntaxError

ERRORS = [
    # (query, detail, line, column)
    ("RETUN 1", "UnexpectedSyntax", 1, 1),
    ("MATCH (n)\nRETURN n,", "UnexpectedSyntax", 2, 10),
    ("MATCH (n\nRETURN n", "UnexpectedSyntax", 2, 1),
    ("RETURN 9223372036854775808", "IntegerOverflow", 1, 8),
    ("RETURN -9223372036854775809", "IntegerOverflow", 1, 9),
    ("RETURN 0x8000000000000000", "IntegerOverflow", 1, 8),
    ("RETURN 0o1000000000000000000001", "IntegerOverflow", 1, 8),
    ("RETURN 12a", "InvalidNumberLiteral", 1, 8),
    ("RETURN 0x", "InvalidNumberLiteral", 1, 8),
    ("RETURN 0x1j", "InvalidNumberLiteral", 1, 8),
    ("RETURN 1.34E999", "FloatingPointOverflow", 1, 8),
    ("RETURN 42 \u2014 41", "InvalidUnicodeCharacter", 1, 11),
    ("RETURN 1 # 2", "UnexpectedSyntax", 1, 10),
    ("RETURN [, ]", "UnexpectedSyntax", 1, 9),
    ("RETURN {1: 2}", "UnexpectedSyntax", 1, 9),
    ("MATCH (a)-[:T..]->(b) RETURN a", "InvalidRelationshipPattern", 1, 14),
    ("MATCH (a)-[:T*-2]->(b) RETURN a", "InvalidRelationshipPattern", 1, 14),
    ("RETURN foo(*)", "UnexpectedSyntax", 1, 8),
    ("RETURN [1, 2 WHERE true]", "UnexpectedSyntax", 1, 14),
    ("RETURN 'unterminated", "UnexpectedSyntax", 1, 8),
    ("", "UnexpectedSyntax", 1, 1),
]


@pytest.mark.parametrize(("query", "detail", "line", "column"), ERRORS, ids=[e[0] for e in ERRORS])
def test_syntax_error_detail_and_position(query, detail, line, column):
    with pytest.raises(CypherSyntaxError) as info:
        parse(query)
    err = info.value
    assert (err.detail, err.line, err.column) == (detail, line, column), str(err)
    assert err.code == "Neo.ClientError.Statement.SyntaxError"
    assert err.tck_type == "SyntaxError" and err.phase == "compile time"
    assert f"(line {line}, column {column})" in str(err)


def test_message_names_the_input_and_what_was_expected():
    with pytest.raises(CypherSyntaxError) as info:
        parse("RETUN 1")
    message = str(info.value)
    assert message.startswith("Invalid input 'RETUN': expected ")
    for keyword in ("MATCH", "RETURN", "CREATE"):
        assert keyword in message


def test_message_at_end_of_input():
    with pytest.raises(CypherSyntaxError) as info:
        parse("MATCH (n) RETURN")
    assert "Invalid input end of input" in str(info.value)


def test_minimum_integer_is_legal_only_negated():
    assert parse("RETURN -9223372036854775808").parts[0].clauses[0].projection.items[
        0
    ].expr.value == -(2**63)
    with pytest.raises(CypherSyntaxError):
        parse("RETURN 9223372036854775808 - 1")


def test_absurd_nesting_is_a_syntax_error_not_a_crash():
    with pytest.raises(CypherSyntaxError) as info:
        parse("RETURN " + "[" * 3000 + "]" * 3000)
    assert "nests too deeply" in str(info.value)


def test_expected_lists_only_what_fits_here():
    with pytest.raises(CypherSyntaxError) as info:
        parse("MATCH (n) WHER n.x = 1 RETURN n")
    expected = str(info.value).split("expected ", 1)[1]
    assert "WHERE" in expected and "RETURN" in expected
    assert "AND" not in expected and "'^'" not in expected  # not valid after a pattern


def test_keywords_that_may_be_identifiers_fold_into_identifier():
    with pytest.raises(CypherSyntaxError) as info:
        parse("RETURN 1 +")
    message = str(info.value)
    assert "an identifier" in message and "ASCENDING" not in message
