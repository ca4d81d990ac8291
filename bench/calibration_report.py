"""Generate the default-scale synthetic extracts and compare them with the published figures.

    .venv/bin/python bench/calibration_report.py [--children 35000] [--seed 42] [--out DIR]

Reads the landing files (as the pipeline would) and prints, for each council, the generated
figure beside the DfE "Education, health and care plans" 2025 figure it is calibrated to.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.synthetic import calibration as cal
from pipelines.synthetic import generate, reference
from pipelines.synthetic.generator import file_names, overflow_name, workbook_name

AS_AT = date(2025, 1, 16)
YEAR_START, YEAR_END = date(2024, 1, 1), date(2024, 12, 31)
CITY_DATE, COUNTY_DATE, ISO = "%Y-%b-%d 00:00:00", "%d/%m/%Y", "%Y-%m-%d"
NEEDS = ("ASD", "SEMH", "SLCN", "MLD", "OTH")
COUNTY_NEEDS = {"ASC": "ASD", "SEMH": "SEMH", "SLC": "SLCN", "MLD": "MLD", "OTHER": "OTH"}


def _date(column: str, fmt: str) -> pl.Expr:
    return pl.col(column).str.to_date(fmt, strict=False)


def _in_2024(column: str, fmt: str) -> pl.Expr:
    return _date(column, fmt).is_between(YEAR_START, YEAR_END)


def _in_force(start: str, end: str, fmt: str) -> pl.Expr:
    return (_date(start, fmt) <= AS_AT) & (_date(end, fmt).is_null() | (_date(end, fmt) > AS_AT))


class Extracts:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.names = file_names(AS_AT)

    def __call__(self, table: str) -> pl.DataFrame:
        source = table.split("_", 1)[0]
        name = self.names[table]
        folder = self.out / "landing" / source
        if source == "county" and not name.endswith(".csv"):
            overflow = folder / overflow_name(AS_AT, name)
            if overflow.exists():
                return pl.read_csv(overflow, infer_schema=False)
            return pl.read_excel(
                folder / workbook_name(AS_AT), sheet_name=name, infer_schema_length=0
            )
        path = folder / name
        if source == "county":
            text = path.read_bytes().decode("cp1252").encode("utf-8")
            return pl.read_csv(text, separator=";" if "TopUp" in name else ",", infer_schema=False)
        return pl.read_csv(path, infer_schema=False)


def _age_bands(dob: pl.Series) -> list[float]:
    age = ((pl.lit(AS_AT) - dob).dt.total_days() / 365.25).floor()
    ages = pl.select(age).to_series()
    shares = []
    for lo, hi in cal.AGE_BANDS:
        shares.append(100 * ages.is_between(lo, hi).sum() / ages.len())
    return shares


def city_figures(read: Extracts, settings: pl.DataFrame) -> dict[str, object]:
    person = read("city_person")
    requests = read("city_requests").select(
        "requeststableid", "persontableid", "receiveddate", "requestoutcome"
    )
    assessment = read("city_assessment").select(
        "assessmenttableid", "requeststableid", "assessmentoutcome", "assessmentoutcomedate"
    )
    named = read("city_namedplan").select(
        "namedplantableid", "assessmenttableid", "startdate", "ceasedate", "ceasereason"
    )
    active = read("city_activeplans")
    placements = read("city_placementdetail")
    needs = read("city_senneed")
    plans = named.join(assessment, on="assessmenttableid").join(requests, on="requeststableid")
    in_force = plans.filter(_in_force("startdate", "ceasedate", CITY_DATE))
    received = requests.filter(_in_2024("receiveddate", CITY_DATE), pl.col("requestoutcome") != "H")
    issued = assessment.join(requests, on="requeststableid").filter(
        (pl.col("assessmentoutcome") == "Y")
        & _in_2024("assessmentoutcomedate", CITY_DATE)
        & (pl.col("requestoutcome") != "H")
    )
    weeks = (
        _date("assessmentoutcomedate", CITY_DATE) - _date("receiveddate", CITY_DATE)
    ).dt.total_days()
    ceased = named.filter(_in_2024("ceasedate", CITY_DATE))
    active_now = active.join(in_force.select("requeststableid"), on="requeststableid")
    primary = needs.filter(pl.col("sentyperank") == "1").join(
        active_now.select("activeplanstableid"), on="activeplanstableid"
    )
    holders = person.join(in_force.select("persontableid").unique(), on="persontableid")
    current = placements.join(
        active_now.select("activeplanstableid"), on="activeplanstableid"
    ).filter(_date("leavingdate", CITY_DATE).is_null())
    # As published (annual_reviews.csv pc_decsion_4weeks): of the meetings held in the year
    # whose outcome was communicated, the share communicated within 4 weeks.
    reviews = active.filter(_in_2024("reviewmeeting", CITY_DATE))
    review_days = (
        _date("lastreview", CITY_DATE) - _date("reviewmeeting", CITY_DATE)
    ).dt.total_days()
    return {
        "plans": in_force.height,
        "requests": received.height,
        "assess": _share(received, pl.col("requestoutcome") == "Y"),
        "twenty": (issued.height, 100 * issued.select((weeks <= 140).mean()).item()),
        "ceased": (ceased.height, (ceased["ceasereason"] == "5").sum()),
        "needs": _need_mix(primary["sentype"], in_force.height),
        "male": 100 * (holders["sex"] == "M").mean(),
        "ages": _age_bands(holders["personbirthdate"].str.to_date(CITY_DATE, strict=False)),
        "placements": _placement_mix(
            current, "urn", "ukprn", "sensetting", settings, in_force.height
        ),
        "sen_support": read("city_sen_support").height,
        "reviews": _within_4_weeks(reviews, review_days),
    }


def county_figures(read: Extracts, settings: pl.DataFrame) -> dict[str, object]:
    clients = read("county_clients")
    requests = read("county_requests")
    assessments = read("county_assessments")
    plans = read("county_plans")
    placements = read("county_placements")
    needs = read("county_needs")
    reviews = read("county_reviews")
    in_force = plans.filter(_in_force("StartDate", "EndDate", COUNTY_DATE))
    received = requests.filter(_in_2024("DateReceived", COUNTY_DATE))
    issued = assessments.join(requests, on="RequestID").filter(
        (pl.col("Outcome") == "Plan to be issued") & _in_2024("OutcomeDate", COUNTY_DATE)
    )
    weeks = (_date("OutcomeDate", COUNTY_DATE) - _date("DateReceived", COUNTY_DATE)).dt.total_days()
    ceased = plans.filter(_in_2024("EndDate", COUNTY_DATE))
    primary = needs.filter(pl.col("NeedRank") == "Primary").join(
        in_force.select("PlanID"), on="PlanID"
    )
    holders = clients.join(in_force.select("ClientID").unique(), on="ClientID")
    current = placements.join(in_force.select("PlanID"), on="PlanID").filter(
        _date("EndDate", COUNTY_DATE).is_null()
    )
    held = reviews.filter(_in_2024("ReviewMeetingDate", COUNTY_DATE))
    review_days = (
        _date("DecisionDate", COUNTY_DATE) - _date("ReviewMeetingDate", COUNTY_DATE)
    ).dt.total_days()
    need_codes = primary["NeedCode"].replace(COUNTY_NEEDS)
    return {
        "plans": in_force.height,
        "requests": received.height,
        "assess": _share(received, pl.col("Decision") == "Agreed to assess"),
        "twenty": (issued.height, 100 * issued.select((weeks <= 140).mean()).item()),
        "ceased": (ceased.height, (ceased["EndReason"] == "Moved to another LA").sum()),
        "needs": _need_mix(need_codes, in_force.height),
        "male": 100 * (holders["Gender"] == "Male").mean(),
        "ages": _age_bands(holders["DateOfBirth"].str.to_date(COUNTY_DATE, strict=False)),
        "placements": _placement_mix(
            current, "URN", "UKPRN", "SettingCode", settings, in_force.height
        ),
        "sen_support": read("county_sen_support").height,
        "reviews": _within_4_weeks(held, review_days),
    }


def _share(frame: pl.DataFrame, yes: pl.Expr) -> float:
    """As published (requests.csv request_assess_pc): of all requests received in the year."""
    return 100 * frame.filter(yes).height / max(1, frame.height)


def _within_4_weeks(meetings: pl.DataFrame, days: pl.Expr) -> float:
    """As published: within 4 weeks / (within + after 4 weeks), outstanding decisions left out."""
    decided = meetings.select(days.alias("days")).to_series().drop_nulls()
    return 100 * (decided <= 28).mean() if decided.len() else float("nan")


def _need_mix(needs: pl.Series, plans: int) -> list[float]:
    mix = [100 * (needs == need).sum() / plans for need in NEEDS]
    return [*mix, 100 * (plans - needs.len()) / plans]


def _placement_mix(
    current: pl.DataFrame, urn: str, ukprn: str, code: str, settings: pl.DataFrame, plans: int
) -> list[float | int]:
    kinds = settings.select(pl.col("urn"), kind=pl.col("setting_type"))
    typed = current.join(kinds, left_on=urn, right_on="urn", how="left").with_columns(
        kind=pl.when(pl.col(ukprn).is_not_null())
        .then(pl.lit("further_education"))
        .otherwise("kind")
    )
    count = typed["kind"].value_counts()
    by_kind = dict(zip(count["kind"].to_list(), count["count"].to_list(), strict=True))
    special = by_kind.get("special", 0) + by_kind.get("independent_special", 0)
    return [
        100 * by_kind.get("mainstream", 0) / plans,
        100 * special / plans,
        100 * by_kind.get("further_education", 0) / plans,
        typed[code].is_not_null().sum(),
        plans
        - typed.select(
            pl.col(urn).is_not_null() | pl.col(ukprn).is_not_null() | pl.col(code).is_not_null()
        )
        .to_series()
        .sum(),
    ]


def health_figures(read: Extracts) -> dict[str, float]:
    referrals = read("icb_referrals")
    contacts = read("icb_care_contacts")
    first = contacts.group_by("ReferralID").agg(first=_date("CareContactDate", ISO).min())
    joined = referrals.join(first, on="ReferralID", how="left").with_columns(
        received=_date("ReferralRequestReceivedDate", ISO)
    )
    waited = joined.filter(pl.col("ReferralRejectionDate").is_null()).with_columns(
        weeks=((pl.col("first").fill_null(AS_AT) - pl.col("received")).dt.total_days() / 7)
    )
    neuro = waited.filter(pl.col("ServiceTypeReferredTo") == "Neurodevelopmental Assessment")
    slt = waited.filter(pl.col("ServiceTypeReferredTo") == "Speech and Language Therapy")
    return {
        "neuro_over_13": 100 * (neuro["weeks"] > 13).mean(),
        "slt_over_18": 100 * (slt["weeks"] > 18).mean(),
        "open_without_contact": 100 * waited["first"].is_null().mean(),
    }


def _row(label: str, city, city_target, county, county_target) -> str:
    return f"{label:<44}{city!s:>16}{city_target!s:>12}{county!s:>16}{county_target!s:>12}"


def report(out: Path) -> None:
    settings = reference.load().settings
    read = Extracts(out)
    city, county = city_figures(read, settings), county_figures(read, settings)
    c, k = cal.CITY_FIGURES, cal.COUNTY_FIGURES
    print(_row("figure", "city", "published", "county", "published"))
    print(
        _row(
            "EHC plans in force at 16 Jan 2025",
            city["plans"],
            c.plans_in_force,
            county["plans"],
            k.plans_in_force,
        )
    )
    print(
        _row(
            "requests received in 2024",
            city["requests"],
            c.requests,
            county["requests"],
            k.requests,
        )
    )
    print(
        _row(
            "% of requests decided to assess",
            f"{city['assess']:.1f}",
            f"{100 * c.pct_decided_to_assess:.1f}",
            f"{county['assess']:.1f}",
            f"{100 * k.pct_decided_to_assess:.1f}",
        )
    )
    print(
        _row(
            "plans issued in 2024 (20-week denominator)",
            city["twenty"][0],
            294,
            county["twenty"][0],
            1259,
        )
    )
    print(
        _row(
            "% issued within 20 weeks (2024)",
            f"{city['twenty'][1]:.1f}",
            f"{100 * c.within_20_weeks[1]:.1f}",
            f"{county['twenty'][1]:.1f}",
            f"{100 * k.within_20_weeks[1]:.1f}",
        )
    )
    print(_row("plans ceased in 2024", city["ceased"][0], c.ceased, county["ceased"][0], k.ceased))
    print(
        _row(
            "  of which transferred to another LA",
            city["ceased"][1],
            c.cease_reasons["5"],
            county["ceased"][1],
            k.cease_reasons["5"],
        )
    )
    published = {
        "city": [48.2, 11.9, 5.5, 7.9, 6.2, 6.6],
        "county": [48.8, 17.2, 8.0, 7.2, 9.2, 0.0],
    }
    for i, need in enumerate((*NEEDS, "unknown")):
        print(
            _row(
                f"% primary need {need}",
                f"{city['needs'][i]:.1f}",
                published["city"][i],
                f"{county['needs'][i]:.1f}",
                published["county"][i],
            )
        )
    print(
        _row("% male (plans in force)", f"{city['male']:.1f}", 72.0, f"{county['male']:.1f}", 69.1)
    )
    published_ages = {"city": [1.9, 34.0, 37.1, 21.5, 5.4], "county": [3.8, 29.1, 41.4, 22.1, 3.7]}
    for i, (lo, hi) in enumerate(cal.AGE_BANDS):
        print(
            _row(
                f"% aged {lo}-{hi}",
                f"{city['ages'][i]:.1f}",
                published_ages["city"][i],
                f"{county['ages'][i]:.1f}",
                published_ages["county"][i],
            )
        )
    labels = (
        "% placed mainstream",
        "% placed special",
        "% placed FE",
        "placed elsewhere (count)",
        "placement unknown (count)",
    )
    published_placements = {
        "city": [37.5, 36.2, 8.6, 178, 120],
        "county": [36.3, 35.9, 12.2, 772, 36],
    }
    for i, label in enumerate(labels):
        value_city, value_county = city["placements"][i], county["placements"][i]
        if i < 3:
            value_city, value_county = f"{value_city:.1f}", f"{value_county:.1f}"
        print(
            _row(
                label,
                value_city,
                published_placements["city"][i],
                value_county,
                published_placements["county"][i],
            )
        )
    print(
        _row(
            "% review decisions within 4 weeks (2024)",
            f"{city['reviews']:.1f}",
            f"{100 * c.review_within_4_weeks:.1f}",
            f"{county['reviews']:.1f}",
            f"{100 * k.review_within_4_weeks:.1f}",
        )
    )
    print(
        _row(
            "pupils on SEN support (lists)",
            city["sen_support"],
            c.sen_support,
            county["sen_support"],
            k.sen_support,
        )
    )
    health = health_figures(read)
    print()
    print(
        f"ICB: {health['neuro_over_13']:.1f}% of neurodevelopmental referrals waited (or are "
        f"waiting) over 13 weeks; {health['slt_over_18']:.1f}% of SLT referrals over 18 "
        f"weeks; {health['open_without_contact']:.1f}% of referrals open with no contact."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=cal.DEFAULT_CHILDREN)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch)
        started = time.perf_counter()
        summary = generate(args.children, args.seed, out, AS_AT)
        print(
            f"Generated {summary.children:,} children (seed {summary.seed}) in "
            f"{time.perf_counter() - started:.1f} s; {summary.invalid_rows} invalid rows "
            "planted.\n"
        )
        report(out)


if __name__ == "__main__":
    main()
