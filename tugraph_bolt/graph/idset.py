"""Persistent sets of ids: a sorted tuple while small, an IdMap (values None) when large.

Most adjacency lists and index entries hold a handful of ids. A sorted tuple of ints is
cheaper to build than a HAMT, reads back already sorted, and is ignored by the cyclic
garbage collector (a HAMT node never is: full collections over 100k HAMT nodes cost
~0.3 s each). Large sets switch to a Map so hubs stay O(log n) per change.

>>> s = add(add(add(None, 5), 1), 3)
>>> s, ordered(remove(s, 1))
((1, 3, 5), (3, 5))
"""

from __future__ import annotations

from bisect import bisect_left

from tugraph_bolt.graph.idmap import IdMap

SMALL = 32


def add(ids, member: int):
    if ids is None:
        return (member,)
    if type(ids) is tuple:
        if ids and ids[-1] < member:  # the common case: ids grow
            new = ids + (member,)
        else:
            at = bisect_left(ids, member)
            if at < len(ids) and ids[at] == member:
                return ids
            new = ids[:at] + (member,) + ids[at:]
        if len(new) > SMALL:
            return IdMap.from_items((x, None) for x in new)
        return new
    return ids.set(member, None)


def remove(ids, member: int):
    """The set without `member`; None when it becomes empty."""
    if ids is None:
        return None
    if type(ids) is tuple:
        at = bisect_left(ids, member)
        if at == len(ids) or ids[at] != member:
            return ids
        new = ids[:at] + ids[at + 1 :]
        return new or None
    if member not in ids:
        return ids
    new = ids.delete(member)
    if len(new) <= SMALL // 2:
        return new.sorted_keys()
    return new


def ordered(ids) -> tuple[int, ...]:
    if ids is None:
        return ()
    if type(ids) is tuple:
        return ids
    return ids.sorted_keys()


def contains(ids, member: int) -> bool:
    if ids is None:
        return False
    if type(ids) is tuple:
        at = bisect_left(ids, member)
        return at < len(ids) and ids[at] == member
    return member in ids
