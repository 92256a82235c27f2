"""Reaching the cluster from the command line: addresses, credentials, the leader.

Every command is given one or more `--address host:port` (Bolt ports of any members). The
CLI connects to the first that answers and, where a command must run on the leader, asks
that node for the members (`db.bolt.listRaftNodes()`) and connects to the leader; if the
listed address cannot be reached it falls back to the WRITE address of a ROUTE table.

>>> parse_addresses(["127.0.0.1:7687,127.0.0.1:7688", "localhost"])
[('127.0.0.1', 7687), ('127.0.0.1', 7688), ('localhost', 7687)]
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from ..client import BoltClient, ClientError

DEFAULT_ADDRESS = "127.0.0.1:7687"
DEFAULT_USER = "admin"
DEFAULT_PASSWORD = "73@TuGraph"


class OpsError(Exception):
    """A failure the CLI reports as one line and a non-zero exit status."""


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str
    timeout: float = 5.0

    @classmethod
    def from_args(cls, user: str | None, password: str | None, timeout: float) -> Credentials:
        return cls(user or os.environ.get("TUGRAPH_USER") or DEFAULT_USER,
                   password if password is not None
                   else os.environ.get("TUGRAPH_PASSWORD", DEFAULT_PASSWORD), timeout)


def parse_address(text: str) -> tuple[str, int]:
    text = text.strip()
    if text.startswith("bolt://") or text.startswith("neo4j://"):
        text = text.split("://", 1)[1]
    if text.startswith("["):  # [ipv6]:port
        host, _, rest = text[1:].partition("]")
        port = rest.lstrip(":") or "7687"
    else:
        host, sep, port = text.rpartition(":")
        if not sep:
            host, port = text, "7687"
    try:
        number = int(port)
    except ValueError:
        raise OpsError(f"bad address {text!r}: expected host:port") from None
    if not host or not 0 < number < 65536:
        raise OpsError(f"bad address {text!r}: expected host:port")
    return host, number


def parse_addresses(values: list[str] | None) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for value in values or [DEFAULT_ADDRESS]:
        for part in value.split(","):
            if part.strip():
                address = parse_address(part)
                if address not in out:
                    out.append(address)
    if not out:
        raise OpsError("no --address given")
    return out


def show(address: tuple[str, int]) -> str:
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def open_client(address: tuple[str, int], creds: Credentials) -> BoltClient:
    """Connect and log in; a refused login is final (OpsError), other failures are OSError."""
    try:
        return BoltClient.connect(address[0], address[1], creds.user, creds.password,
                                  timeout=creds.timeout)
    except ClientError as e:
        if "Unauthorized" in e.code or "Security" in e.code:
            raise OpsError(f"{show(address)} refused the login of {creds.user!r}: "
                           f"{e.message}") from None
        raise OSError(e.message) from None
    except ValueError as e:  # not a Bolt server (handshake reply makes no sense)
        raise OSError(f"not a Bolt server: {e}") from None


def connect_any(addresses: list[tuple[str, int]], creds: Credentials
                ) -> tuple[BoltClient, tuple[str, int]]:
    """The first address that answers."""
    for address in addresses:
        try:
            return open_client(address, creds), address
        except OSError:
            continue
    raise OpsError(f"no node reachable at {', '.join(show(a) for a in addresses)}")


def query(client: BoltClient, text: str, params: dict | None = None) -> list[dict]:
    """Rows as dicts; a FAILURE becomes an OpsError carrying the server's message."""
    try:
        fields, records, _ = client.run(text, params or {})
    except ClientError as e:
        raise OpsError(e.message or e.code) from None
    return [dict(zip(fields, r, strict=True)) for r in records]


def list_nodes(client: BoltClient) -> list[dict]:
    return sorted(query(client, "CALL db.bolt.listRaftNodes()"), key=lambda r: r["node_id"])


def connect_leader(addresses: list[tuple[str, int]], creds: Credentials
                   ) -> tuple[BoltClient, list[dict]]:
    """A client logged in on the leader, and the member rows it was found from.

    While an election is under way no node names a leader: ask again until `creds.timeout`
    has passed, so a command given just after a failover still goes through."""
    deadline = time.monotonic() + creds.timeout
    while True:
        try:
            return _connect_leader_once(addresses, creds)
        except NoLeaderYet as e:
            if time.monotonic() >= deadline:
                raise OpsError(str(e)) from None
            time.sleep(0.2)


class NoLeaderYet(OpsError):
    pass


def _connect_leader_once(addresses, creds):
    client, address = connect_any(addresses, creds)
    try:
        rows = list_nodes(client)
        leader = next((r for r in rows if r["is_leader"]), None)
        if leader is None:
            raise NoLeaderYet("no leader is known right now (an election may be under way); "
                              "try again in a moment")
        target = (leader["ip"], leader["bolt_port"])
        if target == address:
            return client, rows
        candidates = [target]
        try:
            write = [a for s in client.route().get("servers", []) if s.get("role") == "WRITE"
                     for a in s.get("addresses", [])]
            candidates += [parse_address(a) for a in write if parse_address(a) != target]
        except (ClientError, OpsError):
            pass
    except BaseException:
        client.close()
        raise
    client.close()
    for candidate in candidates:
        try:
            return open_client(candidate, creds), rows
        except OSError:
            continue
    raise NoLeaderYet(f"the leader, node {leader['node_id']} at {show(target)}, "
                      "is not reachable")


def members_from_leader(addresses: list[tuple[str, int]], creds: Credentials) -> list[dict]:
    """The member rows as the leader sees them: a follower may not have applied the latest
    membership change yet. While no leader is known, the first node's own view."""
    try:
        client, _ = _connect_leader_once(addresses, creds)
    except NoLeaderYet:
        client, _ = connect_any(addresses, creds)
    try:
        return list_nodes(client)
    finally:
        client.close()
