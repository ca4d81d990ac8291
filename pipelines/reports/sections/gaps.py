"""Children falling between the organisations: open gaps by type and who must act, by district,
primary need and health service."""

from __future__ import annotations

import numpy as np

from pipelines.reports.disclosure import (
    Rules,
    protect_average,
)
from pipelines.reports.model import Chart, Section
from pipelines.reports.sections.common import (
    SERVICE_LABELS,
    count_table,
    fetch,
    gap_labels,
    with_margins,
)


def section(con, rules: Rules) -> Section:
    labels, short = gap_labels(con)
    organisations = ("city", "county", "icb")
    found = {
        (kind, org): (n, median, p90)
        for kind, org, n, median, p90 in fetch(
            con,
            """select gap_type, organisation, count(*),
                quantile_disc(days_outstanding, 0.5), quantile_disc(days_outstanding, 0.9)
            from mart_gaps where status = 'open' group by all""",
        )
    }
    overall = {
        kind: (n, median, p90)
        for kind, n, median, p90 in fetch(
            con,
            """select gap_type, count(*), quantile_disc(days_outstanding, 0.5),
                quantile_disc(days_outstanding, 0.9)
            from mart_gaps where status = 'open' group by all""",
        )
    }
    body = [[found.get((k, o), (0, None, None))[0] for o in organisations] for k in labels]
    # No total over the gap types: they are different measures (a child can be in several),
    # and a total row would make one small count hide a whole statutory row beside it.
    matrix = with_margins(body, total_row=False)
    medians = [
        protect_average(overall.get(k, (0, None, None))[1], overall.get(k, (0,))[0], rules, " days")
        for k in labels
    ]
    by_type = count_table(
        "gaps_by_type",
        "Children falling between the organisations: open gaps by type and who must act",
        list(labels.values()),
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
        d for (d,) in fetch(con, "select distinct district_name from dim_child order by 1")
    ]
    found = {
        (d, k): n
        for d, k, n in fetch(
            con,
            "select district_name, gap_type, count(*) from mart_gaps where status = 'open' "
            "group by all",
        )
    }
    body = [[found.get((d, k), 0) for k in short] for d in districts]
    # districts add up to all districts; the gap types are not added up (see gaps_by_type)
    matrix = np.vstack([np.array(body, dtype=np.int64), np.array(body, dtype=np.int64).sum(0)])
    by_district = count_table(
        "gaps_by_district",
        "Open gaps by the district the child lives in",
        [*districts, "All districts"],
        list(short.values()),
        matrix,
        rules,
        total_row=True,
        total_column=False,
        note="Columns are the gap types of the table above, in short.",
    )

    # Needs in words (the code in brackets, as the DfE publishes them)
    described = dict(fetch(con, "select sen_type, description from ref_sen_types order by 1"))
    needs = list(described)
    found = {
        (n, o): c
        for n, o, c in fetch(
            con,
            "select coalesce(primary_need, 'unknown'), organisation, count(*) from mart_gaps "
            "where status = 'open' group by all",
        )
    }
    rows = [*needs, "unknown"]
    body = [[found.get((n, o), 0) for o in organisations] for n in rows]
    # no total over all needs: that would be a total over the gap types (see gaps_by_type)
    matrix = with_margins(body, total_row=False)
    by_need = count_table(
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
        for s, k, n in fetch(
            con,
            "select service, gap_type, count(*) from mart_gaps "
            "where status = 'open' and service is not null group by all",
        )
    }
    kinds = ["health_wait_over_clock", "health_need_no_referral"]
    body = [[found.get((s, k), 0) for k in kinds] for s in services]
    matrix = with_margins(body)
    by_service = count_table(
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
        list(labels.values()),
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
