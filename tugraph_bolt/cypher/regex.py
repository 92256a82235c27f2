"""Java regular expressions (what Neo4j's `=~` speaks) translated to Python's `re`.

Most syntax is shared; this rewrites the Java-only forms users actually write:
`\\Q...\\E` quoting, POSIX classes (`\\p{Alpha}`, `\\p{Punct}`, ...), the common Unicode
letter/digit properties, `\\h`, `\\R`, and Java's `\\z` / `\\Z` anchors.

>>> to_python(r"\\Qa.b\\E\\p{Digit}+")
'a\\\\.b[0-9]+'
>>> bool(compile_java(r"\\p{Upper}\\p{Lower}*").fullmatch("Ann"))
True
"""

from __future__ import annotations

import re
from functools import lru_cache

# Class bodies (no brackets) so they work inside and outside [...].
_POSIX = {
    "Lower": "a-z", "Upper": "A-Z", "ASCII": "\\x00-\\x7F", "Alpha": "a-zA-Z",
    "Digit": "0-9", "Alnum": "a-zA-Z0-9", "XDigit": "0-9a-fA-F", "Blank": " \\t",
    "Space": " \\t\\n\\x0B\\f\\r", "Cntrl": "\\x00-\\x1F\\x7F",
    "Punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "Graph": "\\x21-\\x7E", "Print": "\\x20-\\x7E",
    "javaLowerCase": "a-z", "javaUpperCase": "A-Z",
}
# Unicode properties expressible in `re` only as whole classes (outside [...]).
_UNICODE = {
    "L": "[^\\W\\d_]", "IsL": "[^\\W\\d_]", "IsAlphabetic": "[^\\W\\d_]",
    "IsLetter": "[^\\W\\d_]", "Alpha_Unicode": "[^\\W\\d_]",
    "N": "\\d", "Nd": "\\d", "IsDigit": "\\d", "IsWhite_Space": "\\s",
}
_SIMPLE_ESCAPES = {
    "h": "[ \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000]",
    "R": "(?:\\r\\n|[\\n\\x0B\\f\\r\\x85\\u2028\\u2029])",
    "z": "\\Z",
    "Z": "(?=\\n?\\Z)",
}


def to_python(pattern: str) -> str:
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt == "Q":  # quote everything up to \E (or the end)
                end = pattern.find("\\E", i + 2)
                end = n if end < 0 else end
                out.append(re.escape(pattern[i + 2:end]))
                i = end + 2
                continue
            if nxt in "pP" and i + 2 < n and pattern[i + 2] == "{":
                close = pattern.find("}", i + 3)
                if close > 0:
                    translated = _property(pattern[i + 3:close], nxt == "P", in_class)
                    if translated is not None:
                        out.append(translated)
                        i = close + 1
                        continue
            if not in_class and nxt in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[nxt])
                i += 2
                continue
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
            out.append(c)
            # A leading ']' (or '^]') is a literal in both dialects.
            j = i + 1
            if j < n and pattern[j] == "^":
                out.append("^")
                j += 1
            if j < n and pattern[j] == "]":
                out.append("\\]")
                j += 1
            i = j
            continue
        if c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def _property(name: str, negated: bool, in_class: bool) -> str | None:
    body = _POSIX.get(name)
    if body is not None:
        if in_class:
            return None if negated else body
        return f"[{'^' if negated else ''}{body}]"
    whole = _UNICODE.get(name)
    if whole is not None and not in_class:
        return f"(?!{whole})." if negated else whole
    return None  # left as written: `re` rejects it and the caller reports the pattern


@lru_cache(maxsize=256)
def compile_java(pattern: str) -> re.Pattern:
    """Compile a Java pattern; raises re.error when it cannot be expressed."""
    return re.compile(to_python(pattern))
