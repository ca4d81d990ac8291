"""Headline measures: 20-week timeliness against the region and England, plans in force
reconciled with the children who hold them, and children waiting for health services."""

from __future__ import annotations

from datetime import date

import numpy as np

from pipelines.reports.disclosure import (
    BLANK,
    Cell,
    Figure,
    Rules,
    figure,
    margin,
    protect_average,
    protect_counts,
    protect_rate,
    total,
)
from pipelines.reports.model import Chart, PublishedTable, Section
from pipelines.reports.sections.common import (
    COUNCILS,
    SERVICE_LABELS,
    fetch,
    published_value,
)


def section(con, rules: Rules, as_at: date) -> Section:
    year = as_at.year - 1 if as_at.month < 12 else as_at.year
    comparators = {
        (m, a): (v, n, d)
        for m, a, v, n, d in fetch(
            con,
            "select measure, area, value, numerator, denominator from ref_published_comparators",
        )
    }

    def yearly(measure: str) -> dict[str, tuple[Figure, Figure]]:
        """The year's numerator and denominator per area: each council's year rounded on its
        own (adding up 12 rounded months would move the headline by up to 48), the
        partnership the two councils together."""
        by_council = {
            area: (int(n or 0), int(d or 0))
            for area, n, d in fetch(
                con,
                "select area, sum(numerator), sum(denominator) from mart_kpis "
                "where measure = ? and area in ('city', 'county') and year(month) = ? "
                "group by area",
                [measure, year],
            )
        }
        figures = {
            area: tuple(figure(v, rules) for v in by_council.get(area, (0, 0))) for area in COUNCILS
        }
        figures["partnership"] = tuple(
            total([figures[a][i] for a in COUNCILS], rules) for i in (0, 1)
        )
        return figures

    columns = ["City", "County", "Partnership", "East Midlands", "England"]
    areas = ("city", "county", "partnership")
    rows = []
    for measure, label in (
        ("plans_within_20_weeks_pct", "Plans issued within 20 weeks"),
        ("plans_within_20_weeks_ex_exceptions_pct", "… leaving out exceptions"),
    ):
        year_figures = yearly(measure)
        ours = [protect_rate(*year_figures[area], rules) for area in areas]
        theirs = [
            published_value(comparators.get((measure, a), (None,))[0])
            for a in ("East Midlands", "England")
        ]
        rows.append((label, ours + theirs))
    issued = yearly("plans_within_20_weeks_pct")
    new_plans = [
        Cell(None, rules.symbol, True)
        if issued[a][1].true and issued[a][1].true <= rules.suppress_to
        else Cell(issued[a][1].shown, f"{issued[a][1].shown:,}")
        for a in areas
    ]
    theirs = [
        published_value(comparators.get(("new_plans", a), (None,))[0], "{:,.0f}")
        for a in ("East Midlands", "England")
    ]
    rows.append(("New plans issued", list(new_plans) + theirs))
    timeliness = PublishedTable(
        "headline_20_weeks",
        f"EHC plans issued within 20 weeks of the request, {year}",
        columns,
        rows,
        "DfE measure: plans issued in the calendar year within 20 weeks, as a share of all plans "
        "issued. East Midlands and England: DfE Education, health and care plans 2025 (Open "
        "Government Licence v3.0).",
    )

    # Plans in force reconciled with the children: the councils' counts of plans = children
    # counted once + plans of a child who holds another (real double counting) + plans whose
    # child cannot be identified. Each row says why the two figures differ.
    latest = fetch(con, "select max(month) from mart_kpis")[0][0]
    reconciled = (
        "plans_in_force",
        "children_with_plan_deduplicated",
        "plans_in_force_child_counted_again",
        "plans_in_force_child_unidentified",
    )
    value = {
        (area, measure): int(v or 0)
        for area, measure, v in fetch(
            con,
            "select area, measure, value from mart_kpis where month = ? and measure in "
            f"({', '.join('?' for _ in reconciled)})",
            [latest, *reconciled],
        )
    }
    counts = np.array([[value.get((a, m), 0) for a in areas] for m in reconciled])
    # The breakdown of the difference is published for the partnership only: per council it is a
    # handful of plans, and hiding it would mean hiding a council's plans or children as well.
    # city + county = partnership for plans; the partnership's plans = its children + counted
    # again + unidentified.
    last = len(areas) - 1
    equations = [
        margin([(0, 0), (0, 1), (0, 2)]),
        [((0, last), 1), ((1, last), -1), ((2, last), -1), ((3, last), -1)],
    ]
    shown = np.ones(counts.shape, bool)
    shown[2:, :last] = False
    cells = protect_counts(counts, rules, equations=equations, shown=shown)
    in_force_comparators = [
        published_value(comparators.get(("plans_in_force", a), (None,))[0], "{:,.0f}")
        for a in ("East Midlands", "England")
    ]
    in_force = PublishedTable(
        "headline_plans",
        f"EHC plans in force on {as_at:%-d %B %Y}",
        columns,
        [
            ("Plans in force (the councils' counts)", cells[0] + in_force_comparators),
            ("Children with a plan, each counted once", cells[1] + [BLANK, BLANK]),
            (
                "Plans of a child who holds another plan in force (counted twice)",
                cells[2] + [BLANK, BLANK],
            ),
            ("Plans whose child cannot be identified", cells[3] + [BLANK, BLANK]),
        ],
        "Plans in force = children counted once + plans of a child who holds another plan in "
        "force (in the partnership: a plan in each council, the only real double counting) + "
        "plans whose child cannot be identified (the person record the plan hangs on was "
        "quarantined at ingest; the plan counts in the councils' totals but in no count of "
        "children). Comparators: DfE, January 2025.",
    )

    # Health waits now, for children living in the two councils.
    service_rows = fetch(
        con,
        """select r.service,
            count(*) filter (where r.status = 'waiting' and c.resident_council = 'city'),
            count(*) filter (where r.status = 'waiting' and c.resident_council = 'county'),
            count(*) filter (where r.status = 'waiting'),
            count(*) filter (where r.status = 'waiting' and r.over_clock),
            any_value(r.clock_weeks)
        from fct_health_referrals r join dim_child c using (child_key)
        where c.resident_council in ('city', 'county')
        group by r.service""",
    )
    seen = {
        service: (median, p90, n)
        for service, median, p90, n in fetch(
            con,
            """select service,
                quantile_disc(wait_weeks, 0.5), quantile_disc(wait_weeks, 0.9), count(*)
            from fct_health_referrals r join dim_child c using (child_key)
            where c.resident_council in ('city', 'county') and r.first_seen_in_last_12_months
            group by service""",
        )
    }
    order = [s for s in SERVICE_LABELS if s in {r[0] for r in service_rows}]
    by_service = {r[0]: r for r in service_rows}
    counts = np.array([[by_service[s][1], by_service[s][2], by_service[s][3]] for s in order])
    waiting = protect_counts(counts, rules, total_column=True)
    health_rows = []
    for i, service in enumerate(order):
        _, in_city, in_county, _, beyond, clock = by_service[service]
        # of the waiting children as published: city + county
        waiting_here = total([figure(in_city, rules), figure(in_county, rules)], rules)
        median, p90, n = seen.get(service, (None, None, 0))
        health_rows.append(
            (
                SERVICE_LABELS[service],
                [
                    *waiting[i],
                    protect_rate(beyond, waiting_here, rules),
                    Cell(float(clock), f"{clock}"),
                    protect_average(median, n, rules),
                    protect_average(p90, n, rules),
                ],
            )
        )
    context = comparators.get(("health_waiting_over_18_weeks_pct", "England"))
    # The services' clocks as the reference table holds them (18 weeks; 13 for autism)
    clocks: dict[int, list[str]] = {}
    for service in order:
        clocks.setdefault(int(by_service[service][5]), []).append(service)
    usual = max(clocks, key=lambda weeks: len(clocks[weeks]))
    others = {weeks: services for weeks, services in clocks.items() if weeks != usual}
    clock_text = (
        "The clock is "
        + "".join(
            f"{weeks} weeks for {' and '.join(SERVICE_LABELS[s].lower() for s in services)}, "
            for weeks, services in sorted(others.items())
        )
        + (f"{usual} weeks for the other services." if others else f"{usual} weeks.")
    )
    reference = {f"{usual}-week clock": float(usual)} | {
        f"{weeks}-week clock: {', '.join(SERVICE_LABELS[s].lower() for s in services)}": float(
            weeks
        )
        for weeks, services in sorted(others.items())
    }
    health = PublishedTable(
        "headline_health",
        f"Children waiting for community health services on {as_at:%-d %B %Y}",
        [
            "Waiting: city",
            "Waiting: county",
            "Waiting: partnership",
            "% beyond the clock",
            "Clock (weeks)",
            "Median wait, weeks (seen in last 12 months)",
            "90th percentile, weeks",
        ],
        health_rows,
        f"Waiting: an open referral with no first attended contact. {clock_text} "
        + (
            f"England context: {context[0]:.1f}% of children waiting for community health "
            "services had waited more than 18 weeks (RCPCH, 2024)."
            if context
            else ""
        ),
    )
    charts = [
        Chart(
            "chart_health_waits",
            "Median weeks from referral to first contact, by service (last 12 months)",
            "bar",
            [SERVICE_LABELS[s] for s in order],
            {"Median wait": [row[1][5] for row in health_rows]},
            unit="weeks",
            reference=reference,
            category_name="Service",
        )
    ]
    p = timeliness.cell("Plans issued within 20 weeks", "Partnership")
    e = timeliness.cell("Plans issued within 20 weeks", "England")
    naive = in_force.rows[0][1][2].text
    once = in_force.rows[1][1][2].text
    summary = (
        f"In {year} the partnership issued {p.text} of new EHC plans within 20 weeks "
        f"(England {e.text}). On {as_at:%-d %B %Y} {naive} plans were in force, held by "
        f"{once} children."
    )
    return Section(
        "headline",
        "Headline measures",
        summary,
        [timeliness, in_force, health],
        charts,
    )
