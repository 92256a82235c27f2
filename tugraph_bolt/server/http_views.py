"""What the HTTP port answers with: query values as TuGraph's REST API spells them, and the
cluster status document behind `GET /cluster` and the status page.

TuGraph's `/cypher` answer is `{"result": rows, "header": [{"name", "type"}], "size", "elapsed"}`;
nodes are `{"identity", "label", "properties"}`, relationships add `src` and `dst`, and
temporal values are strings.

>>> to_json_value(values.Node(7, ("Person",), {"name": "Ann"}))
{'identity': 7, 'label': 'Person', 'labels': ['Person'], 'properties': {'name': 'Ann'}}
"""

from __future__ import annotations

import math
import threading
import time

from .. import values
from ..metrics import follower_lags, role_of

# TuGraph's REST header type codes: 0 a scalar (any plain value, list or map), 1 a node,
# 2 a relationship; 3 (a path) is this server's addition. Decided by the first non-null value.
TYPE_CODES = {"SCALAR": 0, "NODE": 1, "RELATIONSHIP": 2, "PATH": 3}


def to_json_value(v):
    """A Cypher value as JSON-ready Python (temporal and spatial values as their text)."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        # JSON has no NaN/Infinity: spell them as Cypher prints them
        return v if math.isfinite(v) else ("NaN" if v != v else ("Infinity" if v > 0 else "-Infinity"))
    if isinstance(v, values.Node):
        return {"identity": v.id, "label": v.labels[0] if v.labels else "",
                "labels": list(v.labels), "properties": to_json_value(v.properties)}
    if isinstance(v, values.Relationship):
        return {"identity": v.id, "label": v.type, "src": v.start, "dst": v.end,
                "properties": to_json_value(v.properties)}
    if isinstance(v, values.Path):
        walk = [to_json_value(v.nodes[0])]
        for rel, node in zip(v.relationships, v.nodes[1:], strict=True):
            walk.append(to_json_value(rel))
            walk.append(to_json_value(node))
        return walk
    if isinstance(v, (list, tuple)):
        return [to_json_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): to_json_value(x) for k, x in v.items()}
    if isinstance(v, (bytes, bytearray)):
        return list(v)
    if isinstance(v, (*values.TEMPORAL_TYPES, values.Point)):
        from ..cypher.temporal import to_string

        return to_string(v)
    return str(v)


def type_code(v) -> int:
    for cls, name in ((values.Node, "NODE"), (values.Relationship, "RELATIONSHIP"),
                      (values.Path, "PATH")):
        if isinstance(v, cls):
            return TYPE_CODES[name]
    return TYPE_CODES["SCALAR"]


def header_of(fields: list[str], rows: list[list]) -> list[dict]:
    header = []
    for i, name in enumerate(fields):
        first = next((r[i] for r in rows if r[i] is not None), None)
        header.append({"name": name, "type": type_code(first)})
    return header


# --- cluster status -----------------------------------------------------------------------

READY_MAX_LAG = 16  # committed-but-unapplied entries a node may have and still be "caught up"


class MemberStatusCache:
    """Other members' etcd-shaped status, asked over Bolt at most once a second each, so any
    node's /cluster can show every member's lag (only the leader tracks voters' match
    indexes, and nobody tracks a learner's by node id)."""

    def __init__(self, ttl: float = 1.0):
        self.ttl = ttl
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, int], tuple[float, dict | None]] = {}

    def get(self, db, member: dict) -> dict | None:
        key = (member["ip"], member["bolt_port"])
        with self._lock:
            hit = self._seen.get(key)
            if hit is not None and time.monotonic() - hit[0] < self.ttl:
                return hit[1]
        value = _ask_status(db, *key)
        with self._lock:
            self._seen[key] = (time.monotonic(), value)
        return value


def _ask_status(db, host: str, port: int) -> dict | None:
    import orjson

    from ..client import BoltClient

    cfg = db.config
    try:
        with BoltClient.connect(host, port, cfg.admin_user, cfg.admin_password,
                                timeout=1.0) as c:
            _, records, _ = c.run("CALL db.bolt.getRaftStatus()")
        return orjson.loads(records[0][0])
    except Exception:  # noqa: BLE001 - the leader may be gone or the password changed
        return None


def readiness(db, status: dict) -> tuple[bool, str]:
    """(ready, reason): a leader is known and this node has applied what it knows committed."""
    log = db.log
    if getattr(log, "failed", None):
        return False, f"this node stopped itself: {log.failed}"
    if not getattr(log, "clustered", False):
        return True, "single node"
    if log.leader_id is None:
        return False, "no Raft leader is known"
    if not log.is_ready:
        return False, "this node has not caught up with the leader's log yet"
    lag = max(int(status.get("commit") or 0) - log.applied_index, 0)
    if lag > READY_MAX_LAG:
        return False, f"this node is {lag} committed entries behind"
    return True, "leader known and caught up"


def cluster_status(db, cache: MemberStatusCache | None = None) -> dict:
    status = db.status_info()
    log = db.log
    applied = log.applied_index
    commit = int(status.get("commit", applied) or 0)
    ready, reason = readiness(db, status)
    doc = {
        "node_id": status.get("id", db.config.bolt_raft_node_id),
        "role": role_of(db, status),
        "clustered": bool(getattr(log, "clustered", False)),
        "leader": log.leader_id if getattr(log, "clustered", False) else status.get("id", 0),
        "term": status.get("term", 0) or 0,
        "commit": commit,
        "applied": applied,
        "lag": max(commit - applied, 0),
        "ready": ready,
        "reason": reason,
        "members": [],
    }
    if not doc["clustered"]:
        host = db.advertised_address({}).rpartition(":")[0]
        doc["members"] = [{"node_id": doc["node_id"], "ip": host,
                           "bolt_port": db.config.bolt_port, "raft_port": None,
                           "role": "standalone", "is_leader": True, "learner": False,
                           "lag": 0}]
        return doc
    rows = log.member_rows()
    leader_row = next((r for r in rows if r["is_leader"]), None)
    leader_status = status if log.is_leader else None
    if leader_status is None and cache is not None and leader_row is not None:
        leader_status = cache.get(db, leader_row)
    lags = follower_lags(leader_status) if leader_status else {}
    leader_commit = int(leader_status.get("commit") or 0) if leader_status else None
    for r in rows:
        member = {k: r[k] for k in ("node_id", "ip", "bolt_port", "raft_port", "is_leader",
                                    "learner")}
        member["role"] = ("leader" if r["is_leader"] else
                          "learner" if r["learner"] else "follower")
        if r["is_leader"]:
            member["lag"] = 0
        elif str(r["node_id"]) in lags:
            member["lag"] = lags[str(r["node_id"])]
        else:
            member["lag"] = _lag_by_asking(db, r, doc, leader_commit, cache)
        doc["members"].append(member)
    return doc


def _lag_by_asking(db, row: dict, doc: dict, leader_commit, cache) -> int | None:
    """A member the leader's progress does not cover (a learner, or no leader status):
    the leader's commit minus what that member says it applied; None when unknown."""
    if row["node_id"] == doc["node_id"]:
        applied = doc["applied"]
    else:
        other = cache.get(db, row) if cache is not None else None
        applied = other.get("applied") if other else None
    if applied is None:
        return None
    if leader_commit is None:
        return doc["lag"] if row["node_id"] == doc["node_id"] else None
    return max(leader_commit - int(applied), 0)
