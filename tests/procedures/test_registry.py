"""The registry: lookup, binding, defaults, varargs, type checks."""

import pytest

from tugraph_bolt import errors
from tugraph_bolt.procedures import Procedure, ProcedureContext, ProcedureRegistry


def echo(ctx, args):
    return [[list(args)]]


@pytest.fixture
def reg():
    r = ProcedureRegistry()
    r.register(Procedure("test.my.proc", [("name", "STRING"), ("n", "INTEGER")],
                         [("out", "ANY")], "read", echo))
    r.register(Procedure("test.defaults", [("a", "STRING"), ("b", "FLOAT"), ("c", "BOOLEAN")],
                         [("out", "ANY")], "read", echo, defaults=(1.5, True)))
    r.register(Procedure("test.var", [("a", "STRING")], [("out", "ANY")], "write", echo,
                         varargs="ANY"))
    r.register(Procedure("test.lists", [("xs", "LIST OF INTEGER"), ("m", "MAP")],
                         [("out", "ANY")], "read", echo))
    return r


def run(reg, name, *args):
    return list(reg.call(name, ProcedureContext(tx=None), list(args)))


def test_lookup_is_case_insensitive_and_unknown_raises(reg):
    assert reg.get("TEST.MY.PROC").name == "test.my.proc"
    with pytest.raises(errors.ProcedureNotFound) as info:
        reg.get("test.nope")
    assert info.value.code == "Neo.ClientError.Procedure.ProcedureNotFound"
    assert "test.var" in reg.names() and "Test.Var" in reg


def test_argument_count(reg):
    assert run(reg, "test.my.proc", "x", 1) == [[["x", 1]]]
    with pytest.raises(errors.CypherSyntaxError, match="got 1 expected 2") as info:
        run(reg, "test.my.proc", "x")
    assert info.value.detail == "InvalidNumberOfArguments"
    with pytest.raises(errors.CypherSyntaxError):
        run(reg, "test.my.proc", "x", 1, 2)


def test_defaults_and_varargs(reg):
    assert run(reg, "test.defaults", "a") == [[["a", 1.5, True]]]
    assert run(reg, "test.defaults", "a", 2) == [[["a", 2.0, True]]]  # INTEGER -> FLOAT
    with pytest.raises(errors.CypherSyntaxError, match="at least 1"):
        run(reg, "test.defaults")
    assert run(reg, "test.var", "a", 1, "two", None) == [[["a", 1, "two", None]]]


def test_type_checks(reg):
    with pytest.raises(errors.CypherSyntaxError, match="expected String but was Integer") as info:
        run(reg, "test.my.proc", 5, 1)
    assert info.value.detail == "InvalidArgumentType"
    with pytest.raises(errors.CypherSyntaxError):
        run(reg, "test.my.proc", "x", True)  # booleans are not integers
    assert run(reg, "test.my.proc", None, None) == [[[None, None]]]  # null passes
    assert run(reg, "test.lists", [1, 2], {"k": 1}) == [[[[1, 2], {"k": 1}]]]
    with pytest.raises(errors.CypherSyntaxError):
        run(reg, "test.lists", [1, "x"], {})


def test_signature_and_modes(reg):
    proc = reg.get("test.defaults")
    assert proc.signature() == (
        "test.defaults(a :: STRING, b :: FLOAT = 1.5, c :: BOOLEAN = True) :: (out :: ANY)"
    )
    assert proc.read_only and not reg.get("test.var").read_only
    with pytest.raises(ValueError):
        Procedure("x", [], [], "sometimes", echo)
