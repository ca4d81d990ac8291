"""A read-only SQL shell on the analysts' warehouse (`send-pipeline sql`, `make sql`).

The DuckDB command line on PyPI (duckdb-cli) lags the library and cannot open a file written by
DuckDB 2, so the shell is the library itself: statements end with `;`, results print as tables,
`.tables` lists the marts, `.quit` (or Ctrl-D) leaves. The database is opened read-only, so an
analyst cannot change what was published, and a run can publish while the shell is open (the
publish step swaps in a new file).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

import duckdb


def connect(database: Path) -> duckdb.DuckDBPyConnection:
    if not database.exists():
        raise FileNotFoundError(f"{database}: no analysts' warehouse yet (run `make run` first)")
    return duckdb.connect(str(database), read_only=True)


def statements(lines: Iterable[str]) -> Iterator[str]:
    """Complete statements (up to each `;`) and dot commands, from lines as typed."""
    buffer: list[str] = []
    for line in lines:
        if not buffer and line.strip().startswith("."):
            yield line.strip()
            continue
        buffer.append(line)
        text = "\n".join(buffer).strip()
        if text.endswith(";"):
            buffer = []
            yield text
    if "\n".join(buffer).strip():
        yield "\n".join(buffer).strip()


def execute(con: duckdb.DuckDBPyConnection, statement: str, out: TextIO) -> bool:
    """Run one statement or dot command and print its result; False when asked to quit."""
    if statement in (".quit", ".exit"):
        return False
    if statement == ".tables":
        statement = """select table_name as name, 'table' as kind, comment from duckdb_tables()
            where schema_name = 'main'
            union all select view_name, 'view', comment from duckdb_views()
            where schema_name = 'main' and not internal order by 1"""
    try:
        # several statements on one line run one after the other, each printed
        for parsed in con.extract_statements(statement):
            relation = con.sql(parsed.query)
            if relation is not None:  # DuckDB's own table, with its row count when cut short
                out.write(f"{relation}\n")
    except duckdb.Error as error:
        out.write(f"Error: {str(error).splitlines()[0]}\n")
    return True


def _typed() -> Iterator[str]:
    """Lines from an interactive terminal, with a prompt and line editing."""
    import readline  # noqa: F401  (line editing and history for input())

    prompt = "analytics> "
    while True:
        try:
            line = input(prompt)
        except EOFError:
            return
        prompt = "analytics> " if line.strip().endswith(";") or not line.strip() else "     ...> "
        yield line


def shell(database: Path, command: str | None = None, out: TextIO | None = None) -> None:
    """Run `command` (statements separated by `;`), or read statements until `.quit`."""
    out = out or sys.stdout
    with connect(database) as con:
        if command is not None:
            lines: Iterable[str] = command.splitlines()
        elif sys.stdin.isatty():
            out.write(f"{database} (read-only). Statements end with ;  .tables  .quit\n")
            lines = _typed()
        else:
            lines = sys.stdin
        for statement in statements(line.rstrip("\n") for line in lines):
            if not execute(con, statement, out):
                break
