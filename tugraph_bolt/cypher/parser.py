"""Cypher text -> `ast.Query`, with Lark's LALR(1) parser and the grammar in
`<repo>/grammar/cypher.lark`.

>>> q = parse("MATCH (a)-[:KNOWS*1..2]->(b) WHERE a.age > 30 RETURN b")
>>> q.parts[0].clauses[0].patterns[0].element.rels[0].max_hops
2
>>> parse("RETUN 1")
Traceback (most recent call last):
...
tugraph_bolt.errors.CypherSyntaxError: Invalid input 'RETUN': expected ... (line 1, column 1)

The Lark parser is built once per process, lazily, from a grammar cache kept in a private
directory (see `_cache_file`), so start-up costs little after the first run. Building the tree and
transforming it are two steps because the transformer takes source spans from the tree's
tokens (the verbatim text of RETURN items becomes the column name).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import threading
import unicodedata
from pathlib import Path

import lark
from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from tugraph_bolt.cypher import ast
from tugraph_bolt.cypher._transform import CypherTransformer, ParseProblem
from tugraph_bolt.cypher._unparse import to_cypher
from tugraph_bolt.errors import CypherSyntaxError

__all__ = ["parse", "to_cypher", "grammar_path"]


def grammar_path() -> Path | None:
    """The grammar file: the repository copy first, then the packaged copy."""
    repo_copy = Path(__file__).resolve().parents[2] / "grammar" / "cypher.lark"
    if repo_copy.is_file():
        return repo_copy
    try:
        packaged = importlib.resources.files("tugraph_bolt") / "grammar" / "cypher.lark"
        if packaged.is_file():
            return Path(str(packaged))
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    return None


# Tokens after which '(' opens an argument list, never a node pattern.
_CALL_OPENERS = frozenset(
    {
        "NAME", "ESCAPED_NAME", "EXISTS", "ALL", "ANY", "NONE", "SINGLE", "REDUCE",
        "SHORTESTPATH", "ALLSHORTESTPATHS", "FOREACH",
    }
)  # fmt: skip


class _NodeParenMarker:
    """Post-lexer: retype '(' as NODE_LPAR when its ')' is followed by a relationship
    arrow (-- -[ <-- <-[), i.e. when the parenthesis opens a node of a pattern.

    This is the one token of lookahead past a balanced group that LALR(1) lacks; it is
    what tells `WHERE (a)-->(b)` (a pattern) from `WHERE (a) - 1` (arithmetic)."""

    always_accept = ()

    def process(self, stream):
        tokens = list(stream)
        closer: dict[int, int] = {}
        stack: list[int] = []
        for i, tok in enumerate(tokens):
            if tok.type == "LPAR":
                stack.append(i)
            elif tok.type == "RPAR" and stack:
                closer[stack.pop()] = i
        n = len(tokens)
        for i, tok in enumerate(tokens):
            if tok.type != "LPAR" or (i > 0 and tokens[i - 1].type in _CALL_OPENERS):
                continue
            j = closer.get(i)
            if j is None or j + 2 >= n:
                continue
            a, b = tokens[j + 1].type, tokens[j + 2].type
            c = tokens[j + 3].type if j + 3 < n else None
            if (
                (a == "MINUS" and b == "LSQB")
                or (a == "MINUS" and b == "MINUS" and c in ("GT", "LPAR"))
                or (a == "LT" and b == "MINUS" and c in ("MINUS", "LSQB"))
            ):
                tokens[i] = Token.new_borrow_pos("NODE_LPAR", tok.value, tok)
        yield from tokens


_lark: Lark | None = None
_lark_lock = threading.Lock()


def _parser() -> Lark:
    global _lark
    if _lark is None:
        with _lark_lock:
            if _lark is None:
                path = grammar_path()
                if path is None:
                    raise RuntimeError("grammar/cypher.lark not found (repository or package)")
                grammar = path.read_text(encoding="utf-8")
                _lark = Lark(
                    grammar,
                    parser="lalr",
                    lexer="basic",
                    postlex=_NodeParenMarker(),
                    maybe_placeholders=False,
                    cache=_cache_file(grammar),
                )
    return _lark


_LARK_OPTIONS = "lalr basic postlex no-positions"  # part of the cache key


def _cache_file(grammar: str) -> str | bool:
    """Where lark keeps the analysed grammar (start-up ~70 ms instead of ~500 ms).

    Not lark's default: that is a predictable name in the shared temp directory, and lark
    unpickles the file, so anyone able to write there first could run code in the server.
    A private directory of ours (mode 0700, owned by us) or no cache at all."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    directory = os.path.join(base, "tugraph-bolt")
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        info = os.stat(directory)
        if info.st_uid != os.getuid() or info.st_mode & 0o022:
            return False
    except OSError:
        return False
    key = grammar + lark.__version__ + _LARK_OPTIONS
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return os.path.join(directory, f"cypher-grammar-{digest}.lark-cache")


_TOO_DEEP = "The query nests too deeply (lists, maps or parentheses) to be parsed"


def parse(query: str) -> ast.Query:
    """Parse one Cypher statement. Raises `CypherSyntaxError` (TCK type SyntaxError) with
    a detail code (UnexpectedSyntax, IntegerOverflow, InvalidNumberLiteral, ...)."""
    try:
        tree = _parser().parse(query)
    except UnexpectedInput as exc:
        raise _syntax_error(query, exc) from None
    except RecursionError:
        raise CypherSyntaxError(_TOO_DEEP, detail="UnexpectedSyntax") from None
    try:
        # the transformer dispatches rules itself, so its errors arrive unwrapped
        return CypherTransformer(query).transform(tree)
    except RecursionError:
        raise CypherSyntaxError(_TOO_DEEP, detail="UnexpectedSyntax") from None
    except ParseProblem as problem:
        raise CypherSyntaxError(
            f"{problem.message} (line {problem.line}, column {problem.column})",
            detail=problem.detail,
            line=problem.line,
            column=problem.column,
        ) from None


# --- error messages a person can act on -----------------------------------------------

_READABLE = {
    "LPAR": "'('", "NODE_LPAR": "'('", "RPAR": "')'", "LSQB": "'['", "RSQB": "']'",
    "LBRACE": "'{'", "RBRACE": "'}'", "COMMA": "','", "DOT": "'.'", "DOTDOT": "'..'",
    "COLON": "':'", "SEMICOLON": "';'", "PIPE": "'|'", "EQ": "'='", "NE": "'<>'",
    "LT": "'<'", "GT": "'>'", "LE": "'<='", "GE": "'>='", "REGEX_MATCH": "'=~'",
    "PLUS": "'+'", "PLUSEQ": "'+='", "MINUS": "'-'", "STAR": "'*'", "SLASH": "'/'",
    "PERCENT": "'%'", "CARET": "'^'", "NAME": "an identifier",
    "ESCAPED_NAME": "an identifier", "PARAMETER": "a parameter", "NUMBER": "a number",
    "FLOAT": "a number", "STRING": "a string", "$END": "end of input",
}  # fmt: skip


def _describe_expected(names) -> str:
    """Readable alternatives: kinds of token first, then keywords, then punctuation."""
    words: list[str] = []
    for name in names:
        word = _READABLE.get(name, name if name.isupper() and name.isalpha() else None)
        if word is not None and word not in words:
            words.append(word)
    if not words:
        return "something else"
    words.sort(key=lambda w: (0 if w[0].islower() else 2 if w[0] == "'" else 1, w))
    if len(words) > 15:
        words = words[:15] + ["..."]
    return ", ".join(words)


def _syntax_error(query: str, exc: UnexpectedInput) -> CypherSyntaxError:
    line = getattr(exc, "line", None) or 1
    column = getattr(exc, "column", None) or 1
    detail = "UnexpectedSyntax"
    if isinstance(exc, UnexpectedCharacters):
        char = query[exc.pos_in_stream] if exc.pos_in_stream < len(query) else ""
        found = repr(char)
        if char and ord(char) > 127 and unicodedata.category(char).startswith(("P", "S")):
            detail = "InvalidUnicodeCharacter"  # e.g. an em dash pasted for a minus
        expected = _describe_expected(exc.allowed or ())
    elif isinstance(exc, UnexpectedToken):
        if exc.token.type == "$END":
            found = "end of input"
            line, column = _end_position(query)
        else:
            found = repr(str(exc.token))
        expected = _describe_expected(_acceptable(exc))
    elif isinstance(exc, UnexpectedEOF):
        found = "end of input"
        line, column = _end_position(query)
        expected = _describe_expected(exc.expected)
    else:  # pragma: no cover - lark has no other kinds today
        found, expected = "input", "something else"
    message = f"Invalid input {found}: expected {expected} (line {line}, column {column})"
    return CypherSyntaxError(message, detail=detail, line=line, column=column)


_soft_keywords: frozenset[str] | None = None


def _acceptable(exc: UnexpectedToken) -> set[str]:
    """The terminals the parser would really take here. lark's `expected` is the LALR
    state's lookahead set, which merges contexts (it offers AND after `MATCH (n)`);
    replaying each terminal on the interactive parser is exact. Keywords accepted only
    because they may name a variable are folded into 'an identifier'."""
    global _soft_keywords
    try:
        names = set(exc.interactive_parser.accepts())
    except Exception:  # lark internals: fall back to the state's lookahead set
        names = set(exc.expected)
    if _soft_keywords is None:
        rules = _parser().rules
        _soft_keywords = frozenset(
            r.expansion[0].name for r in rules if r.origin.name == "_soft_keyword"
        )
    if "NAME" in names:
        names -= _soft_keywords
    return names


def _end_position(query: str) -> tuple[int, int]:
    lines = query.split("\n")
    return len(lines), len(lines[-1]) + 1
