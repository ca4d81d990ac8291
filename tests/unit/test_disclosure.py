"""Disclosure control: property tests over random tables with their margins."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.reports.disclosure import (
    load_rules,
    protect_average,
    protect_counts,
    protect_money,
    protect_rate,
    published_counts,
    rounded,
    suppression_mask,
)

RULES = load_rules().keyed(b"a test key of thirty-two bytes..")
NEAREST = replace(RULES, rounding="nearest")
# Counts in report tables are often small: draw small values more often than large ones.
count = st.one_of(st.integers(0, 9), st.integers(0, 40), st.integers(0, 2000))


@st.composite
def tables(draw):
    """A table of counts, with a total column (the councils add up to the partnership) and a
    total row (the categories add up to all), each present or not."""
    rows, columns = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    body = np.array([[draw(count) for _ in range(columns)] for _ in range(rows)], dtype=np.int64)
    total_column, total_row = draw(st.booleans()), draw(st.booleans())
    if total_column:
        body = np.hstack([body, body.sum(axis=1, keepdims=True)])
    if total_row:
        body = np.vstack([body, body.sum(axis=0, keepdims=True)])
    return body, total_row, total_column


def _lines(shape, total_row, total_column):
    """Each line of the table as (cell, coefficient): the members add up to the total."""
    rows, columns = shape
    lines = []
    if total_column:
        lines += [[(r, c) for c in range(columns)] for r in range(rows)]
    if total_row:
        lines += [[(r, c) for r in range(rows)] for c in range(columns)]
    return [[(cell, 1) for cell in line[:-1]] + [(line[-1], -1)] for line in lines]


def _determined_by_nullspace(counts, hidden, lines) -> list[tuple]:
    """Independent attack: solve the published margins for the hidden cells. A hidden cell is
    determined when every direction the system leaves free has a zero in its coordinate."""
    unknowns = [tuple(i) for i in np.argwhere(hidden)]
    if not unknowns or not lines:
        return []
    index = {cell: i for i, cell in enumerate(unknowns)}
    matrix = []
    for line in lines:
        row = np.zeros(len(unknowns))
        for cell, coefficient in line:
            if cell in index:
                row[index[cell]] += coefficient
        matrix.append(row)
    _, singular, vt = np.linalg.svd(np.array(matrix))
    rank = int((singular > 1e-9).sum())
    free = vt[rank:]  # basis of the null space
    return [cell for cell, i in index.items() if free.size == 0 or np.allclose(free[:, i], 0)]


def _total_cells(shape, total_row, total_column) -> set[tuple[int, int]]:
    rows, columns = shape
    cells = set()
    if total_column:
        cells |= {(r, columns - 1) for r in range(rows)}
    if total_row:
        cells |= {(rows - 1, c) for c in range(columns)}
    return cells


@settings(max_examples=400, deadline=None)
@given(tables())
def test_published_counts_are_never_small_and_always_rounded(table):
    counts, total_row, total_column = table
    cells = protect_counts(counts, RULES, total_row=total_row, total_column=total_column)
    totals = _total_cells(counts.shape, total_row, total_column)
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            if cell.suppressed:
                assert cell.text == "*" and cell.value is None
                assert counts[r, c] > 0  # 0 stays 0
                continue
            assert not 1 <= cell.value <= 7
            assert cell.value % 5 == 0
            if (r, c) not in totals:
                assert abs(cell.value - counts[r, c]) <= 4  # rounded, not altered
            if counts[r, c] == 0:
                assert cell.value == 0 and cell.text == "0"


@settings(max_examples=400, deadline=None)
@given(tables())
def test_published_totals_are_the_sums_of_their_published_members(table):
    """So a total says nothing about its members that their own rounded values do not."""
    counts, total_row, total_column = table
    shown = published_counts(counts, RULES, total_row=total_row, total_column=total_column)
    if total_column:
        assert (shown[:, -1] == shown[:, :-1].sum(axis=1)).all()
    if total_row:
        assert (shown[-1, :] == shown[:-1, :].sum(axis=0)).all()
    # a total above 0 is never published as 0
    assert not ((counts > 0) & (shown == 0) & ~((counts >= 1) & (counts <= 7))).any()
    nearest = published_counts(counts, NEAREST, total_row=total_row, total_column=total_column)
    assert (np.abs(nearest - counts) <= 2).all()


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 3000), st.integers(0, 3000), st.binary(min_size=8, max_size=32))
def test_random_rounding_is_monotone_and_keeps_small_counts_small(a, b, key):
    rules = load_rules().keyed(key)
    low, high = min(a, b), max(a, b)
    assert rounded(low, rules) <= rounded(high, rules)  # a part never exceeds its whole
    for n in (low, high):
        r = rounded(n, rules)
        assert r % 5 == 0 and abs(r - n) <= 4 and r == rounded(n, rules)
        if 1 <= n <= 7:
            assert r in (0, 5)  # never 10: that would narrow a suppressed count to 6 or 7
        elif n > 7:
            assert r >= 10  # never inside the suppressed range: 5 would say "8 or 9"


def test_random_rounding_is_unbiased_over_keys():
    keys = [i.to_bytes(4, "big") * 8 for i in range(2000)]
    for n in (11, 12, 13, 14, 41, 999):  # 8 and 9 always show as 10 (never inside 1-7)
        mean = np.mean([rounded(n, load_rules().keyed(k)) for k in keys])
        assert abs(mean - n) < 0.25, (n, mean)
    # without the key nobody can tell which way a count went: two keys disagree somewhere
    a, b = (load_rules().keyed(k) for k in (b"one key " * 4, b"two key " * 4))
    assert [rounded(n, a) for n in range(8, 200)] != [rounded(n, b) for n in range(8, 200)]


def test_a_total_of_small_counts_rounded_to_zero_is_not_published_as_zero():
    counts = np.array([[4, 4, 8]])
    for i in range(50):
        rules = load_rules().keyed(i.to_bytes(2, "big") * 16)
        shown = published_counts(counts, rules, total_column=True)
        assert shown[0, 2] == shown[0, 0] + shown[0, 1] > 0


def test_a_total_of_two_breakdowns_adds_up_in_both():
    """Plans = city + county, and plans = children once + counted twice + unidentified: the
    second breakdown's largest member is the one made to add up."""
    counts = np.array([[1903, 5411, 7314], [0, 0, 7296], [0, 0, 0], [0, 0, 18]])
    equations = [
        [((0, 0), 1), ((0, 1), 1), ((0, 2), -1)],
        [((0, 2), 1), ((1, 2), -1), ((2, 2), -1), ((3, 2), -1)],
    ]
    shown = published_counts(counts, RULES, equations=equations)
    assert shown[0, 2] == shown[0, 0] + shown[0, 1]
    assert shown[0, 2] == shown[1, 2] + shown[2, 2] + shown[3, 2]
    assert abs(shown[3, 2] - 18) <= 4 and shown[2, 2] == 0


@settings(max_examples=400, deadline=None)
@given(tables())
def test_no_suppressed_cell_can_be_worked_out_from_the_totals(table):
    counts, total_row, total_column = table
    hidden = suppression_mask(counts, RULES, total_row=total_row, total_column=total_column)
    lines = _lines(counts.shape, total_row, total_column)
    # every small count is hidden
    assert (hidden | ~((counts >= 1) & (counts <= 7))).all()
    # no line gives a hidden cell away on its own ...
    for line in lines:
        assert sum(bool(hidden[cell]) for cell, _ in line) != 1
    # ... nor does any combination of lines
    assert _determined_by_nullspace(counts, hidden, lines) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(count, count, count), min_size=1, max_size=4))
def test_a_deduplicated_count_does_not_give_away_the_double_count(rows):
    """City and county children, the partnership's children counted once, and those counted by
    both: city + county = partnership + both, a relation that is not a simple margin."""
    counts = np.array(
        [[city + both, county + both, city + county + both, both] for city, county, both in rows]
    )
    equations = [
        [((r, 0), 1), ((r, 1), 1), ((r, 2), -1), ((r, 3), -1)] for r in range(counts.shape[0])
    ]
    hidden = suppression_mask(counts, RULES, equations=equations)
    assert (hidden | ~((counts >= 1) & (counts <= 7))).all()
    assert _determined_by_nullspace(counts, hidden, equations) == []


@settings(max_examples=300, deadline=None)
@given(tables(), st.data())
def test_cells_a_table_does_not_show_are_protected_but_never_hide_others(table, data):
    counts, total_row, total_column = table
    shown = np.array(
        [[data.draw(st.booleans()) for _ in range(counts.shape[1])] for _ in range(counts.shape[0])]
    )
    suppressed = suppression_mask(
        counts, RULES, total_row=total_row, total_column=total_column, shown=shown
    )
    lines = _lines(counts.shape, total_row, total_column)
    small = (counts >= 1) & (counts <= 7)
    # only shown cells are suppressed, and every small shown count is
    assert not (suppressed & ~shown).any()
    assert (suppressed | ~(small & shown)).all()
    # what the reader does not see (suppressed or not shown) gives no small count away
    unknown = suppressed | ~shown
    assert not set(_determined_by_nullspace(counts, unknown, lines)) & {
        tuple(int(i) for i in cell) for cell in np.argwhere(small)
    }
    cells = protect_counts(
        counts, RULES, total_row=total_row, total_column=total_column, shown=shown
    )
    assert all(cells[r][c].text == "" for r, c in np.argwhere(~shown)), (
        "a cell the table does not show is blank"
    )


def test_a_worked_example_of_secondary_suppression():
    # city, county, partnership; two categories and their total
    counts = np.array([[3, 40, 43], [20, 30, 50], [23, 70, 93]])
    cells = protect_counts(counts, NEAREST, total_row=True, total_column=True)
    texts = [[c.text for c in row] for row in cells]
    # The 3 is hidden; so must be a second cell in its row and in its column, and a fourth to
    # close the rectangle: the published margins then fit many values.
    assert texts[0][0] == "*"
    assert sum(t == "*" for t in texts[0]) >= 2
    assert sum(row[0] == "*" for row in texts) >= 2
    assert texts[2][2] == "95"


@given(st.integers(0, 500), st.integers(0, 500))
def test_rates_never_rest_on_or_reveal_a_small_count(a, b):
    numerator, denominator = min(a, b), max(a, b)
    cell = protect_rate(numerator, denominator, RULES)
    if denominator == 0:
        assert cell.value is None and not cell.suppressed
    elif cell.suppressed:
        assert denominator < 8 or 1 <= numerator <= 7 or 1 <= denominator - numerator <= 7
    else:
        assert denominator >= 8
        assert not 1 <= numerator <= 7 and not 1 <= denominator - numerator <= 7
        # of the published counts, so it says nothing they do not; never above 100%
        shown = rounded(numerator, RULES), rounded(denominator, RULES)
        assert cell.value == round(100 * shown[0] / shown[1], 1) <= 100
        exact = protect_rate(numerator, denominator, NEAREST)
        assert exact.value == round(100 * numerator / denominator, 1)


@given(st.floats(0, 100, allow_nan=False), st.integers(0, 50))
def test_averages_and_money_need_a_base_of_eight(value, base):
    for cell in (protect_average(value, base, RULES), protect_money(value * 1000, base, RULES)):
        if base == 0:
            assert cell.value is None and not cell.suppressed
        else:
            assert cell.suppressed == (base < 8)


def test_nearest_rounding_is_to_the_nearest_five():
    assert [rounded(n, NEAREST) for n in (0, 8, 12, 13, 17, 18, 1002)] == [
        0,
        10,
        10,
        15,
        15,
        20,
        1000,
    ]
