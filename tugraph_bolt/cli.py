"""Command line: `tugraph-bolt serve`, `tugraph-bolt cluster ...`, `tugraph-bolt shell`.

`lgraph_server -c node.json [--key value ...]` is an alias of `tugraph-bolt serve`, so the
seed's instructions ("start three lgraph_server") work as written.
"""

from __future__ import annotations

import argparse
import sys

from .config import load_config, parse_overrides
from .errors import ConfigError


def _serve(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="tugraph-bolt serve",
        description="Run one tugraph-bolt node. Any config key can be given as --key value.",
    )
    p.add_argument("-c", "--config", help="JSON config file in lgraph_server's format")
    p.add_argument("-d", "--daemon", choices=["run", "start"], default="run",
                   help="accepted for lgraph_server compatibility; the node always runs in the foreground")
    args, rest = p.parse_known_args(argv)
    try:
        cfg, warnings = load_config(args.config, parse_overrides(rest))
    except ConfigError as e:
        print(f"tugraph-bolt: {e}", file=sys.stderr)
        return 2
    from .node import run_node  # imported late: config errors need none of the heavy modules

    return run_node(cfg, warnings)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(
            "usage: tugraph-bolt serve -c node.json [--key value ...]\n"
            "       tugraph-bolt cluster {status,nodes,add,add-learner,remove,promote,transfer-leader} ...\n"
            "       tugraph-bolt shell [--address host:port] [< script.cypher]\n"
        )
        return 0 if argv else 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "serve":
        return _serve(rest)
    if cmd in ("cluster", "shell"):
        from . import ops_cli

        return ops_cli.main(cmd, rest)
    print(f"tugraph-bolt: unknown command {cmd!r} (try serve, cluster, shell)", file=sys.stderr)
    return 2


def lgraph_server() -> int:
    return _serve(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
