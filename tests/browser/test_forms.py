"""Forms as people fill them in a browser: typed and tabbed through with the keyboard, and a button pressed more
than once. Every field a form holds is submitted together, and the same submission is never stored twice."""

from datetime import date

from playwright.sync_api import expect

from analytics import store
from analytics.assessment import assessment
from analytics.assessment.assessment import Action
from analytics.governance.access import ADMINISTRATOR, SAFETY_OFFICER, VIEWER
from tests.browser.conftest import WAIT, open_signed_in, serve, settled, sign_in, signed_in
from tests.conftest import TODAY

NEW_PASSWORD = "typed with the keyboard only"


def test_an_account_added_with_the_keyboard_alone_can_sign_in(cold_dashboard, browser_context, page):
    open_signed_in(page, cold_dashboard, "users", ADMINISTRATOR)
    page.get_by_role("textbox", name="User name or e-mail address").click()
    page.keyboard.type("kim.keyboard")
    page.keyboard.press("Tab")
    page.keyboard.type("Kim Keyboard")
    page.get_by_role("textbox", name="Password", exact=True).focus()
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Tab")  # onto the password box's own show/hide button
    page.get_by_role("button", name="Add the account").click()
    expect(page.get_by_text("Added kim.keyboard as viewer")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("textbox", name="User name or e-mail address")).to_have_value("")
    expect(page.get_by_role("textbox", name="Name as shown")).to_have_value("")
    other = browser_context.browser.new_context()
    try:
        tab = other.new_page()
        tab.goto(cold_dashboard.address())
        sign_in(tab, "kim.keyboard", NEW_PASSWORD)
        signed_in(tab, VIEWER)
    finally:
        other.close()


def test_an_account_is_not_added_without_a_password_unless_the_council_signs_people_in(cold_dashboard, page):
    open_signed_in(page, cold_dashboard, "users", ADMINISTRATOR)
    page.get_by_role("textbox", name="User name or e-mail address").fill("no.password")
    page.get_by_role("button", name="Add the account").click()
    expect(page.get_by_text("needs a password")).to_be_visible(timeout=WAIT)
    settled(page)
    page.close()
    assert cold_dashboard.rows("SELECT count(*) FROM users WHERE username = 'no.password'") == [(0,)]


def _choose_first_incident(page) -> None:
    page.get_by_label("Incident to review").click()
    page.get_by_role("option").first.click()
    expect(page.get_by_role("heading", name="Record the review")).to_be_visible(timeout=WAIT)


def test_a_review_is_stored_once_however_often_the_button_is_pressed(cold_dashboard, page, received):
    open_signed_in(page, cold_dashboard, "review", SAFETY_OFFICER)
    _choose_first_incident(page)
    page.get_by_label("What happened").fill("Threats at the surgery after the planning meeting.")
    save = page.get_by_role("button", name="Save the review")
    save.dblclick()
    page.wait_for_timeout(200)
    save.last.click()  # while the page is redrawn the old form may still be shown beside the new one
    settled(page)
    assert received.said(page, "^Review saved: |nothing to save|already saved")
    expect(page.get_by_role("heading", name="Record the review")).to_be_visible()  # the incident is still chosen
    expect(page.get_by_label("What happened")).to_have_value("")
    page.close()
    assert cold_dashboard.rows("SELECT count(*) FROM incident_reviews") == [(1,)]


def test_a_viewer_cannot_change_which_question_is_which_measure(cold_dashboard, page):
    open_signed_in(page, cold_dashboard, "surveys", VIEWER)
    expect(page.get_by_text("A blank share is hidden")).to_be_visible()  # drawn just before the measures were
    settled(page)
    expect(page.get_by_text("Which question is which measure?")).to_have_count(0)
    expect(page.get_by_role("button", name="Save these measures")).to_have_count(0)


def test_an_action_is_marked_done_once_however_often_the_button_is_pressed(council_copy, tmp_path, page, received):
    con = store.connect(council_copy)
    scores = {("2", f"2.1.{n}"): 1 for n in range(1, 6)}
    actions = [Action("2", "Run personal safety training", "Democratic services", None), Action("2", "Audit", "", None)]
    assessment.save_assessment(con, date(2026, 9, 1), scores, actions=actions)
    con.close()
    with serve(council_copy, tmp_path) as dashboard:
        open_signed_in(page, dashboard, "assessment", SAFETY_OFFICER)
        expect(page.get_by_role("heading", name="Open improvement actions")).to_be_visible(timeout=WAIT)
        settled(page)
        chooser = page.get_by_label("Action done")
        chooser.click()
        page.keyboard.type("Run personal")
        expect(page.get_by_role("option", name="Run personal safety training")).to_be_visible(timeout=WAIT)
        page.keyboard.press("Enter")
        expect(chooser).to_have_value("Run personal safety training", timeout=WAIT)
        done = page.get_by_role("button", name="Mark as done")
        done.dblclick()
        page.wait_for_timeout(200)
        done.click()
        settled(page)
        assert received.said(page, "^Marked as done: Run personal safety training")
        expect(page.get_by_role("option", name="Run personal safety training")).to_have_count(0)
        page.close()
        marked = dashboard.rows("SELECT action, done_on FROM improvement_actions WHERE done_on IS NOT NULL")
    assert marked == [("Run personal safety training", TODAY)]
