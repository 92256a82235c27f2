"""Mutated TCK queries (tokens deleted, inserted, swapped) must fail, if at all, with a
Cypher error: never an internal exception (which a client would see as UnknownError)."""

from __future__ import annotations

import random
import re

from tests.cypher.parser.tck_queries import tck_queries
from tugraph_bolt.cypher.parser import parse
from tugraph_bolt.cypher.semantic import check
from tugraph_bolt.errors import CypherError

_TOKEN = re.compile(r"\s+|\w+|'[^']*'|\"[^\"]*\"|\S")
_VOCABULARY = [
    "(", ")", "[", "]", "{", "}", ",", ".", "..", ":", "|", "-", "->", "<-", "*", "=", "<>",
    "+", "$p", "x", "n", "1", "'s'", "MATCH", "RETURN", "WHERE", "WITH", "AS", "IN", "NOT",
    "AND", "CASE", "WHEN", "THEN", "END", "EXISTS", "count", "ALL", "reduce", "UNION",
    "YIELD", "CALL", "ORDER", "BY", "IS", "NULL", "-->", "<--", "0x", "9223372036854775808",
    "`", "/*", "//", ";", " ",
]  # fmt: skip


def mutate(text: str, rng: random.Random) -> str:
    tokens = [m.group(0) for m in _TOKEN.finditer(text)]
    for _ in range(rng.randint(1, 3)):
        if not tokens:
            break
        k = rng.randrange(len(tokens))
        roll = rng.random()
        if roll < 0.35:
            del tokens[k]
        elif roll < 0.7:
            tokens.insert(k, rng.choice(_VOCABULARY))
        else:
            j = rng.randrange(len(tokens))
            tokens[k], tokens[j] = tokens[j], tokens[k]
    return "".join(tokens)


def test_mutated_queries_fail_only_with_cypher_errors():
    rng = random.Random(20261126)
    texts = sorted({q.text for q in tck_queries()})
    internal = []
    rejected = 0
    for _ in range(600):
        query = mutate(rng.choice(texts), rng)
        try:
            check(parse(query))
        except CypherError:
            rejected += 1
        except Exception as exc:  # noqa: BLE001 - the point of the test
            internal.append((query, repr(exc)))
    assert internal == []
    assert rejected > 100  # the mutations do break most queries
