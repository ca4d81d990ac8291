"""Linkage benchmark: the project's engine against Splink on the same generated person tables.

For each size, both engines cluster the full person table, then the 95% base table. The project's
engine keeps its state from the base run and links the full table incrementally against it, as the
pipeline links a monthly delivery ("incremental"), and also runs afresh with only the base output
as its previous keys ("previous"). Splink has no persistent keys: its fresh full run serves. Each
run is its own process, so its peak resident memory is its own. Prints wall and CPU time, peak
memory, pairwise precision, recall and F1 against the generator's truth, and how many base
records changed key or grouping when the new 5% arrived (and whether the truth calls each change
a correction).

Usage: python bench/bench_linkage.py [--sizes 100000 1000000] [--engines engine splink]
Person tables are built once and cached (bench/person_table.py); figures are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

import polars as pl

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import person_table  # noqa: E402

ENGINES = ("engine", "splink")
# Fixed key for benchmark runs only: keys are compared between runs, never published.
BENCH_KEY = bytes(range(32))


# --- scoring ---------------------------------------------------------------------------------


def _pairs(counts: pl.Expr) -> pl.Expr:
    counts = counts.cast(pl.Float64)
    return counts * (counts - 1) / 2


def pairwise_scores(clusters: pl.DataFrame, truth: pl.DataFrame) -> dict[str, float]:
    """Pairwise precision, recall and F1 over all record pairs, from cluster sizes alone.

    `clusters` holds record_id, cluster; `truth` holds record_id, true_child_id. A pair is
    predicted when both records share a cluster and true when both share a child; the pairs
    that are both come from the contingency table of (cluster, child) cell sizes. A record the
    engine did not return counts as a cluster of its own.
    """
    joined = truth.join(clusters, on="record_id", how="left").with_columns(
        pl.col("cluster").cast(pl.String).fill_null("missing:" + pl.col("record_id"))
    )
    predicted = joined.group_by("cluster").len().select(_pairs(pl.col("len")).sum()).item()
    actual = joined.group_by("true_child_id").len().select(_pairs(pl.col("len")).sum()).item()
    both = (
        joined.group_by("cluster", "true_child_id").len().select(_pairs(pl.col("len")).sum()).item()
    )
    precision = both / predicted if predicted else 1.0
    recall = both / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "predicted_pairs": predicted,
        "true_pairs": actual,
        "missing_records": joined.height - joined.join(clusters, on="record_id").height,
    }


def stability(base: pl.DataFrame, full: pl.DataFrame) -> dict[str, float]:
    """How the base records fared when the new delivery arrived.

    key_changed: share of base records whose cluster id or key differs between the two runs.
    grouping_changed: share of base records whose set of fellow base records changed (a merge
    with, or split from, other base records), whatever the ids are called.
    """
    joined = base.join(full, on="record_id", suffix="_full").with_columns(
        pl.col("cluster").cast(pl.String), pl.col("cluster_full").cast(pl.String)
    )
    key_changed = joined.filter(pl.col("cluster") != pl.col("cluster_full")).height
    grouping_changed = (
        joined.with_columns(
            in_base=pl.len().over("cluster"),
            in_full=pl.len().over("cluster_full"),
            in_both=pl.len().over("cluster", "cluster_full"),
        )
        .filter((pl.col("in_both") != pl.col("in_base")) | (pl.col("in_both") != pl.col("in_full")))
        .height
    )
    return {
        "key_changed": key_changed / joined.height,
        "grouping_changed": grouping_changed / joined.height,
        "base_records": joined.height,
        "changed_records": key_changed,
    }


def changes_against_truth(base: pl.DataFrame, after: pl.DataFrame, truth: pl.DataFrame) -> dict:
    """Base records whose key changed, by what the truth says of the change.

    A change is a correction when the record's child had its base records in more clusters
    before than after (a child that had been split was united) and the record's new cluster
    holds base records of that child alone. Every other change is counted as wrong."""
    joined = (
        base.join(after, on="record_id", suffix="_after")
        .join(truth, on="record_id")
        .with_columns(pl.col("cluster").cast(pl.String), pl.col("cluster_after").cast(pl.String))
    )
    spread = joined.group_by("true_child_id").agg(
        before=pl.col("cluster").n_unique(), after=pl.col("cluster_after").n_unique()
    )
    purity = joined.group_by("cluster_after").agg(children=pl.col("true_child_id").n_unique())
    changed = (
        joined.filter(pl.col("cluster") != pl.col("cluster_after"))
        .join(spread, on="true_child_id")
        .join(purity, on="cluster_after")
    )
    corrections = changed.filter(
        (pl.col("after") < pl.col("before")) & (pl.col("children") == 1)
    ).height
    return {"changed_corrections": corrections, "changed_wrong": changed.height - corrections}


# --- one engine run, in a process of its own ------------------------------------------------


def own_peak_kb() -> int:
    """This process's peak resident memory in KiB since it started its program. Not
    ru_maxrss: Linux carries the parent's high-water mark over fork and exec, so a child
    started by a large parent would report the parent's size."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _run_engine_here(
    engine: str, input_path: Path, output_path: Path, previous: Path | None, state: Path | None
):
    """Executed in the child process: run one engine and print its figures as JSON."""
    started = time.perf_counter()
    detail: dict = {}
    if engine == "splink":
        import splink_baseline

        detail = splink_baseline.dedupe(input_path, output_path)
    else:
        from pipelines.linkage import link_file

        report = link_file(
            input_path, output_path, previous_path=previous, state_path=state, key=BENCH_KEY
        )
        # The engine's own counts (links, merges, changed keys...), whatever their names.
        counts = getattr(report, "__dict__", {})
        detail = {k: v for k, v in counts.items() if isinstance(v, int | float)}
    elapsed = time.perf_counter() - started
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    peak_kb = max(own_peak_kb(), children.ru_maxrss)
    # CPU time as well: on a shared machine it moves less than wall time when others are busy.
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    print(
        json.dumps(
            {"seconds": elapsed, "cpu_seconds": cpu, "peak_mb": peak_kb / 1024, "detail": detail}
        )
    )


def engine_available() -> str | None:
    """None when the project's engine can be imported, else why not."""
    probe = subprocess.run(
        [sys.executable, "-c", "from pipelines.linkage import link_file"],
        capture_output=True,
        text=True,
    )
    if probe.returncode == 0:
        return None
    lines = probe.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit code {probe.returncode}"


def run_engine(
    engine: str,
    input_path: Path,
    output_path: Path,
    previous: Path | None = None,
    state: Path | None = None,
) -> dict:
    command = [sys.executable, __file__, "--run", engine, str(input_path), str(output_path)]
    if previous is not None:
        command += ["--previous", str(previous)]
    if state is not None:
        command += ["--state", str(state)]
    output_path.unlink(missing_ok=True)
    done = subprocess.run(command, capture_output=True, text=True, cwd=BENCH_DIR.parent)
    if done.returncode:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def read_clusters(engine: str, path: Path) -> pl.DataFrame:
    column = "cluster_id" if engine.startswith("splink") else "child_key"
    return pl.read_parquet(path, columns=["record_id", column]).rename({column: "cluster"})


# --- the benchmark --------------------------------------------------------------------------

HEADER = (
    f"{'engine':<8} {'scenario':<12} {'records':>10} {'wall s':>8} {'cpu s':>7} {'peak MB':>8} "
    f"{'precision':>9} {'recall':>8} {'F1':>8} {'key chg %':>9} {'group chg %':>11}"
)


def _row(engine: str, scenario: str, records: int, run: dict, scores: dict, stab: dict) -> str:
    def pct(name: str) -> str:
        return f"{100 * stab[name]:.3f}" if name in stab else "-"

    return (
        f"{engine:<8} {scenario:<12} {records:>10,} {run['seconds']:>8.1f} "
        f"{run['cpu_seconds']:>7.1f} {run['peak_mb']:>8.0f} "
        f"{scores['precision']:>9.5f} {scores['recall']:>8.5f} {scores['f1']:>8.5f} "
        f"{pct('key_changed'):>9} {pct('grouping_changed'):>11}"
    )


def bench_engine(engine: str, table: person_table.PersonTable, out_dir: Path) -> list[dict]:
    """Full run, base run and incremental run of one engine; one result dict per run."""
    truth = pl.read_parquet(table.truth)
    base_truth = truth.join(pl.read_parquet(table.base, columns=["record_id"]), on="record_id")
    results = []

    full_out = out_dir / f"{engine}_full.parquet"
    run = run_engine(engine, table.persons, full_out)
    full = read_clusters(engine, full_out)
    if engine == "splink":  # outside the timed run: how many true pairs blocking never offers
        import splink_baseline

        blocked = splink_baseline.true_pairs_not_blocked(table.persons, table.truth)
        run["detail"]["true_pairs_not_blocked"] = blocked["not_blocked"]
    results.append(
        {"scenario": "full", "records": truth.height, **run, **pairwise_scores(full, truth)}
    )

    # The base run keeps its state (the engine only), so the new delivery can be linked
    # incrementally against it, as the pipeline links a monthly delivery.
    base_out = out_dir / f"{engine}_base95.parquet"
    base_state = out_dir / f"{engine}_base95_state.duckdb"
    base_state.unlink(missing_ok=True)
    state = base_state if engine == "engine" else None
    run = run_engine(engine, table.base, base_out, state=state)
    base = read_clusters(engine, base_out)
    results.append(
        {
            "scenario": "base95" + ("+state" if state else ""),
            "records": base_truth.height,
            **run,
            **pairwise_scores(base, base_truth),
        }
    )

    later: list[tuple[str, pl.DataFrame, dict]] = []
    if engine == "splink":  # no persistent keys: the fresh full run is the incremental run
        later.append(("incremental", full, results[0]))
    else:
        # The pipeline's path: the new delivery linked against the stored state, model reused.
        working_state = out_dir / f"{engine}_incremental_state.duckdb"
        shutil.copyfile(base_state, working_state)
        incremental_out = out_dir / f"{engine}_incremental.parquet"
        run = run_engine(engine, table.persons, incremental_out, state=working_state)
        later.append(("incremental", read_clusters(engine, incremental_out), run))
        # Keys carried by an earlier output alone (`--previous`): a fresh run that re-estimates
        # the model, so pair scores may move.
        previous_out = out_dir / f"{engine}_previous.parquet"
        run = run_engine(engine, table.persons, previous_out, previous=base_out)
        later.append(("previous", read_clusters(engine, previous_out), run))
    for scenario, clusters, run in later:
        results.append(
            {
                "scenario": scenario,
                "records": truth.height,
                **{k: run[k] for k in ("seconds", "cpu_seconds", "peak_mb", "detail")},
                **pairwise_scores(clusters, truth),
                **stability(base, clusters),
                **changes_against_truth(base, clusters, truth),
            }
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--results-dir", type=Path, default=person_table.RESULTS_DIR)
    parser.add_argument("--run", nargs=3, metavar=("ENGINE", "INPUT", "OUTPUT"))
    parser.add_argument("--previous", type=Path)
    parser.add_argument("--state", type=Path)
    args = parser.parse_args()
    if args.run:
        engine, input_path, output_path = args.run
        _run_engine_here(engine, Path(input_path), Path(output_path), args.previous, args.state)
        return

    engines = list(args.engines)
    if "engine" in engines and (reason := engine_available()):
        print(f"engine not available: {reason}", flush=True)
        engines.remove("engine")

    all_results = []
    for records in args.sizes:
        print(f"building or reading the person table of about {records:,} records", flush=True)
        table = person_table.build(records, args.seed, args.results_dir)
        summary = json.loads(table.summary.read_text())
        print(
            f"  {summary['records']:,} records of {summary['true_children']:,} children; "
            f"base {summary['base_records']:,}, new delivery {summary['new_records']:,}",
            flush=True,
        )
        out_dir = args.results_dir / "linkage" / f"{records}_{args.seed}"
        out_dir.mkdir(parents=True, exist_ok=True)
        print(HEADER, flush=True)
        for engine in engines:
            try:
                results = bench_engine(engine, table, out_dir)
            except Exception as error:  # one engine failing must not stop the other
                print(f"{engine:<8} failed: {error}", flush=True)
                traceback.print_exc(limit=1)
                continue
            for result in results:
                print(
                    _row(
                        engine,
                        result["scenario"],
                        result["records"],
                        result,
                        result,
                        result,
                    ),
                    flush=True,
                )
                all_results.append({"engine": engine, "size": records, **result})
            for result in results:
                if "changed_records" in result:
                    print(
                        f"{engine:<8} {result['scenario']}: {result['changed_records']:,} base "
                        f"records changed key; by the truth {result['changed_corrections']:,} "
                        f"corrections (a split child united), {result['changed_wrong']:,} wrong",
                        flush=True,
                    )
                if engine == "engine" and result["scenario"] in ("incremental", "previous"):
                    counts = result["detail"]
                    print(
                        f"{engine:<8} {result['scenario']} run's own counts: "
                        + ", ".join(f"{k} {v:,}" for k, v in counts.items()),
                        flush=True,
                    )
            detail = results[0]["detail"]
            if "true_pairs_not_blocked" in detail:
                print(
                    f"{engine:<8} {100 * detail['true_pairs_not_blocked']:.2f}% of true pairs "
                    "are in no prediction blocking rule (never compared)",
                    flush=True,
                )
    (args.results_dir / "linkage").mkdir(parents=True, exist_ok=True)
    (args.results_dir / "linkage" / "last_results.json").write_text(
        json.dumps(all_results, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
