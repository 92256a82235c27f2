"""Cypher aggregating functions: one accumulator object per group and aggregate call.

`new(name, distinct)` builds an accumulator; the executor calls `add(value, *extra)` per
row (count(*) adds True; percentiles pass the percentile as an extra argument) and
`result()` once at the end. Nulls are skipped by every aggregate.

>>> agg = new("sum", distinct=True)
>>> for v in (1, 2, 2, None, 3.5): agg.add(v)
>>> agg.result()
6.5
>>> agg = new("collect", distinct=False)
>>> for v in ("a", None, "b"): agg.add(v)
>>> agg.result()
['a', 'b']
"""

from __future__ import annotations

import math

from tugraph_bolt import values as V
from tugraph_bolt.cypher import ops
from tugraph_bolt.errors import CypherArgumentError, CypherTypeError


class Aggregator:
    def add(self, value, *extra) -> None:
        if value is not None:
            self.accept(value, *extra)

    def accept(self, value, *extra) -> None:
        raise NotImplementedError

    def result(self):
        raise NotImplementedError


class Count(Aggregator):
    def __init__(self):
        self.n = 0

    def accept(self, value, *extra):
        self.n += 1

    def result(self):
        return self.n


def _numeric_or_duration(name: str, value):
    if ops.is_number(value) or isinstance(value, V.Duration):
        return value
    raise CypherTypeError(
        f"{name}() expects numbers or durations, got {ops.type_name(value)}: {value!r}",
        detail="InvalidArgumentType",
    )


class Sum(Aggregator):
    """Integers stay integers (with overflow checks) until a float arrives."""

    def __init__(self):
        self.total = 0
        self.kind = None  # "number" or "duration", fixed by the first value

    def accept(self, value, *extra):
        _numeric_or_duration("sum", value)
        kind = "duration" if isinstance(value, V.Duration) else "number"
        if self.kind is None:
            self.kind = kind
            self.total = value
        elif kind != self.kind:
            raise CypherTypeError("sum() cannot mix numbers and durations",
                                  detail="InvalidArgumentType")
        else:
            self.total = ops.add(self.total, value)

    def result(self):
        return self.total


class Avg(Aggregator):
    """Numbers are summed exactly (no 64-bit overflow: only the mean is returned)."""

    def __init__(self):
        self.durations = Sum()
        self.total = 0
        self.n = 0

    def accept(self, value, *extra):
        _numeric_or_duration("avg", value)
        if isinstance(value, V.Duration) or self.durations.kind is not None:
            if self.n and self.durations.kind is None:
                raise CypherTypeError("avg() cannot mix numbers and durations",
                                      detail="InvalidArgumentType")
            self.durations.accept(value)
        else:
            self.total += value
        self.n += 1

    def result(self):
        if self.n == 0:
            return None
        if self.durations.kind is not None:
            return ops.div(self.durations.result(), self.n)
        return self.total / self.n  # an exact integer sum is rounded once, here


class _Extreme(Aggregator):
    """min / max under Cypher's orderability, so mixed types have an answer."""

    def __init__(self, pick_greater: bool):
        self.pick_greater = pick_greater
        self.best = None
        self.best_key = None

    def accept(self, value, *extra):
        key = ops.order_key(value)
        if self.best_key is None or (key > self.best_key if self.pick_greater
                                     else key < self.best_key):
            self.best, self.best_key = value, key

    def result(self):
        return self.best


class Collect(Aggregator):
    def __init__(self):
        self.items = []

    def accept(self, value, *extra):
        self.items.append(value)

    def result(self):
        return list(self.items)


class StDev(Aggregator):
    """Welford's running variance: stable for long inputs. Sample or population."""

    def __init__(self, population: bool):
        self.population = population
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0

    def accept(self, value, *extra):
        if not ops.is_number(value):
            raise CypherTypeError(f"stDev() expects numbers, got {ops.type_name(value)}",
                                  detail="InvalidArgumentType")
        self.n += 1
        delta = value - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (value - self.mean)

    def result(self):
        if self.n == 0:
            return 0.0
        divisor = self.n if self.population else self.n - 1
        return math.sqrt(self.m2 / divisor) if divisor > 0 else 0.0


def _percentile_arg(p) -> float:
    if not ops.is_number(p):
        raise CypherArgumentError(f"percentile must be a number, got {p!r}",
                                  detail="InvalidArgumentValue")
    if not 0.0 <= p <= 1.0:
        raise CypherArgumentError(f"percentile {p} is not between 0.0 and 1.0",
                                  detail="NumberOutOfRange")
    return float(p)


class _Percentile(Aggregator):
    def __init__(self, continuous: bool):
        self.continuous = continuous
        self.values = []
        self.percentile = None

    def add(self, value, *extra):
        # The percentile is checked even for null values: a bad argument always fails.
        if extra:
            self.percentile = _percentile_arg(extra[0])
        if value is not None:
            if not ops.is_number(value):
                raise CypherTypeError(f"percentile expects numbers, got {value!r}",
                                      detail="InvalidArgumentType")
            self.values.append(value)

    def result(self):
        if not self.values:
            return None
        data = sorted(self.values)
        p = self.percentile if self.percentile is not None else 0.5
        n = len(data)
        if self.continuous:
            position = p * (n - 1)
            low, high = math.floor(position), math.ceil(position)
            if low == high:
                return float(data[low])
            a, b = data[low], data[high]
            # a + (b - a) * t stays exact when a == b; the clamp absorbs rounding.
            return float(min(max(a + (b - a) * (position - low), a), b))
        position = p * n
        index = int(position)
        if position == index and index > 0:
            index -= 1
        return data[min(index, n - 1)]


class Distinct(Aggregator):
    """Feeds the inner aggregate each equivalence class of values once."""

    def __init__(self, inner: Aggregator):
        self.inner = inner
        self.seen = set()  # membership only; never iterated

    def add(self, value, *extra):
        if value is None:
            self.inner.add(value, *extra)
            return
        key = ops.group_key(value)
        if key not in self.seen:
            self.seen.add(key)
            self.inner.add(value, *extra)

    def result(self):
        return self.inner.result()


AGGREGATES = {
    "count": Count,
    "sum": Sum,
    "avg": Avg,
    "min": lambda: _Extreme(pick_greater=False),
    "max": lambda: _Extreme(pick_greater=True),
    "collect": Collect,
    "stdev": lambda: StDev(population=False),
    "stdevp": lambda: StDev(population=True),
    "percentilecont": lambda: _Percentile(continuous=True),
    "percentiledisc": lambda: _Percentile(continuous=False),
}


def new(name: str, distinct: bool) -> Aggregator:
    """An empty accumulator for the aggregate `name` (lower case)."""
    agg = AGGREGATES[name.lower()]()
    return Distinct(agg) if distinct else agg
