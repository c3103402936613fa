"""Signing in against the real server: the first administrator's password handed over outside the server's output,
and wrong passwords sent at once from many tabs."""

import re
import stat
import time

from playwright.sync_api import expect

from analytics import audit
from analytics.governance import accounts
from analytics.governance.access import ADMINISTRATOR, VIEWER
from tests.browser.conftest import PASSWORD, WAIT, serve, sign_in, signed_in

TABS = 12


def test_the_first_administrator_signs_in_with_the_password_from_the_file_not_the_log(tmp_path, page):
    """Was: the password was printed to the server's output, which service logs keep."""
    database = tmp_path / "data" / "safety.duckdb"
    password_file = database.parent / accounts.FIRST_PASSWORD_FILE
    with serve(database, tmp_path) as dashboard:
        page.goto(dashboard.address())
        expect(page.get_by_label("User name")).to_be_visible(timeout=WAIT)
        password = re.search(r"password:\s+(\S+)", password_file.read_text())[1]
        sign_in(page, accounts.FIRST_ADMINISTRATOR, password)
        signed_in(page, ADMINISTRATOR)
        log = dashboard.log.read_text()
    assert password not in log
    assert f"Its password is in {password_file}" in log
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600


def answer(tab) -> str:
    """The sentence the sign-in form answered with, or the traceback's first line if it showed one."""
    shown = tab.get_by_role("alert").or_(tab.get_by_test_id("stException")).first
    expect(shown).to_be_visible(timeout=WAIT)
    return shown.inner_text().splitlines()[0]


def test_wrong_passwords_from_many_tabs_at_once_get_one_sentence_each_and_lock_the_account(
    cold_dashboard, browser_context
):
    """Was: 25 of 30 simultaneous sign-ins showed duckdb's `TransactionException: Conflict on update!` traceback,
    and bursts of parallel wrong passwords never locked the account."""
    tabs = [browser_context.new_page() for _ in range(TABS)]
    for tab in tabs:
        tab.goto(cold_dashboard.address())
        expect(tab.get_by_label("User name")).to_be_visible(timeout=WAIT)
        tab.get_by_label("User name").fill(VIEWER)
        tab.get_by_label("Password", exact=True).fill("not the password at all")
    at = time.time() * 1000 + 3000  # every tab presses Sign in at this moment, by its own clock
    for tab in tabs:
        button = tab.get_by_role("button", name="Sign in", exact=True).element_handle()
        button.evaluate("(button, at) => setTimeout(() => button.click(), at - Date.now())", at)
    answers = {answer(tab) for tab in tabs}
    too_many = {text for text in answers if text.startswith("Too many sign-ins from this computer have failed")}
    assert answers - too_many == {accounts.REFUSED}
    right = browser_context.new_page()
    right.goto(cold_dashboard.address())
    sign_in(right, VIEWER, PASSWORD)
    refused = answer(right)
    assert refused in answers, "the right password from the same computer, straight after, is refused alike"
    signed_in_entries = cold_dashboard.rows(
        "SELECT count(*) FROM audit_log WHERE action = ? AND actor = ?", [audit.SIGNED_IN, VIEWER]
    )
    assert signed_in_entries == [(0,)]
    locked = cold_dashboard.rows("SELECT locked_until IS NOT NULL FROM users WHERE username = ?", [VIEWER])
    assert locked == [(True,)]
