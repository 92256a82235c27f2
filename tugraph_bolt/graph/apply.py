"""The pure apply function and the builders of every command kind.

    apply(state, command, index) -> (new_state, Outcome)

Shape of each kind's payload (see codec.py for the envelope):

    tx           {"effects": [effect, ...], "reads": [["n"|"r", id, version], ...],
                  "schema": schema_version | None}
    reserve_ids  {"kind": "node"|"rel", "count": int, "owner": str}  -> value [start, stop)
    noop         None   (a barrier for linearizable reads)
    set_cluster  {"members": <JSON-like map>}

A domain failure (write conflict, constraint) is an Outcome that every replica records
alike, with the state unchanged except `applied_index` and the dedup cache. Only an
undecodable command (CommandDecodeError) or a non-increasing index (ApplyOrderError)
raises: both mean the replica cannot go on safely.
"""

from __future__ import annotations

import uuid

from tugraph_bolt import errors
from tugraph_bolt.graph.codec import decode_command, encode_command
from tugraph_bolt.graph.effects import Effects, conflict
from tugraph_bolt.graph.records import Outcome
from tugraph_bolt.graph.state import GraphState

# How many recent request ids apply remembers. Eviction is by apply order, so every
# replica forgets the same ids at the same index.
DEDUP_WINDOW = 8192
MAX_ID_BLOCK = 1 << 20


class ApplyOrderError(Exception):
    """apply was given an index that does not increase: fail-stop, never re-apply."""


def new_request_id() -> str:
    return uuid.uuid4().hex


def apply(state: GraphState, command: bytes, index: int) -> tuple[GraphState, Outcome]:
    if not isinstance(index, int) or index <= state.applied_index:
        raise ApplyOrderError(
            f"apply index {index} does not follow applied index {state.applied_index}"
        )
    kind, request_id, payload = decode_command(command)
    prior = state.dedup.get(request_id) if request_id else None
    if prior is not None:
        new = state._copy()
        new.applied_index = index
        return new, prior
    try:
        new, value = _KINDS[kind](state, payload, index)
        outcome = Outcome(True, value=value, index=index)
    except errors.DatabaseError as exc:
        new = state._copy()
        outcome = Outcome(False, exc.code, exc.message, index=index)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
        # decodable but malformed: still deterministic, so an outcome, not a crash
        new = state._copy()
        outcome = Outcome(
            False, "Neo.DatabaseError.General.UnknownError",
            f"malformed {kind} command: {exc!r}", index=index,
        )  # fmt: skip
    new.applied_index = index
    if request_id:
        seq = state.dedup_seq + 1
        dedup = new.dedup.set(request_id, outcome)
        order = new.dedup_order.set(seq, request_id)
        evicted = order.get(seq - DEDUP_WINDOW)
        if evicted is not None:
            order = order.delete(seq - DEDUP_WINDOW)
            if dedup.get(evicted) is not None and evicted != request_id:
                dedup = dedup.delete(evicted)
        new.dedup, new.dedup_order, new.dedup_seq = dedup, order, seq
    return new, outcome


def _apply_tx(state: GraphState, payload, index: int):
    for kind, entity_id, version in payload.get("reads") or ():
        table = state.nodes if kind == "n" else state.rels
        rec = table.get(entity_id)
        what = "Node" if kind == "n" else "Relationship"
        if rec is None:
            raise conflict(f"{what}({entity_id}) was deleted by a concurrent transaction")
        if rec.version != version:
            raise conflict(f"{what}({entity_id}) was changed by a concurrent transaction")
    schema_version = payload.get("schema")
    if schema_version is not None and schema_version != state.schema_version:
        raise conflict("The schema was changed by a concurrent transaction")
    effects = Effects(state, index)
    for effect in payload["effects"]:
        effects.apply(effect)
    return effects.finish(), None


def _apply_reserve(state: GraphState, payload, index: int):
    kind, count = payload["kind"], payload["count"]
    if kind not in ("node", "rel") or not isinstance(count, int) or not 0 < count <= MAX_ID_BLOCK:
        raise errors.CypherArgumentError(f"bad id reservation {kind!r} x {count!r}")
    new = state._copy()
    start = state.next_ids[kind]
    new.next_ids = state.next_ids.set(kind, start + count)
    return new, [start, start + count]


def _apply_noop(state: GraphState, payload, index: int):
    return state._copy(), None


def _apply_set_cluster(state: GraphState, payload, index: int):
    new = state._copy()
    new.cluster = payload["members"]
    return new, None


_KINDS = {
    "tx": _apply_tx,
    "reserve_ids": _apply_reserve,
    "noop": _apply_noop,
    "set_cluster": _apply_set_cluster,
}


# --- builders ------------------------------------------------------------------------


def tx_command(effects, reads=(), schema_version=None, request_id: str | None = None) -> bytes:
    payload = {"effects": list(effects), "reads": [list(r) for r in reads],
               "schema": schema_version}
    return encode_command("tx", request_id or new_request_id(), payload)


def reserve_ids_command(kind: str, count: int, owner: str, request_id: str | None = None) -> bytes:
    payload = {"kind": kind, "count": count, "owner": owner}
    return encode_command("reserve_ids", request_id or new_request_id(), payload)


def noop_command(request_id: str | None = None) -> bytes:
    return encode_command("noop", request_id or new_request_id(), None)


def set_cluster_command(members, request_id: str | None = None) -> bytes:
    return encode_command("set_cluster", request_id or new_request_id(), {"members": members})


def create_user_command(name: str, password_hash: str, roles=(), request_id=None) -> bytes:
    return tx_command([["user+", name, password_hash, list(roles)]], request_id=request_id)


def set_password_command(name: str, password_hash: str, request_id=None) -> bytes:
    return tx_command([["user-pw", name, password_hash]], request_id=request_id)


def delete_user_command(name: str, request_id=None) -> bytes:
    return tx_command([["user-", name]], request_id=request_id)
