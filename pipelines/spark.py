"""The same dbt models on Spark: what a platform that already runs Spark (an NHS secure data
environment on Databricks, say) runs instead of DuckDB. See docs/deployment.md.

dbt-spark in its `session` mode runs in the process that holds the SparkSession: local mode
here, the cluster's driver on a platform. `build_on_spark` runs one month in three steps, over
the extracts a DuckDB restricted warehouse has loaded:

1. the seeds, staging and the person records (`dbt seed`,
   `dbt run --select +int_person_records_unioned`);
2. `resolve_spark_identity`: identity resolution. dbt-spark runs no Python model, so the engine
   runs here, on the driver, over a DuckDB copy of the person records and of the previous run's
   `identity` schema, and writes the `identity` schema back to Spark. The run is the one the
   DuckDB warehouse's Python model runs (pipelines/linkage/run.py), with the same key: the
   children and their keys are the same on both engines by construction;
3. everything downstream of identity (`dbt run`, the rest).

Requires the `spark` extra (`pip install -e '.[spark]'`) and Java 17.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

import duckdb

from pipelines.config import dbt_environment, get_settings
from pipelines.linkage.engine import DEFAULT_SCHEMA as IDENTITY_SCHEMA
from pipelines.linkage.run import resolve_identity
from pipelines.privacy.pseudonymise import load_key
from pipelines.privacy.storage import open_database
from pipelines.project import DBT_PROJECT_DIR

# the schemas of the dbt sources: the loaded extracts and the quarantine's current view
SOURCE_SCHEMAS = ("raw", "audit")
PERSON_RECORDS = "linkage.int_person_records_unioned"
DECISIONS = "reference.clerical_decisions"


def spark_session(warehouse_dir: Path, cores: int = 2):
    """A local SparkSession whose tables are Parquet files under `warehouse_dir`.

    dbt-spark's session mode asks for a session with Hive support and gets this one (a session
    already running is returned to any later builder). The catalogue is in memory: one process
    builds and checks the warehouse, and no metastore database is left behind.
    """
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("send-pipeline")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", str(warehouse_dir))
        # dates and timestamps as the extracts state them (DuckDB has no session time zone)
        .config("spark.sql.session.timeZone", "UTC")
        # a small sample: a few tasks per stage, not the default 200
        .config("spark.sql.shuffle.partitions", str(2 * cores))
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = ? "
            "union select view_name from duckdb_views() where schema_name = ? and not internal "
            "order by 1",
            [schema, schema],
        ).fetchall()
    ]


def copy_to_spark(spark, con: duckdb.DuckDBPyConnection, schemas: Iterable[str]) -> dict:
    """Every table and view of `schemas` in a DuckDB database as a Spark table of the same
    name (replaced), through Parquet; returns {schema.table: rows}."""
    copied = {}
    with tempfile.TemporaryDirectory(prefix="to-spark-") as folder:
        for schema in schemas:
            spark.sql(f"create database if not exists {schema}")
            for table in _tables(con, schema):
                path = Path(folder) / f"{schema}.{table}.parquet"
                con.execute(
                    f"copy (select * from {schema}.\"{table}\") to '{path}' (format parquet)"
                )
                frame = spark.read.parquet(str(path))
                frame.write.mode("overwrite").format("parquet").saveAsTable(f"{schema}.{table}")
                copied[f"{schema}.{table}"] = spark.table(f"{schema}.{table}").count()
    return copied


def copy_from_spark(spark, con: duckdb.DuckDBPyConnection, tables: dict[str, str]) -> None:
    """Spark tables as DuckDB tables: {duckdb name: spark table}."""
    for name, table in tables.items():
        con.register("_from_spark", spark.table(table).toArrow())
        con.execute(f"create or replace table {name} as select * from _from_spark")
        con.unregister("_from_spark")


def dbt_on_spark(args: list[str], target_path: Path) -> None:
    """One dbt invocation against the Spark target, in this process (dbt-spark's session mode
    uses the SparkSession already running)."""
    from dbt.cli.main import dbtRunner

    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    result = dbtRunner().invoke(
        [*args, "--target", "spark", *project, "--target-path", str(target_path)]
    )
    if not result.success:
        raise RuntimeError(f"dbt {' '.join(args)} failed on Spark: {result.exception or ''}")


def build_on_spark(spark, restricted_db: Path, target_path: Path, key: bytes | None = None) -> dict:
    """One run on Spark over the extracts a DuckDB restricted warehouse has loaded (the
    ingest's output: the same rows DuckDB's models read), the three steps of the module
    docstring; returns identity resolution's run log row. A second call with a later
    delivery's warehouse refreshes the Spark warehouse as a monthly run does."""
    with dbt_environment(get_settings()):
        with open_database(restricted_db, read_only=True) as con:
            copy_to_spark(spark, con, SOURCE_SCHEMAS)
        dbt_on_spark(["seed"], target_path)
        dbt_on_spark(["run", "--select", "+int_person_records_unioned"], target_path)
        run_log = resolve_spark_identity(spark, key)
        downstream = ["--exclude", "+int_person_records_unioned", "resource_type:seed"]
        dbt_on_spark(["run", *downstream], target_path)
    return run_log


def resolve_spark_identity(spark, key: bytes | None = None) -> dict:
    """Step 2 of the module docstring; returns the run log row."""
    key = key or load_key(get_settings().key_file)
    with duckdb.connect() as con:
        copy_from_spark(spark, con, {"_records": PERSON_RECORDS, "_decisions": DECISIONS})
        spark.sql(f"create database if not exists {IDENTITY_SCHEMA}")
        state = {row.tableName for row in spark.sql(f"show tables in {IDENTITY_SCHEMA}").collect()}
        if state:  # the previous run's state: the next run links incrementally against it
            con.execute(f"create schema {IDENTITY_SCHEMA}")
            copy_from_spark(
                spark, con, {f"{IDENTITY_SCHEMA}.{t}": f"{IDENTITY_SCHEMA}.{t}" for t in state}
            )
        run_log = resolve_identity(con, "_records", "_decisions", key)
        con.register("_run_log", run_log.to_arrow())
        if "run_log" in state:
            con.execute(f"insert into {IDENTITY_SCHEMA}.run_log by name select * from _run_log")
        else:
            con.execute(f"create table {IDENTITY_SCHEMA}.run_log as select * from _run_log")
        con.unregister("_run_log")
        copy_to_spark(spark, con, [IDENTITY_SCHEMA])
    return run_log.to_dicts()[0]
