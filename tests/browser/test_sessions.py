"""Signing in, as a person does it in a browser against a freshly started dashboard: the first attempt works, a
reload or a shared link in a new tab keeps them signed in, and a page their role may not open says so."""

from playwright.sync_api import expect

from analytics import audit
from analytics.governance.access import ADMINISTRATOR, SAFETY_OFFICER, VIEWER
from tests.browser.conftest import (
    WAIT,
    NavigationHeldBack,
    navigation,
    open_signed_in,
    settled,
    sign_in,
    signed_in,
)
from tests.browser.helpers import NO_ACCESS


def test_the_first_sign_in_after_the_server_starts_works(cold_dashboard, page):
    open_signed_in(page, cold_dashboard, "", ADMINISTRATOR)
    expect(navigation(page)).to_contain_text("Overview", timeout=WAIT)
    page.close()
    assert cold_dashboard.rows("SELECT actor FROM audit_log WHERE action = ?", [audit.SIGNED_IN]) == [(ADMINISTRATOR,)]


def test_the_first_visit_by_a_link_to_a_page_signs_in_to_that_page(cold_dashboard, page):
    open_signed_in(page, cold_dashboard, "trends?channels=email", SAFETY_OFFICER)
    expect(page.get_by_role("heading", name="Is abuse getting worse?")).to_be_visible(timeout=WAIT)
    assert page.url.endswith("/trends?channels=email")


def test_a_link_signs_in_to_its_page_when_sign_in_is_pressed_before_the_browser_knows_the_page(cold_dashboard, page):
    page.goto(cold_dashboard.address(""))  # not the server's first visit, which runs twice (pages/pages_folder.py)
    expect(page.get_by_label("User name")).to_be_visible(timeout=WAIT)
    late = NavigationHeldBack(page)
    page.goto(cold_dashboard.address("trends"))
    late.until_held(page)
    page.wait_for_timeout(500)  # what the server sent before its navigation is drawn
    pressed_early = page.get_by_label("User name").is_visible()
    if pressed_early:
        sign_in(page, SAFETY_OFFICER)
        page.wait_for_timeout(500)
    late.release()
    if not pressed_early:
        sign_in(page, SAFETY_OFFICER)
    expect(page.get_by_role("heading", name="Is abuse getting worse?")).to_be_visible(timeout=WAIT)
    assert page.url.endswith("/trends")


def test_a_reload_keeps_the_user_signed_in_on_the_same_page(cold_dashboard, page):
    open_signed_in(page, cold_dashboard, "patterns", SAFETY_OFFICER)
    settled(page)
    page.reload()
    signed_in(page, SAFETY_OFFICER)
    expect(page.get_by_label("User name")).to_have_count(0)
    assert page.url.endswith("/patterns")


def test_a_shared_link_opened_in_a_new_tab_keeps_the_user_signed_in(cold_dashboard, browser_context, page):
    open_signed_in(page, cold_dashboard, "", SAFETY_OFFICER)
    settled(page)
    tab = browser_context.new_page()
    tab.goto(cold_dashboard.address("incident_log?channels=email"))
    signed_in(tab, SAFETY_OFFICER)
    expect(tab.get_by_text("incidents match").first).to_be_visible(timeout=WAIT)
    expect(tab.get_by_label("User name")).to_have_count(0)


def test_signing_out_ends_the_session_in_every_tab(cold_dashboard, browser_context, page):
    open_signed_in(page, cold_dashboard, "", SAFETY_OFFICER)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("User name")).to_be_visible(timeout=WAIT)
    page.reload()
    expect(page.get_by_label("User name")).to_be_visible(timeout=WAIT)
    tab = browser_context.new_page()
    tab.goto(cold_dashboard.address("trends"))
    expect(tab.get_by_label("User name")).to_be_visible(timeout=WAIT)


def test_a_link_to_a_page_the_role_may_not_open_says_so(cold_dashboard, page):
    open_signed_in(page, cold_dashboard, "review", VIEWER)
    expect(page.get_by_text(NO_ACCESS)).to_be_visible(timeout=WAIT)
    expect(navigation(page)).not_to_contain_text("Post-incident review")
    expect(page.get_by_role("heading", name="Prepare a post-incident review")).to_have_count(0)
