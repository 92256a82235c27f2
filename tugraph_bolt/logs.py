"""Logging set-up: one file per node (never shared between nodes) plus stderr.

`verbose` follows lgraph_server: 0 = warnings and errors, 1 = info, 2 = debug.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

_LEVELS = {0: logging.WARNING, 1: logging.INFO, 2: logging.DEBUG}
FORMAT = "%(asctime)s %(levelname)s [%(name)s] %(message)s"


def setup_logging(verbose: int, log_file: Path | None, node_name: str) -> logging.Logger:
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
        h.close()
    level = _LEVELS.get(verbose, logging.INFO)
    root.setLevel(level)
    fmt = logging.Formatter(FORMAT.replace("%(name)s", f"{node_name} %(name)s"))
    err = logging.StreamHandler(sys.stderr)
    err.setFormatter(fmt)
    root.addHandler(err)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        fh = logging.FileHandler(log_file, encoding="utf-8")
        fh.setFormatter(fmt)
        root.addHandler(fh)
    # PySyncObj logs every connection attempt at INFO/DEBUG; keep it quiet unless verbose=2.
    logging.getLogger("pysyncobj").setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)
    return logging.getLogger("tugraph_bolt")
