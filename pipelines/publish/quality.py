"""The data-quality figures the report shows, published as aggregates beside the marts.

The report reads only the analysts' tier: the rows the contracts kept out by rule and source,
the extracts the figures rest on and the linkage's figures are counted here, in the restricted
zone, and published as three small tables (no row describes a child or a record). On synthetic
data the linkage is also scored against the generator's truth, here, so the report needs neither
the restricted file nor the truth files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.privacy.storage import open_database

# Each table's description and its columns', as comments in the analysts' warehouse.
TABLES = {
    "quality_quarantine": {
        "": "Rows the data contracts kept out of the current extracts (severity error) or kept "
        "with an invalid identifier set to blank (severity warning), by source and rule.",
        "source": "city, county or icb.",
        "severity": "error: the row was kept out (quarantined); warning: the row was kept and "
        "an invalid identifier set to blank.",
        "rule": "The contract rule broken (schemas/checks.py); a row breaking two is counted "
        "under each.",
        "rows": "Rows of the current extracts (distinct table and row).",
        "findings": "Values found breaking the rule (a row with two invalid identifiers counts "
        "twice).",
    },
    "quality_extracts": {
        "": "The current extracts every figure rests on, by source.",
        "source": "city, county or icb.",
        "first_extract_date": "The oldest extract date among the source's current tables.",
        "last_extract_date": "The newest extract date among the source's current tables.",
        "rows_loaded": "Rows loaded from the source's current extracts.",
        "rows_quarantined": "Rows of those extracts the contracts kept out.",
    },
    "quality_linkage": {
        "": "How the three organisations' records were linked into children (one row).",
        "records_linked": "Person records given a child key.",
        "children_found": "Distinct child keys among them.",
        "review_uncertain": "Record pairs in the review queue as uncertain.",
        "review_proposed_merges": "Record pairs in the review queue as proposed merges of two "
        "known children.",
        "estimated_precision": "The linkage's own estimate of its pairwise precision.",
        "estimated_recall": "The linkage's own estimate of its pairwise recall.",
        "truth_precision": "Pairwise precision against the generator's truth (synthetic data "
        "only, else null).",
        "truth_recall": "Pairwise recall against the generator's truth (synthetic only).",
        "truth_f1": "Pairwise F1 against the generator's truth (synthetic only).",
    },
}


def publish_quality(con: duckdb.DuckDBPyConnection, restricted_db: Path, truth: Path | None):
    """Create the quality tables in `con` (the warehouse being published, with the restricted
    file attached as `restricted`); `truth` is the generator's truth folder, if any."""
    con.execute(
        """create table main.quality_quarantine as
        select source, severity, coalesce(rule, 'other') as rule,
            count(distinct (table_name, source_row)) as rows, count(*) as findings
        from restricted.audit.current_quarantine
        group by all order by all"""
    )
    con.execute(
        """create table main.quality_extracts as
        select source, min(extract_date) as first_extract_date,
            max(extract_date) as last_extract_date, sum(rows_loaded)::bigint as rows_loaded,
            sum(rows_quarantined)::bigint as rows_quarantined
        from restricted.audit.current_loads group by source order by source"""
    )
    scores = {"precision": None, "recall": None, "f1": None}
    if truth is not None and (truth / "record_truth.parquet").exists():
        from pipelines.linkage.evaluate import pipeline_pairwise

        with open_database(restricted_db, read_only=True) as restricted:
            scores = pipeline_pairwise(restricted, truth / "record_truth.parquet")
    con.execute(
        """create table main.quality_linkage as
        select
            (select count(*) from restricted.linkage.int_child_key_crosswalk) as records_linked,
            (select count(distinct child_key) from restricted.linkage.int_child_key_crosswalk)
                as children_found,
            (select count(*) from restricted.linkage.int_review_queue
             where review_reason = 'uncertain') as review_uncertain,
            (select count(*) from restricted.linkage.int_review_queue
             where review_reason = 'proposed merge of two known children')
                as review_proposed_merges,
            q.estimated_precision, q.estimated_recall,
            ?::double as truth_precision, ?::double as truth_recall, ?::double as truth_f1
        from restricted.linkage.int_linkage_quality q""",
        [scores["precision"], scores["recall"], scores["f1"]],
    )
    return list(TABLES)
