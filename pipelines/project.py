"""The dbt project and how dbt is called, alone in this module so the manifest can be prepared
before the assets import it."""

from __future__ import annotations

import importlib.metadata
import os
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from pipelines.config import DBT_EXECUTABLE, DBT_PROJECT_DIR, dbt_environment, get_settings

send_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class SendDbtCli(DbtCliResource):
    """dagster-dbt's dbt resource, calling the dbt installed beside this interpreter by its path,
    without two start-up costs this project does not need, about 2 seconds of every run that
    builds a model: asking the dbt executable its version in a subprocess (its package version
    is the executable's), and opening a dbt adapter inside Dagster's process (it serves
    dagster-dbt's own row counts and column metadata; the row counts here are taken after dbt
    exits, transform/dbt_assets.py). Both override dagster-dbt 0.29 internals (pinned <0.30)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("dbt_executable", DBT_EXECUTABLE)
        super().__init__(**kwargs)

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 — dagster-dbt's signature
        return None


def _newest_source_mtime(project_dir: Path) -> float:
    files = [project_dir / "dbt_project.yml", *project_dir.parent.glob("schemas/codelists/*.csv")]
    for folder in ("models", "macros", "seeds", "tests", "snapshots"):
        files.extend((project_dir / folder).rglob("*"))
    return max((f.stat().st_mtime for f in files if f.is_file()), default=0.0)


def prepare_manifest(force: bool = False) -> Path:
    """Parse the dbt project when its manifest is missing or older than any model or seed.

    The command line, the tests and CI call this first; under `dagster dev` this module does.
    """
    manifest = send_dbt_project.manifest_path
    if (
        force
        or not manifest.exists()
        or manifest.stat().st_mtime < _newest_source_mtime(DBT_PROJECT_DIR)
    ):
        # parsing renders the profile, which names the warehouse (it does not open it)
        with dbt_environment(get_settings()):
            dbt = SendDbtCli(project_dir=send_dbt_project)
            dbt.cli(["parse", "--quiet"], target_path=send_dbt_project.target_path).wait()
    return manifest


# `dagster dev` (make ui) reloads the definitions after a model changes: parse it first.
if os.environ.get("DAGSTER_IS_DEV_CLI"):
    prepare_manifest()
