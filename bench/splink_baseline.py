"""The Splink baseline for the linkage benchmark: a standard probabilistic deduplication.

Set up as the Splink documentation recommends for person data, on the DuckDB backend: cleaned
names with a forename + surname comparison (Jaro-Winkler levels, swapped names, term-frequency
adjusted exact matches), date of birth (exact, one edit, month and year differences), postcode
(full, sector, district, area), sex, and exact matches on NHS number and UPN. u is estimated by
random sampling, m by expectation maximisation over two training blocking rules, and pairs above
0.5 are clustered by connected components at 0.95.

Splink is a benchmark-only dependency (the `bench` extra), never a runtime one.

Usage: python bench/splink_baseline.py INPUT.parquet OUTPUT.parquet
Writes OUTPUT with record_id and cluster_id, and prints the phase timings as JSON.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

PREDICT_THRESHOLD = 0.5
CLUSTER_THRESHOLD = 0.95
U_SAMPLE_PAIRS = 1e7
EM_MAX_PAIRS = 1e6
# Share of true matches the deterministic rules are expected to find, for the prior.
DETERMINISTIC_RECALL = 0.8
VARIANTS = ("project", "documented")


def _prediction_rules(variant: str) -> list:
    """The prediction blocking rules of a variant.

    `project`: seven rules chosen for the project's generator, where forename + surname alone
    paired 102 million records at 1M. `documented`: the rules of Splink's own person
    deduplication example (`deduplicate_50k_synthetic`: name prefixes, names with the birth date
    or postcode, the postcode's first three characters with one field, name prefixes with the
    birth year; its birth-place rule has no column here), plus the two identifiers.
    """
    from splink import block_on

    if variant == "project":
        return [
            block_on("nhs_number"),
            block_on("upn"),
            block_on("dob", "surname"),
            block_on("dob", "forename"),
            # Names alone pair up too many records (a common name is held by thousands).
            block_on("forename", "surname", "year(dob)"),
            block_on("postcode", "forename"),
            block_on("postcode", "surname"),
        ]
    return [
        block_on("nhs_number"),
        block_on("upn"),
        block_on("substr(forename,1,3)", "substr(surname,1,4)"),
        block_on("surname", "dob"),
        block_on("forename", "dob"),
        block_on("postcode", "forename"),
        block_on("postcode", "surname"),
        block_on("substr(postcode,1,3)", "dob"),
        block_on("substr(postcode,1,3)", "forename"),
        block_on("substr(postcode,1,3)", "surname"),
        block_on("substr(forename,1,2)", "substr(surname,1,2)", "year(dob)"),
    ]


def _settings(variant: str = "project"):
    import splink.comparison_library as cl
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.ForenameSurnameComparison(
                "forename",
                "surname",
                forename_surname_concat_col_name="forename_surname",
            ),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nhs_number"),
            cl.ExactMatch("upn"),
        ],
        blocking_rules_to_generate_predictions=_prediction_rules(variant),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


INPUT_COLUMNS = ("forename", "surname", "dob", "sex", "postcode", "upn", "nhs_number")
# A birth date as a date: a DATE column as it is, text in the layouts the project's engine reads
# (ISO, YYYYMMDD, day first as in British records); a blank or impossible date becomes null, as a
# user of Splink would clean it.
DOB_SQL = (
    "coalesce(try_cast(dob as date), cast(try_strptime(cast(dob as varchar), "
    "['%Y%m%d', '%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y', '%Y/%m/%d']) as date))"
)


def _load_persons(con, input_path: Path) -> None:
    """The usual cleaning: trimmed lower-case names and a full name for term frequencies, birth
    dates read as dates (`DOB_SQL`); a column the input lacks (no sex, no UPN) is null."""
    present = {
        row[0]
        for row in con.execute(f"describe select * from read_parquet('{input_path}')").fetchall()
    }
    missing = "".join(
        f"cast(null as {'date' if name == 'dob' else 'varchar'}) as {name}, "
        for name in INPUT_COLUMNS
        if name not in present
    )
    con.execute(
        f"""
        create table persons as
        select record_id,
            nullif(lower(trim(forename)), '') as forename,
            nullif(lower(trim(surname)), '') as surname,
            nullif(lower(trim(forename)), '') || ' ' || nullif(lower(trim(surname)), '')
                as forename_surname,
            {DOB_SQL} as dob, sex, upper(postcode) as postcode, upn, nhs_number
        from (select {missing}* from read_parquet('{input_path}'))
        """
    )


def true_pairs_not_blocked(
    input_path: Path, truth_path: Path, variant: str = "project"
) -> dict[str, float]:
    """True pairs (same child) that no prediction blocking rule brings together.

    Such pairs are never scored, so they cap recall whatever the model; read from the same
    rules Splink uses, on the same cleaned columns.
    """
    import duckdb

    con = duckdb.connect()
    _load_persons(con, input_path)
    any_rule = " or ".join(
        f"({rule.get_blocking_rule('duckdb').blocking_rule_sql})"
        for rule in _settings(variant).blocking_rules_to_generate_predictions
    )
    true_pairs, missed = con.execute(
        f"""
        with labelled as (
            select p.*, t.true_child_id
            from persons as p join read_parquet('{truth_path}') as t using (record_id)
        )
        select count(*), count(*) filter (where not coalesce({any_rule}, false))
        from labelled as l join labelled as r
            on l.true_child_id = r.true_child_id and l.record_id < r.record_id
        """
    ).fetchall()[0]
    return {"true_pairs": true_pairs, "not_blocked": missed / true_pairs if true_pairs else 0.0}


def dedupe(
    input_path: Path, output_path: Path, seed: int = 1, variant: str = "project"
) -> dict[str, float]:
    """Cluster the person records of `input_path`; write record_id, cluster_id to `output_path`."""
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    timings: dict[str, float] = {}
    started = last = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        timings[name] = round(now - last, 2)
        last = now

    con = duckdb.connect()
    _load_persons(con, input_path)
    db_api = DuckDBAPI(con)
    linker = Linker(db_api.register("persons"), _settings(variant), log_level=logging.WARNING)
    lap("load_s")

    linker.training.estimate_probability_two_random_records_match(
        [block_on("nhs_number"), block_on("upn"), block_on("forename", "surname", "dob")],
        recall=DETERMINISTIC_RECALL,
    )
    lap("prior_s")
    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
    lap("u_s")
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), max_pairs=EM_MAX_PAIRS
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode", "surname"), max_pairs=EM_MAX_PAIRS
    )
    lap("em_s")

    predictions = linker.inference.predict(threshold_match_probability=PREDICT_THRESHOLD)
    lap("predict_s")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=CLUSTER_THRESHOLD
    )
    lap("cluster_s")

    pairs_above_threshold = con.sql(f"select count(*) from {predictions.physical_name}").fetchall()[
        0
    ][0]
    con.sql(f"select record_id, cluster_id from {clusters.physical_name}").write_parquet(
        str(output_path)
    )
    lap("write_s")
    timings["total_s"] = round(time.perf_counter() - started, 2)
    timings["pairs_above_predict_threshold"] = pairs_above_threshold
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--variant", choices=VARIANTS, default="project")
    args = parser.parse_args()
    print(json.dumps(dedupe(args.input, args.output, args.seed, args.variant)))


if __name__ == "__main__":
    main()
