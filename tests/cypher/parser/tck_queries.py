"""Every Cypher query in the openCypher TCK feature files, with what the TCK expects.

Scenario Outlines are expanded by gherkin's pickle compiler, so each query is concrete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler

FEATURES = Path("/work/shared/tck/features")
_ERROR = re.compile(r"an? (\w+) should be raised at (compile time|runtime|any time): (\w+)")


@dataclass(frozen=True)
class TckQuery:
    feature: str  # path relative to the features directory
    scenario: str
    role: str  # 'setup' (having executed), 'query' (executing query), 'control'
    text: str
    error: tuple[str, str, str] | None  # (type, phase, detail) expected of the scenario
    procedures: tuple[str, ...] = ()  # 'there exists a procedure ...' signatures

    @property
    def ident(self) -> str:
        return f"{self.feature}:{self.scenario}:{self.role}"

    @property
    def compile_error(self) -> tuple[str, str] | None:
        if self.role == "query" and self.error and self.error[1] == "compile time":
            return self.error[0], self.error[2]
        return None


@lru_cache(maxsize=1)
def tck_queries() -> tuple[TckQuery, ...]:
    found: list[TckQuery] = []
    for path in sorted(FEATURES.rglob("*.feature")):
        document = Parser().parse(path.read_text(encoding="utf-8"))
        document["uri"] = str(path)
        for pickle in Compiler().compile(document):
            found.extend(_queries_of(path.relative_to(FEATURES).as_posix(), pickle))
    return tuple(found)


def _queries_of(feature: str, pickle: dict) -> list[TckQuery]:
    error = None
    for step in pickle["steps"]:
        match = _ERROR.search(step["text"])
        if match:
            error = (match.group(1), match.group(2), match.group(3))
    procedures = tuple(
        step["text"][len("there exists a procedure ") :].rstrip(":").strip()
        for step in pickle["steps"]
        if step["text"].startswith("there exists a procedure ")
    )
    queries = []
    for step in pickle["steps"]:
        doc = step.get("argument", {}).get("docString")
        if doc is None:
            continue
        text = step["text"]
        if text.startswith("having executed"):
            role = "setup"
        elif text.startswith("executing control query"):
            role = "control"
        elif text.startswith("executing query"):
            role = "query"
        else:
            continue
        queries.append(TckQuery(feature, pickle["name"], role, doc["content"], error, procedures))
    return queries
