"""The audit trail: who did what, and when, to the data about councillors and the people who abuse them.

The app only ever adds to it: nothing here updates or deletes an entry, and retention purges leave it alone.
"""

from __future__ import annotations

import getpass
import socket
from datetime import date, timedelta

import duckdb
import pandas as pd

from analytics import clock
from analytics.text_input import storable

SIGNED_IN = "signed in"
SIGN_IN_FAILED = "sign-in failed"
SIGNED_OUT = "signed out"
IMPORTED = "imported"
EXPORTED = "exported"
VIEWED_INCIDENT = "viewed incident"
USER_CHANGED = "changed user"
SETTING_CHANGED = "changed setting"
PURGED = "purged"
REMOVED_SAMPLE = "removed sample data"
RAISED_REQUEST = "raised a report or request"
CHANGED_REQUEST = "changed a report or request"
COMPLETED_OWN_RISK = "completed an own risk assessment"
RECORDED_INDIVIDUAL_RISK = "recorded an individual risk assessment"
ACTIONS = (
    SIGNED_IN,
    SIGN_IN_FAILED,
    SIGNED_OUT,
    IMPORTED,
    EXPORTED,
    VIEWED_INCIDENT,
    USER_CHANGED,
    SETTING_CHANGED,
    PURGED,
    REMOVED_SAMPLE,
    RAISED_REQUEST,
    CHANGED_REQUEST,
    COMPLETED_OWN_RISK,
    RECORDED_INDIVIDUAL_RISK,
)


def command_line_actor() -> str:
    """Who the command line acts as: the operating-system account, since it needs no sign-in."""
    return f"command line ({getpass.getuser()}@{socket.gethostname()})"


def record(con: duckdb.DuckDBPyConnection, actor: str, action: str, subject: str = "", detail: str = "") -> None:
    """Add one entry. `subject` is what was acted on (a file, an incident, an account); `detail` says more."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    con.execute(
        "INSERT INTO audit_log (logged_at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        [clock.now(), storable(actor), action, storable(subject) or None, storable(detail) or None],
    )


def record_import(con: duckdb.DuckDBPyConnection, actor: str, dataset: str, file_name: str, summary: dict) -> None:
    """An import, with what it did to the rows, as the import's own summary counts them."""
    counts = ", ".join(
        f"{summary[name]:,} {name.replace('_', ' ')}" for name in summary if isinstance(summary[name], int)
    )
    record(con, actor, IMPORTED, file_name, f"{dataset}: {counts}")


def entries(
    con: duckdb.DuckDBPyConnection,
    *,
    start: date | None = None,
    end: date | None = None,
    actions: tuple[str, ...] = (),
    actor: str = "",
    limit: int | None = 500,
) -> pd.DataFrame:
    """The trail, newest first, narrowed by day, action and (part of) the actor's name."""
    clauses, parameters = ["TRUE"], []
    if start:
        clauses.append("logged_at >= ?")
        parameters.append(start)
    if end:
        clauses.append("logged_at < ?")
        parameters.append(end + timedelta(days=1))
    if actions:
        clauses.append("list_contains(?, action)")
        parameters.append(list(actions))
    if actor:
        clauses.append("contains(lower(actor), lower(?))")
        parameters.append(actor)
    sql = (
        """SELECT logged_at AS "When", actor AS "Who", action AS "What", coalesce(subject, '') AS "Which", """
        f"""coalesce(detail, '') AS "Detail" FROM audit_log WHERE {" AND ".join(clauses)} ORDER BY entry DESC"""
    )
    if limit is not None:
        sql += " LIMIT ?"
        parameters.append(limit)
    return con.execute(sql, parameters).df()


def count_entries(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
