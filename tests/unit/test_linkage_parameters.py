"""Estimating the match model: m per level from the blocking passes' training sessions."""

from __future__ import annotations

import polars as pl

from pipelines.linkage import parameters
from pipelines.linkage.config import load_config

CONFIG = load_config()
COMPARISONS = {c.name: c for c in CONFIG.comparisons}
PASS_BIT = {p.name: 1 << i for i, p in enumerate(CONFIG.passes)}
ONE_CHILD = {"forename": "exact", "surname": "exact", "dob": "exact", "sex": "exact"}


def _pattern(n: int, passes: list[str], **levels: str) -> dict:
    row = {f"g_{name}": -1 for name in COMPARISONS}  # -1: not compared (a value missing)
    for name, label in levels.items():
        row[f"g_{name}"] = [level.label for level in COMPARISONS[name].levels].index(label)
    return {**row, "passes": sum(PASS_BIT[p] for p in passes), "n": n}


def _by_label(m: dict[str, list[float]], comparison: str) -> dict[str, float]:
    labels = [level.label for level in COMPARISONS[comparison].levels]
    return dict(zip(labels, m[comparison], strict=True))


def _u() -> dict[str, list[float]]:
    u = {c.name: [1.0 / len(c.levels)] * len(c.levels) for c in CONFIG.comparisons}
    u["postcode"] = [0.001, 0.004, 0.001, 0.02, 0.974]
    for identifier in ("nhs_number", "upn"):
        u[identifier] = [1e-7, 1e-7, 1 - 2e-7]
    return u


def test_one_session_that_converges_on_another_split_does_not_outvote_the_rest():
    """At national scale the birth date + name pass holds far more namesakes born on one day
    than records of one child, and they share a district far more often than random pairs do:
    its EM, left with little but the postcode to compare, takes the district-sharing namesakes
    for the matches. The passes keyed on identifiers and on birth date + initials still see one
    child's records at one postcode, and the model must follow them (a mean weighted by each
    session's expected matches followed the namesakes: m of an exact postcode 0.05)."""
    patterns = pl.DataFrame(
        [
            _pattern(
                900,
                ["nhs_number", "dob_name", "dob_initials"],
                nhs_number="exact",
                postcode="exact",
                **ONE_CHILD,
            ),
            _pattern(
                900,
                ["nhs_number", "upn", "dob_name", "dob_initials"],
                nhs_number="exact",
                upn="exact",
                postcode="exact",
                **ONE_CHILD,
            ),
            _pattern(
                100,
                ["nhs_number", "dob_name", "dob_initials"],
                nhs_number="exact",
                postcode="different",
                **ONE_CHILD,
            ),
            _pattern(
                60_000,
                ["dob_name"],
                nhs_number="different",
                postcode="district",
                **{**ONE_CHILD, "surname": "different"},
            ),
            _pattern(
                40_000, ["dob_name"], postcode="different", **{**ONE_CHILD, "surname": "different"}
            ),
        ]
    )
    m, _, _ = parameters.estimate_m(patterns, _u(), 50_000, CONFIG)
    postcode = _by_label(m, "postcode")
    assert postcode["exact"] > 0.85
    assert postcode["district"] < 0.05
    nhs = _by_label(m, "nhs_number")
    assert nhs["exact"] > 0.9


def test_a_comparison_a_session_never_made_does_not_vote():
    """Records with a UPN but no NHS number teach nothing about NHS numbers: the session keyed
    on UPNs must not pull the NHS number's m towards its starting values."""
    patterns = pl.DataFrame(
        [
            _pattern(
                1_000,
                ["nhs_number", "dob_initials"],
                nhs_number="exact",
                postcode="exact",
                **ONE_CHILD,
            ),
            _pattern(1_000, ["upn", "dob_initials"], upn="exact", postcode="exact", **ONE_CHILD),
            _pattern(
                5_000,
                ["dob_initials"],
                postcode="different",
                **{**ONE_CHILD, "forename": "different"},
            ),
        ]
    )
    m, _, _ = parameters.estimate_m(patterns, _u(), 20_000, CONFIG)
    assert m["nhs_number"][0] > 0.99


def test_brothers_and_sisters_sharing_a_number_do_not_teach_a_birth_date_disagreement():
    """Pairs of two children that a shared NHS number finds are one carrying a brother's or
    sister's number: the same family name and address, another forename and birth date. In
    that session the family name and the address are left out (`train_without`), so the
    siblings are told from one child by forename and birth date, and m of a different birth
    date is one child's own rate (10 in 10,000), not the siblings' (with those two comparisons
    in, about 0.03)."""
    one_child = {**ONE_CHILD, "nhs_number": "exact", "postcode": "exact"}
    siblings = {**one_child, "forename": "different", "dob": "different"}
    patterns = pl.DataFrame(
        [
            _pattern(9_900, ["nhs_number"], **one_child),
            _pattern(90, ["nhs_number"], **{**one_child, "dob": "one_digit"}),
            _pattern(10, ["nhs_number"], **{**one_child, "dob": "different"}),
            _pattern(150, ["nhs_number"], **siblings),
            _pattern(150, ["nhs_number"], **{**siblings, "sex": "different"}),
        ]
    )
    nhs = next(p for p in CONFIG.passes if p.name == "nhs_number")
    assert set(nhs.train_without) == {"surname", "postcode"}
    m, _, _ = parameters.estimate_m(patterns, _u(), 100_000, CONFIG)
    assert _by_label(m, "dob")["different"] < 0.002
