"""TCK value cells: parse the table syntax, and put engine values in the same comparable form.

Both sides become *canonical* values: hashable tagged tuples in which 1, 1.0 and true differ,
NaN equals NaN, labels compare as sets and entity identity is ignored (as the TCK wants):

>>> canon_cell("[1, 1.0, 'a', null]")
('list', (('int', 1), ('float', 1.0), ('str', 'a'), ('null',)))
>>> canon_cell("(:B:A {p: 1})") == canon_cell("(:A:B {p: 1})")
True
>>> canon_cell("<(:A)-[:T]->()>")[0]
'path'

Temporal results appear in the TCK as strings, so engine temporal values are compared by
their Cypher string form. A parameter cell is turned into a plain Python value with
`parse_value`.
"""

from __future__ import annotations

import math
import re

from tugraph_bolt import values as V

NULL = ("null",)


class CellSyntaxError(ValueError):
    pass


# --- canonical form of engine values ---------------------------------------------------


def canon_value(v) -> tuple:
    """The canonical form of a value returned by the engine."""
    if v is None:
        return NULL
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, int):
        return ("int", v)
    if isinstance(v, float):
        return _canon_float(v)
    if isinstance(v, str):
        return ("str", v)
    if isinstance(v, (list, tuple)):
        return _canon_list([canon_value(x) for x in v], False)
    if isinstance(v, dict):
        return _canon_map({k: canon_value(x) for k, x in v.items()})
    if isinstance(v, V.Node):
        return _canon_node(v.labels, _props(v.properties))
    if isinstance(v, V.Relationship):
        return _canon_rel(v.type, _props(v.properties))
    if isinstance(v, V.Path):
        return _canon_path_value(v)
    if isinstance(v, (*V.TEMPORAL_TYPES, V.Point)):
        from tugraph_bolt.cypher.functions import FUNCTIONS

        return ("str", FUNCTIONS["tostring"].fn(None, [v]))
    raise TypeError(f"the engine returned a value of unexpected type: {v!r}")


def _props(props) -> dict:
    return {k: canon_value(x) for k, x in props.items() if x is not None}


def _canon_float(f: float) -> tuple:
    if math.isnan(f):
        return ("float", "NaN")
    return ("float", f + 0.0)  # -0.0 and 0.0 are one value in a TCK table


def _canon_list(items: list, unordered: bool) -> tuple:
    if unordered:
        items = sorted(items, key=repr)
    return ("list", tuple(items))


def _canon_map(entries: dict) -> tuple:
    return ("map", tuple(sorted(entries.items())))


def _canon_node(labels, props: dict) -> tuple:
    return ("node", tuple(sorted(set(labels))), _canon_map(props))


def _canon_rel(rel_type: str, props: dict) -> tuple:
    return ("rel", rel_type, _canon_map(props))


def _canon_path_value(p: V.Path) -> tuple:
    parts = [canon_value(p.nodes[0])]
    for i, rel in enumerate(p.relationships):
        forward = rel.start == p.nodes[i].id and (rel.end == p.nodes[i + 1].id
                                                  or rel.start != p.nodes[i + 1].id)
        parts.append((">" if forward else "<", canon_value(rel)))
        parts.append(canon_value(p.nodes[i + 1]))
    return ("path", tuple(parts))


# --- the cell parser -----------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<float>-?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|-?\d+[eE][+-]?\d+)
      | (?P<int>-?(?:0x[0-9a-fA-F]+|0o[0-7]+|\d+))
      | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<word>-?[A-Za-z_][A-Za-z_0-9]*|`[^`]*`)
      | (?P<arrow><-|->|-)
      | (?P<punct>[\[\](){}<>:,|])
    )""",
    re.VERBOSE,
)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "'": "'", '"': '"',
            "\\": "\\"}


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = self._tokenize(text)
        self.pos = 0

    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, str]]:
        tokens, i = [], 0
        while i < len(text):
            if text[i:].strip() == "":
                break
            m = _TOKEN.match(text, i)
            if not m or m.end() == i:
                raise CellSyntaxError(f"cannot read {text[i:]!r} in {text!r}")
            kind = m.lastgroup
            tokens.append((kind, m.group(kind)))
            i = m.end()
        return tokens

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise CellSyntaxError(f"expected {value or 'a value'} at token {self.pos} of "
                                  f"{self.text!r}")
        self.pos += 1
        return tok

    def at(self, value: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[1] == value

    def done(self) -> None:
        if self.peek() is not None:
            raise CellSyntaxError(f"trailing input in {self.text!r}")

    # value := scalar | list | map | node | rel | path
    def value(self, plain: bool):
        kind, text = self.peek() or ("", "")
        if text == "[":
            nxt = self.peek(1)
            if nxt is not None and nxt[1] == ":" and not plain:
                return self.rel()
            return self.list_(plain)
        if text == "{":
            return self.map_(plain)
        if text == "(" and not plain:
            return self.node()
        if text == "<" and not plain:
            return self.path()
        self.take()
        if kind == "int":
            n = int(text, 0) if "x" in text or "o" in text else int(text)
            return n if plain else ("int", n)
        if kind == "float":
            return float(text) if plain else _canon_float(float(text))
        if kind == "string":
            s = _unquote(text)
            return s if plain else ("str", s)
        if kind == "word":
            return self._word(text, plain)
        raise CellSyntaxError(f"unexpected {text!r} in {self.text!r}")

    def _word(self, text: str, plain: bool):
        special = {"null": None, "true": True, "false": False, "NaN": math.nan,
                   "Inf": math.inf, "Infinity": math.inf, "-Inf": -math.inf,
                   "-Infinity": -math.inf}
        if text not in special:
            raise CellSyntaxError(f"unknown word {text!r} in {self.text!r}")
        v = special[text]
        return v if plain else canon_value(v)

    def list_(self, plain: bool):
        self.take("[")
        items = []
        while not self.at("]"):
            items.append(self.value(plain))
            if not self.at("]"):
                self.take(",")
        self.take("]")
        return items if plain else ("list", tuple(items))

    def _key(self) -> str:
        kind, text = self.take()
        if kind == "string":
            return _unquote(text)
        if kind == "word":
            return text.strip("`")
        raise CellSyntaxError(f"bad map key {text!r} in {self.text!r}")

    def _entries(self, plain: bool) -> dict:
        self.take("{")
        entries = {}
        while not self.at("}"):
            key = self._key()
            self.take(":")
            entries[key] = self.value(plain)
            if not self.at("}"):
                self.take(",")
        self.take("}")
        return entries

    def map_(self, plain: bool):
        entries = self._entries(plain)
        return entries if plain else _canon_map(entries)

    def _labels(self) -> list[str]:
        labels = []
        while self.at(":"):
            self.take(":")
            labels.append(self._key())
        return labels

    def _properties(self) -> dict:
        if not self.at("{"):
            return {}
        entries = self._entries(plain=False)
        return {k: v for k, v in entries.items() if v != NULL}

    def node(self) -> tuple:
        self.take("(")
        labels = self._labels()
        props = self._properties()
        self.take(")")
        return _canon_node(labels, props)

    def rel(self) -> tuple:
        self.take("[")
        types = self._labels()
        if len(types) != 1:
            raise CellSyntaxError(f"a relationship needs one type in {self.text!r}")
        props = self._properties()
        self.take("]")
        return _canon_rel(types[0], props)

    def path(self) -> tuple:
        self.take("<")
        parts = [self.node()]
        while not self.at(">"):
            left = self.take()[1]
            rel = self.rel()
            right = self.take()[1]
            if (left, right) == ("-", "->"):
                direction = ">"
            elif (left, right) == ("<-", "-"):
                direction = "<"
            else:
                raise CellSyntaxError(f"bad path step {left}{right} in {self.text!r}")
            parts.append((direction, rel))
            parts.append(self.node())
        self.take(">")
        return ("path", tuple(parts))


def canon_cell(text: str) -> tuple:
    """The canonical form of a TCK result cell."""
    p = _Parser(text)
    v = p.value(plain=False)
    p.done()
    return v


def unorder(c: tuple) -> tuple:
    """Canonical value with every list's elements sorted (for 'ignoring element order')."""
    tag = c[0]
    if tag == "list":
        return _canon_list([unorder(x) for x in c[1]], True)
    if tag == "map":
        return ("map", tuple((k, unorder(x)) for k, x in c[1]))
    return c


def parse_value(text: str):
    """A parameter cell as a plain Python value (lists, dicts, scalars)."""
    p = _Parser(text)
    v = p.value(plain=True)
    p.done()
    return v
