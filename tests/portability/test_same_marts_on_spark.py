"""The same dbt models on DuckDB and on Spark give the same warehouse (`make portability`).

A synthetic sample of 2,000 children, in two monthly deliveries, goes through the real pipeline
on DuckDB (`send-pipeline run` on January's delivery, then on February's). The same loaded
extracts are then built on Spark, month by month, as pipelines/spark.py builds them: dbt-spark in
its session mode on a local SparkSession, identity resolution by the engine with the same key
(the second month incrementally, against the state the first left in Spark). Every seed, every
table of the marts (the per-delivery history with both months), the crosswalk and the resolved
children must come out identical row for row, and every record must have the same child_key.
The compiled models of both engines are checked against the portable list of
tests/portable_sql.py.

About six minutes on two cores; needs the `spark` extra (PySpark, dbt-spark) and Java 17, so it
is not part of `make test`.
"""

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.privacy.storage import open_database
from tests.portable_sql import ENGINE_ONLY, PORTABLE, calls

pytest.importorskip("pyspark")
pytestmark = pytest.mark.portability

# the sample: 2,000 children by default; SEND_PORTABILITY_CHILDREN for a larger check
CHILDREN = int(os.environ.get("SEND_PORTABILITY_CHILDREN", "2000"))
SEED = 7
JANUARY, FEBRUARY = date(2025, 1, 16), date(2025, 2, 16)
KEY = "cd" * 32
CLI = Path(sys.executable).parent / "send-pipeline"
COMPARED_SCHEMAS = ("reference", "marts")
COMPARED_TABLES = ("linkage.int_child_key_crosswalk", "linkage.int_children_resolved")


@pytest.fixture(scope="module")
def duckdb_warehouses(tmp_path_factory) -> list[Path]:
    """The two deliveries through the real pipeline on DuckDB, one after the other; returns
    the restricted warehouse as each run left it (January's copied aside)."""
    from pipelines.synthetic.series import land

    root = tmp_path_factory.mktemp("duckdb")
    env = {**os.environ, "DAGSTER_HOME": str(root / "dagster"), "SEND_PSEUDONYMISATION_KEY": KEY}
    (root / "dagster").mkdir()
    (root / "dagster" / "dagster.yaml").write_text(
        (Path(__file__).parents[2] / "pipelines" / "dagster.yaml").read_text()
    )
    series = root / "series"
    generate = ["generate", "--children", str(CHILDREN), "--seed", str(SEED), "--out", str(series)]
    generate += ["--as-at", FEBRUARY.isoformat(), "--deliveries", "2"]
    subprocess.run([str(CLI), *generate], env=env, check=True, capture_output=True)
    warehouse = root / "warehouse" / "restricted.duckdb"
    run = ["run", "--landing", str(root / "landing"), "--warehouse", str(warehouse.parent)]
    states = []
    for month in (JANUARY, FEBRUARY):
        land(series, month, root / "landing")
        subprocess.run([str(CLI), *run], env=env, check=True, capture_output=True)
        states.append(root / f"restricted_{month.isoformat()}.duckdb")
        shutil.copyfile(warehouse, states[-1])
    return states


@pytest.fixture(scope="module")
def duckdb_warehouse(duckdb_warehouses) -> Path:
    return duckdb_warehouses[-1]


@pytest.fixture(scope="module")
def spark_warehouse(duckdb_warehouses, tmp_path_factory):
    """The same extracts built on Spark, month by month; yields (SparkSession, compiled SQL)."""
    from pipelines import spark as on_spark

    root = tmp_path_factory.mktemp("spark")
    os.environ["SEND_PSEUDONYMISATION_KEY"] = KEY
    os.environ["SEND_WAREHOUSE_DIR"] = str(root)
    session = on_spark.spark_session(root / "warehouse")
    session.sparkContext.setLogLevel("ERROR")
    target = root / "target"
    for month in duckdb_warehouses:
        on_spark.build_on_spark(session, month, target)
    yield session, target / "compiled"
    session.stop()


def _comparable(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns by name (Spark puts a partition column last), integers as 64-bit, timestamps
    without a zone (Spark's are UTC, the session's zone), lists as text; rows sorted."""
    columns = []
    for name in sorted(frame.columns):
        dtype = frame.schema[name]
        column = pl.col(name)
        if dtype.is_integer():
            column = column.cast(pl.Int64)
        elif isinstance(dtype, pl.Datetime):
            column = column.dt.replace_time_zone(None).cast(pl.Datetime("us"))
        elif dtype.is_nested():
            column = column.list.eval(pl.element().cast(pl.String)).list.join("|")
        columns.append(column)
    frame = frame.select(columns)
    return frame.sort(frame.columns, nulls_last=True)


def _tables(duckdb_warehouse: Path) -> list[str]:
    with open_database(duckdb_warehouse, read_only=True) as con:
        found = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() "
            f"where schema_name in {COMPARED_SCHEMAS} order by 1"
        ).fetchall()
    return [row[0] for row in found] + list(COMPARED_TABLES)


def test_every_mart_and_seed_is_identical_row_for_row(duckdb_warehouse, spark_warehouse):
    session, _ = spark_warehouse
    differing = {}
    tables = _tables(duckdb_warehouse)
    with open_database(duckdb_warehouse, read_only=True) as con:
        for table in tables:
            on_duckdb = _comparable(con.sql(f"select * from {table}").pl())
            on_spark = _comparable(pl.from_arrow(session.table(table).toArrow()))
            if on_duckdb.schema != on_spark.schema:
                differing[table] = f"columns {on_duckdb.schema} on DuckDB, {on_spark.schema}"
            elif not on_duckdb.equals(on_spark):
                rows = on_duckdb.join(on_spark, on=on_duckdb.columns, how="anti", nulls_equal=True)
                differing[table] = (
                    f"{on_duckdb.height} rows on DuckDB, {on_spark.height} on Spark; "
                    f"first differing: {rows.head(3).to_dicts()}"
                )
    assert len(tables) > 40  # the 36 seeds, 17 marts, crosswalk and children
    assert not differing, differing
    with open_database(duckdb_warehouse, read_only=True) as con:  # both months compared
        months = con.execute("select count(distinct delivery_as_at) from marts.hist_kpis")
        assert months.fetchone()[0] == 2


def test_every_record_has_the_same_child_key(duckdb_warehouse, spark_warehouse):
    session, _ = spark_warehouse
    with open_database(duckdb_warehouse, read_only=True) as con:
        on_duckdb = dict(
            con.execute("select record_id, child_key from identity.crosswalk").fetchall()
        )
    on_spark = {
        row.record_id: row.child_key
        for row in session.table("identity.crosswalk").select("record_id", "child_key").collect()
    }
    assert len(on_duckdb) > CHILDREN
    assert on_spark == on_duckdb


@pytest.mark.parametrize("engine", ["spark", "duckdb"])
def test_every_compiled_model_calls_only_portable_or_its_engines_functions(
    engine, duckdb_warehouse, spark_warehouse, tmp_path
):
    if engine == "spark":
        compiled = spark_warehouse[1]
    else:
        compiled = _compile_on_duckdb(duckdb_warehouse, tmp_path)
    models = sorted((compiled / "send" / "models").rglob("*.sql"))
    assert len(models) >= 60
    allowed = PORTABLE | ENGINE_ONLY[engine]
    outside = {m.stem: sorted(calls(m.read_text()) - allowed) for m in models}
    assert not {model: names for model, names in outside.items() if names}


def _compile_on_duckdb(restricted_db: Path, tmp_path: Path) -> Path:
    """Every model compiled for DuckDB against a copy of the warehouse (dbt holds a lock)."""
    from dataclasses import replace

    from dbt.cli.main import dbtRunner

    from pipelines.config import dbt_environment, get_settings
    from pipelines.project import DBT_PROJECT_DIR

    copy = tmp_path / "restricted.duckdb"
    copy.write_bytes(restricted_db.read_bytes())
    with dbt_environment(replace(get_settings(), warehouse_dir=tmp_path)):  # the copy, its key
        result = dbtRunner().invoke(
            ["compile", "--select", "resource_type:model", "--project-dir", str(DBT_PROJECT_DIR),
             "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target")]
        )  # fmt: skip
    assert result.success, result.exception
    return tmp_path / "target" / "compiled"
