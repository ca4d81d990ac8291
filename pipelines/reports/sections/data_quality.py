"""Data quality: what the contracts kept out, the extracts the figures rest on, and how well the
records were linked (from the aggregates the publish step counted)."""

from __future__ import annotations

import numpy as np

from pipelines.reports.disclosure import (
    Cell,
    Rules,
    protect_counts,
)
from pipelines.reports.model import PublishedTable, Section
from pipelines.reports.sections.common import (
    count_table,
    fetch,
    with_margins,
)
from schemas.common import RULE_WORDS


def section(con, rules: Rules) -> Section:
    """From the quality aggregates the publish step counted in the restricted zone."""
    sources = ("city", "county", "icb")
    quarantine = fetch(
        con,
        "select rule, source, rows from quality_quarantine where severity = 'error'",
    )
    nulled = fetch(
        con,
        "select source, sum(findings) from quality_quarantine where severity = 'warning' "
        "group by all",
    )
    loads = fetch(
        con,
        """select source, first_extract_date, last_extract_date, rows_loaded, rows_quarantined
        from quality_extracts order by source""",
    )
    (
        records_linked,
        children_found,
        uncertain,
        proposed_merges,
        *estimated,
        truth_precision,
        truth_recall,
        truth_f1,
    ) = fetch(
        con,
        """select records_linked, children_found, review_uncertain, review_proposed_merges,
            estimated_precision, estimated_recall, truth_precision, truth_recall, truth_f1
        from quality_linkage""",
    )[0]
    linkage = (records_linked, children_found)
    queue = {"uncertain": uncertain, "proposed merge of two known children": proposed_merges}
    scores = (
        None
        if truth_f1 is None
        else {"precision": truth_precision, "recall": truth_recall, "f1": truth_f1}
    )
    reasons = sorted({rule for rule, _, _ in quarantine}, key=lambda r: RULE_WORDS.get(r, r))
    found = {(rule, source): n for rule, source, n in quarantine}
    body = [[found.get((r, s), 0) for s in sources] for r in reasons] or [[0, 0, 0]]
    nulled_by = dict(nulled)
    body.append([nulled_by.get(s, 0) for s in sources])
    matrix = with_margins(body, total_row=False)
    quarantined = count_table(
        "quarantine",
        "Rows the data contracts kept out (quarantined) or corrected, by source and reason",
        [*(RULE_WORDS.get(r, r) for r in reasons), "Invalid identifier set to blank (row kept)"],
        ["City", "County", "ICB", "All"],
        matrix,
        rules,
        total_row=False,
        total_column=True,
        note="A row failing two rules is counted under each. Quarantined rows are listed with "
        "file, row, column and reason in audit.quarantine for the data engineers; no figure in "
        "this report rests on them.",
    )
    extract_rows = [
        (
            source,
            [
                Cell(
                    first if first == last else None,  # one date is typed; a range is words
                    f"{first:%-d %b %Y}"
                    if first == last
                    else f"{first:%-d %b %Y} – {last:%-d %b %Y}",
                ),
                *protect_counts(np.array([[int(rows_loaded or 0), int(q or 0)]]), rules)[0],
            ],
        )
        for source, first, last, rows_loaded, q in loads
    ]
    extracts = PublishedTable(
        "extracts",
        "The extracts these figures rest on",
        ["Extract date", "Rows loaded", "Rows quarantined"],
        extract_rows,
    )
    link_rows = [
        ("Records linked", protect_counts(np.array([[linkage[0]]]), rules)[0]),
        ("Children found", protect_counts(np.array([[linkage[1]]]), rules)[0]),
        (
            "Pairs waiting for a reviewer: uncertain",
            protect_counts(np.array([[queue.get("uncertain", 0)]]), rules)[0],
        ),
        (
            "Pairs waiting for a reviewer: proposed merges of known children",
            protect_counts(
                np.array([[queue.get("proposed merge of two known children", 0)]]), rules
            )[0],
        ),
    ]
    link_rows += [
        (name, [Cell(round(value, 4), f"{value:.4f}")])
        for name, value in (
            ("Estimated pairwise precision (the linkage's own estimate)", estimated[0]),
            ("Estimated pairwise recall (the linkage's own estimate)", estimated[1]),
        )
    ]
    if scores is not None:
        link_rows += [
            (name, [Cell(round(scores[key], 4), f"{scores[key]:.4f}")])
            for name, key in (
                ("Pairwise precision against the synthetic truth", "precision"),
                ("Pairwise recall against the synthetic truth", "recall"),
                ("Pairwise F1 against the synthetic truth", "f1"),
            )
        ]
    linkage_table = PublishedTable(
        "linkage",
        "Finding the same child in the three organisations' records",
        ["Figure"],
        link_rows,
        "Precision: the share of record pairs put in one child that are one child; recall: the "
        "share of one child's record pairs found. The linkage estimates both itself on every "
        "delivery, without knowing the truth; on synthetic data they are also measured against "
        "the truth.",
    )
    kept_out = protect_counts(np.array([[sum(int(q or 0) for *_, q in loads)]]), rules)[0][0]
    summary = (
        f"The data contracts kept {kept_out.text} delivered rows out of the figures and set "
        f"{quarantined.rows[-1][1][3].text} invalid identifiers to blank; the extract dates each "
        "figure rests on are listed below."
    )
    return Section("data_quality", "Data quality", summary, [quarantined, extracts, linkage_table])
