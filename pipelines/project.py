"""The dbt project and how dbt is called, alone in this module so the manifest can be prepared
before the assets import it."""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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


# dbt's parse of the project, saved per warehouse (see reused_parse).
PARSE_STATE_DIR = DBT_PROJECT_DIR / "target" / "parse_state"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
# An invocation's target folder (its manifest, run results and log, some 10 MB) is kept this
# long for reading after a run, then removed by a later invocation of the same step; a
# warehouse's saved parse (2 MB) unused for as long is removed too.
KEEP_TARGET_SECONDS = 7 * 24 * 3600


@contextmanager
def reused_parse(restricted_db: Path, step: str) -> Iterator[Path]:
    """A fresh target folder for one dbt invocation, holding dbt's last parse of the project
    for this warehouse; the invocation's own parse is kept for the next one.

    dbt parses only the files that changed since its saved parse (partial parsing), unless the
    profile differs from the one the parse was saved with, and the profile names the
    warehouse's path. dagster-dbt offers every invocation the parse in dbt_project/target,
    saved for the default warehouse: any other warehouse (a bench, a test, a second
    deployment) paid a full parse, about 3 seconds, in every dbt step. Parses are therefore
    kept by warehouse path; dbt itself still checks each one against the files.
    """
    target = DBT_PROJECT_DIR / "target" / f"{step}-{uuid.uuid4().hex[:12]}"
    target.mkdir(parents=True)
    saved = (
        PARSE_STATE_DIR / f"{hashlib.sha256(str(restricted_db).encode()).hexdigest()[:16]}.msgpack"
    )
    if saved.exists():
        shutil.copyfile(saved, target / PARTIAL_PARSE_FILE)
    yield target
    fresh = target / PARTIAL_PARSE_FILE
    if fresh.exists():
        PARSE_STATE_DIR.mkdir(parents=True, exist_ok=True)
        # copied beside and renamed into place: a concurrent run reads a whole file or none
        copy = saved.with_name(f"{saved.name}.{target.name}")
        shutil.copyfile(fresh, copy)
        os.replace(copy, saved)
    # this step's old invocation folders, and the parses of warehouses not used for as long
    for old in [*target.parent.glob(f"{step}-*"), *PARSE_STATE_DIR.glob("*.msgpack")]:
        if time.time() - old.stat().st_mtime <= KEEP_TARGET_SECONDS:
            continue
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def _newest_source_mtime(project_dir: Path) -> float:
    files = [project_dir / "dbt_project.yml", *project_dir.parent.glob("schemas/codelists/*.csv")]
    for folder in ("models", "macros", "seeds", "tests", "snapshots"):
        files.extend((project_dir / folder).rglob("*"))
    return max((f.stat().st_mtime for f in files if f.is_file()), default=0.0)


def _manifest_is_current(manifest: Path) -> bool:
    return manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime(DBT_PROJECT_DIR)


def prepare_manifest(force: bool = False) -> Path:
    """Parse the dbt project when its manifest is missing or older than any model or seed.

    The command line, the tests and CI call this first; under `dagster dev` this module does.
    Processes that start together after a model changed (test workers, a run beside the UI)
    parse one at a time: the others wait on a lock and then find the manifest current. Each
    parse writes to a folder of its own and the manifest is renamed into place, so no reader
    ever sees half a manifest (dbt writes it in pieces; one left so broke every import).
    """
    manifest = send_dbt_project.manifest_path
    if not force and _manifest_is_current(manifest):
        return manifest
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with open(manifest.parent / ".manifest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if force or not _manifest_is_current(manifest):
            own = manifest.parent / f"parse-{uuid.uuid4().hex[:12]}"
            own.mkdir()
            try:
                # dbt parses only what changed since the last parse, kept beside the manifest
                last = manifest.parent / PARTIAL_PARSE_FILE
                if last.exists():
                    shutil.copyfile(last, own / PARTIAL_PARSE_FILE)
                # parsing renders the profile, which names the warehouse (it does not open it)
                with dbt_environment(get_settings()):
                    dbt = SendDbtCli(project_dir=send_dbt_project)
                    dbt.cli(["parse", "--quiet"], target_path=own).wait()
                if (own / PARTIAL_PARSE_FILE).exists():
                    os.replace(own / PARTIAL_PARSE_FILE, last)
                os.replace(own / manifest.name, manifest)
            finally:
                shutil.rmtree(own, ignore_errors=True)
    return manifest


# `dagster dev` (make ui) reloads the definitions after a model changes: parse it first.
if os.environ.get("DAGSTER_IS_DEV_CLI"):
    prepare_manifest()
