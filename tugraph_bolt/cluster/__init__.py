"""PySyncObj glue: the Replica, its safety guards, membership and status.

See replica.py for the API, guarded.py for the guards against PySyncObj 0.3.17's hazards,
and docs/ARCHITECTURE.md for the contract with the layers above.
"""

from tugraph_bolt.cluster.config import Peer, ReplicaConfig
from tugraph_bolt.cluster.membership import MembershipBusy
from tugraph_bolt.cluster.replica import Replica, StateMachine

__all__ = ["MembershipBusy", "Peer", "Replica", "ReplicaConfig", "StateMachine"]
