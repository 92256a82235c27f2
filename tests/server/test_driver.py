"""The real neo4j 6.4.1 driver against BoltServer with a fake backend, in-process."""

import datetime as dt
import threading

import neo4j
import pytest
import pytz
from neo4j.spatial import CartesianPoint, WGS84Point

from tests.bolt.fake_backend import FakeBackend
from tugraph_bolt import values

from .conftest import wait_for

AUTH = ("neo4j", "password")


@pytest.fixture(params=["bolt", "neo4j"])
def driver_and_backend(request, start_server):
    server, backend = start_server()
    host, port = server.address
    with neo4j.GraphDatabase.driver(f"{request.param}://{host}:{port}", auth=AUTH) as driver:
        yield driver, backend, server


def test_graph_and_temporal_values_reach_the_driver(driver_and_backend):
    driver, _, _ = driver_and_backend
    records, summary, keys = driver.execute_query("GRAPH", database_="default")
    assert keys[:3] == ["a", "knows", "path"]
    row = records[0]
    a = row["a"]
    assert a.element_id == "1" and a.labels == {"Person"} and dict(a) == {"name": "Ann"}
    knows = row["knows"]
    assert knows.type == "KNOWS" and knows["since"] == 2020
    assert knows.start_node.element_id == "1" and knows.end_node.element_id == "2"
    path = row["path"]
    assert [n["name"] for n in path.nodes] == ["Ann", "Bob", "Ann"]
    assert [r.type for r in path.relationships] == ["KNOWS", "LIKES"]
    # LIKES points 1 -> 2 but the path walks it from Bob back to Ann.
    likes = path.relationships[1]
    assert likes.start_node.element_id == "1" and likes.end_node.element_id == "2"
    assert row["date"].iso_format() == (dt.date(1970, 1, 1) + dt.timedelta(days=19000)).isoformat()
    assert row["time"].iso_format() == "01:00:00.000000123+02:00"
    assert row["local_time"].iso_format() == "12:34:56.000000001"
    assert row["local_datetime"].iso_format() == "2023-11-14T22:13:20.000000005"
    assert row["datetime"].iso_format() == "2023-11-14T23:13:20.000000006+01:00"
    zoned = row["zoned"]
    assert zoned.iso_format() == "2023-11-14T23:13:20.000000007+01:00"
    assert str(zoned.tzinfo) == "Europe/Stockholm"
    duration = row["duration"]
    assert (duration.months, duration.days, duration.seconds, duration.nanoseconds) == (14, 3, 62, 9)
    assert row["point2d"] == CartesianPoint((1.5, -2.0))
    assert row["point3d"] == WGS84Point((12.0, 56.0, 100.0))
    assert summary.query_type == "r"


def test_parameters_round_trip(driver_and_backend):
    driver, backend, _ = driver_and_backend
    when = dt.datetime(2024, 2, 29, 12, 0, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    # pytz, not zoneinfo: the driver's zoneinfo path sent a different UTC second from run
    # to run (seen while writing this test); pytz zones are what it handles consistently.
    zoned = pytz.timezone("Europe/Berlin").localize(dt.datetime(2024, 7, 1, 8, 30))
    params = {
        "n": None, "b": True, "i": -(2**63), "f": 1.5, "s": "héllo", "bytes": b"\x00\xff",
        "list": [1, [2, "x"]], "map": {"k": {"z": [None]}},
        "when": when, "zoned": zoned, "day": dt.date(2000, 1, 1), "local": dt.time(1, 2, 3),
        "dur": dt.timedelta(days=2, seconds=5), "pt": CartesianPoint((1.0, 2.0)),
    }
    records, _, keys = driver.execute_query("ECHO", params, database_="default")
    seen = backend.params_seen[-1]
    assert seen["when"] == values.DateTime(int(when.timestamp()), 5000, 7200)
    assert seen["zoned"] == values.DateTime(int(zoned.timestamp()), 0, 7200, "Europe/Berlin")
    assert seen["day"] == values.Date(10957)
    assert seen["local"] == values.LocalTime((3600 + 120 + 3) * 10**9)
    assert seen["dur"] == values.Duration(0, 2, 5, 0)
    assert seen["pt"] == values.Point(7203, 1.0, 2.0)
    assert seen["i"] == -(2**63) and seen["bytes"] == b"\x00\xff"
    back = dict(zip(keys, records[0].values(), strict=True))
    for key in ("n", "b", "i", "f", "s", "bytes", "list", "map", "pt"):
        assert back[key] == params[key], key
    assert back["when"].to_native() == when
    assert back["zoned"].to_native() == zoned
    assert back["day"].to_native() == params["day"]


def test_several_results_in_one_transaction(driver_and_backend):
    driver, backend, _ = driver_and_backend
    with driver.session(database="default") as session:
        with session.begin_transaction() as tx:
            first = tx.run("RANGE 3")
            second = tx.run("RANGE 2")
            assert [r["i"] for r in second] == [0, 1]
            assert [r["i"] for r in first] == [0, 1, 2]
            tx.run("WRITE").consume()
            tx.commit()
        assert session.last_bookmarks()
    assert backend.committed[-1] == ["RANGE 3", "RANGE 2", "WRITE"]


def test_execute_write_returns_counters_and_bookmark(driver_and_backend):
    driver, backend, _ = driver_and_backend
    with driver.session(database="default") as session:
        created = session.execute_write(lambda tx: tx.run("WRITE").consume().counters.nodes_created)
        assert created == 1
        assert list(session.last_bookmarks().raw_values)[0].startswith("bm:")


def test_hundred_thousand_rows_are_pulled_in_batches(driver_and_backend):
    driver, backend, _ = driver_and_backend
    with driver.session(database="default", fetch_size=1000) as session:
        result = session.run("RANGE 100000")
        total = 0
        for count, record in enumerate(result):
            if count == 0:
                produced_at_first = backend.produced
            total += record["i"]
    assert produced_at_first <= 3000  # one fetch_size batch (plus a lookahead), not all
    assert total == sum(range(100000))
    assert backend.produced == 100000


def test_failure_reaches_the_driver_and_the_connection_recovers(driver_and_backend):
    driver, _, server = driver_and_backend
    with driver.session(database="default") as session:
        with pytest.raises(neo4j.exceptions.CypherSyntaxError, match="requested failure"):
            session.run("FAIL Neo.ClientError.Statement.SyntaxError").consume()
        with pytest.raises(neo4j.exceptions.DatabaseError) as info:
            session.run("CRASH").consume()
        assert info.value.code == "Neo.DatabaseError.General.UnknownError"
        assert "secret" not in str(info.value)
        assert session.run("RANGE 2").value() == [0, 1]
    assert server.failures >= 2


def test_bad_password_is_an_auth_error(start_server):
    server, _ = start_server()
    host, port = server.address
    with neo4j.GraphDatabase.driver(f"bolt://{host}:{port}", auth=("neo4j", "nope")) as driver:
        with pytest.raises(neo4j.exceptions.AuthError):
            driver.verify_connectivity()


def test_neo4j_scheme_routes_to_itself(start_server):
    server, backend = start_server()
    host, port = server.address
    with neo4j.GraphDatabase.driver(f"neo4j://{host}:{port}", auth=AUTH) as driver:
        with driver.session(database="default") as session:
            assert session.execute_read(lambda tx: tx.run("RANGE 3").value()) == [0, 1, 2]
            assert session.execute_write(lambda tx: tx.run("WRITE").consume().query_type) == "w"
        # neo4j:// sends its routing context in HELLO.
        assert any(s.routing for s in backend.sessions.values())


def test_fifty_concurrent_sessions(start_server):
    server, backend = start_server()
    host, port = server.address
    errors, sums = [], []
    with neo4j.GraphDatabase.driver(f"bolt://{host}:{port}", auth=AUTH,
                                    max_connection_pool_size=60) as driver:
        barrier = threading.Barrier(50)

        def worker(n):
            try:
                with driver.session(database="default") as session:
                    barrier.wait(timeout=30)
                    for _ in range(3):
                        sums.append(sum(session.run(f"RANGE {n}").value()))
            except Exception as e:  # collected and asserted below
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(1, 51)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        assert sorted(sums) == sorted(sum(range(n)) for n in range(1, 51) for _ in range(3))
        assert server.total_connections >= 50
    wait_for(lambda: server.open_connections == 0, what="driver connections to close")


def test_session_auth_switches_user_on_a_pooled_connection(start_server):
    server, backend = start_server(FakeBackend(users={"neo4j": "password", "bob": "pw2"}))
    host, port = server.address
    with neo4j.GraphDatabase.driver(f"bolt://{host}:{port}", auth=AUTH) as driver:
        driver.execute_query("RANGE 1", database_="default")
        with driver.session(database="default", auth=("bob", "pw2")) as session:
            assert session.run("RANGE 2").value() == [0, 1]
            assert [s.user for s in backend.sessions.values()] == ["bob"]  # LOGOFF + LOGON
        assert driver.verify_authentication(auth=("bob", "pw2"))
        assert not driver.verify_authentication(auth=("bob", "wrong"))
