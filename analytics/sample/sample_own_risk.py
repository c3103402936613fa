"""The sample council's councillors' own risk assessments, so "Assess my own risk" and the self-assessment's
indicators have something to show: three fictional councillors' answers, assessed and kept through
analytics.support.own_risk as a councillor's would be, dated some months before the clock's today (so the sample
reads the same whichever month it is moved to), one of them with a request for an officer to get in touch,
acknowledged the next day and being worked on.

They are kept as completed by SAMPLE_ACCOUNT, which no one signs in as; removing the sample removes them, and the
requests raised from them, by that account.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import duckdb

from analytics import clock
from analytics.governance.access import COUNCILLOR, User
from analytics.months import months_before
from analytics.support import own_risk
from analytics.support.requests import IN_PROGRESS

SAMPLE_ACCOUNT = "sample council (fictional)"
_QUIET = {
    "cabinet": "no", "chair": "no", "planning_or_licensing": "no", "contentious_issues": "no",
    "media_profile": "rarely or never", "surgeries": "I do not hold surgeries", "home_visits": "no",
    "lone_working": "no", "evening_meetings": "no", "rural_travel": "no", "social_media": "no",
    "address_published": "no",
}  # fmt: skip
# (councillor, months before today, answers beyond the quiet ones, asks for an officer to get in touch)
ASSESSMENTS = [
    ("Fatima Hussain-Carr", 1, {"surgeries": "in a community venue", "social_media": "public accounts as a councillor",
                                "address_published": "yes", "protected_characteristics": "yes"}, True),
    ("David Lorrimer", 2, {"evening_meetings": "yes", "rural_travel": "yes",
                           "surgeries": "in a council building with staff nearby"}, False),
    ("Mohammed Sadiq-Ellis", 5, {"social_media": "a personal account only", "lives_alone": "prefer not to say"},
     False),
]  # fmt: skip


def load_own_assessments(con: duckdb.DuckDBPyConnection) -> None:
    """Keep the sample's assessments for those of its councillors in the register (all, unless it was edited)."""
    today = clock.today()
    for name, months, answers, asks in ASSESSMENTS:
        found = con.execute("SELECT councillor_key FROM councillors WHERE name = ?", [name]).fetchone()
        if found is None:
            continue
        councillor = User(SAMPLE_ACCOUNT, name, COUNCILLOR, found[0])
        assessment = own_risk.assess(con, found[0], _QUIET | answers, months_before(today, months))
        kept = own_risk.save(con, councillor, assessment)
        if asks:
            _worked_on(con, own_risk.ask_for_contact(con, councillor, kept), assessment.completed_on)


def _worked_on(con: duckdb.DuckDBPyConnection, request_id: str, asked_on: date) -> None:
    """A request asked for on the day of the assessment, acknowledged the next morning and being worked on."""
    raised = datetime.combine(asked_on, time(10))
    con.execute(
        "UPDATE requests SET raised_at = ?, acknowledged_at = ?, state = ? WHERE request_id = ?",
        [raised, raised + timedelta(hours=23), IN_PROGRESS, request_id],
    )


def remove_own_assessments(con: duckdb.DuckDBPyConnection) -> None:
    """Delete what load_own_assessments kept; call it inside the sample's removal."""
    con.execute("DELETE FROM own_risk_assessments WHERE completed_by = ?", [SAMPLE_ACCOUNT])
    con.execute(
        "DELETE FROM request_notes WHERE request_id IN (SELECT request_id FROM requests WHERE raised_by = ?)",
        [SAMPLE_ACCOUNT],
    )
    con.execute("DELETE FROM requests WHERE raised_by = ?", [SAMPLE_ACCOUNT])
