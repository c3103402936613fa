"""What the browser is shown and what the dashboard records of it: small numbers stay hidden in every table, the
audit trail holds only what a person did, every import is listed, and no page asks the internet for anything."""

import re

import pandas as pd
from playwright.sync_api import expect

from analytics import audit
from analytics.governance.access import COUNCILLOR, SAFETY_OFFICER, VIEWER
from tests.browser.conftest import WAIT, navigation, open_signed_in, settled


def test_the_national_comparison_sends_a_restricted_role_no_small_number(cold_dashboard, page, received):
    for role in (VIEWER, COUNCILLOR):
        open_signed_in(page, cold_dashboard, "surveys", role)
        heading = page.get_by_role("heading", name="How do we compare with councillors nationally?")
        expect(heading).to_be_visible(timeout=WAIT)
        settled(page)
        answered = pd.concat(received.dataframes_sent(page, "council_n"))["council_n"].dropna()
        assert len(answered) and not answered.between(1, 9).any(), answered.tolist()
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_label("User name")).to_be_visible(timeout=WAIT)


def test_opening_the_review_page_records_no_incident_as_viewed(cold_dashboard, page):
    open_signed_in(page, cold_dashboard, "review", SAFETY_OFFICER)
    expect(page.get_by_role("heading", name="Prepare a post-incident review")).to_be_visible(timeout=WAIT)
    settled(page)
    page.close()
    assert cold_dashboard.rows("SELECT count(*) FROM audit_log WHERE action = ?", [audit.VIEWED_INCIDENT]) == [(0,)]


def test_survey_imports_are_listed_with_the_others(cold_dashboard, page, received):
    open_signed_in(page, cold_dashboard, "data", SAFETY_OFFICER)
    expect(page.get_by_role("heading", name="What has been imported?")).to_be_visible(timeout=WAIT)
    settled(page)
    expect(page.get_by_text(re.compile(r"^5 imports so far"))).to_be_visible(timeout=WAIT)
    listed = {name for frame in received.dataframes() if "File" in frame.columns for name in frame["File"]}
    assert {"councillor_survey_2025.xlsx", "councillor_survey_2026.csv", "incident_log.xlsx"} <= listed


def test_no_page_asks_any_host_but_the_dashboard(cold_dashboard, page, outside):
    open_signed_in(page, cold_dashboard, "", SAFETY_OFFICER)
    for name in ("Overview", "Trends", "Patterns", "Councillor surveys", "Self-assessment"):
        navigation(page).get_by_text(name, exact=True).click()
        settled(page)
    icons = page.locator("link[rel*=icon]")
    assert all(cold_dashboard.url in (icons.nth(i).get_attribute("href") or cold_dashboard.url)
               or (icons.nth(i).get_attribute("href") or "").startswith(("/", "data:", "./"))
               for i in range(icons.count()))  # fmt: skip
    assert outside.asked == [], outside.asked
