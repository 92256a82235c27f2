"""Procedures that need the running node: `db.bolt.*` (the seed's five plus two more),
`dbms.security.changePassword`, `dbms.stateDigest`, `dbms.components`.

They reach the node through `ctx.query_ctx.hooks` (the service's `Database`), whose `log`
is either a `LocalLog` (single node) or a `RaftLog` (cluster member). Membership changes
wait until they are applied and run one at a time.
"""

from __future__ import annotations

import orjson

from .. import errors
from ..procedures import Procedure, ProcedureContext, ProcedureRegistry

NODE_COLUMNS = [("node_id", "INTEGER"), ("ip", "STRING"), ("bolt_port", "INTEGER"),
                ("bolt_raft_port", "INTEGER"), ("is_leader", "BOOLEAN"),
                ("is_learner", "BOOLEAN")]


def _db(ctx: ProcedureContext):
    hooks = getattr(ctx.query_ctx, "hooks", None)
    if hooks is None:
        raise errors.ProcedureCallFailed("this procedure needs a running node")
    return hooks


def _cluster(ctx: ProcedureContext):
    db = _db(ctx)
    if not getattr(db.log, "clustered", False):
        raise errors.ProcedureCallFailed(
            "this node is not in a Raft cluster: start it with bolt_raft_port, "
            "bolt_raft_node_id and bolt_raft_init_peers")
    return db.log


def _int_arg(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.CypherArgumentError(f"{name} must be an integer, got {value!r}")
    return value


def _port_arg(value, name: str) -> int:
    value = _int_arg(value, name)
    if not 1 <= value <= 65535:
        raise errors.CypherArgumentError(f"{name} must be a port number 1..65535, got {value}")
    return value


def _str_arg(value, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise errors.CypherArgumentError(f"{name} must be a non-empty string, got {value!r}")
    return value


def list_raft_nodes(ctx, args):
    db = _db(ctx)
    if not getattr(db.log, "clustered", False):
        cfg = db.config
        host = db.advertised_address({}).rpartition(":")[0]
        return [[cfg.bolt_raft_node_id, host, cfg.bolt_port, cfg.bolt_raft_port, True, False]]
    return [[m["node_id"], m["ip"], m["bolt_port"], m["raft_port"], m["is_leader"],
             m["learner"]] for m in db.log.member_rows()]


def get_raft_status(ctx, args):
    return [[orjson.dumps(_db(ctx).status_info(), option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode()]]


def _membership_args(args):
    node_id = _int_arg(args[0], "node_id")
    if node_id <= 0:
        raise errors.CypherArgumentError(f"node_id must be positive, got {node_id}")
    ip = _str_arg(args[1], "ip")
    return node_id, ip, _port_arg(args[2], "bolt_port"), _port_arg(args[3], "bolt_raft_port")


def add_raft_node(ctx, args):
    _cluster(ctx).add_node(*_membership_args(args), learner=False)
    return []


def add_raft_learner_node(ctx, args):
    _cluster(ctx).add_node(*_membership_args(args), learner=True)
    return []


def remove_raft_node(ctx, args):
    _cluster(ctx).remove_node(_int_arg(args[0], "node_id"))
    return []


def promote_raft_learner(ctx, args):
    _cluster(ctx).promote_node(_int_arg(args[0], "node_id"))
    return []


def transfer_raft_leader(ctx, args):
    _cluster(ctx).transfer_leader(_int_arg(args[0], "node_id"))
    return []


def change_password(ctx, args):
    db = _db(ctx)
    user = getattr(ctx.query_ctx, "user", None) or db.config.admin_user
    db.change_password(ctx.tx, user, _str_arg(args[0], "current"), _str_arg(args[1], "new"))
    return []


def state_digest(ctx, args):
    index, digest = _db(ctx).state_digest()
    return [[index, digest]]


def state_digest_parts(ctx, args):
    parts = _db(ctx).state.digest_parts()
    return [[name, parts[name]] for name in parts]


def components(ctx, args):
    return [["Neo4j Kernel", ["5.26.0"], "community"],
            ["tugraph-bolt", [_db(ctx).version()], "community"]]


def register_service_procedures(registry: ProcedureRegistry) -> None:
    p = Procedure
    membership = [("node_id", "INTEGER"), ("ip", "STRING"), ("bolt_port", "INTEGER"),
                  ("bolt_raft_port", "INTEGER")]
    for proc in (
        p("db.bolt.listRaftNodes", [], NODE_COLUMNS, "read", list_raft_nodes,
          description="Cluster members, the leader and the learners (any node)."),
        p("db.bolt.getRaftStatus", [], [("status", "STRING")], "read", get_raft_status,
          description="This node's Raft state as JSON, in etcd's shape."),
        p("db.bolt.addRaftNode", membership, [], "dbms", add_raft_node,
          description="Add a voting member."),
        p("db.bolt.addRaftLearnerNode", membership, [], "dbms", add_raft_learner_node,
          description="Add a learner (replicates, serves reads, never votes)."),
        p("db.bolt.removeRaftNode", [("node_id", "INTEGER")], [], "dbms", remove_raft_node,
          description="Remove a member."),
        p("db.bolt.promoteRaftLearner", [("node_id", "INTEGER")], [], "dbms",
          promote_raft_learner, description="Make a learner a voter."),
        p("db.bolt.transferRaftLeader", [("node_id", "INTEGER")], [], "dbms",
          transfer_raft_leader, description="Hand leadership to another voter."),
        p("dbms.security.changePassword", [("current", "STRING"), ("new", "STRING")], [],
          "dbms", change_password, description="Change the current user's password."),
        p("dbms.stateDigest", [], [("applied_index", "INTEGER"), ("digest", "STRING")],
          "read", state_digest, description="A hash of the whole graph state, for comparing replicas."),
        p("dbms.stateDigestParts", [], [("part", "STRING"), ("digest", "STRING")], "read",
          state_digest_parts, description="The state digest per part (nodes, schema, ...)."),
        p("dbms.components", [], [("name", "STRING"), ("versions", "LIST OF STRING"),
                                  ("edition", "STRING")], "read", components),
    ):
        registry.register(proc)
