"""The command line's step lines: one status per step, from a real Dagster run."""

from __future__ import annotations

import io

import dagster as dg

from pipelines.progress import StepProgressHandler, step_progress_logger


@dg.asset
def extract() -> int:
    return 1


@dg.asset_check(asset=extract, blocking=False)
def extract_recency() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN)


@dg.asset_check(asset=extract)
def extract_rows() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def _run(monkeypatch) -> list[str]:
    stream = io.StringIO()
    original = StepProgressHandler.__init__
    monkeypatch.setattr(
        StepProgressHandler, "__init__", lambda self, _=None: original(self, stream)
    )
    defs = dg.Definitions(
        assets=[extract],
        asset_checks=[extract_recency, extract_rows],
        jobs=[dg.define_asset_job("everything")],
        loggers={"progress": step_progress_logger},
    )
    result = defs.resolve_job_def("everything").execute_in_process(
        run_config={"loggers": {"progress": {}}}, raise_on_error=False
    )
    assert result.success
    return [line for line in stream.getvalue().splitlines() if line.strip()]


def test_a_check_that_did_not_pass_is_never_shown_with_a_tick(monkeypatch):
    lines = _run(monkeypatch)
    told = [line for line in lines if "extract_recency" in line]
    assert len(told) == 1, lines  # one line, one status
    assert told[0].lstrip().startswith("!") and "did not pass (warn)" in told[0]
    assert not [line for line in lines if "✓" in line and "extract_recency" in line]


def test_a_step_whose_checks_pass_gets_its_tick(monkeypatch):
    lines = _run(monkeypatch)
    assert [line for line in lines if line.lstrip().startswith("✓")], lines
