"""Config parsing: the seed's files verbatim, overrides, and errors that name the key."""

import json
import re

import pytest

from tests.conftest import ROOT, SHARED
from tugraph_bolt.config import load_config, parse_overrides
from tugraph_bolt.errors import ConfigError

SEED = SHARED / "seed" / "bolt-ha-cluster.md"


def seed_configs() -> list[str]:
    return re.findall(r"```json\n(.*?)```", SEED.read_text(encoding="utf-8"), re.S)


def test_examples_are_the_seed_configs_verbatim():
    for i, block in enumerate(seed_configs(), 1):
        assert (ROOT / "examples" / "cluster" / f"node{i}.json").read_text() == block


@pytest.mark.parametrize("i", [1, 2, 3])
def test_seed_configs_load(tmp_path, i):
    path = tmp_path / "n.json"
    path.write_text(seed_configs()[i - 1])
    cfg, warnings = load_config(path)
    assert warnings == []
    assert cfg.bolt_raft_node_id == i
    assert cfg.bolt_port == 7686 + i
    assert cfg.bolt_raft_port == 7999 + i
    assert cfg.port == 7070 and cfg.verbose == 1 and cfg.log_dir == "log"
    assert [p.bolt_raft_node_id for p in cfg.bolt_raft_init_peers] == [1, 2, 3]
    assert cfg.clustered
    # per-node defaults: three nodes started from one folder never share files
    assert str(cfg.data_dir) == f"data/node{i}"
    assert cfg.log_file.name == f"tugraph-bolt-node{i}.log"


def test_single_node_defaults():
    cfg, _ = load_config(None, {})
    assert not cfg.clustered
    assert cfg.bolt_port == 7687 and cfg.admin_password == "73@TuGraph"


def test_overrides_parse_and_apply(tmp_path):
    assert parse_overrides(["--bolt_port", "9000", "--verbose=2"]) == {
        "bolt_port": "9000", "verbose": "2"}
    cfg, _ = load_config(None, parse_overrides(["--bolt_port", "9000", "--strict_schema", "true"]))
    assert cfg.bolt_port == 9000 and cfg.strict_schema is True


def test_unknown_key_is_a_warning_naming_it():
    cfg, warnings = load_config(None, {"thread_limit": 4})
    assert warnings == ["config key 'thread_limit' is not used by tugraph-bolt and is ignored"]


def cluster(**kw):
    base = {
        "bolt_port": 7687, "bolt_raft_port": 8000, "bolt_raft_node_id": 1,
        "bolt_raft_init_peers": [
            {"bolt_raft_node_id": 1, "ip": "127.0.0.1", "bolt_raft_port": 8000, "bolt_port": 7687},
            {"bolt_raft_node_id": 2, "ip": "127.0.0.1", "bolt_raft_port": 8001, "bolt_port": 7688},
        ],
    }
    base.update(kw)
    return base


@pytest.mark.parametrize(
    "raw, key, text",
    [
        ({"bolt_port": 70000}, "bolt_port", "0..65535"),
        ({"port": "abc"}, "port", "integer"),
        ({"verbose": 5}, "verbose", "0, 1 or 2"),
        ({"read_level": "eventual"}, "read_level", "local, leader, linearizable"),
        ({"disable_auth": "maybe"}, "disable_auth", "true or false"),
        (cluster(bolt_raft_node_id=3), "bolt_raft_init_peers", "does not contain this node"),
        (cluster(bolt_raft_node_id=0), "bolt_raft_node_id", "positive"),
        (cluster(bolt_raft_port=8005), "bolt_raft_port", "says 8000"),
        (cluster(bolt_raft_init_peers=[
            {"bolt_raft_node_id": 1, "ip": "127.0.0.1", "bolt_raft_port": 8000, "bolt_port": 7687},
            {"bolt_raft_node_id": 1, "ip": "127.0.0.1", "bolt_raft_port": 8001, "bolt_port": 7688}]),
         "bolt_raft_init_peers[1].bolt_raft_node_id", "duplicate node id 1"),
        (cluster(bolt_raft_init_peers=[
            {"bolt_raft_node_id": 1, "ip": "127.0.0.1", "bolt_raft_port": 8000}]),
         "bolt_raft_init_peers[0].bolt_port", "missing"),
        (cluster(bolt_raft_init_peers=[
            {"bolt_raft_node_id": 1, "ip": "10.0.0.5", "bolt_raft_port": 8000, "bolt_port": 7687}]),
         "cluster_secret", "not a loopback address"),
    ],
)
def test_bad_values_name_the_key(raw, key, text):
    with pytest.raises(ConfigError) as e:
        load_config(None, raw)
    assert e.value.key == key
    assert text in str(e.value)
    assert f"'{key}'" in str(e.value)


def test_bad_json_file(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text("{ not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_config(p)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.json")


def test_secret_allows_non_loopback():
    raw = cluster(cluster_secret="s3cret", bolt_raft_init_peers=[
        {"bolt_raft_node_id": 1, "ip": "10.0.0.5", "bolt_raft_port": 8000, "bolt_port": 7687}])
    cfg, _ = load_config(None, raw)
    assert cfg.cluster_secret == "s3cret"
    assert json.dumps(cfg.self_peer.ip) == '"10.0.0.5"'
