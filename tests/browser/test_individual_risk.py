"""A safety officer records a councillor's individual risk assessment in a browser (issue #16 part 4): a high level
with the offers it calls for, one accepted; the Councillors and risk page then no longer lists that councillor as
needing escalation for an out-of-date assessment."""

import re
import time

from playwright.sync_api import expect

from analytics.governance.access import SAFETY_OFFICER
from tests.browser.conftest import WAIT, Received, open_from_navigation, open_signed_in, screenshot, settled

NAME = "Jonathan Fairweather"  # recorded high in the sample's register, last assessed over 12 months ago


def _escalated(page, received: Received, tables_before: int = 0) -> list[str]:
    """The councillors in the latest escalation table sent, waiting for one more than `tables_before`."""
    deadline = time.monotonic() + WAIT / 1000
    while len(tables := received.dataframes_sent(page, "Why escalate")) <= tables_before:
        assert time.monotonic() < deadline, "the escalation table was not sent again"
        page.wait_for_timeout(100)
    return tables[-1]["Councillor"].tolist()


def test_an_officer_records_a_high_assessment_with_offers_and_the_escalation_goes(cold_dashboard, page, received):
    open_signed_in(page, cold_dashboard, "councillors", SAFETY_OFFICER)
    assert NAME in _escalated(page, received)

    open_from_navigation(page, "individual_risk")
    expect(page.get_by_role("heading", name="Record an individual risk assessment")).to_be_visible(timeout=WAIT)
    settled(page)
    page.get_by_label("Councillor").click()
    page.keyboard.type(NAME)
    expect(page.get_by_role("option", name=re.compile(NAME))).to_be_visible(timeout=WAIT)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(NAME))).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Suggested level: high", exact=False).first).to_be_visible()
    expect(page.get_by_text(re.compile("A high level calls for: home security assessment"))).to_be_visible()
    settled(page)
    accepted = page.get_by_test_id("stMultiSelect").filter(has_text="Accepted by the councillor")
    accepted.locator("input").click()
    page.keyboard.type("home security")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_label("Notes").fill("Visited with the police; CCTV to be fitted.")
    page.get_by_role("button", name="Record the assessment").click()
    said = received.said(page, r"^Recorded: high risk, next review by ")
    assert said == "Recorded: high risk, next review by 24 February 2027."  # 3 months after 24 November 2026
    expect(page.get_by_text("Recorded level: high, assessed on 24 November 2026.")).to_be_visible()
    expect(page.get_by_text("None yet: each assessment recorded here")).to_have_count(0)  # the past one is listed
    settled(page)
    screenshot(page, SAFETY_OFFICER, "individual-risk-recorded")

    tables_before = len(received.dataframes_sent(page, "Why escalate"))
    open_from_navigation(page, "councillors")
    expect(page.get_by_role("heading", name="Whose risk has risen?")).to_be_visible(timeout=WAIT)
    assert NAME not in _escalated(page, received, tables_before)
    settled(page)
    screenshot(page, SAFETY_OFFICER, "councillors-after-individual-risk")

    kept = cold_dashboard.rows(  # stops the server
        """SELECT a.level, a.offered, a.accepted FROM individual_risk_assessments a
           JOIN councillors c USING (councillor_key) WHERE c.name = ? AND a.recorded_by = ?""",
        [NAME, SAFETY_OFFICER],
    )
    assert kept == [
        ("high", ["home security assessment", "cctv or video doorbell", "police liaison", "personal safety advice"],
         ["home security assessment"]),
    ]  # fmt: skip
