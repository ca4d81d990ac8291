"""The dbt models are written in SQL that DuckDB and Spark read alike (docs/deployment.md).

A function whose name or meaning differs between the engines is reached only through a macro
with one version per engine (`duckdb__name`, `spark__name`, chosen by adapter.dispatch; most are
in dbt_project/macros/portable.sql). This lint reads every model and every macro outside those
engine versions and rejects any other function, and any string literal with a backslash (Spark
reads it as an escape, DuckDB as a backslash). `make portability` checks the compiled models of
both engines against the same list, and that the marts come out identical.
"""

import re
from pathlib import Path

import pytest

from tests.portable_sql import DBT, ENGINE_ONLY, PORTABLE, calls


def _without_jinja(text: str) -> str:
    text = re.sub(r"\{#.*?#\}", " ", text, flags=re.S)
    return re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " 0 ", text, flags=re.S)


def _engine_free(text: str) -> str:
    """A macro file without the bodies of its engine versions (and dbt-spark's seed override)."""
    engine_macro = r"\{%-?\s*macro\s+(duckdb__|spark__)\w+\(.*?\{%-?\s*endmacro\s*-?%\}"
    return re.sub(engine_macro, " ", text, flags=re.S)


def _sources() -> list[Path]:
    return sorted([*DBT.glob("models/**/*.sql"), *DBT.glob("macros/*.sql")])


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(DBT)))
def test_a_model_or_macro_calls_only_portable_functions(path):
    text = _engine_free(path.read_text())
    outside = calls(_without_jinja(text)) - PORTABLE
    assert not outside, (
        f"{path.relative_to(DBT)} calls {sorted(outside)}: not in the portable list. Write the "
        "call once per engine (duckdb__/spark__ versions in macros/portable.sql) or, if both "
        "engines give it one meaning, add it to PORTABLE in tests/unit/test_portable_sql.py"
    )


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(DBT)))
def test_no_backslash_in_a_string_literal_outside_an_engine_macro(path):
    text = _without_jinja(_engine_free(path.read_text()))
    text = re.sub(r"--[^\n]*", " ", text)
    escaped = [lit for lit in re.findall(r"'(?:[^'\\]|\\.|'')*'", text) if "\\" in lit]
    assert not escaped, f"{path.relative_to(DBT)}: {escaped} reads differently on Spark"


def test_the_lint_reads_every_model_and_macro():
    assert len(_sources()) > 70
    assert all(path.stat().st_size for path in _sources())


def test_the_lint_finds_an_engine_function_written_in_a_model():
    assert calls("select list_sort(list(x)), coalesce(a, b) from t") - PORTABLE == {
        "list_sort",
        "list",
    }
    assert calls("select 'first(x)' as label, -- first(y)\n count(*) from t") == {"count"}


def test_every_engine_only_function_is_written_in_that_engines_macros():
    """The lists are the functions the engine versions really use: none stale, none missing."""
    for engine, allowed in ENGINE_ONLY.items():
        used: set[str] = set()
        for path in DBT.glob("macros/*.sql"):
            for body in re.findall(
                rf"\{{%-?\s*macro\s+{engine}__\w+\(.*?%\}}(.*?)\{{%-?\s*endmacro",
                path.read_text(),
                flags=re.S,
            ):
                used |= calls(_without_jinja(body))
        assert used - PORTABLE == allowed, engine
    assert not ENGINE_ONLY["duckdb"] & PORTABLE and not ENGINE_ONLY["spark"] & PORTABLE
