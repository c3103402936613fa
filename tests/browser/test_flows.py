"""What people do with the dashboard, done in the browser as they do it: import a log through the file input,
narrow the figures with a filter, download an export and open it, and score the self-assessment once."""

import io
import re

import pandas as pd
from playwright.sync_api import expect

from analytics import audit, store
from analytics.governance import accounts
from analytics.governance.access import ADMINISTRATOR, SAFETY_OFFICER
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incident_log import count_incidents
from tests.browser.conftest import PASSWORD, WAIT, open_signed_in, serve, settled
from tests.browser.helpers import headline_figure
from tests.conftest import REPO

SAMPLE_LOG = REPO / "sample_data" / "incident_log.xlsx"


def test_an_incident_log_imported_through_the_file_input_is_counted(tmp_path, page):
    database = tmp_path / "empty.duckdb"
    con = store.connect(database)
    accounts.add_user(con, ADMINISTRATOR, ADMINISTRATOR, actor="test", password=PASSWORD)
    con.close()
    with serve(database, tmp_path) as dashboard:
        open_signed_in(page, dashboard, "import_data", ADMINISTRATOR)
        page.locator("input[type=file]").first.set_input_files(SAMPLE_LOG)
        page.get_by_role("button", name="Import 1,500 rows").click()
        expect(page.get_by_text(re.compile(r"Imported incident_log\.xlsx: 1,495 new"))).to_be_visible(timeout=WAIT)
        expect(page.get_by_text("5 kept aside", exact=False)).to_be_visible()
        settled(page)
        page.close()
        assert dashboard.rows("SELECT count(*) FROM incidents") == [(1495,)]


def test_a_log_in_the_councils_own_wording_imports_through_the_file_input_without_a_mapping(tmp_path, page):
    database = tmp_path / "empty.duckdb"
    con = store.connect(database)
    accounts.add_user(con, ADMINISTRATOR, ADMINISTRATOR, actor="test", password=PASSWORD)
    con.close()
    log = tmp_path / "Members abuse log 2026.csv"
    log.write_text(
        "Date & time of incident,Councillor affected,Division,Means of contact,Abuse category,Severity (1-4),"
        "Reported to Police (Y/N),Notes for office use\n"
        "03/04/2026 18:30,Cllr Joan Whitby,Castle Hill,Facebook,Harassment,3,Y,Called back\n"
        "14/04/2026 09:05,Councillor Amir Khan,Riverside,Phone,Threat to kill,4,N,\n",
        encoding="utf-8",
    )
    with serve(database, tmp_path) as dashboard:
        open_signed_in(page, dashboard, "import_data", ADMINISTRATOR)
        page.locator("input[type=file]").first.set_input_files(log)
        page.get_by_role("button", name="Import 2 rows").click()
        expect(page.get_by_text(re.compile(r"Imported Members abuse log 2026\.csv: 2 new"))).to_be_visible(timeout=WAIT)
        settled(page)
        page.close()
        assert dashboard.rows("SELECT councillor, ward, channel, threat_level FROM incidents ORDER BY occurred_on") == [
            ("Joan Whitby", "Castle Hill", "social media", "high"),
            ("Amir Khan", "Riverside", "phone", "critical"),
        ]


def test_a_filter_changes_the_figures_and_the_link(cold_dashboard, page):
    con = store.connect(cold_dashboard.database)
    everything, emails = (count_incidents(con, IncidentFilter(channels=c)) for c in ((), ("email",)))
    con.close()
    open_signed_in(page, cold_dashboard, "", SAFETY_OFFICER)
    figure = headline_figure(page, "Incidents")
    expect(figure).to_have_text(f"{everything:,}", timeout=WAIT)
    channels = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text="How (channel)")
    channels.locator("input").click()
    page.keyboard.type("email")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(figure).to_have_text(f"{emails:,}", timeout=WAIT)
    assert "channels=email" in page.url


def test_an_export_is_downloaded_opened_and_audited(cold_dashboard, page):
    open_signed_in(page, cold_dashboard, "incident_log?channels=email", SAFETY_OFFICER)
    button = page.get_by_role("button", name="Download these incidents as CSV")
    expect(button).to_be_visible(timeout=WAIT)
    with page.expect_download(timeout=WAIT) as downloading:
        button.click()
    rows = pd.read_csv(io.BytesIO(downloading.value.path().read_bytes()), dtype=str)
    matched = int(re.search(r"([\d,]+) incidents match", page.get_by_text("incidents match").first.inner_text())[1]
                  .replace(",", ""))  # fmt: skip
    assert len(rows) == matched and len(rows) > 0
    settled(page)
    page.close()
    exported = cold_dashboard.rows("SELECT actor, subject FROM audit_log WHERE action = ?", [audit.EXPORTED])
    assert exported == [(SAFETY_OFFICER, downloading.value.suggested_filename)]


def test_the_self_assessment_is_saved_once_however_often_the_button_is_pressed(cold_dashboard, page):
    open_signed_in(page, cold_dashboard, "assessment", SAFETY_OFFICER)
    expect(page.get_by_role("heading", name="Score our approach")).to_be_visible(timeout=WAIT)
    partial = page.get_by_text(re.compile(r"^1: Partial"))
    expect(partial.first).to_be_visible(timeout=WAIT)
    for index in range(partial.count()):
        partial.nth(index).click()
    save = page.get_by_role("button", name="Save assessment")
    for _ in range(3):
        save.click()
        page.wait_for_timeout(200)
    settled(page)
    expect(page.get_by_text(re.compile("Saved the assessment|already saved")).first).to_be_visible(timeout=WAIT)
    page.close()
    assert cold_dashboard.rows("SELECT count(*) FROM assessments") == [(1,)]
