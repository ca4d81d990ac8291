"""Children who moved between the city and the county with a plan, and whether it was taken on."""

from __future__ import annotations

from pipelines.reports.disclosure import (
    Figure,
    Rules,
    protect_rate,
    published_counts,
)
from pipelines.reports.model import Section
from pipelines.reports.sections.common import (
    COUNCILS,
    count_table,
    fetch,
    with_margins,
)


def section(con, rules: Rules) -> Section:
    rows = fetch(
        con,
        """select from_council,
            count(*) filter (where taken_on = 'within 6 weeks'),
            count(*) filter (where taken_on = 'late'),
            count(*) filter (where taken_on = 'not yet')
        from fct_council_moves
        where moved_there and ceased_in_last_24_months
            and taken_on <> 'not known'
        group by from_council""",
    )
    by = {council: rest for council, *rest in rows}
    body = [list(by.get(c, (0, 0, 0))) for c in COUNCILS]
    matrix = with_margins(body)
    shown = published_counts(matrix, rules, total_row=True, total_column=True)
    rates = [
        protect_rate(Figure(int(m[0]), int(p[0])), Figure(int(m[3]), int(p[3])), rules)
        for m, p in zip(matrix, shown, strict=True)
    ]
    table = count_table(
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
