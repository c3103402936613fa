"""A councillor reports an incident in the browser, and the safety officer's queue picks it up: the first of issue
#16's Done-when tests."""

import re

from playwright.sync_api import Page, expect

from analytics import store
from analytics.governance.access import COUNCILLOR, SAFETY_CHAMPION, SAFETY_OFFICER
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incident_log import count_incidents
from tests.browser.conftest import (
    WAIT,
    Received,
    open_from_navigation,
    open_signed_in,
    screenshot,
    serve,
    settled,
)


def _report_a_threat_of_violence(page: Page, received: Received) -> str:
    """Fill the form as a councillor does and send it; returns the reference they are given."""
    page.get_by_label("What happened?").fill("A man at my surgery said he would come to my house and hurt me.")
    page.get_by_label("Where or how?").click()
    page.get_by_role("option", name="ward surgery", exact=True).click()
    page.get_by_text("A threat of violence", exact=True).click()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible(timeout=WAIT)
    told = received.said(page, r"Your reference:\*\* R-[0-9A-F]{8}")
    return re.search(r"R-[0-9A-F]{8}", told).group()


def test_a_councillor_reports_a_threat_and_the_officer_acknowledges_it(council_copy, tmp_path, browser_context):
    con = store.connect(council_copy)
    incidents_before = count_incidents(con, IncidentFilter())
    con.close()
    with serve(council_copy, tmp_path) as dashboard:
        councillor = browser_context.new_page()
        said_to_councillor = Received(councillor)
        open_signed_in(councillor, dashboard, "report", COUNCILLOR)
        reference = _report_a_threat_of_violence(councillor, said_to_councillor)
        expect(councillor.get_by_text("Report to the police").first).to_be_visible()
        expect(councillor.get_by_text("the member services team will contact you").first).to_be_visible()
        expect(councillor.get_by_text("call 999 first")).to_have_count(0)  # violence threatened, no threat to life
        settled(councillor)
        screenshot(councillor, COUNCILLOR, "report-what-happens-next")

        officer_context = browser_context.browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            officer = officer_context.new_page()
            said_to_officer = Received(officer)
            open_signed_in(officer, dashboard, "requests", SAFETY_OFFICER)
            listed = said_to_officer.dataframes_sent(officer, "request_id")[-1]
            assert listed["request_id"].iloc[0] == reference  # at the top of the queue
            assert listed["threat"].iloc[0] == "high"
            officer.get_by_label("Report or request").click()
            officer.get_by_role("option", name=re.compile(f"^{reference}: high incident report")).click()
            officer.get_by_role("button", name="Acknowledge").click()
            assert said_to_officer.said(officer, f"^{reference}: acknowledged")
            settled(officer)
            screenshot(officer, SAFETY_OFFICER, "queue-acknowledged")

            open_from_navigation(officer, "incident_log")
            logged = _frame_with(said_to_officer, officer, "ref", reference)
            assert logged.loc[logged["ref"] == reference, "threat"].item() == "High (derived)"  # triaged by the rules
            open_from_navigation(officer, "overview")
            assert said_to_officer.said(officer, rf"\*\*{incidents_before + 1:,} incidents\*\*")
            settled(officer)
            screenshot(officer, SAFETY_OFFICER, "overview-with-report")
        finally:
            officer_context.close()

        councillor.reload()
        expect(councillor.get_by_role("heading", name="Your reports and requests")).to_be_visible(timeout=WAIT)
        mine = _frame_with(said_to_councillor, councillor, "request_id", reference, state="acknowledged")
        assert mine.loc[mine["request_id"] == reference, "state"].item() == "acknowledged"
        settled(councillor)
        screenshot(councillor, COUNCILLOR, "report-acknowledged")


def _frame_with(received: Received, page: Page, column: str, value: str, **equal: str):
    """The latest table sent with `value` in `column` (and the other columns as `equal` says), waiting for it."""
    deadline, waited = WAIT / 1000, 0.0
    while True:
        for frame in reversed(received.dataframes()):
            if column in frame.columns and value in set(frame[column]):
                row = frame.loc[frame[column] == value].iloc[0]
                if all(row[name] == wanted for name, wanted in equal.items()):
                    return frame
        assert waited < deadline, f"no table with {value!r} in {column!r} reached the browser"
        page.wait_for_timeout(100)
        waited += 0.1


def test_a_half_written_report_survives_a_reload(cold_dashboard, page):
    open_signed_in(page, cold_dashboard, "report", COUNCILLOR)
    page.get_by_label("What happened?").fill("Someone waited outside my house after the meeting and")
    page.get_by_label("What happened?").press("Tab")  # a text box's answer is given when the cursor leaves it
    expect(page.get_by_text("Your answers were kept as a draft")).to_be_visible(timeout=WAIT)
    page.reload()
    expect(page.get_by_text("Your unsent report is as you left it")).to_be_visible(timeout=WAIT)
    expect(page.get_by_label("What happened?")).to_have_value("Someone waited outside my house after the meeting and")
    settled(page)
    screenshot(page, COUNCILLOR, "report-draft-after-reload")


def test_a_champion_sees_how_many_not_which(cold_dashboard, page, received):
    open_signed_in(page, cold_dashboard, "requests", SAFETY_CHAMPION)
    expect(page.get_by_text("as safety champion you see how many")).to_be_visible(timeout=WAIT)
    settled(page)
    assert received.dataframes() == []
    assert not [text for text in received.texts() if re.search(r"R-[0-9A-F]{8}", text)]
    screenshot(page, SAFETY_CHAMPION, "queue-counts")


def test_a_report_is_stored_once_however_often_send_is_pressed(cold_dashboard, page):
    open_signed_in(page, cold_dashboard, "report", COUNCILLOR)
    page.get_by_label("What happened?").fill("Abusive messages after the budget meeting.")
    page.get_by_label("Where or how?").click()
    page.get_by_role("option", name="email", exact=True).click()
    page.get_by_text("A threat to damage property", exact=True).click()
    settled(page)
    send = page.get_by_role("button", name="Send the report")
    send.dblclick()
    page.wait_for_timeout(200)
    if send.count():
        send.last.click()
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible(timeout=WAIT)
    settled(page)
    page.close()
    assert cold_dashboard.rows("SELECT count(*) FROM requests WHERE raised_by = ?", [COUNCILLOR]) == [(1,)]
    assert cold_dashboard.rows("SELECT count(*) FROM incidents WHERE incident_ref LIKE 'R-%'") == [(1,)]
