"""The command line beside the running dashboard: while the server holds the database file, the read commands answer
from the copy it keeps (analytics/snapshot.py), as they would from the file itself. The browser only visits, so that
the server opens the database as it does for its first visitor."""

import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import expect

from analytics import snapshot
from tests.browser.conftest import WAIT as PAGE_WAIT
from tests.browser.conftest import serve
from tests.conftest import REPO

WAIT = 60  # seconds: a cold server on a busy machine makes its first copy within this, or the test fails


def command_line(database: Path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *command, "--db", str(database)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip


def copy_made(database: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not snapshot.copy_path(database).exists():
        assert time.monotonic() < deadline, "the dashboard made no copy of the database for the command line"
        time.sleep(0.2)


def test_alerts_and_summary_answer_from_the_running_dashboards_copy(council_copy, tmp_path, page):
    commands = [["alerts"], ["summary"], ["batches"]]
    unheld = [command_line(council_copy, *command).stdout for command in commands]
    with serve(council_copy, tmp_path) as dashboard:
        page.goto(dashboard.url)
        expect(page.get_by_label("User name")).to_be_visible(timeout=PAGE_WAIT)
        copy_made(dashboard.database)
        for command, expected in zip(commands, unheld, strict=True):
            done = command_line(dashboard.database, *command)
            assert (done.returncode, done.stdout) == (0, expected), done.stderr
            assert done.stderr.count("\n") == 1 and "running dashboard's copy" in done.stderr
        refused = command_line(dashboard.database, "load-sample")
        assert refused.returncode == 2 and "stop the dashboard" in refused.stderr
    assert not snapshot.copy_path(council_copy).exists(), "the copy goes when the dashboard stops"
