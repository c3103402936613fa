"""axe-core (the copy axe-playwright-python ships) run on the page a browser test has open, against WCAG 2.0, 2.1
and 2.2 at levels A and AA, and what of its findings is the dashboard's to fix.

Streamlit's own markup has a few violations the dashboard cannot change; each is allowed by ALLOWED, for one rule
on the elements one pattern matches, with the reason. docs/accessibility.md lists the same entries for the council's
accessibility statement.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.conftest import REPO

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
IMPACTS = ("critical", "serious", "moderate", "minor")
COUNTS = REPO / "artefacts" / "accessibility"


@dataclass(frozen=True)
class Violation:
    """One rule axe found broken on one element: the rule, how much it matters, and where the element is, as the
    Streamlit test ids of the elements around it then its own tag ("stSidebarNav stSidebarNavItems li"): Streamlit's
    CSS class names change from release to release, its test ids do not."""

    rule: str
    impact: str
    target: str


@dataclass(frozen=True)
class Allowed:
    """A violation in Streamlit's own markup: `rule` on an element whose CSS path matches `target`, and why."""

    rule: str
    target: str
    reason: str

    def covers(self, violation: Violation) -> bool:
        return violation.rule == self.rule and re.search(self.target, violation.target) is not None


ALLOWED = ()


_RUN = """options => axe.run(document, options).then(results => results.violations.flatMap(
  rule => rule.nodes.map(node => {
    const path = [];
    for (let at = node.element; at && at !== document.body; at = at.parentElement) {
        if (at.dataset.testid) path.unshift(at.dataset.testid);
    }
    const place = node.element ? [...path, node.element.tagName.toLowerCase()].join(" ") : node.target.join(" ");
    return [rule.id, rule.impact || "minor", place];
})))"""


def violations(page: Page) -> list[Violation]:
    """Every violation axe finds on the page as it is now, one for each element: the rules of WCAG 2.2 A and AA, and
    axe's best practices (heading order, a main landmark, one h1), which a screen reader's user relies on as much."""
    page.evaluate(Axe().axe_script)
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"], "elementRef": True}
    return [Violation(*found) for found in page.evaluate(_RUN, options)]


def the_apps(found: list[Violation]) -> list[Violation]:
    """What of `found` the dashboard must fix: everything the allowlist does not cover."""
    return [violation for violation in found if not any(entry.covers(violation) for entry in ALLOWED)]


def counts(found: list[Violation]) -> dict[str, dict[str, int]]:
    """Elements failing each rule, by impact: {"serious": {"color-contrast": 3}}."""
    by_impact: dict[str, Counter] = {impact: Counter() for impact in IMPACTS}
    for violation in found:
        by_impact[violation.impact][violation.rule] += 1
    return {impact: dict(rules) for impact, rules in by_impact.items()}


def write_counts(role: str, pages: dict[str, dict]) -> Path:
    """A role's findings on every page it opened, allowed or not, for a person to compare runs by."""
    path = COUNTS / f"{role}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(pages, indent=2, sort_keys=True))
    return path


def write_found(role: str, pages: dict[str, list[Violation]]) -> Path:
    path = COUNTS / f"{role}-elements.json"
    path.write_text(json.dumps({name: [vars(v) for v in found] for name, found in pages.items()}, indent=2))
    return path
