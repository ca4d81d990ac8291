"""The analysts' tier: columns generalised, small groups withheld, and k-anonymity measured and
enforced, on small warehouses whose groups are known."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.privacy.analysts_tier import (
    Policy,
    RiskTooHigh,
    check_risk,
    load_policy,
    measure_risk,
    select_list,
    suppress_small_groups,
)

POLICY = load_policy()
K = POLICY.k


def _warehouse(children: list[tuple]) -> duckdb.DuckDBPyConnection:
    """dim_child (child_key, age_band, sex, ethnicity_group, district_name) and mart_gaps (one
    gap per child, carrying the child's age band and district)."""
    con = duckdb.connect()
    con.execute(
        "create table dim_child (child_key varchar, age_band varchar, sex varchar, "
        "ethnicity_group varchar, district_name varchar, primary_need varchar)"
    )
    con.executemany("insert into dim_child values (?, ?, ?, ?, ?, 'ASD')", children)
    con.execute(
        "create table mart_gaps as select 'late_plan' as gap_type, child_key, age_band, "
        "district_name from dim_child"
    )
    return con


def _crowd(n: int, district: str = "Gedling", prefix: str = "C") -> list[tuple]:
    return [(f"{prefix}{i}", "5-10", "F", "White", district) for i in range(n)]


def test_the_policy_generalises_dim_child_and_keeps_what_the_questions_need():
    columns = ["child_key", "birth_month", "age_at_as_at", "age_band", "postcode_sector"]
    columns += ["district_name", "first_seen"]
    published = select_list(POLICY, "dim_child", columns)
    assert "birth_month" not in published and "postcode_sector" not in published
    assert "age_at_as_at" not in published
    assert "date_trunc('month', \"first_seen\")" in published
    assert '"district_name"' in published and '"age_band"' in published
    # a table the policy does not name is copied whole
    assert select_list(POLICY, "mart_kpis", ["month", "value"]) == '"month", "value"'
    con = duckdb.connect()
    con.execute("create table t as select date '2024-03-17' as first_seen")
    first = con.execute(f"select {select_list(POLICY, 'dim_child', ['first_seen'])} from t")
    assert str(first.fetchall()[0][0]) == "2024-03-01"


def test_children_in_small_groups_have_their_rarest_details_withheld_everywhere():
    # five girls aged 5-10 in Gedling, each the only one of her ethnic group there
    rare = [
        (f"R{i}", "5-10", "F", group, "Gedling")
        for i, group in enumerate(["Chinese", "Arab", "Gypsy", "Roma", "Traveller"])
    ]
    con = _warehouse([*_crowd(20), *rare])
    before = {r.table: r for r in measure_risk(con, POLICY)}
    assert before["dim_child"].children_unique == 5 and before["dim_child"].k == 1
    withheld = suppress_small_groups(con, POLICY)
    # withholding the ethnic group makes one group of five: nothing more is withheld
    assert withheld == {"dim_child.ethnicity_group": 5}
    rows = con.execute("select * from dim_child where child_key like 'R%'").fetchall()
    assert {row[1:5] for row in rows} == {("5-10", "F", POLICY.withheld, "Gedling")}
    after = {r.table: r for r in measure_risk(con, POLICY)}
    assert after["dim_child"].k == 5 and after["dim_child"].children_below_k == 0
    # the crowd keeps every detail
    assert (
        con.execute("select count(*) from dim_child where ethnicity_group = 'White'").fetchall()[0][
            0
        ]
        == 20
    )


def test_a_group_that_stays_small_loses_sex_age_band_and_district_and_so_does_every_table():
    lone = ("LONE", "16-19", "M", "Black", "Gedling")  # nobody else is like him there
    con = _warehouse([*_crowd(20), lone])
    withheld = suppress_small_groups(con, POLICY)
    assert withheld == {
        "dim_child.ethnicity_group": 1,
        "dim_child.sex": 1,
        "dim_child.age_band": 1,
        "dim_child.district_name": 1,
        "mart_gaps.age_band": 1,
        "mart_gaps.district_name": 1,
    }
    row = con.execute("select * from dim_child where child_key = 'LONE'").fetchall()[0]
    assert row[1:5] == (POLICY.withheld,) * 4
    assert row[5] == "ASD"  # the need is not a quasi-identifier
    # what dim_child withholds, mart_gaps withholds too (joining on child_key gives nothing back)
    leaked = con.execute(
        "select count(*) from mart_gaps g join dim_child d using (child_key) "
        "where d.age_band = ? and g.age_band <> ?",
        [POLICY.withheld, POLICY.withheld],
    ).fetchall()[0][0]
    assert leaked == 0


def test_publishing_is_refused_when_too_many_children_are_in_small_groups():
    # a mart that publishes a quasi-identifier the policy does not withhold (the postcode
    # district): its rare values leave children in small groups, and the gate says so
    con = _warehouse([*_crowd(100), *_crowd(3, district="Bassetlaw", prefix="S")])
    con.execute(
        "create table mart_new as select child_key, case when child_key like 'S%' "
        "then 'S80' else 'NG5' end as postcode_district from dim_child"
    )
    suppress_small_groups(con, POLICY)
    risks = measure_risk(con, POLICY)
    new = next(r for r in risks if r.table == "mart_new")
    assert new.children_below_k == 3 and new.share_below_k == pytest.approx(3 / 103)
    with pytest.raises(RiskTooHigh, match="mart_new: 2.91% of 103 children"):
        check_risk(risks, POLICY)
    lenient = Policy(**{**POLICY.__dict__, "max_share_below_k": 0.05})
    check_risk(risks, lenient)
    # in dim_child the three lose their district: a row with every detail withheld could be
    # any child, so it is in no small group
    dim = next(r for r in risks if r.table == "dim_child")
    assert dim.children_below_k == 0


ROWS = st.lists(
    st.tuples(
        st.sampled_from(["0-4", "5-10", "11-15"]),
        st.sampled_from(["F", "M", None]),
        st.sampled_from(["White", "Asian", "Black", "Other", None]),
        st.sampled_from(["Gedling", "Mansfield"]),
    ),
    min_size=1,
    max_size=60,
)


@given(ROWS)
@settings(max_examples=60, deadline=None)
def test_after_suppression_a_small_group_has_nothing_left_to_withhold(rows):
    con = _warehouse([(f"C{i}", *row) for i, row in enumerate(rows)])
    suppress_small_groups(con, POLICY)
    # every child is still there, the need untouched, the district kept or withheld
    published = con.execute(
        "select child_key, district_name, primary_need from dim_child order by child_key"
    ).fetchall()
    assert [(c, n) for c, _, n in published] == sorted((f"C{i}", "ASD") for i in range(len(rows)))
    expected = dict((f"C{i}", r[3]) for i, r in enumerate(rows))
    assert all(d in (expected[c], POLICY.withheld) for c, d, _ in published)
    # a group still smaller than k has nothing left to withhold
    small = con.execute(
        f"""select age_band, sex, ethnicity_group, district_name from dim_child
        qualify count(*) over (partition by age_band, sex, ethnicity_group, district_name) < {K}"""
    ).fetchall()
    assert all(row == (POLICY.withheld,) * 4 for row in small)
    # and a value is withheld only where its group was small: a group of k or more is intact
    for i, row in enumerate(rows):
        same = sum(1 for other in rows if other == row)
        if same >= K:
            kept = con.execute(
                "select age_band, sex, ethnicity_group, district_name from dim_child "
                "where child_key = ?",
                [f"C{i}"],
            ).fetchall()[0]
            assert kept == row
