"""`tugraph-bolt cluster <command>`: status and membership, over Bolt procedures.

status      every member's role, term, commit/applied index and lag, asked of each member
            (`db.bolt.getRaftStatus()`), the members from `db.bolt.listRaftNodes()`
nodes       the member directory as any node sees it
add, add-learner, remove, promote, transfer-leader
            the `db.bolt.*` membership procedures, sent to the leader

Each returns (document for --json, text for people).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import orjson

from .connect import (
    Credentials,
    OpsError,
    connect_any,
    connect_leader,
    list_nodes,
    members_from_leader,
    open_client,
    query,
    show,
)
from .table import render_table

_ROLES = {"StateLeader": "leader", "StateFollower": "follower", "StateCandidate": "candidate"}


def _role(row: dict, status: dict | None) -> str:
    if status is None:
        return "unreachable"
    if row.get("is_learner") or status.get("isLearner"):
        return "learner"
    return _ROLES.get(status.get("raftState", ""), "follower")


def member_status(row: dict, creds: Credentials) -> dict | None:
    """One member's own status (None when it cannot be reached)."""
    try:
        client = open_client((row["ip"], row["bolt_port"]), creds)
    except OSError:
        return None
    try:
        rows = query(client, "CALL db.bolt.getRaftStatus()")
        return orjson.loads(rows[0]["status"])
    except (OpsError, ValueError, KeyError, IndexError):
        return None
    finally:
        client.close()


def status(addresses, creds: Credentials) -> tuple[dict, str]:
    rows = members_from_leader(addresses, creds)
    # ask every member at once: a member that does not answer costs one timeout, not one each
    with ThreadPoolExecutor(max_workers=min(len(rows), 16) or 1) as pool:
        answers = list(pool.map(lambda r: member_status(r, creds), rows))
    statuses = {r["node_id"]: st for r, st in zip(rows, answers, strict=True)}
    leader = next((r["node_id"] for r in rows if r["is_leader"]), None)
    leader_status = statuses.get(leader) if leader is not None else None
    leader_commit = (leader_status or {}).get("commit", (leader_status or {}).get("applied"))
    members = []
    for r in rows:
        st = statuses[r["node_id"]]
        applied = st.get("applied") if st else None
        members.append({
            "node_id": r["node_id"],
            "address": show((r["ip"], r["bolt_port"])),
            "raft_port": r["bolt_raft_port"],
            "role": _role(r, st),
            "is_leader": r["is_leader"],
            "learner": r["is_learner"],
            "term": st.get("term") if st else None,
            "commit": st.get("commit", applied) if st else None,
            "applied": applied,
            "lag": (max(leader_commit - applied, 0)
                    if leader_commit is not None and applied is not None else None),
        })
    terms = [m["term"] for m in members if m["term"] is not None]
    doc = {"leader": leader, "term": max(terms) if terms else None, "members": members}
    lead = next((m for m in members if m["node_id"] == leader), None)
    head = (f"leader: node {leader} ({lead['address']})" if lead else "leader: none known")
    head += f"   term: {doc['term'] if doc['term'] is not None else '-'}"
    table = render_table(
        ["node", "address", "raft port", "role", "term", "commit", "applied", "lag"],
        [[m["node_id"], m["address"], m["raft_port"], m["role"], _dash(m["term"]),
          _dash(m["commit"]), _dash(m["applied"]), _dash(m["lag"])] for m in members])
    return doc, head + "\n" + table


def _dash(v):
    return "-" if v is None else v


def nodes(addresses, creds: Credentials) -> tuple[dict, str]:
    rows = members_from_leader(addresses, creds)
    members = [{"node_id": r["node_id"], "ip": r["ip"], "bolt_port": r["bolt_port"],
                "raft_port": r["bolt_raft_port"],
                "role": "leader" if r["is_leader"] else
                        "learner" if r["is_learner"] else "follower"} for r in rows]
    text = render_table(["node", "ip", "bolt port", "raft port", "role"],
                        [[m["node_id"], m["ip"], m["bolt_port"], m["raft_port"], m["role"]]
                         for m in members])
    return {"members": members}, text


def _on_leader(addresses, creds: Credentials, procedure: str, params: dict) -> list[dict]:
    client, rows = connect_leader(addresses, creds)
    try:
        args = ", ".join(f"${k}" for k in params)
        query(client, f"CALL {procedure}({args})", params)
        return rows
    finally:
        client.close()


def _membership(addresses, creds, procedure, node_id, ip, bolt_port, raft_port):
    _on_leader(addresses, creds, procedure,
               {"node_id": node_id, "ip": ip, "bolt_port": bolt_port, "raft_port": raft_port})


def add(addresses, creds, node_id: int, ip: str, bolt_port: int, raft_port: int):
    _membership(addresses, creds, "db.bolt.addRaftNode", node_id, ip, bolt_port, raft_port)
    return ({"ok": True, "node_id": node_id, "learner": False},
            f"node {node_id} added as a voter ({ip}:{bolt_port}, raft port {raft_port}); "
            "start it now")


def add_learner(addresses, creds, node_id: int, ip: str, bolt_port: int, raft_port: int):
    _membership(addresses, creds, "db.bolt.addRaftLearnerNode", node_id, ip, bolt_port,
                raft_port)
    return ({"ok": True, "node_id": node_id, "learner": True},
            f"node {node_id} added as a learner ({ip}:{bolt_port}, raft port {raft_port}); "
            "start it now")


def _check_member(addresses, creds, node_id: int) -> dict:
    rows = members_from_leader(addresses, creds)
    row = next((r for r in rows if r["node_id"] == node_id), None)
    if row is None:
        raise OpsError(f"node {node_id} is not a member of this cluster")
    return row


def remove(addresses, creds, node_id: int):
    _check_member(addresses, creds, node_id)
    _on_leader(addresses, creds, "db.bolt.removeRaftNode", {"node_id": node_id})
    return {"ok": True, "node_id": node_id}, f"node {node_id} removed; stop its process now"


def promote(addresses, creds, node_id: int):
    row = _check_member(addresses, creds, node_id)
    if not row["is_learner"]:
        raise OpsError(f"node {node_id} is already a voter")
    _on_leader(addresses, creds, "db.bolt.promoteRaftLearner", {"node_id": node_id})
    return ({"ok": True, "node_id": node_id},
            f"node {node_id} is now a voter (restart its process so that it votes)")


def transfer_leader(addresses, creds, node_id: int):
    row = _check_member(addresses, creds, node_id)
    if row["is_leader"]:
        return ({"ok": True, "node_id": node_id, "changed": False},
                f"node {node_id} is already the leader")
    if row["is_learner"]:
        raise OpsError(f"node {node_id} is a learner and cannot lead; promote it first")
    try:
        _on_leader(addresses, creds, "db.bolt.transferRaftLeader", {"node_id": node_id})
    except OpsError as e:
        # the old leader may drop the connection as it steps down: judge by the result
        if not _leads(addresses, creds, node_id, creds.timeout):
            raise OpsError(f"node {node_id} did not take over leadership: {e}") from None
    if not _leads(addresses, creds, node_id, creds.timeout):
        raise OpsError(f"node {node_id} was asked to lead but is not the leader yet")
    return ({"ok": True, "node_id": node_id, "changed": True},
            f"node {node_id} is now the leader")


def _leads(addresses, creds: Credentials, node_id: int, timeout: float) -> bool:
    """Whether the members list shows `node_id` leading within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            client, _ = connect_any(addresses, creds)
            try:
                rows = list_nodes(client)
            finally:
                client.close()
            if any(r["node_id"] == node_id and r["is_leader"] for r in rows):
                return True
        except OpsError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)
