"""The dashboard in a real browser (Debian's Chromium, driven by Playwright) over the sample council: what AppTest
cannot show, such as the navigation, the sidebar filters following the user from page to page, and every page
rendering without an error."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from analytics import accounts, store
from analytics.access import SAFETY_OFFICER, VIEWER
from analytics.demo import load_sample
from analytics.filters import IncidentFilter
from analytics.incident_log import count_incidents
from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "a browser test password"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]  # fmt: skip
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the dashboard stopped while starting"
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("the dashboard did not answer within 60 seconds")


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    """The dashboard serving the sample council on a free local port; yields its address and the email count."""
    database = tmp_path_factory.mktemp("browser") / "sample.duckdb"
    con = store.connect(database)
    load_sample(con)
    emails = count_incidents(con, IncidentFilter(channels=("email",)))
    for role in (SAFETY_OFFICER, VIEWER):
        accounts.add_user(con, role, role, actor="test", password=PASSWORD)
    con.close()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, env=os.environ | {"SAFETY_DASHBOARD_DB": str(database)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, server)
        yield url, emails
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), "browser tests need Debian's Chromium at /usr/bin/chromium: `make test` installs it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    opened = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield opened
    opened.close()


def sign_in(page, role: str) -> None:
    page.get_by_label("User name").fill(role)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


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
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(f"{emails:,}", timeout=30_000)
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
