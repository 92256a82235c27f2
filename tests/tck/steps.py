"""Run one TCK scenario: dispatch each step on its text, against a fresh in-process Store.

Queries run through `CypherEngine.run(query, params, store.begin(), QueryContext(...))`;
the transaction is committed with `store.commit(tx)`. Side effects are the difference of
the graph before and after the query (nodes, relationships, distinct labels and
(entity, key, value) property triples), as the TCK defines them.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter

from tests.tck import cells
from tests.tck.bolt_backend import BoltError
from tests.tck.scenarios import GRAPHS, Scenario, Step
from tugraph_bolt import values as V
from tugraph_bolt.cypher import ops
from tugraph_bolt.errors import CypherError


class ScenarioFailure(AssertionError):
    pass


# --- graph snapshots for side effects -----------------------------------------------------


def snapshot(state) -> dict:
    """The TCK's view of a graph: sets of nodes, relationships, labels, property triples."""
    nodes = set(state.node_ids())
    rels = set(state.rel_ids())
    labels, props = set(), set()
    for nid in nodes:
        rec = state.node(nid)
        labels.update(rec.labels)
        props.update(("node", nid, k, cells.canon_value(v)) for k, v in rec.props.items()
                     if v is not None)
    for rid in rels:
        rec = state.rel(rid)
        props.update(("rel", rid, k, cells.canon_value(v)) for k, v in rec.props.items()
                     if v is not None)
    return {"nodes": nodes, "relationships": rels, "labels": labels, "properties": props}


def side_effects(before: dict, after: dict) -> dict[str, int]:
    effects = {}
    for kind in ("nodes", "relationships", "labels", "properties"):
        added = len(after[kind] - before[kind])
        removed = len(before[kind] - after[kind])
        if added:
            effects["+" + kind] = added
        if removed:
            effects["-" + kind] = removed
    return effects


# --- the "there exists a procedure" step --------------------------------------------------

_SIGNATURE = re.compile(
    r"there exists a procedure (?P<name>[\w.]+)\((?P<params>[^)]*)\)\s*::\s*\((?P<cols>[^)]*)\)\s*:$"
)


def _fields(text: str) -> list[tuple[str, str]]:
    out = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, typ = (x.strip() for x in part.split("::"))
        out.append((name, typ))
    return out


def make_test_procedure(step: Step):
    """A procedure whose rows are the step's table: rows whose inputs equal the arguments."""
    from tugraph_bolt.procedures import Procedure

    m = _SIGNATURE.match(step.text)
    if not m:
        raise ScenarioFailure(f"cannot read procedure signature: {step.text}")
    params, columns = _fields(m.group("params")), _fields(m.group("cols"))
    header, *rows = step.table or ((),)
    table = [dict(zip(header, (cells.parse_value(c) for c in row), strict=True)) for row in rows]
    in_names = [n for n, _ in params]
    out_names = [n for n, _ in columns]

    def same(a, b) -> bool:
        # Arguments may be coerced (INTEGER -> FLOAT), so compare as Cypher values.
        return (a is None and b is None) or ops.equals(a, b) is True

    def matches(row: dict, args: list) -> bool:
        return all(same(row[n], a) for n, a in zip(in_names, args, strict=True))

    def fn(ctx, args):
        return [[row[n] for n in out_names] for row in table if matches(row, args)]

    return Procedure(m.group("name"), params, columns, "read", fn)


# --- the scenario runner ----------------------------------------------------------------

_ERROR = re.compile(
    r"an? (?P<type>\w+) should be raised at (?P<phase>compile time|runtime|any time): "
    r"(?P<detail>\w+)"
)


class EngineBackend:
    """The engine alone: CypherEngine.run on a Store transaction, then Store.commit."""

    def __init__(self):
        from tugraph_bolt.cypher.engine import CypherEngine
        from tugraph_bolt.graph import Store
        from tugraph_bolt.procedures import default_registry

        self.store = Store()
        self.procedures = default_registry()
        self.engine = CypherEngine(procedures=self.procedures)

    @property
    def state(self):
        return self.store.state

    def run(self, query: str, params: dict) -> tuple[list[str], list[list]]:
        from tugraph_bolt.cypher.engine import QueryContext

        # One statement time per query, as a server would fix it (temporal clocks read it).
        now_ns = time.time_ns()
        now = V.DateTime(now_ns // 1_000_000_000, now_ns % 1_000_000_000, 0, "UTC")
        ctx = QueryContext(params=params, now=now, random=random.Random(0),
                           procedures=self.procedures)
        tx = self.store.begin()
        result = self.engine.run(query, params, tx, ctx)
        rows = [list(r) for r in result.records]
        self.store.commit(tx).raise_for_error()
        return list(result.columns), rows

    def close(self) -> None:
        pass


class ServiceBackend:
    """The database service the Bolt server calls: auto-commit runs through its write path
    (effects submitted to the local log, applied, then rows)."""

    def __init__(self):
        from tugraph_bolt.bolt.backend import Session
        from tugraph_bolt.config import load_config
        from tugraph_bolt.service import Database

        cfg, _warnings = load_config(None, {"bolt_port": 7687})
        self.db = Database(cfg)
        self.procedures = self.db.procedures
        self.session = Session("tck", (5, 8), user=cfg.admin_user)

    @property
    def state(self):
        return self.db.state

    def run(self, query: str, params: dict) -> tuple[list[str], list[list]]:
        result = self.db.run(self.session, query, params, {})
        rows, _more = result.fetch(-1)
        return list(result.fields), [list(r) for r in rows]

    def close(self) -> None:
        self.db.close()


def _bolt_backend():
    import os

    from tests.tck.bolt_backend import BoltBackend

    # TCK_BOLT_VERSION=4.4 narrows the protocol versions the server offers.
    return BoltBackend(os.environ.get("TCK_BOLT_VERSION"))


BACKENDS = {"engine": EngineBackend, "service": ServiceBackend, "bolt": _bolt_backend}


class ScenarioRun:
    def __init__(self, scenario: Scenario, backend: str = "engine"):
        self.scenario = scenario
        self.backend = BACKENDS[backend]()
        self.params: dict = {}
        self.columns: list[str] | None = None
        self.rows: list[list] | None = None
        self.error: Exception | None = None
        self.effects: dict[str, int] | None = None

    def run(self) -> None:
        try:
            for step in self.scenario.steps:
                self.step(step)
        finally:
            self.backend.close()

    def step(self, step: Step) -> None:
        text = step.text
        if text in ("an empty graph", "any graph"):
            return
        if m := re.fullmatch(r"the (\S+) graph", text):
            self.execute((GRAPHS / m.group(1) / f"{m.group(1)}.cypher").read_text())
            return
        if text == "having executed:":
            self.execute(step.doc)
            return
        if text == "parameters are:":
            for name, value in step.table:
                self.params[name] = cells.parse_value(value)
            return
        if text.startswith("there exists a procedure"):
            self.backend.procedures.register(make_test_procedure(step))
            return
        if text in ("executing query:", "executing control query:"):
            self.query(step.doc, control=text.startswith("executing control"))
            return
        if text.startswith("the result should be"):
            self.check_result(text, step.table)
            return
        if text == "no side effects":
            self.check_side_effects({})
            return
        if text == "the side effects should be:":
            self.check_side_effects({k: int(v) for k, v in step.table})
            return
        if m := _ERROR.fullmatch(text):
            self.check_error(m.group("type"), m.group("phase"), m.group("detail"))
            return
        raise ScenarioFailure(f"unknown step: {text}")

    # --- executing ------------------------------------------------------------------

    def _run(self, query: str) -> tuple[list[str], list[list]]:
        return self.backend.run(query, self.params)

    def execute(self, query: str) -> None:
        """A setup query: it must succeed."""
        self._run(query)

    def query(self, query: str, control: bool) -> None:
        before = snapshot(self.backend.state)
        self.columns = self.rows = self.error = None
        try:
            self.columns, self.rows = self._run(query)
        except (CypherError, BoltError) as e:
            self.error = e
        if not control:
            self.effects = side_effects(before, snapshot(self.backend.state))

    # --- checking -------------------------------------------------------------------

    def _require_result(self) -> None:
        if self.error is not None:
            raise ScenarioFailure(
                f"expected a result, got {type(self.error).__name__} "
                f"({self.error.tck_type}/{self.error.phase}/{self.error.detail}): {self.error}"
            ) from self.error

    def check_result(self, text: str, table) -> None:
        self._require_result()
        ordered = "in order" in text
        unordered_lists = "ignoring element order for lists" in text
        if text == "the result should be empty":
            if self.rows:
                raise ScenarioFailure(f"expected no rows, got {len(self.rows)}: {self.rows[:5]}")
            return
        header, *rows = table
        if list(header) != self.columns:
            raise ScenarioFailure(f"columns {self.columns} != expected {list(header)}")
        expected = [tuple(_expected_cell(c, unordered_lists) for c in row) for row in rows]
        actual = [tuple(_actual_cell(v, unordered_lists) for v in row) for row in self.rows]
        if ordered:
            ok = expected == actual
        else:
            ok = Counter(expected) == Counter(actual)
        if not ok:
            raise ScenarioFailure(
                f"result mismatch ({'in order' if ordered else 'any order'}):\n"
                f"  expected {len(expected)} rows: {rows[:10]}\n"
                f"  actual   {len(self.rows)} rows: {self.rows[:10]}"
            )

    def check_side_effects(self, expected: dict[str, int]) -> None:
        if self.effects is None:
            raise ScenarioFailure("no query ran before the side-effects step")
        if self.error is not None and expected:
            raise ScenarioFailure(f"query failed: {self.error}") from self.error
        if self.effects != expected:
            raise ScenarioFailure(f"side effects {self.effects} != expected {expected}")

    def check_error(self, tck_type: str, phase: str, detail: str) -> None:
        e = self.error
        if e is None:
            raise ScenarioFailure(
                f"expected {tck_type} at {phase}: {detail}, but the query returned "
                f"{len(self.rows or [])} rows"
            )
        if getattr(e, "bolt_only", False):  # over Bolt only the status code travels
            if tck_type not in e.tck_types:
                raise ScenarioFailure(f"expected a {tck_type}, got {e.code}: {e}")
            return
        got = (e.tck_type, e.phase, e.detail)
        want_phase = e.phase if phase == "any time" else phase
        if got != (tck_type, want_phase, detail):
            raise ScenarioFailure(f"expected error {(tck_type, phase, detail)}, got {got}: {e}")


def _expected_cell(text: str, unordered_lists: bool):
    c = cells.canon_cell(text)
    return cells.unorder(c) if unordered_lists else c


def _actual_cell(value, unordered_lists: bool):
    c = cells.canon_value(value)
    return cells.unorder(c) if unordered_lists else c


def run_scenario(scenario: Scenario, backend: str = "engine") -> None:
    ScenarioRun(scenario, backend).run()
