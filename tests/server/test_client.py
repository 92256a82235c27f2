"""The project's own BoltClient against BoltServer."""

import pytest

from tests.bolt.fake_backend import graph_values
from tugraph_bolt.client import BoltClient, ClientError


@pytest.fixture
def server(start_server):
    server, backend = start_server()
    return server


def connect(server, **options):
    host, port = server.address
    return BoltClient.connect(host, port, "neo4j", "password", timeout=5, **options)


@pytest.mark.parametrize("versions", [((5, 8),), ((5, 0),), ((4, 4),)])
def test_run_returns_fields_records_summary_and_values(server, versions):
    with connect(server, versions=versions) as client:
        assert client.version == versions[0]
        fields, records, summary = client.run("RANGE 3")
        assert fields == ["i"] and records == [[0], [1], [2]]
        assert summary["type"] == "r" and "t_last" in summary
        fields, records, _ = client.run("GRAPH")
        # Every value type survives the trip, whatever the version's wire form.
        assert dict(zip(fields, records[0], strict=True)) == graph_values()


def test_parameters_and_write_summary(server):
    with connect(server) as client:
        params = {"n": 1, "when": graph_values()["zoned"], "xs": [1.5, None, "s"]}
        fields, records, _ = client.run("ECHO", params)
        assert dict(zip(fields, records[0], strict=True)) == params
        _, records, summary = client.run("WRITE")
        assert records == [] and summary["bookmark"].startswith("bm:")
        assert summary["stats"]["nodes-created"] == 1


def test_failure_raises_client_error_and_the_connection_stays_usable(server):
    with connect(server) as client:
        with pytest.raises(ClientError) as info:
            client.run("FAIL Neo.ClientError.Schema.ConstraintValidationFailed")
        assert info.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
        assert info.value.message == "requested failure"
        assert client.run("RANGE 1")[1] == [[0]]


def test_route(server):
    with connect(server, routing={"address": "x"}) as client:
        rt = client.route("default")
    assert rt["db"] == "default"
    host, port = server.address
    assert {"addresses": [f"{host}:{port}"], "role": "WRITE"} in rt["servers"]


def test_bad_password(server):
    host, port = server.address
    with pytest.raises(ClientError) as info:
        BoltClient.connect(host, port, "neo4j", "wrong", timeout=5)
    assert info.value.code == "Neo.ClientError.Security.Unauthorized"


def test_server_gone(start_server):
    server, _ = start_server()
    client = connect(server)
    server.stop(grace=1.0)
    with pytest.raises(ClientError) as info:
        client.run("RANGE 1")
    assert info.value.code == "Client.ConnectionLost"
    client.close()


def test_explicit_transaction(start_server):
    server, backend = start_server()
    with connect(server) as client:
        client.begin()
        assert client.run("RANGE 2")[1] == [[0], [1]]
        client.run("WRITE")
        assert client.commit().startswith("bm:")
        assert backend.committed == [["RANGE 2", "WRITE"]]
        client.begin()
        client.run("WRITE")
        client.rollback()
        assert backend.rolled_back == [["WRITE"]]
        client.begin()
        with pytest.raises(ClientError):
            client.run("FAIL Neo.TransientError.Transaction.Outdated")
        assert not client.in_transaction
        assert backend.rolled_back[-1] == ["FAIL Neo.TransientError.Transaction.Outdated"]
        assert client.run("RANGE 1")[1] == [[0]]  # auto-commit again after the RESET
