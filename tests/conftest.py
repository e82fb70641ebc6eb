"""Shared fixtures: a database built from the bundled data once per test session."""
from __future__ import annotations

import shutil

import pytest

from monitor import db, seed


@pytest.fixture(scope="session")
def bundled_db_path(tmp_path_factory):
    """data/seed imported through the real loaders and writer, as `python -m monitor init` does."""
    path = tmp_path_factory.mktemp("bundled") / "monitor.duckdb"
    seed.build(path)
    return path


@pytest.fixture
def bundled_copy(bundled_db_path, tmp_path):
    """A private copy of the bundled database a test may write to."""
    path = tmp_path / "monitor.duckdb"
    shutil.copy(bundled_db_path, path)
    return path


@pytest.fixture
def bundled_con(bundled_copy):
    con = db.connect(bundled_copy)
    yield con
    con.close()
