"""An intruder's attack on the published partnership report: how much can be worked out about
each suppressed or rounded figure from every published cell, percentage and base together?

Written from the report alone, as an intruder would: it reads the workbook the report publishes,
the rounding rule the report states on its About sheet, and the relations a careful reader sees
in the tables (city + county = partnership, members add up to "All", a month's figures repeat in
the headline's year, a percentage is its numerator over the base beside it). It does not import
the report's code or its disclosure control.

Every count the report publishes or suppresses, and every count hidden behind a published or
suppressed percentage, is an unknown integer. The published cells bound them (a rounded count
lies within the rounding of its value; a suppressed count is at least 1; 0 is exact), and the
relations tie them together. For each unknown an integer program (HiGHS, through SciPy) finds its
smallest and largest value consistent with everything published. A figure is *disclosed* when it
is pinned to at most two values (other than a count known to be 0, which only repeats a
published zero).

    python bench/disclosure_attack.py data/reports/send_partnership_report_<date>.xlsx
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

SUPPRESSED = "*"
BIG = 10_000_000  # no count in the report is larger
SMALLEST_SHOWN = 8  # the report shows counts of 1 to 7 as the symbol


@dataclass
class Grid:
    """One sheet's table: its title, column headers and rows of cells by label."""

    title: str
    columns: list[str]
    rows: dict[str, dict[str, object]]


def read_workbook(path: Path) -> tuple[str, dict[str, Grid]]:
    """The About sheet's text and every table sheet as a grid (header on the third row)."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    about, grids = "", {}
    for sheet in book.worksheets:
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        if sheet.title == "About":
            about = " ".join(str(v) for row in values for v in row if v is not None)
            continue
        if len(values) < 4:
            continue
        columns = [str(c) for c in values[2][1:] if c is not None]
        rows = {}
        for row in values[3:]:
            if row[0] is None or all(v is None for v in row[1:]):
                continue  # a note below the table
            rows[str(row[0])] = dict(zip(columns, row[1 : len(columns) + 1], strict=False))
        grids[sheet.title] = Grid(str(values[0][0]), columns, rows)
    return about, grids


@dataclass
class Observation:
    """A count as the report shows it: a rounded value, the suppression symbol, or nothing (a
    count the report never shows, behind a percentage)."""

    name: str
    quantity: str  # the true count it shows; the same quantity in two tables is one unknown
    shown: object  # int, SUPPRESSED or None


@dataclass
class Model:
    observations: dict[str, Observation] = field(default_factory=dict)
    sums: list[tuple[list[str], str]] = field(default_factory=list)  # members, total
    # totals the report rounds on their own (the headline's year), not added up from the parts
    rounded_alone: set[str] = field(default_factory=set)
    rates: list[tuple[float, str, str]] = field(default_factory=list)  # %, numerator, base
    at_most: list[tuple[str, str]] = field(default_factory=list)  # a <= b (quantities)
    adjusted: set[str] = field(default_factory=set)  # made to add up (no rounding bound)

    def count(self, name: str, quantity: str, shown: object) -> str:
        if isinstance(shown, float) and shown.is_integer():
            shown = int(shown)
        if shown is not None and shown != SUPPRESSED and not isinstance(shown, int):
            raise ValueError(f"{name}: {shown!r} is not a count")
        self.observations[name] = Observation(name, quantity, shown)
        return name

    def hidden(self, name: str, quantity: str) -> str:
        return self.count(name, quantity, None)

    def add_sum(self, members: list[str], total: str) -> None:
        self.sums.append((members, total))

    def add_rate(self, shown: object, numerator: str, base: str) -> None:
        if isinstance(shown, int | float):
            self.rates.append((float(shown), numerator, base))


# --- what a reader sees in the tables ------------------------------------------------------------

AREAS = ("city", "county", "partnership")
MONTH = re.compile(r"^([A-Z][a-z]{2}) (\d{4})")


def _month(label: str) -> str:
    match = MONTH.match(label)
    return f"{match.group(1)} {match.group(2)}" if match else label


def _areas_by_column(model: Model, sheet: str, grid: Grid, prefix: str, quantity: str) -> None:
    """Columns '<prefix>: city/county/partnership', a row per month: partnership = city + county."""
    for label, cells in grid.rows.items():
        month = _month(label)
        names = [
            model.count(
                f"{sheet}|{label}|{prefix}: {area}",
                f"{quantity}|{area}|{month}",
                cells[f"{prefix}: {area}"],
            )
            for area in AREAS
        ]
        model.add_sum(names[:2], names[2])


def _members_and_total(model, sheet, grid, members, total, quantity_of, *, total_row=None):
    """Each row: the member columns add up to the total column; with `total_row`, each column's
    rows add up to that row."""
    names = {}
    for label, cells in grid.rows.items():
        for column in [*members, total]:
            names[label, column] = model.count(
                f"{sheet}|{label}|{column}", quantity_of(label, column), cells[column]
            )
        model.add_sum([names[label, c] for c in members], names[label, total])
    if total_row:
        for column in [*members, total]:
            model.add_sum(
                [names[r, column] for r in grid.rows if r != total_row], names[total_row, column]
            )
    return names


def build_model(grids: dict[str, Grid]) -> Model:
    model = Model()

    # Trends: requests and new plans by month and area.
    name = "Trends - requests, new plans"
    if name in grids:
        _areas_by_column(model, name, grids[name], "Requests", "requests")
        _areas_by_column(model, name, grids[name], "New plans", "new_plans")

    # Trends: timeliness, a percentage of the month's new plans (the count beside it, above) and
    # of review decisions (a base never shown).
    name = "Trends - timeliness"
    if name in grids:
        for label, cells in grids[name].rows.items():
            month = _month(label)
            for measure, base_quantity in (
                ("Plans in 20 weeks", "new_plans"),
                ("Reviews in 4 weeks", "reviews"),
            ):
                numerators, bases = [], []
                for area in AREAS:
                    numerator = model.hidden(
                        f"{name}|{label}|{measure}: {area}|numerator", f"{measure}|{area}|{month}"
                    )
                    base_name = f"{name}|{label}|{measure}: {area}|base"
                    if (
                        base_quantity == "new_plans"
                        and f"Trends - requests, new plans|{label}|New plans: {area}"
                        in model.observations
                    ):
                        base_name = f"Trends - requests, new plans|{label}|New plans: {area}"
                    else:
                        model.hidden(base_name, f"{base_quantity}|{area}|{month}")
                    model.at_most.append(
                        (f"{measure}|{area}|{month}", f"{base_quantity}|{area}|{month}")
                    )
                    model.add_rate(cells[f"{measure}: {area}"], numerator, base_name)
                    numerators.append(numerator)
                    bases.append(base_name)
                model.add_sum(numerators[:2], numerators[2])
                if base_quantity == "reviews":
                    model.add_sum(bases[:2], bases[2])

    # Headline: the calendar year's plans, and within 20 weeks, are the year's months added up.
    name = "Headline - 20 weeks"
    if name in grids:
        grid = grids[name]
        year = re.search(r"(\d{4})\s*$", grid.title).group(1)
        months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()  # noqa: SIM905
        columns = {"city": "City", "county": "County", "partnership": "Partnership"}
        trend_rows = (
            list(grids["Trends - requests, new plans"].rows)
            if "Trends - requests, new plans" in grids
            else []
        )
        new, within, within_ex, base_ex = {}, {}, {}, {}
        for area, column in columns.items():
            new[area] = model.count(
                f"{name}|new|{area}",
                f"new_plans|{area}|{year}",
                grid.rows["New plans issued"][column],
            )
            within[area] = model.hidden(f"{name}|within|{area}", f"Plans in 20 weeks|{area}|{year}")
            within_ex[area] = model.hidden(f"{name}|within_ex|{area}", f"within_ex|{area}|{year}")
            base_ex[area] = model.hidden(f"{name}|base_ex|{area}", f"base_ex|{area}|{year}")
            model.add_rate(
                grid.rows["Plans issued within 20 weeks"][column], within[area], new[area]
            )
            model.add_rate(
                grid.rows["… leaving out exceptions"][column], within_ex[area], base_ex[area]
            )
            model.at_most.append((f"base_ex|{area}|{year}", f"new_plans|{area}|{year}"))
            model.at_most.append((f"within_ex|{area}|{year}", f"Plans in 20 weeks|{area}|{year}"))
            # the year's months, as the monthly tables show them
            for quantity, total in (("new_plans", new[area]), ("Plans in 20 weeks", within[area])):
                parts = []
                for m in months:
                    label = next((r for r in trend_rows if _month(r) == f"{m} {year}"), None)
                    shown_in = (
                        f"Trends - requests, new plans|{label}|New plans: {area}"
                        if quantity == "new_plans"
                        else f"Trends - timeliness|{label}|Plans in 20 weeks: {area}|numerator"
                    )
                    if label is None or shown_in not in model.observations:
                        shown_in = model.hidden(
                            f"{name}|{quantity}|{area}|{m} {year}", f"{quantity}|{area}|{m} {year}"
                        )
                    parts.append(shown_in)
                model.add_sum(parts, total)
                model.rounded_alone.add(total)
        for group in (new, within, within_ex, base_ex):
            model.add_sum([group["city"], group["county"]], group["partnership"])

    # Headline: plans in force on the as-at date (the last month of the plans-in-force trend).
    name = "Headline - plans in force"
    trend = grids.get("Trends - plans in force")
    if name in grids:
        grid = grids[name]
        last = _month(list(trend.rows)[-1]) if trend else "as-at"
        plans = [
            model.count(
                f"{name}|plans|{a}",
                f"plans_in_force|{a}|{last}",
                grid.rows["Plans in force (the councils' counts)"][c],
            )
            for a, c in zip(AREAS, ("City", "County", "Partnership"), strict=True)
        ]
        model.add_sum(plans[:2], plans[2])
        once = grid.rows["Children with a plan, each counted once"]["Partnership"]
        twice = grid.rows["Plans of a child who holds another plan in force (counted twice)"][
            "Partnership"
        ]
        unknown = grid.rows["Plans whose child cannot be identified"]["Partnership"]
        parts = [
            model.count(f"{name}|once", f"children_with_plan|{last}", once),
            model.count(f"{name}|twice", f"plans_twice|{last}", twice),
            model.count(f"{name}|unknown", f"plans_unknown|{last}", unknown),
        ]
        model.add_sum(parts, plans[2])
        # the partnership's plans are city + county; the report says the second breakdown's
        # largest figure is the one made to add up
        model.adjusted.add(parts[0])
        for area, column in (("city", "City"), ("county", "County")):
            model.count(
                f"{name}|once|{area}",
                f"children_with_plan|{area}|{last}",
                grid.rows["Children with a plan, each counted once"][column],
            )
    if trend:
        _areas_by_column(model, "Trends - plans in force", trend, "Plans", "plans_in_force")
        for label, cells in trend.rows.items():
            month = _month(label)
            model.count(
                f"Trends - plans in force|{label}|children",
                f"children_with_plan|{month}",
                cells["Children, each once"],
            )
            model.at_most.append(
                (f"children_with_plan|{month}", f"plans_in_force|partnership|{month}")
            )

    # Headline: children waiting for health services now (city + county = partnership); the
    # waiting-list trend counts differently (every child, wherever they live), so it stands alone.
    name = "Headline - health waits"
    waits = grids.get("Trends - health waiting lists")
    last = _month(list(waits.rows)[-1]) if waits else "as-at"
    if name in grids:
        for service, cells in grids[name].rows.items():
            names = [
                model.count(
                    f"{name}|{service}|{a}", f"waiting|{service}|{a}|{last}", cells[f"Waiting: {a}"]
                )
                for a in AREAS
            ]
            model.add_sum(names[:2], names[2])
            beyond = model.hidden(f"{name}|{service}|beyond", f"waiting_beyond|{service}|{last}")
            model.add_rate(cells["% beyond the clock"], beyond, names[2])
    if waits:
        for label, cells in waits.rows.items():
            for service in waits.columns:
                model.count(
                    f"Trends - health waiting lists|{label}|{service}",
                    f"waiting_trend|{service}|{_month(label)}",
                    cells[service],
                )

    # Overlaps: by type and when (rows and columns add up), by residence (running or ended in the
    # last 12 months: the first two columns of the first table).
    name = "Overlaps by type and when"
    if name in grids:
        grid = grids[name]
        when = ["Running on", "Ended in the last 12 months", "Ended earlier"]
        columns = [next(c for c in grid.columns if c.startswith(w)) for w in when]
        _members_and_total(
            model,
            name,
            grid,
            columns,
            "All",
            lambda r, c: f"overlaps|{r}|{c}",
            total_row="All overlaps",
        )
        for label in grid.rows:
            recent = model.hidden(f"{name}|{label}|recent", f"overlaps|{label}|recent")
            model.add_sum([f"{name}|{label}|{columns[0]}", f"{name}|{label}|{columns[1]}"], recent)
    name = "Overlaps by where child lives"
    if name in grids:
        grid = grids[name]
        _members_and_total(
            model,
            name,
            grid,
            ["City", "County", "Elsewhere or unknown"],
            "All",
            lambda r, c: f"overlaps|{r}|recent" if c == "All" else f"overlaps_where|{r}|{c}",
            total_row="All overlaps",
        )

    # Gaps: by type and who must act; by district (each column adds up to its type's "All"); by
    # primary need (each actor's column adds up to the actor's gaps of every type); by service.
    name = "Gaps by type"
    if name in grids:
        grid = grids[name]
        actors = ["City council", "County council", "ICB"]
        _members_and_total(model, name, grid, actors, "All", lambda r, c: f"gaps|{r}|{c}")
        short = grids.get("Gaps by district")
        if short:
            for (label, _), column in zip(grid.rows.items(), short.columns, strict=False):
                for district, cells in short.rows.items():
                    quantity = (
                        f"gaps|{label}|All"
                        if district == "All districts"
                        else f"gaps_district|{district}|{column}"
                    )
                    model.count(f"Gaps by district|{district}|{column}", quantity, cells[column])
                model.add_sum(
                    [f"Gaps by district|{d}|{column}" for d in short.rows if d != "All districts"],
                    f"Gaps by district|All districts|{column}",
                )
        need = grids.get("Gaps by primary need")
        if need:
            _members_and_total(
                model,
                "Gaps by primary need",
                need,
                actors,
                "All",
                lambda r, c: f"gaps_need|{r}|{c}",
            )
            for actor in [*actors, "All"]:
                # one unknown, added up in two breakdowns (each its own rounded total)
                by_type = model.hidden(f"{name}|every type|{actor}", f"gaps_every_type|{actor}")
                by_need = model.hidden(f"{name}|every need|{actor}", f"gaps_every_type|{actor}")
                model.add_sum([f"{name}|{label}|{actor}" for label in grid.rows], by_type)
                model.add_sum([f"Gaps by primary need|{n}|{actor}" for n in need.rows], by_need)
    name = "Gaps by health service"
    if name in grids and "Gaps by type" in grids:
        grid = grids[name]
        types = list(grids["Gaps by type"].rows)
        wait_type = next(t for t in types if t.startswith("Waiting for a first health contact"))
        need_type = next(t for t in types if t.startswith("Autism or SLCN plan"))
        _members_and_total(
            model,
            name,
            grid,
            ["Waiting beyond the clock", "Plan need with no referral"],
            "All",
            lambda r, c: {
                ("All services", "Waiting beyond the clock"): f"gaps|{wait_type}|All",
                ("All services", "Plan need with no referral"): f"gaps|{need_type}|All",
            }.get((r, c), f"gaps_service|{r}|{c}"),
            total_row="All services",
        )

    # Moves between the councils: both ways = city to county + county to city; the columns add
    # up to all moves; the percentage is of all moves.
    name = "Moves between the councils"
    if name in grids:
        grid = grids[name]
        members = ["Taken on within 6 weeks", "Taken on late", "Not yet taken on"]
        _members_and_total(
            model,
            name,
            grid,
            members,
            "All moves",
            lambda r, c: f"moves|{r}|{c}",
            total_row="Both ways",
        )
        for label, cells in grid.rows.items():
            model.add_rate(
                cells["% taken on within 6 weeks"],
                f"{name}|{label}|Taken on within 6 weeks",
                f"{name}|{label}|All moves",
            )

    # Data quality: rows kept out by reason and source.
    name = "Rows kept out or corrected"
    if name in grids:
        _members_and_total(
            model,
            name,
            grids[name],
            ["City", "County", "ICB"],
            "All",
            lambda r, c: f"kept_out|{r}|{c}",
        )
    return model


# --- the attack ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    quantity: str
    shown_as: str  # what the report shows: a value, the symbol, or "behind a percentage"
    low: int
    high: int


def rounding_of(about: str) -> tuple[str, int]:
    """The rounding rule the report states: nearest multiple of 5 (a count within 2 of what is
    shown), or random rounding to a multiple of 5 (within 4) with totals and percentages made
    from the rounded figures."""
    text = about.lower()
    if "randomly" in text or "random rounding" in text:
        return "random", 4
    return "nearest", 2


def attack(workbook: Path) -> tuple[list[Finding], int]:
    """Every figure pinned to at most two values, and how many figures were attacked."""
    about, grids = read_workbook(workbook)
    method, width = rounding_of(about)
    model = build_model(grids)
    obs = model.observations
    quantities = sorted({o.quantity for o in obs.values()})
    q_index = {q: i for i, q in enumerate(quantities)}
    # rounded values (in units of 5) of each observation, used when totals and percentages are
    # made from the rounded figures
    r_names = sorted(obs) if method == "random" else []
    r_index = {n: len(quantities) + i for i, n in enumerate(r_names)}
    n_vars = len(quantities) + len(r_names)
    lower = np.zeros(n_vars)
    upper = np.full(n_vars, float(BIG))
    rows: list[tuple[dict[int, float], float, float]] = []

    def x(name: str) -> int:
        return q_index[obs[name].quantity]

    derived = ({total for _, total in model.sums} - model.rounded_alone) | model.adjusted
    for o in obs.values():
        i = q_index[o.quantity]
        if o.shown == SUPPRESSED:
            lower[i] = max(lower[i], 1)
        elif isinstance(o.shown, int):
            if o.shown == 0:  # 0 is exact, also as a total
                upper[i] = 0
            elif o.name in derived and method == "random":
                pass  # a total is the sum of its rounded parts: only the parts are bounded
            else:
                lower[i] = max(lower[i], o.shown - width)
                upper[i] = min(upper[i], o.shown + width)
            if o.shown != 0:
                lower[i] = max(lower[i], SMALLEST_SHOWN)  # 1 to 7 would be shown as the symbol
        if method == "random":
            j = r_index[o.name]
            if isinstance(o.shown, int):
                lower[j] = upper[j] = o.shown / 5
            if o.name not in derived:  # a total is the sum of its rounded parts, not rounded
                rows.append(({i: 1.0, j: -5.0}, -width, width))  # |x - 5k| <= width
    for members, total in model.sums:
        coefficients: dict[int, float] = defaultdict(float)
        for m in members:
            coefficients[x(m)] += 1
        coefficients[x(total)] -= 1
        rows.append((dict(coefficients), 0, 0))
        if method == "random" and total not in model.rounded_alone:
            coefficients = defaultdict(float)
            for m in members:
                coefficients[r_index[m]] += 1
            coefficients[r_index[total]] -= 1
            rows.append((dict(coefficients), 0, 0))
    for pct, numerator, base in model.rates:
        low, high = (pct - 0.05) / 100, (pct + 0.05) / 100
        n, d = (
            (r_index[numerator], r_index[base]) if method == "random" else (x(numerator), x(base))
        )
        rows.append(({n: 1.0, d: -low}, 0, np.inf))
        rows.append(({n: 1.0, d: -high}, -np.inf, 0))
    for a, b in model.at_most:
        if a in q_index and b in q_index:
            rows.append(({q_index[a]: 1.0, q_index[b]: -1.0}, -np.inf, 0))

    # Solve each connected group of unknowns on its own.
    parent = list(range(n_vars))

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for coefficients, _, _ in rows:
        first, *rest = coefficients
        for v in rest:
            parent[find(v)] = find(first)
    groups: dict[int, list[int]] = defaultdict(list)
    for v in range(n_vars):
        groups[find(v)].append(v)
    group_rows: dict[int, list] = defaultdict(list)
    for row in rows:
        group_rows[find(next(iter(row[0])))].append(row)

    shown_as = {}
    for o in obs.values():
        label = "behind a percentage" if o.shown is None else str(o.shown)
        if shown_as.get(o.quantity) in (None, "behind a percentage"):
            shown_as[o.quantity] = label
    targets = [q for q in quantities if shown_as[q] != "0"]
    findings = []
    infeasible = []
    for root, members in groups.items():
        local = {v: i for i, v in enumerate(members)}
        matrix = lil_matrix((max(len(group_rows[root]), 1), len(members)))
        lo, hi = [], []
        for r, (coefficients, a, b) in enumerate(group_rows[root]):
            for v, c in coefficients.items():
                matrix[r, local[v]] = c
            lo.append(a)
            hi.append(b)
        constraints = [LinearConstraint(matrix.tocsr(), lo, hi)] if group_rows[root] else []
        bounds = Bounds(lower[members], upper[members])
        integrality = np.ones(len(members))
        for q in (quantities[v] for v in members if v < len(quantities)):
            if q not in targets:
                continue
            c = np.zeros(len(members))
            c[local[q_index[q]]] = 1.0
            low = milp(c, constraints=constraints, bounds=bounds, integrality=integrality)
            high = milp(-c, constraints=constraints, bounds=bounds, integrality=integrality)
            if low.status != 0 or high.status != 0:
                infeasible.append(q)
                continue
            lo_value, hi_value = round(low.fun), round(-high.fun)
            # pinned to 0 only repeats a published zero (0 stays 0 by rule, e.g. plans issued
            # within 20 weeks in a month that issued none): nothing hidden is given away
            if hi_value - lo_value <= 1 and hi_value > 0:
                findings.append(Finding(q, shown_as[q], lo_value, hi_value))
    if infeasible:
        raise ValueError(
            f"the published figures contradict the attacker's model for {len(infeasible)} "
            f"figure(s), e.g. {infeasible[:3]}: a relation read into the tables is wrong"
        )
    return findings, len(targets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", type=Path)
    args = parser.parse_args(argv)
    findings, attacked = attack(args.workbook)
    print(f"{attacked} figures attacked; {len(findings)} pinned to at most two values")
    for f in findings:
        value = f"{f.low}" if f.low == f.high else f"{f.low} or {f.high}"
        print(f"  {f.quantity} (shown as {f.shown_as}): {value}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
