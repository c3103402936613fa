"""Databases for the page tests: an empty one per test, or a copy of the sample council (loaded once)."""

import shutil
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

from analytics import store
from analytics.sample.demo import load_sample
from pages.pages_folder import start_app_tests_without_it
from pages.server import on_error


@pytest.fixture(autouse=True)
def served_navigation(monkeypatch):
    """Run every AppTest run as a served dashboard runs after its first visit: through app.py's st.navigation
    (pages/pages_folder.py says why AppTest would not)."""
    start_app_tests_without_it(monkeypatch)


@pytest.fixture
def served_errors(monkeypatch):
    """A page's error handled as the served dashboard handles it (app.py's `on_script_error`), which AppTest does
    not: a sentence and a reference on the page, the details in the log. Not for every test: a test that asserts
    `not app.exception` would then pass over a broken page."""
    start = ScriptRunner.__init__

    def start_with_error_handler(self, *args, **kwargs):
        start(self, *args, **kwargs)
        self._on_script_error = on_error

    monkeypatch.setattr(ScriptRunner, "__init__", start_with_error_handler)


@pytest.fixture
def database(migrated, monkeypatch) -> Path:
    """An empty database of the test's own, which the app under test opens."""
    monkeypatch.setenv(store.DB_ENV, str(migrated))
    return migrated


@pytest.fixture(scope="session")
def sample_database(tmp_path_factory) -> Path:
    """The sample council, loaded once; tests get a copy of it (`sample`)."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    con = store.connect(path)
    load_sample(con)
    con.close()
    return path


@pytest.fixture
def sample(sample_database, database) -> Path:
    """The sample council, copied into the test's own database: signing in and opening incidents write to it."""
    shutil.copy(sample_database, database)
    return database


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """What each deferred download button would hand out, by file name, as a callable that writes the file."""
    files = {}
    add_deferred = MediaFileManager.add_deferred

    def recording(self, data_callable, mimetype, coordinates, file_name=None, **options):
        files[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **options)

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return files
