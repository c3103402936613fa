"""`make audit`: the pinned dependencies checked against PyPI's vulnerability database, said plainly.

pip-audit prints "No known vulnerabilities found" even when it could not look a single package up (offline, or
behind a mirror that has no vulnerability data). This says how many packages were checked, names the ones that were
not, and fails only for a known vulnerability: a database that cannot be reached is reported, not failed on, since
CI here reaches only the package registries.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"


def run_pip_audit() -> dict:
    finished = subprocess.run(
        [sys.executable, "-m", "pip_audit", "-r", str(REQUIREMENTS), "-f", "json", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
    )
    try:
        return json.loads(finished.stdout)
    except json.JSONDecodeError:
        return {"dependencies": [], "error": (finished.stderr.strip().splitlines() or ["no output"])[-1]}


def verdict(report: dict) -> tuple[str, int]:
    """What the audit found, in a few lines, and the exit status (1 only for a known vulnerability)."""
    dependencies = report.get("dependencies", [])
    skipped = [dependency["name"] for dependency in dependencies if "skip_reason" in dependency]
    checked = [dependency for dependency in dependencies if "skip_reason" not in dependency]
    vulnerable = [
        f"{dependency['name']} {dependency['version']}: {vulnerability['id']} (fixed in "
        f"{', '.join(vulnerability.get('fix_versions') or ['no release yet'])})"
        for dependency in checked
        for vulnerability in dependency.get("vulns", [])
    ]
    if not checked:
        why = report.get("error") or f"all {len(skipped)} packages were skipped"
        return (
            f"NOT CHECKED: the vulnerability database could not be reached ({why}). Nothing is known either way; "
            "run `make audit` on a machine that can reach pypi.org.",
            0,
        )
    lines = [f"Checked {len(checked)} of {len(dependencies)} packages against PyPI's vulnerability database."]
    if skipped:
        lines.append(f"Not checked ({len(skipped)}): {', '.join(sorted(skipped))}.")
    if vulnerable:
        lines.append(f"KNOWN VULNERABILITIES ({len(vulnerable)}):")
        lines.extend(f"  {line}" for line in vulnerable)
        return "\n".join(lines), 1
    lines.append("No known vulnerabilities in the packages checked.")
    return "\n".join(lines), 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="read a pip-audit JSON report instead of running pip-audit")
    args = parser.parse_args()
    report = json.loads(args.report.read_text()) if args.report else run_pip_audit()
    text, status = verdict(report)
    print(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
