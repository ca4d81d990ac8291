"""Community health activity: patients, referrals and care contacts (CSDS-style).

Children known to health are referred to the six services of `health_service.csv`; the service
follows the child's need (autism → neurodevelopmental assessment, speech and language needs →
SLT). Waits are long, as locally reported: most neurodevelopmental waits exceed 13 weeks, many
SLT waits exceed 18, and referrals still waiting at as_at have no contact yet. A child seen by
two providers has a patient record at each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from pipelines.synthetic import codes, reference
from pipelines.synthetic.dates import YEAR, day
from pipelines.synthetic.ehcp import SEN_TYPES
from pipelines.synthetic.streams import pick, stream, unique_numbers

SERVICES = codes.values("health_service", "service")
SERVICE_TEXT = codes.values("health_service", "icb_service_type")
SLT, OT, PHYSIO, PAEDIATRICS, NEURO, CAMHS = (
    SERVICES.index(codes.code("health_service", s, "service"))
    for s in ("slt", "ot", "physio", "community_paediatrics", "neurodevelopmental", "camhs")
)
ATTENDANCE = codes.values("attendance")
ATTENDED = dict(zip(ATTENDANCE, codes.values("attendance", "attended"), strict=True))

# Providers (ODS codes): Nottinghamshire Healthcare (SLT, neurodevelopmental, CAMHS for both
# councils), Nottingham University Hospitals and Sherwood Forest Hospitals (community
# paediatrics and therapies, split by where the child lives).
PROVIDERS = ("RHA", "RX1", "RK5")
NORTH_DISTRICTS = ("Mansfield", "Ashfield", "Newark and Sherwood", "Bassetlaw")

# Service weights by profile (order of SERVICES: slt, ot, physio, paediatrics, neuro, camhs).
PROFILE_SERVICES = {
    "ASD": (20, 10, 2, 15, 45, 8),
    "SLCN": (60, 10, 2, 10, 15, 3),
    "SEMH": (5, 8, 2, 15, 25, 45),
    "physical": (10, 30, 30, 25, 3, 2),
    "learning": (25, 15, 5, 25, 15, 15),
    "young": (45, 10, 15, 25, 5, 0),
    "older": (10, 10, 5, 20, 25, 30),
}
PHYSICAL_NEEDS = ("PD", "PMLD", "SLD", "MSI", "HI", "VI", "DS")
# Median wait in weeks to first contact, and mean further contacts, by service (modelling
# choice after the local reports in the domain brief §3).
MEDIAN_WAIT_WEEKS = (22, 16, 10, 26, 50, 14)
FURTHER_CONTACTS = (4.0, 3.0, 3.0, 1.5, 1.5, 5.0)
ATTENDANCE_WEIGHTS = {"5": 79, "6": 3, "3": 8, "2": 5, "4": 4, "7": 1}
ATTENDANCE_CODES = tuple(ATTENDANCE_WEIGHTS)
# CSDS-style codes for fields without a project code list.
SOURCE_OF_REFERRAL = {"A1": 40, "A2": 15, "B2": 15, "D1": 20, "P1": 10}
CLOSURE_REASON = {"01": 80, "03": 12, "06": 8}
CONSULTATION_MECHANISM = {"01": 75, "02": 12, "11": 13}
for _code in ATTENDANCE_WEIGHTS:
    codes.code("attendance", _code)


@dataclass
class Health:
    patients: pl.DataFrame
    referrals: pl.DataFrame
    contacts: pl.DataFrame


def _profiles(need: np.ndarray, age: np.ndarray) -> np.ndarray:
    profile = np.where(age < 5, "young", "older").astype(object)
    named = need >= 0
    need_code = np.array(SEN_TYPES, dtype=object)[np.maximum(need, 0)]
    profile[named] = "learning"
    for code_ in ("ASD", "SLCN", "SEMH"):
        profile[named & (need_code == code_)] = code_
    profile[named & np.isin(need_code, PHYSICAL_NEEDS)] = "physical"
    return profile


def build(seed: int, as_at: date, frame: pl.DataFrame) -> Health:
    rng = stream(seed, "health")
    a = day(as_at)
    known = frame.filter(pl.col("health")).select("child", "dob", "need1", "postcode", "home_la")
    districts = reference.load().postcodes.select("postcode", "district_name")
    known = known.join(districts, on="postcode", how="left", maintain_order="left")
    child = known["child"].to_numpy()
    dob = known["dob"].to_numpy()
    north = known["district_name"].is_in(NORTH_DISTRICTS).fill_null(False).to_numpy()

    per_child = 1 + np.minimum(rng.poisson(0.6, child.size), 3)
    row = np.repeat(np.arange(child.size), per_child)
    n = row.size
    age = (a - dob[row]) / YEAR
    profile = _profiles(known["need1"].to_numpy()[row], age)
    service = np.empty(n, np.int64)
    for name, weights in PROFILE_SERVICES.items():
        mask = profile == name
        service[mask] = pick(rng, int(mask.sum()), weights)

    earliest = np.maximum(dob[row] + int(0.5 * YEAR), a - int(4 * YEAR))
    received = a - ((a - earliest) * rng.random(n) ** 1.3).astype(np.int64)
    received = np.clip(received, earliest, a)

    # Codes stay integers here (indices into PROVIDERS, SERVICE_TEXT, …) and become text
    # only when the extracts are shaped.
    therapy = np.isin(service, [PAEDIATRICS, PHYSIO, OT])
    provider = np.where(therapy, np.where(north[row], 2, 1), 0).astype(np.int8)
    provider[(service == NEURO) & (rng.random(n) < 0.2)] = 1

    patients = (
        pl.DataFrame({"child": child[row], "provider": provider}).unique().sort("provider", "child")
    )
    numbers = unique_numbers(rng, patients.height, 10_000_000, 99_999_999)
    patients = patients.with_columns(
        patient=pl.col("provider")
        .cast(pl.Int64)
        .replace_strict(dict(enumerate(PROVIDERS)), return_dtype=pl.String)
        + pl.Series(numbers).cast(pl.String)
    )

    rejected = rng.random(n) < 0.05
    rejection = np.where(rejected, np.minimum(received + rng.integers(5, 31, n), a), -1)
    median = np.array(MEDIAN_WAIT_WEEKS, dtype=float)[service]
    wait = np.round(median * 7 * np.exp(rng.normal(0.0, 0.55, n))).astype(np.int64)
    first = received + np.maximum(wait, 3)
    seen = ~rejected & (first <= a)

    referrals = pl.DataFrame(
        {
            "child": child[row],
            "provider": provider,
            "service": service.astype(np.int8),
            "received": received,
            "rejection": rejection,
            "source": pick(rng, n, list(SOURCE_OF_REFERRAL.values())).astype(np.int8),
            "first": np.where(seen, first, -1),
            "contacts": np.where(seen, 1 + rng.poisson(np.array(FURTHER_CONTACTS)[service]), 0),
            "referral": unique_numbers(rng, n, 100_000_000, 999_999_999),
        }
    )

    count = referrals["contacts"].to_numpy()
    c_row = np.repeat(np.arange(n), count)
    m = c_row.size
    first_of = np.cumsum(count) - count
    gaps = rng.integers(14, 43, m)
    gaps[np.arange(m) == np.repeat(first_of, count)] = 0
    running = np.cumsum(gaps)
    offset = running - np.repeat(running[first_of[count > 0]], count[count > 0])
    contacts = pl.DataFrame(
        {
            "referral": referrals["referral"].to_numpy()[c_row],
            "child": child[row][c_row],
            "provider": provider[c_row],
            "date": referrals["first"].to_numpy()[c_row] + offset,
            "attendance": pick(rng, m, list(ATTENDANCE_WEIGHTS.values())).astype(np.int8),
            "mechanism": pick(rng, m, list(CONSULTATION_MECHANISM.values())).astype(np.int8),
        }
    ).filter(pl.col("date") <= a)
    contacts = contacts.with_columns(
        contact=pl.Series(unique_numbers(rng, contacts.height, 1_000_000_000, 9_999_999_999))
    )

    last = contacts.group_by("referral").agg(last=pl.col("date").max())
    referrals = referrals.join(last, on="referral", how="left", maintain_order="left")
    last_seen = referrals["last"].fill_null(-1).to_numpy()
    discharged = (last_seen >= 0) & (last_seen < a - 28) & (rng.random(n) < 0.7)
    discharge = np.where(discharged, np.minimum(last_seen + rng.integers(0, 29, n), a), -1)
    discharge = np.where(rejected, rejection, discharge)
    closure = pick(rng, n, list(CLOSURE_REASON.values()))
    referrals = referrals.with_columns(
        discharge=pl.Series(discharge),
        closure=pl.Series(np.where(discharge >= 0, closure, -1).astype(np.int8)),
    ).join(patients, on=["child", "provider"], how="left", maintain_order="left")
    contacts = contacts.join(patients, on=["child", "provider"], how="left", maintain_order="left")
    return Health(patients=patients, referrals=referrals, contacts=contacts)
