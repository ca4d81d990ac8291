"""What changed since the last delivery: gaps opened and closed, overlaps begun and resolved."""

from __future__ import annotations

from pipelines.reports.disclosure import (
    Rules,
)
from pipelines.reports.model import Section
from pipelines.reports.sections.common import (
    count_table,
    fetch,
    with_margins,
)

CHANGES = {
    "gap opened": "Gaps opened",
    "gap closed": "Gaps closed",
    "overlap began": "Overlaps begun",
    "overlap resolved": "Overlaps resolved",
}
CHANGE_ORGANISATIONS = {"city": "City", "county": "County", "icb": "ICB", "city+county": "Both"}


def section(con, rules: Rules) -> Section:
    rows = fetch(
        con,
        """select previous_as_at, change, organisation, sum(instances)
        from mart_changes_since_last_delivery group by all""",
    )
    title = "Since the last delivery"
    if not rows:
        return Section(
            "since_last_delivery",
            title,
            "This is the first delivery the warehouse holds: from the next one, this section "
            "shows the gaps opened and closed and the overlaps begun and resolved since.",
        )
    previous = rows[0][0]
    found = {(change, org): int(n) for _, change, org, n in rows}
    body = [[found.get((c, o), 0) for o in CHANGE_ORGANISATIONS] for c in CHANGES]
    table = count_table(
        "since_last_delivery",
        f"Gaps and overlaps that changed since the delivery of {previous:%-d %B %Y}",
        list(CHANGES.values()),
        [*CHANGE_ORGANISATIONS.values(), "All"],
        with_margins(body, total_row=False),
        rules,
        total_row=False,
        total_column=True,
        note="From mart_changes_since_last_delivery: a gap or overlap is the same in both "
        "deliveries when its type, child, organisation, service and start day agree. Opened: "
        "open now, not then (new, or newly past its clock); closed: open then, closed or gone "
        "now. Both: gaps and overlaps between the two councils.",
    )
    cells = {label: cells for label, cells in table.rows}
    summary = (
        f"Since the delivery of {previous:%-d %B %Y}: {cells['Gaps opened'][-1].text} gaps "
        f"opened and {cells['Gaps closed'][-1].text} closed; "
        f"{cells['Overlaps begun'][-1].text} overlaps began and "
        f"{cells['Overlaps resolved'][-1].text} were resolved."
    )
    return Section("since_last_delivery", title, summary, [table])
