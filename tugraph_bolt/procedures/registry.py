"""The procedure registry: declared signatures, argument binding, case-insensitive lookup.

>>> reg = ProcedureRegistry()
>>> reg.register(Procedure("test.echo", [("x", "STRING")], [("out", "STRING")], "read",
...                        lambda ctx, args: [[args[0]]]))
>>> list(reg.call("TEST.ECHO", ProcedureContext(tx=None), ["hi"]))
[['hi']]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tugraph_bolt import errors
from tugraph_bolt import values as v

MODES = ("read", "write", "schema", "dbms")


@dataclass(frozen=True)
class Procedure:
    """A callable procedure.

    params / columns: [(name, Cypher type name)], e.g. ("label", "STRING").
    mode: "read" | "write" | "schema" | "dbms" (anything but "read" needs a write tx).
    fn(ctx, args) -> iterable of rows (lists in column order); `args` are bound: defaults
    filled in, then any varargs appended.
    defaults: values for the LAST len(defaults) params (Neo4j's "default values").
    varargs: Cypher type of extra trailing arguments (TuGraph's field-spec triples), or None.
    """

    name: str
    params: list[tuple[str, str]]
    columns: list[tuple[str, str]]
    mode: str
    fn: Callable[[ProcedureContext, list], Iterable[list]]
    defaults: tuple = ()
    varargs: str | None = None
    description: str = ""

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"procedure mode must be one of {MODES}, not {self.mode!r}")
        if len(self.defaults) > len(self.params):
            raise ValueError("more defaults than parameters")

    @property
    def read_only(self) -> bool:
        return self.mode == "read"

    @property
    def is_void(self) -> bool:
        return not self.columns

    def signature(self) -> str:
        params = [f"{n} :: {t}" for n, t in self.params]
        first_default = len(self.params) - len(self.defaults)
        for i, default in enumerate(self.defaults):
            params[first_default + i] = f"{params[first_default + i]} = {default!r}"
        if self.varargs:
            params.append(f"... :: {self.varargs}")
        cols = ", ".join(f"{n} :: {t}" for n, t in self.columns) if self.columns else ""
        out = f"({cols})" if cols else "VOID"
        return f"{self.name}({', '.join(params)}) :: {out}"


@dataclass
class ProcedureContext:
    """What a procedure sees: the transaction, the engine's query context, the registry."""

    tx: Any
    query_ctx: Any = None
    registry: ProcedureRegistry | None = None
    extra: dict = field(default_factory=dict)


class ProcedureRegistry:
    def __init__(self):
        self._procs: dict[str, Procedure] = {}

    def register(self, proc: Procedure) -> None:
        """Add (or replace) a procedure; names are matched case-insensitively."""
        self._procs[proc.name.lower()] = proc

    def get(self, name: str) -> Procedure:
        proc = self._procs.get(name.lower())
        if proc is None:
            raise errors.ProcedureNotFound(
                f"There is no procedure with the name `{name}` registered for this database "
                f"instance. Please ensure you've spelled the procedure name correctly and "
                f"that the procedure is properly deployed.",
                detail="ProcedureNotFound",
            )
        return proc

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._procs

    def names(self) -> list[str]:
        return sorted(p.name for p in self._procs.values())

    def procedures(self) -> list[Procedure]:
        return [self._procs[k] for k in sorted(self._procs)]

    def bind(self, proc: Procedure, args: list) -> list:
        """Check the argument count and types; returns args with defaults filled in."""
        n, total = len(args), len(proc.params)
        required = total - len(proc.defaults)
        if n < required or (n > total and not proc.varargs):
            if len(proc.defaults):
                expected = f"at least {required} (total: {total}, {len(proc.defaults)} of which have default values)"
            elif proc.varargs:
                expected = f"at least {required}"
            else:
                expected = str(total)
            raise errors.CypherSyntaxError(
                f"Procedure call does not provide the required number of arguments: got {n} "
                f"expected {expected}.\n\nProcedure {proc.name} has signature: "
                f"{proc.signature()}",
                detail="InvalidNumberOfArguments",
            )
        bound = list(args[:total])
        for i, (pname, ptype) in enumerate(proc.params[:n]):
            bound[i] = check_arg(proc.name, pname, ptype, bound[i])
        first_default = total - len(proc.defaults)
        for i in range(n, total):
            bound.append(proc.defaults[i - first_default])
        for i, extra in enumerate(args[total:]):
            bound.append(check_arg(proc.name, f"#{total + i + 1}", proc.varargs, extra))
        return bound

    def call(self, name: str, ctx: ProcedureContext, args: list) -> Iterable[list]:
        proc = self.get(name)
        if ctx.registry is None:
            ctx.registry = self
        return proc.fn(ctx, self.bind(proc, args))


_CYPHER_TYPE_NAMES = (
    (bool, "Boolean"), (int, "Integer"), (float, "Float"), (str, "String"),
    (bytes, "ByteArray"), (list, "List"), (dict, "Map"), (v.Node, "Node"),
    (v.Relationship, "Relationship"), (v.Path, "Path"), (v.Date, "Date"),
    (v.DateTime, "DateTime"), (v.LocalDateTime, "LocalDateTime"), (v.Time, "Time"),
    (v.LocalTime, "LocalTime"), (v.Duration, "Duration"), (v.Point, "Point"),
)  # fmt: skip


def cypher_type_name(value) -> str:
    for cls, name in _CYPHER_TYPE_NAMES:
        if isinstance(value, cls):
            return name
    return type(value).__name__


def _matches(type_name: str, value) -> tuple[bool, object]:
    t = type_name.upper()
    if t in ("ANY", "ANY?"):
        return True, value
    if t == "STRING":
        return isinstance(value, str), value
    if t == "INTEGER":
        return isinstance(value, int) and not isinstance(value, bool), value
    if t == "FLOAT":
        if isinstance(value, int) and not isinstance(value, bool):
            return True, float(value)
        return isinstance(value, float), value
    if t == "NUMBER":
        return isinstance(value, (int, float)) and not isinstance(value, bool), value
    if t == "BOOLEAN":
        return isinstance(value, bool), value
    if t == "MAP":
        return isinstance(value, dict), value
    if t.startswith("LIST"):
        if not isinstance(value, (list, tuple)):
            return False, value
        inner = t[4:].strip()
        if inner.startswith("OF "):
            inner = inner[3:].strip()
            items = []
            for item in value:
                ok, item = _matches(inner, item) if item is not None else (True, None)
                if not ok:
                    return False, value
                items.append(item)
            return True, items
        return True, list(value)
    if t == "NODE":
        return not isinstance(value, (str, bool, float, list, dict)), value
    if t == "RELATIONSHIP":
        return not isinstance(value, (str, bool, float, list, dict)), value
    if t == "PATH":
        return isinstance(value, v.Path), value
    return True, value  # types this registry does not model are the engine's business


def check_arg(proc_name: str, param: str, type_name: str, value):
    if value is None:
        return None
    ok, converted = _matches(type_name, value)
    if not ok:
        raise errors.CypherSyntaxError(
            f"Type mismatch for parameter '{param}' of {proc_name}: expected "
            f"{type_name.title()} but was {cypher_type_name(value)}",
            detail="InvalidArgumentType",
        )
    return converted
