"""What the partnership report says: every figure, read from the analysts' warehouse and put
through disclosure control before anything is drawn or written.

The report is built from aggregates only (never a child-level row). Each table is a
`PublishedTable` of controlled `Cell`s; the HTML report and the workbook both render exactly
these tables, so they are suppressed identically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

from pipelines.reports.disclosure import (
    BLANK,
    NOT_APPLICABLE,
    Cell,
    Figure,
    Rules,
    figure,
    margin,
    protect_average,
    protect_counts,
    protect_money,
    protect_rate,
    published_counts,
    total,
)

OVERLAP_LABELS = {
    "dual_plans": "EHC plans in force in both councils beyond the transfer window",
    "dual_topup": "Top-up funding paid by both councils for the same period",
    "dual_assessment": "EHC needs assessments running in both councils",
    "duplicate_referral": "Two open referrals to the same health service",
    "dual_caseload": "On both councils' SEND caseloads at the census",
}
# Each gap type: its label, and its short form for column headers (docs/marts.md defines them)
GAP_TYPES = {
    "request_no_decision": ("Request with no decision after 6 weeks", "No decision in 6 weeks"),
    "assessment_no_plan": ("Assessment with no final plan after 20 weeks", "No plan in 20 weeks"),
    "transfer_not_taken_on": ("Plan not taken on within 6 weeks of a move", "Move not taken on"),
    "annual_review_overdue": ("Annual review more than 12 months ago", "Review overdue"),
    "review_decision_late": ("Review decision later than 4 weeks", "Review decision late"),
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
GAP_LABELS = {gap: label for gap, (label, _) in GAP_TYPES.items()}
GAP_SHORT = {gap: short for gap, (_, short) in GAP_TYPES.items()}
SERVICE_LABELS = {
    "slt": "Speech and language therapy",
    "ot": "Occupational therapy",
    "physio": "Physiotherapy",
    "community_paediatrics": "Community paediatrics",
    "neurodevelopmental": "Neurodevelopmental (autism) assessment",
    "camhs": "CAMHS",
}
COUNCILS = ("city", "county")
# The data contracts' rules (schemas/checks.py) in words.
RULE_LABELS = {
    "code_list": "A code not in its code list",
    "date_format": "Not a date",
    "date_order": "Dates in the wrong order",
    "not_after_extract_date": "A date after the extract date",
    "required": "A required value missing",
    "unique": "A record id delivered twice",
}
RESIDENCE = ("City", "County", "Elsewhere or unknown", "All")


# Each table's sheet in the workbook, by the table's key: readable, and within Excel's rules for
# a sheet name (at most 31 characters, unique, none of [ ] : * ? / \).
SHEET_NAMES = {
    "headline_20_weeks": "Headline - 20 weeks",
    "headline_plans": "Headline - plans in force",
    "headline_health": "Headline - health waits",
    "trends_monthly": "Trends - requests, new plans",
    "trends_timeliness": "Trends - timeliness",
    "trends_caseload": "Trends - plans in force",
    "trends_health_waiting": "Trends - health waiting lists",
    "overlaps_by_period": "Overlaps by type and when",
    "overlaps": "Overlaps by where child lives",
    "gaps_by_type": "Gaps by type",
    "gaps_by_district": "Gaps by district",
    "gaps_by_need": "Gaps by primary need",
    "gaps_by_service": "Gaps by health service",
    "movement": "Moves between the councils",
    "since_last_delivery": "Since the last delivery",
    "quarantine": "Rows kept out or corrected",
    "extracts": "Extracts",
    "linkage": "Record linkage",
}


@dataclass
class PublishedTable:
    key: str  # short name: the HTML table's id, and the key of its sheet's name
    title: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]]
    note: str = ""

    @property
    def sheet(self) -> str:
        """The table's sheet in the workbook."""
        return SHEET_NAMES[self.key]

    def cell(self, row: str, column: str) -> Cell:
        index = self.columns.index(column)
        return next(cells[index] for label, cells in self.rows if label == row)


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "line" or "bar"
    categories: list[str]  # x axis (months) or bar labels
    series: dict[str, list[Cell]]  # one controlled value per category
    unit: str = ""
    reference: dict[str, float] = field(default_factory=dict)  # labelled horizontal lines
    note: str = ""
    category_name: str = "Month"  # what a category is: the header of its column of figures


@dataclass
class Section:
    key: str
    title: str
    summary: str
    tables: list[PublishedTable] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Report:
    as_at: date
    published_at: str
    census_date: date
    oldest_extract: date
    sections: list[Section]
    rules: Rules
    warnings: list[str] = field(default_factory=list)  # banners above everything else


# Deliveries are monthly: figures older than two missed deliveries are stale.
STALE_AFTER_DAYS = 62


def report_warnings(as_at: date, published_on: date, synthetic: bool) -> list[str]:
    """What a reader must know before reading any figure: synthetic data, and stale data."""
    warnings = []
    if synthetic:
        warnings.append(
            "Synthetic data: these figures come from extracts written by the project's generator "
            "(the landing folder holds its truth files), not from the councils' or the ICB's "
            "records. They show how the report works and say nothing about any real child or "
            "service."
        )
    age = (published_on - as_at).days
    if age > STALE_AFTER_DAYS:
        warnings.append(
            f"Out of date: the figures describe {as_at:%-d %B %Y}, {age:,} days before this "
            f"report was published ({published_on:%-d %B %Y}). No newer extract has been "
            "delivered; check with the data team before acting on them."
        )
    return warnings


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _count_table(
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


def _with_margins(body: list[list[int]], *, total_row: bool = True) -> np.ndarray:
    """The counts with a total column (each row's sum) and, by default, a total row."""
    matrix = np.array([[*row, sum(row)] for row in body], dtype=np.int64)
    if total_row:
        matrix = np.vstack([matrix, matrix.sum(axis=0, keepdims=True)])
    return matrix


def _published(value: float | None, fmt: str = "{:.1f}%") -> Cell:
    if value is None:
        return NOT_APPLICABLE
    return Cell(float(value), fmt.format(value))


# --- headline --------------------------------------------------------------------------------


def _headline(con, rules: Rules, as_at: date) -> Section:
    year = as_at.year - 1 if as_at.month < 12 else as_at.year
    comparators = {
        (m, a): (v, n, d)
        for m, a, v, n, d in _rows(
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
            for area, n, d in _rows(
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
            _published(comparators.get((measure, a), (None,))[0])
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
        _published(comparators.get(("new_plans", a), (None,))[0], "{:,.0f}")
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
    latest = _rows(con, "select max(month) from mart_kpis")[0][0]
    reconciled = (
        "plans_in_force",
        "children_with_plan_deduplicated",
        "plans_in_force_child_counted_again",
        "plans_in_force_child_unidentified",
    )
    value = {
        (area, measure): int(v or 0)
        for area, measure, v in _rows(
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
        _published(comparators.get(("plans_in_force", a), (None,))[0], "{:,.0f}")
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
    service_rows = _rows(
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
        for service, median, p90, n in _rows(
            con,
            """select service,
                quantile_disc(wait_weeks, 0.5), quantile_disc(wait_weeks, 0.9), count(*)
            from fct_health_referrals r join dim_child c using (child_key)
            where c.resident_council in ('city', 'county') and first_contact_date is not null
              and first_contact_date > (select as_at from about) - interval 12 month
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
        "Waiting: an open referral with no first attended contact. The clock is 13 weeks for a "
        "neurodevelopmental (autism) assessment (NICE QS51) and 18 weeks for the other services. "
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
            reference={"18-week clock": 18.0, "13-week clock (autism)": 13.0},
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


# --- trends -----------------------------------------------------------------------------------


def _trends(con, rules: Rules) -> Section:
    spans = _rows(
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
        for month, area, measure, service, numerator, denominator, value in _rows(
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


# --- overlaps and gaps ------------------------------------------------------------------------


def _by_residence(con, table: str, type_column: str, types: dict[str, str], where: str = "true"):
    """Counts of instances by type and the council the child lives in, with margins."""
    found = {
        (kind, residence): n
        for kind, residence, n in _rows(
            con,
            f"""select {type_column},
                case resident_council when 'city' then 'City' when 'county' then 'County'
                    else 'Elsewhere or unknown' end,
                count(*)
            from {table} where {where} group by all""",
        )
    }
    body = [[found.get((kind, r), 0) for r in RESIDENCE[:3]] for kind in types]
    return _with_margins(body)


OVERLAP_PERIODS = ("current", "ended in the last 12 months", "ended earlier")
RECENT = "period in ('current', 'ended in the last 12 months')"


def _overlaps(con, rules: Rules, as_at: date) -> Section:
    found = {
        (kind, period): n
        for kind, period, n in _rows(
            con, "select overlap_type, period, count(*) from mart_overlaps group by all"
        )
    }
    body = [[found.get((kind, p), 0) for p in OVERLAP_PERIODS] for kind in OVERLAP_LABELS]
    by_period_counts = _with_margins(body)
    costs = dict(
        _rows(
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
    by_period = _count_table(
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
    residence = _count_table(
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


def _gaps(con, rules: Rules) -> Section:
    organisations = ("city", "county", "icb")
    found = {
        (kind, org): (n, median, p90)
        for kind, org, n, median, p90 in _rows(
            con,
            """select gap_type, organisation, count(*),
                quantile_disc(days_outstanding, 0.5), quantile_disc(days_outstanding, 0.9)
            from mart_gaps where status = 'open' group by all""",
        )
    }
    overall = {
        kind: (n, median, p90)
        for kind, n, median, p90 in _rows(
            con,
            """select gap_type, count(*), quantile_disc(days_outstanding, 0.5),
                quantile_disc(days_outstanding, 0.9)
            from mart_gaps where status = 'open' group by all""",
        )
    }
    body = [[found.get((k, o), (0, None, None))[0] for o in organisations] for k in GAP_LABELS]
    # No total over the gap types: they are different measures (a child can be in several),
    # and a total row would make one small count hide a whole statutory row beside it.
    matrix = _with_margins(body, total_row=False)
    medians = [
        protect_average(overall.get(k, (0, None, None))[1], overall.get(k, (0,))[0], rules, " days")
        for k in GAP_LABELS
    ]
    by_type = _count_table(
        "gaps_by_type",
        "Children falling between the organisations: open gaps by type and who must act",
        list(GAP_LABELS.values()),
        ["City council", "County council", "ICB", "All"],
        matrix,
        rules,
        total_row=False,
        total_column=True,
        extra={"Median days past the clock (or since it began)": medians},
        note="Open on the as-at date. A child can have several gaps, so the types are not added "
        "up. Days: past the statutory clock where there is one (docs/marts.md), otherwise since "
        "the gap began.",
    )

    # by district: each row a district, columns the gap types, with margins
    districts = [
        d for (d,) in _rows(con, "select distinct district_name from dim_child order by 1")
    ]
    found = {
        (d, k): n
        for d, k, n in _rows(
            con,
            "select district_name, gap_type, count(*) from mart_gaps where status = 'open' "
            "group by all",
        )
    }
    body = [[found.get((d, k), 0) for k in GAP_SHORT] for d in districts]
    # districts add up to all districts; the gap types are not added up (see gaps_by_type)
    matrix = np.vstack([np.array(body, dtype=np.int64), np.array(body, dtype=np.int64).sum(0)])
    by_district = _count_table(
        "gaps_by_district",
        "Open gaps by the district the child lives in",
        [*districts, "All districts"],
        list(GAP_SHORT.values()),
        matrix,
        rules,
        total_row=True,
        total_column=False,
        note="Columns are the gap types of the table above, in short.",
    )

    # Needs in words (the code in brackets, as the DfE publishes them)
    described = dict(_rows(con, "select sen_type, description from ref_sen_types order by 1"))
    needs = list(described)
    found = {
        (n, o): c
        for n, o, c in _rows(
            con,
            "select coalesce(primary_need, 'unknown'), organisation, count(*) from mart_gaps "
            "where status = 'open' group by all",
        )
    }
    rows = [*needs, "unknown"]
    body = [[found.get((n, o), 0) for o in organisations] for n in rows]
    # no total over all needs: that would be a total over the gap types (see gaps_by_type)
    matrix = _with_margins(body, total_row=False)
    by_need = _count_table(
        "gaps_by_need",
        "Open gaps by the child's primary need and who must act",
        [
            *(f"{described[n]} ({n})" for n in needs),
            "No need recorded (no plan or SEN support entry)",
        ],
        ["City council", "County council", "ICB", "All"],
        matrix,
        rules,
        total_row=False,
        total_column=True,
        note="A child's primary need comes from their EHC plan or SEN support entry; a child "
        "known only to health has none recorded, which is why that row is large.",
    )

    services = [s for s in SERVICE_LABELS]
    found = {
        (s, k): n
        for s, k, n in _rows(
            con,
            "select service, gap_type, count(*) from mart_gaps "
            "where status = 'open' and service is not null group by all",
        )
    }
    kinds = ["health_wait_over_clock", "health_need_no_referral"]
    body = [[found.get((s, k), 0) for k in kinds] for s in services]
    matrix = _with_margins(body)
    by_service = _count_table(
        "gaps_by_service",
        "Open health gaps by service",
        [*(SERVICE_LABELS[s] for s in services), "All services"],
        ["Waiting beyond the clock", "Plan need with no referral", "All"],
        matrix,
        rules,
        total_row=True,
        total_column=True,
    )
    chart = Chart(
        "chart_gaps",
        "Open gaps by type and who must act",
        "bar",
        list(GAP_LABELS.values()),
        {
            "City council": [row[1][0] for row in by_type.rows],
            "County council": [row[1][1] for row in by_type.rows],
            "ICB": [row[1][2] for row in by_type.rows],
        },
        category_name="Gap type",
    )
    largest = sorted(
        (row for row in by_type.rows if row[1][3].value is not None),
        key=lambda row: -row[1][3].value,
    )[:3]
    summary = (
        "Open on the as-at date, the largest gaps: "
        + "; ".join(f"{label} ({cells[3].text})" for label, cells in largest)
        + "."
    )
    return Section(
        "gaps",
        "Where children fall between the organisations",
        summary,
        [by_type, by_district, by_need, by_service],
        [chart],
    )


# --- moving between the councils --------------------------------------------------------------


def _movement(con, rules: Rules) -> Section:
    rows = _rows(
        con,
        """select from_council,
            count(*) filter (where taken_on = 'within 6 weeks'),
            count(*) filter (where taken_on = 'late'),
            count(*) filter (where taken_on = 'not yet')
        from fct_council_moves
        where moved_there and cease_date > (select as_at from about) - interval 24 month
            and taken_on <> 'not known'
        group by from_council""",
    )
    by = {council: rest for council, *rest in rows}
    body = [list(by.get(c, (0, 0, 0))) for c in COUNCILS]
    matrix = _with_margins(body)
    shown = published_counts(matrix, rules, total_row=True, total_column=True)
    rates = [
        protect_rate(Figure(int(m[0]), int(p[0])), Figure(int(m[3]), int(p[3])), rules)
        for m, p in zip(matrix, shown, strict=True)
    ]
    table = _count_table(
        "movement",
        "Children who moved between the councils with an EHC plan (plans ceased in the last 24 "
        "months for transfer)",
        ["City to county", "County to city", "Both ways"],
        ["Taken on within 6 weeks", "Taken on late", "Not yet taken on", "All moves"],
        matrix,
        rules,
        total_row=True,
        total_column=True,
        extra={"% taken on within 6 weeks": rates},
        note="A move (fct_council_moves): a plan ceased because the child moved to another LA, "
        "where the child now lives in, has a plan with, or was referred for assessment to the "
        "other council. Taken on: the other council's plan started by 6 weeks after the old plan "
        "ceased. Left out: moves with no plan found where a record of the other council that "
        "may be it was kept out at ingest (not known).",
    )
    summary = (
        f"{table.rows[-1][1][3].text} children moved between the councils with a plan in the "
        f"last 24 months; {table.rows[-1][1][4].text} of their plans were taken on within "
        "6 weeks."
    )
    return Section("movement", "Moving between the city and the county", summary, [table])


# --- since the last delivery ------------------------------------------------------------

CHANGES = {
    "gap opened": "Gaps opened",
    "gap closed": "Gaps closed",
    "overlap began": "Overlaps begun",
    "overlap resolved": "Overlaps resolved",
}
CHANGE_ORGANISATIONS = {"city": "City", "county": "County", "icb": "ICB", "city+county": "Both"}


def _since_last_delivery(con, rules: Rules) -> Section:
    rows = _rows(
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
    table = _count_table(
        "since_last_delivery",
        f"Gaps and overlaps that changed since the delivery of {previous:%-d %B %Y}",
        list(CHANGES.values()),
        [*CHANGE_ORGANISATIONS.values(), "All"],
        _with_margins(body, total_row=False),
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


# --- data quality -------------------------------------------------------------------------


def _data_quality(con, rules: Rules) -> Section:
    """From the quality aggregates the publish step counted in the restricted zone."""
    sources = ("city", "county", "icb")
    quarantine = _rows(
        con,
        "select rule, source, rows from quality_quarantine where severity = 'error'",
    )
    nulled = _rows(
        con,
        "select source, sum(findings) from quality_quarantine where severity = 'warning' "
        "group by all",
    )
    loads = _rows(
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
    ) = _rows(
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
    reasons = sorted({rule for rule, _, _ in quarantine}, key=lambda r: RULE_LABELS.get(r, r))
    found = {(rule, source): n for rule, source, n in quarantine}
    body = [[found.get((r, s), 0) for s in sources] for r in reasons] or [[0, 0, 0]]
    nulled_by = dict(nulled)
    body.append([nulled_by.get(s, 0) for s in sources])
    matrix = _with_margins(body, total_row=False)
    quarantined = _count_table(
        "quarantine",
        "Rows the data contracts kept out (quarantined) or corrected, by source and reason",
        [*(RULE_LABELS.get(r, r) for r in reasons), "Invalid identifier set to blank (row kept)"],
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


def build_report(analytics: Path, rules: Rules) -> Report:
    """Every section of the report from the published warehouse alone (the analysts' tier:
    its marts and the data-quality aggregates the publish step counted)."""
    with duckdb.connect(str(analytics), read_only=True) as con:
        published_at, as_at, oldest, census, synthetic = con.execute(
            "select published_at, as_at, oldest_extract_date, census_date, synthetic from about"
        ).fetchone()
        sections = [
            _headline(con, rules, as_at),
            _trends(con, rules),
            _overlaps(con, rules, as_at),
            _gaps(con, rules),
            _movement(con, rules),
            _since_last_delivery(con, rules),
            _data_quality(con, rules),
        ]
    return Report(
        as_at=as_at,
        published_at=f"{published_at:%-d %B %Y %H:%M}",
        census_date=census,
        oldest_extract=oldest,
        sections=sections,
        rules=rules,
        warnings=report_warnings(as_at, published_at.date(), synthetic=bool(synthetic)),
    )
