"""Time a month's life of the pipeline through `send-pipeline run`, as an engineer runs it.

For each size: generate a delivery (seed 1), then in one Dagster instance of its own
1. the first run (everything is built),
2. a run with no new extract,
3. a one-source monthly delivery: the county's three extracts delivered again dated a month
   later, its two CSV lists with their last 1% of rows gone (children leaving), then
   `send-pipeline run --source county`,
4. a run with no new extract again.
Prints each run's wall time (the whole command: interpreter start, imports, observing the
landing folders, planning, the run) and its ratio to the first run, and writes
bench/results/refresh/last_results.json. Figures are printed, never asserted.

Usage: python bench/bench_refresh.py [--sizes 25000 1000000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
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


def _deliver_county_next_month(landing: Path) -> list[str]:
    """The county's extracts again, dated a month later; the CSV lists lose their last 1%."""
    written = []
    for path in sorted((landing / "county").iterdir()):
        new_name = re.sub(
            r"(\d\d)(\d\d)(\d{4})", lambda m: f"{m[1]}{int(m[2]) + 1:02d}{m[3]}", path.name
        )
        target = path.with_name(new_name)
        if path.suffix.lower() == ".csv":
            lines = path.read_bytes().splitlines(keepends=True)
            keep = len(lines) - max(1, (len(lines) - 1) // 100)
            target.write_bytes(b"".join(lines[:keep]))
        else:
            shutil.copyfile(path, target)
        written.append(target.name)
    return written


def _assets(output: str) -> str:
    found = re.search(r"refreshing (\d+) of (\d+) assets", output)
    if found:
        return f"{found[1]} of {found[2]}"
    found = re.search(r"all (\d+) assets are up to date", output)
    return f"0 of {found[1]}" if found else "?"


def bench(children: int, workdir: Path) -> dict:
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "dagster_home").mkdir(parents=True)
    (workdir / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    generate_s, _ = _send(
        workdir, "generate", "--children", str(children), "--seed", "1", "--out", str(workdir)
    )
    where = ["--landing", str(workdir / "landing"), "--warehouse", str(workdir / "warehouse")]
    runs = []
    for label, extra in (
        ("first run", []),
        ("nothing new", []),
        ("county delivery", ["--source", "county"]),
        ("nothing new again", []),
    ):
        if label == "county delivery":
            _deliver_county_next_month(workdir / "landing")
        seconds, output = _send(workdir, "run", *where, *extra)
        runs.append({"run": label, "seconds": round(seconds, 1), "assets": _assets(output)})
        print(
            f"{children:>10,} {label:<18} {seconds:>7.1f} s  {runs[-1]['assets']} assets",
            flush=True,
        )
    first = runs[0]["seconds"]
    for run in runs:
        run["ratio_to_first"] = round(run["seconds"] / first, 3)
    return {"children": children, "generate_seconds": round(generate_s, 1), "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[25_000])
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="send_refresh_"))
    results = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": os.getloadavg()[0],
        "sizes": [bench(children, root / str(children)) for children in args.sizes],
    }
    print("\n| children | run | wall s | assets rebuilt | share of the first run |")
    print("|---:|---|---:|---|---:|")
    for size in results["sizes"]:
        for run in size["runs"]:
            print(
                f"| {size['children']:,} | {run['run']} | {run['seconds']} | {run['assets']} "
                f"| {run['ratio_to_first']:.0%} |"
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "last_results.json").write_text(json.dumps(results, indent=2))
    if not args.workdir:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
