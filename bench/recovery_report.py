"""Recovery of the planted overlaps and gaps at seeds the pipeline was never tuned on.

For each seed, a synthetic world of `--children` children is generated into
`bench/results/recovery/<children>_<seed>/` (`send-pipeline generate`), the whole pipeline is run
on it (`send-pipeline run` in a process of its own, pointed at that world through SEND_LANDING_DIR,
SEND_WAREHOUSE_DIR and DAGSTER_HOME), and the overlap and gap marts are scored against the world's
truth with `pipelines.transform.truth.compare_with_truth`, as the pipeline's own asset check does.
The linkage's pairwise precision, recall and F1 (`pipeline_pairwise`) and the wall and cpu time of
generate and run are recorded per seed too.

Instances are pooled across seeds per type: precision = sum(matched) / sum(found), recall =
sum(matched) / sum(truth). compare_with_truth counts `matched` once, as the multiset intersection
of found and true instances on (true child, matching key), so the same count serves as matched
found instances and matched true instances. Types whose pooled precision or recall is below the
partnership's target (0.98) are marked. Figures are printed and written to
`bench/results/recovery/last_results.json`, never asserted.

Usage:
    .venv/bin/python bench/recovery_report.py                 # 25,000 children, 7101 7202 7303
    .venv/bin/python bench/recovery_report.py --children 3000 --seeds 11 12
    .venv/bin/python bench/recovery_report.py --keep          # keep the worlds, then later
    .venv/bin/python bench/recovery_report.py --reuse --keep  # score them again without a rerun

By default each world's landing, truth and warehouse files are deleted once scored (a
25,000-child world takes a few hundred MB); its `world.json` and `pipeline.log` stay.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.privacy.storage import open_database

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results" / "recovery"
DEFAULT_SEEDS = (7101, 7202, 7303)
KEEP = ("world.json", "pipeline.log")  # what stays of a world without --keep
# Tables a complete run leaves in the restricted warehouse, and that the scoring reads.
REQUIRED_TABLES = (
    "marts.mart_overlaps",
    "marts.mart_gaps",
    "linkage.int_child_key_crosswalk",
    "linkage.int_person_records_unioned",
    "identity.crosswalk",
)


def _cli() -> list[str]:
    script = Path(sys.executable).parent / "send-pipeline"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from pipelines.cli import app; app(prog_name='send-pipeline')"]


def _environment(world: Path) -> dict[str, str]:
    """The pipeline's settings for one world; read afresh by the process that runs it."""
    return os.environ | {
        "SEND_LANDING_DIR": str(world / "landing"),
        "SEND_WAREHOUSE_DIR": str(world / "warehouse"),
        "DAGSTER_HOME": str(world / "dagster_home"),
        # A fixed synthetic-only key, as the other benchmarks use, unless one is already set.
        "SEND_PSEUDONYMISATION_KEY": os.environ.get("SEND_PSEUDONYMISATION_KEY", "ab" * 32),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def _timed(command: list[str], world: Path, log_path: Path) -> dict:
    """Run one CLI command with the world's environment, its output appended to the log."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with log_path.open("a") as log:
        log.write(f"\n$ {' '.join(command)}   # {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC\n")
        log.flush()
        result = subprocess.run(
            command,
            env=_environment(world),
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "returncode": result.returncode,
        "wall_s": round(time.perf_counter() - started, 1),
        # cpu time (including dbt's processes) is steadier than wall time on a shared machine
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
    }


def _complete(world: Path, children: int, seed: int, as_at: str) -> bool:
    """A world this script generated and ran to the end, whose warehouse and truth still exist."""
    meta_path = world / "world.json"
    restricted = world / "warehouse" / "restricted.duckdb"
    truth = world / "truth"
    if not (
        meta_path.exists()
        and restricted.exists()
        and (truth / "planted_issues.parquet").exists()
        and (truth / "record_truth.parquet").exists()
    ):
        return False
    meta = json.loads(meta_path.read_text())
    if (meta.get("children"), meta.get("seed"), meta.get("as_at")) != (children, seed, as_at):
        return False
    if not meta.get("run_complete"):
        return False
    try:
        with open_database(restricted, read_only=True) as con:
            for table in REQUIRED_TABLES:
                con.execute(f"select 1 from {table} limit 1")
    except duckdb.Error:
        return False
    return True


def _tail(log_path: Path, lines: int = 15) -> str:
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


def _score(world: Path) -> tuple[dict, dict]:
    from pipelines.linkage.evaluate import pipeline_pairwise
    from pipelines.transform.truth import compare_with_truth

    truth = world / "truth"
    restricted = world / "warehouse" / "restricted.duckdb"
    with open_database(restricted, read_only=True) as con:
        by_type = compare_with_truth(con, truth)
        linkage = pipeline_pairwise(con, truth / "record_truth.parquet")
    return by_type, linkage


def _code_version() -> dict:
    """The commit measured, and whether the pipeline's code differed from it (uncommitted)."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return None
        return out.stdout.rstrip()

    changed = git("status", "--porcelain", "--", "pipelines", "dbt_project", "schemas")
    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted": None if changed is None else changed.splitlines(),
    }


def _clean(world: Path) -> None:
    for path in world.iterdir():
        if path.name in KEEP:
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def run_seed(
    children: int, seed: int, results_dir: Path, reuse: bool, keep: bool, as_at: str
) -> dict:
    """Generate, run and score one world; the per-seed record (also written to world.json)."""
    world = results_dir / f"{children}_{seed}"
    log_path = world / "pipeline.log"
    meta_path = world / "world.json"
    record: dict = {"children": children, "seed": seed, "as_at": as_at, "world": str(world)}

    if reuse and _complete(world, children, seed, as_at):
        previous = json.loads(meta_path.read_text())
        record |= {k: previous[k] for k in ("generate", "run", "load_average") if k in previous}
        record |= {"reused": True, "run_complete": True}
        print(f"seed {seed}: reusing the complete world in {world}", flush=True)
    else:
        # A fresh folder: leftovers of an earlier world must not mix with the new one.
        shutil.rmtree(world, ignore_errors=True)
        world.mkdir(parents=True)
        record |= {"reused": False, "run_complete": False}
        record["load_average"] = [round(x, 2) for x in os.getloadavg()]
        print(f"seed {seed}: generating {children:,} children", flush=True)
        command = [*_cli(), "generate", f"--children={children}", f"--seed={seed}"]
        command += [f"--out={world}", f"--as-at={as_at}"]
        record["generate"] = _timed(command, world, log_path)
        if record["generate"]["returncode"] == 0:
            print(f"seed {seed}: running the pipeline", flush=True)
            record["run"] = _timed([*_cli(), "run"], world, log_path)
        failed = next(
            (s for s in ("generate", "run") if s in record and record[s]["returncode"]), None
        )
        if failed:
            # Kept as it is, for a look at the dbt log under warehouse/logs/.
            record["error"] = f"{failed} failed:\n{_tail(log_path)}"
            meta_path.write_text(json.dumps(record, indent=2) + "\n")
            print(f"seed {seed}: {record['error']}", file=sys.stderr, flush=True)
            return record
        record["run_complete"] = True
        meta_path.write_text(json.dumps(record, indent=2) + "\n")

    started = time.perf_counter()
    by_type, linkage = _score(world)
    record["score_s"] = round(time.perf_counter() - started, 1)
    record["by_type"] = by_type
    record["linkage"] = linkage
    if not keep:
        _clean(world)
        record["run_complete"] = False  # nothing left to reuse
    record["kept"] = keep
    meta_path.write_text(json.dumps(record, indent=2, default=str) + "\n")
    return record


def pool(records: list[dict], target: float) -> dict[str, dict]:
    """Per type: instances summed over the scored seeds, and precision and recall of the sums."""
    pooled: dict[str, dict] = {}
    for record in records:
        for issue_type, s in record["by_type"].items():
            total = pooled.setdefault(issue_type, {"truth": 0, "found": 0, "matched": 0})
            for count in total:
                total[count] += s[count]
    for s in pooled.values():
        # The same conventions as compare_with_truth when a side is empty.
        s["precision"] = (
            s["matched"] / s["found"] if s["found"] else (1.0 if not s["truth"] else 0.0)
        )
        s["recall"] = s["matched"] / s["truth"] if s["truth"] else (1.0 if not s["found"] else 0.0)
        s["below_target"] = [name for name in ("precision", "recall") if s[name] < target] or None
        s["none_planted"] = s["truth"] == 0
    return pooled


def _figure(value: float, target: float) -> str:
    return f"{value:.4f}{'*' if value < target else ' '}"


def print_table(records: list[dict], pooled: dict[str, dict], target: float) -> None:
    seeds = [r["seed"] for r in records]
    # Below this many instances one miss alone costs more than the target allows.
    few = round(1 / (1 - target))
    per_seed = "".join(f" | {f'seed {s}':^24}" for s in seeds)
    print(f"\n{'':<24}{per_seed} | {'pooled':^40} |")
    header = "".join(f" | {'truth':>6} {'P':>8} {'R':>8}" for _ in seeds)
    print(
        f"{'type':<24}{header} | {'truth':>7} {'found':>7} {'matched':>7} {'P':>8} {'R':>8} | mark"
    )
    for issue_type, s in pooled.items():
        cells = ""
        for record in records:
            t = record["by_type"][issue_type]
            cells += (
                f" | {t['truth']:>6,} {_figure(t['precision'], target):>8}"
                f" {_figure(t['recall'], target):>8}"
            )
        marks = []
        if s["below_target"]:
            marks.append("BELOW " + " and ".join(s["below_target"]))
        if s["none_planted"]:
            marks.append("none planted")
        elif s["truth"] < few:
            marks.append("few")
        print(
            f"{issue_type:<24}{cells} | {s['truth']:>7,} {s['found']:>7,} {s['matched']:>7,}"
            f" {_figure(s['precision'], target):>8} {_figure(s['recall'], target):>8}"
            f" | {', '.join(marks)}".rstrip()
        )
    print(
        f"* below the target {target}; P precision, R recall; few: under {few} instances pooled,"
        " where a single miss already falls below the target"
    )

    print(
        f"\n{'seed':>6} {'generate s':>10} {'(cpu)':>7} {'run s':>7} {'(cpu)':>7}"
        f" {'linkage P':>10} {'R':>8} {'F1':>8} {'true pairs':>11}"
    )
    for record in records:
        generate, run, linkage = record["generate"], record["run"], record["linkage"]
        reused = "  (reused)" if record["reused"] else ""
        print(
            f"{record['seed']:>6} {generate['wall_s']:>10.1f} {generate['cpu_s']:>7.1f}"
            f" {run['wall_s']:>7.1f} {run['cpu_s']:>7.1f} {linkage['precision']:>10.5f}"
            f" {linkage['recall']:>8.5f} {linkage['f1']:>8.5f} {linkage['true_pairs']:>11,}"
            f"{reused}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--children", type=int, default=25_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="skip generate and run for a seed whose world was run to the end and kept",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep each world's landing, truth and warehouse"
    )
    parser.add_argument("--as-at", default="2025-01-16", help="extract date of the worlds (ISO)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args()

    from pipelines.project import prepare_manifest
    from pipelines.transform.truth import TARGET

    # Parsed once here, so each run's process finds it fresh and does not parse it again.
    prepare_manifest()
    args.results_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    code = _code_version()  # before the runs: the code they import
    records = [
        run_seed(args.children, seed, args.results_dir, args.reuse, args.keep, args.as_at)
        for seed in args.seeds
    ]
    scored = [r for r in records if "by_type" in r]
    pooled = pool(scored, TARGET)
    if scored:
        print_table(scored, pooled, TARGET)
    failed = [r["seed"] for r in records if "by_type" not in r]
    if failed:
        print(f"\nnot scored (generate or run failed): seeds {failed}", file=sys.stderr)

    result = {
        "started_at": f"{started:%Y-%m-%dT%H:%M:%SZ}",
        "finished_at": f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}",
        "children": args.children,
        "seeds": args.seeds,
        "as_at": args.as_at,
        "target": TARGET,
        "cpus": os.cpu_count(),
        "code": code,
        "pooled": pooled,
        "below_target": [t for t, s in pooled.items() if s["below_target"]],
        "per_seed": records,
        "failed_seeds": failed,
    }
    out = args.results_dir / "last_results.json"
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"\nwritten {out}")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
