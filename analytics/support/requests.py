"""The officers' queue ("New reports and requests"): every incident a councillor reports and every request for
support, each with the councillor it is about, how serious it is, its state and the officer who has it.

A request is raised `new`; an officer acknowledges it, works on it and closes it (STATES, in that order). Its
reference (`request_id`) is random, so it says nothing about the councillor or when it was raised.
"""

from __future__ import annotations

import secrets

import duckdb

from analytics import audit, clock
from analytics.ingest.vocabulary import THREAT_LEVELS

INCIDENT_REPORT = "incident report"
SUPPORT_REQUEST = "support request"
KINDS = (INCIDENT_REPORT, SUPPORT_REQUEST)
NEW, ACKNOWLEDGED, IN_PROGRESS, CLOSED = "new", "acknowledged", "in progress", "closed"
STATES = (NEW, ACKNOWLEDGED, IN_PROGRESS, CLOSED)


def raise_request(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    councillor_key: str,
    *,
    raised_by: str,
    threat: str,
    summary: str,
    incident_key: str | None = None,
) -> str:
    """Put a new report or request at the back of the queue and record who raised it; returns its reference.
    Call it inside the transaction that stores what it is about (the incident a report puts in the log)."""
    if kind not in KINDS or threat not in THREAT_LEVELS:
        raise ValueError(f"not a request: {kind!r} at threat {threat!r}")
    request_id = f"R-{secrets.token_hex(4).upper()}"
    con.execute(
        "INSERT INTO requests (request_id, kind, councillor_key, raised_by, raised_at, threat, incident_key, summary, "
        "state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [request_id, kind, councillor_key, raised_by, clock.now(), threat, incident_key, summary, NEW],
    )
    audit.record(con, raised_by, audit.RAISED_REQUEST, request_id, f"{kind}, {threat} threat")
    return request_id
