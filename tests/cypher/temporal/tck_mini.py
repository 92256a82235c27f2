"""A tiny evaluator for the temporal TCK scenarios, calling the temporal package directly.

Until the full engine runs the TCK, this reads the temporal feature files, expands their
Examples, rewrites the two storage patterns (CREATE then MATCH) into plain projections,
evaluates the `WITH ... RETURN ...` expressions with the temporal functions and compares
each returned cell with the expected one, in the TCK's cell notation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from tugraph_bolt.cypher import spatial, temporal
from tugraph_bolt.values import DateTime, Point

FEATURES = Path("/work/shared/tck/features/expressions/temporal")
FIXED_NOW = SimpleNamespace(now=DateTime(1_700_000_000, 123_456_789, 0, None))

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^'\\]|\\.)*')|(?P<num>\d+\.\d+|\d+)|(?P<id>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op><=|>=|<>|[-+*/(){}\[\],:.=<>]))"
)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise SyntaxError(f"cannot tokenize at {text[pos:]!r}")
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    tokens.append(("end", ""))
    return tokens


class Parser:
    def __init__(self, text: str, env: dict):
        self.tokens, self.i, self.env = tokenize(text), 0, env

    def peek(self, value=None):
        kind, text = self.tokens[self.i]
        if value is None:
            return text
        return text.upper() == value.upper() and kind in ("op", "id")

    def take(self, value=None):
        kind, text = self.tokens[self.i]
        if value is not None and text.upper() != value.upper():
            raise SyntaxError(f"expected {value}, got {text}")
        self.i += 1
        return kind, text

    def expr(self):
        left = self.additive()
        if self.peek() in ("=", "<", ">", "<=", ">=", "<>"):
            op = self.take()[1]
            right = self.additive()
            return _compare(op, left, right)
        return left

    def additive(self):
        value = self.multiplicative()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            rhs = self.multiplicative()
            value = temporal.add(value, rhs) if op == "+" else temporal.sub(value, rhs)
        return value

    def multiplicative(self):
        value = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            rhs = self.unary()
            value = temporal.mul(value, rhs) if op == "*" else temporal.div(value, rhs)
        return value

    def unary(self):
        if self.peek() == "-":
            self.take()
            value = self.unary()
            return -value if isinstance(value, (int, float)) else temporal.mul(value, -1)
        return self.postfix()

    def postfix(self):
        value = self.primary()
        while self.peek() == ".":
            self.take()
            value = temporal.get_field(value, self.take()[1])
        return value

    def primary(self):
        kind, text = self.take()
        if kind == "str":
            return text[1:-1].replace("\\'", "'")
        if kind == "num":
            return float(text) if "." in text else int(text)
        if text == "(":
            value = self.expr()
            self.take(")")
            return value
        if text == "{":
            result = {}
            while self.peek() != "}":
                key = self.take()[1]
                self.take(":")
                result[key] = self.expr()
                if self.peek() == ",":
                    self.take()
            self.take("}")
            return result
        if text == "[":
            items = []
            while self.peek() != "]":
                items.append(self.expr())
                if self.peek() == ",":
                    self.take()
            self.take("]")
            return items
        if kind == "id":
            if text.lower() == "null":
                return None
            if text.lower() in ("true", "false"):
                return text.lower() == "true"
            name = text
            # A dotted name followed by '(' is a function; otherwise variable + properties.
            j = self.i
            while self.tokens[j][1] == "." and self.tokens[j + 1][0] == "id":
                j += 2
            if self.tokens[j][1] == "(":
                while self.i < j:
                    self.take(".")
                    name += "." + self.take()[1]
                return self.call(name)
            return self.env[name]
        raise SyntaxError(f"unexpected {text!r}")

    def call(self, name: str):
        self.take("(")
        args = []
        while self.peek() != ")":
            args.append(self.expr())
            if self.peek() == ",":
                self.take()
        self.take(")")
        lowered = name.lower()
        if lowered == "tostring":
            return None if args[0] is None else temporal.to_string(args[0])
        if lowered in spatial.SPATIAL_FUNCTIONS:
            return spatial.SPATIAL_FUNCTIONS[lowered](FIXED_NOW, args)
        return temporal.TEMPORAL_FUNCTIONS[lowered](FIXED_NOW, args)

    def projection(self) -> list:
        """Comma-separated `expr [AS name]` items; returns [(name, value)]."""
        items = []
        while True:
            start = self.i
            value = self.expr()
            name = " ".join(t for _, t in self.tokens[start : self.i])
            if self.peek("AS"):
                self.take()
                name = self.take()[1]
            items.append((name, value))
            if self.peek() != ",":
                return items
            self.take()


def _compare(op: str, a, b):
    if op == "=":
        return temporal.equals(a, b)
    if op == "<>":
        eq = temporal.equals(a, b)
        return None if eq is None else not eq
    c = temporal.compare(a, b)
    if c is None:
        return None
    return {"<": c < 0, ">": c > 0, "<=": c <= 0, ">=": c >= 0}[op]


def run_query(query: str) -> list:
    """Evaluate `WITH ... RETURN ...` (one row); returns the RETURN values in order."""
    env: dict = {}
    parts = re.split(r"\b(WITH|RETURN)\b", query.strip())
    clauses = [(parts[k], parts[k + 1]) for k in range(1, len(parts), 2)]
    for keyword, body in clauses:
        items = Parser(body, env).projection()
        if keyword == "WITH":
            env = dict(items)
        else:
            return [value for _, value in items]
    raise SyntaxError("no RETURN")


def cell(value) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "[" + ", ".join(cell(v) for v in value) + "]"
    if isinstance(value, Point) or temporal.is_temporal(value):
        return f"'{temporal.to_string(value)}'"
    raise TypeError(value)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- feature reading -------------------------------------------------------------------


@dataclass
class Case:
    name: str
    query: str
    expected: list[str]  # one row of cells


def _table(lines: list[str], i: int) -> tuple[list[list[str]], int]:
    rows = []
    while i < len(lines) and lines[i].strip().startswith("|"):
        rows.append([c.strip() for c in lines[i].strip()[1:-1].split("|")])
        i += 1
    return rows, i


def _docstring(lines: list[str], i: int) -> tuple[str, int]:
    assert lines[i].strip() == '"""'
    j = i + 1
    while lines[j].strip() != '"""':
        j += 1
    return "\n".join(line.strip() for line in lines[i + 1 : j]), j + 1


def _scenarios(path: Path):
    lines = path.read_text().splitlines()
    i, current = 0, None
    while i < len(lines):
        s = lines[i].strip()
        if s.startswith("Scenario"):
            if current:
                yield current
            current = {
                "title": s,
                "setup": None,
                "query": None,
                "control": None,
                "result": None,
                "examples": None,
            }
        elif current is not None and s.startswith("And having executed"):
            current["setup"], i = _docstring(lines, i + 1)
            continue
        elif current is not None and s.startswith("When executing query"):
            current["query"], i = _docstring(lines, i + 1)
            continue
        elif current is not None and s.startswith("When executing control query"):
            current["control"], i = _docstring(lines, i + 1)
            continue
        elif current is not None and s.startswith("Then the result should be") and "empty" not in s:
            current["result"], i = _table(lines, i + 1)
            continue
        elif current is not None and s.startswith("Examples"):
            current["examples"], i = _table(lines, i + 1)
            continue
        i += 1
    if current:
        yield current


def _rewrite(sc: dict) -> str:
    """The storage scenarios as one projection: CREATE ({k: X}) + MATCH RETURN n.k."""
    query = sc["query"]
    if sc["control"] is not None:
        m = re.match(r"CREATE \(\{\w+: (.*)\}\)$", query.replace("\n", " ").strip())
        return f"RETURN {m.group(1)} AS x"
    if sc["setup"] is not None:
        m = re.match(r"CREATE \(:Val \{date: (.*)\}\)$", sc["setup"].replace("\n", " ").strip())
        body = query.split("WITH v.date AS d", 1)[1]
        return f"WITH {m.group(1)} AS d {body}"
    return query


def cases() -> list[Case]:
    found = []
    for path in sorted(FEATURES.glob("*.feature")):
        for sc in _scenarios(path):
            if sc["result"] is None or sc["query"] is None:
                continue
            query = _rewrite(sc).replace("\n", " ")
            header, *rows = sc["result"]
            examples = sc["examples"] or [[], []]
            ex_header, *ex_rows = examples
            for n, ex in enumerate(ex_rows or [[]]):
                subst = dict(zip(ex_header, ex, strict=True))

                def fill(text, subst=subst):
                    return re.sub(r"<(\w+)>", lambda m: subst.get(m.group(1), m.group(0)), text)

                for row in rows:
                    title = f"{path.stem} {sc['title'].split(']')[0]}] #{n + 1}"
                    found.append(Case(title, fill(query), [fill(c) for c in row]))
    return found


def check(case: Case) -> tuple[bool, str]:
    values = run_query(case.query)
    got = [cell(v) for v in values]
    ok = [_norm(g) for g in got] == [_norm(e) for e in case.expected]
    return ok, f"{case.query}\n  expected {case.expected}\n  got      {got}"
