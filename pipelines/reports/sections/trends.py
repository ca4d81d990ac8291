"""Trends over 24 months: requests, new plans, timeliness, plans in force and health waiting
lists by month."""

from __future__ import annotations

import numpy as np

from pipelines.reports.disclosure import (
    Cell,
    Figure,
    Rules,
    figure,
    protect_counts,
    protect_rate,
    total,
)
from pipelines.reports.model import Chart, PublishedTable, Section
from pipelines.reports.sections.common import (
    COUNCILS,
    SERVICE_LABELS,
    fetch,
)


def section(con, rules: Rules) -> Section:
    spans = fetch(
        con, "select distinct month, month_end, is_partial_month from mart_kpis order by month"
    )
    months = [m for m, _, _ in spans]
    # A part month (the last one, to the as-at date) is labelled as such, and left out of the
    # charts of monthly flows (requests, plans issued, rates), where it would look like a fall.
    labels = [
        f"{m:%b %Y} (to {end:%-d %b}, part month)" if partial else f"{m:%b %Y}"
        for m, end, partial in spans
    ]
    whole = [i for i, (_, _, partial) in enumerate(spans) if not partial]
    kpis: dict[tuple, tuple] = {
        (month, area, measure, service): (numerator, denominator, value)
        for month, area, measure, service, numerator, denominator, value in fetch(
            con,
            "select month, area, measure, service, numerator, denominator, value from mart_kpis",
        )
    }
    areas = ("city", "county", "partnership")

    def counts(measure: str, service: str | None = None) -> list[list[Cell]]:
        """One row per month: city, county, partnership (= city + county)."""
        matrix = np.array(
            [[int(kpis[(m, a, measure, service)][2] or 0) for a in areas] for m in months]
        )
        return protect_counts(matrix, rules, total_column=True)

    def fractions(month, measure: str) -> list[tuple[Figure, Figure]]:
        """Numerator and denominator of each area; the partnership's are the councils' added
        up, as its counts are."""
        councils = [
            tuple(figure(kpis[(month, a, measure, None)][i], rules) for i in (0, 1))
            for a in COUNCILS
        ]
        return [*councils, tuple(total([c[i] for c in councils], rules) for i in (0, 1))]

    def rates(measure: str) -> list[list[Cell]]:
        return [[protect_rate(*f, rules) for f in fractions(m, measure)] for m in months]

    requests = counts("requests_received")
    new_plans = counts("new_plans")
    within = rates("plans_within_20_weeks_pct")
    plans = counts("plans_in_force")
    # children once: the partnership's children with its own double count, as in the headline
    children = []
    for m in months:
        c = [int(kpis[(m, a, "children_with_plan_deduplicated", None)][2] or 0) for a in areas]
        matrix = np.array([[c[0], c[1], c[2], c[0] + c[1] - c[2]]])
        children.append(
            protect_counts(
                matrix, rules, equations=[[((0, 0), 1), ((0, 1), 1), ((0, 2), -1), ((0, 3), -1)]]
            )[0]
        )
    reviews = rates("annual_reviews_within_4_weeks_pct")

    # Three narrow tables rather than one of 16 columns: each fits a screen, a phone and A4.
    def monthly_table(key: str, title: str, columns: list[str], cells, note: str):
        rows = [(label, [c for part in cells for c in part[i]]) for i, label in enumerate(labels)]
        return PublishedTable(key, title, columns, rows, note)

    part_month = "The last month is part of a month (to the as-at date)."
    flows = monthly_table(
        "trends_monthly",
        "EHC needs assessment requests and new plans by month",
        [
            "Requests: city",
            "Requests: county",
            "Requests: partnership",
            "New plans: city",
            "New plans: county",
            "New plans: partnership",
        ],
        [requests, new_plans],
        part_month,
    )
    timeliness = monthly_table(
        "trends_timeliness",
        "Timeliness by month: plans within 20 weeks, review decisions within 4 weeks",
        [
            "Plans in 20 weeks: city",
            "Plans in 20 weeks: county",
            "Plans in 20 weeks: partnership",
            "Reviews in 4 weeks: city",
            "Reviews in 4 weeks: county",
            "Reviews in 4 weeks: partnership",
        ],
        [within, reviews],
        part_month,
    )
    caseload = monthly_table(
        "trends_caseload",
        "EHC plans in force and the children holding them, at each month end",
        ["Plans: city", "Plans: county", "Plans: partnership", "Children, each once"],
        [plans, [[row[2]] for row in children]],
        "Counted at the end of each month (the last on the as-at date).",
    )
    services = [
        s for s in SERVICE_LABELS if (months[-1], "partnership", "health_waiting_list", s) in kpis
    ]
    waiting_matrix = np.array(
        [
            [int(kpis[(m, "partnership", "health_waiting_list", s)][2] or 0) for s in services]
            for m in months
        ]
    )
    waiting = protect_counts(waiting_matrix, rules)
    waiting_table = PublishedTable(
        "trends_health_waiting",
        "Children waiting for a first contact at each month end, by service (partnership)",
        [SERVICE_LABELS[s] for s in services],
        list(zip(labels, waiting, strict=True)),
    )
    england = con.execute(
        "select value from ref_published_comparators "
        "where measure = 'plans_within_20_weeks_pct' and area = 'England'"
    ).fetchone()
    charts = [
        Chart(
            "chart_requests",
            "EHC needs assessment requests received per month (whole months)",
            "line",
            [labels[i] for i in whole],
            {
                "City": [requests[i][0] for i in whole],
                "County": [requests[i][1] for i in whole],
            },
        ),
        Chart(
            "chart_timeliness",
            "New EHC plans issued within 20 weeks, per month (whole months)",
            "line",
            [labels[i] for i in whole],
            {
                "City": [within[i][0] for i in whole],
                "County": [within[i][1] for i in whole],
                "Partnership": [within[i][2] for i in whole],
            },
            unit="%",
            reference={"England 2024": float(england[0])} if england else {},
            note="A month shown as * had fewer than 8 new plans, or 1 to 7 plans issued within (or "
            "beyond) 20 weeks: with the month's plans published, the percentage would reveal "
            "that small count.",
        ),
        Chart(
            "chart_plans",
            "EHC plans in force and children holding them (partnership)",
            "line",
            labels,
            {
                "Plans (sum of the councils)": [r[2] for r in plans],
                "Children, each counted once": [r[2] for r in children],
            },
        ),
        Chart(
            "chart_health_waiting",
            "Children waiting for a first contact, by service (partnership)",
            "line",
            labels,
            {SERVICE_LABELS[s]: [row[j] for row in waiting] for j, s in enumerate(services)},
        ),
    ]

    # Single months swing widely (a few dozen plans each): the trend compares the last 12 whole
    # months with the whole months before them, each pooled (plans within 20 weeks / plans).
    def pooled(indices: list[int]) -> Cell:
        partnership = [fractions(months[i], "plans_within_20_weeks_pct")[2] for i in indices]
        return protect_rate(
            total([n for n, _ in partnership], rules),
            total([d for _, d in partnership], rules),
            rules,
        )

    recent, earlier = whole[-12:], whole[:-12]
    summary = (
        f"In the 12 whole months to {months[recent[-1]]:%B %Y} the partnership issued "
        f"{pooled(recent).text} of new plans within 20 weeks"
    )
    if earlier:
        summary += (
            f", against {pooled(earlier).text} in the {len(earlier)} months before "
            f"({months[earlier[0]]:%B %Y} to {months[earlier[-1]]:%B %Y})"
        )
    summary += "."
    return Section(
        "trends",
        "Trends over 24 months",
        summary,
        [flows, timeliness, caseload, waiting_table],
        charts,
    )
