"""The synthetic extract generator: contract shape, truth, planted issues, determinism."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path

import fastexcel
import numpy as np
import polars as pl
import pytest

from pipelines.synthetic import generate, names
from pipelines.synthetic.names import nickname_table
from schemas.identifiers import nhs_number_valid_expr, uln_valid_expr, upn_valid_expr

ROOT = Path(__file__).resolve().parents[2]
CHILDREN = 1500
AS_AT = date(2025, 1, 16)
CP1252_FILES = ("SEN_Support_16012025.csv", "HighNeeds_TopUp_16012025.csv")
WORKBOOK = "EHC_Casework_16012025.xlsx"


def contract() -> dict[str, tuple[str, list[str]]]:
    """Raw table → (file or sheet name for AS_AT, column names), read from the contract doc."""
    text = (ROOT / "docs" / "source-extracts.md").read_text(encoding="utf-8")
    dates = {
        "<DD-MM-YYYY>": AS_AT.strftime("%d-%m-%Y"),
        "<YYYY-MM-DD>": AS_AT.isoformat(),
        "<DDMMYYYY>": AS_AT.strftime("%d%m%Y"),
        "<YYYYMMDD>": AS_AT.strftime("%Y%m%d"),
    }
    tables = {}
    for table, where, columns in re.findall(r"^\| `(\w+)` \| (.+?) \| (.+?) \|$", text, re.M):
        name = re.search(r"`([^`]+)`", where).group(1)
        if name.startswith("_"):
            name = "Blade-Export_<d>" + name
        if table.startswith("city_") and "<d>" in name:
            name = name.replace("<d>", dates["<DD-MM-YYYY>"])
        name = name.replace("<d>", dates["<YYYYMMDD>"])
        for pattern, value in dates.items():
            name = name.replace(pattern, value)
        plain = re.sub(r"\s*\([^)]*\)", "", columns)
        tables[table] = (name, [c.strip().strip("*").strip() for c in plain.split(",")])
    return tables


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hashes(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): sha256(p) for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("synthetic")
    out = {"a": base / "a", "b": base / "b", "other_seed": base / "c"}
    messages: list[str] = []
    summary = generate(CHILDREN, 42, out["a"], AS_AT, progress=messages.append)
    assert messages, "progress is reported"
    assert summary.rows and summary.files
    generate(CHILDREN, 42, out["b"], AS_AT)
    generate(CHILDREN, 7, out["other_seed"], AS_AT)
    return out


@pytest.fixture(scope="module")
def out(runs) -> Path:
    return runs["a"]


def read_table(out: Path, table: str) -> pl.DataFrame:
    name, _ = contract()[table]
    source = table.split("_", 1)[0]
    path = out / "landing" / source / name
    if source == "county" and not name.endswith(".csv"):
        overflow = out / "landing" / "county" / f"EHC_Casework_16012025_{name}.csv"
        if overflow.exists():
            return pl.read_csv(overflow, infer_schema=False)
        return pl.read_excel(
            out / "landing" / "county" / WORKBOOK, sheet_name=name, infer_schema_length=0
        )
    if name in CP1252_FILES:
        separator = ";" if "TopUp" in name else ","
        return pl.read_csv(
            path.read_bytes().decode("cp1252").encode("utf-8"),
            separator=separator,
            infer_schema=False,
        )
    return pl.read_csv(path, infer_schema=False)


def truth(out: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(out / "truth" / f"{name}.parquet")


def test_same_seed_gives_identical_files(runs):
    first, second = hashes(runs["a"]), hashes(runs["b"])
    assert first == second
    assert any(name.endswith(".xlsx") for name in first)


def test_other_seed_gives_other_files(runs):
    first, other = hashes(runs["a"]), hashes(runs["other_seed"])
    assert first.keys() == other.keys()
    assert sum(first[k] != other[k] for k in first) >= len(first) - 1


def test_every_contract_file_has_the_contract_columns(out):
    sheets = fastexcel.read_excel(out / "landing" / "county" / WORKBOOK).sheet_names
    for table, (name, columns) in contract().items():
        source = table.split("_", 1)[0]
        if source == "county" and not name.endswith(".csv"):
            assert name in sheets, table
        else:
            assert (out / "landing" / source / name).exists(), name
        assert read_table(out, table).columns == columns, table


def test_truth_covers_every_row_of_every_table(out):
    records = truth(out, "record_truth")
    children = truth(out, "children")
    assert records["true_child_id"].is_in(children["true_child_id"].implode()).all()
    for table in contract():
        frame = read_table(out, table)
        if table == "city_sen2":  # the return's header: one row about the export, no child
            assert frame.select("lea", "year").rows() == [("892", "2025")]
            continue
        ids = frame.get_column(frame.columns[0])
        assert ids.null_count() == 0 and ids.n_unique() == frame.height, table
        expected = records.filter(pl.col("table") == table)
        assert expected.height == frame.height, table
        assert set(expected["source_record_id"]) == set(ids), table
        assert expected["source"].unique().to_list() == [table.split("_", 1)[0]]


def test_planted_issue_types_are_present(out):
    issues = truth(out, "planted_issues")
    found = set(issues["issue_type"])
    assert {
        "transfer_city_to_county",
        "transfer_county_to_city",
        "dual_council",
        "twins",
        "cross_border_school",
    } <= found
    assert {"name_typo", "nickname", "dob_typo", "missing_upn", "missing_nhs"} <= found


def test_truth_lists_the_overlaps_and_gaps_beside_the_linkage_issues(runs):
    from pipelines.synthetic.truth_issues import GAP_TYPES, OVERLAP_TYPES

    issues = truth(runs["a"], "planted_issues")
    assert issues.columns == [
        "true_child_id",
        "category",
        "issue_type",
        "organisation",
        "since",
        "service",
        "detail",
        "source",
        "table",
        "source_record_id",
    ]
    assert issues.schema["since"] == pl.Date
    assert set(issues["category"]) == {"linkage", "overlap", "gap"}
    linkage = issues.filter(pl.col("category") == "linkage")
    assert (
        linkage.select("organisation", "since", "service").null_count().row(0)
        == (linkage.height,) * 3
    )
    served = issues.filter(pl.col("category") != "linkage")
    assert (
        served.select("true_child_id", "organisation", "since", "detail")
        .null_count()
        .sum_horizontal()
        .item()
        == 0
    )
    assert (
        served.select("source", "table", "source_record_id").null_count().row(0)
        == (served.height,) * 3
    )
    assert set(served["organisation"]) <= {"city", "county", "icb", "city+county"}
    children = truth(runs["a"], "children")["true_child_id"]
    assert served["true_child_id"].is_in(children.implode()).all()
    # The rare types are planted (about 60 at 35,000 children, so a few here).
    found = set(served["issue_type"])
    assert {"dual_plans", "dual_topup", "dual_assessment", "request_no_decision"} <= found
    assert found <= set(OVERLAP_TYPES) | set(GAP_TYPES)
    assert issues.equals(issues.sort(issues.columns[1:3] + ["true_child_id"], maintain_order=True))
    # The summary counts what the file holds, every overlap and gap type included.
    summary = generate(CHILDREN, 42, runs["a"].parent / "again", AS_AT)
    counts = dict(issues.group_by("issue_type").len().iter_rows())
    assert {k: v for k, v in summary.planted_issues.items() if v} == counts
    assert set(OVERLAP_TYPES) | set(GAP_TYPES) <= set(summary.planted_issues)
    assert truth(runs["a"].parent / "again", "planted_issues").equals(issues)
    assert not truth(runs["other_seed"], "planted_issues").equals(issues)


def test_ceasing_council_records_the_new_postcode_of_a_partner_transfer(out):
    children = truth(out, "children").select(
        "true_child_id",
        "previous_la",
        "home_la",
        true_postcode="postcode",
        true_previous="previous_postcode",
    )
    issues = truth(out, "planted_issues")
    changed = set(
        issues.filter(
            pl.col("issue_type").is_in(["postcode_typo", "old_postcode", "duplicate_person_record"])
        )["source_record_id"]
    )
    checked = {"partner": 0, "outside": 0}
    for table, code, column in (
        ("city_person", "892", "postcode"),
        ("county_clients", "891", "PostCode"),
    ):
        records = truth(out, "record_truth").filter(pl.col("table") == table)
        frame = read_table(out, table)
        rows = (
            frame.join(
                records.select("source_record_id", "true_child_id"),
                left_on=frame.columns[0],
                right_on="source_record_id",
            )
            .filter(~pl.col(frame.columns[0]).is_in(list(changed | _invalid_ids(out, table))))
            .join(children, on="true_child_id")
            .filter(pl.col("previous_la") == code)
        )
        partner = rows.filter(pl.col("home_la").is_in(["891", "892"]) & (pl.col("home_la") != code))
        assert (partner[column] == partner["true_postcode"]).all()
        outside = rows.filter(
            (pl.col("home_la") == "outside") & pl.col("true_previous").is_not_null()
        )
        assert (outside[column] == outside["true_previous"]).all()
        checked["partner"] += partner.height
        checked["outside"] += outside.height
    assert checked["partner"] > 0 and checked["outside"] > 0


def _invalid_ids(out: Path, table: str) -> set[str]:
    rows = truth(out, "planted_invalid_rows")
    return set(rows.filter(pl.col("table") == table)["source_record_id"])


def _rows_of(out: Path, table: str, child_ids) -> pl.DataFrame:
    records = truth(out, "record_truth").filter(pl.col("table") == table)
    frame = read_table(out, table)
    return frame.join(
        records.select("source_record_id", "true_child_id"),
        left_on=frame.columns[0],
        right_on="source_record_id",
    ).filter(
        pl.col("true_child_id").is_in(list(child_ids))
        & ~pl.col(frame.columns[0]).is_in(list(_invalid_ids(out, table)))
    )


def test_transfers_cease_in_one_council_and_start_in_the_other(out):
    issues = truth(out, "planted_issues")
    city_to_county = set(
        issues.filter(pl.col("issue_type") == "transfer_city_to_county")["true_child_id"]
    )
    county_to_city = set(
        issues.filter(pl.col("issue_type") == "transfer_county_to_city")["true_child_id"]
    )
    assert city_to_county and county_to_city
    city_plans = _rows_of(out, "city_namedplan", city_to_county)
    county_plans = _rows_of(out, "county_plans", city_to_county)
    for child in city_to_county:
        assert "5" in city_plans.filter(pl.col("true_child_id") == child)["ceasereason"].to_list()
        assert (
            "892"
            in county_plans.filter(pl.col("true_child_id") == child)["TransferredFromLA"].to_list()
        )
    county_plans = _rows_of(out, "county_plans", county_to_city)
    city_requests = _rows_of(out, "city_requests", county_to_city)
    city_active = read_table(out, "city_activeplans").join(
        city_requests.select("requeststableid", "true_child_id"), on="requeststableid"
    )
    for child in county_to_city:
        assert (
            "Moved to another LA"
            in county_plans.filter(pl.col("true_child_id") == child)["EndReason"].to_list()
        )
        assert "891" in city_active.filter(pl.col("true_child_id") == child)["transferla"].to_list()


def test_twins_share_details_but_are_different_children(out):
    children = truth(out, "children")
    twins = children.filter(pl.col("twin_of").is_not_null())
    assert twins.height >= 2
    pairs = twins.join(children, left_on="twin_of", right_on="true_child_id", suffix="_twin")
    assert (pairs["true_child_id"] != pairs["twin_of"]).all()
    for column in ("surname", "dob", "postcode", "school_urn"):
        assert (pairs[column] == pairs[f"{column}_twin"]).all(), column
    assert (pairs["forename"] != pairs["forename_twin"]).all()


IDENTIFIERS = {
    "upn": (
        upn_valid_expr,
        [
            ("city_person", "upn"),
            ("city_sen_support", "UPN"),
            ("city_topup_funding", "UPN"),
            ("county_clients", "UPN"),
            ("county_sen_support", "PupilUPN"),
            ("county_topup_funding", "UPN"),
        ],
    ),
    "nhs": (
        nhs_number_valid_expr,
        [("county_clients", "NHSNumber"), ("icb_patients", "NHSNumber")],
    ),
    "uln": (uln_valid_expr, [("city_person", "uniquelearnernumber"), ("county_clients", "ULN")]),
}


@pytest.mark.parametrize("kind", sorted(IDENTIFIERS))
def test_identifiers_are_valid_except_the_mis_keyed_ones(out, kind):
    valid, columns = IDENTIFIERS[kind]
    issues = truth(out, "planted_issues").filter(pl.col("issue_type") == f"{kind}_invalid_check")
    checked = 0
    for table, column in columns:
        frame = read_table(out, table)
        values = frame.filter(pl.col(column).is_not_null())
        bad = values.filter(~valid(pl.col(column)))[frame.columns[0]].to_list()
        planted = set(issues.filter(pl.col("table") == table)["source_record_id"])
        assert set(bad) <= planted, (table, set(bad) - planted)
        checked += values.height
    assert checked > 0
    assert issues.height > 0 or kind == "uln"


def test_nhs_numbers_are_in_the_never_issued_range(out):
    children = truth(out, "children")
    numbers = children["nhs_number"].drop_nulls()
    assert numbers.len() > 0
    assert numbers.str.starts_with("999").all()
    assert numbers.is_unique().all()
    assert children["upn"].drop_nulls().is_unique().all()


def test_county_lists_are_windows_1252_with_accented_names(out):
    text = ""
    for name in CP1252_FILES:
        raw = (out / "landing" / "county" / name).read_bytes()
        text += raw.decode("cp1252")
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
    assert re.search(r"[À-ÿ]", text)
    header = (out / "landing" / "county" / CP1252_FILES[1]).read_bytes().decode("cp1252")
    assert header.startswith("FundingRef;ClientID;")
    assert re.search(r";£\d{1,3}(,\d{3})*\.\d{2}\r\n", header)


def test_city_dates_use_the_blade_format(out):
    person = read_table(out, "city_person")
    invalid = _invalid_ids(out, "city_person")
    dates = person.filter(~pl.col("persontableid").is_in(list(invalid)))["personbirthdate"]
    assert dates.str.contains(r"^\d{4}-[A-Z][a-z]{2}-\d{2} 00:00:00$").all()


def test_dates_are_in_order_and_not_after_as_at_except_planted(out):
    invalid = truth(out, "planted_invalid_rows")
    requests = read_table(out, "county_requests").filter(
        ~pl.col("RequestID").is_in(list(_invalid_ids(out, "county_requests")))
    )
    received = requests["DateReceived"].str.to_date("%d/%m/%Y")
    decided = requests["DecisionDate"].str.to_date("%d/%m/%Y")
    assert (received <= AS_AT).all()
    assert ((decided >= received) | decided.is_null()).all()
    placements = read_table(out, "city_placementdetail").filter(
        ~pl.col("placementdetailtableid").is_in(list(_invalid_ids(out, "city_placementdetail")))
    )
    entry = placements["entrydate"].str.to_date("%Y-%b-%d 00:00:00")
    leaving = placements["leavingdate"].str.to_date("%Y-%b-%d 00:00:00")
    assert ((leaving >= entry) | leaving.is_null()).all()
    contacts = read_table(out, "icb_care_contacts").filter(
        ~pl.col("CareContactID").is_in(list(_invalid_ids(out, "icb_care_contacts")))
    )
    assert (contacts["CareContactDate"].str.to_date("%Y-%m-%d") <= AS_AT).all()
    assert set(invalid["kind"]) >= {"unknown_code", "unparseable_date", "future_date"}


def test_invalid_rows_point_at_real_records(out):
    invalid = truth(out, "planted_invalid_rows")
    records = truth(out, "record_truth")
    assert invalid.height > 0
    joined = invalid.join(records, on=["source", "table", "source_record_id"])
    assert joined.height == invalid.height


def test_workbook_is_stamped_with_the_extract_date(out):
    import zipfile

    with zipfile.ZipFile(out / "landing" / "county" / WORKBOOK) as workbook:
        core = workbook.read("docProps/core.xml").decode("utf-8")
    assert datetime(2025, 1, 16).strftime("%Y-%m-%dT%H:%M:%SZ") in core


def test_nickname_table_has_formal_and_short_forms():
    pairs = set(nickname_table().iter_rows())
    assert {("William", "Bill"), ("Elizabeth", "Beth"), ("Mohammed", "Muhammad")} <= pairs


def test_a_thousand_children_work(tmp_path):
    summary = generate(1000, 3, tmp_path, AS_AT)
    assert summary.children == 1000
    assert truth(tmp_path, "children").height == 1000
    assert summary.rows["city_person"] > 0 and summary.rows["icb_patients"] > 0


def _codes(name: str, column: str | None = None, where: pl.Expr | None = None) -> set[str]:
    frame = pl.read_csv(ROOT / "schemas" / "codelists" / f"{name}.csv", infer_schema=False)
    if where is not None:
        frame = frame.filter(where)
    return set(frame.get_column(column or frame.columns[0]))


CODED_COLUMNS = [
    ("city_person", "sex", lambda: _codes("sex", "source_code", pl.col("source") == "city")),
    ("city_person", "ethnicity", lambda: _codes("ethnicity")),
    ("city_person", "upnunknown", lambda: _codes("upn_unknown")),
    ("city_requests", "requestsource", lambda: _codes("request_source")),
    ("city_requests", "requestoutcome", lambda: _codes("request_outcome")),
    ("city_assessment", "assessmentoutcome", lambda: _codes("assessment_outcome")),
    ("city_namedplan", "ceasereason", lambda: _codes("cease_reason")),
    ("city_plandetail", "sensetting", lambda: _codes("sen_setting")),
    ("city_placementdetail", "sensetting", lambda: _codes("sen_setting")),
    ("city_activeplans", "reviewoutcome", lambda: _codes("city_review_outcome")),
    ("city_activeplans", "transferla", lambda: _codes("local_authority")),
    ("city_senneed", "sentype", lambda: _codes("sen_type", where=pl.col("census_only") == "false")),
    ("city_sen_support", "SENtype1", lambda: _codes("sen_type")),
    ("city_sen_support", "SENtype2", lambda: _codes("sen_type")),
    (
        "county_clients",
        "Gender",
        lambda: _codes("sex", "source_code", pl.col("source") == "county"),
    ),
    ("county_clients", "Ethnicity", lambda: _codes("county_ethnicity")),
    ("county_clients", "UPNMissingReason", lambda: _codes("upn_unknown")),
    ("county_requests", "RequestedBy", lambda: _codes("county_requested_by")),
    ("county_requests", "Decision", lambda: _codes("county_request_decision")),
    ("county_assessments", "Outcome", lambda: _codes("county_assessment_outcome")),
    ("county_plans", "EndReason", lambda: _codes("county_end_reason")),
    ("county_plans", "TransferredFromLA", lambda: _codes("local_authority")),
    ("county_plan_settings", "SettingCode", lambda: _codes("sen_setting")),
    ("county_placements", "SettingCode", lambda: _codes("sen_setting")),
    ("county_needs", "NeedCode", lambda: _codes("county_need_code")),
    ("county_reviews", "Outcome", lambda: _codes("county_review_outcome")),
    ("county_sen_support", "PrimaryNeed", lambda: _codes("county_need_code")),
    ("county_sen_support", "SecondaryNeed", lambda: _codes("county_need_code")),
    ("icb_patients", "Gender", lambda: _codes("sex", "source_code", pl.col("source") == "icb")),
    ("icb_patients", "EthnicCategory", lambda: _codes("nhs_ethnic_category")),
    ("icb_patients", "NHSNumberStatusIndicator", lambda: _codes("nhs_number_status")),
    ("icb_referrals", "ServiceTypeReferredTo", lambda: _codes("health_service")),
    ("icb_care_contacts", "AttendedOrDidNotAttend", lambda: _codes("attendance")),
]


@pytest.mark.parametrize(
    ("table", "column", "allowed"), CODED_COLUMNS, ids=[f"{t}.{c}" for t, c, _ in CODED_COLUMNS]
)
def test_coded_values_are_in_their_code_lists_except_planted(out, table, column, allowed):
    frame = read_table(out, table)
    clean = frame.filter(~pl.col(frame.columns[0]).is_in(list(_invalid_ids(out, table))))
    values = set(clean[column].drop_nulls())
    assert values, (table, column)
    assert values <= allowed(), values - allowed()


def test_streamed_workbook_rows_match_cell_by_cell_writing(tmp_path):
    from pipelines.synthetic.writers import write_workbook

    frame = pl.DataFrame(
        {
            "A": ["1", None, " lead", "x&y<z>", "", "2"],
            "B": ["Zoë", "", None, "tail ", 'Łukasz "q"', None],
            "C": [None] * 6,
        },
        schema={"A": pl.String, "B": pl.String, "C": pl.String},
    )
    created = datetime(2025, 1, 16)
    sheets = [("First", frame), ("Empty", frame.head(0)), ("Blank", frame.select("C"))]
    write_workbook(tmp_path / "streamed.xlsx", sheets, created, streamed=True)
    write_workbook(tmp_path / "cells.xlsx", sheets, created, streamed=False)
    assert sha256(tmp_path / "streamed.xlsx") == sha256(tmp_path / "cells.xlsx")


def test_reference_seeds_are_what_the_module_builds():
    from pipelines.synthetic import reference

    committed = reference.load()
    assert reference.build_postcodes().equals(committed.postcodes)
    assert reference.build_settings().equals(committed.settings)
    assert 4_000 <= committed.postcodes.height <= 8_000
    assert committed.settings["urn"].str.contains(r"^\d{6}$").all()


def test_names_have_the_long_tail_of_a_real_population():
    """In England the commonest surname is borne by about 1.3% of people and the ten commonest
    by about 6%, the commonest boy's name of a year by about 1.5% of boys and the ten commonest by
    about 10%; with the name pools' heads alone Smith was 5.6% and the top ten surnames 30%, the
    commonest boy's name 8%, which made linkage blocks several times their real size at national
    scale."""
    from pipelines.synthetic import people
    from pipelines.synthetic.ehcp import ETHNICITIES

    n = 200_000
    rng = np.random.default_rng(1)
    cols = {
        "child": np.arange(n),
        "ethnicity": np.full(n, list(ETHNICITIES).index("WBRI")),
        "male": rng.random(n) < 0.5,
    }
    people._names(rng, cols)
    shares = pl.Series(people.SURNAMES).gather(cols["surname"]).value_counts(sort=True)["count"] / n
    assert 0.01 < shares[0] < 0.02
    assert 0.04 < shares.head(10).sum() < 0.08
    assert shares.len() > 3_000
    boys = (
        pl.Series(people.FORENAMES).gather(cols["forename"][cols["male"]]).value_counts(sort=True)
    )["count"] / int(cols["male"].sum())
    assert 0.01 < boys[0] < 0.03
    assert 0.06 < boys.head(10).sum() < 0.13
    british = names.POOLS["british"][2]
    assert len(set(british)) == len(british)
    # the tail has a fixed seed of its own: the same names in every run, whatever the seed
    head = len(british) - names._SURNAME_TAIL_PARTS["british"][0]
    assert names._surname_tail("british", british[:head]) == british[head:]
