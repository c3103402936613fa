"""Accounts: who may sign in, with what role, and the checks on a sign-in.

Passwords are kept only as argon2id hashes, and a new one must be hard to guess (zxcvbn's estimate, which knows the
common passwords, words, names and keyboard patterns). People who sign in with the council's own account (Microsoft
Entra ID and other OpenID Connect providers, through `st.login`) are matched to an account here by their e-mail
address, which is also their user name. Every sign-in, failed sign-in and change to an account is written to the
audit trail.

Guessing passwords is slowed two ways. Five wrong passwords in a row lock an account for 15 minutes, then 30, 60
and so on up to a day, against every client (address) that has failed a sign-in in the last 15 minutes; a client
that has not, such as the administrator's own computer, can still sign in with the right password, so no one can
keep an account locked out. And a client with ten failed sign-ins in 15 minutes is refused for every account until
they age. Each attempt is counted as failed before its password is checked, one at a time in this process (the one
that owns the database), so parallel attempts cannot all slip under the limits. Every refused attempt answers the
same and checks one argon2 hash, whether the account is unknown, locked, switched off or the password wrong.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple, TypeVar

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from analytics import audit, clock, store
from analytics.errors import Refusal
from analytics.governance import sessions
from analytics.governance.access import ADMINISTRATOR, COUNCILLOR, ROLES, User

MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_STRENGTH = 3  # zxcvbn's score of 0 to 4: 3 is about 10^8 guesses or more
LOCK_AFTER = 5  # wrong passwords in a row
LOCKED_FOR = timedelta(minutes=15)  # the first lock; each further one lasts twice as long as the one before
LONGEST_LOCK = timedelta(days=1)
CLIENT_LIMIT = 10  # failed sign-ins from one client
CLIENT_WINDOW = timedelta(minutes=15)
UNKNOWN_CLIENT = "(address not known)"
FIRST_ADMINISTRATOR = "admin"
FIRST_PASSWORD_FILE = "first-administrator.txt"

_HASHER = PasswordHasher()
_NO_SUCH_ACCOUNT = _HASHER.hash(secrets.token_urlsafe(16))  # checked against, so an unknown name takes as long
_SIGN_INS = threading.Lock()
_TRIES = 5  # for a sign-in's write that collides with another writer of the same account
_T = TypeVar("_T")


class SignInRefused(Refusal):
    """A sign-in that did not succeed, in one sentence the person can act on."""


class AccountError(Refusal):
    """A change to an account that cannot be made, in one sentence."""


REFUSED = (
    "The user name or password is not right, or the account is locked or switched off: check them and try again "
    "later, or ask an administrator."
)


class _Account(NamedTuple):
    """An account as stored, password hash included: never leaves this module."""

    username: str
    display_name: str
    role: str
    councillor_key: str | None
    password_hash: str | None
    active: bool
    failed_sign_ins: int
    locked_until: datetime | None

    def user(self) -> User:
        return User(self.username, self.display_name, self.role, self.councillor_key)


def _row(con: duckdb.DuckDBPyConnection, username: str) -> _Account | None:
    row = con.execute(
        f"SELECT {', '.join(_Account._fields)} FROM users WHERE username = ?", [username.strip().lower()]
    ).fetchone()
    return _Account(*row) if row else None


def _existing(con: duckdb.DuckDBPyConnection, username: str) -> _Account:
    row = _row(con, username)
    if row is None:
        raise AccountError(f"There is no account called {username}.")
    return row


def _check_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters.")
    guessable = zxcvbn(password[:72], user_inputs=[username, *username.split("@")])  # its longest; more adds strength
    if guessable["score"] < MIN_PASSWORD_STRENGTH:
        raise AccountError(
            "The password is too easy to guess: use three or four unrelated words, not a common password, a "
            "repeated character or the user name."
        )


def _check_role(role: str, councillor_key: str | None) -> None:
    if role not in ROLES:
        raise AccountError(f"There is no role called {role!r}: choose one of {', '.join(ROLES)}.")
    if role == COUNCILLOR and not councillor_key:
        raise AccountError("A councillor's account must say which councillor it belongs to: choose them.")


def add_user(
    con: duckdb.DuckDBPyConnection,
    username: str,
    role: str,
    *,
    actor: str,
    display_name: str = "",
    password: str | None = None,
    councillor_key: str | None = None,
    council_sign_in: bool = True,
) -> User:
    """A new account. Without a password, the person can sign in only with the council's account (an e-mail), so
    where the dashboard offers no council sign-in (`council_sign_in` False) an account needs a password."""
    name = username.strip().lower()
    if not name:
        raise AccountError("Give the account a user name, or the e-mail address the person signs in with.")
    if _row(con, name):
        raise AccountError(f"There is already an account called {name}: change that one instead.")
    _check_role(role, councillor_key)
    if password is not None:
        _check_password(password, name)
    elif not council_sign_in:
        raise AccountError(
            f"The account needs a password of at least {MIN_PASSWORD_LENGTH} characters: this dashboard has no "
            "council sign-in for it to use instead."
        )
    con.execute(
        "INSERT INTO users VALUES (?, ?, ?, ?, ?, TRUE, 0, NULL, ?)",
        [name, display_name.strip() or name, role, councillor_key if role == COUNCILLOR else None,
         _HASHER.hash(password) if password is not None else None, clock.now()],
    )  # fmt: skip
    audit.record(con, actor, audit.USER_CHANGED, name, f"added with role {role}")
    return _row(con, name).user()


def change_user(
    con: duckdb.DuckDBPyConnection,
    username: str,
    *,
    actor: str,
    role: str | None = None,
    councillor_key: str | None = None,
    active: bool | None = None,
) -> None:
    """Change an account's role (and councillor) or switch it off or on; an administrator cannot lock themselves out."""
    row = _existing(con, username)
    new_role = role or row.role
    new_councillor = councillor_key if role else row.councillor_key
    _check_role(new_role, new_councillor)
    switching_off = active is False or new_role != ADMINISTRATOR
    if row.role == ADMINISTRATOR and switching_off and _other_administrators(con, row.username) == 0:
        raise AccountError("This is the only administrator: make another account an administrator first.")
    con.execute(
        "UPDATE users SET role = ?, councillor_key = ?, active = ? WHERE username = ?",
        [
            new_role,
            new_councillor if new_role == COUNCILLOR else None,
            row.active if active is None else active,
            row.username,
        ],
    )
    changes = [f"role {row.role} to {new_role}"] if new_role != row.role else []
    if active is not None and active != row.active:
        changes.append("switched on" if active else "switched off")
    if new_role == COUNCILLOR and new_councillor != row.councillor_key:
        changes.append(f"linked to councillor {new_councillor}")
    if changes:  # whoever is signed in with the account signs in again, as what it now is
        sessions.end_all(con, row.username, "account changed: " + "; ".join(changes))
    audit.record(con, actor, audit.USER_CHANGED, row.username, "; ".join(changes) or "no change")


def _other_administrators(con: duckdb.DuckDBPyConnection, username: str) -> int:
    return con.execute(
        "SELECT count(*) FROM users WHERE role = ? AND active AND username <> ?", [ADMINISTRATOR, username]
    ).fetchone()[0]


def set_password(con: duckdb.DuckDBPyConnection, username: str, password: str, *, actor: str) -> None:
    """Set a new password; this also unlocks the account."""
    row = _existing(con, username)
    _check_password(password, row.username)
    con.execute(
        "UPDATE users SET password_hash = ?, failed_sign_ins = 0, locked_until = NULL WHERE username = ?",
        [_HASHER.hash(password), row.username],
    )
    sessions.end_all(con, row.username, "password set")
    audit.record(con, actor, audit.USER_CHANGED, row.username, "password set")


def change_own_password(con: duckdb.DuckDBPyConnection, user: User, current: str, new: str) -> None:
    """A signed-in person's own new password, given their current one."""
    row = _row(con, user.username)
    if row is None or row.password_hash is None:
        raise AccountError("Your account signs in with the council's account: change your password there.")
    if not _verify(row.password_hash, current):
        audit.record(con, user.username, audit.USER_CHANGED, user.username, "password change refused: wrong password")
        raise AccountError("Your current password is not right: type it again.")
    set_password(con, user.username, new, actor=user.username)


def unlock(con: duckdb.DuckDBPyConnection, username: str, *, actor: str) -> None:
    row = _existing(con, username)
    con.execute("UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE username = ?", [row.username])
    audit.record(con, actor, audit.USER_CHANGED, row.username, "unlocked")


def has_password(con: duckdb.DuckDBPyConnection, user: User) -> bool:
    """Whether the account signs in with a password here (not only with the council's account)."""
    row = _row(con, user.username)
    return row is not None and row.password_hash is not None


def active_user(con: duckdb.DuckDBPyConnection, username: str) -> User | None:
    """The account called `username` as it is now, if it is switched on."""
    row = _row(con, username)
    return row.user() if row is not None and row.active else None


def session_user(con: duckdb.DuckDBPyConnection, session_id: str | None) -> User | None:
    """The account of a signed-in session as it is now: None once the session has ended or the account is off."""
    username = sessions.still_on(con, session_id) if session_id else None
    return active_user(con, username) if username else None


def still_signed_in(con: duckdb.DuckDBPyConnection, user: User) -> User | None:
    """The account as it is now, for a session signed in earlier: None once it has been switched off, so a change
    an administrator makes (a new role, switching an account off) takes effect on the person's next click."""
    return active_user(con, user.username)


def sign_in(
    con: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    now: datetime | None = None,
    *,
    client: str = UNKNOWN_CLIENT,
) -> User:
    """The account, if the password is right, the account is on and neither it nor `client` (the address the
    attempt comes from) is held back after failed sign-ins; else SignInRefused. See the module's docstring."""
    now = now or clock.now()
    attempt = _one_at_a_time(lambda: _begin(con, username.strip().lower(), client, now))
    right = _verify(attempt.check_against, password)
    return _one_at_a_time(lambda: _finish(con, attempt, right))


class _Attempt(NamedTuple):
    """A sign-in counted as failed, before its password is checked against `check_against`."""

    attempt: str
    username: str
    check_against: str
    account: _Account | None  # None when the password cannot let it in, whatever it is
    refused_why: str  # the audit trail's reason if the password cannot let it in
    locks: bool  # this attempt, if wrong, locks the account


def _one_at_a_time(step: Callable[[], _T]) -> _T:
    """A sign-in's reads and writes, one sign-in at a time; a write that collides with another writer of the same
    account (an administrator changing it at that moment) is tried again, then refused in a sentence."""
    for tried in range(_TRIES):
        try:
            with _SIGN_INS:
                return step()
        except duckdb.TransactionException:
            time.sleep(0.05 * (tried + 1))
    raise SignInRefused("The dashboard is busy: try signing in again in a moment.")


def _begin(con: duckdb.DuckDBPyConnection, name: str, client: str, now: datetime) -> _Attempt:
    """The attempt counted as failed, unless its client has failed too often: then refused without a check, which
    tells nothing about the account as it is the same for every one."""
    with store.transaction(con):  # all of it or, when a write collides and is tried again, none
        con.execute("DELETE FROM sign_in_failures WHERE failed_at <= ?", [now - CLIENT_WINDOW])
        failed, since = con.execute(
            "SELECT count(*), min(failed_at) FROM sign_in_failures WHERE client = ?", [client]
        ).fetchone()
        if failed < CLIENT_LIMIT:
            return _counted(con, name, client, now, client_failed=failed > 0)
    audit.record(con, name or "(no name given)", audit.SIGN_IN_FAILED, detail=f"too many failures from {client}")
    raise SignInRefused(
        f"Too many sign-ins from this computer have failed: try again after {since + CLIENT_WINDOW:%H:%M}."
    )


def _counted(con: duckdb.DuckDBPyConnection, name: str, client: str, now: datetime, client_failed: bool) -> _Attempt:
    attempt = secrets.token_hex(16)
    con.execute("INSERT INTO sign_in_failures VALUES (?, ?, ?, ?)", [attempt, client, name, now])
    row = _row(con, name) if name else None
    if row is None or row.password_hash is None:
        return _Attempt(
            attempt, name or "(no name given)", _NO_SUCH_ACCOUNT, None, "no such account with a password", False
        )
    if row.locked_until is not None and row.locked_until > now and client_failed:
        return _Attempt(attempt, name, _NO_SUCH_ACCOUNT, None, "account locked", False)
    failures = con.execute(
        "UPDATE users SET failed_sign_ins = failed_sign_ins + 1, locked_until = CASE "
        "WHEN (failed_sign_ins + 1) % $after = 0 THEN $now + to_minutes(CAST(least($longest, "
        "$first * pow(2, (failed_sign_ins + 1) // $after - 1)) AS BIGINT)) ELSE locked_until END "
        "WHERE username = $name RETURNING failed_sign_ins",
        {"after": LOCK_AFTER, "now": now, "first": LOCKED_FOR // timedelta(minutes=1),
         "longest": LONGEST_LOCK // timedelta(minutes=1), "name": name},
    ).fetchone()[0]  # fmt: skip
    return _Attempt(attempt, name, row.password_hash, row, "", failures % LOCK_AFTER == 0)


def _finish(con: duckdb.DuckDBPyConnection, attempt: _Attempt, right: bool) -> User:
    account = attempt.account
    if account is not None and right and account.active:
        with store.transaction(con):
            con.execute("DELETE FROM sign_in_failures WHERE attempt = ?", [attempt.attempt])
            con.execute(
                "UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE username = ?", [account.username]
            )
        audit.record(con, account.username, audit.SIGNED_IN, detail="password")
        return account.user()
    if account is None:
        why = attempt.refused_why
    elif right:
        why = "account switched off"
    else:
        why = "wrong password" + (", locked" if attempt.locks else "")
    audit.record(con, attempt.username, audit.SIGN_IN_FAILED, detail=why)
    raise SignInRefused(REFUSED)


def _verify(password_hash: str, password: str) -> bool:
    """The one argon2 check of a sign-in: against an account's hash, or a hash nobody knows the password of."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sign_in_with_email(con: duckdb.DuckDBPyConnection, email: str | None) -> User:
    """The account of someone the council's identity provider has signed in, found by their e-mail address."""
    name = (email or "").strip().lower()
    row = _row(con, name) if name else None
    if row is None or not row.active:
        audit.record(con, name or "(no e-mail given)", audit.SIGN_IN_FAILED, detail="council account has no access")
        raise SignInRefused(
            f"Your council account ({name or 'no e-mail address'}) has no access to this dashboard: "
            "ask its administrator to add you."
        )
    audit.record(con, name, audit.SIGNED_IN, detail="council account")
    return row.user()


def ensure_administrator(con: duckdb.DuckDBPyConnection) -> str | None:
    """On first run, an administrator account with a random password; returns the password (for
    `hand_over_first_password`), or None when there are accounts already."""
    if con.execute("SELECT count(*) FROM users").fetchone()[0]:
        return None
    password = secrets.token_urlsafe(12)
    add_user(
        con, FIRST_ADMINISTRATOR, ADMINISTRATOR, actor="first run", display_name="Administrator", password=password
    )
    return password


def hand_over_first_password(password: str, database: Path) -> Path:
    """The first administrator's password in a new file beside the database that only the account running the
    dashboard may read, so that it never reaches the server's output and the service logs that keep it."""
    path = database.resolve().parent / FIRST_PASSWORD_FILE
    path.unlink(missing_ok=True)  # left by an earlier database: its password no longer signs in
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(f"user name: {FIRST_ADMINISTRATOR}\npassword:  {password}\n")
    return path


def first_run_message(password_file: Path) -> str:
    return (
        "\n"
        f"  An administrator account, {FIRST_ADMINISTRATOR}, has been created for this dashboard.\n"
        f"  Its password is in {password_file} (only this computer account can read it):\n"
        "  read it, sign in, delete the file, then add accounts on the Users page.\n"
    )


def users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account, for the Users page: never the password hashes."""
    return con.execute(
        "SELECT username, display_name, role, councillor_key, password_hash IS NOT NULL AS has_password, active, "
        "locked_until, created_at FROM users ORDER BY role, username"
    ).df()
