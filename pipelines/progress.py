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
        line = f"  {_SYMBOLS[kind]} {step:<40} {elapsed:6.1f}s"
        if kind == "STEP_FAILURE" and event.step_failure_data and event.step_failure_data.error:
            line += f"  {event.step_failure_data.error.message.strip().splitlines()[-1][:160]}"
        print(line, file=self.stream, flush=True)
        if self.warned.get(step):
            print(
                f"    {self.warned.pop(step)} dbt test(s) warned (records left without a parent "
                "by quarantine, typically): see the Dagster UI",
                file=self.stream,
                flush=True,
            )

    def _check(self, step: str | None, evaluation) -> None:
        """A check that did not pass gets a line of its own (a passing one is its step's ✓);
        dbt tests that only warn are counted and reported once, when their step ends."""
        if evaluation is None or evaluation.passed:
            return
        severity = getattr(evaluation.severity, "value", str(evaluation.severity)).lower()
        if severity == "warn" and evaluation.check_name.startswith(DBT_TEST_PREFIXES):
            self.warned[step] = self.warned.get(step, 0) + 1
            return
        key = "/".join(evaluation.asset_key.path)
        print(
            f"  ! {key} {evaluation.check_name}: did not pass ({severity})",
            file=self.stream,
            flush=True,
        )


@dg.logger(description="One line per finished step, for the send-pipeline command")
def step_progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("send_pipeline_progress", level=logging.DEBUG)
    logger.addHandler(StepProgressHandler())
    return logger
