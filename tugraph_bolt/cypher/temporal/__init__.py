"""Cypher temporal values: construction, accessors, arithmetic, truncation, formatting.

The value classes live in `tugraph_bolt.values` (their fields mirror Bolt); this package
gives them Cypher semantics. Modules: `calendar` (epoch-day arithmetic for any year),
`zones` (offsets and IANA zones), `text` (parsing and printing), `model` (local parts),
`build` (constructors), `arith` (+ - * /, comparison, duration.between), `access`
(properties, type names, strings), `functions` (the function table).
"""

from .access import get_field, is_temporal, to_string, type_name
from .arith import add, between, compare, div, equals, mul, negate, order_key_part, sub
from .build import construct
from .functions import TEMPORAL_FUNCTIONS, duration_of, truncate
from .zones import offset_at_instant, utc_of_local

# Names cypher/ops.py looks up.
subtract = sub
multiply = mul
divide = div

__all__ = [
    "TEMPORAL_FUNCTIONS",
    "add",
    "between",
    "compare",
    "construct",
    "div",
    "divide",
    "duration_of",
    "equals",
    "get_field",
    "is_temporal",
    "mul",
    "multiply",
    "negate",
    "offset_at_instant",
    "order_key_part",
    "sub",
    "subtract",
    "to_string",
    "truncate",
    "type_name",
    "utc_of_local",
]
