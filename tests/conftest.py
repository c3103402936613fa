"""Shared fixtures: a temporary database per test and the real-world files beside the checkout."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REALWORLD = REPO.parent / "shared" / "realworld"


@pytest.fixture
def realworld() -> Path:
    assert REALWORLD.is_dir(), f"expected ../shared/realworld beside the checkout at {REALWORLD}"
    return REALWORLD


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def con(db_path):
    from analytics import store

    connection = store.connect(db_path)
    yield connection
    connection.close()
