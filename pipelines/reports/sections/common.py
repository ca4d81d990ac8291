"""What the sections share: the labels of codes, and small helpers for reading and tabling."""

from __future__ import annotations

import duckdb
import numpy as np

from pipelines.reports.disclosure import NOT_APPLICABLE, Cell, Rules, protect_counts
from pipelines.reports.model import PublishedTable

OVERLAP_LABELS = {
    "dual_plans": "EHC plans in force in both councils beyond the transfer window",
    "dual_topup": "Top-up funding paid by both councils for the same period",
    "dual_assessment": "EHC needs assessments running in both councils",
    "duplicate_referral": "Two open referrals to the same health service",
    "dual_caseload": "On both councils' SEND caseloads at the census",
}
# Each gap type: its label, and its short form for column headers (docs/marts.md defines them),
# naming the statutory clock it runs against as the published ref_clocks holds it
# ({request_decision} becomes "6 weeks"; see gap_labels).
GAP_TYPES = {
    "request_no_decision": (
        "Request with no decision after {request_decision}",
        "No decision in {request_decision}",
    ),
    "assessment_no_plan": (
        "Assessment with no final plan after {final_plan}",
        "No plan in {final_plan}",
    ),
    "transfer_not_taken_on": (
        "Plan not taken on within {plan_transfer} of a move",
        "Move not taken on",
    ),
    "annual_review_overdue": ("Annual review more than {annual_review} ago", "Review overdue"),
    "review_decision_late": (
        "Review decision later than {review_decision}",
        "Review decision late",
    ),
    "health_need_no_referral": (
        "Autism or SLCN plan with no referral to the matching service",
        "Need with no referral",
    ),
    "health_wait_over_clock": (
        "Waiting for a first health contact beyond the service's clock",
        "Health wait past clock",
    ),
    "plan_no_placement": ("Plan with no education placement", "No placement"),
    "icb_only_send": (
        "Known to health for a SEND service, unknown to both councils",
        "Known only to health",
    ),
}
SERVICE_LABELS = {
    "slt": "Speech and language therapy",
    "ot": "Occupational therapy",
    "physio": "Physiotherapy",
    "community_paediatrics": "Community paediatrics",
    "neurodevelopmental": "Neurodevelopmental (autism) assessment",
    "camhs": "CAMHS",
}
COUNCILS = ("city", "county")
RESIDENCE = ("City", "County", "Elsewhere or unknown", "All")


def fetch(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def count_table(
    key: str,
    title: str,
    labels: list[str],
    columns: list[str],
    counts: np.ndarray,
    rules: Rules,
    *,
    total_row: bool,
    total_column: bool,
    note: str = "",
    extra: dict[str, list[Cell]] | None = None,
) -> PublishedTable:
    cells = protect_counts(counts, rules, total_row=total_row, total_column=total_column)
    rows = []
    for i, label in enumerate(labels):
        row = list(cells[i])
        for values in (extra or {}).values():
            row.append(values[i])
        rows.append((label, row))
    return PublishedTable(key, title, columns + list(extra or {}), rows, note)


def with_margins(body: list[list[int]], *, total_row: bool = True) -> np.ndarray:
    """The counts with a total column (each row's sum) and, by default, a total row."""
    matrix = np.array([[*row, sum(row)] for row in body], dtype=np.int64)
    if total_row:
        matrix = np.vstack([matrix, matrix.sum(axis=0, keepdims=True)])
    return matrix


def published_value(value: float | None, fmt: str = "{:.1f}%") -> Cell:
    if value is None:
        return NOT_APPLICABLE
    return Cell(float(value), fmt.format(value))


def clocks(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each statutory clock in words ("6 weeks", "12 months"), from the published ref_clocks."""
    return {
        clock: f"{length} {unit}{'' if length == 1 else 's'}"
        for clock, length, unit in fetch(con, "select clock, length, unit from ref_clocks")
    }


def gap_labels(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], dict[str, str]]:
    """Each gap type's label and short label, with its clock as the reference table holds it."""
    words = clocks(con)
    labels = {gap: label.format(**words) for gap, (label, _) in GAP_TYPES.items()}
    short = {gap: short.format(**words) for gap, (_, short) in GAP_TYPES.items()}
    return labels, short
