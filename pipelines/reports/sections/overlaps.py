"""Children served twice: overlaps by type and when they happened, what paying twice costs,
and where the children live."""

from __future__ import annotations

from datetime import date

from pipelines.reports.disclosure import (
    NOT_APPLICABLE,
    Rules,
    protect_money,
)
from pipelines.reports.model import Chart, Section
from pipelines.reports.sections.common import (
    OVERLAP_LABELS,
    RESIDENCE,
    count_table,
    fetch,
    with_margins,
)


def _by_residence(con, table: str, type_column: str, types: dict[str, str], where: str = "true"):
    """Counts of instances by type and the council the child lives in, with margins."""
    found = {
        (kind, residence): n
        for kind, residence, n in fetch(
            con,
            f"""select {type_column},
                case resident_council when 'city' then 'City' when 'county' then 'County'
                    else 'Elsewhere or unknown' end,
                count(*)
            from {table} where {where} group by all""",
        )
    }
    body = [[found.get((kind, r), 0) for r in RESIDENCE[:3]] for kind in types]
    return with_margins(body)


OVERLAP_PERIODS = ("current", "ended in the last 12 months", "ended earlier")
RECENT = "period in ('current', 'ended in the last 12 months')"


def section(con, rules: Rules, as_at: date) -> Section:
    found = {
        (kind, period): n
        for kind, period, n in fetch(
            con, "select overlap_type, period, count(*) from mart_overlaps group by all"
        )
    }
    body = [[found.get((kind, p), 0) for p in OVERLAP_PERIODS] for kind in OVERLAP_LABELS]
    by_period_counts = with_margins(body)
    costs = dict(
        fetch(
            con,
            f"""select overlap_type, sum(estimated_cost_gbp) from mart_overlaps
            where estimated_cost_gbp is not null and {RECENT} group by 1""",
        )
    )
    recent = by_period_counts[:, 0] + by_period_counts[:, 1]
    cost_cells = [
        protect_money(costs.get(kind), int(recent[i]), rules) if kind in costs else NOT_APPLICABLE
        for i, kind in enumerate(OVERLAP_LABELS)
    ]
    # The total adds only the published costs: with one type's cost hidden, a total of all
    # would give it away by subtraction.
    shown = [
        (float(costs[kind]), int(recent[i]))
        for i, kind in enumerate(OVERLAP_LABELS)
        if kind in costs and cost_cells[i].value is not None
    ]
    cost_cells.append(protect_money(sum(c for c, _ in shown), sum(n for _, n in shown), rules))
    by_period = count_table(
        "overlaps_by_period",
        "Children served twice: instances by type and when",
        [*OVERLAP_LABELS.values(), "All overlaps"],
        [f"Running on {as_at:%-d %B %Y}", "Ended in the last 12 months", "Ended earlier", "All"],
        by_period_counts,
        rules,
        total_row=True,
        total_column=True,
        extra={"Cost of paying twice (running or ended in the last 12 months)": cost_cells},
        note="One row per instance (a child can be in several); the extracts reach back years, "
        "so earlier overlaps are history. Cost: for top-up paid by both councils, the days they "
        "overlap / 365 × the smaller annual amount; for plans in force in both councils, the "
        "top-up either paid during the overlap. The total cost adds the costs shown: a cost "
        "hidden because it rests on too few instances is left out of it.",
    )
    residence = count_table(
        "overlaps",
        "Children served twice, running or ended in the last 12 months, by where the child lives",
        [*OVERLAP_LABELS.values(), "All overlaps"],
        list(RESIDENCE),
        _by_residence(con, "mart_overlaps", "overlap_type", OVERLAP_LABELS, RECENT),
        rules,
        total_row=True,
        total_column=True,
        note="Where the child lives on the as-at date (dim_child).",
    )
    chart = Chart(
        "chart_overlaps",
        "Overlaps by type: running now and ended in the last 12 months (partnership)",
        "bar",
        list(OVERLAP_LABELS.values()),
        {
            "Running now": [row[1][0] for row in by_period.rows[:-1]],
            "Ended in the last 12 months": [row[1][1] for row in by_period.rows[:-1]],
        },
        category_name="Overlap type",
    )
    running, ended, earlier = (by_period.rows[-1][1][i].text for i in range(3))
    summary = (
        f"{running} instances of children served twice were running on {as_at:%-d %B %Y} and "
        f"{ended} ended in the last 12 months; for those, the partners paid "
        f"{by_period.rows[-1][1][4].text} twice where the cost is known. {earlier} earlier "
        "instances are history."
    )
    return Section(
        "overlaps",
        "Where the partners serve a child twice",
        summary,
        [by_period, residence],
        [chart],
    )
