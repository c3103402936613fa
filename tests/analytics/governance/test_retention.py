"""Retention on a small council whose imports are dated years back: the preview's counts, and the purge."""

from datetime import date, datetime

import pandas as pd
import pytest

from analytics import audit, store
from analytics.assessment.reviews import record_review
from analytics.governance import retention
from analytics.governance.access import SAFETY_OFFICER, User
from analytics.ingest.importing import import_file
from analytics.support.evidence import attach
from analytics.support.reports import save_draft
from analytics.support.requests import INCIDENT_REPORT, SUPPORT_REQUEST, add_note, raise_request
from analytics.surveys.surveys import import_survey
from tests.builders import councillor, incident, load_wards

TODAY = date(2026, 6, 1)  # every default cut-off is 1 June 2020, but rejected rows' is 1 June 2025
TABLES = [
    "incidents",
    "incident_versions",
    "incident_reviews",
    "review_mitigations",
    "review_actions",
    "councillor_versions",
    "quarantine",
    "survey_waves",
    "survey_questions",
    "survey_answers",
]
BAD_ROW = incident("31/02/2016", "Ann Abbot", "Abbey", "email", "verbal abuse", incident_ref="INC-BAD")


def log(ref: str, status: str, description: str = "") -> dict:
    return incident(
        "2016-01-05", "Ann Abbot", "Abbey", "email", "verbal abuse", incident_ref=ref, status=status,
        description=description,
    )  # fmt: skip


def imported_on(con, rows: list[dict], day: str, dataset: str = "incidents") -> None:
    """Import `rows` and date the import `day`, as if it had happened then."""
    data = pd.DataFrame(rows).fillna("").to_csv(index=False).encode()
    batch_id = import_file(con, dataset, data, f"{dataset}-{day}.csv").batch_id
    con.execute("UPDATE import_batches SET imported_at = ? WHERE batch_id = ?", [datetime.fromisoformat(day), batch_id])


def survey_on(con, wave: str, day: str) -> None:
    import_survey(con, b"Respondent ID,Any comments?\nR1,None\n", f"survey-{wave}.csv", wave=wave)
    con.execute("UPDATE survey_waves SET imported_at = ? WHERE label = ?", [datetime.fromisoformat(day), wave])


def review(con, ref: str, **fields) -> None:
    record_review(con, f"ref:{ref}", date(2019, 4, 1), ["councillor"], None, None, None, **fields)


@pytest.fixture
def council(con):
    """INC-1 (closed, changed in 2019, reviewed) and INC-2 (closed in 2016) are past six years; INC-3 (open) and
    INC-4 (under review) are as old but never go; INC-5 (closed) changed in 2025. Versions replaced in 2019 are
    past their period, the one replaced in 2025 is not; rejected rows from 2016 and April 2025 are past a year, the
    one from May 2026 is not; the 2018 survey wave is past six years, the 2025 one is not."""
    load_wards(con, {"Abbey": 1, "Brook": 1})
    con.execute("UPDATE import_batches SET imported_at = '2016-01-01'")
    ann, bob = councillor("Ann Abbot", "Abbey"), councillor("Bob Brook", "Brook")
    imported_on(con, [ann, bob], "2016-01-01", "councillors")
    imported_on(con, [{**ann, "party": "Green"}, bob], "2019-02-01", "councillors")
    imported_on(con, [{**ann, "party": "Green"}, {**bob, "party": "Reform"}], "2025-04-01", "councillors")
    statuses = {"INC-1": "closed", "INC-2": "closed", "INC-3": "open", "INC-4": "under review", "INC-5": "closed"}
    imported_on(con, [log(ref, status) for ref, status in statuses.items()] + [BAD_ROW], "2016-01-10")
    changed = [log("INC-1", "closed", "changed"), log("INC-3", "open", "changed"), log("INC-5", "closed", "changed")]
    imported_on(con, changed, "2019-03-01")
    imported_on(con, [log("INC-5", "closed", "changed again"), BAD_ROW], "2025-04-01")
    imported_on(con, [log("INC-6", "open"), BAD_ROW], "2026-05-01")
    mitigations = {"personal safety alarm": "effective", "cctv or video doorbell": "not tried"}
    review(con, "INC-1", mitigations=mitigations, actions=[{"action": "Move the surgery"}])
    review(con, "INC-3", mitigations={}, actions=[])
    review(con, "INC-5", mitigations={}, actions=[])
    survey_on(con, "2018", "2018-05-01")
    survey_on(con, "2025", "2025-05-01")
    return con


def counts(con) -> dict[str, int]:
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def refs(con) -> list[str]:
    return [ref for (ref,) in con.execute("SELECT incident_ref FROM incidents ORDER BY incident_ref").fetchall()]


def test_the_defaults_and_their_cut_offs(council):
    assert retention.periods(council) == {
        retention.CLOSED_INCIDENTS: 72,
        retention.EARLIER_VERSIONS: 72,
        retention.REJECTED_ROWS: 12,
        retention.SURVEY_WAVES: 72,
        retention.RISK_ASSESSMENTS: 36,
        retention.SUPPORT_REQUESTS: 36,
        retention.UNSENT_REPORTS: 3,
    }
    assert retention.cut_offs(council, TODAY) == {
        retention.CLOSED_INCIDENTS: date(2020, 6, 1),
        retention.EARLIER_VERSIONS: date(2020, 6, 1),
        retention.REJECTED_ROWS: date(2025, 6, 1),
        retention.SURVEY_WAVES: date(2020, 6, 1),
        retention.RISK_ASSESSMENTS: date(2023, 6, 1),
        retention.SUPPORT_REQUESTS: date(2023, 6, 1),
        retention.UNSENT_REPORTS: date(2026, 3, 1),
    }


def test_preview_counts_what_is_past_its_period(council):
    due = retention.preview(council, TODAY).set_index("record_type")
    assert due["rows"].to_dict() == {
        retention.CLOSED_INCIDENTS: 7,
        retention.EARLIER_VERSIONS: 3,
        retention.REJECTED_ROWS: 2,
        retention.SURVEY_WAVES: 3,
        retention.RISK_ASSESSMENTS: 0,
        retention.SUPPORT_REQUESTS: 0,
        retention.UNSENT_REPORTS: 0,
    }
    assert due["detail"].to_dict() == {
        retention.CLOSED_INCIDENTS: "2 closed incidents, 1 earlier version, 1 review, 2 mitigation ratings and "
        "1 review action",
        retention.EARLIER_VERSIONS: "2 earlier incident versions and 1 earlier councillor version",
        retention.REJECTED_ROWS: "2 rejected rows",
        retention.SURVEY_WAVES: "1 survey wave, 1 question and 1 answer",
        retention.RISK_ASSESSMENTS: "0 own risk assessments",
        retention.SUPPORT_REQUESTS: "0 closed requests for support",
        retention.UNSENT_REPORTS: "0 unsent reports",
    }
    assert (
        due.loc[retention.CLOSED_INCIDENTS, "kept_for"] == "6 years after the import of the incident's current version"
    )
    assert due.loc[retention.REJECTED_ROWS, "cut_off"] == date(2025, 6, 1)


def test_preview_changes_nothing(council):
    before = counts(council)
    retention.preview(council, TODAY)
    assert counts(council) == before


def test_purge_deletes_exactly_what_the_preview_showed(council):
    before, shown = counts(council), retention.preview(council, TODAY)
    entries_before = audit.count_entries(council)
    purged = retention.purge(council, "admin", TODAY)
    pd.testing.assert_frame_equal(purged, shown)
    after = counts(council)
    assert sum(before.values()) - sum(after.values()) == shown["rows"].sum()
    assert refs(council) == ["INC-3", "INC-4", "INC-5", "INC-6"], "open, under review and recent incidents stay"
    assert after["incident_versions"] == 1 and after["councillor_versions"] == 1, "the versions replaced in 2025"
    assert (after["incident_reviews"], after["review_mitigations"], after["review_actions"]) == (2, 0, 0)
    assert after["quarantine"] == 1 and after["survey_waves"] == 1
    assert audit.count_entries(council) == entries_before + 7, (
        "the audit trail keeps every entry and gains one a record type"
    )


def test_purge_writes_one_audit_entry_a_record_type(council):
    retention.purge(council, "admin", TODAY)
    purges = audit.entries(council, actions=(audit.PURGED,))
    assert set(purges["Who"]) == {"admin"} and len(purges) == 7
    assert set(purges["Detail"]) == {
        "2 closed incidents, 1 earlier version, 1 review, 2 mitigation ratings and 1 review action, "
        "from before 1 June 2020",
        "2 earlier incident versions and 1 earlier councillor version, from before 1 June 2020",
        "2 rejected rows, from before 1 June 2025",
        "1 survey wave, 1 question and 1 answer, from before 1 June 2020",
        "0 own risk assessments, from before 1 June 2023",
        "0 closed requests for support, from before 1 June 2023",
        "0 unsent reports, from before 1 March 2026",
    }


def test_a_second_purge_deletes_nothing(council):
    retention.purge(council, "admin", TODAY)
    before = counts(council)
    again = retention.purge(council, "admin", TODAY)
    assert again["rows"].tolist() == [0] * 7 and counts(council) == before
    assert again.loc[0, "detail"] == "0 closed incidents"


def test_a_purge_that_fails_deletes_nothing(council, monkeypatch):
    before = counts(council)

    def refuse(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", refuse)
    with pytest.raises(RuntimeError):
        retention.purge(council, "admin", TODAY)
    assert counts(council) == before


def test_set_period_keeps_the_new_period_and_audits_old_and_new(council):
    retention.set_period(council, retention.REJECTED_ROWS, 24, "admin")
    assert retention.periods(council)[retention.REJECTED_ROWS] == 24
    changed = audit.entries(council, actions=(audit.SETTING_CHANGED,))
    assert changed[["Who", "Which", "Detail"]].values.tolist() == [
        ["admin", "retention of rows kept aside at import because they could not be imported", "1 year to 2 years"]
    ]
    due = retention.preview(council, TODAY).set_index("record_type")
    assert due.loc[retention.REJECTED_ROWS, "rows"] == 1, "only the 2016 row is over two years old"
    retention.set_period(council, retention.REJECTED_ROWS, 24, "admin")
    assert len(audit.entries(council, actions=(audit.SETTING_CHANGED,))) == 1, "no change, no entry"


@pytest.mark.parametrize(("record_type", "months"), [(retention.SURVEY_WAVES, 0), ("everything", 12)])
def test_set_period_refuses_no_period_and_unknown_record_types(council, record_type, months):
    with pytest.raises(ValueError):
        retention.set_period(council, record_type, months, "admin")
    assert audit.entries(council, actions=(audit.SETTING_CHANGED,)).empty


def test_periods_are_kept_in_the_database(council):
    retention.set_period(council, retention.SURVEY_WAVES, 18, "admin")
    assert store.get_setting(council, "retention_months_survey_waves") == "18"
    assert retention.period_in_words(18) == "18 months" and retention.period_in_words(12) == "1 year"


def test_a_closed_incident_s_report_notes_and_evidence_go_with_it(council):
    officer = User("officer", "Officer", SAFETY_OFFICER)
    reports = {
        ref: raise_request(
            council, INCIDENT_REPORT, "ann abbot", raised_by="ann", threat="low", summary="x", incident_key=f"ref:{ref}"
        )  # fmt: skip
        for ref in ("INC-2", "INC-3")
    }
    for request_id in reports.values():
        add_note(council, officer, request_id, "Rang her")
        attach(council, officer, request_id, b"%PDF-1.7 " + request_id.encode(), "letter.pdf")
    retention.purge(council, "admin", TODAY)
    kept = {table: council.execute(f"SELECT list(request_id ORDER BY request_id) FROM {table}").fetchone()[0]
            for table in ("requests", "request_notes", "evidence")}  # fmt: skip
    assert kept == {table: [reports["INC-3"]] for table in kept}, "the open incident's stay"


def test_assessments_closed_requests_for_support_and_unsent_reports_go_after_their_periods(council):
    officer = User("officer", "Officer", SAFETY_OFFICER)
    old_closed, recent_closed, old_open = (
        raise_request(council, SUPPORT_REQUEST, "ann abbot", raised_by="ann", threat="low", summary="x")
        for _ in range(3)
    )
    for request_id, closed_at in ((old_closed, "2023-05-31 17:00"), (recent_closed, "2023-06-01 09:00")):
        add_note(council, officer, request_id, "Rang her")
        council.execute(
            "UPDATE requests SET state = 'closed', closed_at = ? WHERE request_id = ?", [closed_at, request_id]
        )
    council.execute("UPDATE requests SET raised_at = '2020-01-01'")
    save_draft(council, "ann", {"description": "Shouted at me"})
    save_draft(council, "bob", {"description": "A letter"})
    council.execute("UPDATE report_drafts SET saved_at = '2026-02-28 23:00' WHERE username = 'ann'")
    own = [(f"A-{day}", day) for day in ("2023-05-31", "2023-06-01")]
    for assessment_id, day in own:
        council.execute(
            "INSERT INTO own_risk_assessments VALUES "
            "(?, 'ann abbot', 'ann', ?, ?, '{}', 0, 'low', [], [], [], '[]', ?, NULL)",
            [assessment_id, day, day, day])  # fmt: skip
        council.execute(
            "INSERT INTO individual_risk_assessments VALUES (?, 'ann abbot', ?, 'low', [], [], NULL, ?, 'officer', ?)",
            [f"I-{day}", day, day, day])  # fmt: skip
    retention.purge(council, "admin", TODAY)
    left = {table: [row[0] for row in council.execute(f"SELECT {column} FROM {table} ORDER BY 1").fetchall()]
            for table, column in (("own_risk_assessments", "assessment_id"), ("individual_risk_assessments",
            "assessment_id"), ("requests", "request_id"), ("report_drafts", "username"))}  # fmt: skip
    assert left == {
        "own_risk_assessments": ["A-2023-06-01"],
        "individual_risk_assessments": ["I-2023-06-01"],
        "requests": sorted([recent_closed, old_open]),
        "report_drafts": ["bob"],
    }
    assert council.execute("SELECT list(request_id) FROM request_notes").fetchone()[0] == [recent_closed]
