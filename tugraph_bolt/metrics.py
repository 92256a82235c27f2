"""Prometheus metrics for one node, served on the HTTP port at `GET /metrics`.

Each `Database` gets its own `CollectorRegistry` (several nodes may live in one test
process, and the global default registry would mix them). Two kinds of series:

- live values read at scrape time from the service and its log: Raft role, term, commit and
  applied index, lag, the service's counters, and the Bolt listener's connections;
- query counts and latencies by kind, measured by wrapping the service's entry points on
  that one instance (`instrument`), so the service itself carries no metrics code.

    m = metrics_for(db, bolt_server=bolt)
    body = m.render()          # text exposition format
"""

from __future__ import annotations

import threading
import time

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from . import errors

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
ROLES = ("leader", "follower", "candidate", "learner", "standalone")
_RAFT_ROLES = {"StateLeader": "leader", "StateFollower": "follower",
               "StateCandidate": "candidate"}
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                   2.5, 5.0, 10.0)

_attach_lock = threading.Lock()


def role_of(db, status: dict) -> str:
    """One word for this node's place in the cluster."""
    if not getattr(db.log, "clustered", False):
        return "standalone"
    if status.get("isLearner"):
        return "learner"
    return _RAFT_ROLES.get(status.get("raftState", ""), "follower")


def follower_lags(status: dict) -> dict[str, int]:
    """Entries each voter is behind the leader (known on the leader only, as in etcd)."""
    commit = int(status.get("commit") or 0)
    return {str(node): max(commit - int(p.get("match", 0)), 0)
            for node, p in sorted((status.get("progress") or {}).items(), key=lambda kv: str(kv[0]))}


class NodeMetrics:
    def __init__(self, db, bolt_server=None):
        self.db = db
        self.bolt_server = bolt_server
        self.registry = CollectorRegistry(auto_describe=True)
        self.queries = Counter("tugraph_queries", "Queries finished, by kind and outcome",
                               ["kind", "outcome"], registry=self.registry)
        self.latency = Histogram("tugraph_query_seconds",
                                 "Time to run a query (writes: until applied here), by kind",
                                 ["kind"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.forwarded = Counter("tugraph_forwarded_writes",
                                 "Log entries submitted while this node was not the leader "
                                 "(PySyncObj forwards them to the leader)",
                                 registry=self.registry)
        self.http_requests = Counter("tugraph_http_requests", "HTTP requests by path and status",
                                     ["path", "status"], registry=self.registry)
        self.registry.register(_LiveCollector(self))

    def observe(self, kind: str, seconds: float, ok: bool) -> None:
        self.queries.labels(kind, "ok" if ok else "error").inc()
        self.latency.labels(kind).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _LiveCollector:
    """Values that already live elsewhere, read when Prometheus scrapes."""

    def __init__(self, metrics: NodeMetrics):
        self.metrics = metrics

    def describe(self):
        return []  # unchecked collector: its series depend on the node's state

    def collect(self):
        db = self.metrics.db
        status = db.status_info()
        role = role_of(db, status)
        g = GaugeMetricFamily("tugraph_raft_role", "1 for this node's current role",
                              labels=["role"])
        for r in ROLES:
            g.add_metric([r], 1.0 if r == role else 0.0)
        yield g
        leader = db.log.leader_id if getattr(db.log, "clustered", False) else None
        yield _gauge("tugraph_raft_is_leader", "1 while this node leads",
                     1.0 if db.log.is_leader else 0.0)
        yield _gauge("tugraph_raft_leader_id", "The known leader's node id (-1: none)",
                     -1 if leader is None else leader)
        yield _gauge("tugraph_raft_term", "The current Raft term", status.get("term", 0) or 0)
        applied = db.log.applied_index
        commit = status.get("commit", applied) or 0
        yield _gauge("tugraph_raft_commit_index", "The Raft commit index known here", commit)
        yield _gauge("tugraph_raft_applied_index", "The last log index applied here", applied)
        yield _gauge("tugraph_raft_apply_lag", "Committed entries not yet applied here",
                     max(commit - applied, 0))
        lag = GaugeMetricFamily("tugraph_raft_follower_lag",
                                "Entries each voter is behind (reported by the leader)",
                                labels=["node_id"])
        for node, behind in follower_lags(status).items():
            lag.add_metric([node], behind)
        yield lag
        yield _gauge("tugraph_ready", "1 when a leader is known and this node caught up",
                     1.0 if db.log.is_ready else 0.0)
        counters = dict(db.counters)
        for name, help_text in (("queries", "Queries started (Bolt and HTTP)"),
                                ("writes", "Write commands committed from this node"),
                                ("conflicts", "Write-write conflicts found at apply time"),
                                ("retries", "Auto-commit retries after a conflict"),
                                ("failures", "Queries that failed")):
            c = CounterMetricFamily(f"tugraph_service_{name}", help_text)
            c.add_metric([], counters.get(name, 0))
            yield c
        bolt = self.metrics.bolt_server
        if bolt is not None:
            yield _gauge("tugraph_bolt_open_connections", "Open Bolt connections",
                         bolt.open_connections)
            for name, help_text, value in (
                    ("connections", "Bolt connections accepted", bolt.total_connections),
                    ("refused_connections", "Bolt connections refused (all workers busy)",
                     bolt.refused_connections),
                    ("messages", "Bolt requests received", bolt.messages),
                    ("failures", "Bolt FAILURE replies sent", bolt.failures)):
                c = CounterMetricFamily(f"tugraph_bolt_{name}", help_text)
                c.add_metric([], value)
                yield c


def _gauge(name: str, help_text: str, value) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, help_text, value=float(value))


def metrics_for(db, bolt_server=None) -> NodeMetrics:
    """The one `NodeMetrics` of this `Database` (created and instrumented on first use)."""
    with _attach_lock:
        # kept on the instance (not in a module-level map) so it dies with the Database
        m = getattr(db, "node_metrics", None)
        if m is None:
            m = NodeMetrics(db, bolt_server)
            instrument(db, m)
            db.node_metrics = m
        elif bolt_server is not None:
            m.bolt_server = bolt_server
        return m


def _kind(summary: dict) -> str:
    return {"r": "read", "w": "write", "rw": "write", "s": "schema"}.get(
        summary.get("type", "r"), "read")


def instrument(db, m: NodeMetrics) -> None:
    """Wrap this instance's `run`, `run_in_tx`, `commit` and its log's `submit`."""
    run, run_in_tx, commit = db.run, db.run_in_tx, db.commit

    def timed(fn, kind_of):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                result = fn(*args, **kwargs)
            except errors.DatabaseError:
                m.observe("failed", time.perf_counter() - t0, False)
                raise
            m.observe(kind_of(result), time.perf_counter() - t0, True)
            return result
        return wrapper

    db.run = timed(run, lambda r: _kind(r.summary()))
    db.run_in_tx = timed(run_in_tx, lambda r: "in_transaction")
    db.commit = timed(commit, lambda r: "commit")
    log = db.log
    if getattr(log, "clustered", False):
        submit = log.submit

        def counted_submit(command, timeout):
            if not log.is_leader:
                m.forwarded.inc()
            return submit(command, timeout)

        log.submit = counted_submit
