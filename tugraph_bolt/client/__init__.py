"""A small synchronous Bolt client built on packstream/ and bolt/ (used by the CLI).

>>> client = BoltClient.connect("127.0.0.1", 7687, "admin", "73@TuGraph")  # doctest: +SKIP
>>> fields, records, summary = client.run("RETURN 1 AS n")  # doctest: +SKIP
>>> client.begin(); client.run("CREATE (:P)"); bookmark = client.commit()  # doctest: +SKIP
"""

from tugraph_bolt.client.bolt_client import BoltClient, ClientError

__all__ = ["BoltClient", "ClientError"]
