"""Composition root: config -> data directory lock -> log (local or Raft) -> service -> servers.

`run_node(config)` runs a node in the foreground until SIGTERM / SIGINT, then stops cleanly:
no new connections, in-flight commits finish (bounded), connections close, the replica stops.
"""

from __future__ import annotations

import fcntl
import gc
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from .config import NodeConfig
from .logs import setup_logging

log = logging.getLogger("tugraph_bolt.node")

SWITCH_INTERVAL = float(os.environ.get("TUGRAPH_SWITCH_INTERVAL", "0.0005"))


class DataDirLocked(Exception):
    pass


class DataDirLock:
    """An exclusive lock on `<data_dir>/LOCK`: two processes never share one data directory."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / "LOCK"
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = os.read(fd, 64).decode(errors="replace").strip() or "another process"
            finally:
                os.close(fd)
            raise DataDirLocked(
                f"data directory {self.path.parent} is in use by pid {holder}; "
                "stop that node first or give this one another 'directory'"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class Node:
    """One tugraph-bolt node: the pieces wired together, started and stopped in order."""

    def __init__(self, config: NodeConfig):
        self.config = config
        self.lock = DataDirLock(config.data_dir)
        self.log_backend = None
        self.service = None
        self.bolt = None
        self.http = None
        self.stopped = threading.Event()

    def start(self) -> None:
        from .server.bolt_server import BoltServer
        from .service import Database, make_log

        cfg = self.config
        self.lock.acquire()
        # The replica must be built in the main thread (PySyncObj's tick thread dies with
        # the thread that built it).
        self.log_backend = make_log(cfg)
        # The recovered graph is long-lived: move it out of the cyclic GC's sight, and let
        # young collections run less often (with a large heap of records, full collections
        # otherwise dominate query latency).
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 50)
        if cfg.clustered:
            # Every commit passes through PySyncObj's one tick thread. With Python's default
            # 5 ms GIL switch interval it waits behind busy Bolt threads; a shorter interval
            # lets it in sooner (benchmarks/cluster.py, 16 sessions: ~1,520 -> ~1,700
            # writes/s, mean of 3 noisy runs each; no gain for a single node, so not there)
            sys.setswitchinterval(SWITCH_INTERVAL)
        self.service = Database(cfg, self.log_backend)
        bind_host = cfg.host
        self.bolt = BoltServer(
            bind_host,
            cfg.bolt_port,
            self.service,
            max_workers=cfg.bolt_max_connections,
            max_message_size=cfg.bolt_max_message_size,
            idle_timeout=cfg.bolt_idle_timeout or None,
        )
        self.bolt.start()
        log.info("Bolt listening on %s:%d", bind_host, cfg.bolt_port)
        if cfg.enable_http:
            self._start_http()
        self.service.started()

    def _start_http(self) -> None:
        try:
            from .server.http_server import HttpServer
        except ImportError:  # the HTTP port is optional
            return
        cfg = self.config
        try:
            self.http = HttpServer(cfg.host, cfg.port, self.service, bolt_server=self.bolt)
            self.http.start()
            log.info("HTTP listening on %s:%d", cfg.host, cfg.port)
        except OSError as e:
            # The seed's three configs all ask for web port 7070 on one host: the first node
            # gets it, the others serve Bolt and Raft without a web port.
            self.http = None
            log.warning(
                "web port %s:%d is not available (%s); this node runs without its HTTP API. "
                "Give each node its own 'port' to enable it.", cfg.host, cfg.port, e.strerror or e,
            )

    def stop(self, grace: float = 5.0) -> None:
        if self.stopped.is_set():
            return
        self.stopped.set()
        log.info("stopping: closing listeners, finishing in-flight work")
        if self.http is not None:
            self.http.stop()
        if self.bolt is not None:
            self.bolt.stop(grace)
        if self.service is not None:
            self.service.close()
        if self.log_backend is not None:
            self.log_backend.close()
        self.lock.release()
        log.info("stopped")


def run_node(config: NodeConfig, warnings: list[str] | None = None) -> int:
    setup_logging(config.verbose, config.log_file, config.node_name)
    for w in warnings or []:
        log.warning("%s", w)
    node = Node(config)
    stop_requested = threading.Event()

    def on_signal(signum, _frame):
        log.info("received %s", signal.Signals(signum).name)
        stop_requested.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        node.start()
    except DataDirLocked as e:
        log.error("%s", e)
        return 3
    except OSError as e:
        log.error("cannot start: %s", e)
        node.stop(0)
        return 1
    log.info("node %s ready (bolt port %d)", config.node_name, config.bolt_port)
    while not stop_requested.wait(0.5):
        if node.service is not None and node.service.fatal is not None:
            log.critical("fail-stop: %s", node.service.fatal)
            node.stop(1.0)
            return 4
    node.stop()
    return 0
