"""IdMap: a persistent int -> value map for dense ids, stored as 32-slot chunks.

immutables.Map hashes an int to itself and turns any node with 16+ children into an array
node whose leaves hold one entry each, so 50,000 consecutive ids cost ~47,000 HAMT nodes:
containers the cyclic garbage collector walks again and again during a bulk load (a full
collection then costs ~0.3 s). Here ids are grouped by `id >> 5` into tuples of 32 slots
held in a Map with 32x fewer keys: one object per 32 ids, a 32-slot copy per write, and
ascending iteration for free.

>>> m = IdMap().set(70000, "b").set(3, "a")
>>> m.get(3), 70000 in m, 4 in m, len(m), m.sorted_keys()
('a', True, False, 2, (3, 70000))
>>> len(m.delete(3)), m.delete(3).get(3)
(1, None)
"""

from __future__ import annotations

import immutables

SHIFT = 5
WIDTH = 1 << SHIFT
MASK = WIDTH - 1


class _Hole:
    """Marks an empty slot; pickles by reference so identity survives a round trip."""

    __slots__ = ()

    def __reduce__(self):
        return "HOLE"

    def __repr__(self) -> str:
        return "HOLE"


HOLE = _Hole()
_EMPTY_CHUNK = (HOLE,) * WIDTH
_EMPTY = immutables.Map()


class IdMap:
    __slots__ = ("_chunks", "_len")

    def __init__(self, chunks=_EMPTY, length: int = 0):
        self._chunks = chunks
        self._len = length

    @classmethod
    def from_items(cls, items) -> IdMap:
        grouped: dict[int, list] = {}
        n = 0
        for key, value in items:
            chunk = grouped.get(key >> SHIFT)
            if chunk is None:
                chunk = grouped[key >> SHIFT] = list(_EMPTY_CHUNK)
            if chunk[key & MASK] is HOLE:
                n += 1
            chunk[key & MASK] = value
        return cls(immutables.Map({hi: tuple(c) for hi, c in grouped.items()}), n)

    def __reduce__(self):
        return (IdMap, (self._chunks, self._len))

    def get(self, key, default=None):
        chunk = self._chunks.get(key >> SHIFT)
        if chunk is None:
            return default
        value = chunk[key & MASK]
        return default if value is HOLE else value

    def __getitem__(self, key):
        chunk = self._chunks.get(key >> SHIFT)
        if chunk is not None:
            value = chunk[key & MASK]
            if value is not HOLE:
                return value
        raise KeyError(key)

    def __contains__(self, key) -> bool:
        chunk = self._chunks.get(key >> SHIFT)
        return chunk is not None and chunk[key & MASK] is not HOLE

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def set(self, key, value) -> IdMap:
        hi, lo = key >> SHIFT, key & MASK
        chunk = self._chunks.get(hi) or _EMPTY_CHUNK
        grew = chunk[lo] is HOLE
        new = chunk[:lo] + (value,) + chunk[lo + 1 :]
        return IdMap(self._chunks.set(hi, new), self._len + grew)

    def delete(self, key) -> IdMap:
        hi, lo = key >> SHIFT, key & MASK
        chunk = self._chunks.get(hi)
        if chunk is None or chunk[lo] is HOLE:
            raise KeyError(key)
        new = chunk[:lo] + (HOLE,) + chunk[lo + 1 :]
        if new == _EMPTY_CHUNK:
            return IdMap(self._chunks.delete(hi), self._len - 1)
        return IdMap(self._chunks.set(hi, new), self._len - 1)

    def sorted_keys(self) -> tuple[int, ...]:
        out: list[int] = []
        chunks = self._chunks
        for hi in sorted(chunks):
            base = hi << SHIFT
            out.extend(base + lo for lo, value in enumerate(chunks[hi]) if value is not HOLE)
        return tuple(out)

    def __iter__(self):
        return iter(self.sorted_keys())

    def items(self):
        for key in self.sorted_keys():
            yield key, self[key]

    def values(self):
        for key in self.sorted_keys():
            yield self[key]

    def __eq__(self, other) -> bool:
        return isinstance(other, IdMap) and self._chunks == other._chunks

    __hash__ = None

    def __repr__(self) -> str:
        return f"IdMap({self._len} entries)"


EMPTY_IDMAP = IdMap()


class IdMapBuilder:
    """A transient, in-place editable view of an IdMap (Clojure's "transient" idea).

    Effects edit the four big id-keyed maps through builders: a write copies the touched
    32-slot chunk once into a list and then edits it in place, instead of building a new
    chunk tuple, Map path and IdMap per write. `set`/`delete` return self, so code written
    for the persistent `m = m.set(k, v)` style works unchanged. The base IdMap is never
    modified; `freeze()` returns the new persistent IdMap.
    """

    __slots__ = ("_chunks", "_dirty", "_len")

    def __init__(self, base: IdMap):
        self._chunks = base._chunks
        self._dirty: dict[int, list] = {}
        self._len = base._len

    def _chunk(self, hi):
        chunk = self._dirty.get(hi)
        return chunk if chunk is not None else self._chunks.get(hi)

    def get(self, key, default=None):
        hi = key >> SHIFT
        chunk = self._dirty.get(hi)
        if chunk is None:
            chunk = self._chunks.get(hi)
            if chunk is None:
                return default
        value = chunk[key & MASK]
        return default if value is HOLE else value

    def __getitem__(self, key):
        value = self.get(key, HOLE)
        if value is HOLE:
            raise KeyError(key)
        return value

    def __contains__(self, key) -> bool:
        chunk = self._chunk(key >> SHIFT)
        return chunk is not None and chunk[key & MASK] is not HOLE

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def _writable(self, hi) -> list:
        chunk = self._dirty.get(hi)
        if chunk is None:
            base = self._chunks.get(hi)
            chunk = list(base) if base is not None else list(_EMPTY_CHUNK)
            self._dirty[hi] = chunk
        return chunk

    def set(self, key, value) -> IdMapBuilder:
        hi = key >> SHIFT
        chunk = self._dirty.get(hi)
        if chunk is None:
            chunk = self._writable(hi)
        lo = key & MASK
        if chunk[lo] is HOLE:
            self._len += 1
        chunk[lo] = value
        return self

    def delete(self, key) -> IdMapBuilder:
        chunk = self._writable(key >> SHIFT)
        lo = key & MASK
        if chunk[lo] is HOLE:
            raise KeyError(key)
        chunk[lo] = HOLE
        self._len -= 1
        return self

    def sorted_keys(self) -> tuple[int, ...]:
        his = set(self._chunks)
        his.update(self._dirty)
        out: list[int] = []
        for hi in sorted(his):
            base = hi << SHIFT
            chunk = self._chunk(hi)
            out.extend(base + lo for lo, value in enumerate(chunk) if value is not HOLE)
        return tuple(out)

    def __iter__(self):
        return iter(self.sorted_keys())

    def freeze(self) -> IdMap:
        if not self._dirty:
            return IdMap(self._chunks, self._len)
        mutation = self._chunks.mutate()
        for hi, chunk in self._dirty.items():  # order is irrelevant: the result is a map
            if all(value is HOLE for value in chunk):
                if hi in mutation:
                    mutation.pop(hi)
            else:
                mutation.set(hi, tuple(chunk))
        return IdMap(mutation.finish(), self._len)


def transient(m) -> IdMapBuilder:
    """A new IdMapBuilder over `m`; never shares a builder (its owner keeps editing it)."""
    return IdMapBuilder(persistent(m))


def persistent(m) -> IdMap:
    return m.freeze() if isinstance(m, IdMapBuilder) else m
