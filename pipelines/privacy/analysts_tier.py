"""The analysts' tier: the marts minimised for analysts, and their re-identification risk measured.

The publish step copies the marts through `select_list` (columns the policy drops are left out,
dates it generalises are cut to the month), withholds the quasi-identifiers of children in small
groups (`suppress_small_groups`), then measures k-anonymity table by table (`measure_risk`) and
refuses to publish above the limit (`RiskTooHigh`), as it refuses a direct identifier.

k-anonymity is computed in SQL inside DuckDB: a table's children are grouped by the
quasi-identifiers it holds, each group's size is its number of distinct children, and a child is
at risk when one of its rows falls in a group smaller than k. It runs where the data already are,
in one pass per table, at any size the warehouse reaches (the libraries that compute it work on a
pandas frame in memory).

The policy: analysts_tier.yml beside this file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

POLICY_FILE = Path(__file__).with_name("analysts_tier.yml")
CHILD_KEY = "child_key"
# The table an intruder who knows a child starts from; what it withholds, every table withholds.
CHILD_TABLE = "dim_child"


@dataclass(frozen=True)
class Policy:
    quasi_identifiers: tuple[str, ...]
    k: int
    max_share_below_k: float
    drop: dict[str, tuple[str, ...]]
    month: dict[str, tuple[str, ...]]
    suppress: tuple[str, ...]
    withheld: str


def load_policy(path: Path = POLICY_FILE) -> Policy:
    raw = yaml.safe_load(path.read_text())
    policy = Policy(
        quasi_identifiers=tuple(raw["quasi_identifiers"]),
        k=int(raw["k"]),
        max_share_below_k=float(raw["max_share_below_k"]),
        drop={table: tuple(columns) for table, columns in (raw.get("drop") or {}).items()},
        month={table: tuple(columns) for table, columns in (raw.get("month") or {}).items()},
        suppress=tuple(raw.get("suppress") or ()),
        withheld=str(raw["withheld"]),
    )
    unknown = set(policy.suppress) - set(policy.quasi_identifiers)
    if unknown:
        raise ValueError(
            f"{path}: suppress names columns that are not quasi-identifiers: {unknown}"
        )
    if policy.k < 2:
        raise ValueError(f"{path}: k must be at least 2")
    return policy


def select_list(policy: Policy, table: str, columns: list[str]) -> str:
    """The published columns of `table`, in order: dropped ones left out, month ones cut."""
    dropped = set(policy.drop.get(table, ()))
    monthly = set(policy.month.get(table, ()))
    exprs = [
        f'cast(date_trunc(\'month\', "{c}") as date) as "{c}"' if c in monthly else f'"{c}"'
        for c in columns
        if c not in dropped
    ]
    if not exprs:
        raise ValueError(f"the policy drops every column of {table}")
    return ", ".join(exprs)


def note(policy: Policy, table: str, column: str) -> str:
    """What the published column's description should add about how it is published."""
    if column in policy.month.get(table, ()):
        return " Published at month precision (the first day of the month)."
    if column in policy.suppress:
        return (
            f" '{policy.withheld}' where fewer than {policy.k} children of this table share the "
            "child's combination of the quasi-identifiers it holds, or where dim_child withholds "
            "it (pipelines/privacy/analysts_tier.yml)."
        )
    return ""


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            "select column_name from duckdb_columns() where schema_name = 'main' "
            "and table_name = ? order by column_index",
            [table],
        ).fetchall()
    ]


def _child_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Published tables that carry a child key, dim_child first."""
    tables = [
        row[0]
        for row in con.execute(
            "select table_name from duckdb_columns() where schema_name = 'main' "
            "and column_name = ? order by table_name",
            [CHILD_KEY],
        ).fetchall()
    ]
    return sorted(tables, key=lambda t: t != CHILD_TABLE)


def _quasi(policy: Policy, columns: list[str]) -> list[str]:
    return [c for c in policy.quasi_identifiers if c in columns]


def _groups_sql(table: str, quasi: list[str], withheld: str) -> str:
    """One row per distinct (child, quasi-identifiers) of `table`, with the size of its group.

    A row whose every quasi-identifier is withheld could be any child of the table (a withheld
    value matches every value): its group is the whole table."""
    listed = ", ".join(f'"{c}"' for c in quasi)
    blank = " and ".join(f"\"{c}\" = '{withheld}'" for c in quasi)
    return f"""select {CHILD_KEY}, {listed},
            case when {blank} then count(distinct {CHILD_KEY}) over ()
                else count(*) over (partition by {listed}) end as group_size
        from (select distinct {CHILD_KEY}, {listed} from main."{table}"
              where {CHILD_KEY} is not null)"""


def suppress_small_groups(con: duckdb.DuckDBPyConnection, policy: Policy) -> dict[str, int]:
    """Withhold quasi-identifiers of children in small groups, in the policy's order, table by
    table, dim_child first; what dim_child withholds is withheld in every other table too.
    Returns the number of values withheld per `table.column`."""
    withheld: dict[str, int] = {}

    def count(table: str, column: str, rows: int) -> None:
        if rows:
            withheld[f"{table}.{column}"] = withheld.get(f"{table}.{column}", 0) + rows

    tables = _child_tables(con)
    for table in tables:
        columns = _columns(con, table)
        quasi = _quasi(policy, columns)
        if table != CHILD_TABLE and CHILD_TABLE in tables:
            child_columns = _columns(con, CHILD_TABLE)
            for column in (c for c in policy.suppress if c in quasi and c in child_columns):
                rows = con.execute(
                    f"""update main."{table}" t set "{column}" = ? where t.{CHILD_KEY} in (
                        select {CHILD_KEY} from main.{CHILD_TABLE} where "{column}" = ?)
                        and t."{column}" is distinct from ?""",
                    [policy.withheld] * 3,
                ).fetchall()[0][0]
                count(table, column, rows)
        for column in (c for c in policy.suppress if c in quasi):
            groups = _groups_sql(table, quasi, policy.withheld)
            match = " and ".join(f't."{c}" is not distinct from s."{c}"' for c in quasi)
            rows = con.execute(
                f"""update main."{table}" t set "{column}" = ?
                from (select distinct {", ".join(f'"{c}"' for c in quasi)}, {CHILD_KEY}
                      from ({groups}) where group_size < {policy.k}) s
                where t.{CHILD_KEY} = s.{CHILD_KEY} and {match}
                  and t."{column}" is distinct from ?""",
                [policy.withheld, policy.withheld],
            ).fetchall()[0][0]
            count(table, column, rows)
    return withheld


@dataclass(frozen=True)
class TableRisk:
    table: str
    quasi_identifiers: tuple[str, ...]
    children: int
    k: int | None  # the smallest group (None: no quasi-identifier, one group of all)
    children_below_k: int
    children_unique: int

    @property
    def share_below_k(self) -> float:
        return self.children_below_k / self.children if self.children else 0.0

    @property
    def share_unique(self) -> float:
        return self.children_unique / self.children if self.children else 0.0

    def as_metadata(self) -> dict:
        return {
            "quasi_identifiers": ", ".join(self.quasi_identifiers) or "none",
            "children": self.children,
            "k": self.k if self.k is not None else self.children,
            "share_below_k": round(self.share_below_k, 5),
            "share_unique": round(self.share_unique, 5),
        }


def measure_risk(con: duckdb.DuckDBPyConnection, policy: Policy) -> list[TableRisk]:
    """k-anonymity of every published table that carries a child key."""
    risks = []
    for table in _child_tables(con):
        quasi = _quasi(policy, _columns(con, table))
        if not quasi:
            children = con.execute(
                f'select count(distinct {CHILD_KEY}) from main."{table}"'
            ).fetchall()[0][0]
            risks.append(TableRisk(table, (), children, None, 0, 0))
            continue
        children, smallest, below, unique = con.execute(
            f"""select count(distinct {CHILD_KEY}), min(group_size),
                count(distinct {CHILD_KEY}) filter (where group_size < {policy.k}),
                count(distinct {CHILD_KEY}) filter (where group_size = 1)
            from ({_groups_sql(table, quasi, policy.withheld)})"""
        ).fetchall()[0]
        risks.append(TableRisk(table, tuple(quasi), children, smallest, below, unique))
    return risks


class RiskTooHigh(RuntimeError):
    """Too many children of some published table are in small groups; nothing was published."""

    def __init__(self, risks: list[TableRisk], policy: Policy) -> None:
        self.risks = risks
        listed = "; ".join(
            f"{r.table}: {r.share_below_k:.2%} of {r.children} children in groups of fewer than "
            f"{policy.k} on {', '.join(r.quasi_identifiers)}"
            for r in risks
        )
        super().__init__(
            f"not published: re-identification risk above the limit "
            f"({policy.max_share_below_k:.0%} of a table's children): {listed}"
        )


def check_risk(risks: list[TableRisk], policy: Policy) -> None:
    over = [r for r in risks if r.share_below_k > policy.max_share_below_k]
    if over:
        raise RiskTooHigh(over, policy)
