"""Load the openCypher TCK: one `Scenario` per Gherkin pickle, with a stable id.

The id is `<path under features>:<line>` where the line is the scenario's (or, for an
outline, the example row's) line in the feature file, e.g.
`clauses/match/Match1.feature:27`. It is what `known_failures.txt` lists.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass

from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler

ROOT = pathlib.Path(__file__).resolve().parents[2]
TCK = ROOT.parent / "shared" / "tck"
FEATURES = TCK / "features"
GRAPHS = TCK / "graphs"


@dataclass(frozen=True)
class Step:
    text: str
    doc: str | None  # docstring argument
    table: tuple[tuple[str, ...], ...] | None  # data table rows (header first)


@dataclass(frozen=True)
class Scenario:
    id: str
    name: str
    feature: str  # path under features/
    steps: tuple[Step, ...]

    @property
    def directory(self) -> str:
        return self.feature.rsplit("/", 1)[0]


def _step(raw: dict) -> Step:
    arg = raw.get("argument") or {}
    doc = arg.get("docString", {}).get("content")
    table = None
    if "dataTable" in arg:
        table = tuple(tuple(c["value"] for c in row["cells"]) for row in arg["dataTable"]["rows"])
    return Step(raw["text"].strip(), doc.replace("\r", "") if doc is not None else None, table)


def load_feature(path: pathlib.Path) -> list[Scenario]:
    rel = path.relative_to(FEATURES).as_posix()
    doc = Parser().parse(path.read_text(encoding="utf-8").replace("\r", ""))
    doc["uri"] = rel
    scenarios = []
    for pickle in Compiler().compile(doc):
        line = pickle["location"]["line"]
        steps = tuple(_step(s) for s in pickle["steps"])
        scenarios.append(Scenario(f"{rel}:{line}", pickle["name"], rel, steps))
    return scenarios


def load_all(features: pathlib.Path = FEATURES) -> list[Scenario]:
    scenarios = []
    for path in sorted(features.rglob("*.feature")):
        scenarios.extend(load_feature(path))
    return scenarios
