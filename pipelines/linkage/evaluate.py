"""Quality of a run against known truth (synthetic data): pairwise precision, recall and F1 of
the clusters, and pairs-completeness of blocking overall and per pass."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.linkage.config import LinkageConfig, load_config


def pairwise(con: duckdb.DuckDBPyConnection, truth: str, schema: str = "identity") -> dict:
    """`truth`: a table (record_id, true_id). Pairs of records put in one child, against pairs
    that truly are one child."""
    row = con.execute(
        f"""with x as (
            select c.record_id, c.child_key, t.true_id from {schema}.crosswalk c
            join {truth} t using (record_id)
        ),
        truly as (select true_id, count(*) as n from x group by all),
        found as (select child_key, count(*) as n from x group by all),
        both_ as (select child_key, true_id, count(*) as n from x group by all)
        select (select sum(n * (n - 1) / 2) from truly),
               (select sum(n * (n - 1) / 2) from found),
               (select sum(n * (n - 1) / 2) from both_)"""
    ).fetchall()[0]
    true_pairs, found_pairs, correct = (int(v or 0) for v in row)
    precision = correct / found_pairs if found_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "true_pairs": true_pairs,
        "linked_pairs": found_pairs,
        "correct_pairs": correct,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def blocking_completeness(
    con: duckdb.DuckDBPyConnection,
    truth: str,
    schema: str = "identity",
    config: LinkageConfig | None = None,
) -> dict[str, dict]:
    """Candidate pairs and the share of true pairs found, overall and per blocking pass, with
    the true pairs only that pass finds: what each pass costs against what it contributes."""
    config = config or load_config()
    con.execute(
        f"""create or replace temp table _lk_true_pairs as
        select least(a.rid, b.rid) as rid_l, greatest(a.rid, b.rid) as rid_r
        from (select p.rid, t.true_id from {schema}.prepared p join {truth} t using (record_id)) a
        join (select p.rid, t.true_id from {schema}.prepared p join {truth} t using (record_id)) b
          on a.true_id = b.true_id and a.rid < b.rid"""
    )
    total = con.execute("select count(*) from _lk_true_pairs").fetchall()[0][0] or 1
    link = config.thresholds.link_probability
    columns = ", ".join(
        f"count(*) filter (where passes & {1 << i} > 0), "
        f"count(t.rid_l) filter (where passes & {1 << i} > 0), "
        f"count(t.rid_l) filter (where passes = {1 << i}), "
        f"count(t.rid_l) filter (where passes = {1 << i} and probability >= {link!r})"
        for i, _ in enumerate(config.passes)
    )
    row = con.execute(
        f"""select count(*), count(t.rid_l), {columns}
        from {schema}.scored_pairs s left join _lk_true_pairs t using (rid_l, rid_r)"""
    ).fetchall()[0]
    con.execute("drop table _lk_true_pairs")
    result = {"all": {"pairs": row[0], "true_pairs_found": row[1], "recall": row[1] / total}}
    for i, blocking_pass in enumerate(config.passes):
        pairs, found, alone, alone_linked = row[2 + 4 * i : 6 + 4 * i]
        result[blocking_pass.name] = {
            "pairs": pairs,
            "true_pairs_found": found,
            "recall": found / total,
            # true pairs no other pass finds, and of those the ones scored as links
            "found_only_here": alone,
            "linked_only_here": alone_linked,
        }
    return result


def pipeline_pairwise(con: duckdb.DuckDBPyConnection, record_truth: Path) -> dict:
    """`pairwise` for the pipeline's own run: the generator's truth (truth/record_truth.parquet)
    joined to the warehouse's person records by source table and source record id."""
    _pipeline_truth(con, record_truth)
    return pairwise(con, "_pipeline_truth", schema="identity")


def _pipeline_truth(con: duckdb.DuckDBPyConnection, record_truth: Path) -> None:
    """The temporary view _pipeline_truth: each warehouse person record's true child."""
    con.execute(
        f"""create or replace temp view _pipeline_truth as
        select persons.record_id, t.true_child_id as true_id
        from read_parquet('{record_truth}') t
        join linkage.int_person_records_unioned persons
          on persons.source_table = t."table"
         and persons.source_record_id = t.source_record_id"""
    )


def key_changes(
    con: duckdb.DuckDBPyConnection, keys_before: dict[str, str], record_truth: Path
) -> dict:
    """Between two runs of the pipeline (`keys_before`: record_id → child_key after the first;
    `con` on the warehouse after the second): of the records in both, how many changed key,
    whether each change is in identity.key_history, and whether by the truth it is a
    correction: the record's key now joins it to more of its own child's records and to no
    more of other children's (a merge that completes a child), or to fewer of other children's
    and to no fewer of its own (a split that separates two children)."""
    import polars as pl

    before = pl.DataFrame(
        {"record_id": list(keys_before), "old_key": list(keys_before.values())},
        schema={"record_id": pl.String, "old_key": pl.String},
    )
    con.register("_keys_before", before)
    _pipeline_truth(con, record_truth)
    row = con.execute(
        """with now as (
            select record_id, child_key as new_key from identity.crosswalk
        ), both_runs as (
            select b.record_id, b.old_key, n.new_key, t.true_id
            from _keys_before b join now n using (record_id)
            left join _pipeline_truth t using (record_id)
        ), changed as (
            select * from both_runs where old_key <> new_key
        ), judged as (
            select c.record_id,
                exists (select 1 from identity.key_history h
                        where h.old_key = c.old_key and h.new_key = c.new_key) as in_history,
                (select count(*) from both_runs o
                  where o.new_key = c.new_key and o.record_id <> c.record_id
                    and o.true_id = c.true_id) as own_now,
                (select count(*) from both_runs o
                  where o.old_key = c.old_key and o.record_id <> c.record_id
                    and o.true_id = c.true_id) as own_before,
                (select count(*) from both_runs o
                  where o.new_key = c.new_key and o.record_id <> c.record_id
                    and o.true_id is distinct from c.true_id) as others_now,
                (select count(*) from both_runs o
                  where o.old_key = c.old_key and o.record_id <> c.record_id
                    and o.true_id is distinct from c.true_id) as others_before
            from changed c
        )
        select
            (select count(*) from _keys_before),
            (select count(*) from both_runs),
            (select count(*) from now) - (select count(*) from both_runs),
            (select count(*) from judged),
            (select count(*) from judged where in_history),
            (select count(*) from judged
             where (own_now > own_before and others_now <= others_before)
                or (others_now < others_before and own_now >= own_before))"""
    ).fetchall()[0]
    con.unregister("_keys_before")
    first, both, new, changed, in_history, corrections = row
    return {
        "records_first_run": first,
        "records_in_both": both,
        "new_records": new,
        "changed_key": changed,
        "share_changed": changed / both if both else 0.0,
        "changes_in_key_history": in_history,
        "changes_that_are_corrections": corrections,
    }
