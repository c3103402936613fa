"""Accounts (adding, changing, passwords, sign-in and lock-out) and the audit trail each of them writes."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from analytics import accounts, audit
from analytics.access import ADMINISTRATOR, COUNCILLOR, SAFETY_OFFICER, VIEWER
from analytics.accounts import AccountError, SignInRefused

PASSWORD = "correct horse battery"
NOW = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def council(con):
    """A database with its first administrator, "admin", and a viewer, "clerk"."""
    accounts.ensure_administrator(con)
    accounts.add_user(con, "Clerk@Council.gov.uk ", VIEWER, actor="admin", display_name="Clerk", password=PASSWORD)
    return con


def last_entry(con) -> tuple:
    return con.execute("SELECT actor, action, subject, detail FROM audit_log ORDER BY entry DESC LIMIT 1").fetchone()


def account(con, username: str) -> dict:
    frame = accounts.users(con)
    return frame[frame["username"] == username].iloc[0].to_dict()


CLERK = "clerk@council.gov.uk"


# --- adding and changing accounts ----------------------------------------------------------------------------------


def test_add_user_stores_the_account_in_lower_case_and_audits_it(council):
    assert last_entry(council) == ("admin", audit.USER_CHANGED, CLERK, "added with role viewer")
    clerk = account(council, CLERK)
    assert (clerk["display_name"], clerk["role"], clerk["has_password"], clerk["active"]) == (
        "Clerk",
        VIEWER,
        True,
        True,
    )
    assert "password_hash" not in accounts.users(council).columns


def test_add_user_without_a_password_is_for_the_council_account_only(council):
    user = accounts.add_user(council, "cllr@council.gov.uk", COUNCILLOR, actor="admin", councillor_key="ann abbot")
    assert (user.role, user.councillor_key, user.display_name) == (COUNCILLOR, "ann abbot", "cllr@council.gov.uk")
    assert not account(council, "cllr@council.gov.uk")["has_password"]
    with pytest.raises(SignInRefused):
        accounts.sign_in(council, "cllr@council.gov.uk", "")


@pytest.mark.parametrize(
    ("username", "role", "fields", "message"),
    [
        ("CLERK@council.gov.uk", VIEWER, {}, "There is already an account called clerk@council.gov.uk"),
        ("  ", VIEWER, {}, "Give the account a user name"),
        ("new", "superuser", {}, "There is no role called 'superuser'"),
        ("new", COUNCILLOR, {}, "A councillor's account must say which councillor"),
        ("new", VIEWER, {"password": "short"}, "The password is too short: use at least 12 characters."),
    ],
)
def test_add_user_refuses_in_one_sentence(council, username, role, fields, message):
    entries = audit.count_entries(council)
    with pytest.raises(AccountError, match=message):
        accounts.add_user(council, username, role, actor="admin", **fields)
    assert audit.count_entries(council) == entries


def test_change_user_changes_the_role_and_audits_from_and_to(council):
    accounts.change_user(council, CLERK, actor="admin", role=SAFETY_OFFICER)
    assert account(council, CLERK)["role"] == SAFETY_OFFICER
    assert last_entry(council) == ("admin", audit.USER_CHANGED, CLERK, "role viewer to safety officer")


def test_change_user_links_a_councillor_account(council):
    accounts.change_user(council, CLERK, actor="admin", role=COUNCILLOR, councillor_key="ann abbot")
    assert account(council, CLERK)["councillor_key"] == "ann abbot"
    assert last_entry(council)[3] == "role viewer to councillor; linked to councillor ann abbot"


def test_change_user_switches_an_account_off_and_on(council):
    accounts.change_user(council, CLERK, actor="admin", active=False)
    assert not account(council, CLERK)["active"]
    assert last_entry(council) == ("admin", audit.USER_CHANGED, CLERK, "switched off")
    accounts.change_user(council, CLERK, actor="admin", active=True)
    assert last_entry(council)[3] == "switched on"


@pytest.mark.parametrize("change", [{"role": VIEWER}, {"active": False}])
def test_the_only_administrator_cannot_be_demoted_or_switched_off(council, change):
    with pytest.raises(AccountError, match="This is the only administrator"):
        accounts.change_user(council, accounts.FIRST_ADMINISTRATOR, actor="admin", **change)
    assert account(council, accounts.FIRST_ADMINISTRATOR)["role"] == ADMINISTRATOR
    accounts.change_user(council, CLERK, actor="admin", role=ADMINISTRATOR)
    accounts.change_user(council, accounts.FIRST_ADMINISTRATOR, actor="clerk", **change)
    assert last_entry(council)[:3] == ("clerk", audit.USER_CHANGED, accounts.FIRST_ADMINISTRATOR)


def test_changing_an_account_that_does_not_exist_is_refused(council):
    with pytest.raises(AccountError, match="There is no account called nobody"):
        accounts.change_user(council, "nobody", actor="admin", role=VIEWER)
    with pytest.raises(AccountError, match="There is no account called nobody"):
        accounts.set_password(council, "nobody", PASSWORD, actor="admin")


# --- passwords, sign-in and lock-out -------------------------------------------------------------------------------


def test_sign_in_with_the_right_password(council):
    user = accounts.sign_in(council, " CLERK@council.gov.uk", PASSWORD, now=NOW)
    assert (user.username, user.display_name, user.role) == (CLERK, "Clerk", VIEWER)
    assert last_entry(council) == (CLERK, audit.SIGNED_IN, None, "password")


@pytest.mark.parametrize(
    ("username", "password", "detail"),
    [
        (CLERK, "wrong horse battery", "wrong password"),
        ("nobody", PASSWORD, "no such account with a password"),
        ("", PASSWORD, "no such account with a password"),
    ],
)
def test_a_wrong_password_or_unknown_user_is_refused_alike(council, username, password, detail):
    with pytest.raises(SignInRefused, match="The user name or password is not right"):
        accounts.sign_in(council, username, password, now=NOW)
    assert last_entry(council) == (username or "(no name given)", audit.SIGN_IN_FAILED, None, detail)


def test_a_switched_off_account_cannot_sign_in(council):
    accounts.change_user(council, CLERK, actor="admin", active=False)
    with pytest.raises(SignInRefused, match="This account is switched off"):
        accounts.sign_in(council, CLERK, PASSWORD, now=NOW)
    assert last_entry(council) == (CLERK, audit.SIGN_IN_FAILED, None, "account switched off")


def wrong_passwords(con, count: int) -> None:
    for _ in range(count):
        with pytest.raises(SignInRefused):
            accounts.sign_in(con, CLERK, "wrong horse battery", now=NOW)


def test_five_wrong_passwords_lock_the_account_until_the_time_is_up(council):
    wrong_passwords(council, accounts.LOCK_AFTER - 1)
    assert pd.isna(account(council, CLERK)["locked_until"])
    wrong_passwords(council, 1)
    assert last_entry(council) == (CLERK, audit.SIGN_IN_FAILED, None, "wrong password, locked")
    with pytest.raises(SignInRefused, match="This account is locked after 5 wrong passwords: try again after 09:15"):
        accounts.sign_in(council, CLERK, PASSWORD, now=NOW + accounts.LOCKED_FOR - timedelta(seconds=1))
    assert last_entry(council) == (CLERK, audit.SIGN_IN_FAILED, None, "account locked")
    user = accounts.sign_in(council, CLERK, PASSWORD, now=NOW + accounts.LOCKED_FOR)
    assert user.username == CLERK


def test_a_right_password_clears_the_count_of_wrong_ones(council):
    wrong_passwords(council, accounts.LOCK_AFTER - 1)
    accounts.sign_in(council, CLERK, PASSWORD, now=NOW)
    wrong_passwords(council, accounts.LOCK_AFTER - 1)
    assert accounts.sign_in(council, CLERK, PASSWORD, now=NOW).username == CLERK


def test_unlock_lets_a_locked_account_sign_in_and_is_audited(council):
    wrong_passwords(council, accounts.LOCK_AFTER)
    accounts.unlock(council, CLERK, actor="admin")
    assert last_entry(council) == ("admin", audit.USER_CHANGED, CLERK, "unlocked")
    assert accounts.sign_in(council, CLERK, PASSWORD, now=NOW).username == CLERK


def test_set_password_replaces_the_old_one_unlocks_and_is_audited(council):
    wrong_passwords(council, accounts.LOCK_AFTER)
    accounts.set_password(council, CLERK, "a brand new passphrase", actor="admin")
    assert last_entry(council) == ("admin", audit.USER_CHANGED, CLERK, "password set")
    assert accounts.sign_in(council, CLERK, "a brand new passphrase", now=NOW).username == CLERK
    with pytest.raises(SignInRefused):
        accounts.sign_in(council, CLERK, PASSWORD, now=NOW)


def test_set_password_refuses_a_short_one(council):
    with pytest.raises(AccountError, match=f"at least {accounts.MIN_PASSWORD_LENGTH} characters"):
        accounts.set_password(council, CLERK, "x" * (accounts.MIN_PASSWORD_LENGTH - 1), actor="admin")
    accounts.set_password(council, CLERK, "x" * accounts.MIN_PASSWORD_LENGTH, actor="admin")


# --- the audit trail -----------------------------------------------------------------------------------------------


@pytest.fixture
def trail(con):
    """Four entries on three days, by two people."""
    rows = [
        ("2026-01-10 09:00", "alice", audit.SIGNED_IN, None),
        ("2026-01-11 10:00", "alice", audit.EXPORTED, "incident-log.csv"),
        ("2026-01-11 23:59", "bob", audit.VIEWED_INCIDENT, "ref:INC-1"),
        ("2026-01-12 08:00", "Bob Smith", audit.SIGNED_IN, None),
    ]
    con.executemany("INSERT INTO audit_log (logged_at, actor, action, subject) VALUES (?, ?, ?, ?)", rows)
    return con


def whos(frame) -> list[str]:
    return frame["Who"].tolist()


def test_entries_are_newest_first_in_plain_columns(trail):
    frame = audit.entries(trail)
    assert list(frame.columns) == ["When", "Who", "What", "Which", "Detail"]
    assert whos(frame) == ["Bob Smith", "bob", "alice", "alice"]
    assert frame["Which"].tolist() == ["", "ref:INC-1", "incident-log.csv", ""], "nothing recorded reads as blank"


def test_entries_filter_by_day_inclusive(trail):
    assert whos(audit.entries(trail, start=date(2026, 1, 11), end=date(2026, 1, 11))) == ["bob", "alice"]
    assert whos(audit.entries(trail, start=date(2026, 1, 12))) == ["Bob Smith"]
    assert whos(audit.entries(trail, end=date(2026, 1, 10))) == ["alice"]


def test_entries_filter_by_action_and_part_of_the_name(trail):
    assert whos(audit.entries(trail, actions=(audit.SIGNED_IN,))) == ["Bob Smith", "alice"]
    assert whos(audit.entries(trail, actor="BOB")) == ["Bob Smith", "bob"]
    assert whos(audit.entries(trail, actions=(audit.SIGNED_IN, audit.EXPORTED), actor="ali")) == ["alice", "alice"]


def test_entries_limit_and_count(trail):
    assert whos(audit.entries(trail, limit=1)) == ["Bob Smith"]
    assert len(audit.entries(trail, limit=None)) == audit.count_entries(trail) == 4


def test_record_refuses_an_action_it_does_not_know(con):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(con, "admin", "deleted everything")
    assert audit.count_entries(con) == 0
