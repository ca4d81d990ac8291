"""`send-pipeline sql`: the analysts' read-only shell on a real DuckDB file."""

from __future__ import annotations

import duckdb
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.publish.sql_shell import statements

runner = CliRunner()


def _warehouse(tmp_path):
    folder = tmp_path / "warehouse"
    folder.mkdir()
    with duckdb.connect(str(folder / "analytics.duckdb")) as con:
        con.execute("create table dim_child as select 'C' || i as child_key from range(3) t(i)")
        con.execute("comment on table dim_child is 'One row per child'")
    return folder


def test_statements_run_and_print_as_tables(tmp_path):
    folder = _warehouse(tmp_path)
    result = runner.invoke(
        app, ["sql", "--warehouse", str(folder), "-c", "select count(*) as n\nfrom dim_child;"]
    )
    assert result.exit_code == 0, result.output
    assert "│   n   │" in result.output and "│     3 │" in result.output


def test_several_statements_on_one_line_each_print(tmp_path):
    folder = _warehouse(tmp_path)
    result = runner.invoke(
        app, ["sql", "--warehouse", str(folder), "-c", "select 41 as a; select 42 as b;"]
    )
    assert "41" in result.output and "42" in result.output


def test_the_warehouse_cannot_be_changed_from_the_shell(tmp_path):
    folder = _warehouse(tmp_path)
    result = runner.invoke(
        app,
        ["sql", "--warehouse", str(folder), "-c", "drop table dim_child; select 1 as still;"],
    )
    assert result.exit_code == 0
    assert "read-only" in result.output  # the error is printed, the shell goes on
    with duckdb.connect(str(folder / "analytics.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from dim_child").fetchone()[0] == 3


def test_tables_lists_the_marts_with_their_comments(tmp_path):
    folder = _warehouse(tmp_path)
    result = runner.invoke(app, ["sql", "--warehouse", str(folder), "-c", ".tables"])
    assert "dim_child" in result.output and "One row per child" in result.output


def test_a_missing_warehouse_is_a_one_line_refusal(tmp_path):
    result = runner.invoke(app, ["sql", "--warehouse", str(tmp_path / "none"), "-c", "select 1;"])
    assert result.exit_code == 1
    assert "no analysts' warehouse yet" in result.output


@given(st.lists(st.sampled_from(["select 1", "from t", "where x", "", "  "]), max_size=8))
def test_statements_end_at_each_semicolon_and_keep_every_line(parts):
    lines = [*parts, "select 2;"]
    found = list(statements(lines))
    assert found[-1].endswith("select 2;")
    assert "\n".join(found).split() == "\n".join(lines).split()
