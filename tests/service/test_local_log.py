"""The single node's durable log: journal, snapshots, recovery, torn tails."""

from __future__ import annotations

from tugraph_bolt.graph import Transaction
from tugraph_bolt.log import GraphMachine, LocalLog


def write(log: LocalLog, label: str, n: int) -> None:
    from tugraph_bolt.graph import IdBlocks, reserve_ids_command

    def reserve(kind, count):
        _, outcome = log.submit(reserve_ids_command(kind, count, "t"), 5)
        return tuple(outcome.value)

    ids = IdBlocks(reserve, 4)
    for i in range(n):
        tx = Transaction(log.state, ids)
        tx.create_node([label], {"i": i})
        _, outcome = log.submit(tx.command(), 5)
        assert outcome.ok


def test_restart_recovers_from_the_journal(tmp_path):
    log = LocalLog(GraphMachine(), tmp_path)
    write(log, "A", 10)
    digest, index = log.state.digest(), log.applied_index
    log.close()
    again = LocalLog(GraphMachine(), tmp_path)
    assert again.applied_index == index and again.state.digest() == digest
    assert len(again.state.node_ids_by_label("A")) == 10


def test_snapshot_then_journal(tmp_path):
    log = LocalLog(GraphMachine(), tmp_path, snapshot_entries=7)
    write(log, "A", 20)
    assert (tmp_path / "snapshot.pickle").exists()
    digest, index = log.state.digest(), log.applied_index
    log.close()
    again = LocalLog(GraphMachine(), tmp_path, snapshot_entries=7)
    assert (again.applied_index, again.state.digest()) == (index, digest)


def test_torn_tail_is_dropped(tmp_path):
    log = LocalLog(GraphMachine(), tmp_path)
    write(log, "A", 3)
    digest, index = log.state.digest(), log.applied_index
    log.close()
    with open(tmp_path / "journal.log", "ab") as f:
        f.write(b"\x00\x00\x01\x00\x00")  # a record header cut short by a crash
    again = LocalLog(GraphMachine(), tmp_path)
    assert (again.applied_index, again.state.digest()) == (index, digest)
    write(again, "B", 1)  # and the journal keeps working after the cut
    again.close()
    third = LocalLog(GraphMachine(), tmp_path)
    assert len(third.state.node_ids_by_label("B")) == 1


def test_in_memory_without_a_directory(tmp_path):
    log = LocalLog()
    write(log, "A", 2)
    assert log.applied_index > 0 and not any(tmp_path.iterdir())
