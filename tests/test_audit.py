"""`make audit` (.ci/audit.py) says what it checked: never "no known vulnerabilities" when nothing was looked up."""

import json
import subprocess
import sys

from tests.conftest import REPO

SKIPPED = {"name": "pandas", "skip_reason": "Dependency not found on PyPI and could not be audited: pandas (3.1.1)"}
CLEAN = {"name": "duckdb", "version": "2.0.0", "vulns": []}
VULNERABLE = {"name": "jinja2", "version": "3.1.2", "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}]}


def audit(tmp_path, *dependencies) -> subprocess.CompletedProcess:
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"dependencies": list(dependencies), "fixes": []}))
    return subprocess.run(
        [sys.executable, str(REPO / ".ci" / "audit.py"), "--report", str(report)], capture_output=True, text=True
    )


def test_a_database_out_of_reach_is_reported_as_not_checked_without_failing(tmp_path):
    finished = audit(tmp_path, SKIPPED, SKIPPED | {"name": "duckdb"})
    assert finished.returncode == 0
    assert finished.stdout.startswith("NOT CHECKED") and "no known vulnerabilities" not in finished.stdout.lower()


def test_packages_not_checked_are_named_beside_those_that_were(tmp_path):
    finished = audit(tmp_path, CLEAN, SKIPPED)
    assert finished.returncode == 0
    assert "Checked 1 of 2 packages" in finished.stdout and "Not checked (1): pandas." in finished.stdout


def test_a_known_vulnerability_fails_the_audit_and_says_where_it_is_fixed(tmp_path):
    finished = audit(tmp_path, CLEAN, VULNERABLE)
    assert finished.returncode == 1
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in finished.stdout
