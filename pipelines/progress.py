"""A Dagster logger that turns step events into one readable line each, for the command line."""

from __future__ import annotations

import logging
import sys
import time

import dagster as dg

DBT_TEST_PREFIXES = ("relationships_", "not_null_", "unique_", "accepted_values_", "dbt_")
_SYMBOLS = {"STEP_START": "…", "STEP_SUCCESS": "✓", "STEP_FAILURE": "✗", "STEP_SKIPPED": "-"}


class StepProgressHandler(logging.Handler):
    def __init__(self, stream=None):
        super().__init__(level=logging.DEBUG)
        self.stream = stream or sys.__stderr__  # stdout may be redirected to the run log
        self.started: dict[str, float] = {}
        self.warned: dict[str | None, int] = {}
        self.not_passed: dict[str | None, list[str]] = {}  # checks that did not pass, by step

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            return
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            self._check(event.step_key, event.event_specific_data)
            return
        if event.event_type_value not in _SYMBOLS:
            return
        step = event.step_key or "?"
        kind = event.event_type_value
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
            return
        elapsed = time.monotonic() - self.started.get(step, time.monotonic())
        # One status per step: a step that ran but whose checks did not all pass is "!", with
        # the checks named on the same line (never a ✓ for a check that did not pass).
        reasons = self.not_passed.pop(step, [])
        symbol = "!" if kind == "STEP_SUCCESS" and reasons else _SYMBOLS[kind]
        line = f"  {symbol} {step:<40} {elapsed:6.1f}s"
        if kind == "STEP_FAILURE" and event.step_failure_data and event.step_failure_data.error:
            line += f"  {event.step_failure_data.error.message.strip().splitlines()[-1][:160]}"
        if reasons:
            line += "  " + "; ".join(reasons)
        print(line, file=self.stream, flush=True)
        if self.warned.get(step):
            print(
                f"    {self.warned.pop(step)} dbt test(s) warned (records left without a parent "
                "by quarantine, typically): see the Dagster UI",
                file=self.stream,
                flush=True,
            )

    def _check(self, step: str | None, evaluation) -> None:
        """A check that did not pass is told on its step's line, when the step ends; dbt tests
        that only warn are counted and reported once, when their step ends."""
        if evaluation is None or evaluation.passed:
            return
        severity = getattr(evaluation.severity, "value", str(evaluation.severity)).lower()
        if severity == "warn" and evaluation.check_name.startswith(DBT_TEST_PREFIXES):
            self.warned[step] = self.warned.get(step, 0) + 1
            return
        key = "/".join(evaluation.asset_key.path)
        reason = f"{key} {evaluation.check_name}: did not pass ({severity})"
        if step is None:
            print(f"  ! {reason}", file=self.stream, flush=True)
        else:
            self.not_passed.setdefault(step, []).append(reason)


@dg.logger(description="One line per finished step, for the send-pipeline command")
def step_progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("send_pipeline_progress", level=logging.DEBUG)
    logger.addHandler(StepProgressHandler())
    return logger
