"""The dashboard in a real browser (Debian's Chromium, driven by Playwright) over the sample council: what AppTest
cannot show, such as the navigation, the sidebar filters following the user from page to page, and every page
rendering without an error."""

import shutil

import pytest
from playwright.sync_api import expect

from analytics import store
from analytics.governance.access import SAFETY_OFFICER, VIEWER
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incident_log import count_incidents
from tests.browser.conftest import serve, sign_in
from tests.browser.helpers import headline_figure

# The first visit is a link to a page, as a shared link would be.
PAGES = [
    "councillors",
    "",
    "trends",
    "patterns",
    "incident_log",
    "surveys",
    "assessment",
    "review",
    "import_data",
    "data",
]


@pytest.fixture(scope="module")
def dashboard(sample_council, tmp_path_factory):
    """The dashboard serving a copy of the sample council on a free local port; yields its address and the email
    count. One server for the module: the first test meets it cold."""
    folder = tmp_path_factory.mktemp("browser")
    database = folder / "sample.duckdb"
    shutil.copy(sample_council, database)
    con = store.connect(database)
    emails = count_incidents(con, IncidentFilter(channels=("email",)))
    con.close()
    with serve(database, folder) as served:
        yield served.url, emails


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_under_its_own_navigation_without_an_error(dashboard, page, path):
    """The first visit is by a link to a page, as a shared link is, on a freshly started dashboard; after signing in
    the link's page is shown."""
    url, _ = dashboard
    page.goto(f"{url}/{path}")
    expect(page.get_by_label("User name")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    sign_in(page, SAFETY_OFFICER)
    expect(page.locator("h1").first).to_be_visible(timeout=30_000)
    assert page.url == f"{url}/{path}"
    navigation = page.get_by_test_id("stSidebarNav")
    expect(navigation).to_contain_text("Understand", timeout=30_000)
    expect(navigation).to_contain_text("Councillors and risk")
    expect(page.get_by_text("fictional sample data").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_filter_follows_the_user_to_another_page(dashboard, page):
    url, emails = dashboard
    page.goto(f"{url}/?channels=email")
    sign_in(page, SAFETY_OFFICER)
    expect(headline_figure(page, "Incidents")).to_have_text(f"{emails:,}", timeout=30_000)
    page.get_by_test_id("stSidebarNav").get_by_text("Incident log").click()
    expect(page.get_by_text(f"{emails:,} incidents match").first).to_be_visible(timeout=30_000)
    assert page.url.endswith("/incident_log?channels=email")


def test_a_viewer_following_a_link_to_a_page_they_may_not_open_sees_none_of_it(dashboard, page):
    url, _ = dashboard
    page.goto(f"{url}/review")
    sign_in(page, VIEWER)
    navigation = page.get_by_test_id("stSidebarNav")
    expect(navigation).to_contain_text("Overview", timeout=30_000)
    expect(navigation).not_to_contain_text("Post-incident review")
    expect(navigation).not_to_contain_text("Incident log")
    expect(page.get_by_text("Post-incident review")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
