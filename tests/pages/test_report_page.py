"""Report an incident, as a councillor and as an officer meet it: the form, what happens next, and their own reports
and requests, never another councillor's."""

import re
from datetime import date

import pytest

from analytics import store
from analytics.governance.access import COUNCILLOR, SAFETY_OFFICER, VIEWER
from analytics.support.requests import SUPPORT_REQUEST, raise_request
from tests.analytics.support.helpers import council
from tests.pages.helpers import everything_shown, open_app, table_with, text_of


@pytest.fixture
def fernwick(database):
    con = store.connect(database)
    council(con)
    con.close()
    return database


def fill(app, *, description="He shouted that he would hurt me.", channel="ward surgery", threat="of violence"):
    form = app.session_state["report_form_round"]
    app.text_area(key=f"description_{form}").input(description)
    app.date_input(key=f"occurred_on_{form}").set_value(date(2026, 11, 23))
    app.selectbox(key=f"channel_{form}").set_value(channel)
    app.radio(key=f"threat_{form}").set_value(threat)
    app.text_input(key=f"who_{form}").input("@angryman")
    return form


def send(app, form):
    app.button(key=f"send_{form}").click()
    app.run()
    assert not app.exception, app.exception


def requests_in(database) -> list[tuple]:
    con = store.connect(database)
    rows = con.execute("SELECT councillor_key, raised_by, threat, state FROM requests ORDER BY raised_at").fetchall()
    con.close()
    return rows


def test_a_councillor_reports_a_threat_and_is_told_what_happens_next(fernwick):
    app = open_app("pages/report.py", COUNCILLOR, "c1")
    assert app.title[0].value == "Report an incident"
    assert "the member services team will contact you" in text_of(app)
    assert "Which councillor is this about?" not in [box.label for box in app.selectbox]  # only for themselves
    send(app, fill(app))
    shown = text_of(app)
    assert "What happens next" in [header.value for header in app.header]
    assert "at critical threat" in shown  # a threat of violence, by a person with two incidents already: critical
    assert "Report to the police" in shown
    assert "by 24 November 2026" in shown  # critical: the same day
    assert "call 999 first" in shown
    assert requests_in(fernwick) == [("c1", f"test-{COUNCILLOR}-c1", "critical", "new")]
    assert table_with(app, "request_id")["state"].tolist() == ["new"]


def test_a_threat_that_is_not_to_life_says_the_next_working_day_and_no_999(fernwick):
    app = open_app("pages/report.py", COUNCILLOR, "c1")
    form = fill(app, threat="to property")
    app.text_input(key=f"who_{form}").input("")
    send(app, form)
    shown = text_of(app)
    assert "at high threat" in shown and "by 25 November 2026" in shown
    assert "999" not in shown


def test_a_report_without_what_happened_is_not_sent(fernwick):
    app = open_app("pages/report.py", COUNCILLOR, "c1")
    send(app, fill(app, description=" "))
    assert "The report was not sent. Say what happened, then send the report." in text_of(app)
    assert requests_in(fernwick) == []


def test_a_councillor_sees_only_their_own_reports_by_any_address(fernwick):
    con = store.connect(fernwick)
    theirs = raise_request(con, SUPPORT_REQUEST, "c2", raised_by="ben", threat="low", summary="Ben's request")
    mine = raise_request(con, SUPPORT_REQUEST, "c1", raised_by="ann", threat="low", summary="Ann's request")
    con.close()
    for query in ({}, {"councillor": "c2"}, {"request": theirs}):
        app = open_app("pages/report.py", COUNCILLOR, "c1", **query)
        shown = everything_shown(app)
        assert mine.lower() in shown
        assert theirs.lower() not in shown and "ben" not in shown


def test_an_officer_reports_for_a_councillor_they_choose(fernwick):
    app = open_app("pages/report.py", SAFETY_OFFICER)
    form = fill(app)
    app.text_input(key=f"who_{form}").input("")
    send(app, form)
    assert "Choose the councillor it is about" in text_of(app)
    app.selectbox(key=f"councillor_{form}").set_value("c2")
    send(app, form)
    assert requests_in(fernwick) == [("c2", f"test-{SAFETY_OFFICER}", "high", "new")]  # no one known: not a repeat
    assert table_with(app, "request_id")["state"].tolist() == ["new"]


def test_a_viewer_cannot_report(fernwick):
    app = open_app("pages/report.py", VIEWER)
    assert "You do not have access to this page" in text_of(app)


def test_a_half_written_report_is_there_on_the_next_visit_until_it_is_sent(fernwick):
    app = open_app("pages/report.py", COUNCILLOR, "c1")
    app.text_area(key="description_0").input("He followed me from the surgery to")
    app.run()
    assert any(re.search(r"kept as a draft at \d\d:\d\d", caption.value) for caption in app.caption)
    app.selectbox(key="channel_0").set_value("ward surgery")
    app.run()
    again = open_app("pages/report.py", COUNCILLOR, "c1")  # a reload: a new session for the same account
    assert "Your unsent report is as you left it" in text_of(again)
    assert again.text_area(key="description_0").value == "He followed me from the surgery to"
    assert again.selectbox(key="channel_0").value == "ward surgery"
    again.radio(key="threat_0").set_value("of violence")
    send(again, 0)
    assert "What happens next" in [header.value for header in again.header]
    after = open_app("pages/report.py", COUNCILLOR, "c1")
    assert "Your unsent report" not in text_of(after)
    assert after.text_area(key="description_0").value == ""


def test_start_again_clears_the_draft(fernwick):
    app = open_app("pages/report.py", COUNCILLOR, "c1")
    app.text_area(key="description_0").input("Not this")
    app.run()
    app.button(key="clear_0").click()
    app.run()
    assert app.text_area(key="description_1").value == ""
    assert "Your unsent report" not in text_of(open_app("pages/report.py", COUNCILLOR, "c1"))
