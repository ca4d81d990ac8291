"""Shared fixtures: one small synthetic delivery per test session, generated once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipelines.cli import DAGSTER_YAML

SAMPLE_CHILDREN = 1_500
SAMPLE_SEED = 7


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Path:
    """A generated delivery: sample/landing/{city,county,icb} and sample/truth."""
    from pipelines.synthetic import generate

    out = tmp_path_factory.mktemp("sample")
    generate(children=SAMPLE_CHILDREN, seed=SAMPLE_SEED, out=out)
    return out


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory):
    """Tests never touch the repository's data/ or Dagster instance, and use their own key."""
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copyfile(DAGSTER_YAML, home / "dagster.yaml")  # the instance users run
    os.environ["DAGSTER_HOME"] = str(home)
    os.environ["SEND_PSEUDONYMISATION_KEY"] = "ab" * 32
    os.environ["SEND_STORAGE_KEY"] = "5e" * 32
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    os.environ.setdefault("SEND_WAREHOUSE_DIR", str(tmp_path_factory.mktemp("default_warehouse")))
    yield
