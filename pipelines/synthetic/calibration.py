"""Published figures the synthetic extracts are calibrated to, and the modelling around them.

Figures come from the DfE release "Education, health and care plans" (reporting year 2025: plans at
January 2025, activity in calendar 2024; Open Government Licence v3.0, "Contains public sector
information licensed under the Open Government Licence v3.0."), as summarised in the domain brief
§4.2. They describe the default scale (35,000 children, as at 16 January 2025); every count scales
linearly with the number of children. Splits the release does not publish (placement by age band,
request volumes before 2024, waits) are modelling choices and say so.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.synthetic import codes

DEFAULT_CHILDREN = 35_000

# Council index used throughout the generator: 0 = city, 1 = county, 2 = outside the partnership.
CITY, COUNTY, OUTSIDE = 0, 1, 2
LA_CODES = (codes.code("local_authority", "892"), codes.code("local_authority", "891"))


@dataclass(frozen=True)
class CouncilFigures:
    plans_in_force: int
    requests: int  # received in the calendar year before as_at
    pct_decided_to_assess: float
    decision_within_6_weeks: float
    # 20-week rate by years before as_at's year (1 = the last full year), incl. exceptions
    within_20_weeks: dict[int, float]
    new_plans: int
    ceased: int
    # plans ceased in the last full year, by SEN2 cease reason (ceased_plans.csv)
    cease_reasons: dict[str, int]
    # share of transfers out that go to the partner council (modelling choice)
    transfer_to_partner: float
    review_meeting_held: float
    review_within_4_weeks: float
    review_outcomes: dict[str, int]  # review_outcome.csv codes
    primary_need: dict[str, int]  # sen_type.csv codes; "" = no need recorded
    male: int
    female: int
    ages: dict[int, int]  # single year of age at January 2025 (caseload.csv)
    years_in_place: tuple[int, ...]  # plans by completed years in place, [0,1) … [11,12), 12+
    ethnicity: dict[str, int]  # ethnicity.csv codes; "Unclassified" shared NOBT/REFU
    # placement type by age band (0-4, 5-10, 11-15, 16-19, 20-25); totals match caseload.csv,
    # the split by age band is a modelling choice
    placements: dict[str, tuple[int, int, int, int, int]]
    elsewhere_codes: dict[str, int]  # sen_setting.csv codes for "educated elsewhere"
    sen_support: int  # pupils on SEN support in the council's schools
    personal_budget: float


CITY_FIGURES = CouncilFigures(
    plans_in_force=1_909,
    requests=579,
    pct_decided_to_assess=0.724,
    decision_within_6_weeks=0.981,
    within_20_weeks={1: 0.299, 2: 0.671, 3: 0.455, 4: 0.817},
    new_plans=295,
    ceased=134,
    cease_reasons={"2": 46, "3": 2, "4": 2, "5": 62, "6": 14, "7": 4, "8": 4},
    transfer_to_partner=0.40,
    review_meeting_held=0.91,
    review_within_4_weeks=0.573,
    review_outcomes={"amend": 746, "maintain": 611, "cease": 37},
    primary_need={
        "ASD": 920,
        "HI": 46,
        "MLD": 151,
        "MSI": 8,
        "OTH": 119,
        "PD": 87,
        "PMLD": 37,
        "SEMH": 228,
        "SLCN": 105,
        "SLD": 56,
        "SPLD": 3,
        "VI": 23,
        "": 126,
    },
    male=1_375,
    female=534,
    ages={
        3: 8,
        4: 29,
        5: 62,
        6: 97,
        7: 129,
        8: 104,
        9: 135,
        10: 123,
        11: 114,
        12: 138,
        13: 158,
        14: 139,
        15: 159,
        16: 124,
        17: 124,
        18: 99,
        19: 64,
        20: 44,
        21: 30,
        22: 18,
        23: 7,
        24: 3,
        25: 1,
    },
    years_in_place=(328, 326, 195, 169, 164, 154, 152, 94, 95, 61, 36, 135),
    ethnicity={
        "WBRI": 857,
        "WIRI": 7,
        "WOTH": 90,
        "WIRT": 5,
        "WROM": 6,
        "MWBC": 119,
        "MWBA": 32,
        "MWAS": 19,
        "MOTH": 69,
        "AIND": 38,
        "APKN": 175,
        "ABAN": 12,
        "CHNE": 4,
        "AOTH": 45,
        "BCRB": 51,
        "BAFR": 139,
        "BOTH": 31,
        "OOTH": 41,
        "NOBT": 118,
        "REFU": 51,
    },
    placements={
        "mainstream": (20, 330, 316, 50, 0),
        "special": (10, 230, 268, 110, 8),
        "independent_special": (0, 15, 35, 15, 0),
        "alternative_provision": (0, 5, 35, 0, 0),
        "further_education": (0, 0, 0, 119, 45),
        "early_years": (0, 0, 0, 0, 0),
        "not_in_education": (0, 0, 0, 84, 35),
        "elsewhere": (0, 20, 24, 10, 5),
        "unknown": (7, 50, 30, 23, 10),
    },
    elsewhere_codes={"OLA": 36, "EHE": 18, "OPA": 2, "OTH": 3},
    sen_support=5_500,
    personal_budget=0.05,
)

COUNTY_FIGURES = CouncilFigures(
    plans_in_force=5_422,
    requests=1_719,
    pct_decided_to_assess=0.700,
    decision_within_6_weeks=0.981,
    within_20_weeks={1: 0.375, 2: 0.323, 3: 0.045, 4: 0.440},
    new_plans=1_295,
    ceased=453,
    cease_reasons={"1": 6, "2": 17, "3": 20, "4": 45, "5": 154, "6": 204, "8": 7},
    transfer_to_partner=0.15,
    review_meeting_held=0.96,
    review_within_4_weeks=0.754,
    review_outcomes={"amend": 3_141, "maintain": 625, "cease": 3},
    primary_need={
        "ASD": 2_644,
        "HI": 42,
        "MLD": 389,
        "MSI": 20,
        "OTH": 501,
        "PD": 339,
        "PMLD": 28,
        "SEMH": 934,
        "SLCN": 434,
        "SLD": 53,
        "SPLD": 13,
        "VI": 25,
    },
    male=3_744,
    female=1_678,
    ages={
        1: 3,
        2: 5,
        3: 50,
        4: 146,
        5: 201,
        6: 220,
        7: 229,
        8: 267,
        9: 302,
        10: 359,
        11: 436,
        12: 439,
        13: 458,
        14: 480,
        15: 429,
        16: 408,
        17: 350,
        18: 260,
        19: 181,
        20: 103,
        21: 52,
        22: 27,
        23: 8,
        24: 9,
    },
    years_in_place=(1_500, 892, 667, 427, 431, 335, 295, 242, 150, 121, 99, 263),
    ethnicity={
        "WBRI": 4_336,
        "WIRI": 12,
        "WOTH": 190,
        "WIRT": 4,
        "WROM": 8,
        "MWBC": 144,
        "MWBA": 23,
        "MWAS": 38,
        "MOTH": 93,
        "AIND": 45,
        "APKN": 26,
        "ABAN": 8,
        "CHNE": 15,
        "AOTH": 48,
        "BCRB": 25,
        "BAFR": 61,
        "BOTH": 32,
        "OOTH": 58,
        "NOBT": 179,
        "REFU": 77,
    },
    placements={
        "mainstream": (90, 800, 997, 80, 0),
        "special": (60, 500, 650, 220, 20),
        "independent_special": (0, 100, 305, 80, 9),
        "alternative_provision": (0, 0, 1, 0, 0),
        "further_education": (0, 0, 0, 569, 90),
        "early_years": (43, 0, 0, 0, 0),
        "not_in_education": (0, 0, 0, 169, 60),
        "elsewhere": (6, 168, 279, 75, 15),
        "unknown": (5, 10, 10, 6, 5),
    },
    elsewhere_codes={"OLA": 389, "EHE": 72, "OTH": 82},
    sen_support=13_273,
    personal_budget=0.08,
)

FIGURES = (CITY_FIGURES, COUNTY_FIGURES)
AGE_BANDS = ((0, 4), (5, 10), (11, 15), (16, 19), (20, 25))

# Codes for "not in education" placements (NEET for 16-25; the other two rarer).
NOT_IN_EDUCATION_CODES = {"NEET": 85, "NIEO": 12, "NIEC": 3}

# Request volumes relative to the last full year, by years before as_at's year (modelling choice:
# steady growth with a dip in 2020). Non-plan requests are generated from 6 years back.
REQUEST_GROWTH = {1: 1.0, 2: 0.92, 3: 0.85, 4: 0.75, 5: 0.60, 6: 0.62}
CEASED_GROWTH = {1: 1.0, 2: 0.92, 3: 0.85, 4: 0.75, 5: 0.65, 6: 0.60}
WITHDRAWN_SHARE = 0.02
# Weight of the "under a year in place" band relative to the year's new plans: young children's
# plans can only be recent, which adds to that band, so it is drawn lighter (tuned so plans
# issued in the last full year match the published 20-week denominators, 294 and 1,259).
NEW_PLAN_BAND = 0.85
DEFAULT_WITHIN_20_WEEKS = 0.55
PRIOR_REFUSAL_SHARE = 0.08  # plans whose child had an earlier refused request

# SEN support primary need (approximate England 2024/25 shares; NSA = no specialist assessment).
SEN_SUPPORT_NEED = {
    "SLCN": 25.7,
    "SEMH": 20.5,
    "MLD": 15.5,
    "SPLD": 13.4,
    "ASD": 9.6,
    "OTH": 3.9,
    "NSA": 5.0,
    "PD": 2.2,
    "HI": 1.5,
    "VI": 0.8,
    "MSI": 0.3,
    "SLD": 0.3,
    "PMLD": 0.1,
    "DS": 0.2,
}
SEN_SUPPORT_MALE = 0.63
OTHER_MALE = 0.52

# Children known to community health services (modelling choice).
HEALTH_KNOWN = {"in_force": 0.85, "ceased": 0.60, "requested": 0.55, "sen_support": 0.30}
ICB_ONLY_SHARE = 0.12  # of all children; the remainder after the council groups is ICB-only

# Rates of the planted linkage difficulties (per person record unless noted).
CORRUPTION = {
    "name_typo": 0.020,
    "nickname": 0.015,
    "surname_change": 0.008,
    "name_swap": 0.004,
    "dob_typo": 0.008,
    "postcode_typo": 0.008,
    "old_postcode": 0.012,
    "missing_upn": 0.020,
    "upn_invalid_check": 0.004,
    "upn_wrong_child": 0.001,
    "uln_invalid_check": 0.003,
    "nhs_invalid_check": 0.004,
    "nhs_wrong_valid": 0.001,
    "missing_nhs": 0.030,
}
# Changes a person record receives between deliveries, per record per year (the record shows the
# earlier value until the change's day): a typo corrected, a surname changed (adoption, a
# parent's marriage), a UPN or NHS number recorded that was blank.
LATER_CHANGES = {
    "name_typo_corrected": 0.020,
    "surname_changed": 0.005,
    "upn_recorded": 0.010,
    "nhs_recorded": 0.010,
}
TWIN_PAIRS_PER_CHILD = 0.006
CROSS_BORDER_SCHOOL = 0.07
MOVED_HOUSE = 0.10
INVALID_ROW_RATE = 0.002
COUNTY_NHS_NUMBER = 0.40
COUNTY_NHS_SPACED = 0.25
# Instances planted at the default scale of each overlap or gap type the modelled world makes
# rarely or never (late transfers overlapping, both councils paying, both assessing, undecided
# requests); scaled with the number of children (modelling choice, docs/marts.md).
PLANTED_ISSUES = 60


def _check() -> None:
    sen_types = set(codes.values("sen_type"))
    for figures in FIGURES:
        assert set(figures.cease_reasons) <= set(codes.values("cease_reason"))
        assert set(figures.review_outcomes) <= set(codes.values("review_outcome"))
        assert set(figures.primary_need) - {""} <= sen_types
        assert set(figures.ethnicity) <= set(codes.values("ethnicity"))
        assert set(figures.elsewhere_codes) <= set(codes.values("sen_setting"))
    assert set(SEN_SUPPORT_NEED) <= sen_types
    assert set(NOT_IN_EDUCATION_CODES) <= set(codes.values("sen_setting"))


_check()
