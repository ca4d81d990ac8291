"""A corpus of the faults real deliveries carry, each with its documented outcome.

Every case damages the ICB's referrals extract of a generated delivery (a CSV of about 2,800
rows, already loaded once from the good file) as a supplier's tool, a transfer or a person might,
delivers it as a newer extract and loads it. The outcome is one of:

- loaded: the file is read; rows that break the contract are quarantined with the reason;
- held: not loaded until an operator accepts it (its volume, or its last line cut off);
- refused: not loaded, the file named with the reason (audited as failed);
- ignored: an identical re-send or an older extract changes nothing.

Whatever happens, the table keeps a good state and no row of any other file is lost.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.catalogue import BY_TABLE
from pipelines.ingest.load import ingest_table
from pipelines.privacy.storage import open_database
from schemas.validate import ContractError

SPEC = BY_TABLE["icb_referrals"]
OTHER = BY_TABLE["icb_patients"]
NEWER = "CSDS_CYP101_referrals_20990101.csv"


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _rows(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def _set(column: str, value: str, rows: slice = slice(0, 5)):
    """The value written into `column` of a few rows."""

    def damage(frame: pl.DataFrame) -> pl.DataFrame:
        index = pl.int_range(pl.len())
        chosen = (index >= rows.start) & (index < rows.stop)
        return frame.with_columns(
            pl.when(chosen).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
        )

    return damage


def _frame(damage):
    def write(original: Path, target: Path) -> None:
        damage(_rows(original)).write_csv(target)

    return write


def _bytes(change: Callable[[bytes], bytes]):
    def write(original: Path, target: Path) -> None:
        target.write_bytes(change(original.read_bytes()))

    return write


def _text_change(change: Callable[[str], str], encoding: str = "utf-8"):
    def write(original: Path, target: Path) -> None:
        target.write_bytes(change(_text(original)).encode(encoding))

    return write


def _line(n: int, change: Callable[[str], str]):
    def edit(text: str) -> str:
        lines = text.split("\n")
        lines[n] = change(lines[n])
        return "\n".join(lines)

    return _text_change(edit)


def _delimited(delimiter: str):
    return _frame_writer(lambda frame, target: frame.write_csv(target, separator=delimiter))


def _frame_writer(write_frame):
    def write(original: Path, target: Path) -> None:
        write_frame(_rows(original), target)

    return write


# (name, how the newer file is written, outcome, what the outcome says)
CASES = [
    # encodings
    ("UTF-8 with BOM", _text_change(lambda t: "\ufeff" + t), "loaded", None),
    ("UTF-16 LE with BOM", _text_change(lambda t: "\ufeff" + t, "utf-16-le"), "loaded", None),
    ("UTF-16 BE with BOM", _text_change(lambda t: "\ufeff" + t, "utf-16-be"), "loaded", None),
    (
        "Windows-1252",
        _text_change(lambda t: t.replace(",RHA", ",RHAé", 3), "cp1252"),
        "loaded",
        None,
    ),
    (
        "a Windows-1252 byte in UTF-8",
        _bytes(lambda b: b.replace(b",RHA", b",RHA\xe9", 1)),
        "loaded",
        None,
    ),
    # delimiters and line ends
    ("semicolons", _delimited(";"), "loaded", None),
    ("tabs", _delimited("\t"), "loaded", None),
    ("pipes", _delimited("|"), "loaded", None),
    ("CRLF line ends", _text_change(lambda t: t.replace("\n", "\r\n")), "loaded", None),
    (
        "a quoted value over two lines",
        _line(3, lambda line: line + ',"two\nlines"'),
        "loaded",
        None,
    ),
    # malformed lines
    (
        "a stray quote",
        _line(5, lambda line: line.replace(",", ',"', 1)),
        "loaded",
        "malformed_line",
    ),
    (
        "an unquoted delimiter",
        _line(6, lambda line: line.replace(",", ",x,", 1)),
        "loaded",
        "malformed_line",
    ),
    ("a NUL byte in a value", _line(8, lambda line: line.replace(",", ",\x00", 1)), "loaded", None),
    # truncation and emptiness
    ("last line cut off", _bytes(lambda b: b.rstrip(b"\n")[:-10]), "held", "cut off"),
    (
        "half the rows",
        _bytes(lambda b: b"\n".join(b.split(b"\n")[: len(b.split(b"\n")) // 2])),
        "held",
        "tolerance",
    ),
    ("an empty file", _bytes(lambda b: b""), "refused", "empty"),
    ("the header alone", _bytes(lambda b: b.split(b"\n")[0] + b"\n"), "refused", "no data rows"),
    (
        "an HTML error page",
        _bytes(
            lambda b: (
                b"<!DOCTYPE html>\n<html><head><title>502</title></head>\n"
                b"<body>502 Bad Gateway, try again</body></html>\n"
            )
        ),
        "refused",
        "missing required",
    ),
    # columns
    (
        "a required column missing",
        _frame(lambda f: f.drop("ReferralRequestReceivedDate")),
        "refused",
        "ReferralRequestReceivedDate",
    ),
    (
        "columns in another order",
        _frame(lambda f: f.select(list(reversed(f.columns)))),
        "loaded",
        None,
    ),
    (
        "headers in capitals with spaces",
        _frame(lambda f: f.rename({c: " ".join(c.upper()) for c in f.columns})),
        "loaded",
        None,
    ),
    (
        "an extra column",
        _frame(lambda f: f.with_columns(pl.lit("x").alias("Notes"))),
        "loaded",
        None,
    ),
    # values
    (
        "impossible dates",
        _frame(_set("ReferralRequestReceivedDate", "2024-02-30")),
        "loaded",
        "date_format",
    ),
    (
        "two-digit years",
        _frame(_set("ReferralRequestReceivedDate", "31/01/24")),
        "loaded",
        "date_format",
    ),
    (
        "Excel serial dates",
        _frame(_set("ReferralRequestReceivedDate", "45321")),
        "loaded",
        "date_format",
    ),
    (
        "dates after the extract date",
        _frame(_set("ReferralRequestReceivedDate", "2100-01-01")),
        "loaded",
        "not_after_extract_date",
    ),
    (
        "a code not in its list",
        _frame(_set("ServiceTypeReferredTo", "Astrology")),
        "loaded",
        "code_list",
    ),
    (
        "formula-looking values",
        _frame(_set("OrgIDProv", '=HYPERLINK("http://x","y")')),
        "loaded",
        None,
    ),
    ("a very long value", _frame(_set("ReferralClosureReason", "x" * 100_000)), "loaded", None),
    ("duplicate record ids", _frame(lambda f: pl.concat([f, f.head(3)])), "loaded", "unique"),
    (
        "every row failing",
        _frame(_set("ReferralRequestReceivedDate", "45321", slice(0, 10**9))),
        "refused",
        "every one of its",
    ),
]


@pytest.mark.parametrize(("name", "write", "outcome", "says"), CASES, ids=[c[0] for c in CASES])
def test_each_fault_has_its_documented_outcome(sample, tmp_path, name, write, outcome, says):
    landing = tmp_path / "landing"
    shutil.copytree(sample / "landing", landing)
    db = tmp_path / "restricted.duckdb"
    good = ingest_table(SPEC, landing, db)
    other = ingest_table(OTHER, landing, db)
    original = next((landing / "icb").glob("CSDS_CYP101_referrals_*.csv"))
    newer = original.with_name(NEWER)
    write(original, newer)

    if outcome == "refused":
        with pytest.raises(ContractError) as refused:
            ingest_table(SPEC, landing, db)
        assert NEWER in str(refused.value) and says in str(refused.value), str(refused.value)
        state = (good.rows_loaded, original)
    else:
        result = ingest_table(SPEC, landing, db)
        assert result.status == outcome, (result.status, result.message)
        if outcome == "held":
            assert says in result.message
            state = (good.rows_loaded, original)
        else:
            assert result.rows_loaded + result.rows_quarantined == result.rows_read
            assert result.rows_loaded >= good.rows_loaded - 100  # the faults touch a few rows
            if says:
                assert says in result.reasons, result.reasons
            state = (result.rows_loaded, newer)
    with open_database(db, read_only=True) as con:
        rows = con.execute(f"select count(*) from raw.{SPEC.table}").fetchone()[0]
        current = con.execute(
            "select file_path from audit.current_loads where table_name = ?", [SPEC.table]
        ).fetchone()[0]
        others = con.execute(f"select count(*) from raw.{OTHER.table}").fetchone()[0]
    assert (rows, current) == (state[0], str(state[1]))
    assert others == other.rows_loaded  # no valid row of any other file is lost


def test_an_identical_re_send_and_an_older_extract_change_nothing(sample, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(sample / "landing", landing)
    db = tmp_path / "restricted.duckdb"
    good = ingest_table(SPEC, landing, db)
    original = next((landing / "icb").glob("CSDS_CYP101_referrals_*.csv"))
    assert ingest_table(SPEC, landing, db).status == "unchanged"
    shutil.copy(original, original.with_name("CSDS_CYP101_referrals_20000101.csv"))
    again = ingest_table(SPEC, landing, db)
    assert again.status == "unchanged" and again.rows_loaded == good.rows_loaded
