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

from pipelines.linkage.config import LinkageConfig
from pipelines.linkage.engine import DEFAULT_SCHEMA, exists, link
from pipelines.privacy.pseudonymise import check_key, event_key_salt

# what the run log keeps of a run, one column each (LinkResult's fields of the same names)
RUN_COUNTS = (
    "mode", "records", "new_records", "removed_records", "candidate_pairs", "links", "children",
    "review_pairs", "proposed_merges", "merges", "splits", "new_keys", "parameters_estimated",
)  # fmt: skip


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
    has_state = exists(con, schema, "crosswalk", "table")
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
        schema=schema,
    )
    return pl.DataFrame(
        {
            "run_at": [run_at.replace(tzinfo=None)],
            **{name: [getattr(result, name)] for name in RUN_COUNTS},
            "estimated_precision": [result.quality.get("estimated_precision")],
            "estimated_recall": [result.quality.get("estimated_recall")],
            "pairs_by_pass": [json.dumps(result.pass_pairs)],
            "seconds_by_stage": [json.dumps(result.timings)],
        }
    )
