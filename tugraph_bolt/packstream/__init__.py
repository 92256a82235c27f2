"""PackStream v1: a pure codec between bytes and plain values.

It knows nothing of graphs: anything that is not null/bool/int/float/str/bytes/list/dict is
either a `Structure(tag, fields)` or handed to the caller's `dehydrate` hook on the way out;
on the way in every structure goes through the caller's `hydrate` hook (default: keep the
`Structure`). That is where the Bolt layer plugs in its versioned graph and temporal types.

>>> pack([1, "a", None]).hex()
'93018161c0'
>>> unpack(bytes.fromhex("b1440a"))
Structure(tag=68, fields=[10])
"""

from tugraph_bolt.packstream.codec import (
    Packer,
    PackStreamError,
    Structure,
    Unpacker,
    pack,
    unpack,
)

__all__ = ["PackStreamError", "Packer", "Structure", "Unpacker", "pack", "unpack"]
