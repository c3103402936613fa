"""The sample council's individual risk assessments, so "Record an individual risk assessment" and the
self-assessment's indicators have something to show: three recorded by an officer for two fictional councillors
through analytics.support.individual_risk, dated some months before the clock's today (so the sample reads the same
whichever month it is moved to). Mark Tennant's two show a level raised; Jonathan Fairweather is left out of date,
for an officer to reassess.

They are recorded by SAMPLE_ACCOUNT, which no one signs in as; removing the sample removes them by that account.
"""

from __future__ import annotations

import duckdb

from analytics import clock
from analytics.governance.access import SAFETY_OFFICER, User
from analytics.months import months_before
from analytics.sample.sample_own_risk import SAMPLE_ACCOUNT
from analytics.support import individual_risk

# (councillor, months before today, level, offered, accepted, notes)
ASSESSMENTS = [
    ("Mark Tennant", 8, "medium", ["personal safety advice", "safety app"], ["safety app"],
     "Surgery in Riverside library; agreed to use the safety app when working alone."),
    ("Lucy Haverill", 2, "high",
     ["home security assessment", "cctv or video doorbell", "police liaison", "personal safety advice"],
     ["cctv or video doorbell", "police liaison"],
     "Assessed with the neighbourhood policing team after repeated threats; home security visit declined."),
    ("Mark Tennant", 1, "high",
     ["home security assessment", "cctv or video doorbell", "police liaison", "personal safety advice"],
     ["home security assessment", "personal safety advice"],
     "Level raised after repeated threats online; police liaison to be reviewed at the next assessment."),
]  # fmt: skip


def load_individual_assessments(con: duckdb.DuckDBPyConnection) -> None:
    """Record the sample's assessments for those of its councillors in the register (all, unless it was edited)."""
    officer = User(SAMPLE_ACCOUNT, "Sample safety officer", SAFETY_OFFICER)
    for name, months, level, offered, accepted, notes in ASSESSMENTS:
        found = con.execute("SELECT councillor_key FROM councillors WHERE name = ?", [name]).fetchone()
        if found is None:
            continue
        individual_risk.record(
            con, officer, found[0], level=level, assessed_on=months_before(clock.today(), months), offered=offered,
            accepted=accepted, notes=notes,
        )  # fmt: skip


def remove_individual_assessments(con: duckdb.DuckDBPyConnection) -> None:
    """Delete what load_individual_assessments recorded; call it inside the sample's removal."""
    con.execute("DELETE FROM individual_risk_assessments WHERE recorded_by = ?", [SAMPLE_ACCOUNT])
