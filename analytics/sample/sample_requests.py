"""The sample council's queue, so "New reports and requests" and "Report an incident" have something to show: three of
its latest incidents as if reported in the dashboard (one new and overdue, one acknowledged, one in progress) and a
request for support raised yesterday. They are about incidents already in its log, so no figure changes, and they
go when the sample is removed.

None is high or critical: a serious report raised now goes to the top of the queue, above every sample one.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import duckdb

from analytics import clock
from analytics.support.requests import ACKNOWLEDGED, IN_PROGRESS, INCIDENT_REPORT, SUPPORT_REQUEST, raise_request

RAISED_BY = "sample councillor (fictional)"
_STATES = (None, ACKNOWLEDGED, IN_PROGRESS)  # of the three reports, newest first
_MORNING = time(10, 0)


def raise_sample_requests(con: duckdb.DuckDBPyConnection) -> None:
    """Put the sample's reports and request in the queue (inside load_sample's transaction)."""
    latest = con.execute(
        """SELECT incident_key, councillor_key, threat, occurred_on, abuse_types, channel FROM incident_facts
           WHERE threat IN ('low', 'medium') AND councillor_key IN (SELECT councillor_key FROM councillors)
           ORDER BY occurred_on DESC, incident_key LIMIT 3"""
    ).fetchall()
    for (incident_key, councillor_key, threat, occurred_on, kinds, channel), state in zip(
        latest, _STATES, strict=False
    ):
        summary = f"{'; '.join(kinds).capitalize()}, {channel}, {occurred_on.day} {occurred_on:%B %Y}"
        request_id = raise_request(
            con, INCIDENT_REPORT, councillor_key, raised_by=RAISED_BY, threat=threat, summary=summary,
            incident_key=incident_key,
        )  # fmt: skip
        _raised_on(con, request_id, datetime.combine(occurred_on, _MORNING), state)
    if latest:
        request_id = raise_request(
            con, SUPPORT_REQUEST, latest[0][1], raised_by=RAISED_BY, threat="medium",
            summary="Would like an officer to call about holding surgeries safely",
        )  # fmt: skip
        _raised_on(con, request_id, datetime.combine(clock.today() - timedelta(days=1), _MORNING), None)


def _raised_on(con: duckdb.DuckDBPyConnection, request_id: str, raised_at: datetime, state: str | None) -> None:
    """A sample request as if raised on a past day, and worked on the day after when it has a state."""
    worked = raised_at + timedelta(days=1) if state else None
    con.execute(
        "UPDATE requests SET raised_at = ?, state = coalesce(?, state), acknowledged_at = ? WHERE request_id = ?",
        [raised_at, state, worked, request_id],
    )


def remove_sample_requests(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "DELETE FROM request_notes WHERE request_id IN (SELECT request_id FROM requests WHERE raised_by = ?)",
        [RAISED_BY],
    )
    con.execute("DELETE FROM requests WHERE raised_by = ?", [RAISED_BY])
