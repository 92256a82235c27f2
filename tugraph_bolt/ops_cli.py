"""`tugraph-bolt cluster <command>` and `tugraph-bolt shell`: the operator's command line.

They talk Bolt through the project's own client, reach any node given with `--address`
(repeatable or comma-separated), find the leader themselves, log in with `--user` /
`--password` (or TUGRAPH_USER / TUGRAPH_PASSWORD; default admin / 73@TuGraph), print tables
or `--json`, and exit 1 with a one-line reason when something fails (2 for bad usage).

    tugraph-bolt cluster status --address 127.0.0.1:7687
    tugraph-bolt cluster add 4 127.0.0.1 7690 9093 --address 127.0.0.1:7687
    echo "MATCH (n) RETURN count(n);" | tugraph-bolt shell --address 127.0.0.1:7687
"""

from __future__ import annotations

import argparse
import sys

from .ops import cluster_cmds
from .ops.connect import Credentials, OpsError, connect_any, parse_addresses, show
from .ops.table import to_json

COMMANDS = ("status", "nodes", "add", "add-learner", "remove", "promote", "transfer-leader")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--address", "-a", action="append", metavar="HOST:PORT",
                   help="Bolt address of any node (repeatable, or comma-separated; "
                        "default 127.0.0.1:7687)")
    p.add_argument("--user", "-u", help="user name (env TUGRAPH_USER, default admin)")
    p.add_argument("--password", "-p",
                   help="password (env TUGRAPH_PASSWORD, default 73@TuGraph)")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.add_argument("--timeout", type=float, default=15.0,
                   help="seconds to wait for a node (connect and each request)")


def _cluster_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tugraph-bolt cluster",
                                description="Inspect and change a tugraph-bolt Raft cluster.")
    sub = p.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}")
    sub.required = True
    _common(sub.add_parser("status", help="members, roles, leader, term, indexes, lag"))
    _common(sub.add_parser("nodes", help="the member directory"))
    for name, what in (("add", "a voting member"), ("add-learner", "a learner")):
        s = sub.add_parser(name, help=f"add {what} (start its process afterwards)")
        s.add_argument("node_id", type=int, metavar="ID")
        s.add_argument("ip", metavar="IP")
        s.add_argument("bolt_port", type=int, metavar="BOLT_PORT")
        s.add_argument("raft_port", type=int, metavar="RAFT_PORT")
        _common(s)
    for name, what in (("remove", "remove a member"), ("promote", "make a learner a voter"),
                       ("transfer-leader", "hand leadership to a voter")):
        s = sub.add_parser(name, help=what)
        s.add_argument("node_id", type=int, metavar="ID")
        _common(s)
    return p


def _shell_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tugraph-bolt shell",
        description="A Cypher prompt (statements end with ';'); reads a script from stdin "
                    "when stdin is not a terminal.")
    _common(p)
    p.add_argument("--execute", "-e", metavar="CYPHER",
                   help="run these statements and exit instead of reading stdin")
    return p


def _cluster(args) -> int:
    addresses = parse_addresses(args.address)
    creds = Credentials.from_args(args.user, args.password, args.timeout)
    command = args.command.replace("-", "_")
    fn = getattr(cluster_cmds, command)
    if command in ("status", "nodes"):
        doc, text = fn(addresses, creds)
    elif command in ("add", "add_learner"):
        doc, text = fn(addresses, creds, args.node_id, args.ip, args.bolt_port, args.raft_port)
    else:
        doc, text = fn(addresses, creds, args.node_id)
    print(to_json(doc) if args.json else text)
    return 0


def _shell(args) -> int:
    from .ops.shell import Shell

    addresses = parse_addresses(args.address)
    creds = Credentials.from_args(args.user, args.password, args.timeout)
    client, address = connect_any(addresses, creds)
    try:
        shell = Shell(client, as_json=args.json, address=show(address))
        if args.execute is not None:
            return shell.run_script(args.execute)
        if sys.stdin.isatty():
            return shell.interactive()
        return shell.run_script(sys.stdin.read())
    finally:
        client.close()


def main(cmd: str, argv: list[str]) -> int:
    parser = _cluster_parser() if cmd == "cluster" else _shell_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse has printed the usage error (or --help)
        return int(e.code or 0)
    try:
        return _cluster(args) if cmd == "cluster" else _shell(args)
    except OpsError as e:
        # one line, whatever the server's message looked like (scripts grep for it)
        print(f"tugraph-bolt: {' '.join(str(e).split())}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
