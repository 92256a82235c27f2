"""Container health probe: exit 0 when the node in this container answers, 1 otherwise.

usage: tugraph-bolt-healthcheck [config.json]     (default /etc/tugraph-bolt/node.json)

It reads the node's JSON config for its ports. With the HTTP port enabled (the default) it
asks GET /healthz, which fails once the node has fail-stopped; with `enable_http: false`
it opens the Bolt port and completes a Bolt handshake. Only the standard library is used,
so the probe starts fast and works whatever the node's own imports cost.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import urllib.error
import urllib.request

DEFAULT_CONFIG = "/etc/tugraph-bolt/node.json"
BOLT_MAGIC = b"\x60\x60\xb0\x17"
# Bolt 5.0-5.8 and 4.4: any version the server speaks makes the answer non-zero.
BOLT_VERSIONS = struct.pack(">IIII", 0x00080805, 0x00000404, 0, 0)
TIMEOUT = 3.0


def _truthy(v) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "yes")
    return bool(v)


def probe_http(port: int) -> str | None:
    """None when /healthz says 200, else the reason."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=TIMEOUT) as r:
            return None if r.status == 200 else f"/healthz answered {r.status}"
    except urllib.error.HTTPError as e:
        return f"/healthz answered {e.code}: {e.read(300).decode(errors='replace')}"
    except OSError as e:
        return f"/healthz on port {port}: {e}"


def probe_bolt(port: int) -> str | None:
    """None when the Bolt port completes a handshake, else the reason."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
            s.sendall(BOLT_MAGIC + BOLT_VERSIONS)
            answer = b""
            while len(answer) < 4:
                chunk = s.recv(4 - len(answer))
                if not chunk:
                    break
                answer += chunk
    except OSError as e:
        return f"Bolt port {port}: {e}"
    if len(answer) != 4 or answer == b"\x00\x00\x00\x00":
        return f"Bolt port {port}: no version agreed (answer {answer.hex() or 'empty'})"
    return None


def check(config_path: str) -> str | None:
    try:
        with open(config_path, encoding="utf-8") as f:
            cfg = json.load(f)
    except (OSError, ValueError) as e:
        return f"cannot read {config_path}: {e}"
    if _truthy(cfg.get("enable_http", True)):
        return probe_http(int(cfg.get("port", 7070)))
    return probe_bolt(int(cfg.get("bolt_port", 7687)))


def main(argv: list[str]) -> int:
    problem = check(argv[1] if len(argv) > 1 else DEFAULT_CONFIG)
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
