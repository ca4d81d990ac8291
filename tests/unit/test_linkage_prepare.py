"""Linkage configuration, record preparation, blocking and the edit-distance macro."""

from __future__ import annotations

import functools

import duckdb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.linkage import blocking, levels
from pipelines.linkage.cluster import connected_components
from pipelines.linkage.config import LinkageConfigError, load_config
from pipelines.linkage.prepare import LinkageInputError, prepare


def test_shipped_config_loads():
    config = load_config()
    assert config.thresholds.review_low <= config.thresholds.link_probability
    assert {c.name for c in config.comparisons} >= {"forename", "surname", "dob", "postcode"}
    assert config.nicknames.exists()


def _edited_config(tmp_path, old: str, new: str):
    """The shipped configuration with `old` replaced by `new`, beside empty name lists."""
    text = load_config().source.read_text()
    assert old in text
    path = tmp_path / "linkage.yml"
    path.write_text(text.replace(old, new))
    (tmp_path / "nicknames.csv").write_text("name,canonical\n")
    (tmp_path / "spellings.csv").write_text("name,canonical\n")
    (tmp_path / "day_names.csv").write_text("weekday,sex,name\n")
    return path


def test_bad_thresholds_are_rejected(tmp_path):
    path = _edited_config(tmp_path, "review_low: 0.1", "review_low: 0.99")
    with pytest.raises(LinkageConfigError):
        load_config(path)


def test_a_conflict_on_an_unknown_identifier_is_rejected(tmp_path):
    path = _edited_config(tmp_path, "identifier: upn", "identifier: pupil_id")
    with pytest.raises(LinkageConfigError, match="different_upns: identifier must be one of"):
        load_config(path)


def test_a_conflict_on_an_unknown_level_is_rejected(tmp_path):
    path = _edited_config(tmp_path, "sex: [different]", "sex: [opposite]")
    with pytest.raises(LinkageConfigError, match=r"boy_and_girl.levels.sex: unknown levels"):
        load_config(path)


def test_a_dependency_on_an_unknown_level_is_rejected(tmp_path):
    path = _edited_config(
        tmp_path, "surname: [exact, variant, typo]}", "surname: [exact, misspelt]}"
    )
    with pytest.raises(LinkageConfigError, match=r"full_name: levels.surname: unknown levels"):
        load_config(path)


def test_a_malformed_token_frequency_is_rejected(tmp_path):
    path = _edited_config(
        tmp_path, "tf_tokens: {tokens: sn_tokens, found_in: name_tokens}", "tf_tokens: sn_tokens"
    )
    with pytest.raises(LinkageConfigError, match=r"surname level shared_token: tf_tokens is"):
        load_config(path)
    path = _edited_config(
        tmp_path,
        "tf_tokens: {tokens: sn_tokens, found_in: name_tokens}",
        "tf_tokens: {tokens: sn_tokens, found_in: name_tokens}\n        tf: sn",
    )
    with pytest.raises(LinkageConfigError, match=r"tf or tf_tokens, not both"):
        load_config(path)


def test_a_dependency_applies_at_its_levels():
    config = load_config()
    (full_name,) = [d for d in config.dependencies if d.name == "full_name"]
    labels = [level.label for level in config.comparison("forename").levels]
    near = ", ".join(str(labels.index(label)) for label in ("exact", "variant", "typo"))
    assert f"g_forename in ({near})" in full_name.applies()
    (household,) = [d for d in config.dependencies if d.name == "household"]
    assert household.applies() == "g_surname in (0) and g_postcode in (0)"


def test_a_conflict_requires_its_levels_and_its_condition():
    (rule,) = [c.when for c in load_config().guards.conflicts if c.name == "boy_and_girl"]
    config = load_config()
    different = [level.label for level in config.comparison("sex").levels].index("different")
    assert rule.startswith(f"s.g_sex in ({different}) and s.g_forename in (")
    assert rule.endswith("and not list_has_any(r.fn_tokens, l.name_tokens)")


def _prepared(rows):
    con = duckdb.connect()
    con.execute(
        "create table r (record_id varchar, source varchar, forename varchar, surname varchar,"
        " dob varchar, sex varchar, postcode varchar)"
    )
    con.executemany("insert into r values (?, ?, ?, ?, ?, ?, ?)", rows)
    prepare(con, "r", "p", load_config())
    return con


def test_names_are_normalised_and_canonical():
    con = _prepared(
        [
            ("1", "city", "  bill ", "O'Brien-Kozłowski", "2014-03-09", "m", "ng5 1ab"),
            ("2", "icb", "Zoë Ann", "Smith", "2014-12-25", "U", None),
        ]
    )
    rows = con.execute(
        "select fn, fn_canon, sn, sn_tokens, sex, pc, pc_sector, pc_district, dob_swapped"
        " from p order by record_id"
    ).fetchall()
    assert rows[0][:8] == (
        "BILL",
        "WILLIAM",
        "OBRIENKOZLOWSKI",
        ["OBRIEN", "KOZLOWSKI"],
        "M",
        "NG51AB",
        "NG5 1",
        "NG5",
    )
    assert rows[0][8] == "20140903"  # day and month exchanged, as YYYYMMDD text
    # 25 cannot be a month, but the swapped text is kept: the date may have been written
    # day first in a month-first field
    assert rows[1][0] == "ZOE" and rows[1][4] is None and rows[1][8] == "20142512"


def test_a_forename_field_holding_the_family_name_first_gives_the_given_names():
    con = _prepared(
        [
            ("1", "city", "ZHOU Wei-Jia", "Zhou", None, None, None),
            ("2", "city", "Thomas James", "Smith", None, None, None),
            ("3", "city", "Zhou", "Zhou", None, None, None),  # one name in both fields
        ]
    )
    rows = con.execute(
        "select fn, fn_tokens, fn_joined, name_tokens, initials from p order by record_id"
    ).fetchall()
    assert rows[0] == ("WEI", ["WEI", "JIA"], "WEIJIA", ["JIA", "WEI", "ZHOU"], "WZ")
    assert rows[1][:3] == ("THOMAS", ["THOMAS", "JAMES"], "THOMASJAMES")
    assert rows[2][:3] == ("ZHOU", ["ZHOU"], "ZHOU")


def test_duplicate_record_ids_are_refused():
    with pytest.raises(LinkageInputError):
        _prepared([("1", "city", "A", "B", None, None, None)] * 2)


def test_within_one_edit():
    con = duckdb.connect()
    levels.register_macros(con)
    cases = {
        ("ABC", "ABC"): True,
        ("ABC", "ACB"): True,
        ("ABC", "AXC"): True,
        ("ABC", "AB"): True,
        ("ABC", "ABCD"): True,
        ("ABC", "XBZ"): False,
        ("ABCD", "BADC"): False,
        ("ABCD", "AB"): False,
    }
    for (a, b), expected in cases.items():
        assert con.execute("select within_one_edit(?, ?)", [a, b]).fetchall()[0][0] is expected


def _one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1, written plainly."""
    if a == b:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = sorted((a, b), key=len)
    return len(long_) - len(short) == 1 and any(
        long_[:i] + long_[i + 1 :] == short for i in range(len(long_))
    )


_NAME = st.text(alphabet="ABEJKLMO", min_size=1, max_size=7)
_FREQUENCY = st.one_of(st.none(), st.floats(min_value=1e-7, max_value=0.05))


@settings(max_examples=300, deadline=None)
@given(a=_NAME, b=_NAME, freq_a=_FREQUENCY, freq_b=_FREQUENCY)
def test_miswritten_is_a_rare_form_one_edit_away_or_a_start(a, b, freq_a, freq_b):
    """Two forms of one name: one edit apart or one the start of the other, the rarer written at
    most a twentieth as often (an unknown frequency counts as none); symmetric."""
    con = _macros()
    fa, fb = freq_a or 0.0, freq_b or 0.0
    expected = (_one_edit(a, b) or a.startswith(b) or b.startswith(a)) and min(fa, fb) < 0.05 * max(
        fa, fb
    )
    query = "select miswritten(?, ?, ?::double, ?::double)"
    assert con.execute(query, [a, b, freq_a, freq_b]).fetchone()[0] is expected
    assert con.execute(query, [b, a, freq_b, freq_a]).fetchone()[0] is expected


@functools.cache
def _macros() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    levels.register_macros(con)
    return con


def test_blocking_finds_swapped_names_and_dates():
    con = _prepared(
        [
            ("1", "city", "Jack", "Parmar", "2010-11-05", "M", None),
            ("2", "icb", "Parmar", "Jack", "2010-11-05", "M", None),
            ("3", "city", "Ella", "Shaw", "2012-04-07", "F", None),
            ("4", "icb", "Ella", "Shaw", "2012-07-04", "F", None),
        ]
    )
    con.execute(
        "create temp table recs as select row_number() over (order by record_id)::integer - 1"
        " as rid, *, true as is_new from p"
    )
    config = load_config()
    blocking.candidate_pairs(con, "recs", config, "skip", "pairs", find_oversized=True)
    found = con.execute(
        f"select rid_l, rid_r, {blocking.pass_names_sql(config, 'passes')} from pairs order by all"
    ).fetchall()
    # The birth date is keyed with day and month in either order, and names by any token
    # whichever field holds it: both swaps meet in the birth date + name pass.
    assert [(a, b) for a, b, _ in found] == [(0, 1), (2, 3)]
    assert "dob_name" in found[0][2] and "dob_name" in found[1][2]


def test_connected_components():
    nodes = np.array([1, 2, 3, 5, 8, 9])
    labels = connected_components(nodes, np.array([2, 8, 3]), np.array([3, 9, 1]))
    assert labels.tolist() == [1, 1, 1, 5, 8, 8]


def test_the_day_name_is_that_of_the_weekday_of_birth():
    # 7 March 2014 was a Friday: Kofi for a boy, Afua for a girl; no sex or no date, no name
    con = _prepared(
        [
            ("b", "city", "Emmanuel", "Owusu", "2014-03-07", "M", "NG5 9AB"),
            ("g", "city", "Abigail", "Owusu", "07/03/2014", "F", "NG5 9AB"),
            ("u", "city", "Sam", "Owusu", "2014-03-07", None, "NG5 9AB"),
            ("x", "city", "Sam", "Owusu", "2014-85-03", "M", "NG5 9AB"),
        ]
    )
    day_names = dict(con.execute("select record_id, day_name from p").fetchall())
    assert day_names == {"b": "KOFI", "g": "AFUA", "u": None, "x": None}
