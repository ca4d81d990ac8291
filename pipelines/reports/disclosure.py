"""Disclosure control of published figures (rules in disclosure.yml; domain brief §5).

Counts: 0 stays 0, 1-7 become the symbol, every other count is rounded to a multiple of 5. By
default the rounding is random and keyed (ONS and ABS practice): a count goes up or down to a
neighbouring multiple of 5 with a probability that makes it unbiased, decided by a secret derived
from the pseudonymisation key, so the same count always rounds the same way (in every table and
every rerun) and nobody without the key can tell which way it went. Totals are then the sums of
the rounded figures they add up, and percentages are worked out from the rounded figures: every
published figure is a function of the rounded counts, so putting tables, totals and percentages
side by side tells an intruder nothing that each rounded count does not (bench/disclosure_attack.py
tries). Rounding to the nearest 5 with independently rounded totals and exact percentages
(`rounding: nearest`) lets totals and percentages pin many counts to one or two values.
Secondary suppression then hides further cells until no suppressed cell can be worked out from
the published cells of the lines it lies on (a row and its total, a column and its total; in the
report's tables, city + county = partnership and the categories add up to the total): every line
holding a suppressed cell holds at least two, and a check of the linear system the lines form
(is the cell's unit vector in the span of the line equations?) catches what a combination of
lines would give away. Rates, means and medians are computed from the unrounded counts and
suppressed when their base is below the minimum or when they would reveal a suppressed count.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass, replace
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
    rounding: str = "random"  # or "nearest"
    secret: bytes = b""  # decides the random rounding; see keyed()

    def keyed(self, key: bytes) -> Rules:
        """These rules with the rounding secret derived from the pseudonymisation key."""
        return replace(self, secret=hmac.new(key, b"report-rounding", hashlib.sha256).digest())


ROUNDINGS = ("random", "nearest")


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
        rounding=str(counts.get("rounding", "random")),
    )
    if not 1 <= rules.suppress_from <= rules.suppress_to or rules.round_to < 1:
        raise ValueError(f"{path}: suppress_from <= suppress_to and round_to >= 1 required")
    if rules.rounding not in ROUNDINGS:
        raise ValueError(f"{path}: counts.rounding must be one of {ROUNDINGS}")
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
    """The count as published: a multiple of the rounding base; 0 stays 0.

    Random (the default): up or down to a neighbouring multiple, up when the count's remainder
    exceeds a threshold drawn for its band (between two multiples) from the secret. Over secrets
    a count goes up with probability remainder / base, so it is unbiased; within a band a larger
    count never rounds below a smaller one (a part never exceeds its whole). A small count (the
    suppressed range) rounds to 0 or the base, never to a value that would narrow it, and a count
    just above it (8, 9) to 10, never into it. Nearest:
    to the nearest multiple, halves up."""
    base = rules.round_to
    if rules.rounding == "nearest":
        return int(base * math.floor(count / base + 0.5))
    band, remainder = divmod(int(count), base)
    if remainder == 0:
        return int(count)
    if not rules.secret:
        raise ValueError("random rounding needs the rules keyed with the pseudonymisation key")
    digest = hmac.new(rules.secret, f"band:{band}".encode(), hashlib.sha256).digest()
    threshold = int.from_bytes(digest[:8], "big") / 2**64 * base  # uniform in [0, base)
    up = remainder > threshold
    if is_small(count, rules):
        return base if up or band >= 1 else 0
    # A count above the suppressed range is never shown inside it (8 as 5 would say "8 or 9").
    return max((band + up) * base, _smallest_shown(rules))


def _smallest_shown(rules: Rules) -> int:
    """The smallest multiple of the base above the suppressed range (10 for 1-7 and base 5)."""
    return (rules.suppress_to // rules.round_to + 1) * rules.round_to


def _count_cell(value: int, suppressed: bool, rules: Rules) -> Cell:
    if suppressed:
        return Cell(None, rules.symbol, True)
    return Cell(int(value), f"{int(value):,}")


@dataclass(frozen=True)
class Figure:
    """A count and the value it is published as; figures add up both ways (a total's published
    value is the sum of its parts' published values)."""

    true: int
    shown: int

    def __add__(self, other: Figure) -> Figure:
        return Figure(self.true + other.true, self.shown + other.shown)


def figure(count: int | None, rules: Rules) -> Figure:
    count = int(count or 0)
    return Figure(count, rounded(count, rules))


def total(figures, rules: Rules) -> Figure:
    """The sum of figures, published as the sum of their published values (with nearest
    rounding: the total rounded on its own)."""
    figures = list(figures)
    true = sum(f.true for f in figures)
    if rules.rounding == "nearest":
        return figure(true, rules)
    return Figure(true, sum(f.shown for f in figures))


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


def _total_of(equation: Equation) -> tuple[int, int] | None:
    """The total of an equation in margin form (one coefficient of the opposite sign to all the
    others); None for any other equation."""
    positive = [cell for cell, c in equation if c > 0]
    negative = [cell for cell, c in equation if c < 0]
    if len(negative) == 1 and len(positive) >= 1:
        return negative[0]
    if len(positive) == 1 and len(negative) >= 1:
        return positive[0]
    return None


def published_counts(
    counts: np.ndarray,
    rules: Rules,
    *,
    total_row: bool = False,
    total_column: bool = False,
    equations: list[Equation] | None = None,
) -> np.ndarray:
    """The value each cell is published as (before suppression hides any).

    With random rounding, every cell that is no equation's total is rounded on its own; each
    total is then the sum of its members' published values, so the published table adds up and
    its totals say nothing a member does not. Where a total is fixed by an earlier equation (a
    figure that is the total of two breakdowns), the later breakdown's largest member is the sum
    of the rest instead. A total of published zeros over a true count above 0 raises its largest
    hidden member to the base. With nearest rounding every cell is rounded on its own."""
    counts = np.asarray(counts, dtype=np.int64)
    shown = np.vectorize(lambda c: rounded(int(c), rules), otypes=[np.int64])(counts)
    if rules.rounding == "nearest" or counts.size == 0:
        return shown
    lines = margins(counts.shape, total_row, total_column) + list(equations or [])
    lines = [(eq, _total_of(eq)) for eq in lines]
    lines = [(eq, t) for eq, t in lines if t is not None]
    totals = {t for _, t in lines}
    leaves = {tuple(int(i) for i in c) for c in np.argwhere(np.ones(counts.shape, bool))} - totals

    def solve(values: np.ndarray, equation: Equation, cell: tuple[int, int]) -> int:
        # sum(coefficient x value) = 0, solved for one cell
        rest = sum(k * values[c] for c, k in equation if c != cell)
        return int(-rest // dict(equation)[cell])

    while True:
        values, fixed, pending = shown.copy(), set(leaves), list(lines)
        while pending:
            ready = [(eq, t) for eq, t in pending if all(c in fixed for c, _ in eq if c != t)]
            for eq, t in ready or pending[:1]:  # a cycle of totals: settle the first in order
                pending.remove((eq, t))
                if t in fixed:  # fixed by an earlier breakdown: its largest member adds up
                    adjust = max((c for c, _ in eq if c != t), key=lambda c: (counts[c], c))
                    values[adjust] = solve(values, eq, adjust)
                else:
                    values[t] = solve(values, eq, t)
                    fixed.add(t)
        raise_at = _member_to_raise(counts, shown, values, lines, leaves, rules)
        if raise_at is None:
            return values
        shown[raise_at] = rules.round_to


def _member_to_raise(counts, shown, values, lines, leaves, rules: Rules) -> tuple | None:
    """A total published as 0 over a true count above 0 would say "none", and one published inside
    the suppressed range would look small: the first such total's largest member that rounded to 0
    (a small count, for which the base is as likely), to be raised to the base."""
    floor = _smallest_shown(rules)
    for equation, t in lines:
        if (values[t] == 0 and counts[t] > 0) or (
            values[t] < floor and counts[t] > rules.suppress_to
        ):
            members = [c for c, _ in equation if c in leaves and counts[c] > 0 and shown[c] == 0]
            if members:
                return max(members, key=lambda c: (counts[c], c))
    return None


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
    values = published_counts(
        counts, rules, total_row=total_row, total_column=total_column, equations=equations
    )
    visible = np.ones(counts.shape, bool) if shown is None else np.asarray(shown, dtype=bool)
    return [
        [
            _count_cell(values[r, c], bool(mask[r, c]), rules) if visible[r, c] else BLANK
            for c in range(counts.shape[1])
        ]
        for r in range(counts.shape[0])
    ]


def protect_rate(
    numerator: int | Figure | None,
    denominator: int | Figure | None,
    rules: Rules,
    *,
    numerator_hidden: bool = False,
) -> Cell:
    """A percentage of published figures (with nearest rounding: of the unrounded counts);
    suppressed on a small base or when it would reveal a small count (the numerator or the rest
    of the denominator), judged on the true counts."""
    n = numerator if isinstance(numerator, Figure) else figure(numerator, rules)
    d = denominator if isinstance(denominator, Figure) else figure(denominator, rules)
    if not d.true:
        return NOT_APPLICABLE
    if (
        d.true < rules.minimum_base
        or numerator_hidden
        or is_small(n.true, rules)
        or is_small(d.true - n.true, rules)
    ):
        return Cell(None, rules.symbol, True)
    top, bottom = (n.true, d.true) if rules.rounding == "nearest" else (n.shown, d.shown)
    if not bottom:
        return Cell(None, rules.symbol, True)
    value = 100.0 * top / bottom
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
