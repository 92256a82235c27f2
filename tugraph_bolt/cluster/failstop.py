"""Fail-stop on any CRITICAL line from PySyncObj.

With our guards installed PySyncObj should never log CRITICAL ("truncating already-applied
log entries" is the symptom of the 0.3.17 divergence bug). If it does anyway, the node must
stop rather than serve state that may differ from the majority's.

A process may host several replicas (tests do), so the handler must know which replica the
line came from. PySyncObj logs from inside a tick or a message delivery; the guarded SyncObj
marks itself as "acting" on the current thread for the duration of both (`acting(node)`).
A CRITICAL line outside any such section stops every guarded replica in the process: when
in doubt, stopping is the safe side.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref

PYSYNCOBJ_LOGGER = "pysyncobj"

_acting = threading.local()
_guarded_nodes: weakref.WeakSet = weakref.WeakSet()
_install_lock = threading.Lock()


@contextlib.contextmanager
def acting(node):
    """Mark `node` as the replica the current thread works for (nests)."""
    previous = getattr(_acting, "node", None)
    _acting.node = node
    try:
        yield
    finally:
        _acting.node = previous


def register(node) -> None:
    """Make `node` (anything with `fail_stop(reason)`) subject to the CRITICAL rule."""
    install()
    _guarded_nodes.add(node)


class FailStopHandler(logging.Handler):
    """Turns a CRITICAL record from the `pysyncobj` loggers into `fail_stop`."""

    def __init__(self):
        super().__init__(level=logging.CRITICAL)

    def emit(self, record: logging.LogRecord) -> None:
        reason = f"PySyncObj CRITICAL: {record.getMessage()}"
        node = getattr(_acting, "node", None)
        if node is not None:
            targets = [node] if node in _guarded_nodes else []
        else:
            targets = list(_guarded_nodes)
        for target in targets:
            target.fail_stop(reason)


def install() -> FailStopHandler:
    """Attach the handler to the `pysyncobj` logger once per process."""
    with _install_lock:
        logger = logging.getLogger(PYSYNCOBJ_LOGGER)
        for handler in logger.handlers:
            if isinstance(handler, FailStopHandler):
                return handler
        handler = FailStopHandler()
        logger.addHandler(handler)
        # The logger's own level must let CRITICAL through even if someone quietened it.
        if logger.level > logging.CRITICAL:
            logger.setLevel(logging.CRITICAL)
        return handler
