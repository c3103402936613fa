"""The pages that show incident records, as each role meets them: what a safety champion, a councillor and a safety
officer see of the log, its detail and its export, the repeat perpetrators on the councillors page, and the audit
rows that viewing, exporting, importing and changing a setting write."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from analytics import audit, store
from analytics.governance.access import COUNCILLOR, SAFETY_CHAMPION, SAFETY_OFFICER, User
from analytics.governance.privacy import perpetrator_shown
from analytics.incidents.incident_log import SORTS
from analytics.ingest.importing import import_file
from analytics.sample.demo import load_sample
from analytics.text import PASSAGE, cut
from tests.analytics.assessment.helpers import load_council
from tests.analytics.ingest.helpers import ROWS, csv_bytes
from tests.pages.helpers import BAD_ROW, everything_shown, open_app, table_with, taken, text_of

LOG = "pages/incident_log.py"
PAGE_SIZE = 50  # pages/incident_log.py
REPEAT_PERPETRATORS = ("fernwicktruth", "savecastlemeadows")  # two of the sample council's, by perpetrator key
CHAMPION = User(f"test-{SAFETY_CHAMPION}", "Test safety champion", SAFETY_CHAMPION)
CSV_FILE = re.compile(r"incident-log-\d{4}-\d{2}-\d{2}\.csv")  # dated the day it is made


@pytest.fixture
def council(sample):
    return sample


def csv_export(downloads: dict) -> str:
    """The incident log's CSV download, as the user would receive it."""
    return taken(downloads, CSV_FILE).decode("utf-8-sig")


def ask(path, sql: str, *parameters) -> list[tuple]:
    con = store.connect(path)
    try:
        return con.execute(sql, list(parameters)).fetchall()
    finally:
        con.close()


def audit_rows(path, action: str, actor: str) -> list[tuple]:
    return ask(
        path, "SELECT subject, detail FROM audit_log WHERE action = ? AND actor = ? ORDER BY entry", action, actor
    )


def pseudonym_of(path, perpetrator_key: str) -> str:
    con = store.connect(path)
    try:
        return perpetrator_shown(con, CHAMPION, perpetrator_key)
    finally:
        con.close()


def open_log_as(role: str, councillor_key: str | None = None) -> AppTest:
    return open_app(LOG, role, councillor_key)


def latest_incident_of(path, perpetrator_key: str) -> tuple[str, str, str]:
    """(incident key, perpetrator as written, description) of this person's latest incident with a description."""
    return ask(
        path,
        "SELECT incident_key, perpetrator_ref, description FROM incident_facts "
        "WHERE perpetrator_key = ? AND description IS NOT NULL ORDER BY occurred_on DESC, incident_key LIMIT 1",
        perpetrator_key,
    )[0]


def open_incident(app: AppTest, path, incident_key: str) -> None:
    """Turn to the page of the whole log (newest first) that holds this incident, and choose its row."""
    place, reference = ask(
        path,
        f"SELECT n, incident_ref FROM (SELECT incident_key, incident_ref, "
        f"row_number() OVER (ORDER BY {SORTS['newest first']}) AS n FROM incident_facts) WHERE incident_key = ?",
        incident_key,
    )[0]
    page, row = divmod(place - 1, PAGE_SIZE)
    if page:
        app.number_input(key="page").set_value(page + 1).run()
    assert app.dataframe[0].value["ref"].iloc[row] == reference
    app.session_state[app.dataframe[0].key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    app.run()
    assert not app.exception, app.exception


def all_descriptions(path) -> list[str]:
    return [text for (text,) in ask(path, "SELECT DISTINCT description FROM incident_facts WHERE description <> ''")]


def test_a_champion_sees_the_log_its_detail_and_its_export_without_descriptions_or_names(council, downloads):
    fernwicktruth = pseudonym_of(council, "fernwicktruth")
    assert fernwicktruth.startswith("Person ")
    app = open_log_as(SAFETY_CHAMPION)
    assert "description" not in app.dataframe[0].value.columns
    assert "shown as a pseudonym" in everything_shown(app)

    incident_key, _, description = latest_incident_of(council, "fernwicktruth")
    open_incident(app, council, incident_key)
    shown = everything_shown(app)
    assert fernwicktruth.lower() in shown
    assert not any(name in shown for name in REPEAT_PERPETRATORS)
    assert cut(description, PASSAGE).lower() not in shown

    exported = csv_export(downloads)
    header = exported.splitlines()[0].split(",")
    assert "Description" not in header and "Perpetrator" in header
    assert fernwicktruth in exported
    assert not any(name in exported.lower() for name in REPEAT_PERPETRATORS)
    assert not any(text in exported for text in all_descriptions(council))


def test_the_champion_meets_the_same_pseudonym_on_the_councillors_page(council):
    fernwicktruth = pseudonym_of(council, "fernwicktruth")
    app = open_app("pages/councillors.py", role=SAFETY_CHAMPION)
    people = table_with(app, "Why listed")
    assert fernwicktruth in people["Person"].tolist()
    assert "Written as" not in people.columns
    (expander,) = [expander for expander in app.expander if expander.label.startswith(f"{fernwicktruth}: ")]
    (incidents,) = ask(council, "SELECT count(*) FROM incident_facts WHERE perpetrator_key = 'fernwicktruth'")[0]
    assert len(expander.dataframe[0].value) == incidents
    assert expander.markdown[0].value.startswith(f"{fernwicktruth} is linked to")
    shown = "\n".join([people.to_csv(), *(item.label for item in app.expander), text_of(app)]).lower()
    assert not any(name in shown for name in REPEAT_PERPETRATORS)


def test_the_escalation_reasons_name_no_perpetrator_to_a_champion(council):
    app = open_app("pages/councillors.py", role=SAFETY_CHAMPION)
    assert not any(name in everything_shown(app) for name in REPEAT_PERPETRATORS)


def test_an_officer_sees_descriptions_and_who_the_perpetrators_are(council, downloads):
    app = open_log_as(SAFETY_OFFICER)
    incident_key, written, description = latest_incident_of(council, "fernwicktruth")
    open_incident(app, council, incident_key)
    shown = text_of(app)
    assert written in shown and cut(description, PASSAGE) in shown
    assert "pseudonym" not in everything_shown(app)
    exported = csv_export(downloads)
    assert "Description" in exported.splitlines()[0].split(",")
    assert "@FernwickTruth" in exported and description in exported


def test_a_councillor_sees_only_the_incidents_recorded_against_them(council, downloads):
    councillor_key, name = "c013", "Fatima Hussain-Carr"
    (own,) = ask(council, "SELECT count(*) FROM incident_facts WHERE councillor_key = ?", councillor_key)[0]
    others = [other for (other,) in ask(council, "SELECT name FROM councillors WHERE councillor_key <> ?", "c013")]
    app = open_log_as(COUNCILLOR, councillor_key)
    assert f"**{own:,} incidents match** your filters" in text_of(app)
    assert set(app.dataframe[0].value["councillor"]) == {name}

    app.session_state[app.dataframe[0].key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    reference = app.dataframe[0].value["ref"].iloc[0]
    perpetrator, description = ask(
        council, "SELECT perpetrator_key, description FROM incident_facts WHERE incident_ref = ?", reference
    )[0]
    assert cut(description, PASSAGE) in text_of(app)
    if perpetrator:
        assert pseudonym_of(council, perpetrator) in text_of(app) and perpetrator not in everything_shown(app)
    assert not any(other.lower() in everything_shown(app) for other in others)

    exported = csv_export(downloads)
    assert len(exported.splitlines()) == own + 1
    assert description in exported
    assert not any(other in exported for other in others)
    assert not any(key in exported.lower() for key in REPEAT_PERPETRATORS)


def test_a_councillor_with_no_incidents_is_told_so_and_sees_no_one_elses(council):
    app = open_log_as(COUNCILLOR, "a councillor with no incidents")
    assert "No incidents are recorded against you in the log." in text_of(app)
    assert not app.dataframe and not app.get("download_button")


def test_opening_an_incident_writes_one_viewed_row_however_often_it_is_drawn(council):
    incident_key, _, _ = latest_incident_of(council, "savecastlemeadows")
    viewed_before = audit_rows(council, audit.VIEWED_INCIDENT, CHAMPION.username)
    app = open_log_as(SAFETY_CHAMPION)
    open_incident(app, council, incident_key)
    app.run()
    viewed = audit_rows(council, audit.VIEWED_INCIDENT, CHAMPION.username)[len(viewed_before) :]
    assert viewed == [(incident_key, "incident log")]


def test_an_export_writes_an_exported_row_with_who_and_what_when_it_is_taken(council, downloads):
    exported_before = audit_rows(council, audit.EXPORTED, CHAMPION.username)
    open_log_as(SAFETY_CHAMPION)
    assert audit_rows(council, audit.EXPORTED, CHAMPION.username) == exported_before, "nothing is made until asked"
    taken(downloads, CSV_FILE)
    exported = audit_rows(council, audit.EXPORTED, CHAMPION.username)[len(exported_before) :]
    [(file_name, what)] = exported
    assert CSV_FILE.fullmatch(file_name) and what == "incident log, 1,495 incidents"


def test_an_import_and_the_choice_of_authority_are_audited(database):
    officer = f"test-{SAFETY_OFFICER}"
    app = open_app("pages/import_data.py")
    app.file_uploader(key="upload").upload("log.csv", csv_bytes(*ROWS, BAD_ROW), "text/csv")
    app.run()
    app.button(key="import").click().run()
    imported = audit_rows(database, audit.IMPORTED, officer)
    assert imported == [("log.csv", "incidents: 4 rows read, 3 inserted, 0 updated, 0 unchanged, 1 rejected")]

    app.segmented_control(key="kind").set_value("wards").run()
    wards = b"WD24CD,WD24NM,LAD24CD,LAD24NM\nE05000001,Abbey,E07000001,Testshire\nE05000002,Brook,E07000002,Otherby\n"
    app.file_uploader(key="upload").upload("wards.csv", wards, "text/csv")
    app.run()
    app.button(key="import").click().run()
    app.selectbox(key="authority").select("E07000002").run()
    app.button(key="choose_authority").click().run()
    assert not app.exception, app.exception
    assert [subject for subject, _ in audit_rows(database, audit.IMPORTED, officer)] == ["log.csv", "wards.csv"]
    assert audit_rows(database, audit.SETTING_CHANGED, officer) == [
        ("ward authority", "none chosen to E07000002 (Otherby)")
    ]


def test_rejected_rows_are_exported_through_the_audit_and_removing_the_sample_is_recorded(database, downloads):
    officer = f"test-{SAFETY_OFFICER}"
    con = store.connect(database)
    import_file(con, "incidents", csv_bytes(*ROWS, BAD_ROW), "log.csv")
    con.close()
    open_app("pages/data.py")
    taken(downloads, re.compile(r"rejected-rows-.*\.csv"))
    ((subject, detail),) = audit_rows(database, audit.EXPORTED, officer)
    assert subject.startswith("rejected-rows-") and detail.startswith("rejected rows of log.csv")

    con = store.connect(database)
    con.execute("DELETE FROM incidents")
    load_sample(con)
    con.close()
    app = open_app("pages/data.py")
    app.button(key="remove_sample").click().run()
    assert not app.exception, app.exception
    removed = audit_rows(database, audit.REMOVED_SAMPLE, officer)
    assert [subject for subject, _ in removed] == ["fictional sample council"]


def test_the_review_page_records_the_incident_viewed_and_its_meeting_pack_export(database, downloads):
    officer = f"test-{SAFETY_OFFICER}"
    con = store.connect(database)
    load_council(con)
    con.close()
    app = open_app("pages/review.py")
    assert audit_rows(database, audit.VIEWED_INCIDENT, officer) == [], "nothing is opened until it is chosen"
    app.selectbox(key="incident").set_value("ref:INC-5").run()
    assert audit_rows(database, audit.VIEWED_INCIDENT, officer) == [("ref:INC-5", "post-incident review")]
    taken(downloads, re.compile(r"review-pack-.*"))
    ((subject, detail),) = audit_rows(database, audit.EXPORTED, officer)
    assert subject.startswith("review-pack-INC-5-") and detail == "post-incident review meeting pack, incident INC-5"
