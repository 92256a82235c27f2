"""The real driver pinned to each Bolt version the server speaks (the server offers one)."""

import neo4j
import pytest

from tests.bolt.fake_backend import FakeBackend

VERSIONS = [(4, 4), (5, 0), (5, 1), (5, 2), (5, 3), (5, 4), (5, 5), (5, 6), (5, 7), (5, 8)]


@pytest.mark.parametrize("version", VERSIONS, ids=[f"{a}.{b}" for a, b in VERSIONS])
def test_driver_at_version(start_server, version):
    server, backend = start_server(FakeBackend(), versions=(version,), telemetry_enabled=True)
    host, port = server.address
    with neo4j.GraphDatabase.driver(f"neo4j://{host}:{port}", auth=("neo4j", "password")) as driver:
        with driver.session(database="default") as session:
            record = session.run("GRAPH").single()
            assert record["datetime"].iso_format() == "2023-11-14T23:13:20.000000006+01:00"
            assert record["zoned"].iso_format() == "2023-11-14T23:13:20.000000007+01:00"
            assert record["a"]["name"] == "Ann" and record["path"].end_node["name"] == "Ann"
            assert session.execute_write(lambda tx: tx.run("RANGE 3").value()) == [0, 1, 2]
            with pytest.raises(neo4j.exceptions.ClientError) as info:
                session.run("FAIL Neo.ClientError.Schema.ConstraintValidationFailed").consume()
            assert info.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
            assert session.run("RANGE 1").value() == [0]
        with pytest.raises(neo4j.exceptions.AuthError):
            with neo4j.GraphDatabase.driver(f"bolt://{host}:{port}", auth=("neo4j", "x")) as bad:
                bad.verify_connectivity()
    session_versions = {s.bolt_version for s in backend.sessions.values()}
    assert session_versions == {version}
