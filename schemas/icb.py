"""Data contracts for NHS Nottingham and Nottinghamshire ICB community health extracts.

Extracts in the spirit of the Community Services Data Set (`CSDS_<table>_<YYYYMMDD>.csv`, ISO
dates). Every column is text as delivered; see docs/source-extracts.md.
"""

from __future__ import annotations

from schemas.checks import (
    ContractModel,
    date_format,
    dates_in_order,
    field,
    in_code_list,
    nhs_number,
    not_after_extract_date,
    postcode,
)
from schemas.common import ISO_DATE


def _past_date() -> list:
    return [date_format(ISO_DATE), not_after_extract_date(ISO_DATE)]


class IcbPatients(ContractModel):
    """CSDS CYP001 patients (`CSDS_CYP001_patients_<d>.csv`): one row per child known to services.

    LocalPatientID: the provider's patient id (unique).
    NHSNumber: NHS number, spaces allowed, modulus-11 verified; a bad number is nulled.
    NHSNumberStatusIndicator: how far the NHS number is verified, 01-08 (nhs_number_status.csv).
    Forename: given name.
    Surname: family name.
    PersonBirthDate: date of birth (YYYY-MM-DD), not after the extract date.
    Gender: 1 male, 2 female, 9 not stated, X not known (sex.csv, source icb).
    Birth date and gender are identifying: a blank or failing one is nulled with a warning and
    the row kept, as the patient's referrals and contacts hang on it.
    EthnicCategory: NHS ethnic category A-Z or 99 (nhs_ethnic_category.csv); a bad code is nulled.
    Postcode: home postcode, ZZ99 pseudo-postcodes allowed; a malformed postcode is nulled.
    GPPracticeCode: ODS code of the registered GP practice.
    """

    LocalPatientID: str = field(required=True, unique=True)
    NHSNumber: str = field(nhs_number(), nullify=True)
    NHSNumberStatusIndicator: str = field(
        in_code_list("nhs_number_status", "an NHS number status code (01-08)"), nullify=True
    )
    Forename: str = field()
    Surname: str = field()
    PersonBirthDate: str = field(_past_date(), identifying=True)
    Gender: str = field(
        in_code_list("sex", "an NHS gender code", "source_code", source="icb"), identifying=True
    )
    EthnicCategory: str = field(
        in_code_list("nhs_ethnic_category", "an NHS ethnic category code"), nullify=True
    )
    Postcode: str = field(postcode(), nullify=True)
    GPPracticeCode: str = field()


class IcbReferrals(ContractModel):
    """CSDS CYP101 referrals (`CSDS_CYP101_referrals_<d>.csv`): one row per referral to a service.

    ReferralID: record id of the referral (unique).
    LocalPatientID: the patient referred.
    OrgIDProv: ODS code of the provider receiving the referral (icb_provider.csv).
    ReferralRequestReceivedDate: date the referral was received (starts the waiting clock).
    SourceOfReferral: who referred, as delivered.
    ServiceTypeReferredTo: service referred to, as text (health_service.csv).
    ReferralRejectionDate: date the referral was rejected; not before it was received.
    ServiceDischargeDate: date the patient was discharged; not before the referral was received.
    ReferralClosureReason: why the referral closed, as delivered.
    """

    ReferralID: str = field(required=True, unique=True)
    LocalPatientID: str = field(required=True)
    OrgIDProv: str = field(
        in_code_list("icb_provider", "a partnership provider ODS code"), required=True
    )
    ReferralRequestReceivedDate: str = field(_past_date(), required=True)
    SourceOfReferral: str = field()
    ServiceTypeReferredTo: str = field(
        in_code_list("health_service", "a community health service"), required=True
    )
    ReferralRejectionDate: str = field(_past_date())
    ServiceDischargeDate: str = field(_past_date())
    ReferralClosureReason: str = field()

    _rejected_after_received = dates_in_order(
        "ReferralRequestReceivedDate", "ReferralRejectionDate", ISO_DATE
    )
    _discharged_after_received = dates_in_order(
        "ReferralRequestReceivedDate", "ServiceDischargeDate", ISO_DATE
    )


class IcbCareContacts(ContractModel):
    """CSDS CYP201 care contacts (`CSDS_CYP201_care_contacts_<d>.csv`): one row per appointment.

    CareContactID: record id of the contact (unique).
    ReferralID: the referral the contact belongs to.
    LocalPatientID: the patient seen (or expected).
    CareContactDate: date of the appointment, not after the extract date.
    AttendedOrDidNotAttend: attendance code 2-7 (attendance.csv).
    ConsultationMechanism: how the contact took place, as delivered.
    """

    CareContactID: str = field(required=True, unique=True)
    ReferralID: str = field(required=True)
    LocalPatientID: str = field(required=True)
    CareContactDate: str = field(_past_date(), required=True)
    AttendedOrDidNotAttend: str = field(
        in_code_list("attendance", "an attended-or-did-not-attend code (2-7)"), required=True
    )
    ConsultationMechanism: str = field()
