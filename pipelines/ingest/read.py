"""Read a landing file as delivered: every value as text, with its row number in the file.

Encodings and delimiters vary by system (the county's lists are Windows-1252 and its top-up file
uses semicolons; Excel's "Unicode text" export is UTF-16 with a byte-order mark and tabs), so both
are detected rather than assumed. Nothing is typed here: the contract decides what a value means,
and the raw layer keeps what was sent.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import fastexcel
import polars as pl
from charset_normalizer import from_bytes

from schemas.common import ContractError, header_key

ROW_COLUMN = "_source_row"
# A line the reader could not split into the header's fields: its text, for the quarantine
MALFORMED_COLUMN = "_malformed_line"
_MAX_LINES_PER_ROW = 50  # a quoted value may run over lines; an unclosed quote stops here
_SNIFF_BYTES = 64 * 1024
_DELIMITERS = ",;\t|"


def _cp1252_byte(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decoding error handler: a byte that is not UTF-8 in a UTF-8 file is read as Windows-1252
    (a name pasted from another system), so the rest of the file keeps its UTF-8 text."""
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("cp1252_byte", _cp1252_byte)

# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(sample: bytes) -> str:
    """The encoding a byte-order mark names (UTF-16, UTF-32; UTF-8's is read as UTF-8); else UTF-8
    when it decodes as UTF-8, else the best guess, preferring Windows-1252."""
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the sample boundary is still UTF-8.
        if error.start >= len(sample) - 3:
            return "utf-8"
    best = from_bytes(sample, cp_isolation=["cp1252", "latin_1", "utf_8"]).best()
    return "cp1252" if best is None or best.encoding in {"latin_1", "iso8859_1"} else best.encoding


def detect_delimiter(header_text: str) -> str:
    first_line = header_text.splitlines()[0] if header_text else ""
    try:
        return csv.Sniffer().sniff(first_line, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        return ","


def _tidy(frame: pl.DataFrame, first_row: int) -> pl.DataFrame:
    """Trim whitespace, turn blanks into nulls, and number rows as they are in the file."""
    frame = frame.rename({c: c.strip().lstrip("\ufeff") for c in frame.columns})
    cleaned = [
        pl.col(c).cast(pl.String).str.strip_chars().replace("", None).alias(c)
        for c in frame.columns
    ]
    return (
        frame.select(cleaned)
        .with_row_index(ROW_COLUMN, offset=first_row)
        .with_columns(pl.col(ROW_COLUMN).cast(pl.Int64))
    )


def read_csv(path: Path) -> pl.DataFrame:
    with path.open("rb") as handle:
        sample = handle.read(_SNIFF_BYTES)
    if not sample.strip():
        raise ContractError(f"{path.name}: the file is empty")
    encoding = detect_encoding(sample)
    delimiter = detect_delimiter(sample.decode(encoding, errors="replace"))
    source: Path | io.BytesIO = path
    if encoding not in {"utf-8", "ascii"}:
        try:
            text = path.read_bytes().decode(encoding)
        except UnicodeDecodeError as error:
            raise ContractError(f"{path.name}: cannot be decoded as {encoding}: {error}") from error
        source = io.BytesIO(text.encode("utf-8"))
    try:
        return _tidy(_fast_read(source, delimiter), first_row=2)  # header is row 1
    except pl.exceptions.NoDataError as error:
        raise ContractError(f"{path.name}: unreadable as CSV: {error}") from error
    except pl.exceptions.ComputeError:
        pass
    # Refused by the fast reader: a byte that is not UTF-8 past the sniffed sample (read as
    # Windows-1252, the rest as UTF-8), or a malformed line (read line by line, so that line
    # alone is quarantined and every other row loads).
    data = source.getvalue() if isinstance(source, io.BytesIO) else path.read_bytes()
    text = data.decode("utf-8", errors="cp1252_byte")
    try:
        return _tidy(_fast_read(io.BytesIO(text.encode("utf-8")), delimiter), first_row=2)
    except pl.exceptions.ComputeError:
        return read_lines(text, delimiter)


def _fast_read(source: Path | io.BytesIO, delimiter: str) -> pl.DataFrame:
    return pl.read_csv(
        source, separator=delimiter, infer_schema=False, encoding="utf8", quote_char='"'
    )


def cut_off(path: Path) -> bool:
    """A CSV whose last line ends without a line break and with fewer fields than the header: cut
    short in transfer. Reads the file's first and last 64 KB only."""
    if path.suffix.lower() != ".csv":
        return False
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
        size = handle.seek(0, io.SEEK_END)
        handle.seek(max(0, size - _SNIFF_BYTES) // 4 * 4)  # whole UTF-16/32 code units
        tail = handle.read()
    encoding = detect_encoding(head)
    bom = next((mark for mark, _ in _BOMS if head.startswith(mark)), b"")
    header = head.decode(encoding, errors="replace").split("\n", 1)[0]
    # the tail decoded after the byte-order mark, which tells UTF-16/32 their byte order
    last = (tail if tail.startswith(bom) else bom + tail).decode(encoding, errors="replace")
    if not last or last.endswith(("\n", "\r")):
        return False
    delimiter = detect_delimiter(header)
    return last.rsplit("\n", 1)[-1].count(delimiter) < header.count(delimiter)


def read_lines(text: str, delimiter: str) -> pl.DataFrame:
    """Rows line by line: each record is the header's number of fields, on one line or (a quoted
    value with line breaks) on a few; a line that makes no such record is kept whole in
    MALFORMED_COLUMN, with its line number, for the contract to quarantine."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header = next(csv.reader([lines[0]], delimiter=delimiter))
    width = len(header)
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    malformed: list[str | None] = []
    i = 1
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        # CSV's own reading (strict: a quote must close before a delimiter or the line's end)
        # over as few lines as make one record; a record of the wrong width, or a quote that
        # never closes, sets this line alone apart and reading resumes at the next line.
        end, fields = i, _fields(lines[i], delimiter)
        while (fields is None or len(fields) != width) and end - i < _MAX_LINES_PER_ROW:
            if lines[i].count('"') % 2 == 0 or end + 1 >= len(lines):
                break  # no quote left open: more lines cannot mend it
            end += 1
            fields = _fields("\n".join(lines[i : end + 1]), delimiter)
        numbers.append(i + 1)  # the header is line 1
        if fields is not None and len(fields) == width:
            rows.append(fields)
            malformed.append(None)
            i = end + 1
        else:
            rows.append([None] * width)
            malformed.append(lines[i])
            i += 1
    columns = {name: [row[k] for row in rows] for k, name in enumerate(header)}
    frame = pl.DataFrame(columns, schema={name: pl.String for name in header})
    frame = _tidy(frame, first_row=2).with_columns(
        pl.Series(ROW_COLUMN, numbers, dtype=pl.Int64),
        pl.Series(MALFORMED_COLUMN, malformed, dtype=pl.String),
    )
    return frame


def _fields(text: str, delimiter: str) -> list[str] | None:
    """The fields of exactly one CSV record, or None (an unclosed quote, or several records)."""
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    return records[0] if len(records) == 1 else None


def read_sheet(path: Path, sheet: str, required: list[str] | None = None) -> pl.DataFrame:
    """The table on its sheet; where no sheet has that name (a renamed or reordered export), the
    one sheet whose header row holds every `required` column."""
    try:
        workbook = fastexcel.read_excel(path)
    except Exception as error:  # fastexcel raises its own hierarchy for corrupt files
        raise ContractError(f"{path.name}: unreadable as an Excel workbook: {error}") from error
    names = {name.casefold().strip(): name for name in workbook.sheet_names}
    found = names.get(sheet.casefold().strip()) or _sheet_by_header(workbook, required)
    if found is None:
        raise ContractError(
            f"{path.name}: no sheet named '{sheet}' and none whose header holds its columns "
            f"(sheets found: {', '.join(workbook.sheet_names)})"
        )
    frame = workbook.load_sheet_by_name(found, dtypes="string").to_polars()
    return _tidy(frame, first_row=2)


def _sheet_by_header(workbook, required: list[str] | None) -> str | None:
    if not required:
        return None
    wanted = {header_key(name) for name in required}
    matches = [
        name
        for name in workbook.sheet_names
        if wanted
        <= {
            header_key(str(c))
            for c in workbook.load_sheet_by_name(name, n_rows=0, dtypes="string")
            .to_polars()
            .columns
        }
    ]
    return matches[0] if len(matches) == 1 else None


def read_extract(path: Path, sheet: str | None, required: list[str] | None = None) -> pl.DataFrame:
    """Dispatch on the file type; a workbook table is read from its sheet (found by its header
    when the sheet was renamed)."""
    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:  # calamine reads all three
        if sheet is None:
            raise ContractError(f"{path.name}: a workbook needs a sheet name")
        return read_sheet(path, sheet, required)
    return read_csv(path)
