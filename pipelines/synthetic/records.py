"""Planted difficulties in person records: the errors that make linking children hard.

Each person-level record (a council's person or client row, a census row, a funding line, a
health patient row) starts from the child's true details and may then carry a one-character
typing error, a nickname, a changed surname, swapped names, a mistyped birth date, a mistyped or
out-of-date postcode, a missing identifier or a mis-keyed one. Every change is returned as an
issue row so the truth files can say exactly what was planted where. Changes are computed only
on the few rows they touch, so the cost stays small at millions of records.

Draws are tied to each record's key (streams.Bound), so a record carries the same errors in
every delivery; a few records change between deliveries (calibration.LATER_CHANGES) and show
the earlier value in deliveries before the change's day.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.synthetic import calibration as cal
from pipelines.synthetic import codes, names
from pipelines.synthetic.reference import INWARD_LETTERS
from pipelines.synthetic.streams import Bound

LETTERS = "abcdefghijklmnopqrstuvwxyz"
MISSING_UPN_REASONS = {"UN8": 40, "UN5": 20, "UN10": 15, "UN3": 10, "UN2": 15}
for _code in MISSING_UPN_REASONS:
    codes.code("upn_unknown", _code)
ALL_SURNAMES = sorted({s for _, _, surnames in names.POOLS.values() for s in surnames})
LABELS = {"upn": "UPN", "uln": "ULN", "nhs": "NHS number"}

ISSUE_SCHEMA = {
    "child": pl.Int64,
    "issue_type": pl.String,
    "detail": pl.String,
    "source": pl.String,
    "table": pl.String,
    "source_record_id": pl.String,
}


class _Editor:
    """Applies one kind of change at a time to chosen rows and records each change."""

    def __init__(self, frame: pl.DataFrame, source: str, table: str) -> None:
        self.frame = frame
        self.source = source
        self.table = table
        self.issues: list[pl.DataFrame] = []

    def apply(
        self,
        mask: np.ndarray,
        issue_type: str,
        detail: pl.Expr,
        changes: dict[str, pl.Expr],
        prepare=None,
    ) -> None:
        rows = np.flatnonzero(mask)
        if rows.size == 0:
            return
        part = self.frame[rows]
        if prepare is not None:
            part = prepare(part)
        part = part.with_columns(**{f"_new_{k}": v for k, v in changes.items()})
        self.issues.append(
            part.select(
                "child",
                issue_type=pl.lit(issue_type),
                detail=detail,
                source=pl.lit(self.source),
                table=pl.lit(self.table),
                source_record_id=pl.col("record_id"),
            ).cast(ISSUE_SCHEMA)
        )
        updated = []
        for column in changes:
            series = self.frame[column].clone()
            series.scatter(rows, part[f"_new_{column}"].cast(series.dtype))
            updated.append(series)
        self.frame = self.frame.with_columns(updated)


def _typo(value: pl.Expr, position: pl.Expr, operation: pl.Expr, letter: pl.Expr) -> pl.Expr:
    """A one-character edit: substitution, deletion, insertion or swap of neighbours."""
    n = value.str.len_chars()
    p = pl.max_horizontal(
        pl.lit(1), pl.min_horizontal((position * n).floor().cast(pl.Int64), n - 1)
    )
    head = value.str.slice(0, p)
    tail = value.str.slice(p + 1)
    here = value.str.slice(p, 1)
    before = value.str.slice(p - 1, 1)
    inserted = head + letter + value.str.slice(p)
    edited = (
        pl.when(operation == 0)
        .then(head + letter + tail)
        .when((operation == 1) & (n >= 4))
        .then(head + tail)
        .when(operation == 3)
        .then(value.str.slice(0, p - 1) + here + before + tail)
        .otherwise(inserted)
    )
    return pl.when(edited == value).then(inserted).otherwise(edited)


def _change_digit(value: pl.Expr, position: pl.Expr, step: pl.Expr) -> pl.Expr:
    """Replace the digit at `position` with another digit (`step` 1–9 added modulo 10)."""
    digit = value.str.slice(position, 1).cast(pl.Int64)
    new = ((digit + step) % 10).cast(pl.String)
    return value.str.slice(0, position) + new + value.str.slice(position + 1)


def corrupt(
    frame: pl.DataFrame,
    *,
    draws: Bound,
    as_at: int,
    end: int,
    source: str,
    table: str,
    fields: set[str],
    upn_pool: pl.Series,
    nhs_pool: pl.Series,
    nhs_spare: np.ndarray,
    missing_nhs: bool = True,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply planted errors to a frame of person records.

    `frame` holds `record_id`, `child`, `forename`, `surname`, `dob` (days) and, as listed in
    `fields`, `postcode`, `previous_postcode`, `upn`, `upn_reason`, `uln`, `nhs`; `draws` are
    tied to its rows' keys. `as_at` is the delivery's day and `end` the world's last day: a
    change due between them is not yet made."""
    rng = draws
    n = frame.height
    rates = cal.CORRUPTION
    edit = _Editor(
        frame.with_columns(
            _u1=pl.Series(rng.random(n)),
            _u2=pl.Series(rng.random(n)),
            _op=pl.Series(rng.integers(0, 4, n)),
            _letter=pl.Series(np.array(list(LETTERS))[rng.integers(0, 26, n)]),
            _other=pl.Series(rng.integers(0, len(ALL_SURNAMES), n)),
            _style=pl.Series(rng.integers(0, 3, n)),
        ),
        source,
        table,
    )

    def roll(rate: float) -> np.ndarray:
        return rng.random(n) < rate

    # Nicknames and spelling variants.
    variants = (
        names.nickname_table().group_by("name", maintain_order=True).agg(variants=pl.col("variant"))
    )
    has_variant = edit.frame["forename"].is_in(variants["name"].implode()).to_numpy()
    chosen = pl.col("variants").list.get(
        (pl.col("_u1") * pl.col("variants").list.len()).floor().cast(pl.Int64)
    )
    edit.apply(
        roll(rates["nickname"]) & has_variant,
        "nickname",
        pl.format("forename '{}' recorded as '{}'", "forename", "_new_forename"),
        {"forename": chosen},
        prepare=lambda part: part.join(
            variants, left_on="forename", right_on="name", how="left", maintain_order="left"
        ),
    )

    # One-character typing errors in a name.
    typo_rows = roll(rates["name_typo"])
    _name_typos(edit, typo_rows, rng.random(n) < 0.4, "name_typo", ("_u2", "_op", "_letter"))

    # A changed surname: a new family name, or the old one joined to another.
    other = pl.col("_other").replace_strict(dict(enumerate(ALL_SURNAMES)), return_dtype=pl.String)
    new_surname = (
        pl.when(pl.col("_style") == 0)
        .then(pl.col("surname") + "-" + other)
        .when(pl.col("_style") == 1)
        .then(other + "-" + pl.col("surname"))
        .otherwise(
            pl.when(other != pl.col("surname"))
            .then(other)
            .otherwise(pl.col("surname") + "-" + other)
        )
    )
    edit.apply(
        roll(rates["surname_change"]),
        "surname_change",
        pl.format("surname '{}' recorded as '{}'", "surname", "_new_surname"),
        {"surname": new_surname},
    )

    # Forename and surname the wrong way round.
    edit.apply(
        roll(rates["name_swap"]),
        "name_swap",
        pl.format("forename '{}' and surname '{}' swapped", "forename", "surname"),
        {"forename": pl.col("surname"), "surname": pl.col("forename")},
    )

    # A mistyped birth date: day and month swapped, or one digit wrong.
    edit.apply(
        roll(rates["dob_typo"]),
        "dob_typo",
        pl.format(
            "birth date {} typed as {}",
            pl.col("dob").cast(pl.Int32).cast(pl.Date),
            pl.col("_new_dob").cast(pl.Int32).cast(pl.Date),
        ),
        {"dob": _dob_typo(pl.col("dob"), pl.col("_u1"), pl.col("_u2"))},
    )

    if "postcode" in fields:
        _postcode_errors(edit, rng)
    if "upn" in fields:
        _identifier_errors(edit, rng, "upn", upn_pool)
        present = edit.frame["upn"].is_not_null().to_numpy()
        reasons = np.array(list(MISSING_UPN_REASONS))[
            rng.choice(
                len(MISSING_UPN_REASONS), n, p=np.array(list(MISSING_UPN_REASONS.values())) / 100
            )
        ]
        edit.frame = edit.frame.with_columns(_reason=pl.Series(reasons))
        edit.apply(
            roll(rates["missing_upn"]) & present,
            "missing_upn",
            pl.format("UPN {} left blank", "upn"),
            {"upn": pl.lit(None, pl.String), "upn_reason": pl.col("_reason")},
        )
    if "uln" in fields:
        _identifier_errors(edit, rng, "uln", None)
    if "nhs" in fields:
        _identifier_errors(edit, rng, "nhs", nhs_pool, spare=nhs_spare)
        present = edit.frame["nhs"].is_not_null().to_numpy()
        edit.apply(
            roll(rates["missing_nhs"] if missing_nhs else 0.0) & present,
            "missing_nhs",
            pl.format("NHS number {} not recorded", "nhs"),
            {"nhs": pl.lit(None, pl.String)},
        )
    _later_changes(edit, rng, fields, as_at, end)
    issues = pl.concat(edit.issues) if edit.issues else pl.DataFrame(schema=ISSUE_SCHEMA)
    helpers = ("_u1", "_u2", "_op", "_letter", "_other", "_style", "_reason", "_spare", "_pick")
    helpers += ("_changed_on", "_u3", "_op3", "_letter3", "_other3")
    return edit.frame.drop(helpers, strict=False), issues


def _name_typos(
    edit: _Editor,
    rows: np.ndarray,
    on_surname: np.ndarray,
    issue_type: str,
    draws: tuple[str, str, str],
    until: pl.Expr | None = None,
) -> None:
    """A one-character typing error in the forename (the surname where `on_surname`) of
    `rows`, from the position, operation and letter columns `draws`; `until`: the day it is
    corrected, for a typo a later delivery no longer has."""
    position, operation, letter = (pl.col(c) for c in draws)
    for column, which in (("forename", ~on_surname), ("surname", on_surname)):
        detail = [f"{column} '{{}}' typed as '{{}}'", column, f"_new_{column}"]
        if until is not None:
            detail[0] += " until corrected on {}"
            detail.append(until)
        edit.apply(
            rows & which,
            issue_type,
            pl.format(*detail),
            {column: _typo(pl.col(column), position, operation, letter)},
        )


def _dob_typo(dob: pl.Expr, u1: pl.Expr, u2: pl.Expr) -> pl.Expr:
    born = dob.cast(pl.Int32).cast(pl.Date)
    year, month, dom = born.dt.year(), born.dt.month().cast(pl.Int32), born.dt.day()
    swappable = (dom <= 12) & (dom != month)
    digit_day = (dom // 10) * 10 + (u2 * 10).floor().cast(pl.Int32)
    digit_ok = (digit_day >= 1) & (digit_day <= 28) & (digit_day != dom)
    step = pl.when(u1 < 0.5).then(1).otherwise(-1)
    typed = (
        pl.when(swappable)
        .then(pl.date(year, dom, month))
        .when(digit_ok)
        .then(pl.date(year, month, digit_day))
        .otherwise(pl.date(year + step, month, pl.min_horizontal(dom, 28)))
    )
    return typed.cast(pl.Int32).cast(pl.Int64)


def _postcode_errors(edit: _Editor, rng) -> None:
    n = edit.frame.height
    frame = edit.frame
    moved = frame["previous_postcode"].is_not_null().to_numpy()
    edit.apply(
        (rng.random(n) < cal.CORRUPTION["old_postcode"]) & moved,
        "old_postcode",
        pl.format("postcode {} recorded as earlier address {}", "postcode", "previous_postcode"),
        {"postcode": pl.col("previous_postcode")},
    )
    letters = np.array(list(INWARD_LETTERS))
    edit.frame = edit.frame.with_columns(_pick=pl.Series(letters[rng.integers(0, len(letters), n)]))
    kind = pl.col("_op") % 3
    pc = pl.col("postcode")
    last, second = pc.str.slice(-1, 1), pc.str.slice(-2, 1)
    stem = pc.str.slice(0, pc.str.len_chars() - 2)
    new = (
        pl.when((kind == 0) & (last != second))
        .then(stem + last + second)
        .when((kind == 1) & (pl.col("_pick") != last))
        .then(stem + second + pl.col("_pick"))
        .otherwise(
            pc.str.slice(0, pc.str.len_chars() - 3)
            + ((pc.str.slice(-3, 1).cast(pl.Int64) + 1) % 10).cast(pl.String)
            + pc.str.slice(-2)
        )
    )
    present = edit.frame["postcode"].is_not_null().to_numpy()
    edit.apply(
        (rng.random(n) < cal.CORRUPTION["postcode_typo"]) & present,
        "postcode_typo",
        pl.format("postcode {} typed as {}", "postcode", "_new_postcode"),
        {"postcode": new},
    )


def _identifier_errors(
    edit: _Editor, rng, column: str, pool: pl.Series | None, spare: np.ndarray | None = None
) -> None:
    """Mis-keyed identifiers: mostly one wrong digit (fails its check), a few valid numbers
    that belong to another child or to no one."""
    n = edit.frame.height
    label = LABELS[column]
    present = edit.frame[column].is_not_null().to_numpy()
    first_digit, last_digit = (1, 11) if column == "upn" else (0, 9)
    edit.frame = edit.frame.with_columns(
        _position=pl.Series(rng.integers(first_digit, last_digit + 1, n)),
        _step=pl.Series(rng.integers(1, 10, n)),
    )
    edit.apply(
        (rng.random(n) < cal.CORRUPTION[f"{column}_invalid_check"]) & present,
        f"{column}_invalid_check",
        pl.format(f"{label} {{}} keyed as {{}}", column, f"_new_{column}"),
        {column: _change_digit(pl.col(column), pl.col("_position"), pl.col("_step"))},
    )
    edit.frame = edit.frame.drop("_position", "_step")
    issue_type = {"upn": "upn_wrong_child", "nhs": "nhs_wrong_valid"}.get(column)
    if pool is None or issue_type is None or pool.len() == 0:
        return
    other = pool.gather(rng.integers(0, pool.len(), n))
    if spare is not None and spare.size:
        unused = pl.Series(spare[rng.integers(0, spare.size, n)].tolist(), dtype=pl.String)
        other = pl.select(
            pl.when(pl.Series(rng.random(n) < 0.5)).then(unused).otherwise(other)
        ).to_series()
    edit.frame = edit.frame.with_columns(_spare=other)
    differs = (edit.frame[column] != other).fill_null(False).to_numpy()
    edit.apply(
        (rng.random(n) < cal.CORRUPTION[issue_type]) & present & differs,
        issue_type,
        pl.format(
            f"{label} {{}} keyed as valid {{}} (another child's or unissued)",
            column,
            f"_new_{column}",
        ),
        {column: pl.col("_spare")},
    )
    edit.frame = edit.frame.drop("_spare")


def _later_changes(edit: _Editor, rng, fields: set[str], as_at: int, end: int) -> None:
    """Changes made to a record between deliveries: before its day (drawn in the year up to
    the world's end) the record still shows the earlier value. Recorded as issues only in the
    deliveries that show the earlier value, each with the day it changes."""
    n = edit.frame.height
    rates = cal.LATER_CHANGES
    changed_on = end - rng.integers(0, 366, n)
    pending = changed_on > as_at
    edit.frame = edit.frame.with_columns(
        _changed_on=pl.Series(changed_on),
        _u3=pl.Series(rng.random(n)),
        _op3=pl.Series(rng.integers(0, 4, n)),
        _letter3=pl.Series(np.array(list(LETTERS))[rng.integers(0, 26, n)]),
        _other3=pl.Series(rng.integers(0, len(ALL_SURNAMES), n)),
    )
    until = pl.col("_changed_on").cast(pl.Int32).cast(pl.Date)

    def roll(rate: float) -> np.ndarray:
        return (rng.random(n) < rate) & pending

    typo_rows = roll(rates["name_typo_corrected"])
    on_surname = rng.random(n) < 0.4
    draws = ("_u3", "_op3", "_letter3")
    _name_typos(edit, typo_rows, on_surname, "name_typo_corrected_later", draws, until)
    other = pl.col("_other3").replace_strict(dict(enumerate(ALL_SURNAMES)), return_dtype=pl.String)
    edit.apply(
        roll(rates["surname_changed"]),
        "surname_changed_later",
        pl.format(
            "surname '{}' recorded as earlier '{}' until {}", "surname", "_new_surname", until
        ),
        {
            "surname": pl.when(other != pl.col("surname"))
            .then(other)
            .otherwise(pl.col("surname") + "-" + other)
        },
    )
    for column, label in (("upn", "UPN"), ("nhs", "NHS number")):
        recorded = roll(rates[f"{column}_recorded"])
        if column not in fields:
            continue
        present = edit.frame[column].is_not_null().to_numpy()
        changes = {column: pl.lit(None, pl.String)}
        if column == "upn":
            changes["upn_reason"] = pl.lit(codes.code("upn_unknown", "UN8"))
        edit.apply(
            recorded & present,
            f"{column}_recorded_later",
            pl.format(f"{label} {{}} not yet recorded until {{}}", column, until),
            changes,
        )
