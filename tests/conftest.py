"""Shared fixtures: the day the tests run on, a temporary database per test and the real-world files beside the
checkout."""

import secrets
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher

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


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing():
    """Passwords hashed and checked with argon2 at its lightest in this process: at the product's strength each
    takes over a tenth of a second, and the tests hash hundreds. The tests count the checks, never their cost; the
    dashboard's server that the browser tests start is another process, at full strength."""
    from analytics.governance import accounts

    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_HASHER", quick)
        patch.setattr(accounts, "_NO_SUCH_ACCOUNT", quick.hash(secrets.token_urlsafe(16)))
        yield


@pytest.fixture
def realworld() -> Path:
    assert REALWORLD.is_dir(), f"expected ../shared/realworld beside the checkout at {REALWORLD}"
    return REALWORLD


@pytest.fixture
def db_path(tmp_path) -> Path:
    """Where the test's database goes; no file there yet, for the tests of creating one."""
    return tmp_path / "test.duckdb"


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """An empty database at the current schema, made once: a test's database starts as a copy of it, since copying
    the file takes a millisecond and running every migration tens. Every copy has the same secret (analytics.keyed);
    a test of two databases' secrets makes its own with store.connect."""
    from analytics import store

    path = tmp_path_factory.mktemp("migrated") / "migrated.duckdb"
    store.connect(path).close()
    return path


@pytest.fixture
def migrated(migrated_database, db_path) -> Path:
    """The test's database as an empty one at the current schema, already created (`migrated_database`)."""
    shutil.copy(migrated_database, db_path)
    return db_path


@pytest.fixture(scope="session")
def built_databases(migrated_database, tmp_path_factory):
    """The database a builder function makes from an empty one, built once a session: `built_by` copies it."""
    from analytics import store

    built = {}

    def database_built_by(build) -> Path:
        if build not in built:
            path = tmp_path_factory.mktemp(build.__name__) / "built.duckdb"
            shutil.copy(migrated_database, path)
            connection = store.connect(path)
            build(connection)
            connection.close()
            built[build] = path
        return built[build]

    return database_built_by


@pytest.fixture
def built_by(built_databases, tmp_path):
    """A connection to the test's own copy of what a builder function makes (`built_databases`): the council a
    module's tests share is built once, yet each test may write to its copy."""
    from analytics import store

    connections = []

    def connect(build):
        path = tmp_path / f"{build.__name__}.duckdb"
        shutil.copy(built_databases(build), path)
        connections.append(store.connect(path))
        return connections[-1]

    yield connect
    for connection in connections:
        connection.close()


@pytest.fixture
def con(migrated):
    from analytics import store

    connection = store.connect(migrated)
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
