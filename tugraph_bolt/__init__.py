"""tugraph-bolt: a small highly available graph database (Bolt + Cypher + Raft)."""

__version__ = "0.1.0"
