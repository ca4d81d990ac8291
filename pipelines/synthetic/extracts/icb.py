"""The ICB's community health tables (CSDS-style): patients, referrals and care contacts, one
function per table, in NHS codes and ISO dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from pipelines.synthetic import codes, health
from pipelines.synthetic.ehcp import ETHNICITIES
from pipelines.synthetic.extracts.common import ISO_DATE, day_text, lookup, sex

if TYPE_CHECKING:
    from pipelines.synthetic.extracts.builder import Builder


def build(b: Builder) -> None:
    """Every table of the ICB's community health extract."""
    icb_patients(b)
    icb_referrals(b)
    icb_care_contacts(b)


def _nhs_ethnic_codes() -> dict[str, str]:
    """Each ethnicity's NHS ethnic category."""
    nhs_ethnic = codes.inverse("nhs_ethnic_category", "nhs_ethnic_category", "ethnicity")
    unknown_ethnicity = codes.code("nhs_ethnic_category", "99")
    # Categories with no NHS equivalent (Traveller, Gypsy/Roma) fall under "any other White".
    group = codes.mapping("ethnicity", "ethnicity", "ethnicity_group")
    for code_ in ETHNICITIES:
        if code_ not in nhs_ethnic:
            nhs_ethnic[code_] = (
                nhs_ethnic[codes.code("ethnicity", "WOTH")]
                if group[code_] == "White"
                else unknown_ethnicity
            )
    return nhs_ethnic


def icb_patients(b: Builder) -> None:
    """Adds the patient records (one per child and provider, with their planted errors)."""
    patients = b.world.health.patients.sort("patient")
    view = b.person_view(patients["child"], None).with_columns(
        record_id=patients["patient"],
        _key=patients["child"] * 8 + patients["provider"].cast(pl.Int64),
    )
    view = b.corrupt(view, "icb_patients", {"postcode", "nhs"})
    n = view.height
    rng = b.rows("icb_patients", view["_key"])
    status = np.where(rng.random(n) < 0.9, "01", "02")
    missing_status = np.array(["03", "04", "07"])[rng.integers(0, 3, n)]
    for code_ in ("01", "02", "03", "04", "07"):
        codes.code("nhs_number_status", code_)
    nhs_ethnic = _nhs_ethnic_codes()
    unknown_ethnicity = codes.code("nhs_ethnic_category", "99")
    not_stated = codes.codelist("sex").filter((pl.col("source") == "icb") & (pl.col("sex") == "U"))[
        "source_code"
    ][0]
    practice = pl.format("C84{}", (pl.col("child") * 7919 % 150 + 1).cast(pl.String).str.zfill(3))
    b.add(
        "icb_patients",
        view,
        LocalPatientID=pl.col("record_id"),
        NHSNumber=pl.col("nhs"),
        NHSNumberStatusIndicator=pl.when(pl.col("nhs").is_not_null())
        .then(pl.Series(status))
        .otherwise(pl.Series(missing_status)),
        Forename=pl.col("forename"),
        Surname=pl.col("surname"),
        PersonBirthDate=day_text("dob", ISO_DATE),
        Gender=pl.when(pl.Series(rng.random(n) < 0.005))
        .then(pl.lit(not_stated))
        .otherwise(sex("icb", pl.col("male"))),
        EthnicCategory=pl.when(pl.Series(rng.random(n) < 0.08))
        .then(pl.lit(unknown_ethnicity))
        .otherwise(lookup("ethnicity", ETHNICITIES).replace_strict(nhs_ethnic)),
        Postcode=pl.when(pl.Series(rng.random(n) < 0.003))
        .then(pl.lit("ZZ99 3VZ"))
        .otherwise("postcode"),
        GPPracticeCode=practice,
    )


def _activity(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """Referrals or care contacts in id order (`key`, which their draws are tied to), with
    their referral and patient ids."""
    return frame.sort(key).with_columns(
        _key=pl.col(key),
        ReferralID=pl.col("referral").cast(pl.String),
        LocalPatientID=pl.col("patient"),
    )


def icb_referrals(b: Builder) -> None:
    """Adds the referrals to community health services."""
    b.add(
        "icb_referrals",
        _activity(b.world.health.referrals, "referral"),
        OrgIDProv=lookup("provider", health.PROVIDERS),
        ReferralRequestReceivedDate=day_text("received", ISO_DATE),
        SourceOfReferral=lookup("source", list(health.SOURCE_OF_REFERRAL)),
        ServiceTypeReferredTo=lookup("service", health.SERVICE_TEXT),
        ReferralRejectionDate=day_text("rejection", ISO_DATE),
        ServiceDischargeDate=day_text("discharge", ISO_DATE),
        ReferralClosureReason=lookup("closure", list(health.CLOSURE_REASON)),
    )


def icb_care_contacts(b: Builder) -> None:
    """Adds the care contacts of the referrals."""
    b.add(
        "icb_care_contacts",
        _activity(b.world.health.contacts, "contact"),
        CareContactID=pl.col("contact").cast(pl.String),
        CareContactDate=day_text("date", ISO_DATE),
        AttendedOrDidNotAttend=lookup("attendance", health.ATTENDANCE_CODES),
        ConsultationMechanism=lookup("mechanism", list(health.CONSULTATION_MECHANISM)),
    )
