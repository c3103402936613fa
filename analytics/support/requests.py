"""The officers' queue ("New reports and requests"): every incident a councillor reports and every request for
support, each with the councillor it is about, how serious it is, its state and the officer who has it.

A request is raised `new`; an officer acknowledges it, works on it and closes it (STATES, in that order, only ever
forward). Its reference (`request_id`) is random, so it says nothing about the councillor or when it was raised.

Each threat level has a target for acknowledging: a number of working days (Monday to Friday) after the day it was
raised, 0 meaning the same day (analytics/acknowledgement.py). A request still new after its target's
day is overdue. The queue is worked by those with access.QUEUE; every change is written to the audit trail.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import duckdb
import pandas as pd

from analytics import audit, clock, store
from analytics.acknowledgement import (
    ACKNOWLEDGE_WITHIN,
    TARGET_SETTING,
    acknowledgement_targets,
    due_on,
    past_due,
)
from analytics.errors import Refusal
from analytics.governance.access import ALLOWED, QUEUE, User
from analytics.ingest.vocabulary import THREAT_LEVELS
from analytics.text_input import storable

INCIDENT_REPORT = "incident report"
SUPPORT_REQUEST = "support request"
KINDS = (INCIDENT_REPORT, SUPPORT_REQUEST)
NEW, ACKNOWLEDGED, IN_PROGRESS, CLOSED = "new", "acknowledged", "in progress", "closed"
STATES = (NEW, ACKNOWLEDGED, IN_PROGRESS, CLOSED)
OPEN_STATES = (NEW, ACKNOWLEDGED, IN_PROGRESS)
OVERDUE = "overdue"
_LONGEST_TARGET = 20
NOTE_LIMIT = 2_000


def new_reference() -> str:
    """A request's reference: random, so it says nothing about whom or when."""
    return f"R-{secrets.token_hex(4).upper()}"


def raise_request(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    councillor_key: str,
    *,
    raised_by: str,
    threat: str,
    summary: str,
    incident_key: str | None = None,
    request_id: str | None = None,
) -> str:
    """Put a new report or request at the back of the queue and record who raised it; returns its reference.
    Call it inside the transaction that stores what it is about (the incident a report puts in the log)."""
    if kind not in KINDS or threat not in THREAT_LEVELS:
        raise ValueError(f"not a request: {kind!r} at threat {threat!r}")
    request_id = request_id or new_reference()
    con.execute(
        "INSERT INTO requests (request_id, kind, councillor_key, raised_by, raised_at, threat, incident_key, summary, "
        "state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [request_id, kind, councillor_key, raised_by, clock.now(), threat, incident_key, summary, NEW],
    )
    audit.record(con, raised_by, audit.RAISED_REQUEST, request_id, f"{kind}, {threat} threat")
    return request_id


# ---- acknowledgement targets -------------------------------------------------------------------------------


def set_acknowledgement_target(con: duckdb.DuckDBPyConnection, actor: str, level: str, working_days: int) -> None:
    if level not in ACKNOWLEDGE_WITHIN:
        raise Refusal(f"{level!r} is not a threat level: choose low, medium, high or critical.")
    if not 0 <= working_days <= _LONGEST_TARGET:
        raise Refusal(f"A target is 0 (the same day) to {_LONGEST_TARGET} working days: choose a number in between.")
    with store.transaction(con):
        store.set_setting(con, TARGET_SETTING.format(level), str(working_days))
        audit.record(con, actor, audit.SETTING_CHANGED, f"acknowledge {level}", f"{working_days} working days")


def _with_targets(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
    """Each request with the day it must be acknowledged by, and whether it is new and past that day."""
    targets = acknowledgement_targets(con)
    raised = [(pd.Timestamp(at).date(), threat) for at, threat in zip(frame["raised_at"], frame["threat"], strict=True)]
    due = [due_on(day, targets[threat]) for day, threat in raised]
    overdue = [
        state == NEW and past_due(day, threat, targets, as_of.date())
        for state, (day, threat) in zip(frame["state"], raised, strict=True)
    ]
    return frame.assign(
        due_on=pd.Series(due, index=frame.index, dtype=object),
        overdue=pd.Series(overdue, index=frame.index, dtype=bool),
    )


# ---- the queue ---------------------------------------------------------------------------------------------

_QUEUE_COLUMNS = """r.request_id, r.kind, r.threat, coalesce(c.name, r.councillor_key) AS councillor, c.ward,
    r.raised_at, r.state, r.owner, r.summary, r.incident_key"""
_MOST_SERIOUS_FIRST = "r.state <> 'new', threat_rank(r.threat) DESC, r.raised_at, r.request_id"


def queue(con: duckdb.DuckDBPyConnection, as_of: datetime, most: int = 50, skip: int = 0) -> tuple[pd.DataFrame, int]:
    """A page of the open reports and requests: those not yet acknowledged first, then most serious first, then
    oldest; each with its due day and whether it is overdue; and how many are open in all."""
    open_states = list(OPEN_STATES)
    frame = con.execute(
        f"""SELECT {_QUEUE_COLUMNS} FROM requests r LEFT JOIN councillors c USING (councillor_key)
            WHERE r.state IN (SELECT unnest(?)) ORDER BY {_MOST_SERIOUS_FIRST} LIMIT ? OFFSET ?""",
        [open_states, most, skip],
    ).df()
    total = con.execute("SELECT count(*) FROM requests WHERE state IN (SELECT unnest(?))", [open_states]).fetchone()[0]
    return _with_targets(con, frame, as_of), total


def queue_counts(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, int]:
    """How many reports and requests are open in each state, and how many of them are overdue: what a safety
    champion sees of the queue."""
    frame = con.execute(
        "SELECT state, threat, raised_at FROM requests WHERE state IN (SELECT unnest(?))", [list(OPEN_STATES)]
    ).df()
    counts = {state: int((frame["state"] == state).sum()) for state in OPEN_STATES}
    return counts | {OVERDUE: int(_with_targets(con, frame, as_of)["overdue"].sum())}


# ---- working it --------------------------------------------------------------------------------------------


def _worked_by(user: User) -> None:
    if not user.may(QUEUE):
        raise Refusal("Only the safety team works the queue of reports and requests: ask a safety officer.")


def _state_of(con: duckdb.DuckDBPyConnection, request_id: str) -> str:
    row = con.execute("SELECT state FROM requests WHERE request_id = ?", [request_id]).fetchone()
    if row is None:
        raise Refusal(f"There is no report or request {request_id}: refresh the queue and choose another.")
    return row[0]


def change_state(con: duckdb.DuckDBPyConnection, user: User, request_id: str, state: str) -> bool:
    """Move a request on to `state` (acknowledged, in progress or closed); moving on from new acknowledges it.
    Returns whether anything changed: the state it is already in (a second press) changes nothing."""
    _worked_by(user)
    if state not in STATES:
        raise ValueError(f"not a state: {state!r}")
    with store.transaction(con):
        current = _state_of(con, request_id)
        if current == state:
            return False
        if STATES.index(state) < STATES.index(current):
            raise Refusal(
                f"{request_id} is {current} already: a report or request only moves forward ({', '.join(STATES)})."
            )
        now = clock.now()
        con.execute(
            """UPDATE requests SET state = ?, acknowledged_at = coalesce(acknowledged_at, ?),
                   closed_at = CASE WHEN ? = ? THEN ? ELSE closed_at END
               WHERE request_id = ?""",
            [state, now, state, CLOSED, now, request_id],
        )
        audit.record(con, user.username, audit.CHANGED_REQUEST, request_id, f"{current} to {state}")
    return True


def assign(con: duckdb.DuckDBPyConnection, user: User, request_id: str, owner: str) -> None:
    """Give a request to an officer: an active account whose role works the queue."""
    _worked_by(user)
    with store.transaction(con):
        _state_of(con, request_id)
        account = con.execute("SELECT role FROM users WHERE username = ? AND active", [owner]).fetchone()
        if account is None or QUEUE not in ALLOWED.get(account[0], frozenset()):
            raise Refusal(f"{owner} does not work the queue: give it to a safety officer or an administrator.")
        con.execute("UPDATE requests SET owner = ? WHERE request_id = ?", [owner, request_id])
        audit.record(con, user.username, audit.CHANGED_REQUEST, request_id, f"owner: {owner}")


def add_note(con: duckdb.DuckDBPyConnection, user: User, request_id: str, note: str) -> None:
    _worked_by(user)
    written = storable(note.strip())
    if not written:
        raise Refusal("The note is empty: write what was done or agreed, then add it.")
    if len(written) > NOTE_LIMIT:
        raise Refusal(f"A note is at most {NOTE_LIMIT:,} characters: shorten it, or add it as two notes.")
    with store.transaction(con):
        _state_of(con, request_id)
        con.execute("INSERT INTO request_notes VALUES (?, ?, ?, ?)", [request_id, clock.now(), user.username, written])
        audit.record(con, user.username, audit.CHANGED_REQUEST, request_id, "note added")


def notes(con: duckdb.DuckDBPyConnection, user: User, request_id: str) -> list[dict]:
    """A request's notes, oldest first, for those who work the queue."""
    _worked_by(user)
    rows = con.execute(
        "SELECT written_at, author, note FROM request_notes WHERE request_id = ? ORDER BY written_at",
        [request_id],
    ).df()
    return rows.to_dict(orient="records")


# ---- the reporter's own ------------------------------------------------------------------------------------


def raised_by_me(con: duckdb.DuckDBPyConnection, user: User) -> pd.DataFrame:
    """What a person follows of the queue, newest first: a councillor, every report and request about themselves
    (those an officer raised for them too); anyone else, those they raised."""
    if user.may(QUEUE):
        condition, value = "raised_by = ?", user.username
    elif user.councillor_key:
        condition, value = "councillor_key = ?", user.councillor_key
    else:
        condition, value = "FALSE AND ? IS NULL", None
    return con.execute(
        f"""SELECT request_id, kind, raised_at, threat, state, summary, acknowledged_at FROM requests
            WHERE {condition} ORDER BY raised_at DESC, request_id""",
        [value],
    ).df()
