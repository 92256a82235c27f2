"""Local process clusters for `make run`, the examples, the tests and the benchmarks.

Each node is a real `tugraph-bolt serve` process started from a working directory with its
own JSON config (the seed's format). Every wait is bounded:

    with LocalCluster.fresh(workdir, size=3) as c:
        leader = c.wait_for_leader()
        ...
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


def free_ports(n: int, host: str = "127.0.0.1") -> list[int]:
    """n distinct ports that were free a moment ago (bound then released together)."""
    socks, ports = [], []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind((host, 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def port_open(host: str, port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(predicate, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Poll `predicate` until it returns a truthy value or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    last_exc: Exception | None = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - the predicate may fail while things start
            last_exc = e
        if time.monotonic() >= deadline:
            extra = f" (last error: {last_exc})" if last_exc else ""
            raise TimeoutError(f"timed out after {timeout:.1f}s waiting for {what}{extra}")
        time.sleep(interval)


def seed_style_config(node_id: int, peers: list[dict], *, host="127.0.0.1", web_port=7070,
                      **extra) -> dict:
    me = next(p for p in peers if p["bolt_raft_node_id"] == node_id)
    cfg = {
        "host": host,
        "port": web_port,
        "bolt_port": me["bolt_port"],
        "bolt_raft_port": me["bolt_raft_port"],
        "bolt_raft_node_id": node_id,
        "bolt_raft_init_peers": peers,
        "verbose": 1,
        "log_dir": "log",
    }
    cfg.update(extra)
    return cfg


@dataclass
class NodeProcess:
    node_id: int
    config_path: Path
    workdir: Path
    bolt_port: int
    raft_port: int
    host: str = "127.0.0.1"
    proc: subprocess.Popen | None = None
    extra_args: list[str] = field(default_factory=list)

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.bolt_port)

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.bolt_port}"

    def start(self) -> None:
        if self.running:
            return
        out = open(self.workdir / f"stdout-node{self.node_id}.log", "ab")  # noqa: SIM115
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tugraph_bolt.cli", "serve", "-c", str(self.config_path),
             *self.extra_args],
            cwd=self.workdir, stdout=out, stderr=subprocess.STDOUT, env=env,
        )
        out.close()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_bolt(self, timeout: float = 30.0) -> None:
        def ready():
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"node {self.node_id} exited with {self.proc.returncode}:\n"
                                   + self.output_tail())
            return port_open(self.host, self.bolt_port)

        wait_until(ready, timeout, what=f"node {self.node_id} Bolt port {self.bolt_port}")

    def kill(self) -> None:
        """SIGKILL: the crash case."""
        if self.running:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM and wait for a clean exit (SIGKILL if it does not come)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode

    def output_tail(self, lines: int = 40) -> str:
        p = self.workdir / f"stdout-node{self.node_id}.log"
        if not p.exists():
            return ""
        return "\n".join(p.read_text(errors="replace").splitlines()[-lines:])


class LocalCluster:
    def __init__(self, workdir: Path, nodes: list[NodeProcess]):
        self.workdir = workdir
        self.nodes = {n.node_id: n for n in nodes}

    @classmethod
    def from_configs(cls, workdir: Path, config_paths: list[Path]) -> LocalCluster:
        nodes = []
        for p in config_paths:
            cfg = json.loads(Path(p).read_text())
            nodes.append(NodeProcess(cfg["bolt_raft_node_id"], Path(p).resolve(), workdir,
                                     cfg["bolt_port"], cfg["bolt_raft_port"]))
        return cls(workdir, nodes)

    @classmethod
    def fresh(cls, workdir: Path, size: int = 3, **extra) -> LocalCluster:
        """A new cluster on free ports, configs in the seed's format written to workdir."""
        workdir.mkdir(parents=True, exist_ok=True)
        ports = free_ports(2 * size + size)
        peers = [
            {"bolt_raft_node_id": i + 1, "ip": "127.0.0.1",
             "bolt_raft_port": ports[2 * i], "bolt_port": ports[2 * i + 1]}
            for i in range(size)
        ]
        paths = []
        for i in range(size):
            cfg = seed_style_config(i + 1, peers, web_port=ports[2 * size + i], **extra)
            path = workdir / f"node{i + 1}.json"
            path.write_text(json.dumps(cfg, indent=2))
            paths.append(path)
        return cls.from_configs(workdir, paths)

    def add_node(self, node_id: int, peers: list[dict], **extra) -> NodeProcess:
        me = next(p for p in peers if p["bolt_raft_node_id"] == node_id)
        cfg = seed_style_config(node_id, peers, web_port=free_ports(1)[0], **extra)
        path = self.workdir / f"node{node_id}.json"
        path.write_text(json.dumps(cfg, indent=2))
        n = NodeProcess(node_id, path, self.workdir, me["bolt_port"], me["bolt_raft_port"])
        self.nodes[node_id] = n
        return n

    def peers(self) -> list[dict]:
        return [{"bolt_raft_node_id": n.node_id, "ip": n.host, "bolt_raft_port": n.raft_port,
                 "bolt_port": n.bolt_port} for n in self.nodes.values()]

    def start(self, timeout: float = 30.0) -> LocalCluster:
        for n in self.nodes.values():
            n.start()
        for n in self.nodes.values():
            n.wait_bolt(timeout)
        return self

    def stop(self) -> None:
        for n in self.nodes.values():
            n.stop()

    def kill(self) -> None:
        for n in self.nodes.values():
            n.kill()

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def addresses(self) -> list[tuple[str, int]]:
        return [n.address for n in self.nodes.values()]
