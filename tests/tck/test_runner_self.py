"""Self-tests of the TCK runner: cell parser, typed comparison, side effects, error matching."""

import math
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.tck import cells, steps
from tests.tck.conftest import merged_failures, read_known_failures, write_known_failures
from tests.tck.scenarios import FEATURES, Step, load_feature
from tugraph_bolt import values as V
from tugraph_bolt.errors import CypherSyntaxError, CypherTypeError


@pytest.mark.parametrize(
    "a, b",
    [("1", "1.0"), ("1", "true"), ("'1'", "1"), ("[1]", "[1.0]"), ("{a: 1}", "{a: '1'}"),
     ("(:A)", "(:B)"), ("[:T]", "[:U]"), ("<(:A)-[:T]->(:B)>", "<(:A)<-[:T]-(:B)>"),
     ("null", "'null'"), ("[]", "{}")],
)
def test_cells_are_typed(a, b):
    assert cells.canon_cell(a) != cells.canon_cell(b)


@pytest.mark.parametrize(
    "text, value",
    [
        ("1", 1), ("-7", -7), ("1.5", 1.5), (".5e-3", 0.0005), ("'a b'", "a b"), ("true", True),
        ("null", None), ("[1, 'x', [null]]", [1, "x", [None]]), ("{k: 1, `a b`: [2]}",
                                                                 {"k": 1, "a b": [2]}),
        ("''", ""), ("'it\\'s'", "it's"), ("-Inf", -math.inf),
    ],
)
def test_parameter_values(text, value):
    assert cells.parse_value(text) == value


def test_nan_cell_equals_nan_value():
    assert cells.canon_cell("NaN") == cells.canon_value(float("nan"))


def test_engine_values_match_their_cells():
    a = V.Node(1, ("B", "A"), {"name": "x", "gone": None})
    b = V.Node(2, (), {})
    r = V.Relationship(5, 2, 1, "T", {"w": 1.0})
    path = V.Path((a, b), (r,))  # traversed against its direction
    assert cells.canon_value(a) == cells.canon_cell("(:A:B {name: 'x'})")
    assert cells.canon_value(r) == cells.canon_cell("[:T {w: 1.0}]")
    assert cells.canon_value(path) == cells.canon_cell("<(:A:B {name: 'x'})<-[:T {w: 1.0}]-()>")
    assert cells.canon_value([1, {"k": [True]}]) == cells.canon_cell("[1, {k: [true]}]")
    assert cells.canon_value(V.Date(0)) == cells.canon_cell("'1970-01-01'")


def test_ignoring_list_order():
    assert cells.unorder(cells.canon_cell("['b', 'a']")) == cells.unorder(
        cells.canon_value(["a", "b"]))
    assert cells.canon_cell("['b', 'a']") != cells.canon_value(["a", "b"])


@pytest.mark.parametrize("bad", ["[1,", "(:A", "{a 1}", "foo", "<(:A)-[:T]-(:B)>"])
def test_malformed_cells_are_rejected(bad):
    with pytest.raises(cells.CellSyntaxError):
        cells.canon_cell(bad)


def _state(nodes: dict, rels: dict):
    rec = SimpleNamespace
    return SimpleNamespace(
        node_ids=lambda: tuple(nodes), rel_ids=lambda: tuple(rels),
        node=lambda i: rec(labels=nodes[i][0], props=nodes[i][1]),
        rel=lambda i: rec(props=rels[i]),
    )


def test_side_effects_are_a_graph_diff():
    before = steps.snapshot(_state({1: (("A",), {"x": 1})}, {}))
    after = steps.snapshot(_state({1: (("A",), {"x": 2}), 2: (("B",), {})}, {7: {"w": 1}}))
    assert steps.side_effects(before, after) == {
        "+nodes": 1, "+relationships": 1, "+labels": 1, "+properties": 2, "-properties": 1}
    assert steps.side_effects(after, after) == {}


def _run_with(error=None, columns=None, rows=None):
    run = steps.ScenarioRun.__new__(steps.ScenarioRun)
    run.error, run.columns, run.rows, run.effects = error, columns, rows, {}
    return run


def test_error_matching_is_structural():
    run = _run_with(CypherSyntaxError("x", detail="UndefinedVariable"))
    run.check_error("SyntaxError", "compile time", "UndefinedVariable")
    run.check_error("SyntaxError", "any time", "UndefinedVariable")
    with pytest.raises(steps.ScenarioFailure):
        run.check_error("SyntaxError", "runtime", "UndefinedVariable")
    with pytest.raises(steps.ScenarioFailure):
        run.check_error("SyntaxError", "compile time", "VariableAlreadyBound")
    with pytest.raises(steps.ScenarioFailure):
        _run_with(columns=["a"], rows=[]).check_error("TypeError", "runtime", "X")
    with pytest.raises(steps.ScenarioFailure):
        _run_with(CypherTypeError("x", detail="D")).check_result("the result should be empty", None)


def test_result_comparison_multiset_and_order():
    run = _run_with(columns=["n"], rows=[[1], [2], [1]])
    run.check_result("the result should be, in any order:", [("n",), ("2",), ("1",), ("1",)])
    with pytest.raises(steps.ScenarioFailure):
        run.check_result("the result should be, in order:", [("n",), ("2",), ("1",), ("1",)])
    with pytest.raises(steps.ScenarioFailure):
        run.check_result("the result should be, in any order:", [("n",), ("1",), ("2",)])
    with pytest.raises(steps.ScenarioFailure):
        run.check_result("the result should be, in any order:", [("m",), ("1",), ("2",), ("1",)])
    with pytest.raises(steps.ScenarioFailure):  # 1.0 is not 1
        run.check_result("the result should be, in any order:",
                         [("n",), ("1.0",), ("2",), ("1",)])


def test_test_procedure_returns_matching_rows():
    step = Step("there exists a procedure test.my.proc(name :: STRING?, id :: INTEGER?) :: "
                "(city :: STRING?, country_code :: INTEGER?):", None,
                (("name", "id", "city", "country_code"), ("'Andres'", "1", "'Malmo'", "46"),
                 ("'Tobias'", "1", "'Malmo'", "46"), ("'Andres'", "2", "'London'", "44")))
    proc = steps.make_test_procedure(step)
    assert proc.name == "test.my.proc" and [c for c, _ in proc.columns] == ["city", "country_code"]
    assert proc.fn(None, ["Andres", 1]) == [["Malmo", 46]]
    assert proc.fn(None, ["Nobody", 1]) == []


def test_known_failures_round_trip(tmp_path):
    path = tmp_path / "known.txt"
    write_known_failures({"a/B.feature:10": "x", "a/B.feature:9": "y"}, path)
    assert read_known_failures(path) == {"a/B.feature:10", "a/B.feature:9"}
    lines = [ln for ln in path.read_text().splitlines() if not ln.startswith("#")]
    assert lines[0].startswith("a/B.feature:9 ")


def test_outline_examples_get_distinct_ids():
    scenarios = load_feature(FEATURES / "expressions" / "comparison" / "Comparison1.feature")
    ids = [s.id for s in scenarios]
    assert len(ids) == len(set(ids)) and len(ids) > 20
    assert all(s.directory == "expressions/comparison" for s in scenarios)


def test_partial_runs_do_not_truncate_the_known_failures():
    known = {"a:1", "a:2", "b:3"}
    results = {"a:1": ("passed", ""), "a:2": ("failed", ""), "c:4": ("failed", "")}
    assert merged_failures(known, results) == ["a:2", "b:3", "c:4"]


def _render(v) -> str:
    """TCK cell syntax for a plain value (the inverse the parser must agree with)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "NaN" if math.isnan(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(v, list):
        return "[" + ", ".join(_render(x) for x in v) + "]"
    return "{" + ", ".join(f"`{k}`: {_render(x)}" for k, x in v.items()) + "}"


_cell_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1),
              st.floats(allow_infinity=False), st.text(alphabet="ab '\\\n|,[]{}:", max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(alphabet="abc_ ", min_size=1, max_size=3), inner, max_size=3)),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(_cell_values)
def test_cell_parser_agrees_with_canonical_values(v):
    assert cells.canon_cell(_render(v)) == cells.canon_value(v)
    parsed = cells.parse_value(_render(v))
    assert cells.canon_value(parsed) == cells.canon_value(v)


@pytest.mark.parametrize("backend", sorted(steps.BACKENDS))
def test_a_scenario_runs_on_every_backend(backend):
    from tests.tck.scenarios import Scenario

    scenario = Scenario("self:1", "create and count", "self", (
        Step("an empty graph", None, None),
        Step("having executed:", "CREATE (:A {x: 1})", None),
        Step("executing query:", "MATCH (a:A) SET a.x = 2 CREATE (:B) RETURN a.x AS x", None),
        Step("the result should be, in any order:", None, (("x",), ("2",))),
        Step("the side effects should be:", None,
             (("+nodes", "1"), ("+labels", "1"), ("+properties", "1"), ("-properties", "1"))),
    ))
    steps.run_scenario(scenario, backend)
    broken = Scenario("self:2", "wrong expectation", "self", scenario.steps[:3] + (
        Step("the result should be, in any order:", None, (("x",), ("2.0",))),))
    with pytest.raises(steps.ScenarioFailure):
        steps.run_scenario(broken, backend)


@pytest.mark.parametrize("backend", sorted(steps.BACKENDS))
def test_errors_are_matched_on_every_backend(backend):
    from tests.tck.scenarios import Scenario

    run = steps.ScenarioRun(Scenario("self:3", "error", "self", ()), backend)
    try:
        run.query("RETURN 1 / 0", control=False)
        run.check_error("ArithmeticError", "runtime", "DivisionByZero")
        with pytest.raises(steps.ScenarioFailure):
            run.check_error("TypeError", "runtime", "DivisionByZero")
    finally:
        run.backend.close()
