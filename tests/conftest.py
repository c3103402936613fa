"""Shared fixtures: the day the tests run on, a temporary database per test and the real-world files beside the
checkout."""

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from analytics import clock

REPO = Path(__file__).resolve().parent.parent
REALWORLD = REPO.parent / "shared" / "realworld"
TODAY = date(2026, 11, 24)  # the day the sample council was designed for: its latest complete month is October 2026


@pytest.fixture(scope="session", autouse=True)
def pinned_clock():
    """Every test, and every process a test starts (the dashboard's server, the command line), runs on TODAY
    whatever the machine's date: the clock starts at noon that day and runs on (analytics.clock)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(clock.CLOCK_ENV, TODAY.isoformat())
        yield TODAY


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


@pytest.fixture
def held_database(db_path):
    """The database file held open by another process, as the running dashboard holds it."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import time
            from analytics import store
            con = store.connect({str(db_path)!r})
            print("ready", flush=True)
            time.sleep(60)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield db_path
    finally:
        holder.kill()
        holder.wait()
