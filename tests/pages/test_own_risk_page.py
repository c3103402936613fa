"""Assess my own risk, as a councillor meets it: the questionnaire, the level with its reasons and guidance, asking
an officer to get in touch, the past assessments, and nobody else's by any address."""

from datetime import date

import pytest

from analytics import store
from analytics.errors import Refusal
from analytics.governance.access import COUNCILLOR, SAFETY_CHAMPION, SAFETY_OFFICER, VIEWER, User
from analytics.support import own_risk
from tests.analytics.support.test_own_risk import QUIET
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards
from tests.pages.helpers import open_app, text_of

PAGE = "pages/own_risk.py"
NO_ACCESS = "You do not have access to this page: ask your dashboard's administrator if you need it."


@pytest.fixture
def council(database):
    """Two councillors; Ann has a threat of violence in the log (on 1 November 2026, the clock's month)."""
    con = store.connect(database)
    load_wards(con, {"Abbey": 1, "Brook": 2})
    load_councillors(con, [councillor("Ann Abbot", "Abbey"), councillor("Ben Brook", "Brook")])
    load_incidents(con, [incident("2026-11-01", "Ann Abbot", "Abbey", "letter", "threat of violence")])
    keys = dict(con.execute("SELECT name, councillor_key FROM councillors").fetchall())
    con.close()
    return keys


def answer(app, answers: dict[str, str]):
    round_ = app.session_state["own_risk_form_round"]
    for question, value in answers.items():
        app.radio(key=f"{question}_{round_}").set_value(value)
    app.button(key=f"FormSubmitter:own_risk_form_{round_}-See my level and guidance").click()
    app.run()
    assert not app.exception, app.exception
    return app


def kept(database) -> list[tuple]:
    con = store.connect(database)
    rows = con.execute("SELECT councillor_key, level, request_id FROM own_risk_assessments").fetchall()
    con.close()
    return rows


def test_a_councillor_answers_and_sees_their_level_reasons_and_guidance_once(database, council):
    app = open_app(PAGE, COUNCILLOR, council["Ann Abbot"])
    assert app.title[0].value == "Assess my own risk"
    assert text_of(app).startswith("You have not assessed your own risk here yet")
    assert app.radio(key="lives_alone_0").value == own_risk.PREFER_NOT_TO_SAY  # personal: optional
    assert app.radio(key="cabinet_0").value is None
    answer(app, QUIET | {"surgeries": "at my home", "lone_working": "yes", "address_published": "yes"})
    shown = text_of(app)
    assert "Assessment kept: your risk is high." in shown
    assert app.header[0].value == "Your risk is high"  # 3 + 2 + 3, and 1 incident with a high threat: 1 + 3
    assert "Your latest assessment, on 24 November 2026, put your risk at **high**" in shown
    assert "24 February 2027" in shown  # reviewed in 3 months
    assert "You hold surgeries at your home." in shown
    assert "1 incident against you in the last 12 months, the most serious a high threat." in shown
    assert "Leeds City Council" in shown and "lone-worker device" in shown and "withhold your home address" in shown
    assert app.dataframe[0].value["level"].tolist() == ["high"]
    assert kept(database) == [(council["Ann Abbot"], "high", None)]

    assert "cabinet_0" not in [radio.key for radio in app.radio], "a late press of the first form finds no button"
    answer(app, QUIET | {"surgeries": "at my home", "lone_working": "yes", "address_published": "yes"})
    assert len(kept(database)) == 1, "the same answers sent again the same day are kept once"


def test_asking_an_officer_to_get_in_touch_raises_one_request(database, council):
    app = open_app(PAGE, COUNCILLOR, council["Ben Brook"])
    answer(app, QUIET | {"cabinet": "yes"})
    assert app.header[0].value == "Your risk is low"
    assert "Nothing in your answers" not in text_of(app) and "A visible role" in text_of(app)
    (contact,) = [button for button in app.button if button.label == "I'd like an officer to contact me"]
    contact.click()
    app.run()
    assert not app.exception, app.exception
    ((_, _, reference),) = kept(database)
    assert f"your reference is {reference}" in text_of(app)
    assert not [button for button in app.button if button.label == "I'd like an officer to contact me"]
    con = store.connect(database)
    assert con.execute("SELECT kind, threat FROM requests").fetchall() == [("support request", "low")]
    con.close()


def test_a_councillor_never_sees_another_councillors_assessment_by_any_address(database, council):
    con = store.connect(database)
    ann = User("ann", "Ann Abbot", COUNCILLOR, council["Ann Abbot"])
    found = own_risk.assess(con, ann.councillor_key, QUIET | {"lives_alone": "yes"}, date(2026, 11, 24))
    theirs = own_risk.save(con, ann, found)
    con.close()
    app = open_app(PAGE, COUNCILLOR, council["Ben Brook"], councillor=council["Ann Abbot"], assessment=theirs)
    shown = text_of(app)
    assert shown.startswith("You have not assessed your own risk here yet") and "You live alone" not in shown
    assert not app.dataframe and "None yet" in shown
    for role in (SAFETY_CHAMPION, VIEWER, SAFETY_OFFICER):
        other = open_app(PAGE, role, assessment=theirs)
        assert NO_ACCESS in [warning.value for warning in other.warning], role
        assert "You live alone" not in text_of(other)


def test_a_broken_questionnaire_file_is_one_sentence(database, council, monkeypatch):
    def broken():
        raise Refusal("The questionnaire file own-risk-assessment.json has a question without options.")

    monkeypatch.setattr(own_risk, "questions", broken)
    app = open_app(PAGE, COUNCILLOR, council["Ann Abbot"])
    assert [error.value for error in app.error] == [
        "The questionnaire file own\\-risk\\-assessment\\.json has a question without options\\. "
        "Your own risk assessment cannot be shown until the council puts the file right."
    ]
    assert not app.radio
