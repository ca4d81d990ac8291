"""`link_file`: the engine over files (CSV or Parquet in, CSV or Parquet out)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.linkage.config import LinkageConfig, load_config
from pipelines.linkage.engine import DEFAULT_SCHEMA, LinkResult, exists, link
from pipelines.privacy.storage import open_database

READERS = {
    ".csv": "read_csv({path}, header = true, all_varchar = true)",
    ".parquet": "read_parquet({path})",
}
WRITERS = {".csv": "(format csv, header true)", ".parquet": "(format parquet)"}
# DuckDB's memory for a run; beyond it, joins and sorts spill to disk. At a million records the
# run then peaks at about 1.45 GB instead of about 2 GB, for a few per cent of its time.
DEFAULT_MEMORY_LIMIT = "1GB"


@dataclass
class LinkReport:
    """A file run: counts, and how keys moved against the previous output."""

    records: int
    children: int
    links: int
    review_pairs: int
    proposed_merges: int  # of those, links that would merge two known children
    merges: int
    splits: int
    new_keys: int
    changed_keys: int  # records present before whose child key is now different
    against_previous: bool  # whether keys were carried over from an earlier output or state
    result: LinkResult

    def summary(self) -> dict:
        """What `--report` writes: the run's own accuracy estimate and its counts."""
        result = self.result
        return {
            **{k: round(v, 6) if isinstance(v, float) else v for k, v in result.quality.items()},
            "records": self.records,
            "children": self.children,
            "candidate_pairs": result.candidate_pairs,
            "candidate_pairs_by_pass": result.pass_pairs,
            "oversized_blocks_by_pass": {
                name: lost for name, lost in result.oversized.items() if lost["oversized_keys"]
            },
            "links": self.links,
            "review_queue_pairs": self.review_pairs,
            "proposed_merges": self.proposed_merges,
            "merges": self.merges,
            "splits": self.splits,
            "new_keys": self.new_keys,
            "changed_keys": self.changed_keys,
            "mode": result.mode,
            "parameters_estimated": result.parameters_estimated,
            "seconds_by_stage": result.timings,
        }


def _suffix(path: Path, allowed: dict[str, str]) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise ValueError(f"{path}: expected one of {sorted(allowed)}")
    return suffix


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _read(path: Path) -> str:
    return READERS[_suffix(path, READERS)].format(path=_quoted(path))


def link_file(
    input_path: Path | str,
    output_path: Path | str,
    *,
    key: bytes,
    evidence_path: Path | str | None = None,
    previous_path: Path | str | None = None,
    decisions_path: Path | str | None = None,
    state_path: Path | str | None = None,
    report_path: Path | str | None = None,
    config: LinkageConfig | None = None,
    memory_limit: str | None = DEFAULT_MEMORY_LIMIT,
) -> LinkReport:
    """Link the person records in INPUT and write `record_id, child_key` to OUTPUT.

    previous_path: an earlier OUTPUT whose keys are kept (merges and splits are reported);
    decisions_path: clerical decisions (record_id_l, record_id_r, decision[, decided_at]);
    evidence_path: where to write the evidence of every linked or borderline pair;
    state_path: a DuckDB file keeping the engine's state between runs (prepared records, scored
        pairs, model, crosswalk, key history). If it holds an earlier run, this run links
        incrementally against it, exactly as the pipeline does with a new delivery: the model is
        reused and only new or changed records are scored. The state holds identifiable data.
        A failed run leaves it as it was.
    report_path: where to write the run's report as JSON (`LinkReport.summary`): its own
        estimate of pairwise precision and recall, candidate pairs, links, review queue.
    memory_limit: DuckDB's memory limit for the run (e.g. "1GB"; None: DuckDB's default, 80%
        of the machine). What does not fit spills to a temporary directory beside the state,
        or, without a state, to a private one removed when the run ends: spilled pages hold
        identifiable data.
    """
    input_path, output_path = Path(input_path), Path(output_path)
    out_format = WRITERS[_suffix(output_path, WRITERS)]
    config = config or load_config()
    spill = None
    if state_path is None:
        # DuckDB would otherwise spill an in-memory database into ./.tmp
        spill = tempfile.TemporaryDirectory(prefix="linkage-spill-")
        limit = {"memory_limit": memory_limit} if memory_limit is not None else {}
        con = duckdb.connect(config={"temp_directory": spill.name, **limit})
    else:
        # The run works on a copy of the state, which replaces it only when the run succeeds.
        state_path = Path(state_path)
        working = state_path.with_name(state_path.name + ".running")
        working.unlink(missing_ok=True)
        if state_path.exists():
            shutil.copyfile(state_path, working)
        con = open_database(working, memory_limit=memory_limit)
    succeeded = False
    try:
        con.execute(f"create temp view _lk_file_input as select * from {_read(input_path)}")
        previous = None
        if previous_path is not None:
            con.execute(
                f"create temp table _lk_file_previous as select * from {_read(Path(previous_path))}"
            )
            previous = "_lk_file_previous"
        previous_state = None
        if state_path is not None and exists(con, DEFAULT_SCHEMA, "crosswalk", kind="table"):
            previous_state = DEFAULT_SCHEMA
            if previous is None:  # report key changes against the state's own crosswalk
                con.execute(
                    f"create temp table _lk_file_previous as select record_id, child_key "
                    f"from {previous_state}.crosswalk"
                )
                previous = "_lk_file_previous"
        decisions = None
        if decisions_path is not None:
            source = _read(Path(decisions_path))
            con.execute(f"create temp view _lk_file_decisions as select * from {source}")
            decisions = "_lk_file_decisions"
        result = link(
            con,
            "_lk_file_input",
            key=key,
            previous_crosswalk=None if previous_state else previous,
            previous_state=previous_state,
            decisions=decisions,
            config=config,
        )
        crosswalk = result.table("crosswalk")
        con.execute(
            f"copy (select record_id, child_key from {crosswalk} order by record_id) "
            f"to {_quoted(output_path)} {out_format}"
        )
        if evidence_path is not None:
            evidence_path = Path(evidence_path)
            con.execute(
                f"copy (select * exclude (blocking_passes), "
                f"array_to_string(blocking_passes, ' ') as blocking_passes "
                f"from {result.table('evidence')}) "
                f"to {_quoted(evidence_path)} {WRITERS[_suffix(evidence_path, WRITERS)]}"
            )
        changed = 0
        if previous is not None:
            changed = con.execute(
                f"""select count(*) from {crosswalk} c
                join {previous} p on cast(p.record_id as varchar) = c.record_id
                where cast(p.child_key as varchar) <> c.child_key"""
            ).fetchall()[0][0]
        report = LinkReport(
            records=result.records,
            children=result.children,
            links=result.links,
            review_pairs=result.review_pairs,
            proposed_merges=result.proposed_merges,
            merges=result.merges,
            splits=result.splits,
            new_keys=result.new_keys,
            changed_keys=changed,
            against_previous=previous is not None,
            result=result,
        )
        if report_path is not None:
            Path(report_path).write_text(json.dumps(report.summary(), indent=2) + "\n")
        succeeded = True
        return report
    finally:
        con.close()
        if spill is not None:
            spill.cleanup()
        if state_path is not None:
            if succeeded:
                os.replace(working, state_path)
            else:
                working.unlink(missing_ok=True)
