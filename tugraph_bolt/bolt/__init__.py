"""Sans-I/O Bolt: handshake, chunking, messages, the state table, hydration, the connection.

The server feeds bytes to a `BoltConnection` and writes what `outgoing()` returns; the
connection calls a `Backend` (see backend.py), which `service.py` implements.
"""

from tugraph_bolt.bolt.backend import Backend, Result, Session
from tugraph_bolt.bolt.connection import BoltConnection
from tugraph_bolt.bolt.states import State

__all__ = ["Backend", "BoltConnection", "Result", "Session", "State"]
