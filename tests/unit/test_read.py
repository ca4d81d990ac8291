"""Reading landing files as delivered: encodings, delimiters, workbooks, row numbers."""

import polars as pl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.ingest.read import ROW_COLUMN, read_csv, read_extract
from schemas.validate import ContractError


def test_windows_1252_file_with_accented_names_reads_correctly(tmp_path):
    path = tmp_path / "SEN_Support_16012025.csv"
    path.write_bytes("PupilID,LegalForename\n1,Zoë\n2,Renée\n3,Siân\n".encode("cp1252"))
    frame = read_csv(path)
    assert frame["LegalForename"].to_list() == ["Zoë", "Renée", "Siân"]


def test_semicolon_delimiter_and_pound_amounts(tmp_path):
    path = tmp_path / "HighNeeds_TopUp_16012025.csv"
    path.write_bytes("FundingRef;AnnualTopUp\nF1;£12,345.00\n".encode("cp1252"))
    frame = read_csv(path)
    assert frame.columns == [ROW_COLUMN, "FundingRef", "AnnualTopUp"]
    assert frame["AnnualTopUp"].to_list() == ["£12,345.00"]


def test_values_stay_text_blanks_become_null_and_rows_are_numbered(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("\ufeffid,upn, code\n007, ,01\n008,A1,\n", encoding="utf-8")
    frame = read_csv(path)
    assert frame.columns == [ROW_COLUMN, "id", "upn", "code"]
    assert frame["id"].to_list() == ["007", "008"]  # leading zeros kept
    assert frame["upn"].to_list() == [None, "A1"]
    assert frame["code"].to_list() == ["01", None]
    assert frame[ROW_COLUMN].to_list() == [2, 3]  # header is row 1


def test_empty_file_is_refused_by_name(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ContractError, match="empty.csv: the file is empty"):
        read_csv(path)


def _workbook(path, sheets):
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
    book.close()


def test_workbook_sheet_reads_as_text(tmp_path):
    path = tmp_path / "EHC_Casework_16012025.xlsx"
    _workbook(path, {"Clients": [["ClientID", "DateOfBirth"], ["0012", "03/04/2015"]]})
    frame = read_extract(path, "Clients")
    assert frame.select(pl.exclude(ROW_COLUMN)).to_dicts() == [
        {"ClientID": "0012", "DateOfBirth": "03/04/2015"}
    ]


def test_missing_sheet_is_named(tmp_path):
    path = tmp_path / "EHC_Casework_16012025.xlsx"
    _workbook(path, {"Clients": [["ClientID"], ["1"]]})
    with pytest.raises(ContractError, match="no sheet named 'Plans'.*Clients"):
        read_extract(path, "Plans")


def test_corrupt_workbook_is_refused_by_name(tmp_path):
    path = tmp_path / "EHC_Casework_16012025.xlsx"
    path.write_bytes(b"this is not a zip file")
    with pytest.raises(ContractError, match="EHC_Casework_16012025.xlsx: unreadable"):
        read_extract(path, "Clients")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-8-sig"])
def test_excel_unicode_text_exports_load_the_same_rows_as_the_original(sample, tmp_path, encoding):
    """Excel's "Unicode text" (UTF-16 with a byte-order mark, tab-delimited) and "CSV UTF-8"
    (with a BOM) exports of the county's SEN support list read exactly as the delivered file."""
    import codecs

    original = sample / "landing" / "county" / "SEN_Support_16012025.csv"
    frame = read_csv(original)
    text = original.read_bytes().decode("cp1252")
    exported = tmp_path / "SEN_Support_16012025.csv"
    if encoding.startswith("utf-16"):
        # tab-delimited as Excel writes it (no value of the list holds a tab or a quote)
        rows = [line.split(",") for line in text.splitlines()]
        assert not any('"' in line for line in text.splitlines())
        text = "\r\n".join("\t".join(row) for row in rows) + "\r\n"
        bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
        exported.write_bytes(bom + text.encode(encoding))
    else:
        exported.write_bytes(text.encode(encoding))
    again = read_csv(exported)
    assert again.columns == frame.columns
    assert again.equals(frame)
    assert again.height > 100


def test_a_windows_1252_byte_beyond_the_first_64_kb_of_a_utf8_file_loses_no_row(tmp_path):
    """One name pasted from another system into a UTF-8 file, far down: every row loads, the
    stray byte reads as Windows-1252 and the UTF-8 names around it stay as they were."""
    lines = ["PupilID,LegalForename"] + [f"{i},Zoë" for i in range(1, 12_000)]
    body = "\n".join(lines).encode("utf-8")
    assert len(body) > 64 * 1024
    path = tmp_path / "SEN_Support_16012025.csv"
    stray = "\n12000,Renée".encode("cp1252")  # é as the single byte 0xE9: not UTF-8
    path.write_bytes(body + stray + "\n12001,Siân\n".encode())
    frame = read_csv(path)
    assert frame.height == 12_001
    names = frame["LegalForename"].to_list()
    assert names[:3] == ["Zoë"] * 3
    assert names[-2:] == ["Renée", "Siân"]


def test_a_malformed_line_is_kept_apart_and_every_other_row_read(tmp_path):
    """A stray quote opening a value, an unquoted comma: those lines alone are set apart (with
    their line numbers and text, for the quarantine); a quoted value over two lines is one row."""
    from pipelines.ingest.read import MALFORMED_COLUMN

    path = tmp_path / "x.csv"
    path.write_text(
        "id,name,note\n"
        "1,Ann,fine\n"
        '2,"Bob,stray quote\n'
        "3,Cy,one,comma too many\n"
        '4,Di,"two\nlines"\n'
        '5,O"Brien,quote inside\n'
        "6,Ed,last\n",
        encoding="utf-8",
    )
    frame = read_csv(path)
    good = frame.filter(pl.col(MALFORMED_COLUMN).is_null())
    bad = frame.filter(pl.col(MALFORMED_COLUMN).is_not_null())
    assert good["id"].to_list() == ["1", "4", "5", "6"]
    assert good["note"].to_list() == ["fine", "two\nlines", "quote inside", "last"]
    assert good["name"].to_list()[2] == 'O"Brien'
    assert good[ROW_COLUMN].to_list() == [2, 5, 7, 8]  # line numbers, the header is line 1
    assert bad[ROW_COLUMN].to_list() == [3, 4]
    assert bad[MALFORMED_COLUMN].to_list() == ['2,"Bob,stray quote', "3,Cy,one,comma too many"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.text(alphabet='ab,"\n', min_size=1, max_size=6), min_size=3, max_size=3),
        min_size=1,
        max_size=8,
    ),
    st.data(),
)
def test_the_line_by_line_reader_loses_no_well_formed_row(rows, data):
    """Whatever the values hold (delimiters, quotes, line breaks, properly quoted as a CSV
    writer quotes them), the line-by-line reader returns every row; one line with a field too
    many, put anywhere between rows, is the only one set apart."""
    import csv
    import io

    from pipelines.ingest.read import MALFORMED_COLUMN, read_lines

    records = []
    for row in rows:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(row)
        records.append(buffer.getvalue())
    at = data.draw(st.integers(0, len(records)))
    records.insert(at, "x,y,z,extra\n")
    frame = read_lines("a,b,c\n" + "".join(records), ",")
    good = frame.filter(pl.col(MALFORMED_COLUMN).is_null())
    bad = frame.filter(pl.col(MALFORMED_COLUMN).is_not_null())
    assert [list(r) for r in good.select("a", "b", "c").rows()] == [
        [None if not v.strip() else v.strip() for v in row] for row in rows
    ]
    assert bad[MALFORMED_COLUMN].to_list() == ["x,y,z,extra"]
