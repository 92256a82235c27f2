"""`pip install .` (a real wheel, not the editable checkout) gives a working node."""

from __future__ import annotations

import subprocess
import venv

from tests.conftest import ROOT


def test_wheel_installs_and_runs_a_query(tmp_path):
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "pip", "wheel", "--no-deps", "-q",
         str(ROOT), "-w", str(wheels)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("tugraph_bolt-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    inst = subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=600)
    assert inst.returncode == 0, inst.stderr
    # run from outside the checkout so the packaged grammar (not the repository's) is used
    code = ("from tugraph_bolt.cypher.engine import CypherEngine; "
            "from tugraph_bolt.cypher import parser; from tugraph_bolt.graph import Store; "
            "s = Store(); e = CypherEngine(); "
            "print(list(e.run('UNWIND [1, 2] AS x RETURN x * 10', {}, s.begin()).records), "
            "'site-packages' in str(parser.grammar_path()))")
    run = subprocess.run([str(py), "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["[[10],", "[20]]", "True"]
    for script in ("tugraph-bolt", "lgraph_server"):
        assert (env_dir / "bin" / script).exists()
