"""Code versions for the Dagster assets written in Python: a digest of the files they run.

Dagster marks an asset stale when its code version changes, so a refresh rebuilds what a code
change touched and nothing else. dbt models carry their own (the checksum of their SQL).
"""

from __future__ import annotations

import hashlib

from pipelines.config import REPO_ROOT

SOURCE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".csv", ".html", ".css", ".js", ".json"}


def source_digest(*paths: str) -> str:
    """sha256 (16 hex characters) over the source files under `paths` (relative to the
    repository), in a fixed order, names included."""
    digest = hashlib.sha256()
    for relative in paths:
        root = REPO_ROOT / relative
        files = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in files:
            if path.suffix not in SOURCE_SUFFIXES or "__pycache__" in path.parts:
                continue
            if path.is_file():
                digest.update(str(path.relative_to(REPO_ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
