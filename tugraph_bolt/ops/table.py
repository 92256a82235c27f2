"""Plain-text tables and value display for the CLI.

>>> print(render_table(["id", "role"], [[1, "leader"], [2, "follower"]]))
+----+----------+
| id | role     |
+----+----------+
| 1  | leader   |
| 2  | follower |
+----+----------+
"""

from __future__ import annotations

import orjson

from .. import values


def display(v) -> str:
    """A value as the shell shows it: strings bare, graph values Cypher-like, the rest JSON."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return repr(v) if isinstance(v, float) else str(v)
    if isinstance(v, values.Node):
        labels = "".join(f":{label}" for label in v.labels)
        return f"({labels}{_props(v.properties)})" if labels or v.properties else "()"
    if isinstance(v, values.Relationship):
        return f"[:{v.type}{_props(v.properties)}]"
    if isinstance(v, values.Path):
        out = display(v.nodes[0])
        for rel, node in zip(v.relationships, v.nodes[1:], strict=True):
            out += f"-{display(rel)}->" if rel.end == node.id else f"<-{display(rel)}-"
            out += display(node)
        return out
    if isinstance(v, (*values.TEMPORAL_TYPES, values.Point)):
        from ..cypher.temporal import to_string

        return to_string(v)
    return _json(v)


def _props(props: dict) -> str:
    return " " + _json(props) if props else ""


def _json(v) -> str:
    from ..server.http_views import to_json_value

    return orjson.dumps(to_json_value(v)).decode()


def render_table(header: list[str], rows: list[list]) -> str:
    cells = [[display(v) for v in row] for row in rows]
    widths = [len(h) for h in header]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def fmt(row):
        return "|" + "|".join(f" {c.ljust(w)} " for c, w in zip(row, widths, strict=True)) + "|"

    out = [line, fmt(header), line]
    out.extend(fmt(row) for row in cells)
    out.append(line)
    return "\n".join(out)


def to_json(doc) -> str:
    from ..server.http_views import to_json_value

    return orjson.dumps(to_json_value(doc), option=orjson.OPT_INDENT_2).decode()
