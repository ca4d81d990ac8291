"""Asset checks on identity resolution: quality against truth (synthetic data) and review load."""

from pathlib import Path

import dagster as dg
import duckdb

from pipelines.linkage.evaluate import pairwise
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
        "Pairwise precision, recall and F1 of the children found against the known truth "
        "(synthetic data only), and the number of pairs waiting in the review queue"
    ),
)
def linkage_quality(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    settings = warehouse.settings()
    truth = truth_file(settings.landing_dir)
    with duckdb.connect(str(settings.restricted_db), read_only=True) as con:
        review = con.execute("select count(*) from linkage.int_review_queue").fetchall()[0][0]
        children = con.execute(
            "select count(distinct child_key) from linkage.int_child_key_crosswalk"
        ).fetchall()[0][0]
        metadata = {"review_queue_pairs": review, "children": children}
        if not truth.exists():
            return dg.AssetCheckResult(
                passed=True,
                metadata={**metadata, "truth": "none (real data): quality cannot be measured"},
            )
        con.execute(
            f"""create temp view truth as
            select persons.record_id, t.true_child_id as true_id
            from read_parquet('{truth}') t
            join linkage.int_person_records_unioned persons
              on persons.source_table = t."table"
             and persons.source_record_id = t.source_record_id"""
        )
        scores = pairwise(con, "truth", schema="identity")
    return dg.AssetCheckResult(
        passed=scores["f1"] >= TARGET_F1,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            **metadata,
            "precision": dg.MetadataValue.float(round(scores["precision"], 5)),
            "recall": dg.MetadataValue.float(round(scores["recall"], 5)),
            "f1": dg.MetadataValue.float(round(scores["f1"], 5)),
            "true_pairs": scores["true_pairs"],
            "linked_pairs": scores["linked_pairs"],
            "target_f1": TARGET_F1,
        },
    )
