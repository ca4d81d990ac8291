"""One identity-resolution run inside a warehouse, as the pipeline runs it: the first run links
every record, later runs link incrementally against the `identity` schema the last run left.

Called by the dbt Python model `int_identity_resolution` on DuckDB and, on Spark (where dbt runs
no Python model), by pipelines/spark.py on a DuckDB copy of the records: one definition of the
run for both engines, so a child's key cannot depend on the engine.
"""

import json
from datetime import UTC, datetime

import duckdb
import polars as pl

from pipelines.linkage.config import LinkageConfig, load_config
from pipelines.linkage.engine import DEFAULT_SCHEMA, link
from pipelines.privacy.pseudonymise import check_key, event_key_salt


def resolve_identity(
    con: duckdb.DuckDBPyConnection,
    records: str,
    decisions: str,
    key: bytes,
    *,
    config: LinkageConfig | None = None,
    schema: str = DEFAULT_SCHEMA,
) -> pl.DataFrame:
    """Link `records` (with the reviewers' `decisions`) into `schema`; return the run log row."""
    config = config or load_config()
    has_state = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = 'crosswalk'",
        [schema],
    ).fetchall()[0][0]
    run_at = datetime.now(UTC)
    check_key(con, key, schema)  # never another key than the one the keys were made with
    # The salt of the pseudonymous event keys in the analysts' marts (int_event_key_salt).
    con.execute(f"create schema if not exists {schema}")
    con.execute(
        f"create or replace table {schema}.event_key_salt as select ? as salt",
        [event_key_salt(key)],
    )
    result = link(
        con,
        records,
        key=key,
        previous_state=schema if has_state else None,
        decisions=decisions,
        config=config,
        run_at=run_at,
    )
    return pl.DataFrame(
        {
            "run_at": [run_at.replace(tzinfo=None)],
            "mode": [result.mode],
            "records": [result.records],
            "new_records": [result.new_records],
            "removed_records": [result.removed_records],
            "candidate_pairs": [result.candidate_pairs],
            "links": [result.links],
            "children": [result.children],
            "review_pairs": [result.review_pairs],
            "proposed_merges": [result.proposed_merges],
            "merges": [result.merges],
            "splits": [result.splits],
            "new_keys": [result.new_keys],
            "parameters_estimated": [result.parameters_estimated],
            "estimated_precision": [result.quality.get("estimated_precision")],
            "estimated_recall": [result.quality.get("estimated_recall")],
            "pairs_by_pass": [json.dumps(result.pass_pairs)],
            "seconds_by_stage": [json.dumps(result.timings)],
        }
    )
