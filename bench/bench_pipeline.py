"""Time generate + run at several scales and print wall time and peak memory per stage.

Each stage runs in its own process so its peak resident memory (including dbt's subprocesses) is
its own. Usage: python bench/bench_pipeline.py [--sizes 10000 100000 1000000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = ("generate", "ingest", "dbt")


def _run_stage(stage: str, workdir: Path, children: int) -> None:
    """Executed in a child process: do one stage, then print its figures as JSON."""
    os.environ["SEND_LANDING_DIR"] = str(workdir / "landing")
    os.environ["SEND_WAREHOUSE_DIR"] = str(workdir / "warehouse")
    os.environ.setdefault("SEND_PSEUDONYMISATION_KEY", "ab" * 32)
    started = time.perf_counter()
    if stage == "generate":
        from pipelines.synthetic import generate

        generate(children=children, seed=1, out=workdir)
    else:
        import dagster as dg
        from dagster_dbt import DbtCliResource

        from pipelines.definitions import defs
        from pipelines.project import send_dbt_project
        from pipelines.resources import WarehouseResource

        # (the landing observations are not materialised: they only record what was delivered)
        layer = {a: {k.path[0] for k in a.keys} for a in defs.assets}
        raw = [a for a in defs.assets if layer[a] == {"raw"}]
        built = [a for a in defs.assets if not layer[a] & {"raw", "landing"}]
        assets = raw if stage == "ingest" else built
        result = dg.materialize(
            assets,
            resources={
                "warehouse": WarehouseResource(),
                "dbt": DbtCliResource(project_dir=send_dbt_project),
            },
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
        )
        if not result.success:
            raise SystemExit(
                f"{stage} failed: {[e.step_key for e in result.get_step_failure_events()]}"
            )
    elapsed = time.perf_counter() - started
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(json.dumps({"stage": stage, "seconds": elapsed, "peak_mb": peak_kb / 1024}))


def _measure(stage: str, workdir: Path, children: int) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--stage",
            stage,
            "--workdir",
            str(workdir),
            "--children",
            str(children),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _sizes_on_disk(workdir: Path) -> tuple[float, float]:
    landing = sum(p.stat().st_size for p in (workdir / "landing").rglob("*") if p.is_file())
    warehouse = sum(p.stat().st_size for p in (workdir / "warehouse").rglob("*") if p.is_file())
    return landing / 1e6, warehouse / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--stage", choices=STAGES)
    parser.add_argument("--children", type=int, default=0)
    args = parser.parse_args()
    if args.stage:
        _run_stage(args.stage, args.workdir, args.children)
        return

    from pipelines.project import prepare_manifest

    prepare_manifest()
    print(f"{'children':>10} {'stage':<9} {'wall s':>8} {'peak MB':>8}")
    for children in args.sizes:
        workdir = Path(args.workdir or tempfile.mkdtemp(prefix="send_bench_")) / str(children)
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        total = 0.0
        for stage in STAGES:
            figures = _measure(stage, workdir, children)
            total += figures["seconds"]
            print(
                f"{children:>10,} {stage:<9} {figures['seconds']:>8.1f} {figures['peak_mb']:>8.0f}",
                flush=True,
            )
        landing_mb, warehouse_mb = _sizes_on_disk(workdir)
        print(
            f"{children:>10,} {'total':<9} {total:>8.1f}   landing {landing_mb:.0f} MB, "
            f"warehouse {warehouse_mb:.0f} MB",
            flush=True,
        )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
