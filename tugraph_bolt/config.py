"""Typed node configuration: the seed's JSON keys plus documented extras.

A config is read from a JSON file in TuGraph's `lgraph_server` format, then `--key value`
command-line overrides are applied. Every problem is reported with the key's name:

>>> load_config(overrides={"bolt_port": "70000"})
Traceback (most recent call last):
...
tugraph_bolt.errors.ConfigError: config key 'bolt_port': must be a port number 0..65535, got 70000

Unknown keys are kept out of the config and returned as warnings (TuGraph has many keys this
project does not use; refusing them would break existing files).
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_USER = "admin"
DEFAULT_PASSWORD = "73@TuGraph"
READ_LEVELS = ("local", "leader", "linearizable")


@dataclass(frozen=True)
class PeerConfig:
    """One entry of `bolt_raft_init_peers`."""

    bolt_raft_node_id: int
    ip: str
    bolt_raft_port: int
    bolt_port: int
    learner: bool = False
    advertised_address: str | None = None  # host:port clients should use (NAT, containers)


@dataclass(frozen=True)
class NodeConfig:
    # --- the seed's keys ------------------------------------------------------------
    host: str = "0.0.0.0"
    port: int = 7070
    bolt_port: int = 7687
    bolt_raft_port: int = 0
    bolt_raft_node_id: int = 0
    bolt_raft_init_peers: tuple[PeerConfig, ...] = ()
    verbose: int = 1
    log_dir: str = "log"
    # --- extras ---------------------------------------------------------------------
    directory: str = ""  # data directory; default depends on the node (see data_dir)
    cluster_secret: str | None = None  # raft traffic encryption key; required off loopback
    read_level: str = "local"
    disable_auth: bool = False
    admin_user: str = DEFAULT_USER
    admin_password: str = DEFAULT_PASSWORD
    strict_schema: bool = False
    enable_http: bool = True
    bolt_max_connections: int = 256
    bolt_max_message_size: int = 64 * 1024 * 1024
    max_query_length: int = 1024 * 1024
    bolt_idle_timeout: float = 0.0  # seconds; 0 = never hint a receive timeout
    route_ttl: int = 300  # seconds drivers keep a routing table
    write_timeout: float = 10.0  # seconds a write waits for its commit before 'unknown outcome'
    bookmark_timeout: float = 10.0  # seconds a read waits for its bookmark
    raft_election_timeout: float = 0.6  # seconds; randomised between 1x and 2x
    raft_leader_fallback_timeout: float = 0.6  # seconds a leader without quorum keeps leading
    raft_durable: bool = False  # fsync the journal before acknowledging a write
    raft_max_in_flight: int = 256  # writes this node may have in the log at once
    raft_snapshot_entries: int = 100_000  # log entries between snapshots (log compaction)
    advertised_address: str | None = None  # host:port announced in routing tables
    extra: dict = field(default_factory=dict, compare=False, repr=False)

    # ------------------------------------------------------------------------------
    @property
    def clustered(self) -> bool:
        return self.bolt_raft_port != 0

    @property
    def node_name(self) -> str:
        if self.clustered:
            return f"node{self.bolt_raft_node_id}"
        return f"bolt{self.bolt_port}"

    @property
    def data_dir(self) -> Path:
        """Per-node default so that the seed's configs, run from one folder, never collide."""
        if self.directory:
            return Path(self.directory)
        return Path("data") / self.node_name

    @property
    def log_file(self) -> Path:
        return Path(self.log_dir) / f"tugraph-bolt-{self.node_name}.log"

    @property
    def self_peer(self) -> PeerConfig | None:
        for p in self.bolt_raft_init_peers:
            if p.bolt_raft_node_id == self.bolt_raft_node_id:
                return p
        return None


# --- parsing ------------------------------------------------------------------------------

_FIELD_TYPES = {f.name: f.type for f in fields(NodeConfig)}


def _port(key: str, v: Any, *, allow_zero: bool = True) -> int:
    v = _int(key, v)
    lo = 0 if allow_zero else 1
    if not lo <= v <= 65535:
        raise ConfigError(key, f"must be a port number {lo}..65535, got {v}")
    return v


def _int(key: str, v: Any) -> int:
    if isinstance(v, bool):
        raise ConfigError(key, f"must be an integer, got {json.dumps(v)}")
    if isinstance(v, int):
        return v
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            pass
    raise ConfigError(key, f"must be an integer, got {json.dumps(v)}")


def _float(key: str, v: Any) -> float:
    if isinstance(v, bool):
        raise ConfigError(key, f"must be a number, got {json.dumps(v)}")
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            pass
    raise ConfigError(key, f"must be a number, got {json.dumps(v)}")


def _bool(key: str, v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int) and v in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
        return v.strip().lower() in ("true", "1", "yes")
    raise ConfigError(key, f"must be true or false, got {json.dumps(v)}")


def _str(key: str, v: Any) -> str:
    if not isinstance(v, str):
        raise ConfigError(key, f"must be a string, got {json.dumps(v)}")
    return v


def _ip(key: str, v: Any) -> str:
    v = _str(key, v)
    if v in ("localhost",):
        return "127.0.0.1"
    try:
        ipaddress.ip_address(v)
    except ValueError:
        # host names are allowed (containers); reject only obvious garbage
        if not v or any(c.isspace() for c in v) or "/" in v:
            raise ConfigError(key, f"must be an IP address or host name, got {json.dumps(v)}") from None
    return v


def _address(key: str, v: Any) -> str:
    v = _str(key, v)
    host, sep, port = v.rpartition(":")
    if not sep or not host:
        raise ConfigError(key, f"must be host:port, got {json.dumps(v)}")
    _port(key, port, allow_zero=False)
    return v


def _peers(key: str, v: Any) -> tuple[PeerConfig, ...]:
    if isinstance(v, str):
        try:
            v = json.loads(v)
        except ValueError as e:
            raise ConfigError(key, f"must be a JSON list of peers: {e}") from None
    if not isinstance(v, list):
        raise ConfigError(key, "must be a list of {bolt_raft_node_id, ip, bolt_raft_port, bolt_port}")
    out: list[PeerConfig] = []
    seen_ids: set[int] = set()
    seen_addr: set[tuple[str, int]] = set()
    for i, p in enumerate(v):
        k = f"{key}[{i}]"
        if not isinstance(p, dict):
            raise ConfigError(k, "must be an object {bolt_raft_node_id, ip, bolt_raft_port, bolt_port}")
        for req in ("bolt_raft_node_id", "ip", "bolt_raft_port", "bolt_port"):
            if req not in p:
                raise ConfigError(f"{k}.{req}", "is missing")
        unknown = sorted(set(p) - {"bolt_raft_node_id", "ip", "bolt_raft_port", "bolt_port",
                                   "learner", "advertised_address"})
        if unknown:
            raise ConfigError(f"{k}.{unknown[0]}", "unknown peer key")
        nid = _int(f"{k}.bolt_raft_node_id", p["bolt_raft_node_id"])
        if nid <= 0:
            raise ConfigError(f"{k}.bolt_raft_node_id", f"must be a positive integer, got {nid}")
        if nid in seen_ids:
            raise ConfigError(f"{k}.bolt_raft_node_id", f"duplicate node id {nid}")
        seen_ids.add(nid)
        ip = _ip(f"{k}.ip", p["ip"])
        rport = _port(f"{k}.bolt_raft_port", p["bolt_raft_port"], allow_zero=False)
        bport = _port(f"{k}.bolt_port", p["bolt_port"], allow_zero=False)
        if (ip, rport) in seen_addr:
            raise ConfigError(f"{k}.bolt_raft_port", f"{ip}:{rport} is used by two peers")
        seen_addr.add((ip, rport))
        learner = _bool(f"{k}.learner", p.get("learner", False))
        adv = p.get("advertised_address")
        adv = _address(f"{k}.advertised_address", adv) if adv is not None else None
        out.append(PeerConfig(nid, ip, rport, bport, learner, adv))
    return tuple(out)


_CONVERTERS = {
    "host": _ip,
    "port": _port,
    "bolt_port": _port,
    "bolt_raft_port": _port,
    "bolt_raft_node_id": _int,
    "bolt_raft_init_peers": _peers,
    "verbose": _int,
    "log_dir": _str,
    "directory": _str,
    "cluster_secret": _str,
    "read_level": _str,
    "disable_auth": _bool,
    "admin_user": _str,
    "admin_password": _str,
    "strict_schema": _bool,
    "enable_http": _bool,
    "bolt_max_connections": _int,
    "bolt_max_message_size": _int,
    "max_query_length": _int,
    "bolt_idle_timeout": _float,
    "route_ttl": _int,
    "write_timeout": _float,
    "bookmark_timeout": _float,
    "raft_election_timeout": _float,
    "raft_leader_fallback_timeout": _float,
    "raft_durable": _bool,
    "raft_max_in_flight": _int,
    "raft_snapshot_entries": _int,
    "advertised_address": _address,
}
assert set(_CONVERTERS) == set(_FIELD_TYPES) - {"extra"}


def _validate(c: NodeConfig) -> None:
    if c.verbose not in (0, 1, 2):
        raise ConfigError("verbose", f"must be 0, 1 or 2, got {c.verbose}")
    if c.read_level not in READ_LEVELS:
        raise ConfigError("read_level", f"must be one of {', '.join(READ_LEVELS)}, got {c.read_level!r}")
    for key in ("bolt_max_connections", "bolt_max_message_size", "max_query_length",
                "route_ttl", "raft_max_in_flight", "raft_snapshot_entries"):
        if getattr(c, key) <= 0:
            raise ConfigError(key, f"must be positive, got {getattr(c, key)}")
    for key in ("write_timeout", "bookmark_timeout", "raft_election_timeout",
                "raft_leader_fallback_timeout"):
        if getattr(c, key) <= 0:
            raise ConfigError(key, f"must be a positive number of seconds, got {getattr(c, key)}")
    if c.bolt_idle_timeout < 0:
        raise ConfigError("bolt_idle_timeout", "must be >= 0")
    if c.bolt_port == 0:
        raise ConfigError("bolt_port", "must be set: this node serves Bolt")
    if not c.admin_user:
        raise ConfigError("admin_user", "must not be empty")
    if not c.clustered:
        return
    if c.bolt_raft_node_id <= 0:
        raise ConfigError("bolt_raft_node_id", "must be a positive integer when bolt_raft_port is set")
    if not c.bolt_raft_init_peers:
        raise ConfigError("bolt_raft_init_peers", "must list the cluster's nodes (this one included)")
    me = c.self_peer
    if me is None:
        raise ConfigError(
            "bolt_raft_init_peers",
            f"does not contain this node (bolt_raft_node_id {c.bolt_raft_node_id})",
        )
    if me.bolt_raft_port != c.bolt_raft_port:
        raise ConfigError(
            "bolt_raft_port",
            f"is {c.bolt_raft_port} but this node's entry in bolt_raft_init_peers says {me.bolt_raft_port}",
        )
    if me.bolt_port != c.bolt_port:
        raise ConfigError(
            "bolt_port",
            f"is {c.bolt_port} but this node's entry in bolt_raft_init_peers says {me.bolt_port}",
        )
    if c.raft_leader_fallback_timeout < c.raft_election_timeout:
        raise ConfigError("raft_leader_fallback_timeout", "must be >= raft_election_timeout")
    if not _is_loopback(me.ip) and not c.cluster_secret:
        raise ConfigError(
            "cluster_secret",
            f"is required because the raft port binds {me.ip}, which is not a loopback address: "
            "PySyncObj unpickles every frame it receives, so set the same secret on every node "
            '(e.g. "cluster_secret": "<long random string>" or --cluster_secret ...)',
        )


def _is_loopback(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return ip == "localhost"


def load_config(
    path: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
) -> tuple[NodeConfig, list[str]]:
    """Read a JSON config file and apply overrides; return (config, warnings)."""
    raw: dict[str, Any] = {}
    if path is not None:
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as e:
            raise ConfigError("config", f"cannot read {p}: {e.strerror}") from None
        try:
            raw = json.loads(text)
        except ValueError as e:
            raise ConfigError("config", f"{p} is not valid JSON: {e}") from None
        if not isinstance(raw, dict):
            raise ConfigError("config", f"{p} must hold a JSON object")
    raw = dict(raw)
    raw.update(overrides or {})
    values: dict[str, Any] = {}
    warnings: list[str] = []
    extra: dict[str, Any] = {}
    for key in sorted(raw):
        conv = _CONVERTERS.get(key)
        if conv is None:
            warnings.append(f"config key '{key}' is not used by tugraph-bolt and is ignored")
            extra[key] = raw[key]
            continue
        v = raw[key]
        if v is None and key in ("cluster_secret", "advertised_address"):
            values[key] = None
            continue
        values[key] = conv(key, v)
    cfg = NodeConfig(**values, extra=extra)
    _validate(cfg)
    return cfg, warnings


def parse_overrides(argv: list[str]) -> dict[str, str]:
    """`--key value` / `--key=value` pairs, as lgraph_server takes them."""
    out: dict[str, str] = {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if not a.startswith("--") or a == "--":
            raise ConfigError(a, "expected --key value")
        key, eq, val = a[2:].partition("=")
        if not eq:
            if i + 1 >= len(argv):
                raise ConfigError(key, "needs a value")
            val = argv[i + 1]
            i += 1
        out[key.replace("-", "_")] = val
        i += 1
    return out
