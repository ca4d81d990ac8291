"""Reading landing files as delivered: encodings, delimiters, workbooks, row numbers."""

import polars as pl
import pytest
import xlsxwriter

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
