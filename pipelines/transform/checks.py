"""Asset checks on identity resolution (its own accuracy estimate, and the truth where the data
are synthetic; the review load) and on the marts' recovery of the synthetic truth."""

from pathlib import Path

import dagster as dg

from pipelines.ingest.load import deliveries_in_force, delivery_label
from pipelines.linkage.evaluate import pipeline_pairwise
from pipelines.privacy.storage import open_database
from pipelines.resources import WarehouseResource

CROSSWALK = dg.AssetKey(["linkage", "int_child_key_crosswalk"])
TARGET_F1 = 0.995  # the partnership's bar for pairwise F1 on synthetic data with known truth


def truth_file(landing_dir: Path) -> Path:
    """Synthetic deliveries carry their truth beside the landing folder; real ones never do."""
    return landing_dir.parent / "truth" / "record_truth.parquet"


@dg.asset_check(
    asset=CROSSWALK,
    name="linkage_quality",
    description=(
        "Pairwise precision, recall and F1 of the children found: the run's own estimate on "
        "every run (no truth needed), and beside it the measure against the known truth when "
        "the data are synthetic; and the number of pairs waiting in the review queue"
    ),
)
def linkage_quality(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    settings = warehouse.settings()
    truth = truth_file(settings.landing_dir)
    with open_database(settings.restricted_db, read_only=True) as con:
        review = con.execute("select count(*) from linkage.int_review_queue").fetchall()[0][0]
        children = con.execute(
            "select count(distinct child_key) from linkage.int_child_key_crosswalk"
        ).fetchall()[0][0]
        estimated = con.execute(
            "select estimated_precision, estimated_recall from linkage.int_linkage_quality"
        ).fetchall()[0]
        scores = pipeline_pairwise(con, truth) if truth.exists() else None
    precision, recall = estimated
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    metadata = {
        "review_queue_pairs": review,
        "children": children,
        "estimated_precision": dg.MetadataValue.float(round(precision, 5)),
        "estimated_recall": dg.MetadataValue.float(round(recall, 5)),
        "estimated_f1": dg.MetadataValue.float(round(f1, 5)),
        "target_f1": TARGET_F1,
    }
    if scores is None:
        # Real data: the estimate is all there is; it is judged against the same bar.
        return dg.AssetCheckResult(
            passed=f1 >= TARGET_F1,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={**metadata, "truth": "none (real data): the estimates are the measure"},
        )
    return dg.AssetCheckResult(
        passed=scores["f1"] >= TARGET_F1,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            **metadata,
            "precision": dg.MetadataValue.float(round(scores["precision"], 5)),
            "recall": dg.MetadataValue.float(round(scores["recall"], 5)),
            "f1": dg.MetadataValue.float(round(scores["f1"], 5)),
            "estimate_error_precision": dg.MetadataValue.float(
                round(precision - scores["precision"], 5)
            ),
            "estimate_error_recall": dg.MetadataValue.float(round(recall - scores["recall"], 5)),
            "true_pairs": scores["true_pairs"],
            "linked_pairs": scores["linked_pairs"],
        },
    )


MART_GAPS = dg.AssetKey(["marts", "mart_gaps"])


@dg.asset_check(
    asset=MART_GAPS,
    name="overlaps_and_gaps_match_truth",
    additional_deps=[dg.AssetKey(["marts", "mart_overlaps"])],
    description=(
        "Precision and recall of every overlap and gap type against the known truth "
        "(synthetic data only; docs/marts.md defines the types)"
    ),
)
def overlaps_and_gaps_match_truth(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    from pipelines.transform.truth import TARGET, compare_with_truth, truth_dir

    settings = warehouse.settings()
    truth = truth_dir(settings.landing_dir)
    if not (truth / "planted_issues.parquet").exists():
        return dg.AssetCheckResult(
            passed=True, metadata={"truth": "none (real data): recovery cannot be measured"}
        )
    with open_database(settings.restricted_db, read_only=True) as con:
        if len(set(deliveries_in_force(con).values())) > 1:
            # The truth describes one delivery of the world; after one source's delivery the
            # others are a month behind it, and every difference would read as a miss.
            return dg.AssetCheckResult(
                passed=True,
                metadata={
                    "truth": "not comparable: the sources are at different deliveries "
                    f"({delivery_label(con)}), the truth is of one delivery"
                },
            )
        columns = {
            row[0]
            for row in con.execute(
                f"describe select * from read_parquet('{truth / 'planted_issues.parquet'}')"
            ).fetchall()
        }
        if "category" not in columns:
            return dg.AssetCheckResult(
                passed=True,
                metadata={"truth": "written by an older generator: no overlaps or gaps in it"},
            )
        scores = compare_with_truth(con, truth)
    short = [
        name
        for name, s in scores.items()
        if s["truth"] and (s["precision"] < TARGET or s["recall"] < TARGET)
    ]
    table = {
        name: {
            "truth": s["truth"],
            "found": s["found"],
            "precision": round(s["precision"], 4),
            "recall": round(s["recall"], 4),
        }
        for name, s in scores.items()
    }
    return dg.AssetCheckResult(
        passed=not short,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "by_type": dg.MetadataValue.json(table),
            "below_target": ", ".join(short) or "none",
            "target": TARGET,
        },
    )
