"""The administrator's pages: Users, Audit trail and Retention, and that no one else sees them."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from analytics import audit, store
from analytics.governance import accounts
from analytics.governance.access import ADMINISTRATOR, SAFETY_OFFICER, VIEWER, User
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards
from tests.conftest import REPO
from tests.pages.helpers import as_read, audit_rows, open_app, table_with, taken, text_of

ADMIN = f"test-{ADMINISTRATOR}"


# --- Users ---------------------------------------------------------------------------------------------------------


def test_the_users_page_lists_accounts_without_their_passwords(database):
    app = open_app("pages/users.py", role=ADMINISTRATOR)
    accounts_shown = table_with(app, "User name")
    assert accounts_shown["User name"].tolist() == [ADMIN]
    assert not [column for column in accounts_shown.columns if "hash" in column.lower()]


def test_an_administrator_adds_an_account_and_it_is_listed_and_audited(database):
    app = open_app("pages/users.py", role=ADMINISTRATOR)
    app.text_input(key="new_username").input("Clerk@Council.gov.uk")
    app.text_input(key="new_display_name").input("Council clerk")
    app.selectbox(key="new_role").select("safety champion")
    app.text_input(key="new_password").input("correct horse battery")
    app.button(key="add_user").click()
    app.run()
    assert not app.exception, app.exception
    assert "Added clerk@council.gov.uk as safety champion." in text_of(app)
    listed = table_with(app, "User name").set_index("User name")
    assert listed.loc["clerk@council.gov.uk", "Role"] == "Safety champion"
    assert audit_rows(database, audit.USER_CHANGED)[-1] == (
        ADMIN,
        "clerk@council.gov.uk",
        "added with role safety champion",
    )


@pytest.mark.parametrize(
    ("password", "sentence"),
    [
        ("short", "The password is too short: use at least 12 characters."),
        (" " * 12, "The password is too easy to guess: use three or four unrelated words, not a common password, "
         "a repeated character or the user name."),
    ],
)  # fmt: skip
def test_a_refused_account_is_explained_in_one_sentence(database, password, sentence):
    app = open_app("pages/users.py", role=ADMINISTRATOR)
    app.text_input(key="new_username").input("clerk")
    app.text_input(key="new_password").input(password)
    app.button(key="add_user").click()
    app.run()
    assert [as_read(error.value) for error in app.error] == [sentence]
    assert table_with(app, "User name")["User name"].tolist() == [ADMIN]


def test_the_only_administrator_cannot_switch_themselves_off(database):
    app = open_app("pages/users.py", role=ADMINISTRATOR)
    app.toggle(key=f"active_{ADMIN}").set_value(False)
    app.button(key="change_user").click()
    app.run()
    assert [as_read(error.value) for error in app.error] == [
        "This is the only administrator: make another account an administrator first."
    ]
    assert table_with(app, "User name")["Switched on"].tolist() == ["Yes"]


def test_an_administrator_sets_a_new_password(database):
    con = store.connect(database)
    accounts.add_user(con, "kim", VIEWER, actor="test", password="the first passphrase")
    con.close()
    app = open_app("pages/users.py", role=ADMINISTRATOR)
    app.selectbox(key="chosen_account").set_value("kim").run()
    app.text_input(key="password_kim").input("a brand new passphrase")
    app.button(key="set_password").click()
    app.run()
    assert "Set a new password for kim; the account is unlocked too." in text_of(app)
    assert audit_rows(database, audit.USER_CHANGED)[-1] == (ADMIN, "kim", "password set")


# --- Audit trail ---------------------------------------------------------------------------------------------------


def test_the_audit_page_shows_the_trail_and_its_export_is_itself_audited(database, downloads):
    app = open_app("pages/audit.py", role=ADMINISTRATOR)
    trail = table_with(app, "Who")
    assert trail[["Who", "What", "Which"]].values.tolist() == [["test", audit.USER_CHANGED, ADMIN]]
    assert "Matching: **1 entry**" in text_of(app)
    assert audit_rows(database, audit.EXPORTED) == []
    taken(downloads, re.compile(r"audit-trail\.csv"))
    assert audit_rows(database, audit.EXPORTED) == [(ADMIN, "audit-trail.csv", "audit trail, 1 entry")]


def test_the_audit_page_filters_by_action_and_person(database):
    app = open_app("pages/audit.py", role=ADMINISTRATOR)
    app.multiselect(key="audit_actions").select(audit.SIGNED_IN)
    app.run()
    assert "No entries match" in text_of(app) and not app.dataframe
    app.multiselect(key="audit_actions").unselect(audit.SIGNED_IN)
    app.text_input(key="audit_who").input("tes")
    app.run()
    assert table_with(app, "Who")["Who"].tolist() == ["test"]


# --- Retention -----------------------------------------------------------------------------------------------------


@pytest.fixture
def aged(database):
    """Two closed incidents imported in 2015 and one open one: the closed pair is past six years."""
    con = store.connect(database)
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey")])
    log = [
        incident("2015-01-05", "Ann Abbot", "Abbey", "email", "verbal abuse", incident_ref=ref, status=status)
        for ref, status in (("INC-1", "closed"), ("INC-2", "closed"), ("INC-3", "open"))
    ]
    load_incidents(con, log)
    con.execute("UPDATE import_batches SET imported_at = '2015-02-01'")
    con.close()
    return database


def incident_refs(database) -> list[str]:
    con = store.connect(database)
    refs = [ref for (ref,) in con.execute("SELECT incident_ref FROM incidents ORDER BY incident_ref").fetchall()]
    con.close()
    return refs


def test_the_retention_page_previews_and_deletes_only_after_the_check(aged):
    app = open_app("pages/retention.py", role=ADMINISTRATOR)
    due = table_with(app, "Would be deleted")
    assert due["Would be deleted"].tolist() == [
        "2 closed incidents",
        "0 earlier incident versions",
        "0 rejected rows",
        "0 survey waves",
        "0 own risk assessments",
        "0 closed requests for support",
        "0 unsent reports",
    ]
    assert app.button(key="purge").disabled, "the list must be checked first"
    assert incident_refs(aged) == ["INC-1", "INC-2", "INC-3"]
    app.checkbox(key="purge_checked").check()
    app.run()
    app.button(key="purge").click()
    app.run()
    assert not app.exception, app.exception
    assert incident_refs(aged) == ["INC-3"]
    assert "Closed incidents, with their earlier versions and reviews: 2 closed incidents" in text_of(app)
    assert "Nothing is past its retention period" in text_of(app)
    assert len(audit_rows(aged, audit.PURGED)) == 7


def test_a_changed_period_is_saved_and_audited(aged):
    app = open_app("pages/retention.py", role=ADMINISTRATOR)
    app.number_input(key="period_closed_incidents").set_value(20)
    app.button(key="FormSubmitter:periods-Save the periods").click()
    app.run()
    assert not app.exception, app.exception
    assert table_with(app, "Would be deleted")["Would be deleted"][0] == "0 closed incidents"
    assert audit_rows(aged, audit.SETTING_CHANGED) == [
        (ADMIN, "retention of closed incidents, with their earlier versions and reviews", "6 years to 20 years")
    ]


# --- no one else ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["users", "audit", "retention"])
def test_a_safety_officer_is_not_offered_the_administrator_pages(sample, page):
    """Registered (so a link to one says so) but not opened: only the sentence is shown."""
    app = open_app(role=SAFETY_OFFICER)
    app.switch_page(f"pages/{page}.py")
    app.run()
    assert not app.exception, app.exception
    assert [warning.value for warning in app.warning] == [
        "You do not have access to this page: ask your dashboard's administrator if you need it."
    ]
    assert not app.title and not app.dataframe


@pytest.mark.parametrize("page", ["users", "audit", "retention"])
def test_a_safety_officer_reaching_an_administrator_page_by_its_address_sees_nothing(sample, page):
    app = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=60)
    app.session_state["signed_in_user"] = User("test-officer", "Test officer", SAFETY_OFFICER)
    app.run()
    assert not app.exception, app.exception
    assert [warning.value for warning in app.warning] == [
        "You do not have access to this page: ask your dashboard's administrator if you need it."
    ]
    assert not app.dataframe and not app.markdown and not app.get("download_button") and not app.button


def test_a_purge_is_refused_when_the_records_changed_after_the_list_was_drawn(aged):
    app = open_app("pages/retention.py", role=ADMINISTRATOR)
    app.checkbox(key="purge_checked").check()
    app.run()
    con = store.connect(aged)
    con.execute("UPDATE incidents SET status = 'closed' WHERE incident_ref = 'INC-3'")
    con.close()
    app.button(key="purge").click()
    app.run()
    assert [as_read(error.value) for error in app.error] == [
        "The records changed since the list was drawn: check the new list, then delete again."
    ]
    assert incident_refs(aged) == ["INC-1", "INC-2", "INC-3"]
    assert table_with(app, "Would be deleted")["Would be deleted"][0] == "3 closed incidents"
