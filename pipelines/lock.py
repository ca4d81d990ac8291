"""One writer at a time on a warehouse: the lock a run holds while it loads and builds.

DuckDB lets one process write a database file at a time; two runs at once on one warehouse would
both fail part-way with DuckDB's lock errors and leave it half built. So a run takes this lock
first and a second run is refused at once, naming the run that holds it. The lock is the
operating system's (flock on `<warehouse>/.run.lock`): it is released when the holding process
ends, however it ends, so it never goes stale.

Every Dagster run that writes takes it (pipelines/resources.py), whether started from the UI, a
sensor or `send-pipeline run`; within one process it is re-entrant, so the command, which takes it
before it starts its run, does not refuse itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".run.lock"
_HELD: dict[Path, int] = {}  # locks this process holds, and how many times it took each


class WarehouseBusy(RuntimeError):
    """Another run holds the warehouse."""


@contextlib.contextmanager
def warehouse_lock(warehouse_dir: Path, what: str = "send-pipeline run") -> Iterator[Path]:
    """Hold the warehouse's run lock for the duration; WarehouseBusy when another run holds it."""
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    path = (warehouse_dir / LOCK_NAME).resolve()
    if path in _HELD:  # this process holds it already: the command's run inside the command
        _HELD[path] += 1
        try:
            yield path
        finally:
            _HELD[path] -= 1
        return
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = _holder(handle.read())
            raise WarehouseBusy(
                f"another run is using the warehouse {warehouse_dir}{holder}; this run was not "
                "started (wait for that one to finish, or see it in the Dagster UI)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "what": what, "since": time.time()}))
        handle.flush()
        _HELD[path] = 1
        try:
            yield path
        finally:
            del _HELD[path]
    finally:
        handle.close()  # releases the lock


def _holder(text: str) -> str:
    try:
        holder = json.loads(text)
    except ValueError:
        return ""
    since = time.strftime("%H:%M:%S", time.localtime(holder.get("since", 0)))
    return f" ({holder.get('what', 'a run')}, process {holder.get('pid')}, since {since})"
