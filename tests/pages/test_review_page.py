"""The post-incident review page as a user meets it: choose an incident, read its history, record the review."""

from datetime import date

import pytest

from analytics import audit, clock, store
from analytics.assessment.indicators import review_indicators
from analytics.assessment.reviews import review_candidates
from analytics.ingest.dates import display
from tests.analytics.assessment.helpers import load_council, review
from tests.pages.helpers import as_read, audit_rows, open_app, table_with, text_of


@pytest.fixture
def council(database):
    con = store.connect(database)
    load_council(con)
    con.close()
    return database


def test_an_empty_database_says_what_to_do(database):
    app = open_app("pages/review.py")
    assert app.title[0].value == "Prepare a post-incident review"
    assert "No incidents yet: import your incident log on the Import page." in text_of(app)
    assert not app.selectbox


def chosen(app, incident_key: str):
    app.selectbox(key="incident").set_value(incident_key)
    app.run()
    assert not app.exception, app.exception
    return app


def key(app, name: str) -> str:
    """A widget of the review form on show: its keys carry the form's round (pages/review.py)."""
    return f"{name}_{app.session_state['review_form_round']}"


def test_choose_an_incident_see_its_history_and_record_its_review(council):
    app = open_app("pages/review.py")
    assert app.title[0].value == "Prepare a post-incident review"
    picker = app.selectbox(key="incident")
    assert picker.value is None and picker.options[0] == "INC-5 10 June 2025, Abbey, critical"  # most serious first
    lead = review_indicators(store.connect(council), clock.today())[0].sentence
    assert app.markdown[0].value.startswith(lead)
    assert not audit_rows(council, audit.VIEWED_INCIDENT), "nothing is opened until someone chooses"
    chosen(app, "ref:INC-5")

    timeline = table_with(app, "related_by")
    assert timeline["incident_ref"].tolist() == ["INC-3", "INC-4", "INC-6"]
    assert timeline["related_by"].tolist() == ["same perpetrator", "same ward", "same councillor, same ward"]
    assert "Risk level:** high (assessed: 15 January 2025)" in text_of(app)
    assert "No earlier review of this incident" in text_of(app)

    app.date_input(key=key(app, "reviewed_on")).set_value(date(2025, 7, 15))
    app.multiselect(key=key(app, "attendees")).set_value(["councillor", "monitoring officer"])
    app.text_area(key=key(app, "what_happened")).input("Threats after the planning meeting")
    app.text_area(key=key(app, "what_worked")).input("Police came the same day")
    app.text_area(key=key(app, "lessons")).input("=Remove addresses from the website")
    app.session_state[key(app, "mitigations")] = {
        "edited_rows": {0: {"effectiveness": "effective"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.session_state[key(app, "actions")] = {
        "edited_rows": {},
        "added_rows": [{"action": "Move surgeries to the library", "owner": "Member services", "due_on": "2025-01-01"}],
        "deleted_rows": [],
    }
    app.button(key=f"FormSubmitter:{key(app, 'review_form')}-Save the review").click()
    app.run()
    assert not app.exception, app.exception

    assert "Review saved: 1 mitigation rated and 1 action agreed." in text_of(app)
    assert [expander.label for expander in app.expander] == ["Review of this incident, held 15 July 2025"]
    shown = text_of(app)
    assert "Lessons:** =Remove addresses from the website" in shown
    assert "personal safety alarm: effective" in shown
    assert "**1 open action**, **1 overdue**" in shown
    actions = table_with(app, "overdue")
    assert actions["action"].tolist() == ["Move surgeries to the library"]
    assert actions["overdue"].tolist() == ["overdue"]
    assert app.selectbox(key="incident").format_func("ref:INC-5") == "INC-5 10 June 2025, Abbey, critical", (
        "a browser that pressed Save twice sends back the label it was shown: saving must not change it"
    )
    assert app.text_area(key=key(app, "what_happened")).value == "", (
        "the saved review's form is replaced by an empty one"
    )


def test_the_same_review_sent_twice_is_stored_once(council):
    app = chosen(open_app("pages/review.py"), "ref:INC-5")
    for _ in range(2):  # the second time in the fresh form that replaced the first
        app.text_area(key=key(app, "what_happened")).input("Threats after the planning meeting")
        app.button(key=f"FormSubmitter:{key(app, 'review_form')}-Save the review").click()
        app.run()
    assert "This review is already saved" in text_of(app)
    assert app.text_area(key=key(app, "what_happened")).value == "", "the form is emptied as after a first save"
    assert [expander.label for expander in app.expander] == [f"Review of this incident, held {display(clock.today())}"]


def test_a_review_with_a_nameless_action_is_not_saved_and_says_why(council):
    app = chosen(open_app("pages/review.py"), "ref:INC-5")
    app.session_state[key(app, "actions")] = {
        "edited_rows": {},
        "added_rows": [{"owner": "Member services"}],
        "deleted_rows": [],
    }
    app.button(key=f"FormSubmitter:{key(app, 'review_form')}-Save the review").click()
    app.run()
    assert not app.exception, app.exception
    assert "The review was not saved. Action 1 has no description" in text_of(app)
    assert not app.expander


def test_choosing_another_incident_shows_its_timeline(council):
    app = chosen(open_app("pages/review.py"), "ref:INC-8")
    assert app.header[0].value == "INC\\-8, 1 March 2025"
    assert table_with(app, "related_by")["incident_ref"].tolist() == ["INC-3"]
    assert "Bob Brook is not in the councillor register" not in text_of(app)
    assert "Risk level:** not recorded" in text_of(app)


def test_the_sample_council_offers_its_most_serious_incident_first(sample):
    app = open_app("pages/review.py")
    assert "fictional sample data" in text_of(app)
    assert app.selectbox(key="incident").options[0].endswith("critical")
    first = review_candidates(store.connect(sample))["incident_key"].iloc[0]
    assert chosen(app, first).get("download_button")


def _action_id(database, action: str) -> str:
    con = store.connect(database)
    try:
        return con.execute("SELECT action_id FROM review_actions WHERE action = ?", [action]).fetchone()[0]
    finally:
        con.close()


def test_an_open_action_marked_done_leaves_the_list_and_says_so(council):
    con = store.connect(council)
    review(
        con,
        actions=[
            {"action": "Check the alarm", "owner": "Safety champion", "due_on": date(2025, 9, 1)},
            {"action": "Move **surgeries**", "owner": "Member services", "due_on": None},
        ],
    )
    con.close()
    app = open_app("pages/review.py")
    assert table_with(app, "reviewed_on")["action"].tolist() == ["Check the alarm", "Move **surgeries**"]
    picker = app.selectbox(key="review_action_done_action")
    assert picker.options == ["Check the alarm (INC-5, due 1 September 2025)", "Move **surgeries** (INC-5)"]
    picker.set_value(_action_id(council, "Move **surgeries**"))
    app.date_input(key="review_action_done_day").set_value(date(2025, 8, 2))
    app.button(key="FormSubmitter:review_action_done-Mark as done").click()
    app.run()
    assert not app.exception, app.exception
    message = app.success[0].value
    assert as_read(message) == "Marked as done: Move **surgeries** (INC-5)"
    assert "**surgeries**" not in message, "typed text is shown as written, not as formatting"
    assert table_with(app, "reviewed_on")["action"].tolist() == ["Check the alarm"]
    con = store.connect(council)
    assert con.execute("SELECT done_on FROM review_actions WHERE done_on IS NOT NULL").fetchall() == [
        (date(2025, 8, 2),)
    ]
    con.close()


def test_marking_done_without_choosing_an_action_says_what_to_do(council):
    con = store.connect(council)
    review(con, actions=[{"action": "Check the alarm", "owner": "Safety champion", "due_on": None}])
    con.close()
    app = open_app("pages/review.py")
    app.button(key="FormSubmitter:review_action_done-Mark as done").click()
    app.run()
    assert "Choose the action that is done, then press Mark as done." in text_of(app)
    assert table_with(app, "reviewed_on")["action"].tolist() == ["Check the alarm"]
