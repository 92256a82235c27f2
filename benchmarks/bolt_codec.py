"""Micro-benchmark of the Bolt hot path: PackStream pack/unpack and a socket-free RUN+PULL.

Prints one JSON object. Usage: .venv/bin/python benchmarks/bolt_codec.py [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tugraph_bolt import values  # noqa: E402
from tugraph_bolt.bolt import messages as m  # noqa: E402
from tugraph_bolt.bolt.chunking import chunk_message  # noqa: E402
from tugraph_bolt.bolt.connection import BoltConnection  # noqa: E402
from tugraph_bolt.bolt.handshake import MAGIC  # noqa: E402
from tugraph_bolt.bolt.hydration import ValueCodec  # noqa: E402
from tugraph_bolt.packstream import Packer, Unpacker  # noqa: E402

ROW = [12345, "Alice Smith", 3.25, None, True, [1, 2, 3], {"city": "Lund", "zip": 22100}]
NODE_ROW = [values.Node(42, ("Person",), {"name": "Alice", "age": 33, "tags": ["a", "b"]})]


def rate(fn, seconds: float) -> float:
    """Calls per second of fn(), measured for about `seconds`."""
    n, start = 0, time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(200):
            fn()
        n += 200
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


def bench_pack(row, codec, seconds):
    packer = Packer(dehydrate=codec.dehydrate)

    def once():
        packer.buf = bytearray()
        packer.pack_value(row)

    return rate(once, seconds)


def bench_unpack(row, codec, seconds):
    packer = Packer(dehydrate=codec.dehydrate)
    packer.pack_value(row)
    data = bytes(packer.buf)
    return rate(lambda: Unpacker(data, hydrate=codec.hydrate).unpack_value(), seconds)


class OneRowBackend:
    server_agent = "Neo4j/5.26.0"

    class Result:
        fields = ["a", "b", "c", "d", "e", "f", "g"]

        def __init__(self, rows):
            self.rows = rows

        def fetch(self, n):
            rows, self.rows = self.rows, []
            return rows, False

        def summary(self):
            return {"type": "r"}

    def __init__(self, rows):
        self.rows = rows

    def authenticate(self, auth):
        return "bench"

    def run(self, session, query, params, extra):
        return self.Result(list(self.rows))


def bench_run_pull(rows_per_query, seconds):
    conn = BoltConnection(OneRowBackend([ROW] * rows_per_query), "bench")
    conn.receive_data(MAGIC + bytes.fromhex("00000805") + bytes(12))
    hello = bytearray()
    for request in (m.Hello({}), m.Logon({"scheme": "none"})):
        chunk_message(m.encode_request(request), hello)
    conn.receive_data(bytes(hello))
    while conn.outgoing():
        pass
    request = bytearray()
    for message in (m.Run("RETURN 1", {"x": 1}, {}), m.Pull(1000)):
        chunk_message(m.encode_request(message), request)
    request = bytes(request)

    def once():
        conn.receive_data(request)
        while conn.outgoing():
            pass

    return rate(once, seconds)


def bench_driver_pack(row, seconds):
    try:
        from neo4j._codec.packstream.v1 import PackableBuffer
        from neo4j._codec.packstream.v1 import Packer as DriverPacker
    except ImportError:
        return None

    def once():
        buffer = PackableBuffer()
        DriverPacker(buffer).pack(row)

    return rate(once, seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.0)
    seconds = parser.parse_args().seconds
    codec = ValueCodec((5, 8))
    report = {
        "pack_rows_per_s": round(bench_pack(ROW, codec, seconds)),
        "unpack_rows_per_s": round(bench_unpack(ROW, codec, seconds)),
        "pack_node_rows_per_s": round(bench_pack(NODE_ROW, codec, seconds)),
        "unpack_node_rows_per_s": round(bench_unpack(NODE_ROW, codec, seconds)),
        "run_pull_1_row_per_s": round(bench_run_pull(1, seconds)),
        "run_pull_100_rows_per_s": round(bench_run_pull(100, seconds)),
        "driver_pack_rows_per_s": (lambda r: round(r) if r else None)(bench_driver_pack(ROW, seconds)),
        "row": "7 values: int, str, float, null, bool, list[3], map[2]",
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
