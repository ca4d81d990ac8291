"""Person tables for the linkage benchmark, built by the project's own generator and pipeline.

A table of about N person records is made by generating N / RECORDS_PER_CHILD children, running
ingest and staging up to `linkage.int_person_records_unioned`, and joining the generator's truth
back on (source table, source record id). Each size and seed is built once and cached under
`bench/results/persons/<records>_<seed>/`:

- `persons.parquet`: the linkage input (record_id, source, forename, surname, dob, sex, postcode,
  upn, nhs_number);
- `persons_truth.parquet`: record_id, true_child_id;
- `persons_base.parquet`: the same table without a "new delivery" of about 5% of its records
  (records of children first seen in it, and new records of children already known), for the
  incremental test. `new_records.parquet` lists the record ids held back.

Usage: python bench/person_table.py --records 100000 [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.privacy.storage import open_database

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
# Person records per generated child (case records, SEN support and funding lines, health
# patients), measured on a 54,000-child run; only used to choose how many children to generate.
RECORDS_PER_CHILD = 1.847
LINK_INPUT_COLUMNS = (
    "record_id",
    "source",
    "forename",
    "surname",
    "dob",
    "sex",
    "postcode",
    "upn",
    "nhs_number",
)
NEW_DELIVERY_SHARE = 0.05
# Of the new delivery, the share that is whole new children (the rest: new records of children
# already in the base table).
NEW_CHILD_SHARE = 0.5


@dataclass(frozen=True)
class PersonTable:
    folder: Path

    @property
    def persons(self) -> Path:
        return self.folder / "persons.parquet"

    @property
    def truth(self) -> Path:
        return self.folder / "persons_truth.parquet"

    @property
    def base(self) -> Path:
        return self.folder / "persons_base.parquet"

    @property
    def new_records(self) -> Path:
        return self.folder / "new_records.parquet"

    @property
    def summary(self) -> Path:
        return self.folder / "summary.json"

    def exists(self) -> bool:
        return all(p.exists() for p in (self.persons, self.truth, self.base, self.summary))


def table_folder(records: int, seed: int, results_dir: Path = RESULTS_DIR) -> PersonTable:
    return PersonTable(results_dir / "persons" / f"{records}_{seed}")


def _run_pipeline(landing: Path, warehouse: Path) -> None:
    """Ingest every source table and build the dbt models through the unioned person records
    (the whole identity, commissioning and marts step that holds them, with its tests).

    Runs in a child process: the project's settings are read from the environment at import.
    """
    env = os.environ | {
        "SEND_LANDING_DIR": str(landing),
        "SEND_WAREHOUSE_DIR": str(warehouse),
        "SEND_PSEUDONYMISATION_KEY": os.environ.get("SEND_PSEUDONYMISATION_KEY", "ab" * 32),
        "DAGSTER_HOME": str(warehouse / "dagster_home"),
    }
    (warehouse / "dagster_home").mkdir(parents=True, exist_ok=True)
    log_path = warehouse / "pipeline.log"
    with log_path.open("w") as log:
        result = subprocess.run(
            [sys.executable, __file__, "--pipeline-only"],
            env=env,
            cwd=REPO_ROOT,
            stdout=log,  # dbt's and Dagster's own log lines
            stderr=subprocess.STDOUT,
        )
    if result.returncode:
        tail = log_path.read_text().splitlines()[-20:]
        raise SystemExit("pipeline run failed:\n" + "\n".join(tail))


def _pipeline_in_this_process() -> None:
    import dagster as dg

    from pipelines.project import prepare_manifest

    prepare_manifest()
    from pipelines.definitions import defs

    # The whole dbt step that holds the person records, and every staging group, with all they
    # read: a part of a dbt step runs every test of its models, and those tests read tables
    # (reference seeds, other staging and identity models) the person records do not.
    linked = next(
        asset
        for asset in defs.assets
        if any(key.path[-1] == "int_person_records_unioned" for key in asset.keys)
    )
    result = dg.materialize(
        defs.assets,
        selection=dg.AssetSelection.assets(*linked.keys).upstream()
        | dg.AssetSelection.groups(
            "reference_data", "city_staging", "county_staging", "icb_staging"
        ).upstream(),
        resources=defs.resources,
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    if not result.success:
        failed = [event.step_key for event in result.get_step_failure_events()]
        raise SystemExit(f"pipeline failed at {failed}")


def _read_persons(restricted_db: Path, truth_path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    with open_database(restricted_db, read_only=True) as con:
        schema = con.execute(
            "select table_schema from information_schema.tables "
            "where table_name = 'int_person_records_unioned'"
        ).fetchall()[0][0]
        frame = con.sql(
            f"""
            select p.record_id, p.source, p.forename, p.surname, p.dob, p.sex, p.postcode,
                p.upn, p.nhs_number, t.true_child_id
            from {schema}.int_person_records_unioned as p
            left join read_parquet('{truth_path}') as t
                on t."table" = p.source_table
                and cast(t.source_record_id as varchar) = cast(p.source_record_id as varchar)
            order by p.record_id
            """
        ).pl()
    unmatched = frame.filter(pl.col("true_child_id").is_null()).height
    if unmatched:
        raise SystemExit(f"{unmatched} person records have no truth row")
    persons = frame.select(LINK_INPUT_COLUMNS)
    truth = frame.select("record_id", "true_child_id")
    return persons, truth


def _new_delivery(truth: pl.DataFrame, seed: int) -> pl.Series:
    """Record ids of a later extract: all records of some children, and extra records of others.

    Chosen at random with a fixed seed; an existing child always keeps at least one base record.
    """
    rng = np.random.default_rng(seed + 1_000_003)
    target = round(truth.height * NEW_DELIVERY_SHARE)
    sizes = truth.group_by("true_child_id").len().sort("true_child_id")
    order = rng.permutation(sizes.height)
    shuffled = sizes[order]
    cumulative = shuffled["len"].cum_sum()
    new_children = shuffled.filter(cumulative <= round(target * NEW_CHILD_SHARE))["true_child_id"]
    new_ids = truth.filter(pl.col("true_child_id").is_in(new_children.implode()))["record_id"]

    # Extra records of known children: one record of each of a random set of children with 2+.
    known = truth.filter(~pl.col("true_child_id").is_in(new_children.implode()))
    known = known.with_columns(draw=pl.lit(rng.random(known.height)))
    candidates = (
        known.sort("draw")
        .with_columns(rank=pl.col("draw").rank("ordinal").over("true_child_id"))
        .with_columns(size=pl.len().over("true_child_id"))
        .filter((pl.col("size") >= 2) & (pl.col("rank") == 1))
        .sort("draw")
    )
    extra = candidates.head(max(target - new_ids.len(), 0))["record_id"]
    return pl.concat([new_ids, extra]).sort()


def build(records: int, seed: int = 1, results_dir: Path = RESULTS_DIR) -> PersonTable:
    """The cached person table of about `records` records, building it first if needed."""
    table = table_folder(records, seed, results_dir)
    if table.exists():
        return table
    from pipelines.synthetic import generate

    work = table.folder / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    children = max(100, round(records / RECORDS_PER_CHILD))
    started = time.perf_counter()
    generate(children=children, seed=seed, out=work)
    generated = time.perf_counter()
    _run_pipeline(work / "landing", work / "warehouse")
    piped = time.perf_counter()
    persons, truth = _read_persons(
        work / "warehouse" / "restricted.duckdb", work / "truth" / "record_truth.parquet"
    )
    new_ids = _new_delivery(truth, seed)
    persons.write_parquet(table.persons)
    truth.write_parquet(table.truth)
    persons.filter(~pl.col("record_id").is_in(new_ids.implode())).write_parquet(table.base)
    pl.DataFrame({"record_id": new_ids}).write_parquet(table.new_records)
    summary = {
        "target_records": records,
        "seed": seed,
        "children_generated": children,
        "records": persons.height,
        "true_children": truth["true_child_id"].n_unique(),
        "records_per_child": round(persons.height / children, 4),
        "base_records": persons.height - new_ids.len(),
        "new_records": new_ids.len(),
        "generate_s": round(generated - started, 1),
        "pipeline_s": round(piped - generated, 1),
    }
    table.summary.write_text(json.dumps(summary, indent=2) + "\n")
    shutil.rmtree(work)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, nargs="+", default=[100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--pipeline-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pipeline_only:
        _pipeline_in_this_process()
        return
    for records in args.records:
        table = build(records, args.seed, args.results_dir)
        print(table.summary.read_text(), end="")


if __name__ == "__main__":
    main()
