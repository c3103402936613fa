"""Databases for the page tests: an empty one per test, and the sample council shared by tests that only read it."""

from pathlib import Path

import pytest

from analytics import store
from analytics.demo import load_sample


@pytest.fixture
def database(db_path, monkeypatch) -> Path:
    """An empty database of the test's own, which the app under test opens."""
    monkeypatch.setenv(store.DB_ENV, str(db_path))
    return db_path


@pytest.fixture(scope="session")
def sample_database(tmp_path_factory) -> Path:
    """The sample council, loaded once; tests that change data must use `database` instead."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    con = store.connect(path)
    load_sample(con)
    con.close()
    return path


@pytest.fixture
def sample(sample_database, monkeypatch) -> Path:
    """The app under test opens the shared sample council."""
    monkeypatch.setenv(store.DB_ENV, str(sample_database))
    return sample_database
