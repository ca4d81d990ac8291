"""The working tables of a linkage run: named in one place, dropped when the run ends."""

from __future__ import annotations

import duckdb
import polars as pl


class Scratch:
    """The working tables of one run: named in one place, dropped when the run ends."""

    PREFIX = "_lk_"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._tables: list[str] = []
        self._views: list[str] = []

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *_exc) -> None:
        for name in reversed(self._views):
            self.con.unregister(name)
        for name in reversed(self._tables):
            self.con.execute(f"drop table if exists {name}")

    def name(self, what: str) -> str:
        """A working table's name, to be dropped at the end (for code that creates it itself)."""
        table = self.PREFIX + what
        if table not in self._tables:
            self._tables.append(table)
        return table

    def table(self, what: str, sql: str) -> str:
        table = self.name(what)
        self.con.execute(f"create or replace temp table {table} as {sql}")
        return table

    def frame(self, what: str, frame: pl.DataFrame) -> str:
        """A polars frame as a view of the connection until the run ends."""
        view = self.PREFIX + what + "_view"
        self.con.register(view, frame.to_arrow())
        self._views.append(view)
        return view

    def drop(self, table: str) -> None:
        """Drop a working table early (it is large and no longer needed)."""
        self.con.execute(f"drop table if exists {table}")
