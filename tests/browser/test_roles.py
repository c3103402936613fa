"""Every role walked end to end in the browser against a cold server: signs in at the first attempt, stays signed
in through a reload and a shared link in a new tab, opens every page it may (each with its own heading and no
error) and is told plainly at every address it may not open. axe-core checks every page it sees, sign-in included,
against WCAG 2.2 AA: nothing the dashboard could fix may fail (tests/browser/accessibility.py), and each page's
findings are left in artefacts/accessibility/<role>.json. A screenshot of every page for every role is left in
artefacts/screenshots/<role>/ for a person to look through."""

import pytest
from playwright.sync_api import expect

from analytics.governance import access
from analytics.governance.access import ROLES
from tests.browser import accessibility
from tests.browser.conftest import (
    WAIT,
    holds_session_cookie,
    open_from_navigation,
    screenshot,
    settled,
    sign_in,
    signed_in,
)
from tests.browser.helpers import HEADINGS, NO_ACCESS, unreadable_words


@pytest.mark.parametrize("role", ROLES)
def test_a_role_walked_through_every_page(cold_dashboard, browser_context, page, received, role):
    found = {}
    page.goto(cold_dashboard.address("?channels=email"))
    expect(page.get_by_label("User name")).to_be_visible(timeout=WAIT)
    settled(page)
    found["sign_in"] = accessibility.violations(page)
    sign_in(page, role)
    signed_in(page, role)
    holds_session_cookie(page)
    settled(page)
    page.reload()
    signed_in(page, role)
    tab = browser_context.new_page()
    tab.goto(cold_dashboard.address("trends?channels=email"))
    signed_in(tab, role)
    expect(tab.get_by_role("heading", name=HEADINGS["trends"])).to_be_visible(timeout=WAIT)
    tab.close()
    user = access.User(role, role, role)
    for name, heading in HEADINGS.items():
        if user.may_open(name):
            open_from_navigation(page, name)
            expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=WAIT)
        else:
            page.goto(cold_dashboard.address(name))
            signed_in(page, role)
            expect(page.get_by_text(NO_ACCESS)).to_be_visible(timeout=WAIT)
            expect(page.get_by_role("heading", name=heading)).to_have_count(0)
        settled(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        found[name] = accessibility.violations(page)
        screenshot(page, role, name)
        assert unreadable_words(page, received) == [], f"{name} reads like a database"
    accessibility.write_counts(role, {name: accessibility.counts(each) for name, each in found.items()})
    accessibility.write_found(role, found)
    the_apps = {name: accessibility.the_apps(each) for name, each in found.items()}
    assert {name: each for name, each in the_apps.items() if each} == {}
