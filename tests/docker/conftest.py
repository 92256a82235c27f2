"""The docker-compose cluster for tests/docker: built without a registry, always torn down."""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from contextlib import contextmanager

import pytest

from tests.conftest import ROOT
from tugraph_bolt.devcluster import free_ports, port_open, wait_until

from .compose import (
    SERVICES,
    ComposeCluster,
    base_image_unavailable_reason,
    build_images,
    compose_command,
    docker_unavailable_reason,
    run,
)

PROJECT = "tugraphbolttest"
SEED_BOLT_PORTS = (7687, 7688, 7689)
SHIPPED_NET = "10.203.87"  # docker-compose.yml's default raft network (docker/node*.json)
FALLBACK_NETS = ("10.203.88", "10.203.89", "10.204.87")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # a failed docker test carries the containers' recent logs in its report
    outcome = yield
    report = outcome.get_result()
    cluster = getattr(item, "funcargs", {}).get("compose_cluster")
    if report.when == "call" and report.failed and cluster is not None:
        report.sections.append(("compose logs", cluster.logs()))


def _bindable(port: int) -> bool:
    if port_open("127.0.0.1", port):
        return False
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _subnets_in_use() -> set[str]:
    ids = run(["docker", "network", "ls", "-q"], 60).stdout.split()
    if not ids:
        return set()
    nets = json.loads(run(["docker", "network", "inspect", *ids], 60).stdout)
    return {c.get("Subnet") for n in nets for c in ((n.get("IPAM") or {}).get("Config") or [])}


def _moved_configs(workdir, ports: dict[str, int], net: str) -> None:
    """The shipped configs with announced ports and raft ips moved; nothing else changes."""
    for i, service in enumerate(SERVICES, start=1):
        cfg = json.loads((ROOT / "docker" / f"{service}.json").read_text())
        for peer in cfg["bolt_raft_init_peers"]:
            peer_service = f"node{peer['bolt_raft_node_id']}"
            peer["advertised_address"] = f"127.0.0.1:{ports[peer_service]}"
            peer["ip"] = peer["ip"].replace(SHIPPED_NET + ".", net + ".")
        cfg["advertised_address"] = f"127.0.0.1:{ports[service]}"
        assert cfg["bolt_raft_node_id"] == i
        (workdir / f"{service}.json").write_text(json.dumps(cfg, indent=2))


def _up(command, base_env, seed_ports, net, tmp_path_factory, say) -> ComposeCluster | None:
    """`compose up` on the seed's host ports or on free ones; None when a port was taken."""
    env = dict(base_env)
    if seed_ports:
        ports = dict(zip(SERVICES, SEED_BOLT_PORTS, strict=True))
    else:
        # Someone uses 7687-7689: run on other host ports with configs that announce them.
        ports = dict(zip(SERVICES, free_ports(3), strict=True))
    if not seed_ports or net != SHIPPED_NET:
        workdir = tmp_path_factory.mktemp("compose-configs")
        _moved_configs(workdir, ports, net)
        env.update(TUGRAPH_CONFIG_DIR=str(workdir), TUGRAPH_NET=net,
                   **{f"TUGRAPH_BOLT_PORT_{i}": str(ports[s])
                      for i, s in enumerate(SERVICES, start=1)})
    cluster = ComposeCluster(PROJECT, command, env, ports, seed_ports)
    say(f"compose up: host ports {sorted(ports.values())}, raft network {net}.0/24")
    proc = cluster.compose("up", "-d", "--no-build", timeout=180, check=False)
    if proc.returncode == 0:
        return cluster
    out = proc.stdout + proc.stderr
    cluster.compose("down", "-v", "--remove-orphans", "-t", "5", timeout=120, check=False)
    if "already allocated" in out or "address already in use" in out:
        say(f"a host port was taken meanwhile: {out.strip().splitlines()[-1]}")
        return None
    raise RuntimeError(f"compose up failed ({proc.returncode}):\n{out[-4000:]}")


@contextmanager
def _exclusive(say, timeout: float = 900.0):
    """One compose cluster per machine at a time.

    The xdist group keeps these tests on one worker when loadgroup works, but with this
    project's pytest/xdist pair the group suffix is not applied, so two workers can each
    get some of the tests: the second one waits here instead of tearing down the first
    one's containers (they share the project name, the ports and the subnet).
    """
    path = ROOT / "build" / "docker-tests.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    say("another worker runs the compose cluster; waiting for it")
                    waited = True
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"{path} stayed locked for {timeout:.0f}s") from None
                time.sleep(1.0)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def compose_cluster(request, tmp_path_factory):
    reason = docker_unavailable_reason() or base_image_unavailable_reason()
    if reason:
        pytest.skip(reason)
    capture = request.config.pluginmanager.getplugin("capturemanager")

    def say(line: str) -> None:
        # progress on the terminal even while pytest captures output (the first build is slow)
        if capture is not None:
            with capture.global_and_fixture_disabled():
                print(f"\n[tests/docker] {line}", flush=True)
        else:
            print(f"[tests/docker] {line}", flush=True)

    with _exclusive(say):
        image = build_images(say)
        base_env = dict(os.environ, TUGRAPH_IMAGE=image,
                        TUGRAPH_CLUSTER_SECRET="compose-test-" + os.urandom(12).hex())
        command = compose_command()
        ComposeCluster(PROJECT, command, base_env, {}).compose(
            "down", "-v", "--remove-orphans", "-t", "5", timeout=120, check=False)
        used = _subnets_in_use()
        net = next((n for n in (SHIPPED_NET, *FALLBACK_NETS) if f"{n}.0/24" not in used), None)
        if net is None:
            pytest.skip(f"the subnets {SHIPPED_NET}.0/24 and {FALLBACK_NETS} are all in use")
        seed_ports = all(_bindable(p) for p in SEED_BOLT_PORTS)
        cluster = _up(command, base_env, seed_ports, net, tmp_path_factory, say)
        if cluster is None and seed_ports:
            # another test's nodes took 7687-7689 between the check and `up`: move away
            cluster = _up(command, base_env, False, net, tmp_path_factory, say)
        if cluster is None:
            raise RuntimeError("compose up: host ports were taken by someone else while it started")
        try:
            wait_until(lambda: all(cluster.health(s) == "healthy" for s in SERVICES), 120,
                       interval=1.0, what="three healthy containers")
            yield cluster
        except Exception:
            say("compose logs:\n" + cluster.logs())
            raise
        finally:
            say("compose down -v")
            cluster.compose("down", "-v", "--remove-orphans", "-t", "30", timeout=180,
                            check=False)
