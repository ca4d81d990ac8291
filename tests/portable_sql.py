"""What the dbt models may call: the portable functions, and each engine's own (reached only
through a macro's duckdb__/spark__ versions). Read by the lint (tests/unit/test_portable_sql.py)
and by the portability check on the compiled models (tests/portability)."""

import re
from pathlib import Path

DBT = Path(__file__).resolve().parents[1] / "dbt_project"

# Functions with one meaning on both engines.
PORTABLE = {
    "abs", "array_contains", "bit_xor", "bool_or", "cast", "ceil", "coalesce", "concat_ws",
    "count", "day", "floor", "greatest", "least", "left", "max", "md5", "min", "month", "nullif",
    "regexp_extract", "round", "row_number", "substr", "sum", "trim", "try_cast", "upper", "year",
}  # fmt: skip
# Each engine's own functions, written only in that engine's version of a macro.
ENGINE_ONLY = {
    "duckdb": {
        "date_diff", "date_trunc", "first", "format", "generate_series", "json_extract_string",
        "list", "list_sort", "regexp_replace", "sha256", "string_agg", "to_months",
        "try_strptime", "unnest",
    },
    "spark": {
        "add_months", "array_join", "array_sort", "collect_list", "collect_set", "conv", "datediff",
        "explode", "format_string", "get_json_object", "max_by", "min_by", "named_struct",
        "regexp_replace", "sequence", "sha2", "trunc", "try_element_at", "try_to_timestamp",
    },
}  # fmt: skip
# Words followed by a parenthesis that are not calls: keywords and types.
NOT_CALLS = {
    "and", "as", "by", "case", "decimal", "else", "end", "except", "exists", "filter", "from",
    "in", "interval", "is", "join", "not", "on", "or", "over", "partition", "select", "then",
    "union", "using", "values", "when", "where", "with",
}  # fmt: skip


def calls(sql: str) -> set[str]:
    """The functions called in a piece of SQL (comments and string literals left out)."""
    sql = re.sub(r"--[^\n]*", " ", sql)
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.S)
    sql = re.sub(r"'(?:[^'\\]|\\.|'')*'", "''", sql)
    sql = re.sub(r"\b\w+\s*\([^()]*\)\s+as\s*\(", " as (", sql, flags=re.I)  # a CTE's columns
    found = {name.lower() for name in re.findall(r"\b([A-Za-z_]\w*)\s*\(", sql)}
    return found - NOT_CALLS
