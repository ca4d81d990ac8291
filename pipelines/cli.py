"""`send-pipeline`: the command-line door to the same engine the Dagster UI and the tests drive."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(
    help="Joint SEND commissioning pipeline: Nottingham City, Nottinghamshire County and the ICB.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, soft_wrap=True)  # a failure reason stays on one line


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=1)


# The repo-local Dagster instance's settings: no telemetry, one run at a time, the run history's
# storage (the same file `make` copies)
DAGSTER_YAML = Path(__file__).with_name("dagster.yaml")


def _use_dagster_home() -> None:
    """A repo-local Dagster instance (gitignored), so command-line runs show in the UI too."""
    from pipelines.config import REPO_ROOT

    home = Path(os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(DAGSTER_YAML, config)


@app.command()
def generate(
    children: int = typer.Option(35_000, min=100, help="Number of distinct children to simulate."),
    seed: int = typer.Option(42, help="Random seed: the same seed gives byte-identical files."),
    out: Path = typer.Option(
        Path("data"), help="Writes OUT/landing/{city,county,icb} and OUT/truth."
    ),
    as_at: str = typer.Option("2025-01-16", help="Extract date (ISO) the synthetic data is as at."),
    world_end: str | None = typer.Option(
        None,
        help="Build the world to this date (ISO, default --as-at) and show it as at --as-at: "
        "the same seed and --world-end with a later --as-at continue the same children.",
    ),
    deliveries: int = typer.Option(
        1, min=1, help="Write this many monthly deliveries ending at --as-at, each with its truth."
    ),
    if_missing: bool = typer.Option(
        False, "--if-missing", help="Do nothing when OUT/landing already holds extracts."
    ),
    sen2_version: str = typer.Option(
        "1.3",
        help="SEN2 spec version of the city's Blade export (1.1, 1.2 or 1.3): older councils' "
        "software writes gendercurrent for sex, attendancepattern, no requestsource.",
    ),
) -> None:
    """Write synthetic city, county and ICB extracts, and their truth, for demos and tests."""
    dates = {}
    for option, text in (("--as-at", as_at), ("--world-end", world_end)):
        try:
            dates[option] = date.fromisoformat(text) if text is not None else None
        except ValueError:
            _fail(f"{option} {text!r} is not an ISO date (YYYY-MM-DD)")
    as_at_date, end_date = dates["--as-at"], dates["--world-end"]
    from schemas.sen2_versions import VERSIONS

    if sen2_version not in VERSIONS:
        _fail(f"--sen2-version {sen2_version!r} is not one of {', '.join(VERSIONS)}")
    if end_date is not None and end_date < as_at_date:
        _fail(f"--world-end {world_end} is before --as-at {as_at}")
    landing = out / "landing"
    if if_missing and landing.is_dir() and any(p.is_file() for p in landing.rglob("*")):
        console.print(f"extracts already present in {landing}; nothing generated")
        return

    from pipelines.synthetic import generate as run_generator

    started = time.monotonic()
    with console.status("generating…") as status:
        summary = run_generator(
            children=children,
            seed=seed,
            out=out,
            as_at=as_at_date,
            progress=lambda message: status.update(message),
            world_end=end_date,
            deliveries=deliveries,
            sen2_version=sen2_version,
        )
    console.print(
        f"generated {children:,} children into {out} in {time.monotonic() - started:.1f}s"
    )
    console.print(summary)


def _warehouse(landing: Path | None = None, warehouse: Path | None = None):
    """The Dagster resource every asset and sensor reads its folders from, as this command was
    given them (the environment's, or the repository's defaults, otherwise)."""
    from pipelines.resources import WarehouseResource

    return WarehouseResource(
        landing_dir=str(landing.resolve()) if landing else "",
        warehouse_dir=str(warehouse.resolve()) if warehouse else "",
    )


def _key_for(key_file: Path, database: Path | None, keys_in: Path | None = None) -> None:
    """The pseudonymisation key is there (from the environment or the key file) and is the one
    `database` (a warehouse or linkage state) was keyed with; a new demo key only where nothing
    was keyed yet. So is the storage key `database` is encrypted with. Refused with a one-line
    reason otherwise."""
    from pipelines.privacy.pseudonymise import (
        PseudonymisationKeyError,
        check_key,
        ensure_demo_key,
        keyed,
        load_key,
    )
    from pipelines.privacy.storage import StorageKeyError, key_for, open_database

    try:
        if database is None or not database.exists():
            if database is not None:
                key_for(database)  # a demo storage key, for a database not made yet
            ensure_demo_key(key_file, keyed=keys_in)
            return
        with open_database(database, read_only=True) as con:
            ensure_demo_key(key_file, keyed=database if keyed(con) else keys_in)
            check_key(con, load_key(key_file))
    except (PseudonymisationKeyError, StorageKeyError) as error:
        _fail(str(error))


def _say_deliveries(settings) -> None:
    """One line per source on its newest delivery, and every landing file no table will load."""
    from datetime import date

    from rich.markup import escape

    from pipelines.ingest.deliveries import deliveries

    today = date.today()
    for found in deliveries(settings.landing_dir).values():
        line = escape(found.summary(today, settings.delivery_overdue_days))
        fine = found.complete and not found.overdue(today, settings.delivery_overdue_days)
        console.print(line if fine else f"[yellow]{line}[/]", highlight=False)
        for file in found.unrecognised:
            note = escape(file.describe())
            console.print(f"[bold yellow]unrecognised file[/] {note}", highlight=False)


@app.command()
def run(
    landing: Path | None = typer.Option(None, help="Landing folder (default data/landing)."),
    warehouse: Path | None = typer.Option(None, help="Warehouse folder (default data/warehouse)."),
    source: list[str] | None = typer.Option(
        None,
        "--source",
        help="Only this source (city, county or icb; may be repeated) and what depends on it.",
    ),
    full: bool = typer.Option(
        False, "--full", help="Rebuild everything, not only what is stale or missing."
    ),
) -> None:
    """Refresh the warehouse: load new extracts, then rebuild only what they (or a code change)
    made stale, with every dbt test and check on the way; a run with nothing new does nothing."""
    _use_dagster_home()

    from pipelines.ingest.assets import SOURCES

    unknown = sorted(set(source or ()) - set(SOURCES))
    if unknown:
        _fail(f"--source {', '.join(unknown)}: unknown (the sources are {', '.join(SOURCES)})")
    resource = _warehouse(landing, warehouse)
    settings = resource.settings()
    # the same folders for every asset of the run, as run configuration of the resource
    folders = {"warehouse": {"config": resource.model_dump()}}
    if not settings.landing_dir.is_dir():
        _fail(
            f"landing folder {settings.landing_dir} does not exist (run `send-pipeline generate`)"
        )
    _key_for(settings.key_file, settings.restricted_db)

    from pipelines.lock import WarehouseBusy, warehouse_lock

    with contextlib.ExitStack() as held:
        try:
            held.enter_context(warehouse_lock(settings.warehouse_dir))
        except WarehouseBusy as busy:
            _fail(str(busy))
        except OSError as error:  # a read-only folder or file system
            _fail(f"cannot write to the warehouse {settings.warehouse_dir}: {error.strerror}")
        _refresh(settings, folders, source, full)


def _refresh(settings, folders: dict, source: list[str] | None, full: bool) -> None:
    """`run` once it holds the warehouse."""
    from pipelines.project import prepare_manifest

    with console.status("preparing the dbt manifest…"):
        prepare_manifest()

    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.refresh import execute_refresh, observe_landing, plan_refresh

    instance = dg.DagsterInstance.get()
    started = time.monotonic()
    # dbt writes its own log lines to stdout: keep them in a file, one progress line per step here.
    log_path = settings.warehouse_dir / "logs" / "last_run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log, contextlib.redirect_stdout(log):
        # quietly: what the observation found is said below, one line per source
        quiet = {"console": {"config": {"log_level": "ERROR"}}}
        observe_landing(defs, instance, run_config={"loggers": quiet, "resources": folders})
        plan = plan_refresh(defs, instance, settings, sources=source, full=full)
    _say_deliveries(settings)
    scope = f" ({', '.join(source)} only)" if source else ""
    if plan.nothing_to_do:
        console.print(
            f"[green]nothing to refresh{scope}[/]: no new extract and no changed model; all "
            f"{len(plan.scope)} assets are up to date ({time.monotonic() - started:.1f}s)"
        )
        return
    console.print(
        f"refreshing {len(plan.stale)} of {len(plan.scope)} assets{scope} ({plan.reason}) "
        f"from {settings.landing_dir} → {settings.warehouse_dir}"
    )
    with log_path.open("a") as log, contextlib.redirect_stdout(log):
        result = execute_refresh(  # full logs are in the Dagster UI
            defs, instance, plan, run_config={"loggers": {"progress": {}}, "resources": folders}
        )
    elapsed = time.monotonic() - started
    if not result.success:
        failures = [
            f"{event.step_key}: {event.step_failure_data.error.message.strip().splitlines()[-1]}"
            for event in result.get_step_failure_events()
            if event.step_failure_data and event.step_failure_data.error
        ]
        _fail(
            f"run {result.run_id} failed after {elapsed:.0f}s; "
            + " | ".join(failures)
            + f" (dbt log: {log_path})"
        )
    console.print(f"[green]pipeline finished in {elapsed:.0f}s[/] (run {result.run_id})")
    reports = sorted(settings.reports_dir.glob("send_partnership_report_*.html"))
    if reports:
        console.print(f"report for strategy leads: {reports[-1]}")


@app.command()
def encrypt(
    warehouse: Path | None = typer.Option(None, help="Warehouse folder (default data/warehouse)."),
    database: Path | None = typer.Option(
        None, help="Another restricted-zone database instead (a linkage state file)."
    ),
    old_key_file: Path | None = typer.Option(
        None, help="The key it is encrypted with now (rotation); none: it is not encrypted yet."
    ),
) -> None:
    """Encrypt the restricted warehouse with the storage key (SEND_STORAGE_KEY or its key file):
    a warehouse made before the restricted zone was encrypted, or, with --old-key-file, one
    encrypted with a key being retired (rotation, docs/privacy.md). The database is replaced
    only once its encrypted copy is complete."""
    import duckdb

    from pipelines.privacy.storage import (
        StorageKeyError,
        key_for,
        open_database,
        replace_encrypted,
    )

    target = database or _warehouse(warehouse=warehouse).settings().restricted_db
    if not target.exists():
        _fail(f"{target} does not exist")
    if old_key_file is not None and not old_key_file.is_file():
        _fail(f"the old key file {old_key_file} does not exist")
    try:
        old = old_key_file.read_text().strip() if old_key_file is not None else None
        new = key_for()  # a demo key if none
        if new == old:
            _fail("the storage key is the old key: point SEND_STORAGE_KEY_FILE at the new key")
        replace_encrypted(target, new, source_key=old)
        with open_database(target, read_only=True) as con:
            tables = con.execute(
                "select count(*) from duckdb_tables() where database_name = 'restricted'"
            ).fetchall()[0][0]
    except StorageKeyError as error:
        _fail(str(error))
    except duckdb.Error as error:
        _fail(f"{target}: {str(error).splitlines()[0]}")
    console.print(f"[green]encrypted[/] {target} with the storage key ({tables} tables)")


@app.command()
def accept(
    extract: Path = typer.Argument(..., help="The landing file held back for its volume."),
    warehouse: Path | None = typer.Option(None, help="Warehouse folder (default data/warehouse)."),
    by: str = typer.Option(os.environ.get("USER", ""), help="Who accepts it (for the audit)."),
) -> None:
    """Accept an extract the load held back (its row count far from the last delivery's, or its
    last line cut off): the next run loads it. Check the file with its supplier first."""
    from pipelines.ingest.load import accept_extract

    if not extract.is_file():
        _fail(f"{extract} is not a file")
    settings = _warehouse(warehouse=warehouse).settings()
    if not settings.restricted_db.exists():
        _fail(f"{settings.restricted_db} does not exist: nothing has been loaded yet")
    sha = accept_extract(extract.resolve(), settings.restricted_db, by=by or None)
    console.print(
        f"[green]accepted[/] {extract.name} (sha256 {sha[:12]}…): the next `send-pipeline run` "
        "loads it"
    )


@app.command()
def report(
    warehouse: Path | None = typer.Option(None, help="Warehouse folder (default data/warehouse)."),
    out: Path | None = typer.Option(None, help="Where to write the report (default data/reports)."),
) -> None:
    """Build the disclosure-controlled report (HTML and workbook) from an existing warehouse."""
    from pipelines.reports.build import build_files

    started = time.monotonic()
    try:
        settings = _warehouse(warehouse=warehouse).settings()
        files = build_files(settings, out_dir=out.resolve() if out else None)
    except FileNotFoundError as error:
        _fail(str(error))
    console.print(
        f"report as at {files.report.as_at:%-d %B %Y} written in {time.monotonic() - started:.1f}s:"
        f" {files.html} and {files.workbook}"
    )


@app.command()
def sql(
    command: str | None = typer.Option(
        None, "-c", "--command", help="Statements to run (separated by ;) instead of a prompt."
    ),
    warehouse: Path | None = typer.Option(None, help="Warehouse folder (default data/warehouse)."),
) -> None:
    """Query the analysts' warehouse (read-only): statements end with ;, .tables lists the marts."""
    from pipelines.publish.sql_shell import shell

    try:
        shell(_warehouse(warehouse=warehouse).settings().analytics_db, command)
    except FileNotFoundError as error:
        _fail(str(error))


@app.command()
def docs(
    warehouse: Path | None = typer.Option(None, help="Warehouse folder (default data/warehouse)."),
    out: Path | None = typer.Option(
        None, help="Where to write it (default WAREHOUSE/docs/analysts_catalogue.html)."
    ),
) -> None:
    """Write the catalogue of the analysts' warehouse: one HTML page that opens offline."""
    from pipelines.project import prepare_manifest
    from pipelines.publish.catalogue_docs import (
        CATALOGUE_NAME,
        RestrictedNameFound,
        write_catalogue,
    )

    settings = _warehouse(warehouse=warehouse).settings()
    started = time.monotonic()
    try:
        catalogue = write_catalogue(
            settings.analytics_db,
            prepare_manifest(),
            out or settings.warehouse_dir / "docs" / CATALOGUE_NAME,
        )
    except (FileNotFoundError, RestrictedNameFound) as error:
        _fail(str(error))
    console.print(
        f"catalogue of {len(catalogue.tables)} published tables written in "
        f"{time.monotonic() - started:.1f}s ({catalogue.size_bytes / 1e6:.1f} MB):"
    )
    print(catalogue.path)


@app.command()
def link(
    input_path: Path = typer.Argument(
        ...,
        metavar="INPUT",
        help="CSV or Parquet person table: record_id, source, forename, "
        "surname, dob, sex, postcode, upn, nhs_number.",
        exists=True,
        dir_okay=False,
    ),
    out: Path = typer.Option(..., "--out", help="OUTPUT, CSV or Parquet: record_id, child_key."),
    evidence: Path | None = typer.Option(None, help="Also write the evidence of every pair."),
    previous: Path | None = typer.Option(
        None, help="An earlier OUTPUT: its records keep their keys unless merged or split."
    ),
    decisions: Path | None = typer.Option(
        None, help="Reviewers' decisions: record_id_l, record_id_r, decision (same|different)."
    ),
    state: Path | None = typer.Option(
        None,
        help="A DuckDB file keeping the engine's state between runs: when it holds an earlier "
        "run, link incrementally against it (the model is reused, only new records are "
        "scored). Holds identifiable data: encrypted with the storage key (SEND_STORAGE_KEY "
        "or its key file), kept in the restricted zone.",
        dir_okay=False,
    ),
    report: Path | None = typer.Option(
        None,
        help="Write a JSON report: the run's own estimate of its pairwise precision and recall "
        "(estimated_precision, estimated_recall, no truth needed), candidate pairs, links, "
        "review queue.",
        dir_okay=False,
    ),
    memory_limit: str | None = typer.Option(
        None,
        help="DuckDB's memory limit for the run (default 1GB; e.g. 4GB): what does not fit "
        "spills to disk. 'none': DuckDB's own default (80% of the machine).",
    ),
) -> None:
    """Resolve a person table into children with the pipeline's own linkage engine and key."""
    import duckdb

    from pipelines.config import get_settings
    from pipelines.linkage import link_file
    from pipelines.privacy.pseudonymise import load_key

    settings = get_settings()
    if state is not None and state.exists():
        _key_for(settings.key_file, state)
    else:  # an earlier output holds keys made with the key
        _key_for(settings.key_file, None, keys_in=previous)
    limit = {}
    if memory_limit is not None:
        limit["memory_limit"] = None if memory_limit.lower() == "none" else memory_limit
    started = time.monotonic()
    try:
        with console.status("linking…"):
            outcome = link_file(
                input_path,
                out,
                key=load_key(settings.key_file),
                evidence_path=evidence,
                previous_path=previous,
                decisions_path=decisions,
                state_path=state,
                report_path=report,
                **limit,
            )
    except (ValueError, duckdb.Error) as error:
        _fail(f"{input_path}: {error}")
    console.print(
        f"{outcome.records:,} records → {outcome.children:,} children in "
        f"{time.monotonic() - started:.1f}s; {outcome.review_pairs:,} pairs for review; "
        f"{out} written"
    )
    quality = outcome.result.quality
    if quality:
        console.print(
            f"estimated pairwise precision {quality['estimated_precision']:.4f}, "
            f"recall {quality['estimated_recall']:.4f} (the model's own estimate, no truth)"
            + (f"; {report} written" if report else "")
        )
    if outcome.against_previous:
        console.print(
            f"against {previous or state}: {outcome.merges} merges, {outcome.splits} splits, "
            f"{outcome.changed_keys} records whose key changed, {outcome.new_keys} new keys; "
            f"{outcome.proposed_merges} proposed merges of known children await review"
        )
