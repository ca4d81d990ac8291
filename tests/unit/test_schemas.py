"""Data contracts: good rows pass, each kind of bad value is caught and explained, files that
cannot be used are refused, and no valid row is ever dropped."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import (
    CONTRACTS,
    contract,
    contract_columns,
    identifying_columns,
    nullified_columns,
    required_columns,
)
from schemas.codes import code_column, code_list, code_map, codes, county_plan_need_codes
from schemas.validate import ISSUE_SCHEMA, ContractError, ValidationResult, validate

EXTRACT_DATE = date(2025, 1, 31)
CONTRACT_DOC = Path(__file__).resolve().parents[2] / "docs" / "source-extracts.md"

# One complete, valid row per table: every column filled so every check runs.
GOOD_ROWS: dict[str, dict[str, str]] = {
    "city_sen2": {
        "sen2tableid": "H1",
        "NativeId": "N1",
        "sen2orderseqcolumn": "1",
        "sourceid": "S1",
        "collection": "SEN2",
        "year": "2025",
        "referencedate": "2025-Jan-16 00:00:00",
        "sourcelevel": "L",
        "lea": "892",
        "softwarecode": "Blade",
        "release": "3.1",
        "serialno": "1",
        "datetime": "2025-Jan-16 09:00:00",
        "dmo": "1",
        "dco": "1",
        "dsco": "1",
    },
    "city_person": {
        "persontableid": "P1",
        "NativeId": "N1",
        "personorderseqcolumn": "1",
        "sourceid": "S1",
        "sen2tableid": "H1",
        "surname": "Smith",
        "forename": "Amy",
        "personbirthdate": "2015-Sep-28 00:00:00",
        "sex": "F",
        "ethnicity": "WBRI",
        "postcode": "NG1 5DT",
        "upn": "B801200005001",
        "uniquelearnernumber": "1234567899",
        "upnunknown": "UN8",
    },
    "city_requests": {
        "requeststableid": "R1",
        "NativeId": "N1",
        "requestsorderseqcolumn": "1",
        "sourceid": "S1",
        "persontableid": "P1",
        "receiveddate": "2024-Jan-05 00:00:00",
        "requestsource": "1",
        "rya": "0",
        "requestoutcomedate": "2024-Feb-10 00:00:00",
        "requestoutcome": "Y",
        "requestmediation": "0",
        "requesttribunal": "0",
        "exported": "0",
    },
    "city_assessment": {
        "assessmenttableid": "A1",
        "NativeId": "N1",
        "assessmentorderseqcolumn": "1",
        "sourceid": "S1",
        "requeststableid": "R1",
        "assessmentoutcome": "Y",
        "assessmentoutcomedate": "2024-May-20 00:00:00",
        "assessmentmediation": "0",
        "assessmenttribunal": "0",
        "othermediation": "0",
        "othertribunal": "0",
        "week20": "1",
    },
    "city_namedplan": {
        "namedplantableid": "NP1",
        "NativeId": "N1",
        "namedplanorderseqcolumn": "1",
        "sourceid": "S1",
        "assessmenttableid": "A1",
        "startdate": "2024-May-20 00:00:00",
        "planres": "0",
        "planwbp": "0",
        "pb": "1",
        "oa": "0",
        "dp": "1",
        "ceasedate": "2024-Dec-31 00:00:00",
        "ceasereason": "5",
    },
    "city_plandetail": {
        "plandetailtableid": "PD1",
        "NativeId": "N1",
        "plandetailorderseqcolumn": "1",
        "sourceid": "S1",
        "namedplantableid": "NP1",
        "urn": "100001",
        "ukprn": "10012345",
        "sensetting": "OLA",
        "sensettingother": "Tuition",
        "placementrank": "1",
        "senunitindicator": "0",
        "resourcedprovisionindicator": "1",
    },
    "city_activeplans": {
        "activeplanstableid": "AP1",
        "NativeId": "N1",
        "activeplansorderseqcolumn": "1",
        "sourceid": "S1",
        "requeststableid": "R1",
        "transferla": "891",
        "res": "0",
        "wbp": "0",
        "reviewmeeting": "2024-Nov-01 00:00:00",
        "reviewoutcome": "2",
        "reviewdraft": "2024-Nov-20 00:00:00",
        "phasetransferduedate": "2026-Feb-15 00:00:00",  # a due date may be in the future
        "phasetransferfinaldate": "2024-Feb-14 00:00:00",
        "lastreview": "2024-Nov-20 00:00:00",
    },
    "city_placementdetail": {
        "placementdetailtableid": "PL1",
        "NativeId": "N1",
        "placementdetailorderseqcolumn": "1",
        "sourceid": "S1",
        "activeplanstableid": "AP1",
        "urn": "100001",
        "ukprn": "10012345",
        "sensetting": "EHE",
        "sensettingother": "Home",
        "placementrank": "1",
        "entrydate": "2023-Sep-04 00:00:00",
        "leavingdate": "2024-Jul-19 00:00:00",
        "senunitindicator": "0",
        "resourcedprovisionindicator": "0",
        "res": "0",
        "wbp": "0",
    },
    "city_senneed": {
        "senneedtableid": "SN1",
        "NativeId": "N1",
        "senneedorderseqcolumn": "1",
        "sourceid": "S1",
        "activeplanstableid": "AP1",
        "sentype": "ASD",
        "sentyperank": "1",
    },
    "city_sen_support": {
        "PupilID": "C1",
        "LAEstab": "8922001",
        "URN": "100001",
        "UPN": "B801200005001",
        "Surname": "Khan",
        "Forename": "Ben",
        "DOB": "2015-09-28",
        "Gender": "M",
        "Ethnicity": "AIND",
        "Postcode": "NG7 2RD",
        "SENprovision": "K",
        "SENtype1": "SLCN",
        "SENtype2": "NSA",
        "CensusDate": "2025-01-16",
    },
    "city_topup_funding": {
        "FundingLineID": "F1",
        "UPN": "B801200005001",
        "Surname": "Khan",
        "Forename": "Ben",
        "DOB": "2015-09-28",
        "URN": "100001",
        "Band": "C",
        "PeriodStart": "2024-09-01",
        "PeriodEnd": "2025-08-31",
        "AnnualAmountGBP": "12345.00",
    },
    "county_clients": {
        "ClientID": "C1",
        "FamilyName": "Smith",
        "GivenName": "Amy",
        "DateOfBirth": "28/09/2015",
        "Gender": "Female",
        "Ethnicity": "White - British",
        "PostCode": "NG18 1AB",
        "UPN": "B801200005001",
        "ULN": "1234567899",
        "UPNMissingReason": "UN8",
        "NHSNumber": "943 476 5919",
    },
    "county_requests": {
        "RequestID": "Q1",
        "ClientID": "C1",
        "DateReceived": "05/01/2024",
        "RequestedBy": "Parent/Carer",
        "DecisionDate": "10/02/2024",
        "Decision": "Agreed to assess",
        "MovedOutBeforeDecision": "N",
    },
    "county_assessments": {
        "AssessmentID": "A1",
        "RequestID": "Q1",
        "Outcome": "Plan to be issued",
        "OutcomeDate": "20/05/2024",
        "TwentyWeekException": "N",
    },
    "county_plans": {
        "PlanID": "PL1",
        "AssessmentID": "A1",
        "ClientID": "C1",
        "StartDate": "20/05/2024",
        "EndDate": "31/12/2024",
        "EndReason": "Moved to another LA",
        "TransferredFromLA": "892",
        "PersonalBudget": "Y",
    },
    "county_plan_settings": {
        "PlanSettingID": "PS1",
        "PlanID": "PL1",
        "URN": "100001",
        "UKPRN": "10012345",
        "SettingCode": "OTH",
        "Rank": "1",
    },
    "county_placements": {
        "PlacementID": "PM1",
        "PlanID": "PL1",
        "URN": "100001",
        "UKPRN": "10012345",
        "SettingCode": "NIEO",
        "StartDate": "04/09/2023",
        "EndDate": "19/07/2024",
    },
    "county_needs": {"NeedID": "ND1", "PlanID": "PL1", "NeedCode": "ASC", "NeedRank": "Primary"},
    "county_reviews": {
        "ReviewID": "RV1",
        "PlanID": "PL1",
        "ReviewMeetingDate": "01/11/2024",
        "DecisionDate": "20/11/2024",
        "Outcome": "Amend",
    },
    "county_sen_support": {
        "PupilID": "SS1",
        "PupilUPN": "B801200005001",
        "LegalSurname": "Jones",
        "LegalForename": "Cara",
        "DateOfBirth": "28/09/2015",
        "Sex": "F",
        "PostCode": "NG5 1AA",
        "SchoolURN": "100001",
        "SENProvision": "K",
        "PrimaryNeed": "SLC",
        "SecondaryNeed": "NSA",
        "CensusDate": "16/01/2025",
    },
    "county_topup_funding": {
        "FundingRef": "T1",
        "ClientID": "C1",
        "UPN": "B801200005001",
        "Surname": "Jones",
        "Forename": "Cara",
        "DOB": "28/09/2015",
        "SchoolURN": "100001",
        "Band": "3",
        "StartDate": "01/09/2024",
        "EndDate": "31/08/2025",
        "AnnualTopUp": "£12,345.00",
    },
    "icb_patients": {
        "LocalPatientID": "LP1",
        "NHSNumber": "9990000018",
        "NHSNumberStatusIndicator": "01",
        "Forename": "Amy",
        "Surname": "Smith",
        "PersonBirthDate": "2015-09-28",
        "Gender": "2",
        "EthnicCategory": "A",
        "Postcode": "ZZ99 3VZ",
        "GPPracticeCode": "C84001",
    },
    "icb_referrals": {
        "ReferralID": "RF1",
        "LocalPatientID": "LP1",
        "OrgIDProv": "RHA",
        "ReferralRequestReceivedDate": "2024-03-01",
        "SourceOfReferral": "03",
        "ServiceTypeReferredTo": "Speech and Language Therapy",
        "ReferralRejectionDate": "2024-03-05",
        "ServiceDischargeDate": "2024-10-01",
        "ReferralClosureReason": "01",
    },
    "icb_care_contacts": {
        "CareContactID": "CC1",
        "ReferralID": "RF1",
        "LocalPatientID": "LP1",
        "CareContactDate": "2024-04-02",
        "AttendedOrDidNotAttend": "5",
        "ConsultationMechanism": "01",
    },
}


def make_frame(table: str, *rows: dict[str, str | None], drop: tuple[str, ...] = ()):
    """Raw frame as ingestion delivers it: text columns plus _source_row (header is row 1)."""
    records = [{**GOOD_ROWS[table], **row} for row in rows or ({},)]
    columns = [c for c in GOOD_ROWS[table] if c not in drop]
    frame = pl.DataFrame(
        [{c: r.get(c) for c in columns} for r in records], schema=dict.fromkeys(columns, pl.String)
    )
    rows_in_file = pl.int_range(2, frame.height + 2, dtype=pl.Int64)  # header is row 1
    return frame.with_columns(rows_in_file.alias("_source_row"))


def run(table: str, *rows: dict[str, str | None], **kwargs) -> ValidationResult:
    frame = make_frame(table, *rows, **kwargs)
    return validate(frame, table, file_name=f"{table}.csv", extract_date=EXTRACT_DATE)


def only_issue(result: ValidationResult) -> dict:
    assert result.issues.height == 1, result.issues.to_dicts()
    return result.issues.row(0, named=True)


# --- the registry and the contract document -----------------------------------------------------


def _documented_tables() -> dict[str, tuple[list[str], list[str]]]:
    """table -> (all columns, bold columns) parsed from docs/source-extracts.md."""
    tables = {}
    for line in CONTRACT_DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `(\w+)` \|[^|]*\| (.*) \|$", line)
        if not match:
            continue
        cell = re.sub(r"\s*\([^)]*\)", "", match.group(2))
        names = [name.strip() for name in cell.split(",")]
        tables[match.group(1)] = (
            [name.strip("*") for name in names],
            [name.strip("*") for name in names if name.startswith("**")],
        )
    return tables


def test_every_documented_table_has_a_contract_with_its_columns():
    documented = _documented_tables()
    assert len(CONTRACTS) == 24
    assert set(documented) == set(CONTRACTS)
    for table, (columns, required) in documented.items():
        assert contract_columns(table) == columns, table
        assert required_columns(table) == required, table


def test_contracts_are_readable_and_well_formed():
    for table, model in CONTRACTS.items():
        schema = model.to_schema()
        doc = model.__doc__ or ""
        for name, column in schema.columns.items():
            assert re.search(rf"^\s*{name}: \S", doc, re.MULTILINE), f"{table}.{name} undocumented"
            assert column.required is not column.nullable, f"{table}.{name}"
            for check in column.checks:
                assert check.name and check.error, f"{table}.{name}: {check}"
        first = next(iter(schema.columns.values()))
        assert first.unique and not first.nullable, f"{table}: record id must be unique"
        for check in schema.checks:
            assert check.statistics["column"] in schema.columns, f"{table}: {check}"


def test_nullified_columns_are_optional_identifier_like_columns_and_end_reasons():
    assert nullified_columns("city_person") == [
        "ethnicity",
        "postcode",
        "upn",
        "uniquelearnernumber",
        "upnunknown",
    ]
    assert nullified_columns("icb_patients") == [
        "NHSNumber",
        "NHSNumberStatusIndicator",
        "EthnicCategory",
        "Postcode",
    ]
    assert nullified_columns("county_plans") == ["EndReason"]
    assert nullified_columns("city_namedplan") == ["ceasereason"]
    for table in CONTRACTS:
        assert not set(nullified_columns(table)) & set(required_columns(table))


def test_unknown_table():
    with pytest.raises(KeyError, match="no data contract"):
        contract("city_nonsense")


# --- code lists ----------------------------------------------------------------------------------


def test_code_lists_are_read_as_text_with_filters():
    assert "ASD" in codes("sen_type")
    assert "NSA" not in codes("sen_type", census_only="false")
    assert codes("nhs_number_status") >= {"01", "08"}  # leading zeros kept
    assert codes("sex", "source_code", source="icb") == {"1", "2", "9", "X"}
    assert code_column("county_need_code", "county_need_code")[0] == "SPLD"
    assert code_map("county_need_code", "county_need_code", "sen_type")["ASC"] == "ASD"
    assert "NSA" not in county_plan_need_codes() and "ASC" in county_plan_need_codes()
    assert code_list("flag").columns == ["source", "flag_value", "flag"]
    with pytest.raises(KeyError):
        codes("no_such_list")
    with pytest.raises(KeyError):
        codes("sen_type", no_such_column="x")


# --- good rows -----------------------------------------------------------------------------------


@pytest.mark.parametrize("table", sorted(GOOD_ROWS))
def test_a_good_row_passes(table):
    result = run(table)
    assert result.issues.height == 0, result.issues.to_dicts()
    assert result.quarantined.height == 0
    assert result.valid.columns == [*contract_columns(table), "_source_row"]
    assert result.valid.row(0, named=True) == {**GOOD_ROWS[table], "_source_row": 2}


@pytest.mark.parametrize("table", sorted(GOOD_ROWS))
def test_a_row_with_only_required_values_passes(table):
    optional = {c: None for c in contract_columns(table) if c not in required_columns(table)}
    result = run(table, optional)
    assert result.issues.height == 0, result.issues.to_dicts()
    assert result.valid.height == 1


def test_result_frames_have_the_agreed_types():
    result = run("city_person", {"personorderseqcolumn": "x"}, {"persontableid": "P2"})
    assert dict(result.issues.schema) == ISSUE_SCHEMA
    assert result.valid.schema == result.quarantined.schema
    assert result.valid["_source_row"].to_list() == [3]
    assert result.quarantined["_source_row"].to_list() == [2]


# --- each kind of bad value ----------------------------------------------------------------------


def _assert_quarantined(result: ValidationResult, column: str, rule: str, reason: str) -> None:
    issue = only_issue(result)
    assert (issue["column"], issue["rule"], issue["severity"]) == (column, rule, "error")
    assert issue["reason"] == reason
    assert issue["source_row"] == 2
    assert result.valid.height == 0 and result.quarantined.height == 1


def test_bad_date_format():
    result = run("city_requests", {"receiveddate": "2025-Feb-30 00:00:00"})
    _assert_quarantined(
        result,
        "receiveddate",
        "date_format",
        "receiveddate '2025-Feb-30 00:00:00' is not a date in the form 2022-Sep-28 00:00:00",
    )
    assert only_issue(result)["value"] == "2025-Feb-30 00:00:00"


@pytest.mark.parametrize(
    ("table", "column", "value", "rule", "reason"),
    [
        ("city_person", "surname", None, "present", "surname is blank"),
        ("city_person", "forename", None, "present", "forename is blank"),
        (
            "city_person",
            "personbirthdate",
            "2025-Feb-30 00:00:00",
            "date_format",
            "personbirthdate '2025-Feb-30 00:00:00' is not a date in the form 2022-Sep-28 00:00:00",
        ),
        (
            "city_person",
            "personbirthdate",
            "2026-Jan-01 00:00:00",
            "not_after_extract_date",
            "personbirthdate '2026-Jan-01 00:00:00' is after the extract date 2025-01-31",
        ),
        ("city_person", "sex", None, "present", "sex is blank"),
        ("county_clients", "FamilyName", None, "present", "FamilyName is blank"),
        (
            "county_clients",
            "Gender",
            "Boy",
            "code_list",
            "Gender 'Boy' is not a county sex value (see schemas/codelists/sex.csv)",
        ),
        ("icb_patients", "PersonBirthDate", None, "present", "PersonBirthDate is blank"),
    ],
)
def test_a_persons_bad_identifying_field_is_nulled_and_the_row_kept(
    table, column, value, rule, reason
):
    """The row anchors the person's requests, plans or referrals: quarantining it would cut the
    child off from all of them, and linkage works with one field missing."""
    result = run(table, {column: value})
    issue = only_issue(result)
    assert (issue["column"], issue["rule"], issue["severity"]) == (column, rule, "warning")
    assert issue["reason"] == f"{reason}; value set to null, row kept"
    assert issue["source_row"] == 2
    assert result.quarantined.height == 0
    assert result.valid.row(0, named=True) == {**GOOD_ROWS[table], column: None, "_source_row": 2}


def test_identifying_columns_are_the_persons_names_birth_date_and_sex():
    assert identifying_columns("city_person") == ["surname", "forename", "personbirthdate", "sex"]
    assert identifying_columns("county_clients") == [
        "FamilyName",
        "GivenName",
        "DateOfBirth",
        "Gender",
    ]
    assert identifying_columns("icb_patients") == ["PersonBirthDate", "Gender"]
    assert not identifying_columns("city_sen_support")


@pytest.mark.parametrize(
    ("table", "column", "value", "example"),
    [
        ("city_requests", "receiveddate", "2024-01-05", "2022-Sep-28 00:00:00"),
        ("county_requests", "DateReceived", "2024-01-05", "28/09/2022"),
        ("county_requests", "DateReceived", "05/01/24", "28/09/2022"),  # two-digit year
        ("icb_referrals", "ReferralRequestReceivedDate", "01/03/2024", "2022-09-28"),
        ("city_sen_support", "DOB", "2015-13-01", "2022-09-28"),
    ],
)
def test_dates_must_be_in_the_source_format(table, column, value, example):
    _assert_quarantined(
        run(table, {column: value}),
        column,
        "date_format",
        f"{column} '{value}' is not a date in the form {example}",
    )


def test_future_date():
    _assert_quarantined(
        run("county_requests", {"DateReceived": "01/02/2025", "DecisionDate": None}),
        "DateReceived",
        "not_after_extract_date",
        "DateReceived '01/02/2025' is after the extract date 2025-01-31",
    )
    # the extract date itself is fine, and so are dates that may lie ahead
    assert run("county_requests", {"DateReceived": "31/01/2025", "DecisionDate": None}).valid.height
    assert run("city_topup_funding", {"PeriodEnd": "2030-08-31"}).valid.height


def test_unknown_code():
    _assert_quarantined(
        run("city_senneed", {"sentype": "XYZ"}),
        "sentype",
        "code_list",
        "sentype 'XYZ' is not a SEN type code for an EHC plan (see schemas/codelists/sen_type.csv)",
    )


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("city_senneed", "sentype", "NSA"),  # census-only type, not for a plan
        ("county_needs", "NeedCode", "NSA"),
        ("city_requests", "rya", "Y"),  # county flag in a city file
        ("county_requests", "MovedOutBeforeDecision", "1"),
        ("city_sen_support", "SENprovision", "E"),
        ("city_topup_funding", "Band", "G"),
        ("county_topup_funding", "Band", "C"),
        ("icb_referrals", "OrgIDProv", "XYZ"),
        ("icb_care_contacts", "AttendedOrDidNotAttend", "1"),
        ("county_sen_support", "Sex", "X"),
        ("city_activeplans", "transferla", "E10000024"),
    ],
)
def test_codes_are_checked_against_their_lists(table, column, value):
    issue = only_issue(run(table, {column: value}))
    assert (issue["column"], issue["severity"]) == (column, "error")


def test_missing_required_value():
    _assert_quarantined(
        run("city_sen_support", {"Surname": None}),
        "Surname",
        "required",
        "Surname is blank but required",
    )


def test_bad_upn_check_letter_is_nulled_and_the_row_kept():
    result = run("city_person", {"upn": "A801200005001"})
    issue = only_issue(result)
    assert (issue["column"], issue["rule"], issue["severity"]) == (
        "upn",
        "upn_check_letter",
        "warning",
    )
    assert issue["reason"] == (
        "upn 'A801200005001' has the wrong UPN check letter; value set to null, row kept"
    )
    assert result.quarantined.height == 0
    kept = result.valid.row(0, named=True)
    assert kept["upn"] is None
    assert kept == {**GOOD_ROWS["city_person"], "upn": None, "_source_row": 2}


def test_malformed_upn_gets_one_format_issue():
    issue = only_issue(run("county_sen_support", {"PupilUPN": "12345"}))
    assert (issue["rule"], issue["severity"]) == ("upn_format", "warning")


def test_bad_nhs_number_is_nulled_and_the_row_kept():
    result = run("icb_patients", {"NHSNumber": "9434765918"})
    issue = only_issue(result)
    assert (issue["column"], issue["rule"], issue["severity"]) == (
        "NHSNumber",
        "nhs_number_check_digit",
        "warning",
    )
    assert issue["reason"] == (
        "NHSNumber '9434765918' fails the NHS number modulus-11 check digit; "
        "value set to null, row kept"
    )
    assert result.valid["NHSNumber"].to_list() == [None]
    assert only_issue(run("county_clients", {"NHSNumber": "943 476"}))["rule"] == (
        "nhs_number_format"
    )


def test_bad_uln_and_postcode_are_nulled():
    result = run("county_clients", {"ULN": "1234567890", "PostCode": "NOT A POSTCODE"})
    assert result.issues.select("column", "rule", "severity").rows() == [
        ("PostCode", "postcode", "warning"),
        ("ULN", "uln_check_digit", "warning"),
    ]
    assert result.valid.select("PostCode", "ULN").row(0) == (None, None)
    assert "PostCode 'NOT A POSTCODE' is not a UK postcode" in result.issues["reason"][0]


def test_bad_optional_ethnicity_is_nulled():
    result = run("county_clients", {"Ethnicity": "British"})
    assert only_issue(result)["severity"] == "warning"
    assert result.valid["Ethnicity"].to_list() == [None]


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [("county_plans", "EndReason", "Left for Mars"), ("city_namedplan", "ceasereason", "12")],
)
def test_a_plan_with_an_unknown_end_reason_is_kept_without_it(table, column, value):
    """The plan is real (it ended, for a reason the code list does not know): quarantining it
    would drop it from every count, so the reason is nulled with a warning instead."""
    result = run(table, {column: value})
    issue = only_issue(result)
    assert (issue["column"], issue["severity"]) == (column, "warning")
    assert result.quarantined.height == 0
    assert result.valid[column].to_list() == [None]


def test_a_warning_on_a_quarantined_row_says_so():
    result = run("city_person", {"upn": "A801200005001", "personorderseqcolumn": "x"})
    assert result.valid.height == 0
    warning = result.issues.filter(pl.col("severity") == "warning").row(0, named=True)
    assert warning["reason"].endswith("but the row is quarantined for another failure")
    assert result.quarantined["upn"].to_list() == ["A801200005001"]  # kept as delivered


@pytest.mark.parametrize(
    ("table", "earlier", "later", "early_value", "late_value"),
    [
        (
            "city_requests",
            "receiveddate",
            "requestoutcomedate",
            "2024-Mar-01 00:00:00",
            "2024-Feb-01 00:00:00",
        ),
        (
            "city_placementdetail",
            "entrydate",
            "leavingdate",
            "2024-Mar-01 00:00:00",
            "2024-Feb-01 00:00:00",
        ),
        ("city_topup_funding", "PeriodStart", "PeriodEnd", "2024-09-01", "2024-08-31"),
        ("county_reviews", "ReviewMeetingDate", "DecisionDate", "01/11/2024", "31/10/2024"),
        ("county_plans", "StartDate", "EndDate", "20/05/2024", "19/05/2024"),
        (
            "icb_referrals",
            "ReferralRequestReceivedDate",
            "ServiceDischargeDate",
            "2024-03-01",
            "2024-02-28",
        ),
        (
            "icb_referrals",
            "ReferralRequestReceivedDate",
            "ReferralRejectionDate",
            "2024-03-06",
            "2024-03-05",
        ),
    ],
)
def test_dates_out_of_order(table, earlier, later, early_value, late_value):
    result = run(table, {earlier: early_value, later: late_value})
    failures = result.issues.filter(pl.col("rule") == "date_order")
    assert failures.height == 1, result.issues.to_dicts()
    issue = failures.row(0, named=True)
    assert (issue["column"], issue["severity"], issue["value"]) == (later, "error", late_value)
    assert issue["reason"] == (
        f"{later} is before {earlier} ({later} '{late_value}', {earlier} '{early_value}')"
    )
    assert result.valid.height == 0
    # the same day is in order
    assert run(table, {earlier: early_value, later: early_value}).valid.height == 1


def test_requestoutcomedate_before_receiveddate_reason():
    result = run("city_requests", {"requestoutcomedate": "2024-Jan-04 00:00:00"})
    assert only_issue(result)["reason"].startswith("requestoutcomedate is before receiveddate")


def test_duplicate_record_id_quarantines_every_copy():
    result = run("county_needs", {}, {"NeedRank": "Secondary"}, {"NeedID": "ND2"})
    assert result.issues.select("source_row", "column", "rule").rows() == [
        (2, "NeedID", "unique"),
        (3, "NeedID", "unique"),
    ]
    assert result.issues["reason"][0] == (
        "NeedID 'ND1' appears on more than one row; a record id must be unique"
    )
    assert result.valid["NeedID"].to_list() == ["ND2"]
    assert result.quarantined["_source_row"].to_list() == [2, 3]


def test_blank_record_ids_are_reported_as_missing_not_duplicated():
    result = run("county_needs", {"NeedID": None}, {"NeedID": None})
    assert result.issues.select("source_row", "rule").rows() == [(2, "required"), (3, "required")]


@pytest.mark.parametrize("amount", ["£12,345.00", "12345", "12345.5", "1,234,567.89", "£0.00"])
def test_amounts_in_pounds_pass(amount):
    assert run("county_topup_funding", {"AnnualTopUp": amount}).issues.height == 0


@pytest.mark.parametrize("amount", ["twelve pounds", "12,34", "12.345", "$100", "-5.00", "1 000"])
def test_non_numeric_amount(amount):
    issue = only_issue(run("county_topup_funding", {"AnnualTopUp": amount}))
    assert (issue["column"], issue["rule"], issue["severity"]) == (
        "AnnualTopUp",
        "decimal_amount",
        "error",
    )
    assert issue["reason"].startswith(f"AnnualTopUp '{amount}' is not an amount in pounds")


def test_non_integer_urn():
    issue = only_issue(run("city_plandetail", {"urn": "10000A"}))
    assert issue["reason"] == "urn '10000A' is not a whole number"


def test_every_failure_in_a_row_is_reported():
    result = run(
        "city_person",
        {"personorderseqcolumn": "x", "sex": "Q", "personbirthdate": "yesterday", "surname": None},
    )
    assert sorted(result.issues["column"].to_list()) == [
        "personbirthdate",
        "personorderseqcolumn",
        "sex",
        "surname",
    ]
    assert result.quarantined.height == 1
    warned = result.issues.filter(pl.col("severity") == "warning")["reason"].to_list()
    assert len(warned) == 3
    assert all(reason.endswith("the row is quarantined for another failure") for reason in warned)


# --- file-level failures -------------------------------------------------------------------------


def test_missing_required_column_fails_the_file():
    frame = make_frame("city_person", drop=("surname", "sex"))
    with pytest.raises(ContractError) as error:
        validate(
            frame,
            "city_person",
            file_name="Blade-Export_31-01-2025_person.csv",
            extract_date=EXTRACT_DATE,
        )
    assert str(error.value) == (
        "Blade-Export_31-01-2025_person.csv: missing required column(s) 'surname', 'sex' "
        "for city_person"
    )


def test_empty_file_fails():
    frame = make_frame("icb_patients").clear()
    with pytest.raises(ContractError, match="CSDS.csv: no data rows for icb_patients"):
        validate(frame, "icb_patients", file_name="CSDS.csv", extract_date=EXTRACT_DATE)


def test_missing_optional_column_is_added_as_null_and_extras_dropped():
    frame = make_frame("city_person", drop=("upnunknown", "NativeId")).with_columns(
        pl.lit("x").alias("gendercurrent")
    )
    result = validate(frame, "city_person", file_name="p.csv", extract_date=EXTRACT_DATE)
    assert result.issues.height == 0
    assert result.valid.columns == [*contract_columns("city_person"), "_source_row"]
    assert result.valid.select("upnunknown", "NativeId").row(0) == (None, None)


def test_non_text_columns_are_read_as_text():
    frame = make_frame("county_needs").with_columns(pl.lit(7).alias("PlanID"))
    result = validate(frame, "county_needs", file_name="n.csv", extract_date=EXTRACT_DATE)
    assert result.valid["PlanID"].to_list() == ["7"]


# --- no valid row is ever dropped ----------------------------------------------------------------

_CORRUPTIONS = {
    "city_person": [
        ("personbirthdate", "2015-Sep-31 00:00:00", "warning"),
        ("personbirthdate", "2026-Jan-01 00:00:00", "warning"),
        ("sex", "X", "warning"),
        ("surname", None, "warning"),
        ("personorderseqcolumn", "1.5", "error"),
        ("upn", "A801200005001", "warning"),
        ("postcode", "XX1", "warning"),
        ("uniquelearnernumber", "12", "warning"),
        ("ethnicity", "WHITE", "warning"),
    ],
    "icb_referrals": [
        ("ServiceDischargeDate", "2024-01-01", "error"),
        ("OrgIDProv", "ABC", "error"),
        ("ReferralRequestReceivedDate", None, "error"),
    ],
}


@st.composite
def _deliveries(draw):
    table = draw(st.sampled_from(sorted(_CORRUPTIONS)))
    rows = draw(
        st.lists(
            st.lists(st.sampled_from(_CORRUPTIONS[table]), max_size=2), min_size=1, max_size=12
        )
    )
    return table, rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_deliveries())
def test_valid_rows_are_never_dropped_and_every_dropped_row_is_explained(delivery):
    table, rows = delivery
    id_column = contract_columns(table)[0]
    overrides = [
        {id_column: f"ID{i}", **{column: value for column, value, _ in corruption}}
        for i, corruption in enumerate(rows)
    ]
    result = run(table, *overrides)
    assert result.valid.height + result.quarantined.height == len(rows)
    error_rows = set(result.issues.filter(pl.col("severity") == "error")["source_row"])
    assert set(result.quarantined["_source_row"]) == error_rows
    for i, corruption in enumerate(rows):
        row_number = i + 2
        severities = {severity for _, _, severity in corruption}
        assert (row_number in error_rows) == ("error" in severities)
        if not corruption:
            kept = result.valid.filter(pl.col("_source_row") == row_number)
            assert kept.row(0, named=True) == {
                **GOOD_ROWS[table],
                id_column: f"ID{i}",
                "_source_row": row_number,
            }
        elif "error" not in severities:
            kept = result.valid.filter(pl.col("_source_row") == row_number).row(0, named=True)
            for column, _, _ in corruption:
                assert kept[column] is None
