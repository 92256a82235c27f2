"""docker/node*.json and docker-compose.yml agree with each other (no Docker needed)."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import ROOT
from tugraph_bolt.config import load_config
from tugraph_bolt.errors import ConfigError

COMPOSE = (ROOT / "docker-compose.yml").read_text()
NODES = (1, 2, 3)


def config_path(i: int):
    return ROOT / "docker" / f"node{i}.json"


def service_block(i: int) -> str:
    m = re.search(rf"^  node{i}:\n(.*?)(?=^  \S|^\S|\Z)", COMPOSE, re.S | re.M)
    assert m, f"no service node{i} in docker-compose.yml"
    return m.group(1)


@pytest.mark.parametrize("i", NODES)
def test_config_loads_with_a_secret_and_refuses_without(i):
    cfg, warnings = load_config(config_path(i), {"cluster_secret": "s"})
    assert warnings == []
    assert cfg.bolt_raft_node_id == i
    assert (cfg.bolt_port, cfg.bolt_raft_port) == (7686 + i, 7999 + i)
    # what routing tables announce is the port the host publishes
    assert cfg.advertised_address == f"127.0.0.1:{cfg.bolt_port}"
    assert cfg.host == "0.0.0.0"  # published ports arrive on the container's interface
    assert str(cfg.data_dir).startswith("/var/lib/tugraph-bolt/")
    assert cfg.log_dir.startswith("/var/lib/tugraph-bolt/")
    with pytest.raises(ConfigError, match="cluster_secret"):
        load_config(config_path(i))


def test_the_three_configs_list_the_same_peers():
    peers = [json.loads(config_path(i).read_text())["bolt_raft_init_peers"] for i in NODES]
    assert peers[0] == peers[1] == peers[2]
    assert [p["advertised_address"] for p in peers[0]] == [f"127.0.0.1:{7686 + i}"
                                                           for i in NODES]


@pytest.mark.parametrize("i", NODES)
def test_compose_service_matches_its_config(i):
    cfg, _ = load_config(config_path(i), {"cluster_secret": "s"})
    block = service_block(i)
    ip_prefix, _, last = cfg.self_peer.ip.rpartition(".")
    assert f"ipv4_address: ${{TUGRAPH_NET:-{ip_prefix}}}.{last}" in block
    assert f'"127.0.0.1:${{TUGRAPH_BOLT_PORT_{i}:-{cfg.bolt_port}}}:{cfg.bolt_port}"' in block
    assert f"/node{i}.json:/etc/tugraph-bolt/node.json:ro" in block
    assert f"node{i}-data:/var/lib/tugraph-bolt" in block
    assert f"subnet: ${{TUGRAPH_NET:-{ip_prefix}}}.0/24" in COMPOSE
    # the Raft port is never published
    assert str(cfg.bolt_raft_port) not in block
