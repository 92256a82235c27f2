"""The Cypher engine facade: compile (cached by text) and run queries on a transaction.

>>> from tugraph_bolt.graph import Store
>>> store, engine = Store(), CypherEngine()
>>> tx = store.begin()
>>> list(engine.run("CREATE (a:Person {name: 'Ann'}) RETURN a.name", {}, tx).records)
[['Ann']]
"""

from __future__ import annotations

import random as _random
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator

from .. import errors, values
from . import ast
from .planner import Plan, Planner
from .runtime import Runtime, fresh, plain

_PREFIX = re.compile(r"^\s*(EXPLAIN|PROFILE)\b", re.IGNORECASE)


class QueryContext:
    """Per-statement context: time, randomness, user, graph name, procedures, service hooks."""

    def __init__(
        self,
        *,
        params: dict | None = None,
        now: values.DateTime | None = None,
        random: _random.Random | None = None,
        user: str = "admin",
        graph: str = "default",
        procedures=None,
        hooks=None,
    ):
        self.params = params or {}
        if now is None:  # the statement's clock: read once, so every row sees one instant
            ns = time.time_ns()
            now = values.DateTime(ns // 1_000_000_000, ns % 1_000_000_000, 0, None)
        self.now = now
        self._random = random
        self.user = user
        self.graph = graph
        self.procedures = procedures
        self.hooks = hooks

    @property
    def random(self) -> _random.Random:
        """The statement's random source; made on first use (seeding costs ~10 us)."""
        if self._random is None:
            self._random = _random.Random()
        return self._random


class CompiledQuery:
    """A parsed, checked and planned query; shared by every run of the same text."""

    def __init__(self, text: str, tree: ast.Query, plan: Plan, mode: str | None):
        self.text = text
        self.tree = tree
        self.plan = plan
        self.mode = mode  # None, 'EXPLAIN' or 'PROFILE'
        self.is_write = plan.is_write
        self.columns = plan.columns
        self.parameters = sorted(
            {n.name for n in ast.walk(tree) if type(n) is ast.Parameter}
        )
        self.query_type = _query_type(tree, plan)

    def plan_text(self, tx=None, params: dict | None = None) -> list[str]:
        """Operator names. With a transaction (and parameters) the anchors are resolved as a
        run would resolve them, e.g. NodeIndexSeek only when an index covers the key."""
        if tx is None:
            return self.plan.operator_names()
        rt = Runtime(tx, params or {}, QueryContext(params=params), None)
        return self.plan.operator_names(rt)


def _tx_stats(tx) -> dict:
    stats = getattr(tx, "stats", None)
    if callable(stats):
        stats = stats()
    return dict(stats or {})


class QueryResult:
    """columns, records (an iterator of lists), stats, query_type, plan.

    `stats` are this statement's counters (the transaction's counters now minus those
    before the statement ran), so statements in one explicit transaction report their own.
    `query_type` is Bolt's 'r' | 'w' | 'rw' | 's'.
    """

    def __init__(self, columns: list[str], records: Iterator[list], tx, plan: list[str] | None,
                 stats_before: dict | None = None, query_type: str = "r"):
        self.columns = columns
        self.records = records
        self._tx = tx
        self._before = stats_before or {}
        self.plan = plan
        self.query_type = query_type

    @property
    def stats(self) -> dict:
        out = {}
        for key, value in _tx_stats(self._tx).items():
            if key == "contains-updates":
                continue
            delta = value - self._before.get(key, 0)
            if delta:
                out[key] = delta
        if out:
            out["contains-updates"] = True
        return out


class CypherEngine:
    def __init__(self, procedures=None, cache_size: int = 1024):
        if procedures is None:
            try:
                from ..procedures import default_registry

                procedures = default_registry()
            except ImportError:  # the registry is optional for pure-Cypher use
                procedures = None
        self.procedures = procedures
        self.cache_size = cache_size
        self._cache: OrderedDict[str, CompiledQuery] = OrderedDict()
        self._lock = threading.Lock()

    def compile(self, query: str) -> CompiledQuery:
        with self._lock:
            hit = self._cache.get(query)
            if hit is not None:
                self._cache.move_to_end(query)
                return hit
        compiled = self._compile(query)
        with self._lock:
            self._cache[query] = compiled
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return compiled

    def _compile(self, query: str) -> CompiledQuery:
        from . import parser

        mode = None
        text = query
        m = _PREFIX.match(query)
        if m:
            mode = m.group(1).upper()
            text = query[m.end():]
        from . import semantic

        tree = parser.parse(text)
        # with the registry, procedure existence, argument counts and YIELD names are
        # compile-time errors too
        semantic.check(tree, self.procedures)
        plan = Planner(self.procedures).plan(tree)
        return CompiledQuery(query, tree, plan, mode)

    def run(self, query: str, params: dict, tx, ctx: QueryContext | None = None) -> QueryResult:
        compiled = self.compile(query)
        params = params or {}
        if ctx is None:
            ctx = QueryContext(params=params, procedures=self.procedures)
        missing = [p for p in compiled.parameters if p not in params]
        if missing:
            raise errors.ParameterMissing(
                "Expected parameter(s): " + ", ".join(missing), detail="MissingParameter"
            )
        rt = Runtime(tx, params, ctx, self.procedures)
        columns = list(compiled.columns or [])
        qtype = compiled.query_type
        if compiled.mode == "EXPLAIN":
            return QueryResult(columns, iter(()), tx, compiled.plan_text(tx, params),
                               query_type=qtype)
        plan = compiled.plan_text(tx, params) if compiled.mode == "PROFILE" else None
        before = _tx_stats(tx) if compiled.is_write else None
        records = compiled.plan.records(rt)
        if compiled.is_write:
            # Writes run to completion now so the transaction holds every effect.
            materialised = [[fresh(tx, v) for v in rec] for rec in records]
            return QueryResult(columns, iter(materialised), tx, plan, before, qtype)
        return QueryResult(columns, _plain_records(records), tx, plan, None, qtype)


def _query_type(tree: ast.Query, plan: Plan) -> str:
    if not plan.is_write:
        return "r"
    clauses = [c for part in tree.parts for c in part.clauses]
    if clauses and all(type(c) is ast.Call for c in clauses):
        return "s"  # schema / administrative procedures
    return "rw" if plan.columns else "w"


def _plain_records(records):
    for rec in records:
        yield [plain(v) for v in rec]
