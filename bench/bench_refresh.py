"""A month's life of the pipeline through `send-pipeline run`, as an engineer runs it, on two
monthly deliveries of one synthetic world (`send-pipeline generate --deliveries 2`).

For each size: generate January's and February's deliveries (seed 1), then in one Dagster
instance of its own
1. the first run on January's delivery (everything is built),
2. a run with no new extract,
3. the county's February delivery (casework workbook, SEN support and top-up lists):
   `send-pipeline run --source county`,
4. the city's and the ICB's February deliveries: `send-pipeline run`,
5. a run with no new extract again.
Prints each run's wall time (the whole command: interpreter start, imports, observing the
landing folders, planning, the run) and its ratio to the first run. With `--repeat K` each run
is made K times, each from a copy of the warehouse and the Dagster instance as they were before
it, and the median is the run's time (its spread is printed too: on a shared 2-core machine one
run's time moves by several seconds); then the series' figures:
of the person records delivered both months, how many describe the same child, how many are
identical and whether every difference is one the truth lists; and of the records linked in
both runs, how many changed child_key, whether each change is in the key history and whether
the truth shows it is a correction. Writes bench/results/refresh/last_results.json. Figures are
printed, never asserted.

Usage: python bench/bench_refresh.py [--sizes 25000 1000000] [--workdir DIR] [--repeat K]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from pipelines.cli import DAGSTER_YAML
from pipelines.linkage.evaluate import key_changes
from pipelines.privacy.storage import open_database
from pipelines.project import prepare_manifest
from pipelines.synthetic.series import land, person_changes

REPO = Path(__file__).resolve().parent.parent
JANUARY, FEBRUARY = date(2025, 1, 16), date(2025, 2, 16)
CLI = Path(sys.executable).parent / "send-pipeline"
RESULTS = REPO / "bench" / "results" / "refresh"


def _send(workdir: Path, *args: str) -> tuple[float, str]:
    env = {
        **os.environ,
        "DAGSTER_HOME": str(workdir / "dagster_home"),
        "SEND_PSEUDONYMISATION_KEY": "ab" * 32,
    }
    started = time.perf_counter()
    done = subprocess.run([str(CLI), *args], env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"send-pipeline {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return elapsed, done.stdout + done.stderr


def _assets(output: str) -> str:
    found = re.search(r"refreshing (\d+) of (\d+) assets", output)
    if found:
        return f"{found[1]} of {found[2]}"
    found = re.search(r"all (\d+) assets are up to date", output)
    return f"0 of {found[1]}" if found else "?"


def _crosswalk(warehouse: Path) -> dict[str, str]:
    with open_database(warehouse / "restricted.duckdb", read_only=True) as con:
        return dict(con.execute("select record_id, child_key from identity.crosswalk").fetchall())


def _timed_runs(workdir: Path, args: list[str], repeat: int) -> tuple[list[float], str]:
    """The run `repeat` times, each from the state it found (warehouse and Dagster instance);
    the last run's state is kept."""
    state = [workdir / "warehouse", workdir / "dagster_home"]
    saved = workdir / "before_run"
    if repeat > 1:
        shutil.rmtree(saved, ignore_errors=True)
        for path in state:
            if path.exists():
                shutil.copytree(path, saved / path.name)
    times, output = [], ""
    for attempt in range(repeat):
        if attempt:
            for path in state:
                shutil.rmtree(path, ignore_errors=True)
                if (saved / path.name).exists():
                    shutil.copytree(saved / path.name, path)
        seconds, output = _send(workdir, *args)
        times.append(seconds)
    shutil.rmtree(saved, ignore_errors=True)
    return times, output


def bench(children: int, workdir: Path, repeat: int = 1) -> dict:
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "dagster_home").mkdir(parents=True)
    shutil.copyfile(DAGSTER_YAML, workdir / "dagster_home" / "dagster.yaml")
    series = workdir / "series"
    generate_s, _ = _send(
        workdir,
        "generate",
        *("--children", str(children), "--seed", "1", "--out", str(series)),
        *("--as-at", FEBRUARY.isoformat(), "--deliveries", "2"),
    )
    landing = workdir / "landing"
    land(series, JANUARY, landing)
    where = ["--landing", str(landing), "--warehouse", str(workdir / "warehouse")]
    runs = []
    keys_january: dict[str, str] = {}
    for label, extra in (
        ("first run (January)", []),
        ("nothing new", []),
        ("county's February", ["--source", "county"]),
        ("city's and ICB's February", []),
        ("nothing new again", []),
    ):
        if label == "county's February":
            keys_january = _crosswalk(workdir / "warehouse")
            # kept beside the warehouse, to examine the keys that change afterwards
            pl.DataFrame(
                {"record_id": list(keys_january), "old_key": list(keys_january.values())}
            ).write_parquet(workdir / "keys_january.parquet")
            land(series, FEBRUARY, landing, sources=("county",))
        if label == "city's and ICB's February":
            land(series, FEBRUARY, landing)
        times, output = _timed_runs(workdir, ["run", *where, *extra], repeat)
        seconds = statistics.median(times)
        runs.append(
            {
                "run": label,
                "seconds": round(seconds, 1),
                "all_seconds": [round(t, 1) for t in times],
                "assets": _assets(output),
            }
        )
        spread = f" (of {', '.join(f'{t:.1f}' for t in times)})" if repeat > 1 else ""
        print(
            f"{children:>10,} {label:<26} {seconds:>7.1f} s{spread}  {runs[-1]['assets']} assets",
            flush=True,
        )
    first = runs[0]["seconds"]
    for run in runs:
        run["ratio_to_first"] = round(run["seconds"] / first, 3)

    summary, cells = person_changes(series, JANUARY, FEBRUARY)
    records = {
        "in_both": int(summary["in_both"].sum()),
        "same_child": int(summary["same_child"].sum()),
        "identical": int(summary["identical"].sum()),
        "differing_cells": cells.height,
        "unexplained_cells": int(cells["explanation"].is_null().sum()),
        "explanations": dict(cells.group_by("explanation").len().sort("explanation").iter_rows()),
    }
    with open_database(workdir / "warehouse" / "restricted.duckdb", read_only=True) as con:
        keys = key_changes(con, keys_january, landing.parent / "truth" / "record_truth.parquet")
    print(f"{children:>10,} person records delivered both months: {records}", flush=True)
    print(f"{children:>10,} child keys: {keys}", flush=True)
    return {
        "children": children,
        "generate_seconds": round(generate_s, 1),
        "runs": runs,
        "person_records": records,
        "keys": keys,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[25_000])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each step; the median")
    args = parser.parse_args()
    # dbt's manifest is parsed once per checkout (as `make run`'s set-up does), not in the
    # first timed run
    prepare_manifest()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="send_refresh_"))
    results = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": os.getloadavg()[0],
        "repeat": args.repeat,
        "sizes": [bench(children, root / str(children), args.repeat) for children in args.sizes],
    }
    print("\n| children | run | wall s (median) | all runs, s | assets rebuilt | share of first |")
    print("|---:|---|---:|---|---|---:|")
    for size in results["sizes"]:
        for run in size["runs"]:
            every = ", ".join(f"{t}" for t in run["all_seconds"])
            print(
                f"| {size['children']:,} | {run['run']} | {run['seconds']} | {every} "
                f"| {run['assets']} | {run['ratio_to_first']:.3f} |"
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "last_results.json").write_text(json.dumps(results, indent=2))
    if not args.workdir:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
