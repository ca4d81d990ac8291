"""Data contracts for Nottinghamshire County Council (LA 891) extracts.

The EHC casework workbook (a sheet per table, dates as text dd/mm/yyyy, flags Y/N, descriptive
codes such as "Agreed to assess") and two Windows-1252 lists: the census SEN support list and the
high-needs top-up lines. Every column is text as delivered; see docs/source-extracts.md.
"""

from __future__ import annotations

from schemas.checks import (
    ContractModel,
    date_format,
    dates_in_order,
    decimal_amount,
    field,
    flag,
    in_code_list,
    in_codes,
    integer,
    la_code,
    nhs_number,
    not_after_extract_date,
    postcode,
    uln,
    upn,
)
from schemas.codes import county_plan_need_codes
from schemas.common import COUNTY_DATE


def _date(*, past: bool = False) -> list:
    """A dd/mm/yyyy date; ``past`` for events that cannot be after the extract date."""
    checks = [date_format(COUNTY_DATE)]
    return [*checks, not_after_extract_date(COUNTY_DATE)] if past else checks


def _flag():
    return flag("county")


def _setting():
    return in_code_list("sen_setting", "a SEN2 setting code")


def _sex():
    return in_code_list("sex", "a county sex value", "source_code", source="county")


class CountyClients(ContractModel):
    """EHC casework sheet `Clients`: one row per child or young person known to the SEN team.

    ClientID: record id of the client (unique).
    FamilyName: family name.
    GivenName: given name.
    DateOfBirth: date of birth (dd/mm/yyyy), not after the extract date.
    Gender: Male/Female/Unknown (sex.csv, source county).
    The four are identifying: a blank or failing one is nulled with a warning and the row kept,
    as the client's requests, assessments and plans hang on it.
    Ethnicity: ethnicity as text (county_ethnicity.csv); an unknown value is nulled.
    PostCode: home postcode; a malformed postcode is nulled.
    UPN: unique pupil number, check letter verified; a bad UPN is nulled.
    ULN: unique learner number, check digit verified; a bad ULN is nulled.
    UPNMissingReason: reason the UPN is not known (upn_unknown.csv); a bad code is nulled.
    NHSNumber: NHS number, spaces allowed, modulus-11 verified; a bad number is nulled.
    """

    ClientID: str = field(required=True, unique=True)
    FamilyName: str = field(identifying=True)
    GivenName: str = field(identifying=True)
    DateOfBirth: str = field(_date(past=True), identifying=True)
    Gender: str = field(_sex(), identifying=True)
    Ethnicity: str = field(
        in_code_list("county_ethnicity", "a county ethnicity value"), nullify=True
    )
    PostCode: str = field(postcode(), nullify=True)
    UPN: str = field(upn(), nullify=True)
    ULN: str = field(uln(), nullify=True)
    UPNMissingReason: str = field(in_code_list("upn_unknown", "a UPN-unknown reason"), nullify=True)
    NHSNumber: str = field(nhs_number(), nullify=True)


class CountyRequests(ContractModel):
    """EHC casework sheet `Requests`: one row per request for an EHC needs assessment.

    RequestID: record id of the request (unique).
    ClientID: the client the request is for.
    DateReceived: date the request was received (starts the 20-week clock).
    RequestedBy: who made the request, as text (county_requested_by.csv).
    DecisionDate: date of the decision whether to assess; not before DateReceived.
    Decision: the decision, as text (county_request_decision.csv).
    MovedOutBeforeDecision: moved out of the county before a decision (Y/N).
    """

    RequestID: str = field(required=True, unique=True)
    ClientID: str = field(required=True)
    DateReceived: str = field(_date(past=True), required=True)
    RequestedBy: str = field(in_code_list("county_requested_by", "a county requester value"))
    DecisionDate: str = field(_date(past=True))
    Decision: str = field(in_code_list("county_request_decision", "a county request decision"))
    MovedOutBeforeDecision: str = field(_flag())

    _decided_after_request = dates_in_order("DateReceived", "DecisionDate", COUNTY_DATE)


class CountyAssessments(ContractModel):
    """EHC casework sheet `Assessments`: one row per EHC needs assessment.

    AssessmentID: record id of the assessment (unique).
    RequestID: the request that led to the assessment.
    Outcome: decision to issue a plan, as text (county_assessment_outcome.csv).
    OutcomeDate: date the plan was issued or the family told no plan.
    TwentyWeekException: a 20-week time-limit exception applies (Y/N).
    """

    AssessmentID: str = field(required=True, unique=True)
    RequestID: str = field(required=True)
    Outcome: str = field(in_code_list("county_assessment_outcome", "a county assessment outcome"))
    OutcomeDate: str = field(_date(past=True))
    TwentyWeekException: str = field(_flag())


class CountyPlans(ContractModel):
    """EHC casework sheet `Plans`: one row per EHC plan, issued here or transferred in.

    PlanID: record id of the plan (unique).
    AssessmentID: the assessment that led to the plan (blank for a plan transferred in).
    ClientID: the client the plan is for.
    StartDate: date the plan started, not after the extract date.
    EndDate: date the plan ended; not before StartDate.
    EndReason: why the plan ended, as text (county_end_reason.csv); an unknown one is nulled with
        a warning and the plan kept (the plan still ended: losing it would drop a real plan
        from every count).
    TransferredFromLA: three-digit code of the LA a transferred plan came from.
    PersonalBudget: personal budget taken up (Y/N).
    """

    PlanID: str = field(required=True, unique=True)
    AssessmentID: str = field()
    ClientID: str = field(required=True)
    StartDate: str = field(_date(past=True), required=True)
    EndDate: str = field(_date())
    EndReason: str = field(
        in_code_list("county_end_reason", "a county plan end reason"), nullify=True
    )
    TransferredFromLA: str = field(la_code())
    PersonalBudget: str = field(_flag())

    _ended_after_start = dates_in_order("StartDate", "EndDate", COUNTY_DATE)


class CountyPlanSettings(ContractModel):
    """EHC casework sheet `PlanSettings`: one row per setting named in a plan.

    PlanSettingID: record id of the plan setting (unique).
    PlanID: the plan naming the setting.
    URN: school URN of the setting (whole number).
    UKPRN: UK provider reference number of the setting (whole number).
    SettingCode: setting type when there is no URN/UKPRN (sen_setting.csv).
    Rank: rank of the setting within the plan (whole number).
    """

    PlanSettingID: str = field(required=True, unique=True)
    PlanID: str = field(required=True)
    URN: str = field(integer())
    UKPRN: str = field(integer())
    SettingCode: str = field(_setting())
    Rank: str = field(integer())


class CountyPlacements(ContractModel):
    """EHC casework sheet `Placements`: one row per setting a child with a plan attended.

    PlacementID: record id of the placement (unique).
    PlanID: the plan the placement belongs to.
    URN: school URN of the setting (whole number).
    UKPRN: UK provider reference number of the setting (whole number).
    SettingCode: setting type when there is no URN/UKPRN (sen_setting.csv).
    StartDate: date the child started at the setting, not after the extract date.
    EndDate: date the child left the setting; not before StartDate.
    """

    PlacementID: str = field(required=True, unique=True)
    PlanID: str = field(required=True)
    URN: str = field(integer())
    UKPRN: str = field(integer())
    SettingCode: str = field(_setting())
    StartDate: str = field(_date(past=True), required=True)
    EndDate: str = field(_date())

    _left_after_start = dates_in_order("StartDate", "EndDate", COUNTY_DATE)


class CountyNeeds(ContractModel):
    """EHC casework sheet `Needs`: one row per ranked need recorded in a plan.

    NeedID: record id of the need (unique).
    PlanID: the plan recording the need.
    NeedCode: county need code (county_need_code.csv, excluding the census-only NSA).
    NeedRank: Primary or Secondary (county_need_rank.csv).
    """

    NeedID: str = field(required=True, unique=True)
    PlanID: str = field(required=True)
    NeedCode: str = field(
        in_codes(county_plan_need_codes(), "a county need code for a plan", "county_need_code"),
        required=True,
    )
    NeedRank: str = field(
        in_code_list("county_need_rank", "a need rank (Primary or Secondary)"), required=True
    )


class CountyReviews(ContractModel):
    """EHC casework sheet `Reviews`: one row per annual review of a plan.

    ReviewID: record id of the review (unique).
    PlanID: the plan reviewed.
    ReviewMeetingDate: date of the review meeting, not after the extract date.
    DecisionDate: date of the review decision; not before ReviewMeetingDate.
    Outcome: Maintain, Amend or Cease (county_review_outcome.csv).
    """

    ReviewID: str = field(required=True, unique=True)
    PlanID: str = field(required=True)
    ReviewMeetingDate: str = field(_date(past=True), required=True)
    DecisionDate: str = field(_date(past=True))
    Outcome: str = field(in_code_list("county_review_outcome", "a county review outcome"))

    _decided_after_meeting = dates_in_order("ReviewMeetingDate", "DecisionDate", COUNTY_DATE)


class CountySenSupport(ContractModel):
    """Census SEN support list (`SEN_Support_<DDMMYYYY>.csv`, cp1252): one row per pupil.

    PupilID: record id of the pupil on the list (unique).
    PupilUPN: unique pupil number, check letter verified; a bad UPN is nulled.
    LegalSurname: legal family name.
    LegalForename: legal given name.
    DateOfBirth: date of birth (dd/mm/yyyy), not after the extract date.
    Sex: M or F (sex.csv, source county).
    PostCode: home postcode; a malformed postcode is nulled.
    SchoolURN: URN of the school (whole number).
    SENProvision: census SEN provision, K for SEN support (sen_provision.csv).
    PrimaryNeed: primary need, county need code or NSA (county_need_code.csv).
    SecondaryNeed: secondary need, county need code or NSA (county_need_code.csv).
    CensusDate: census day the list describes, not after the extract date.
    """

    PupilID: str = field(required=True, unique=True)
    PupilUPN: str = field(upn(), nullify=True)
    LegalSurname: str = field(required=True)
    LegalForename: str = field(required=True)
    DateOfBirth: str = field(_date(past=True), required=True)
    Sex: str = field(_sex(), required=True)
    PostCode: str = field(postcode(), nullify=True)
    SchoolURN: str = field(integer())
    SENProvision: str = field(
        in_code_list("sen_provision", "K (SEN support)", sen_support="true"), required=True
    )
    PrimaryNeed: str = field(in_code_list("county_need_code", "a county need code"))
    SecondaryNeed: str = field(in_code_list("county_need_code", "a county need code"))
    CensusDate: str = field(_date(past=True), required=True)


class CountyTopupFunding(ContractModel):
    """High-needs top-up lines (`HighNeeds_TopUp_<DDMMYYYY>.csv`, cp1252, semicolon-separated).

    FundingRef: record id of the funding line (unique).
    ClientID: the EHC casework client, when known.
    UPN: unique pupil number, check letter verified; a bad UPN is nulled.
    Surname: family name.
    Forename: given name.
    DOB: date of birth (dd/mm/yyyy), not after the extract date.
    SchoolURN: URN of the school receiving the top-up (whole number).
    Band: county top-up band 1-6 (topup_band.csv, source county).
    StartDate: first day the funding covers.
    EndDate: last day the funding covers; not before StartDate.
    AnnualTopUp: annual top-up in pounds as text (e.g. £12,345.00).
    """

    FundingRef: str = field(required=True, unique=True)
    ClientID: str = field()
    UPN: str = field(upn(), nullify=True)
    Surname: str = field(required=True)
    Forename: str = field(required=True)
    DOB: str = field(_date(past=True), required=True)
    SchoolURN: str = field(integer(), required=True)
    Band: str = field(
        in_code_list("topup_band", "a county top-up band (1-6)", "band", source="county"),
        required=True,
    )
    StartDate: str = field(_date(), required=True)
    EndDate: str = field(_date(), required=True)
    AnnualTopUp: str = field(decimal_amount(), required=True)

    _period_in_order = dates_in_order("StartDate", "EndDate", COUNTY_DATE)
