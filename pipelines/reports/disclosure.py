"""Disclosure control of published figures (rules in disclosure.yml; domain brief §5).

Counts: 0 stays 0, 1-7 become the symbol, every other count is rounded to the nearest 5.
Secondary suppression then hides further cells until no suppressed cell can be worked out from
the published cells of the lines it lies on (a row and its total, a column and its total; in the
report's tables, city + county = partnership and the categories add up to the total): every line
holding a suppressed cell holds at least two, and a check of the linear system the lines form
(is the cell's unit vector in the span of the line equations?) catches what a combination of
lines would give away. Rates, means and medians are computed from the unrounded counts and
suppressed when their base is below the minimum or when they would reveal a suppressed count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import yaml

RULES_FILE = Path(__file__).with_name("disclosure.yml")


@dataclass(frozen=True)
class Rules:
    suppress_from: int = 1
    suppress_to: int = 7
    symbol: str = "*"
    round_to: int = 5
    minimum_base: int = 8
    money_round_to: int = 1000
    secondary: bool = True


def load_rules(path: Path | str = RULES_FILE) -> Rules:
    raw = yaml.safe_load(Path(path).read_text())
    counts, rates, money = raw["counts"], raw["rates"], raw["money"]
    rules = Rules(
        suppress_from=int(counts["suppress_from"]),
        suppress_to=int(counts["suppress_to"]),
        symbol=str(counts["symbol"]),
        round_to=int(counts["round_to"]),
        minimum_base=int(rates["minimum_base"]),
        money_round_to=int(money["round_to"]),
        secondary=bool(raw["secondary"]["enabled"]),
    )
    if not 1 <= rules.suppress_from <= rules.suppress_to or rules.round_to < 1:
        raise ValueError(f"{path}: suppress_from <= suppress_to and round_to >= 1 required")
    return rules


@dataclass(frozen=True)
class Cell:
    """One published figure: its value after control (None when suppressed or not applicable;
    a date for a date) and the text the report and the workbook show."""

    value: float | date | None
    text: str
    suppressed: bool = False


NOT_APPLICABLE = Cell(None, "–")
BLANK = Cell(None, "")  # a cell the table does not show


def is_small(count: int | None, rules: Rules) -> bool:
    return count is not None and rules.suppress_from <= count <= rules.suppress_to


def rounded(count: int, rules: Rules) -> int:
    """Nearest multiple of the rounding base (halves up); 0 stays 0."""
    return int(rules.round_to * math.floor(count / rules.round_to + 0.5))


def _count_cell(count: int, suppressed: bool, rules: Rules) -> Cell:
    if suppressed:
        return Cell(None, rules.symbol, True)
    value = rounded(int(count), rules)
    return Cell(value, f"{value:,}")


# An equation the published cells satisfy: sum(coefficient x cell) = 0, e.g. city + county -
# partnership = 0. A margin (members then their total) is the equation +1 ... +1, -1.
Equation = list[tuple[tuple[int, int], int]]


def margin(cells: list[tuple[int, int]]) -> Equation:
    """The members (all but the last cell) add up to the total (the last cell)."""
    return [(cell, 1) for cell in cells[:-1]] + [(cells[-1], -1)]


def margins(shape: tuple[int, int], total_row: bool, total_column: bool) -> list[Equation]:
    """The equations of a table whose last column and/or last row are totals."""
    rows, columns = shape
    equations = []
    if total_column:
        equations += [margin([(r, c) for c in range(columns)]) for r in range(rows)]
    if total_row:
        equations += [margin([(r, c) for r in range(rows)]) for c in range(columns)]
    return equations


def derivable(suppressed: np.ndarray, equations: list[Equation]) -> list[tuple]:
    """Suppressed cells whose value the published cells determine exactly.

    With the published cells moved to the right-hand side, each equation is a linear equation in
    the suppressed cells; a cell is determined exactly when its unit vector lies in the span of
    those equations."""
    unknowns = [tuple(int(x) for x in i) for i in np.argwhere(suppressed)]
    if not unknowns:
        return []
    index = {cell: i for i, cell in enumerate(unknowns)}
    rows = []
    for equation in equations:
        row = np.zeros(len(unknowns))
        for cell, coefficient in equation:
            if cell in index:
                row[index[cell]] += coefficient
        if row.any():
            rows.append(row)
    if not rows:
        return []
    system = np.array(rows)
    rank = np.linalg.matrix_rank(system)
    found = []
    for cell, i in index.items():
        unit = np.zeros(len(unknowns))
        unit[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            found.append(cell)
    return found


def suppression_mask(
    counts: np.ndarray,
    rules: Rules,
    *,
    total_row: bool = False,
    total_column: bool = False,
    equations: list[Equation] | None = None,
    shown: np.ndarray | None = None,
) -> np.ndarray:
    """Which cells to suppress: the small ones, then enough others that none can be worked out.

    `counts` holds unrounded counts; with `total_column` its last column is the sum of the others
    (e.g. partnership = city + county), with `total_row` its last row the sum of the rows; any
    other relation between the cells is given as `equations`. Cells outside `shown` (all shown
    by default) are not published: unknown to the reader, never chosen to hide another cell,
    and protected like any other cell if they are small."""
    counts = np.asarray(counts, dtype=np.int64)
    hidden = np.zeros(counts.shape, bool) if shown is None else ~np.asarray(shown, dtype=bool)
    suppressed = (counts >= rules.suppress_from) & (counts <= rules.suppress_to)
    if not rules.secondary or not suppressed.any():
        return suppressed & ~hidden
    lines = margins(counts.shape, total_row, total_column) + list(equations or [])

    def hide_another(equation: Equation) -> bool:
        # The smallest published, non-zero cell of the equation (zeros stay published as 0).
        options = [
            cell
            for cell, _ in equation
            if not suppressed[cell] and not hidden[cell] and counts[cell] > 0
        ]
        if not options:
            return False
        suppressed[min(options, key=lambda cell: (counts[cell], cell))] = True
        return True

    while True:
        changed = False
        for equation in lines:
            unknown = [cell for cell, _ in equation if suppressed[cell] or hidden[cell]]
            if len(unknown) == 1 and suppressed[unknown[0]] and hide_another(equation):
                changed = True
        if changed:
            continue
        exposed = [cell for cell in derivable(suppressed | hidden, lines) if suppressed[cell]]
        if not exposed:
            return suppressed & ~hidden
        cell = exposed[0]
        if any(hide_another(eq) for eq in lines if cell in {c for c, _ in eq}):
            continue
        # Its own lines have nothing left to hide (the rest is zero or hidden): the cells that
        # pin it down are further away, so hide the smallest published cell of any line.
        if not hide_another([(c, 1) for eq in lines for c, _ in eq]):
            return suppressed & ~hidden  # every cell is zero or hidden


def protect_counts(
    counts: np.ndarray,
    rules: Rules,
    *,
    total_row: bool = False,
    total_column: bool = False,
    equations: list[Equation] | None = None,
    shown: np.ndarray | None = None,
) -> list[list[Cell]]:
    """The table's cells, disclosure-controlled (see suppression_mask); cells outside `shown`
    come back blank."""
    counts = np.asarray(counts, dtype=np.int64)
    mask = suppression_mask(
        counts,
        rules,
        total_row=total_row,
        total_column=total_column,
        equations=equations,
        shown=shown,
    )
    visible = np.ones(counts.shape, bool) if shown is None else np.asarray(shown, dtype=bool)
    return [
        [
            _count_cell(counts[r, c], bool(mask[r, c]), rules) if visible[r, c] else BLANK
            for c in range(counts.shape[1])
        ]
        for r in range(counts.shape[0])
    ]


def protect_rate(
    numerator: int | None,
    denominator: int | None,
    rules: Rules,
    *,
    numerator_hidden: bool = False,
) -> Cell:
    """A percentage from unrounded counts; suppressed on a small base or when it would reveal a
    small count (the numerator or the rest of the denominator)."""
    if not denominator:
        return NOT_APPLICABLE
    numerator = numerator or 0
    if (
        denominator < rules.minimum_base
        or numerator_hidden
        or is_small(numerator, rules)
        or is_small(denominator - numerator, rules)
    ):
        return Cell(None, rules.symbol, True)
    value = 100.0 * numerator / denominator
    return Cell(round(value, 1), f"{value:.1f}%")


def protect_average(value: float | None, base: int | None, rules: Rules, unit: str = "") -> Cell:
    """A mean or median over `base` children or events; suppressed on a small base."""
    if not base or value is None:
        return NOT_APPLICABLE
    if base < rules.minimum_base:
        return Cell(None, rules.symbol, True)
    return Cell(round(float(value), 1), f"{value:.1f}{unit}")


def protect_money(amount: float | None, base: int | None, rules: Rules) -> Cell:
    """Pounds, rounded; suppressed when fewer children than the minimum base are behind it."""
    if not base or amount is None:
        return NOT_APPLICABLE
    if base < rules.minimum_base:
        return Cell(None, rules.symbol, True)
    value = int(rules.money_round_to * math.floor(float(amount) / rules.money_round_to + 0.5))
    return Cell(value, f"£{value:,}")
