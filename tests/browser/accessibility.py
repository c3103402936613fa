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
from playwright.sync_api import Page, expect

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


_NAVIGATION = r"\bstSidebarNav stSidebarNavItems"
ALLOWED = (
    Allowed(
        "list",
        rf"{_NAVIGATION} ul$",
        "Streamlit's sidebar navigation puts each section's heading and its links in a <ul> with <div>s between the "
        "list and its items; a screen reader still reads every link, and the app cannot change this markup.",
    ),
    Allowed(
        "listitem",
        rf"{_NAVIGATION} li$",
        "The same navigation's <li>s, inside <div>s rather than directly in their <ul>.",
    ),
    Allowed(
        "target-size",
        r"\bstDateInput stDateInputField stDateInputFieldsScroller span$",
        "The day, month and year that Streamlit's date input lets a person type over are narrower than 24 pixels; "
        "its calendar button beside them, at full size, chooses the same dates (WCAG 2.5.8's equivalent control).",
    ),
    Allowed(
        "presentation-role-conflict",
        r"\bstFileUploader stFileUploaderDropzone section$",
        "Streamlit's file drop zone is a <section> marked presentational yet focusable (a minor finding); its "
        "Browse files button is a proper button and works with a keyboard and screen reader.",
    ),
)


_RUN = """options => axe.run(document, options).then(results => results.violations.flatMap(
  rule => rule.nodes.map(node => {
    const path = [];
    for (let at = node.element; at && at !== document.body; at = at.parentElement) {
        if (at.dataset.testid) path.unshift(at.dataset.testid);
    }
    const place = node.element ? [...path, node.element.tagName.toLowerCase()].join(" ") : node.target.join(" ");
    return [rule.id, rule.impact || "minor", place, !node.element || node.element.isConnected];
})))"""


def violations(page: Page) -> list[Violation]:
    """Every violation axe finds on the page once it is still, one for each element: the rules of WCAG 2.2 A and AA,
    and axe's best practices (heading order, a main landmark, one h1), which a screen reader's user relies on as much.
    A run that starts while axe looks (a rerun Streamlit starts by itself), seen by what it left on the page or took
    away from it, has axe look again once it is over."""
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"], "elementRef": True}
    for _ in range(3):
        still(page)
        page.evaluate(Axe().axe_script)
        found = page.evaluate(_RUN, options)
        if not _ran_while_looking(found) and not _running(page):
            return [Violation(*violation) for *violation, _ in found]
    raise AssertionError("the page never stood still long enough for axe to look at it")


def _ran_while_looking(found: list) -> bool:
    """Whether a run was under way while axe looked: an element it found has gone since, or is in the status
    widget Streamlit shows only while a run is under way (which can come and go between two looks at the page)."""
    return any(not connected or "stStatusWidget" in place.split() for _, _, place, connected in found)


def _running(page: Page) -> bool:
    return page.get_by_test_id("stStatusWidget").count() + page.locator("[data-stale=true]").count() > 0


def still(page: Page) -> None:
    """Wait until nothing on the page is drawn faded: while a run is under way, the status widget shows and
    Streamlit fades what the last run drew (stale) until the new run replaces or removes it."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    expect(page.locator("[data-stale=true]")).to_have_count(0)


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
    """Each element a role's pages failed a rule on, beside the counts: where to look when a count changes."""
    path = COUNTS / f"{role}-elements.json"
    path.write_text(json.dumps({name: [vars(v) for v in found] for name, found in pages.items()}, indent=2))
    return path
