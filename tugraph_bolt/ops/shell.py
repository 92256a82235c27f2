"""`tugraph-bolt shell`: a Cypher prompt, or a script read from stdin.

Statements end with `;` (outside strings and comments). On a terminal the prompt keeps
readline history in ~/.tugraph_bolt_history and an error does not end the session; a
script stops at its first failing statement and the exit status says so.

>>> split_statements("RETURN ';' AS a; // c;\\nRETURN 2;")
(["RETURN ';' AS a", '// c;\\nRETURN 2'], '')
"""

from __future__ import annotations

import os
import sys

from ..client import BoltClient, ClientError
from .connect import OpsError
from .table import render_table, to_json

HISTORY_FILE = "~/.tugraph_bolt_history"
HELP = """Type Cypher ending with ';'. Commands: :help, :exit (or :quit, Ctrl-D)."""


def split_statements(text: str) -> tuple[list[str], str]:
    """(complete statements, the unfinished rest) — `;` inside quotes or comments is text."""
    statements, start, i, n = [], 0, 0, len(text)
    quote = None
    code = False  # anything but blanks and comments since the last ';'
    while i < n:
        c = text[i]
        if not c.isspace() and c != ";" and not text.startswith(("//", "/*"), i):
            code = code or quote is None
        if quote is not None:
            if c == "\\" and quote != "`":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"`":
            quote = c
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        elif c == ";":
            if code:
                statements.append(text[start:i].strip())
            start, code = i + 1, False
        i += 1
    return statements, text[start:].strip() if code else ""


def _summary_line(count: int, summary: dict) -> str:
    parts = [f"{count} row{'s' if count != 1 else ''}"]
    stats = summary.get("stats") or {}
    parts.extend(f"{k}: {v}" for k, v in sorted(stats.items())
                 if v and not isinstance(v, bool))
    return ", ".join(parts)


class Shell:
    def __init__(self, client: BoltClient, out=None, as_json: bool = False, address: str = ""):
        self.client = client
        self.address = address
        self.out = out or sys.stdout
        self.as_json = as_json

    def execute(self, statement: str) -> None:
        """Run one statement and print its table; ClientError propagates."""
        fields, records, summary = self.client.run(statement)
        if self.as_json:
            rows = [dict(zip(fields, r, strict=True)) for r in records]
            print(to_json({"fields": fields, "rows": rows,
                           "stats": summary.get("stats") or {}}), file=self.out)
            return
        if fields:
            print(render_table(fields, records), file=self.out)
        print(_summary_line(len(records), summary), file=self.out)

    def run_script(self, text: str) -> int:
        statements, rest = split_statements(text)
        if rest:
            statements.append(rest)  # the last statement may omit its ';'
        for number, statement in enumerate(statements, 1):
            try:
                self.execute(statement)
            except ClientError as e:
                raise OpsError(f"statement {number} failed: {e.code}: {e.message}") from None
        return 0

    def interactive(self) -> int:
        try:
            import readline
        except ImportError:  # not every platform has it; the prompt still works
            readline = None
        history = os.path.expanduser(HISTORY_FILE)
        if readline is not None:
            try:
                readline.read_history_file(history)
            except OSError:
                pass
        agent = self.client.server_info.get("server", "tugraph-bolt")
        print(f"Connected to {self.address or 'the server'} ({agent}). {HELP}", file=self.out)
        pending = ""
        try:
            while True:
                try:
                    line = input("tugraph> " if not pending else "      -> ")
                except EOFError:
                    print(file=self.out)
                    return 0
                except KeyboardInterrupt:
                    print(file=self.out)
                    pending = ""
                    continue
                if not pending and line.strip() in (":exit", ":quit"):
                    return 0
                if not pending and line.strip() == ":help":
                    print(HELP, file=self.out)
                    continue
                statements, pending = split_statements(pending + "\n" + line)
                for statement in statements:
                    try:
                        self.execute(statement)
                    except ClientError as e:
                        print(f"error: {e.code}: {e.message}", file=self.out)
                        if e.code == "Client.ConnectionLost":
                            return 1
        finally:
            if readline is not None:
                try:
                    readline.set_history_length(1000)
                    readline.write_history_file(history)
                except OSError:
                    pass
