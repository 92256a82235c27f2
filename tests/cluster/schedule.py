"""A deterministic replay of the PySyncObj 0.3.17 divergence schedule.

Three GuardedSyncObj nodes (L, A, B) in one process: autoTick off, an in-memory transport
whose deliveries the schedule orders by hand, and a fake clock (PySyncObj reads
`pysyncobj.syncobj.monotonicTime`; the caller patches it to `net.now`). The schedule is the
one `/work/shared/pysyncobj/divergence.py --repro` documents; with `guards=False` PySyncObj
acknowledges c7 and c8 and then loses them on the new majority.

Chunking: a command here is 60 bytes in the journal, so batch_bytes=100 puts two commands in
each appendEntries chunk (the original repro's shape) and batch_bytes=60 sends every entry
as a split 'transmission' (the same bug through PySyncObj's other path).
"""

from __future__ import annotations

import collections
import pickle

from pysyncobj import SyncObjConf
from pysyncobj.node import Node
from pysyncobj.transport import Transport

from tests.cluster.toy import ToyMachine
from tugraph_bolt.cluster.guarded import KIND_COMMAND, GuardedSyncObj, envelope

NAMES = "LAB"


class Net:
    def __init__(self, guards: bool, install_clock, batch_bytes: int = 100):
        """install_clock(fn) must make PySyncObj read its time from fn (before nodes exist)."""
        self.clock = 0.0
        install_clock(self.now)
        self.queues = collections.defaultdict(collections.deque)  # (src, dst) -> messages
        self.cut: set[tuple[str, str]] = set()  # links that lose what is sent on them
        self.slow_link: tuple[str, str] | None = None  # its next send takes 0.2 s
        self.acks: dict[str, int] = {}
        self.machines = {n: ToyMachine() for n in NAMES}
        net = self

        class MemTransport(Transport):
            def __init__(self, syncObj, selfNode, otherNodes):
                super().__init__(syncObj, selfNode, otherNodes)
                self.me = selfNode.id

            def send(self, node, message):
                link = (self.me, node.id)
                if link not in net.cut:
                    # a copy, as if it crossed a socket
                    net.queues[link].append(pickle.loads(pickle.dumps(message)))
                if net.slow_link == link:
                    net.slow_link = None
                    net.clock += 0.2  # longer than appendEntriesPeriod: the send loop stops
                return True

        self.nodes: dict[str, GuardedSyncObj] = {}
        for name in NAMES:
            conf = SyncObjConf(autoTick=False, appendEntriesBatchSizeBytes=batch_bytes,
                               raftMinTimeout=1.0, raftMaxTimeout=2.0)
            self.nodes[name] = GuardedSyncObj(
                name, [m for m in NAMES if m != name], conf, self.machines[name], guards=guards,
                nodeClass=Node, transportClass=MemTransport)
        for name, node in self.nodes.items():
            transport = node._SyncObj__transport
            for other in NAMES:
                if other != name:
                    transport._onNodeConnected(Node(other))

    def now(self) -> float:
        return self.clock

    def submit(self, name: str, command: str) -> None:
        def done(_result, error, command=command):
            self.acks[command] = error
        self.nodes[name].apply(envelope(KIND_COMMAND, command.encode()), callback=done)

    def deliver(self, src: str, dst: str, limit: int | None = None) -> int:
        queue, count = self.queues[(src, dst)], 0
        while queue and (limit is None or count < limit):
            self.nodes[dst]._SyncObj__transport._onMessageReceived(Node(src), queue.popleft())
            count += 1
        return count

    def drop(self, src: str, dst: str) -> None:
        self.queues[(src, dst)].clear()

    def tick(self, name: str, dt: float = 0.11) -> None:
        self.clock += dt
        self.nodes[name].doTick(0)

    def heartbeat_round(self, leader: str, followers: str) -> None:
        self.tick(leader)
        for f in followers:
            self.deliver(leader, f)
            self.tick(f, 0)
            self.deliver(f, leader)

    def applied(self, name: str) -> list[str]:
        return [c.decode() for c in self.machines[name].commands]

    def log_end(self, name: str) -> int:
        return self.nodes[name]._SyncObj__raftLog[-1][1]


def replay(net: Net) -> dict:
    """Run the schedule; return what each node applied and the client acknowledgements."""
    L, A, B = (net.nodes[n] for n in NAMES)
    # 1. L wins term 1; its no-op is replicated and committed everywhere.
    net.clock = 2.1
    L.doTick(0)
    for f in "AB":
        net.deliver("L", f)
    for f in "AB":
        net.deliver(f, "L")
    for _ in range(3):
        net.heartbeat_round("L", "AB")
    # 2. c3..c6 on L; both followers get them in two chunks and acknowledge.
    for i in range(3, 7):
        net.submit("L", f"c{i}")
    net.tick("L")
    net.tick("L")
    for f in "AB":
        net.deliver("L", f)
        net.tick(f, 0)
    net.deliver("B", "L")
    net.tick("L")
    for f in "AB":
        net.deliver("L", f)
        net.tick(f, 0)
    # 3. L's link to B starts losing messages; c7 and c8 reach only A.
    net.cut.add(("L", "B"))
    net.submit("L", "c7")
    net.submit("L", "c8")
    net.tick("L")
    net.tick("L")
    net.deliver("L", "A")
    net.tick("A", 0)
    # 4. L reads A's oldest success reply first (next_node_idx=5); 0.3.17 moves nextIndex[A]
    #    back to 5. L's next send to A is slow, so it stops after one chunk (5..6).
    acks = net.queues[("A", "L")]
    while acks and acks[0].get("next_node_idx") != 5:
        net.deliver("A", "L", 1)
    net.deliver("A", "L", 1)
    net.slow_link = ("L", "A")
    net.tick("L")
    net.deliver("L", "A")  # unguarded A truncates its matching entries 7..8 here
    net.tick("A", 0)
    # 5. L reads A's later replies (matchIndex[A]=8 is never lowered), commits 8, applies
    #    c7 and c8 and acknowledges them to the clients.
    net.deliver("A", "L")
    net.tick("L", 0.0)
    # 6. L stalls before re-sending; what it already sent arrives. A wins term 2 with B.
    net.deliver("L", "A")
    net.tick("A", 0)
    for dst in "AB":
        net.drop("L", dst)
    net.drop("A", "L")
    net.clock += 2.5
    A.doTick(0)
    net.cut.discard(("L", "B"))
    net.deliver("A", "B")
    net.deliver("B", "A")
    # 7. A leads term 2 and commits a new write c9 with B.
    net.submit("A", "c9")
    for _ in range(4):
        net.heartbeat_round("A", "B")
    net.drop("A", "L")  # L is still stalled
    # 8. L resumes, steps down and follows A.
    for _ in range(6):
        net.tick("A")
        net.deliver("A", "L")
        net.deliver("A", "B")
        net.tick("L", 0)
        net.tick("B", 0)
        net.deliver("L", "A")
        net.deliver("B", "A")
    return {
        "applied": {n: net.applied(n) for n in NAMES},
        "acks": dict(net.acks),
        "failed": {n: net.nodes[n].failed for n in NAMES},
        "guard_counts": {n: dict(net.nodes[n].guard_counts) for n in NAMES},
        "commit": {n: net.nodes[n].raftCommitIndex for n in NAMES},
    }
