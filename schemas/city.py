"""Data contracts for Nottingham City Council (LA 892) extracts.

The SEN2 COLLECT "Blade" export (one CSV per module, dates like 2022-Sep-28 00:00:00, flags 1/0)
and two lists: the school census SEN support list and the high-needs top-up funding lines (ISO
dates). Every column is text as delivered; see docs/source-extracts.md for the files.
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
    integer,
    la_code,
    not_after_extract_date,
    postcode,
    uln,
    upn,
)
from schemas.common import BLADE_DATE, ISO_DATE


def _date(*, past: bool = False, fmt: str = BLADE_DATE) -> list:
    """A date column; ``past`` for events that cannot be after the extract date."""
    return [date_format(fmt), not_after_extract_date(fmt)] if past else [date_format(fmt)]


def _flag():
    return flag("city")


def _sen_setting():
    return in_code_list("sen_setting", "a SEN2 setting code")


class CitySen2(ContractModel):
    """SEN2 module 0 (Blade `_sen2.csv`): the return's header, one row per export.

    sen2tableid: record id of the header; every person row names it (unique).
    NativeId: the case-management system's own id for the record.
    sen2orderseqcolumn: row order within the export (whole number).
    sourceid: id of the source system.
    collection: the collection, SEN2.
    year: the collection year (whole number), the year of the reference date.
    referencedate: the census reference date (2025-Jan-16 00:00:00).
    sourcelevel: the level the return is made at (L, local authority).
    lea: the council's three-digit LA code; checked to be the city's (892).
    softwarecode: the case-management software that wrote the export.
    release: that software's release.
    serialno: the export's serial number.
    datetime: when the export was written.
    dmo: header item as exported by the software.
    dco: header item as exported by the software.
    dsco: header item as exported by the software (v1.3 on).
    """

    sen2tableid: str = field(required=True, unique=True)
    NativeId: str = field()
    sen2orderseqcolumn: str = field(integer())
    sourceid: str = field()
    collection: str = field(required=True)
    year: str = field(integer(), required=True)
    referencedate: str = field(date_format(BLADE_DATE), required=True)
    sourcelevel: str = field()
    lea: str = field(la_code(), required=True)
    softwarecode: str = field()
    release: str = field()
    serialno: str = field()
    datetime: str = field()
    dmo: str = field()
    dco: str = field()
    dsco: str = field()


class CityPerson(ContractModel):
    """SEN2 module 1 (Blade `_person.csv`): one row per child or young person in the return.

    persontableid: record id of the person (unique).
    NativeId: the case-management system's own id for the record.
    personorderseqcolumn: row order within the export (whole number).
    sourceid: id of the source system.
    sen2tableid: id of the SEN2 return header the person belongs to.
    surname: family name.
    forename: given name.
    personbirthdate: date of birth (2022-Sep-28 00:00:00), not after the extract date.
    sex: M, F or U (sex.csv, source city).
    The four are identifying: a blank or failing one is nulled with a warning and the row kept,
    as the person's requests, assessments and plans hang on it.
    ethnicity: CBDS ethnicity code (ethnicity.csv); a bad code is nulled.
    postcode: home postcode; a malformed postcode is nulled.
    upn: unique pupil number, check letter verified; a bad UPN is nulled.
    uniquelearnernumber: ULN, check digit verified; a bad ULN is nulled.
    upnunknown: reason neither UPN nor ULN is known (upn_unknown.csv); a bad code is nulled.
    """

    persontableid: str = field(required=True, unique=True)
    NativeId: str = field()
    personorderseqcolumn: str = field(integer())
    sourceid: str = field()
    sen2tableid: str = field()
    surname: str = field(identifying=True)
    forename: str = field(identifying=True)
    personbirthdate: str = field(_date(past=True), identifying=True)
    sex: str = field(
        in_code_list("sex", "a city sex code", "source_code", source="city"), identifying=True
    )
    ethnicity: str = field(in_code_list("ethnicity", "a CBDS ethnicity code"), nullify=True)
    postcode: str = field(postcode(), nullify=True)
    upn: str = field(upn(), nullify=True)
    uniquelearnernumber: str = field(uln(), nullify=True)
    upnunknown: str = field(in_code_list("upn_unknown", "a UPN-unknown reason"), nullify=True)


class CityRequests(ContractModel):
    """SEN2 module 2 (Blade `_requests.csv`): one row per request for an EHC needs assessment.

    requeststableid: record id of the request (unique).
    NativeId: the case-management system's own id for the record.
    requestsorderseqcolumn: row order within the export (whole number).
    sourceid: id of the source system.
    persontableid: the person the request is for.
    receiveddate: date the request was received (starts the 20-week clock).
    requestsource: who made the request, 1-5 (request_source.csv).
    rya: request made while in youth custody (1/0).
    requestoutcomedate: date of the decision whether to assess; not before receiveddate.
    requestoutcome: Y/N/A/W/H (request_outcome.csv).
    requestmediation: mediation about the request decision (1/0).
    requesttribunal: tribunal appeal about the request decision (1/0).
    exported: moved out of the LA before the assessment finished (1/0).
    """

    requeststableid: str = field(required=True, unique=True)
    NativeId: str = field()
    requestsorderseqcolumn: str = field(integer())
    sourceid: str = field()
    persontableid: str = field(required=True)
    receiveddate: str = field(_date(past=True), required=True)
    requestsource: str = field(in_code_list("request_source", "a SEN2 request source code"))
    rya: str = field(_flag())
    requestoutcomedate: str = field(_date(past=True))
    requestoutcome: str = field(in_code_list("request_outcome", "a SEN2 request outcome code"))
    requestmediation: str = field(_flag())
    requesttribunal: str = field(_flag())
    exported: str = field(_flag())

    _outcome_after_request = dates_in_order("receiveddate", "requestoutcomedate", BLADE_DATE)


class CityAssessment(ContractModel):
    """SEN2 module 3 (Blade `_assessment.csv`): one row per EHC needs assessment.

    assessmenttableid: record id of the assessment (unique).
    NativeId: the case-management system's own id for the record.
    assessmentorderseqcolumn: row order within the export (whole number).
    sourceid: id of the source system.
    requeststableid: the request that led to the assessment.
    assessmentoutcome: decision to issue a plan, Y/N/A/W (assessment_outcome.csv).
    assessmentoutcomedate: date the plan was issued or the family told no plan.
    assessmentmediation: mediation about the assessment (1/0).
    assessmenttribunal: tribunal appeal about the assessment (1/0).
    othermediation: other mediation (1/0).
    othertribunal: other tribunal appeal (1/0).
    week20: a 20-week time-limit exception applies (1/0).
    """

    assessmenttableid: str = field(required=True, unique=True)
    NativeId: str = field()
    assessmentorderseqcolumn: str = field(integer())
    sourceid: str = field()
    requeststableid: str = field(required=True)
    assessmentoutcome: str = field(
        in_code_list("assessment_outcome", "a SEN2 assessment outcome code")
    )
    assessmentoutcomedate: str = field(_date(past=True))
    assessmentmediation: str = field(_flag())
    assessmenttribunal: str = field(_flag())
    othermediation: str = field(_flag())
    othertribunal: str = field(_flag())
    week20: str = field(_flag())


class CityNamedPlan(ContractModel):
    """SEN2 module 4a (Blade `_namedplan.csv`): one row per EHC plan issued after an assessment.

    namedplantableid: record id of the plan (unique).
    NativeId: the case-management system's own id for the record.
    namedplanorderseqcolumn: row order within the export (whole number).
    sourceid: id of the source system.
    assessmenttableid: the assessment that led to the plan.
    startdate: date the plan started, not after the extract date.
    planres: plan names a residential setting (1/0).
    planwbp: plan includes work-based learning (1/0).
    pb: personal budget taken up (1/0).
    oa: personal budget through organised arrangements (1/0).
    dp: personal budget through direct payments (1/0).
    ceasedate: date the plan ceased; not before startdate.
    ceasereason: why the plan ceased, 1-9 (cease_reason.csv); an unknown code is nulled with a
        warning and the plan kept (it still ceased: losing it would drop a real plan).
    """

    namedplantableid: str = field(required=True, unique=True)
    NativeId: str = field()
    namedplanorderseqcolumn: str = field(integer())
    sourceid: str = field()
    assessmenttableid: str = field(required=True)
    startdate: str = field(_date(past=True), required=True)
    planres: str = field(_flag())
    planwbp: str = field(_flag())
    pb: str = field(_flag())
    oa: str = field(_flag())
    dp: str = field(_flag())
    ceasedate: str = field(_date())
    ceasereason: str = field(in_code_list("cease_reason", "a SEN2 cease reason code"), nullify=True)

    _ceased_after_start = dates_in_order("startdate", "ceasedate", BLADE_DATE)


class CityPlanDetail(ContractModel):
    """SEN2 module 4b (Blade `_plandetail.csv`): one row per setting named in an EHC plan.

    plandetailtableid: record id of the plan detail (unique).
    NativeId: the case-management system's own id for the record.
    plandetailorderseqcolumn: row order within the export (whole number).
    sourceid: id of the source system.
    namedplantableid: the plan naming the setting.
    urn: school URN of the setting (whole number).
    ukprn: UK provider reference number of the setting (whole number).
    sensetting: setting type when there is no URN/UKPRN (sen_setting.csv).
    sensettingother: free-text description of an "other" setting.
    placementrank: rank of the setting within the plan (whole number).
    senunitindicator: place in a SEN unit (1/0).
    resourcedprovisionindicator: place in resourced provision (1/0).
    """

    plandetailtableid: str = field(required=True, unique=True)
    NativeId: str = field()
    plandetailorderseqcolumn: str = field(integer())
    sourceid: str = field()
    namedplantableid: str = field(required=True)
    urn: str = field(integer())
    ukprn: str = field(integer())
    sensetting: str = field(_sen_setting())
    sensettingother: str = field()
    placementrank: str = field(integer())
    senunitindicator: str = field(_flag())
    resourcedprovisionindicator: str = field(_flag())


class CityActivePlans(ContractModel):
    """SEN2 module 5a (Blade `_activeplans.csv`): one row per EHC plan active in the year.

    activeplanstableid: record id of the active plan (unique).
    NativeId: the case-management system's own id for the record.
    activeplansorderseqcolumn: row order within the export (whole number).
    sourceid: id of the source system.
    requeststableid: the request the plan descends from.
    transferla: three-digit code of the LA the plan was transferred in from.
    res: residential setting (1/0; moved to placement detail in SEN2 v1.2).
    wbp: work-based learning (1/0; moved to placement detail in SEN2 v1.2).
    reviewmeeting: date of the latest annual review meeting, not after the extract date.
    reviewoutcome: annual review decision, local codes 1/2/3 (city_review_outcome.csv).
    reviewdraft: draft amended plan after the review, as exported (not checked here).
    phasetransferduedate: date the phase-transfer review is due (may be in the future).
    phasetransferfinaldate: date the amended plan for a phase transfer was finalised.
    lastreview: date of the latest annual review decision, not after the extract date.
    """

    activeplanstableid: str = field(required=True, unique=True)
    NativeId: str = field()
    activeplansorderseqcolumn: str = field(integer())
    sourceid: str = field()
    requeststableid: str = field(required=True)
    transferla: str = field(la_code())
    res: str = field(_flag())
    wbp: str = field(_flag())
    reviewmeeting: str = field(_date(past=True))
    reviewoutcome: str = field(in_code_list("city_review_outcome", "a city review outcome code"))
    reviewdraft: str = field()
    phasetransferduedate: str = field(_date())
    phasetransferfinaldate: str = field(_date(past=True))
    lastreview: str = field(_date(past=True))


class CityPlacementDetail(ContractModel):
    """SEN2 module 5b (Blade `_placementdetail.csv`): one row per setting actually attended.

    placementdetailtableid: record id of the placement (unique).
    NativeId: the case-management system's own id for the record.
    placementdetailorderseqcolumn: row order within the export (whole number).
    sourceid: id of the source system.
    activeplanstableid: the active plan the placement belongs to.
    urn: school URN of the setting (whole number).
    ukprn: UK provider reference number of the setting (whole number).
    sensetting: setting type when there is no URN/UKPRN (sen_setting.csv).
    sensettingother: free-text description of an "other" setting.
    placementrank: rank of the placement (whole number).
    entrydate: date the child started at the setting, not after the extract date.
    leavingdate: date the child left the setting; not before entrydate.
    senunitindicator: place in a SEN unit (1/0).
    resourcedprovisionindicator: place in resourced provision (1/0).
    res: residential placement (1/0).
    wbp: work-based learning (1/0).
    """

    placementdetailtableid: str = field(required=True, unique=True)
    NativeId: str = field()
    placementdetailorderseqcolumn: str = field(integer())
    sourceid: str = field()
    activeplanstableid: str = field(required=True)
    urn: str = field(integer())
    ukprn: str = field(integer())
    sensetting: str = field(_sen_setting())
    sensettingother: str = field()
    placementrank: str = field(integer())
    entrydate: str = field(_date(past=True))
    leavingdate: str = field(_date())
    senunitindicator: str = field(_flag())
    resourcedprovisionindicator: str = field(_flag())
    res: str = field(_flag())
    wbp: str = field(_flag())

    _left_after_entry = dates_in_order("entrydate", "leavingdate", BLADE_DATE)


class CitySenNeed(ContractModel):
    """SEN2 module 5c (Blade `_senneed.csv`): one row per ranked need in an active plan.

    senneedtableid: record id of the need (unique).
    NativeId: the case-management system's own id for the record.
    senneedorderseqcolumn: row order within the export (whole number).
    sourceid: id of the source system.
    activeplanstableid: the active plan recording the need.
    sentype: SEN2 type of need (sen_type.csv, excluding the census-only NSA).
    sentyperank: 1 primary or 2 secondary need (sen_type_rank.csv).
    """

    senneedtableid: str = field(required=True, unique=True)
    NativeId: str = field()
    senneedorderseqcolumn: str = field(integer())
    sourceid: str = field()
    activeplanstableid: str = field(required=True)
    sentype: str = field(
        in_code_list("sen_type", "a SEN type code for an EHC plan", census_only="false"),
        required=True,
    )
    sentyperank: str = field(
        in_code_list("sen_type_rank", "a SEN type rank (1 or 2)"), required=True
    )


class CitySenSupport(ContractModel):
    """School census SEN support list (`census_sen_support_<YYYY-MM-DD>.csv`): one row per pupil.

    PupilID: record id of the pupil on the list (unique).
    LAEstab: LA and establishment number of the school (whole number).
    URN: school URN (whole number).
    UPN: unique pupil number, check letter verified; a bad UPN is nulled.
    Surname: family name.
    Forename: given name.
    DOB: date of birth (YYYY-MM-DD), not after the extract date.
    Gender: M or F (sex.csv, source city).
    Ethnicity: CBDS ethnicity code (ethnicity.csv); a bad code is nulled.
    Postcode: home postcode; a malformed postcode is nulled.
    SENprovision: census SEN provision, K for SEN support (sen_provision.csv).
    SENtype1: primary type of need, SEN2 types or NSA (sen_type.csv).
    SENtype2: secondary type of need, SEN2 types or NSA (sen_type.csv).
    CensusDate: census day the list describes (YYYY-MM-DD), not after the extract date.
    """

    PupilID: str = field(required=True, unique=True)
    LAEstab: str = field(integer())
    URN: str = field(integer())
    UPN: str = field(upn(), nullify=True)
    Surname: str = field(required=True)
    Forename: str = field(required=True)
    DOB: str = field(_date(past=True, fmt=ISO_DATE), required=True)
    Gender: str = field(
        in_code_list("sex", "a city sex code", "source_code", source="city"), required=True
    )
    Ethnicity: str = field(in_code_list("ethnicity", "a CBDS ethnicity code"), nullify=True)
    Postcode: str = field(postcode(), nullify=True)
    SENprovision: str = field(
        in_code_list("sen_provision", "K (SEN support)", sen_support="true"), required=True
    )
    SENtype1: str = field(in_code_list("sen_type", "a SEN type code"))
    SENtype2: str = field(in_code_list("sen_type", "a SEN type code"))
    CensusDate: str = field(_date(past=True, fmt=ISO_DATE), required=True)


class CityTopupFunding(ContractModel):
    """High-needs top-up funding (`high_needs_topup_<YYYY-MM-DD>.csv`): one row per funding line.

    FundingLineID: record id of the funding line (unique).
    UPN: unique pupil number, check letter verified; a bad UPN is nulled.
    Surname: family name.
    Forename: given name.
    DOB: date of birth (YYYY-MM-DD), not after the extract date.
    URN: URN of the school receiving the top-up (whole number).
    Band: city top-up band A-F (topup_band.csv, source city).
    PeriodStart: first day the funding covers (YYYY-MM-DD).
    PeriodEnd: last day the funding covers; not before PeriodStart.
    AnnualAmountGBP: annual top-up in pounds (e.g. 12345.00).
    """

    FundingLineID: str = field(required=True, unique=True)
    UPN: str = field(upn(), nullify=True)
    Surname: str = field(required=True)
    Forename: str = field(required=True)
    DOB: str = field(_date(past=True, fmt=ISO_DATE), required=True)
    URN: str = field(integer(), required=True)
    Band: str = field(
        in_code_list("topup_band", "a city top-up band (A-F)", "band", source="city"),
        required=True,
    )
    PeriodStart: str = field(date_format(ISO_DATE), required=True)
    PeriodEnd: str = field(date_format(ISO_DATE), required=True)
    AnnualAmountGBP: str = field(decimal_amount(), required=True)

    _period_in_order = dates_in_order("PeriodStart", "PeriodEnd", ISO_DATE)
