"""Accounts: who may sign in, with what role, and the checks on a sign-in.

Passwords are kept only as argon2id hashes. Five wrong passwords in a row lock an account for 15 minutes. People
who sign in with the council's own account (Microsoft Entra ID and other OpenID Connect providers, through
`st.login`) are matched to an account here by their e-mail address, which is also their user name.
Every sign-in, failed sign-in and change to an account is written to the audit trail.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from analytics import audit, clock, sessions
from analytics.access import ADMINISTRATOR, COUNCILLOR, ROLES, User

MIN_PASSWORD_LENGTH = 12
LOCK_AFTER = 5  # failed sign-ins in a row
LOCKED_FOR = timedelta(minutes=15)
FIRST_ADMINISTRATOR = "admin"

_HASHER = PasswordHasher()
_NO_SUCH_ACCOUNT = _HASHER.hash(secrets.token_urlsafe(16))  # checked against, so an unknown name takes as long


class SignInRefused(Exception):
    """A sign-in that did not succeed, in one sentence the person can act on."""


class AccountError(Exception):
    """A change to an account that cannot be made, in one sentence."""


_WRONG = "The user name or password is not right; check them and try again."


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


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters.")


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
        _check_password(password)
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
    _check_password(password)
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


def still_signed_in(con: duckdb.DuckDBPyConnection, user: User) -> User | None:
    """The account as it is now, for a session signed in earlier: None once it has been switched off, so a change
    an administrator makes (a new role, switching an account off) takes effect on the person's next click."""
    return active_user(con, user.username)


def sign_in(con: duckdb.DuckDBPyConnection, username: str, password: str, now: datetime | None = None) -> User:
    """The account, if the password is right and the account is neither off nor locked; else SignInRefused."""
    now = now or clock.now()
    name = username.strip().lower()
    row = _row(con, name) if name else None
    if row is None or row.password_hash is None:
        _verify(_NO_SUCH_ACCOUNT, password)
        audit.record(con, name or "(no name given)", audit.SIGN_IN_FAILED, detail="no such account with a password")
        raise SignInRefused(_WRONG)
    if row.locked_until is not None and row.locked_until > now:
        audit.record(con, name, audit.SIGN_IN_FAILED, detail="account locked")
        raise SignInRefused(
            f"This account is locked after {LOCK_AFTER} wrong passwords: try again after {row.locked_until:%H:%M}, "
            "or ask an administrator to unlock it."
        )
    if not _verify(row.password_hash, password):
        failures = row.failed_sign_ins + 1
        locked_until = now + LOCKED_FOR if failures >= LOCK_AFTER else None
        con.execute(
            "UPDATE users SET failed_sign_ins = ?, locked_until = ? WHERE username = ?",
            [0 if locked_until else failures, locked_until, name],
        )
        audit.record(con, name, audit.SIGN_IN_FAILED, detail="wrong password" + (", locked" if locked_until else ""))
        raise SignInRefused(_WRONG)
    if not row.active:
        audit.record(con, name, audit.SIGN_IN_FAILED, detail="account switched off")
        raise SignInRefused("This account is switched off: ask an administrator if you still need it.")
    con.execute("UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE username = ?", [name])
    audit.record(con, name, audit.SIGNED_IN, detail="password")
    return row.user()


def _verify(password_hash: str, password: str) -> bool:
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
    """On first run, an administrator account with a random password; returns the password (to print once), or None
    when there are accounts already."""
    if con.execute("SELECT count(*) FROM users").fetchone()[0]:
        return None
    password = secrets.token_urlsafe(12)
    add_user(
        con, FIRST_ADMINISTRATOR, ADMINISTRATOR, actor="first run", display_name="Administrator", password=password
    )
    return password


def first_run_message(password: str) -> str:
    return (
        "\n"
        "  An administrator account has been created for this dashboard.\n"
        f"    user name: {FIRST_ADMINISTRATOR}\n"
        f"    password:  {password}\n"
        "  This is the only time the password is shown: sign in, then add accounts on the Users page.\n"
    )


def users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account, for the Users page: never the password hashes."""
    return con.execute(
        "SELECT username, display_name, role, councillor_key, password_hash IS NOT NULL AS has_password, active, "
        "locked_until, created_at FROM users ORDER BY role, username"
    ).df()
