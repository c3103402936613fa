"""A councillor reporting an incident: stored through the import path as a record of its own source, triaged with
the log's rules, linked to repeat perpetrators, with a report in the queue raised in the same transaction."""

from dataclasses import replace
from datetime import date

import duckdb
import pytest

from analytics import audit
from analytics.errors import Refusal
from analytics.governance.access import COUNCILLOR, SAFETY_CHAMPION, SAFETY_OFFICER, User
from analytics.incidents.facts import RESPONSES
from analytics.support import reports
from analytics.support.reports import DEFAULT_CONTACT, Report, clear_draft, draft, report_incident, save_draft
from analytics.support.requests import INCIDENT_REPORT, NEW
from tests.analytics.support.helpers import council

ANN = User("ann", "Ann Abbot", COUNCILLOR, "c1")
OFFICER = User("officer", "Officer", SAFETY_OFFICER)
SURGERY_THREAT = Report(
    description="A man said he would hurt me after the surgery.",
    occurred_on=date(2026, 11, 23),  # a Monday; the clock is Tuesday 24 November 2026
    channel="ward surgery",
    threat="of violence",
    perpetrator_ref="@angryman",
    police_told="yes",
    crime_reference="CR/123",
)


@pytest.fixture
def fernwick(built_by):
    return built_by(council)


def test_a_report_is_in_the_log_as_its_own_source_triaged_and_in_the_queue(fernwick):
    receipt = report_incident(fernwick, ANN, "c1", SURGERY_THREAT, "sub-1")
    row = fernwick.execute(
        """SELECT f.incident_ref, f.councillor, f.ward, f.channel, f.abuse_types, f.status, f.reported_on,
                  f.reported_to_police, f.police_reference, f.threat, f.threat_derived, f.perpetrator_incidents,
                  b.file_name
           FROM incident_facts f JOIN import_batches b USING (batch_id) WHERE f.incident_ref = ?""",
        [receipt.reference],
    ).fetchone()
    assert row[:10] == (
        receipt.reference,
        "Ann Abbot",
        "Abbey",
        "ward surgery",
        ["threat of violence"],
        "open",
        date(2026, 11, 24),
        True,
        "CR/123",
        "critical",  # a threat of violence is high, and one more for the third incident by the same person
    )
    assert row[10] is True and row[11] == 3
    assert row[12].startswith("Reported in the dashboard")
    request = fernwick.execute(
        "SELECT kind, councillor_key, raised_by, threat, state, incident_key FROM requests WHERE request_id = ?",
        [receipt.reference],
    ).fetchone()
    incident_key = fernwick.execute(
        "SELECT incident_key FROM incidents WHERE incident_ref = ?", [receipt.reference]
    ).fetchone()[0]
    assert request == (INCIDENT_REPORT, "c1", "ann", "critical", NEW, incident_key)
    assert fernwick.execute("SELECT count(*) FROM audit_log WHERE action = ?", [audit.RAISED_REQUEST]).fetchone()[0]


def test_the_receipt_says_what_happens_next(fernwick):
    receipt = report_incident(fernwick, ANN, "c1", replace(SURGERY_THREAT, perpetrator_ref=""), "sub-1")
    assert receipt.threat == "high"
    assert receipt.response == RESPONSES["high"]
    assert receipt.contact == DEFAULT_CONTACT
    assert receipt.due_on == date(2026, 11, 25)  # next working day
    assert not receipt.call_999_first
    death = report_incident(fernwick, ANN, "c1", replace(SURGERY_THREAT, threat="death threat"), "sub-2")
    assert (death.threat, death.due_on, death.call_999_first) == ("critical", date(2026, 11, 24), True)


def test_social_media_keeps_its_platform_and_link_and_who_they_are(fernwick):
    report = Report(
        description="Abusive replies.",
        occurred_on=date(2026, 11, 20),
        channel="social media",
        platform="Facebook",
        link="https://facebook.com/post/1",
        abuse_types=("verbal abuse",),
        characteristics=("sex",),
    )
    receipt = report_incident(fernwick, ANN, "c1", report, "sub-1")
    row = fernwick.execute(
        "SELECT platform, protected_characteristics, description, reported_to_police, threat FROM incident_facts "
        "WHERE incident_ref = ?",
        [receipt.reference],
    ).fetchone()
    assert row[:2] == ("Facebook", ["sex"])
    assert "https://facebook.com/post/1" in row[2]
    assert row[3] is None and row[4] == "low"


def test_a_second_press_of_send_stores_nothing_more(fernwick):
    first = report_incident(fernwick, ANN, "c1", SURGERY_THREAT, "sub-1")
    again = report_incident(fernwick, ANN, "c1", SURGERY_THREAT, "sub-1")
    assert again == first
    assert fernwick.execute("SELECT count(*) FROM requests").fetchone()[0] == 1
    assert fernwick.execute("SELECT count(*) FROM incidents WHERE incident_ref LIKE 'R-%'").fetchone()[0] == 1


def test_an_officer_reports_for_a_councillor_and_a_councillor_only_for_themselves(fernwick):
    receipt = report_incident(fernwick, OFFICER, "c2", SURGERY_THREAT, "sub-1")
    assert fernwick.execute(
        "SELECT councillor, raised_by FROM incidents JOIN requests ON request_id = incident_ref"
    ).fetchall() == [("Ben Brook", "officer")]
    assert receipt.reference
    with pytest.raises(Refusal, match="yourself"):
        report_incident(fernwick, ANN, "c2", SURGERY_THREAT, "sub-2")
    with pytest.raises(Refusal):
        report_incident(fernwick, User("champ", "Champ", SAFETY_CHAMPION), "c2", SURGERY_THREAT, "sub-3")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"description": "  "}, "what happened"),
        ({"occurred_on": None}, "when"),
        ({"occurred_on": date(2026, 11, 25)}, "future"),
        ({"channel": None}, "where or how"),
        ({"threat": "none", "abuse_types": ()}, "kind of abuse"),
        ({"channel": "social media", "platform": ""}, "platform"),
    ],
)
def test_a_report_missing_an_answer_is_refused_and_nothing_stored(fernwick, change, words):
    with pytest.raises(Refusal, match=words):
        report_incident(fernwick, ANN, "c1", replace(SURGERY_THREAT, **change), "sub-1")
    assert fernwick.execute("SELECT count(*) FROM requests").fetchone()[0] == 0


def test_a_councillor_not_in_the_register_is_refused(fernwick):
    with pytest.raises(Refusal, match="register"):
        report_incident(fernwick, OFFICER, "c9", SURGERY_THREAT, "sub-1")
    with pytest.raises(Refusal, match="linked"):
        report_incident(fernwick, User("lost", "Lost", COUNCILLOR, None), None, SURGERY_THREAT, "sub-1")


def test_a_draft_is_kept_per_account_until_cleared(con):
    assert draft(con, "ann") is None
    save_draft(con, "ann", {"description": "Half of it", "kinds": ["intimidation"], "occurred_on": "2026-11-23"})
    save_draft(con, "ann", {"description": "Half of it, and more"})
    assert draft(con, "ann") == {"description": "Half of it, and more"}
    assert draft(con, "ben") is None
    clear_draft(con, "ann")
    assert draft(con, "ann") is None


def test_a_clash_with_another_write_is_refused_in_a_sentence(fernwick, monkeypatch):
    def clashing(*args, **kwargs):
        raise duckdb.TransactionException("Conflict on update")

    monkeypatch.setattr(reports, "commit", clashing)
    with pytest.raises(Refusal, match="send the report again"):
        report_incident(fernwick, ANN, "c1", SURGERY_THREAT, "sub-1")
