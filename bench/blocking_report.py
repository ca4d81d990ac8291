"""What each blocking pass costs and contributes, on a generated person table.

Runs the engine in-process on `bench/results/persons/<records>_<seed>/persons.parquet` (built by
`person_table.py`) and prints, per pass: candidate pairs, true pairs found, true pairs no other
pass finds, and of those the ones scored as links. A pass that pairs millions of records for a
handful of links no other pass finds is a candidate for a tighter key.

Usage: python bench/blocking_report.py [--records 1000000] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import person_table  # noqa: E402

from pipelines.linkage import link  # noqa: E402
from pipelines.linkage.evaluate import blocking_completeness, pairwise  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    table = person_table.build(args.records, args.seed, person_table.RESULTS_DIR)
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    con.execute(f"create view persons as select * from read_parquet('{table.persons}')")
    con.execute(
        "create table truth as select record_id, true_child_id as true_id "
        f"from read_parquet('{table.truth}')"
    )
    started = time.perf_counter()
    link(con, "persons", key=bytes(range(32)))
    print(f"linked in {time.perf_counter() - started:.1f}s")
    scores = pairwise(con, "truth")
    print(
        f"pairwise precision {scores['precision']:.5f} recall {scores['recall']:.5f} "
        f"F1 {scores['f1']:.5f} ({scores['true_pairs']:,} true pairs)"
    )
    report = blocking_completeness(con, "truth")
    print(
        f"{'pass':<24} {'pairs':>10} {'true found':>11} {'recall':>7} "
        f"{'only here':>10} {'linked only here':>17}"
    )
    for name, row in report.items():
        print(
            f"{name:<24} {row['pairs']:>10,} {row['true_pairs_found']:>11,} "
            f"{row['recall']:>7.4f} {row.get('found_only_here', 0):>10,} "
            f"{row.get('linked_only_here', 0):>17,}"
        )


if __name__ == "__main__":
    main()
