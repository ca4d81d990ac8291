"""The analysts' catalogue: dbt's static docs page, describing the analysts' warehouse only.

`dbt docs generate --static` inlines manifest.json and catalog.json into dbt's own index.html
(dbt/task/docs/generate.py). Over the whole project it would also show the restricted zone:
staging and identity models, sources, seeds of identifiers and the SQL that names them. So the
same page is filled here with a manifest and a catalog made for analytics.duckdb alone:

- the tables, columns, types, descriptions (the comments analysts read) and row counts come from
  analytics.duckdb, opened read-only: what the publish step wrote, not what dbt built;
- from the dbt manifest only what concerns published tables: where a table sits in the project,
  the generic tests on its columns and the lineage between published tables;
- no SQL, macro, source, unpublished model or seed, and no dbt anonymous-usage tracking (the
  page would load a tracker from a CDN).

Before writing, the inlined data is checked for the name of any unpublished model, source or
seed: a description that names one fails the build rather than reaching the analysts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.publish.assets import MART_MODELS
from pipelines.publish.warehouse import REFERENCE_TABLES

CATALOGUE_NAME = "analysts_catalogue.html"
# Where dbt's page expects its two artefacts (dbt/task/docs/generate.py replaces these strings).
MANIFEST_SLOT = '"MANIFEST.JSON INLINE DATA"'
CATALOG_SLOT = '"CATALOG.JSON INLINE DATA"'
SCHEMA = "main"
# What the page's Code tab shows: the SQL reads the identifiable tables, so it stays with them.
NO_CODE = "-- The SQL that builds this table is not published with the catalogue."

OVERVIEW = """# The analysts' warehouse

Every table and column analysts can query in `analytics.duckdb` (and its Parquet copies), as
published on {published_at} with figures as at **{as_at}**: the pseudonymised marts and the
reference tables that explain their codes. A child is a `child_key`; no table holds a name,
an NHS number, a UPN or a date of birth.

Open a table from the list on the left; the lineage graph (bottom right) shows which published
table is built from which. Types are those of the published tables; row counts are those of
this publication.

Query it read-only with `send-pipeline sql`, or in Python with
`duckdb.connect(path, read_only=True)`.
"""


@dataclass
class Catalogue:
    path: Path
    tables: dict[str, int]  # published table → rows
    size_bytes: int


class RestrictedNameFound(RuntimeError):
    """The catalogue would name part of the restricted zone; it was not written."""


def _published_ids(manifest: dict) -> dict[str, str]:
    """dbt unique_id → published table name, for the marts and the reference seeds."""
    project = manifest["metadata"]["project_name"]
    ids = {f"model.{project}.{name}": name for name in MART_MODELS}
    ids |= {
        f"seed.{project}.{table.split('.')[-1]}": name for name, table in REFERENCE_TABLES.items()
    }
    return {uid: name for uid, name in ids.items() if uid in manifest["nodes"]}


def _warehouse(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    tables = {
        name: {"comment": comment or "", "columns": [], "rows": 0}
        for name, comment in con.execute(
            "select table_name, comment from duckdb_tables() "
            "where database_name = current_database() and schema_name = ? order by 1",
            [SCHEMA],
        ).fetchall()
    }
    for table, column, data_type, comment in con.execute(
        "select table_name, column_name, data_type, comment from duckdb_columns() "
        "where database_name = current_database() and schema_name = ? and not internal "
        "order by table_name, column_index",
        [SCHEMA],
    ).fetchall():
        tables[table]["columns"].append((column, data_type, comment or ""))
    for name, table in tables.items():
        table["rows"] = con.execute(f'select count(*) from {SCHEMA}."{name}"').fetchone()[0]
    return tables


def _node(uid: str, name: str, table: dict, source: dict | None, database: str) -> dict:
    """A manifest node for one published table: its place in the project, never its code."""
    source = source or {}
    resource_type = source.get("resource_type", "model")
    source_columns = source.get("columns", {})
    folder = "reference" if resource_type == "seed" else "marts" if source else "published"
    return {
        "unique_id": uid,
        "name": name,
        "alias": name,
        "resource_type": resource_type,
        "package_name": uid.split(".")[1],
        "database": database,
        "schema": SCHEMA,
        "relation_name": f'"{database}"."{SCHEMA}"."{name}"',
        "fqn": [uid.split(".")[1], folder, name],
        "path": f"{folder}/{name}",
        "original_file_path": f"{folder}/{name}",
        "description": table["comment"] or source.get("description", ""),
        "columns": {
            column: {
                "name": column,
                "description": comment or source_columns.get(column, {}).get("description", ""),
                "data_type": data_type,
                "meta": source_columns.get(column, {}).get("meta", {}),
                "tags": source_columns.get(column, {}).get("tags", []),
                "constraints": [],
                "quote": None,
            }
            for column, data_type, comment in table["columns"]
        },
        "tags": source.get("tags", []),
        "meta": source.get("meta", {}),
        "docs": source.get("docs", {"show": True, "node_color": None}),
        "config": {
            "enabled": True,
            "materialized": "table" if resource_type == "model" else "seed",
            "tags": source.get("tags", []),
            "meta": source.get("meta", {}),
            "docs": source.get("docs", {"show": True, "node_color": None}),
        },
        "access": source.get("access", "protected"),
        "contract": {
            "enforced": source.get("contract", {}).get("enforced", False),
            "alias_types": True,
            "checksum": None,
        },
        "constraints": [],
        "primary_key": source.get("primary_key", []),
        "version": None,
        "latest_version": None,
        "language": "sql",
        "raw_code": NO_CODE if resource_type == "model" else "",
        "compiled_code": NO_CODE if resource_type == "model" else "",
        "refs": [],
        "sources": [],
        "depends_on": {"macros": [], "nodes": []},
    }


def _test(test: dict, rename: dict[str, str]) -> dict:
    """A generic test on published tables only: what is asserted, not its SQL."""
    metadata = test["test_metadata"]
    parents = [rename[uid] for uid in test["depends_on"]["nodes"]]
    return {
        "unique_id": test["unique_id"],
        "name": test["name"],
        "resource_type": "test",
        "package_name": test["package_name"],
        "fqn": test["fqn"],
        "path": test["path"],
        "original_file_path": test["original_file_path"],
        "description": test.get("description", ""),
        "tags": test.get("tags", []),
        "meta": test.get("meta", {}),
        "config": {"enabled": True, "severity": test["config"].get("severity", "ERROR")},
        "column_name": test.get("column_name"),
        "attached_node": rename.get(test.get("attached_node")),
        "test_metadata": {
            "name": metadata["name"],
            "namespace": metadata.get("namespace"),
            # `model` is dbt's own Jinja for the table under test; the rest is what is asserted.
            "kwargs": {k: v for k, v in metadata.get("kwargs", {}).items() if k != "model"},
        },
        "refs": [{"name": uid.split(".")[-1], "package": None, "version": None} for uid in parents],
        "depends_on": {"macros": [], "nodes": parents},
        "raw_code": "",
        "compiled_code": "",
    }


def build_documents(analytics_db: Path, source: dict) -> tuple[dict, dict, dict[str, dict]]:
    """The manifest and catalog of the analysts' warehouse, from the project's manifest
    (`source`), and the warehouse's tables as read."""
    project = source["metadata"]["project_name"]
    with duckdb.connect(str(analytics_db), read_only=True) as con:
        database = con.execute("select current_database()").fetchone()[0]
        tables = _warehouse(con)
        published_at, as_at = con.execute("select published_at, as_at from main.about").fetchone()
    by_name = {name: uid for uid, name in _published_ids(source).items() if name in tables}
    # dbt ids of the published tables, under their published names (ref_* for the seeds); a
    # table the publish step made itself (`about`) is a model of its own.
    rename = {uid: f"{uid.split('.')[0]}.{project}.{name}" for name, uid in by_name.items()}
    nodes = {}
    for name, table in tables.items():
        uid = rename.get(by_name.get(name), f"model.{project}.{name}")
        nodes[uid] = _node(uid, name, table, source["nodes"].get(by_name.get(name, "")), database)
    parent_map: dict[str, list[str]] = {uid: [] for uid in nodes}
    for old, new in rename.items():
        parents = source["nodes"][old]["depends_on"].get("nodes", [])
        parents = sorted({rename[p] for p in parents if p in rename})
        nodes[new]["depends_on"]["nodes"] = parents
        nodes[new]["refs"] = [
            {"name": p.split(".")[-1], "package": None, "version": None} for p in parents
        ]
        parent_map[new] = parents
    for uid, test in source["nodes"].items():
        if (
            test["resource_type"] == "test"
            and "test_metadata" in test
            and test["depends_on"]["nodes"]
            and all(parent in rename for parent in test["depends_on"]["nodes"])
        ):
            nodes[uid] = _test(test, rename)
            parent_map[uid] = nodes[uid]["depends_on"]["nodes"]
    child_map: dict[str, list[str]] = {uid: [] for uid in parent_map}
    for child, parents in parent_map.items():
        for parent in parents:
            child_map[parent].append(child)
    generated_at = datetime.now(UTC).replace(tzinfo=None).isoformat() + "Z"
    metadata = {
        "dbt_schema_version": source["metadata"]["dbt_schema_version"],
        "dbt_version": source["metadata"]["dbt_version"],
        "generated_at": generated_at,
        "invocation_id": source["metadata"].get("invocation_id"),
        "env": {},
        "project_name": project,
        "project_id": source["metadata"].get("project_id"),
        "user_id": None,
        # True would make dbt's page load a tracker from a CDN.
        "send_anonymous_usage_stats": False,
        "adapter_type": source["metadata"].get("adapter_type"),
    }
    overview = OVERVIEW.format(
        published_at=f"{published_at:%-d %B %Y at %H:%M %Z}", as_at=f"{as_at:%-d %B %Y}"
    )
    manifest = {
        "metadata": metadata,
        "nodes": nodes,
        "sources": {},
        "macros": {},
        "docs": {
            f"doc.{project}.__overview__": {
                "name": "__overview__",
                "resource_type": "doc",
                "package_name": project,
                "path": "overview.md",
                "original_file_path": "overview.md",
                "unique_id": f"doc.{project}.__overview__",
                "block_contents": overview,
            }
        },
        "exposures": {},
        "metrics": {},
        "groups": {},
        "selectors": {},
        "disabled": {},
        "parent_map": parent_map,
        "child_map": child_map,
        "group_map": {},
        "saved_queries": {},
        "semantic_models": {},
        "unit_tests": {},
        "functions": {},
    }
    catalog = {
        "metadata": {
            "dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json",
            "dbt_version": source["metadata"]["dbt_version"],
            "generated_at": generated_at,
            "invocation_id": source["metadata"].get("invocation_id"),
            "env": {},
        },
        "nodes": {
            uid: {
                "unique_id": uid,
                "metadata": {
                    "type": "BASE TABLE",
                    "schema": SCHEMA,
                    "name": node["name"],
                    "database": database,
                    "comment": node["description"],
                    "owner": None,
                },
                "columns": {
                    column: {"type": data_type, "index": index, "name": column, "comment": comment}
                    for index, (column, data_type, comment) in enumerate(
                        tables[node["name"]]["columns"], start=1
                    )
                },
                "stats": {
                    "row_count": {
                        "id": "row_count",
                        "label": "Row count",
                        "value": tables[node["name"]]["rows"],
                        "include": True,
                        "description": "Rows in this publication",
                    },
                    "has_stats": {
                        "id": "has_stats",
                        "label": "Has Stats?",
                        "value": True,
                        "include": False,
                        "description": "Indicates whether there are statistics for this table",
                    },
                },
            }
            for uid, node in nodes.items()
            if node["resource_type"] != "test"
        },
        "sources": {},
        "errors": None,
    }
    return manifest, catalog, tables


def _restricted_names(manifest: dict, published: dict[str, str], tables: dict) -> set[str]:
    """Names of the restricted zone: every unpublished model, seed and source table.

    Only names with an underscore are searched for: the few without one (`raw`, `audit`,
    `settings`, `sex`, …) are schemas and code lists, words that published descriptions use in
    their ordinary sense. So is a name that is also a published column (`request_source`)."""
    names = {
        node["name"]
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] not in ("test", "unit_test") and uid not in published
    }
    names |= {source["name"] for source in manifest["sources"].values()}
    names |= {source.get("identifier") or source["name"] for source in manifest["sources"].values()}
    allowed = set(tables) | {column for t in tables.values() for column, _, _ in t["columns"]}
    return {name for name in names if "_" in name} - allowed


def write_catalogue(analytics_db: Path, manifest_path: Path, out: Path) -> Catalogue:
    """Write the catalogue of the analysts' warehouse as one HTML file that opens offline."""
    from dbt.task.docs import DOCS_INDEX_FILE_PATH

    if not analytics_db.exists():
        raise FileNotFoundError(f"{analytics_db} does not exist (run `send-pipeline run` first)")
    source = json.loads(manifest_path.read_text())
    manifest, catalog, tables = build_documents(analytics_db, source)
    # "</" escaped so that no description can close the page's script early.
    data = {
        "manifest": json.dumps(manifest).replace("</", "<\\/"),
        "catalog": json.dumps(catalog).replace("</", "<\\/"),
    }
    restricted = _restricted_names(source, _published_ids(source), tables)
    found = sorted(
        name
        for name in restricted
        if any(re.search(rf"\b{re.escape(name)}\b", text) for text in data.values())
    )
    if found:
        raise RestrictedNameFound(
            f"the catalogue would name restricted tables ({', '.join(found)}): reword the "
            "descriptions of the published tables that mention them"
        )
    page = Path(DOCS_INDEX_FILE_PATH).read_text(encoding="utf-8")
    if MANIFEST_SLOT not in page or CATALOG_SLOT not in page:
        raise RuntimeError(f"{DOCS_INDEX_FILE_PATH} has no slot for inline data (dbt changed?)")
    # As `dbt docs generate --static` does.
    page = page.replace(MANIFEST_SLOT, data["manifest"]).replace(CATALOG_SLOT, data["catalog"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    rows = {name: table["rows"] for name, table in tables.items()}
    return Catalogue(path=out, tables=rows, size_bytes=out.stat().st_size)
