"""Publish the marts to the analysts' DuckDB file and to Parquet, never with an identifier.

The marts are built by dbt inside the restricted warehouse (schema `marts`). Publishing copies
them, minimised for analysts as the analysts' tier policy says (pipelines/privacy/analysts_tier.yml:
columns generalised or left out, quasi-identifiers of children in small groups withheld), with the
reference tables analysts need and the dbt documentation as table and column comments, into a new
file beside the old one; scans it for direct identifiers (pipelines/privacy/scan.py) and measures
its re-identification risk (k-anonymity per table); and only then moves it into place. The move
is atomic, so an analyst with the old file open keeps reading it undisturbed, and a failed publish
leaves the last good file (and its Parquet copies) as they were.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.privacy.analysts_tier import (
    TableRisk,
    check_risk,
    load_policy,
    measure_risk,
    note,
    select_list,
    suppress_small_groups,
)
from pipelines.privacy.scan import Finding, scan_for_identifiers
from pipelines.privacy.storage import attach, open_database
from pipelines.publish.quality import TABLES as QUALITY_TABLES
from pipelines.publish.quality import publish_quality

MARTS_SCHEMA = "marts"
# Reference tables published beside the marts, so analysts can read codes and definitions.
REFERENCE_TABLES = {
    "ref_kpi_definitions": "reference.kpi_definitions",
    "ref_clocks": "reference.clocks",
    "ref_sen_types": "reference.sen_type",
    "ref_health_services": "reference.health_service",
    "ref_cease_reasons": "reference.cease_reason",
    "ref_sen_settings": "reference.sen_setting",
    "ref_published_comparators": "reference.published_comparators",
}


class IdentifiersFound(RuntimeError):
    """The warehouse to be published holds direct identifiers; nothing was published."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        listed = "; ".join(str(f) for f in findings[:10])
        super().__init__(f"not published: {len(findings)} direct identifier finding(s): {listed}")


@dataclass
class Published:
    database: Path
    parquet_dir: Path
    tables: dict[str, int] = field(default_factory=dict)  # table → rows
    columns_scanned: int = 0
    risks: list[TableRisk] = field(default_factory=list)  # k-anonymity per table with child keys
    withheld: dict[str, int] = field(default_factory=dict)  # table.column → values withheld
    published_at: datetime | None = None
    as_at: str | None = None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# The published table that says which dates the figures describe.
ABOUT = {
    "": "When the figures were published and which dates they describe (one row).",
    "published_at": "When this warehouse was published (UTC).",
    "as_at": "The as-at date A: the latest extract date delivered; every figure describes A.",
    "oldest_extract_date": "The oldest extract date among the current extracts.",
    "census_date": "The census date C of the SEN support lists.",
    "synthetic": "True when the extracts are the project's synthetic data (the landing folder "
    "holds the generator's truth): the figures describe no real child.",
}


def _documentation(manifest: Path | None) -> dict[str, dict]:
    """Descriptions of every published table and its columns, by published name: the marts'
    models and the reference seeds, from the dbt manifest; the tables the publish step makes."""
    docs = {}
    if manifest is not None and manifest.exists():
        nodes = json.loads(manifest.read_text())["nodes"].values()
        docs = {
            node["name"]: node
            for node in nodes
            if node.get("resource_type") == "model" and node.get("schema") == MARTS_SCHEMA
        }
        seeds = {node["name"]: node for node in nodes if node.get("resource_type") == "seed"}
        for name, table in REFERENCE_TABLES.items():
            seed = seeds.get(table.split(".")[-1])
            if seed is not None:
                docs[name] = seed
    for name, described in {"about": ABOUT, **QUALITY_TABLES}.items():
        docs[name] = {
            "description": described[""],
            "columns": {c: {"description": d} for c, d in described.items() if c},
        }
    return docs


def publish(
    restricted_db: Path,
    analytics_db: Path,
    parquet_dir: Path,
    *,
    manifest: Path | None = None,
    truth: Path | None = None,
    memory_limit: str | None = None,
) -> Published:
    """Publish the analysts' tier; `truth` is the generator's truth folder when the extracts
    are synthetic (the linkage is then also scored against it); `memory_limit` is DuckDB's
    (Settings.duckdb_memory_limit; None: DuckDB's default)."""
    analytics_db.parent.mkdir(parents=True, exist_ok=True)
    staging = analytics_db.with_name(analytics_db.name + ".publishing")
    staging.unlink(missing_ok=True)
    docs = _documentation(manifest)
    published_at = datetime.now(UTC)
    result = Published(database=analytics_db, parquet_dir=parquet_dir, published_at=published_at)
    try:
        config = {"memory_limit": memory_limit} if memory_limit else {}
        with duckdb.connect(str(staging), config=config) as con:
            attach(con, restricted_db)
            marts = [
                row[0]
                for row in con.execute(
                    "select table_name from duckdb_tables() where database_name = 'restricted' "
                    "and schema_name = ? order by 1",
                    [MARTS_SCHEMA],
                ).fetchall()
            ]
            if not marts:
                raise RuntimeError(f"{restricted_db} has no tables in schema {MARTS_SCHEMA}")
            sources = {name: f"restricted.{MARTS_SCHEMA}.{name}" for name in marts}
            sources |= {name: f"restricted.{table}" for name, table in REFERENCE_TABLES.items()}
            policy = load_policy()
            for name, source in sources.items():
                database, schema, table = source.split(".")
                columns = [
                    row[0]
                    for row in con.execute(
                        "select column_name from duckdb_columns() where database_name = ? "
                        "and schema_name = ? and table_name = ? order by column_index",
                        [database, schema, table],
                    ).fetchall()
                ]
                con.execute(
                    f"create table main.{name} as "
                    f"select {select_list(policy, name, columns)} from {source}"
                )
                result.tables[name] = con.execute(f"select count(*) from main.{name}").fetchone()[0]
            result.withheld = suppress_small_groups(con, policy)
            as_at = con.execute(
                "select as_at, oldest_extract_date, census_date "
                "from restricted.intermediate.int_reporting_dates"
            ).fetchone()
            result.as_at = str(as_at[0])
            synthetic = truth is not None and truth.exists()
            con.execute(
                "create table main.about as select ?::timestamptz as published_at, "
                "?::date as as_at, ?::date as oldest_extract_date, ?::date as census_date, "
                "?::boolean as synthetic",
                [published_at, *as_at, synthetic],
            )
            for name in publish_quality(con, restricted_db, truth if synthetic else None):
                result.tables[name] = con.execute(f"select count(*) from main.{name}").fetchone()[0]
            published = {
                (table, column)
                for table, column in con.execute(
                    "select table_name, column_name from duckdb_columns() "
                    "where schema_name = 'main'"
                ).fetchall()
            }
            for name, node in docs.items():
                if name not in result.tables and name != "about":
                    continue
                con.execute(f"comment on table main.{name} is {_quote(node['description'])}")
                for column, spec in node.get("columns", {}).items():
                    if spec.get("description") and (name, column) in published:
                        described = spec["description"] + note(policy, name, column)
                        con.execute(
                            f"comment on column main.{name}.{column} is {_quote(described)}"
                        )
            con.execute("detach restricted")
            with open_database(restricted_db, read_only=True) as restricted:
                findings = scan_for_identifiers(con, restricted)
            result.columns_scanned = con.execute(
                "select count(*) from duckdb_columns() where schema_name = 'main'"
            ).fetchone()[0]
            if findings:
                raise IdentifiersFound(findings)
            result.risks = measure_risk(con, policy)
            check_risk(result.risks, policy)
            _write_parquet(con, [*result.tables, "about"], parquet_dir)
        os.replace(staging, analytics_db)
    finally:
        staging.unlink(missing_ok=True)
        Path(str(staging) + ".wal").unlink(missing_ok=True)
    return result


def _write_parquet(con: duckdb.DuckDBPyConnection, tables: list[str], parquet_dir: Path) -> None:
    """One Parquet file per table, swapped in as a whole folder."""
    fresh = parquet_dir.with_name(parquet_dir.name + ".publishing")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    for table in tables:
        target = _quote(str(fresh / f"{table}.parquet"))
        con.execute(f"copy main.{table} to {target} (format parquet, compression zstd)")
    old = parquet_dir.with_name(parquet_dir.name + ".previous")
    shutil.rmtree(old, ignore_errors=True)
    if parquet_dir.exists():
        parquet_dir.rename(old)
    fresh.rename(parquet_dir)
    shutil.rmtree(old, ignore_errors=True)
