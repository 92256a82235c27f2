"""Java regular-expression forms accepted by `=~` (regex.py)."""

import re

import pytest

from tugraph_bolt.cypher import ops
from tugraph_bolt.cypher.regex import to_python
from tugraph_bolt.errors import CypherArgumentError


@pytest.mark.parametrize(
    "pattern, text, matches",
    [
        (r"\Qa.b\E", "a.b", True),
        (r"\Qa.b\E", "axb", False),
        (r"\Q(unclosed", "(unclosed", True),
        (r"\p{Upper}\p{Lower}+", "Ann", True),
        (r"\p{Upper}\p{Lower}+", "ann", False),
        (r"[\p{Digit}x]+", "1x2", True),
        (r"\P{Digit}+", "abc", True),
        (r"\P{Digit}+", "a1c", False),
        (r"\p{Punct}", "!", True),
        (r"\p{L}+", "Åsa", True),
        (r"\p{L}+", "a1", False),
        (r"a\R b", "a\r\n b", True),
        (r"a\h+b", "a \tb", True),
        (r"(?i)ABC", "abc", True),
        (r"[]a]+", "]a]", True),
        (r"a\z", "a", True),
        (r"\d+\.\d*", "12.5", True),
    ],
)
def test_java_patterns(pattern, text, matches):
    assert ops.regex_match(text, pattern) is matches


def test_plain_patterns_are_untouched():
    for p in [r"a.*b", r"[^a-z]+", r"(\w+)@(\w+)\.com", r"x{2,3}?"]:
        assert to_python(p) == p


def test_inexpressible_patterns_are_argument_errors():
    with pytest.raises(CypherArgumentError):
        ops.regex_match("a", r"\p{NoSuchProperty}")
    with pytest.raises(CypherArgumentError):
        ops.regex_match("a", "(")


def test_translation_compiles():
    re.compile(to_python(r"[\p{Alpha}\p{Digit}_]+\R?"))
