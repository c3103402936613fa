"""What the server itself holds against an insider: a file handed out reaches only the browser that is signed in,
nothing is made before the button is pressed, no other site can frame the dashboard or be loaded into it, and an
error shows a sentence and a reference, never its details."""

import re
import shutil

import duckdb
from playwright.sync_api import expect

from analytics import audit
from analytics.governance.access import ADMINISTRATOR, SAFETY_OFFICER
from tests.browser.conftest import WAIT, open_signed_in, serve, settled


def _exports(dashboard) -> list[tuple]:
    return dashboard.rows("SELECT actor, subject FROM audit_log WHERE action = ?", [audit.EXPORTED])


def _runs(received) -> int:
    return sum(message.WhichOneof("type") == "script_finished" for message in received.messages)


def test_an_export_reaches_only_the_signed_in_browser_that_asked_for_it(
    cold_dashboard, browser_context, page, received
):
    open_signed_in(page, cold_dashboard, "data", SAFETY_OFFICER)
    button = page.get_by_role("button", name="Download as CSV")
    expect(button).to_be_visible(timeout=WAIT)
    settled(page)
    runs = _runs(received)
    with page.expect_download(timeout=WAIT) as downloading:
        button.click()
    address = downloading.value.url
    assert "/media/" in address and downloading.value.path().stat().st_size > 0
    # The file is made without running the page again: a run started by the click could replace the button's
    # file before it was made, and the person would see "Failed to generate file for download".
    page.wait_for_timeout(1000)
    settled(page)
    assert _runs(received) == runs, "pressing Download ran the page again"

    stranger = browser_context.browser.new_context()
    try:
        fetched = stranger.request.get(address)
        assert fetched.status == 403, "a browser that has not signed in fetched the export"
        assert b"Sign in" in fetched.body()
    finally:
        stranger.close()
    assert page.request.get(address).status == 200  # the browser that asked may take it again

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("User name")).to_be_visible(timeout=WAIT)
    assert page.request.get(address).status == 403, "the export was still there after signing out"
    page.close()
    assert _exports(cold_dashboard) == [(SAFETY_OFFICER, downloading.value.suggested_filename)]


def test_nothing_is_made_or_recorded_until_the_button_is_pressed(cold_dashboard, page, received):
    open_signed_in(page, cold_dashboard, "audit", ADMINISTRATOR)
    expect(page.get_by_role("button", name="Download as CSV")).to_be_visible(timeout=WAIT)
    settled(page)
    page.goto(cold_dashboard.address("data"))
    expect(page.get_by_role("button", name="Download as CSV")).to_be_visible(timeout=WAIT)
    settled(page)
    buttons = [element.download_button for element in received.elements() if element.HasField("download_button")]
    assert len(buttons) >= 4
    assert [button.label for button in buttons if button.url] == [], "a file was made and sent before it was asked for"
    page.close()
    assert _exports(cold_dashboard) == []


def test_no_other_site_may_frame_the_dashboard_or_be_loaded_into_it(cold_dashboard, page):
    response = page.goto(cold_dashboard.address(""))
    headers = response.headers
    assert headers["x-frame-options"] == "DENY"
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "img-src 'self' data: blob:" in policy
    assert "default-src 'self'" in policy and headers["x-content-type-options"] == "nosniff"


def test_an_error_in_a_page_shows_a_sentence_and_a_reference_not_its_details(council_copy, tmp_path, page):
    broken = tmp_path / "broken.duckdb"
    shutil.copy(council_copy, broken)
    con = duckdb.connect(str(broken))
    con.execute("DROP TABLE survey_answers")  # the Surveys page cannot read its answers
    con.close()
    with serve(broken, tmp_path) as dashboard:
        open_signed_in(page, dashboard, "surveys", SAFETY_OFFICER)
        sentence = page.get_by_text("Something went wrong on this page")
        expect(sentence).to_be_visible(timeout=WAIT)
        settled(page)
        reference = re.search(r"reference: ([0-9A-F]{8})", sentence.inner_text())[1]
        shown = page.locator("body").inner_text()
        assert "Traceback" not in shown and "survey_answers" not in shown and "/work" not in shown
        assert "Catalog" not in shown and str(broken) not in shown
        page.close()
        dashboard.stop()
        logged = dashboard.log.read_text()
    assert reference in logged and "survey_answers" in logged
