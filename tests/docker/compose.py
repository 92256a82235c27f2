"""Drive the repository's docker-compose.yml from tests, with no image registry.

`build_images()` makes the base image from Debian's packages (docker/build-base-image.sh,
cached by tag) and the project image FROM it, installing offline from wheels built on the
host (docker/build-offline-image.sh). `ComposeCluster` runs `docker compose` / `docker-compose` on the real
docker-compose.yml under a project name of its own. Every command has a timeout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT

BASE_IMAGE = "tugraph-bolt-base:local"
TEST_IMAGE = "tugraph-bolt:compose-test"
SERVICES = ("node1", "node2", "node3")


def run(cmd: list[str], timeout: float, env: dict | None = None, check: bool = True,
        cwd: Path = ROOT) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                          cwd=cwd)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}:\n"
                           f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def docker_unavailable_reason() -> str | None:
    """None when a Docker engine answers and compose is installed, else why not."""
    if shutil.which("docker") is None:
        return "no docker command on this machine"
    try:
        info = run(["docker", "info", "--format", "{{.ServerVersion}}"], 30, check=False)
    except subprocess.TimeoutExpired:
        return "the Docker engine did not answer `docker info` within 30s"
    if info.returncode != 0:
        return f"no Docker engine answers: {info.stderr.strip()[:200]}"
    if compose_command() is None:
        return "neither `docker compose` nor `docker-compose` is installed"
    return None


def compose_command() -> list[str] | None:
    try:
        if run(["docker", "compose", "version"], 30, check=False).returncode == 0:
            return ["docker", "compose"]
    except subprocess.TimeoutExpired:
        pass
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def image_exists(tag: str) -> bool:
    return run(["docker", "image", "inspect", tag], 30, check=False).returncode == 0


def base_image_unavailable_reason() -> str | None:
    if sys.version_info[:2] != (3, 11):
        # the image installs wheels built by this interpreter into Debian bookworm's 3.11
        return (f"the offline image needs host-built cp311 wheels, but this is Python "
                f"{sys.version_info[0]}.{sys.version_info[1]}")
    if image_exists(BASE_IMAGE):
        return None
    if shutil.which("debootstrap", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin") is None:
        return (f"{BASE_IMAGE} is missing and debootstrap is not installed to build it "
                "(apt-get install -y debootstrap)")
    if os.geteuid() != 0:
        return f"{BASE_IMAGE} is missing and building it with debootstrap needs root"
    return None


def build_images(say) -> str:
    """The base image (cached by tag) and the project image; returns the project image's tag."""
    started = time.monotonic()
    if image_exists(BASE_IMAGE):
        say(f"base image {BASE_IMAGE} is cached")
    else:
        say(f"building {BASE_IMAGE} with debootstrap (a few minutes, once per machine); "
            "output in build/docker-base-image.log")
        _logged([str(ROOT / "docker" / "build-base-image.sh"), BASE_IMAGE],
                ROOT / "build" / "docker-base-image.log", 900)
        say(f"base image built in {time.monotonic() - started:.0f}s")
    say(f"building {TEST_IMAGE}: wheelhouse on the host, docker build offline; "
        "output in build/docker-image.log")
    _logged([str(ROOT / "docker" / "build-offline-image.sh"), TEST_IMAGE],
            ROOT / "build" / "docker-image.log", 900,
            env=dict(os.environ, PYTHON=sys.executable, BASE_IMAGE=BASE_IMAGE))
    # every code change leaves the previous test image dangling: remove those (only ours)
    run(["docker", "image", "prune", "-f", "--filter",
         "label=org.opencontainers.image.title=tugraph-bolt"], 120, check=False)
    say(f"images ready after {time.monotonic() - started:.0f}s")
    return TEST_IMAGE


def _logged(cmd: list[str], log: Path, timeout: float, env: dict | None = None) -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout,
                              cwd=ROOT, env=env)
    if proc.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}); see {log}:\n{tail}")


@dataclass
class ComposeCluster:
    """The repository's docker-compose.yml under `project`, with `env` for its variables."""

    project: str
    command: list[str]
    env: dict[str, str]
    bolt_ports: dict[str, int]  # service -> host port
    seed_ports: bool = True  # the shipped 7687-7689 (else other host ports, other configs)
    node_ids: dict[int, str] = field(default_factory=lambda: {1: "node1", 2: "node2",
                                                              3: "node3"})
    _containers: dict[str, str] = field(default_factory=dict)

    def compose(self, *args: str, timeout: float = 120, check: bool = True):
        cmd = [*self.command, "-p", self.project, "-f", str(ROOT / "docker-compose.yml"), *args]
        return run(cmd, timeout, env=self.env, check=check)

    @property
    def network(self) -> str:
        return f"{self.project}_raft"

    def container(self, service: str) -> str:
        # A container keeps its id through kill/start/stop; remember it, since `compose ps`
        # (v2) lists only running containers unless asked for all.
        cid = self._containers.get(service)
        if cid is None:
            cid = self.compose("ps", "-a", "-q", service, timeout=60).stdout.strip()
            if not cid or "\n" in cid:
                raise RuntimeError(f"service {service} has no single container: {cid!r}")
            self._containers[service] = cid
        return cid

    def inspect(self, service: str) -> dict:
        out = run(["docker", "inspect", self.container(service)], 30).stdout
        return json.loads(out)[0]

    def health(self, service: str) -> str:
        state = self.inspect(service)["State"]
        return (state.get("Health") or {}).get("Status", "none")

    def running(self, service: str) -> bool:
        return self.inspect(service)["State"]["Running"]

    def raft_ip(self, service: str) -> str:
        nets = self.inspect(service)["NetworkSettings"]["Networks"]
        return nets[self.network]["IPAMConfig"]["IPv4Address"]

    def docker(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return run(["docker", *args], timeout)

    def logs(self, tail: int = 60) -> str:
        proc = self.compose("logs", "--no-color", "--tail", str(tail), timeout=60, check=False)
        return proc.stdout[-12000:] + proc.stderr[-2000:]

    def address(self, service: str) -> tuple[str, int]:
        return ("127.0.0.1", self.bolt_ports[service])

    def addresses(self) -> list[tuple[str, int]]:
        return [self.address(s) for s in SERVICES]
