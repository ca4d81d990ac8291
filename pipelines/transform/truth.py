"""How well the overlap and gap marts recover the synthetic data's known truth.

`truth/planted_issues.parquet` (written by the generator, never read by the pipeline itself)
lists every overlap and gap of the true world. Each mart row is mapped to a true child through
its child_key's records (the true child most of them belong to) and compared with the truth on
the matching key of its type (docs/marts.md): precision and recall per type.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# The columns, besides the child and the type, that identify one instance of each type.
MATCHING_KEYS: dict[str, tuple[str, ...]] = {
    "dual_plans": ("since",),
    "dual_topup": ("since",),
    "duplicate_referral": ("since", "service"),
    "dual_assessment": ("since",),
    "dual_caseload": (),
    "request_no_decision": ("organisation", "since"),
    "assessment_no_plan": ("organisation", "since"),
    "transfer_not_taken_on": ("organisation", "since"),
    "annual_review_overdue": ("organisation", "since"),
    "review_decision_late": ("organisation", "since"),
    "health_need_no_referral": ("service",),
    "health_wait_over_clock": ("service", "since"),
    "plan_no_placement": ("organisation",),
    "icb_only_send": (),
}
TARGET = 0.98  # precision and recall each type must reach on the default synthetic sample


def truth_dir(landing_dir: Path) -> Path:
    """Synthetic deliveries carry their truth beside the landing folder; real ones never do."""
    return landing_dir.parent / "truth"


def _key_sql(issue_type: str, table: str) -> str:
    parts = [f"coalesce(cast({table}.{c} as varchar), '')" for c in MATCHING_KEYS[issue_type]]
    return " || '|' || ".join(parts) if parts else "''"


def compare_with_truth(con: duckdb.DuckDBPyConnection, truth: Path) -> dict[str, dict]:
    """Per type: instances in the truth, in the marts, matched, precision and recall.

    `con` is a connection to the restricted warehouse (marts plus the identity crosswalk)."""
    issues = truth / "planted_issues.parquet"
    records = truth / "record_truth.parquet"
    con.execute(
        f"""create or replace temp table _truth_children as
        select crosswalk.child_key, first(t.true_child_id order by n desc, t.true_child_id)
            as true_child_id
        from (
            select crosswalk.child_key, t.true_child_id, count(*) as n
            from linkage.int_child_key_crosswalk crosswalk
            join linkage.int_person_records_unioned persons using (record_id)
            join read_parquet('{records}') t
              on t."table" = persons.source_table
             and t.source_record_id = persons.source_record_id
            group by all
        ) t
        join linkage.int_child_key_crosswalk crosswalk using (child_key)
        group by crosswalk.child_key"""
    )
    con.execute(
        """create or replace temp table _found as
        select 'overlap' as category, overlap_type as issue_type, child_key, since,
            organisations as organisation, service
        from marts.mart_overlaps
        union all
        select 'gap', gap_type, child_key, since, organisation, service from marts.mart_gaps"""
    )
    con.execute(
        f"""create or replace temp table _planted as
        select issue_type, true_child_id, since, organisation, service
        from read_parquet('{issues}') where category in ('overlap', 'gap')"""
    )
    results: dict[str, dict] = {}
    for issue_type in MATCHING_KEYS:
        row = con.execute(
            f"""with found as (
                select t.true_child_id, {_key_sql(issue_type, "f")} as key, count(*) as n
                from _found f left join _truth_children t using (child_key)
                where f.issue_type = '{issue_type}' group by all
            ),
            planted as (
                select true_child_id, {_key_sql(issue_type, "p")} as key, count(*) as n
                from _planted p where p.issue_type = '{issue_type}' group by all
            )
            select
                (select coalesce(sum(n), 0) from planted),
                (select coalesce(sum(n), 0) from found),
                (select coalesce(sum(least(found.n, planted.n)), 0)
                 from found join planted using (true_child_id, key))"""
        ).fetchone()
        planted, found, matched = (int(v) for v in row)
        results[issue_type] = {
            "truth": planted,
            "found": found,
            "matched": matched,
            "precision": matched / found if found else (1.0 if not planted else 0.0),
            "recall": matched / planted if planted else (1.0 if not found else 0.0),
        }
    return results
