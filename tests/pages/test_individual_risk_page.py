"""Record an individual risk assessment, as a safety officer meets it: a councillor's suggested level and reasons, their
own assessment's level and date (nothing of its answers), what their level calls for, the form kept once, their past
individual assessments; and nobody else may open it or read one by any address."""

from datetime import date

import pytest

from analytics import store
from analytics.governance.access import ADMINISTRATOR, COUNCILLOR, SAFETY_CHAMPION, VIEWER, User
from analytics.support import own_risk
from tests.analytics.support.test_own_risk import QUIET
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards
from tests.pages.helpers import open_app, text_of

PAGE = "pages/individual_risk.py"
NO_ACCESS = "You do not have access to this page: ask your dashboard's administrator if you need it."
NOTES = "Home visit with PC Lake; [link](https://example.org) declined CCTV"


@pytest.fixture
def council(database):
    """Ann has a death threat in the log (1 November 2026) and an own assessment saying she lives alone; Ben has
    nothing."""
    con = store.connect(database)
    load_wards(con, {"Abbey": 1, "Brook": 2})
    load_councillors(con, [
        councillor("Ann Abbot", "Abbey", risk_level="low", risk_assessed_on="2025-01-10"),
        councillor("Ben Brook", "Brook"),
    ])  # fmt: skip
    load_incidents(con, [incident("2026-11-01", "Ann Abbot", "Abbey", "letter", "death threat")])
    keys = dict(con.execute("SELECT name, councillor_key FROM councillors").fetchall())
    ann = User("ann", "Ann Abbot", COUNCILLOR, keys["Ann Abbot"])
    answers = QUIET | {"lives_alone": "yes"}
    own_risk.save(con, ann, own_risk.assess(con, ann.councillor_key, answers, date(2026, 11, 20)))
    con.close()
    return keys


def kept(database) -> list[tuple]:
    con = store.connect(database)
    rows = con.execute(
        "SELECT councillor_key, level, offered, accepted, notes, review_on FROM individual_risk_assessments"
    ).fetchall()
    con.close()
    return rows


def choose(app, key: str):
    app.selectbox(key="individual_risk_councillor").set_value(key)
    app.run()
    assert not app.exception, app.exception
    return app


def submit(app):
    round_ = app.session_state["individual_risk_form_round"]
    app.button(key=f"FormSubmitter:individual_risk_form_{round_}-Record the assessment").click()
    app.run()
    assert not app.exception, app.exception
    return app


def test_an_officer_sees_the_councillors_risk_and_records_an_assessment_once(database, council):
    app = open_app(PAGE)
    assert app.title[0].value == "Record an individual risk assessment"
    assert text_of(app).startswith("2 councillors need escalating")
    choose(app, council["Ann Abbot"])
    shown = text_of(app)
    assert "Suggested level: **high**" in shown and "1 critical threat in the last 90 days" in shown
    assert "Recorded level: low, assessed on 10 January 2025" in shown
    assert "Their latest own risk assessment, on 20 November 2026, put their risk at medium." in shown
    assert "lives alone" not in shown.lower(), "the answers of an own assessment stay on the queue's pages"
    assert "A high level calls for: home security assessment, cctv or video doorbell, police liaison" in shown
    round_ = app.session_state["individual_risk_form_round"]
    assert app.selectbox(key=f"individual_level_{round_}").value == "high"  # the suggested level to start with
    assert app.multiselect(key=f"individual_offered_{round_}").value == [
        "home security assessment", "cctv or video doorbell", "police liaison", "personal safety advice",
    ]  # fmt: skip
    app.multiselect(key=f"individual_accepted_{round_}").set_value(["home security assessment", "police liaison"])
    app.text_area(key=f"individual_notes_{round_}").set_value(NOTES)
    submit(app)
    ((who, level, offered, accepted, notes, review_on),) = kept(database)
    assert (who, level, len(offered), accepted, notes) == (
        council["Ann Abbot"], "high", 4, ["home security assessment", "police liaison"], NOTES,
    )  # fmt: skip
    assert review_on == date(2027, 2, 24)  # high: in 3 months
    shown = text_of(app)
    assert "Recorded: high risk, next review by 24 February 2027." in shown
    assert "Recorded level: high, assessed on 24 November 2026" in shown
    [past] = [frame.value for frame in app.dataframe]
    assert past["level"].tolist() == ["high"] and past["notes"].tolist() == [NOTES]
    assert f"individual_level_{round_}" not in [box.key for box in app.selectbox], "a late press finds no button"


def test_an_officer_may_change_the_level_offers_and_review(database, council):
    app = choose(open_app(PAGE, ADMINISTRATOR), council["Ben Brook"])
    assert "Suggested level: **low**" in text_of(app) and "no risk level recorded" in text_of(app).lower()
    assert "has not assessed their own risk here" in text_of(app)
    round_ = app.session_state["individual_risk_form_round"]
    app.selectbox(key=f"individual_level_{round_}").set_value("medium")
    app.multiselect(key=f"individual_offered_{round_}").set_value(["safety app", "personal safety alarm"])
    app.date_input(key=f"individual_review_{round_}").set_value(date(2027, 1, 31))
    submit(app)
    [(_, level, offered, accepted, notes, review_on)] = kept(database)
    assert (level, offered, accepted, notes, review_on) == (
        "medium", ["safety app", "personal safety alarm"], [], None, date(2027, 1, 31),
    )  # fmt: skip


def test_accepting_what_was_not_offered_is_refused_and_nothing_kept(database, council):
    app = choose(open_app(PAGE), council["Ben Brook"])
    round_ = app.session_state["individual_risk_form_round"]
    app.multiselect(key=f"individual_accepted_{round_}").set_value(["cctv or video doorbell"])
    submit(app)
    assert "Mark as accepted only from what was offered" in text_of(app).replace("\\", "")
    assert kept(database) == []


@pytest.mark.parametrize("role", [COUNCILLOR, SAFETY_CHAMPION, VIEWER])
def test_no_one_else_may_open_it_or_read_an_assessment_by_any_address(database, council, role):
    con = store.connect(database)
    from analytics.support import individual_risk

    officer = User("officer", "Olu", "safety officer")
    individual_risk.record(con, officer, council["Ann Abbot"], level="high", assessed_on=date(2026, 11, 23),
                           offered=["police liaison"], accepted=[], notes=NOTES)  # fmt: skip
    con.close()
    app = open_app(PAGE, role, council["Ann Abbot"] if role == COUNCILLOR else None, councillor=council["Ann Abbot"])
    assert [warning.value for warning in app.warning] == [NO_ACCESS]
    assert not app.dataframe and not app.selectbox and "PC Lake" not in text_of(app)


def test_the_councillors_page_reads_a_new_assessment_at_once(database, council):
    def escalated() -> list[str]:
        app = open_app("pages/councillors.py")
        return next(frame.value for frame in app.dataframe if "Why escalate" in frame.value.columns)[
            "Councillor"
        ].tolist()

    assert "Ann Abbot" in escalated()
    app = choose(open_app(PAGE), council["Ann Abbot"])
    submit(app)
    assert "Ann Abbot" not in escalated(), "the page's cached figures are keyed by the recorded levels too"


def test_a_broken_offers_file_is_one_sentence(database, council, monkeypatch):
    from analytics.errors import Refusal
    from analytics.support import individual_risk

    def broken():
        raise Refusal("The offers file individual-risk-offers.json should list the levels low, medium and high.")

    monkeypatch.setattr(individual_risk, "offers", broken)
    app = open_app(PAGE)
    assert text_of(app) == (
        "The offers file individual-risk-offers.json should list the levels low, medium and high. "
        "Individual risk assessments cannot be recorded until the council puts the file right."
    )
    assert not app.selectbox
