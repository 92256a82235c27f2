"""The parser as a shared service: one Lark instance, many threads, grammar location."""

from __future__ import annotations

import threading

from tugraph_bolt.cypher.parser import grammar_path, parse

QUERIES = [
    "MATCH (a:Person)-[:KNOWS*1..2]->(b) WHERE a.age > $min RETURN b.name AS name",
    "UNWIND range(1, 10) AS x WITH x WHERE x % 2 = 0 RETURN collect(x) AS evens",
    "MATCH (n) WHERE (n)-->() AND NOT exists { (n)<--() } RETURN count(*)",
    "CREATE (a:A {v: [1, 2.5, 'x', null]})-[:R {w: -1}]->(b:B) RETURN a, b",
    "CALL db.labels() YIELD label RETURN label ORDER BY label DESC SKIP 1 LIMIT 3",
]


def test_concurrent_parses_agree_with_sequential_ones():
    expected = [parse(q) for q in QUERIES]
    failures: list[str] = []

    def worker(offset: int) -> None:
        for i in range(40):
            k = (offset + i) % len(QUERIES)
            if parse(QUERIES[k]) != expected[k]:
                failures.append(QUERIES[k])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert failures == []


def test_grammar_is_found_in_the_repository():
    path = grammar_path()
    assert path is not None and path.name == "cypher.lark"
    assert "pattern_predicate" in path.read_text(encoding="utf-8")


def test_grammar_cache_lives_in_a_private_directory(tmp_path, monkeypatch):
    from tugraph_bolt.cypher.parser import _cache_file

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = _cache_file("grammar text")
    assert isinstance(path, str) and path.startswith(str(tmp_path / "tugraph-bolt"))
    assert (tmp_path / "tugraph-bolt").stat().st_mode & 0o777 == 0o700
    assert _cache_file("another grammar") != path  # keyed by the grammar


def test_grammar_cache_refuses_a_directory_others_can_write(tmp_path, monkeypatch):
    from tugraph_bolt.cypher.parser import _cache_file

    shared = tmp_path / "tugraph-bolt"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _cache_file("grammar text") is False
