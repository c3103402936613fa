"""Signed-in sessions that survive a reload or a new tab of the same browser, and end when they should.

Streamlit keeps who is signed in per websocket connection, which a reload or a new tab replaces. So signing in
also starts a session held here, and the browser that signed in is given a cookie for it:

1. the sign-in form, once the password is right, starts a session with a one-time claim code (`start`);
2. the page hands the code to the browser, whose script posts it to the dashboard's own address
   (pages/sessions.py), which exchanges it (`claim`, once, within CLAIM_FOR) for a random token in an
   HttpOnly, SameSite=Strict cookie: no script can read it, no other site can send it, and no secret is ever
   in an address;
3. every run of a page opened later in that browser finds the user by the cookie (`user_of`).

Only hashes of the code and the token are stored. A session ends at sign-out, after IDLE_FOR without a page
being used, LONGEST after it started, and when the account's password, role or switch changes (`end_all`).
The periods are settings (`session_idle_minutes`, `session_longest_hours`) with these defaults.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from datetime import timedelta

import duckdb

from analytics import clock
from analytics.store import get_setting

CLAIM_FOR = timedelta(minutes=2)
IDLE_FOR = timedelta(minutes=30)
LONGEST = timedelta(hours=10)
TOUCH_EVERY = timedelta(seconds=30)  # how often a session in use notes that it is: fewer writes, same idle period
COOKIE = "dashboard_session"
SIGNED_OUT = "signed out"
IDLE = "idle for too long"
TOO_LONG = "signed in for too long"


def _write(con: duckdb.DuckDBPyConnection, sql: str, parameters: list) -> list[tuple]:
    """One statement changing a session, tried again if it met another change to the same session at the same
    moment (the browser collecting its cookie while the page it came from is still running)."""
    for attempt in range(5):
        try:
            return con.execute(sql, parameters).fetchall()
        except duckdb.TransactionException:
            if attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))
    return []


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _periods(con: duckdb.DuckDBPyConnection) -> tuple[timedelta, timedelta]:
    idle = get_setting(con, "session_idle_minutes")
    longest = get_setting(con, "session_longest_hours")
    return (
        timedelta(minutes=float(idle)) if idle else IDLE_FOR,
        timedelta(hours=float(longest)) if longest else LONGEST,
    )


def start(con: duckdb.DuckDBPyConnection, username: str) -> tuple[str, str]:
    """A new session for `username`: its id (kept by the server) and the one-time claim code for its browser."""
    session_id, code, now = uuid.uuid4().hex, secrets.token_urlsafe(32), clock.now()
    con.execute(
        "INSERT INTO sessions VALUES (?, ?, ?, ?, NULL, ?, ?, NULL, NULL)",
        [session_id, username, _hash(code), now + CLAIM_FOR, now, now],
    )
    return session_id, code


def claim(con: duckdb.DuckDBPyConnection, code: str) -> str | None:
    """Exchange a claim code, once and in time, for the session's cookie token; None for any other code."""
    token, now = secrets.token_urlsafe(32), clock.now()
    claimed = _write(
        con,
        """UPDATE sessions SET claim_hash = NULL, claim_until = NULL, token_hash = ?, seen_at = ?
           WHERE claim_hash = ? AND claim_until >= ? AND ended_at IS NULL
           RETURNING session_id""",
        [_hash(token), now, _hash(code), now],
    )
    return token if claimed else None


def claimed(con: duckdb.DuckDBPyConnection, session_id: str) -> bool:
    """Whether the session's browser has its cookie, or can no longer get one (the code ran out, or it ended)."""
    row = con.execute(
        "SELECT token_hash IS NOT NULL OR claim_until < ? OR ended_at IS NOT NULL FROM sessions WHERE session_id = ?",
        [clock.now(), session_id],
    ).fetchone()
    return row is None or bool(row[0])


def user_of(con: duckdb.DuckDBPyConnection, token: object) -> tuple[str, str] | None:
    """The session id and user name a browser's cookie token stands for, if its session is still on."""
    if not isinstance(token, str) or not token:
        return None
    row = con.execute("SELECT session_id FROM sessions WHERE token_hash = ?", [_hash(token)]).fetchone()
    if row is None:
        return None
    username = still_on(con, row[0])
    return (row[0], username) if username else None


def still_on(con: duckdb.DuckDBPyConnection, session_id: str) -> str | None:
    """The session's user name if it is still on, noting that it is in use; ends it if it has run out."""
    row = con.execute(
        "SELECT username, started_at, seen_at, ended_at FROM sessions WHERE session_id = ?", [session_id]
    ).fetchone()
    if row is None or row[3] is not None:
        return None
    username, started_at, seen_at, _ = row
    now, (idle_for, longest) = clock.now(), _periods(con)
    ran_out = IDLE if now - seen_at > idle_for else TOO_LONG if now - started_at > longest else None
    if ran_out:
        end(con, session_id, ran_out)
        return None
    if now - seen_at > TOUCH_EVERY:
        _write(con, "UPDATE sessions SET seen_at = ? WHERE session_id = ?", [now, session_id])
    return username


def end(con: duckdb.DuckDBPyConnection, session_id: str, why: str) -> None:
    _write(
        con,
        "UPDATE sessions SET ended_at = ?, ended_why = ? WHERE session_id = ? AND ended_at IS NULL",
        [clock.now(), why, session_id],
    )


def end_all(con: duckdb.DuckDBPyConnection, username: str, why: str) -> None:
    """End every session of an account: its password, role or switch changed."""
    _write(
        con,
        "UPDATE sessions SET ended_at = ?, ended_why = ? WHERE username = ? AND ended_at IS NULL",
        [clock.now(), why, username],
    )
