"""Id blocks: each node hands out ids from blocks it reserved through the log.

A reservation is itself a command (`reserve_ids`), so two nodes never get the same block
and concurrent CREATEs on different nodes never collide. Ids burnt by a rolled-back
transaction are simply never used.

>>> blocks = IdBlocks(lambda kind, count: (10, 10 + count), block_size=2)
>>> [blocks.next_node_id() for _ in range(3)]
[10, 11, 10]
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Reserve = Callable[[str, int], tuple[int, int]]


class IdBlocks:
    """Thread-safe id source. `reserve(kind, count) -> (start, stop)` is called when the
    current block of `kind` ("node" | "rel") is used up."""

    def __init__(self, reserve: Reserve, block_size: int = 1024):
        if block_size < 1:
            raise ValueError("block_size must be positive")
        self._reserve = reserve
        self.block_size = block_size
        self._blocks = {"node": [0, 0], "rel": [0, 0]}
        self._lock = threading.Lock()

    def next_node_id(self) -> int:
        return self._next("node")

    def next_rel_id(self) -> int:
        return self._next("rel")

    def _next(self, kind: str) -> int:
        with self._lock:
            block = self._blocks[kind]
            if block[0] >= block[1]:
                start, stop = self._reserve(kind, self.block_size)
                if stop <= start:
                    raise RuntimeError(f"empty id block reserved for {kind}: {start}..{stop}")
                block[0], block[1] = start, stop
            new_id = block[0]
            block[0] += 1
            return new_id

    def forget(self) -> None:
        """Drop the current blocks (e.g. after a snapshot restore); new ones get reserved."""
        with self._lock:
            self._blocks = {"node": [0, 0], "rel": [0, 0]}
