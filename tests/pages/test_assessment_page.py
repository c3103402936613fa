"""The self-assessment page as a user meets it: score the statements, save, and see the history."""

import json
import re
from datetime import date

from analytics import clock, store
from analytics.assessment import assessment
from analytics.sample.demo import load_sample
from tests.pages.helpers import as_read, open_app, text_of

IDS = ["2.1.1", "2.1.2", "2.1.3", "2.1.4", "2.1.5"]


def fill_and_save(app, scores: list[int], on: date, evidence: str = ""):
    for statement, score in zip(IDS, scores, strict=True):
        app.radio(key=f"score_2_{statement}").set_value(score)
    if evidence:
        app.text_area(key="evidence_2_2.1.1").input(evidence)
    app.text_area(key="section_evidence_2").input("Reviewed at the member safety group.")
    app.date_input(key="assessed_on").set_value(on)
    app.button(key="save_assessment").click()
    app.run()
    assert not app.exception, app.exception
    return app


def test_a_fault_that_is_no_refusal_is_shown_as_a_reference_not_in_its_own_words(database, served_errors, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("pandas said no")

    monkeypatch.setattr(assessment, "load_framework", broken)
    app = open_app("pages/assessment.py")
    [shown] = [error.value for error in app.error]
    assert re.fullmatch(r"Something went wrong on this page\. .* reference: [0-9A-F]{8}\.", shown), shown
    assert "pandas said no" not in text_of(app) + shown


def test_an_empty_database_says_what_to_do(database):
    app = open_app("pages/assessment.py")
    assert app.title[0].value == "Score our approach"
    assert "No assessment saved yet: score the five statements below." in text_of(app)
    assert not app.get("plotly_chart")


def test_saving_then_saving_again_shows_the_total_history_and_changes(database):
    app = fill_and_save(open_app("pages/assessment.py"), [1, 1, 1, 1, 1], date(2025, 1, 10), evidence="=cmd|x")
    text = text_of(app)
    assert "Our latest assessment scored **5 / 10** on 10 January 2025." in text
    assert "Saved the assessment of 10 January 2025: 5 / 10." in text
    assert not app.get("plotly_chart")
    con = store.connect(database)
    assert con.execute("SELECT evidence FROM assessment_scores WHERE statement_id = '2.1.1'").fetchone()[0] == "=cmd|x"
    con.close()

    app = fill_and_save(app, [1, 1, 2, 2, 1], date(2025, 4, 3))
    text = text_of(app)
    assert "Our latest assessment scored **7 / 10** on 3 April 2025." in text
    assert "Total rose from 5 to 7 out of 10." in text
    assert "Statement 2.1.3 rose from 1 (partial) to 2 (comprehensive)." in text
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["yaxis"]["range"] == [0, 10]
    assert [button.proto.label for button in app.get("download_button")] == [
        "Excel, in the toolkit's layout",
        "CSV, a row a statement",
    ]


def test_an_unscored_statement_is_refused(database):
    app = open_app("pages/assessment.py")
    app.radio(key="score_2_2.1.1").set_value(2)
    app.button(key="save_assessment").click()
    app.run()
    assert "Score every statement before saving: 2.1.2, 2.1.3, 2.1.4, 2.1.5 still have no score." in text_of(app)
    assert assessment.latest_assessment_id(store.connect(database)) is None


def test_the_data_is_set_beside_the_statements_and_a_contradiction_is_named(database):
    con = store.connect(database)
    load_sample(con)
    every = {("2", f"2.1.{number}"): 2 for number in range(1, 6)}
    assessment.save_assessment(con, clock.today(), every)
    con.close()
    app = open_app("pages/assessment.py")
    assert "What the data says" in [header.value for header in app.header]
    assert any(expander.label.startswith("2.1.5 ") for expander in app.expander)
    warnings = [warning.value for warning in app.warning]
    assert any(
        warning.startswith("Statement 2.1.5 is scored 2 (comprehensive), but the data says: 0 of ")
        and "have a post-incident review (0%)" in warning
        for warning in warnings
    )


def test_an_improvement_action_marked_done_leaves_the_open_actions(database):
    con = store.connect(database)
    scores = {("2", statement): 1 for statement in IDS}
    actions = [
        assessment.Action("2", "Run personal safety training", "Head of democratic services", date(2025, 3, 1)),
        assessment.Action("2", "Offer home security checks", "Safety champion", None, statement_id="2.1.4"),
    ]
    assessment.save_assessment(con, date(2025, 1, 10), scores, actions=actions)
    training = con.execute("SELECT action_id FROM improvement_actions WHERE owner = 'Head of democratic services'")
    training = training.fetchone()[0]
    con.close()
    app = open_app("pages/assessment.py")
    picker = app.selectbox(key="improvement_action_done_action")
    assert picker.options == ["Run personal safety training (due 1 March 2025)", "Offer home security checks"]
    picker.set_value(training)
    app.button(key="FormSubmitter:improvement_action_done-Mark as done").click()
    app.run()
    assert not app.exception, app.exception
    assert as_read(app.success[0].value) == "Marked as done: Run personal safety training (due 1 March 2025)"
    open_actions = next(table.value for table in app.dataframe if "From the assessment of" in table.value.columns)
    assert open_actions["Action"].tolist() == ["Offer home security checks"]
    con = store.connect(database)
    done = con.execute("SELECT done_on FROM improvement_actions WHERE action_id = ?", [training]).fetchone()[0]
    con.close()
    assert done == clock.today(), "the day it was done is today unless the form says otherwise"


def test_what_the_data_says_changes_when_a_councillor_completes_their_own_assessment(database):
    from analytics.governance.access import COUNCILLOR, User
    from analytics.support import own_risk
    from tests.analytics.support.test_own_risk import QUIET
    from tests.builders import councillor, load_councillors, load_wards

    con = store.connect(database)
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey"), councillor("Ben Brook", "Abbey")])
    ann = User("ann", "Ann Abbot", COUNCILLOR, con.execute("SELECT min(councillor_key) FROM councillors").fetchone()[0])
    con.close()
    before = text_of(open_app("pages/assessment.py"))
    assert "0 of 2 councillors have done their own risk assessment in the last 12 months (0%)." in before
    con = store.connect(database)
    own_risk.save(con, ann, own_risk.assess(con, ann.councillor_key, QUIET | {"cabinet": "yes"}, clock.today()))
    con.close()
    after = text_of(open_app("pages/assessment.py"))
    assert "1 of 2 councillors have done their own risk assessment in the last 12 months (50%)." in after
    assert "1 of 1 risks found in councillors' own risk assessments of the last 12 months were given guidance" in after
