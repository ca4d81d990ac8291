"""The dbt project, alone in this module so its manifest can be prepared before assets import it."""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.config import DBT_PROJECT_DIR, export_dbt_environment, get_settings

export_dbt_environment(get_settings())

send_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
send_dbt_project.prepare_if_dev()


def _newest_source_mtime(project_dir: Path) -> float:
    files = [project_dir / "dbt_project.yml", *project_dir.parent.glob("schemas/codelists/*.csv")]
    for folder in ("models", "macros", "seeds", "tests", "snapshots"):
        files.extend((project_dir / folder).rglob("*"))
    return max((f.stat().st_mtime for f in files if f.is_file()), default=0.0)


def prepare_manifest(force: bool = False) -> Path:
    """Parse the dbt project when its manifest is missing or older than any model or seed.

    `dagster dev` does this itself; the command line, the tests and CI call this first.
    """
    manifest = send_dbt_project.manifest_path
    if (
        force
        or not manifest.exists()
        or manifest.stat().st_mtime < _newest_source_mtime(DBT_PROJECT_DIR)
    ):
        send_dbt_project.preparer.prepare(send_dbt_project)
    return manifest
