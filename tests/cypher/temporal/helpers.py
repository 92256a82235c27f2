"""Shared helpers: call temporal functions with a fixed statement time, print results."""

from types import SimpleNamespace

from tugraph_bolt.cypher import temporal
from tugraph_bolt.values import DateTime

# 2023-11-14T22:13:20.123456789Z
NOW = SimpleNamespace(now=DateTime(1_700_000_000, 123_456_789, 0, None))


def call(name: str, *args, ctx=NOW):
    return temporal.TEMPORAL_FUNCTIONS[name](ctx, list(args))


def s(value) -> str:
    return temporal.to_string(value)
