"""Accounts (adding, changing, passwords, sign-in and lock-out) and the audit trail each of them writes."""

import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pytest
from argon2 import PasswordHasher

from analytics import audit, clock, store
from analytics.governance import accounts
from analytics.governance.access import ADMINISTRATOR, COUNCILLOR, SAFETY_OFFICER, VIEWER
from analytics.governance.accounts import AccountError, SignInRefused

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
        ("new", VIEWER, {"password": " " * 12}, "The password is too easy to guess"),
        ("new", VIEWER, {"password": "password1234"}, "The password is too easy to guess"),
        ("new", VIEWER, {"password": "qwertyuiop123"}, "The password is too easy to guess"),
        ("new.person@council.gov.uk", VIEWER, {"password": "new.person@council.gov.uk"}, "too easy to guess"),
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
    with pytest.raises(SignInRefused, match="The user name or password is not right, or the account is locked or"):
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
    assert account(council, CLERK)["locked_until"] == NOW + timedelta(minutes=15)
    with pytest.raises(SignInRefused, match="The user name or password is not right, or the account is locked or"):
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


def test_set_password_refuses_a_short_one_or_one_too_easy_to_guess(council):
    with pytest.raises(AccountError, match=f"at least {accounts.MIN_PASSWORD_LENGTH} characters"):
        accounts.set_password(council, CLERK, "x" * (accounts.MIN_PASSWORD_LENGTH - 1), actor="admin")
    for guessable in ["x" * 12, "\t" * 12, "iloveyou2026", CLERK, "Password123!"]:
        with pytest.raises(AccountError, match="The password is too easy to guess: use three or four unrelated words"):
            accounts.set_password(council, CLERK, guessable, actor="admin")
    accounts.set_password(council, CLERK, "kettle orbit lantern", actor="admin")


# --- attacks on signing in: in parallel, by timing, and by locking the administrator out ------------------------


@pytest.fixture
def on_file(db_path):
    """A database file with "admin" and the clerk, as the server holds it: one connection, a cursor a thread."""
    con = store.connect(db_path)
    accounts.ensure_administrator(con)
    accounts.set_password(con, accounts.FIRST_ADMINISTRATOR, ADMIN_PASSWORD, actor="test")
    accounts.add_user(con, CLERK, VIEWER, actor="admin", password=PASSWORD)
    yield con
    con.close()


ADMIN_PASSWORD = "admin's own long passphrase"


def attempt(con, username: str, password: str, client: str) -> str:
    """What one sign-in from `client` gets: the user name, or the refusal's sentence."""
    try:
        return accounts.sign_in(con.cursor(), username, password, client=client).username
    except SignInRefused as refused:
        return str(refused)


def in_parallel(con, attempts: int, username: str, password: str, client: str) -> list[str]:
    with ThreadPoolExecutor(attempts) as pool:
        return list(pool.map(lambda _: attempt(con, username, password, client), range(attempts)))


def test_parallel_wrong_passwords_lock_the_account_and_only_refusals_escape(on_file):
    """Was: 80 wrong passwords in 4 bursts of 20 never locked the account, ~1 in 7 raised duckdb's TransactionException
    ("Conflict on update!") and the right password then signed in."""
    answers = [
        answer for _ in range(4) for answer in in_parallel(on_file, 20, CLERK, "wrong horse battery", "attacker")
    ]
    assert set(answers) <= {accounts.REFUSED} | {a for a in answers if a.startswith("Too many sign-ins from this")}
    details = audit.entries(on_file, actions=(audit.SIGN_IN_FAILED,), limit=None)["Detail"].tolist()
    assert details.count("wrong password") + details.count("wrong password, locked") == accounts.LOCK_AFTER
    assert details.count("wrong password, locked") == 1
    assert attempt(on_file, CLERK, PASSWORD, "attacker") != CLERK, "the attacker's right guess after the burst"
    assert attempt(on_file, CLERK, PASSWORD, "the clerk's computer") == CLERK


def test_a_client_with_ten_failures_is_refused_for_every_account(on_file):
    """Spreading guesses over many accounts, in parallel, gets ten of them checked in a quarter of an hour."""
    names = [f"guess{number}@council.gov.uk" for number in range(30)] + [CLERK]
    started = clock.now()
    with ThreadPoolExecutor(20) as pool:
        list(pool.map(lambda name: attempt(on_file, name, "wrong horse battery", "attacker"), names))
    checked = audit.entries(on_file, actions=(audit.SIGN_IN_FAILED,), limit=None)["Detail"]
    assert (~checked.str.startswith("too many failures from attacker")).sum() == accounts.CLIENT_LIMIT
    later = started + accounts.CLIENT_WINDOW - timedelta(seconds=1)
    with pytest.raises(SignInRefused, match="Too many sign-ins from this computer have failed: try again after"):
        accounts.sign_in(on_file, CLERK, PASSWORD, now=later, client="attacker")
    assert accounts.sign_in(on_file, CLERK, PASSWORD, now=later, client="the clerk's computer").username == CLERK


def test_the_administrator_signs_in_from_their_own_computer_while_someone_hammers_admin(on_file):
    """Was: anyone could keep `admin` locked out by sending five wrong passwords every quarter of an hour."""
    stop = threading.Event()

    def hammer():
        while (
            not stop.is_set()
        ):  # not stop.wait(timeout): a timed wait never returns under libfaketime (make test-two-years-on)
            attempt(on_file, accounts.FIRST_ADMINISTRATOR, "let me in please", "attacker")
            time.sleep(0.01)

    with ThreadPoolExecutor(4) as pool:
        for _ in range(4):
            pool.submit(hammer)
        try:
            deadline = time.monotonic() + 60
            while pd.isna(account(on_file.cursor(), accounts.FIRST_ADMINISTRATOR)["locked_until"]):
                assert time.monotonic() < deadline, "the hammering never locked admin"
                time.sleep(0.05)
            from_attacker = attempt(on_file, accounts.FIRST_ADMINISTRATOR, ADMIN_PASSWORD, "attacker")
            signed_in = attempt(on_file, accounts.FIRST_ADMINISTRATOR, ADMIN_PASSWORD, "the administrator's computer")
        finally:
            stop.set()
    assert signed_in == accounts.FIRST_ADMINISTRATOR
    assert from_attacker != accounts.FIRST_ADMINISTRATOR


@pytest.mark.parametrize(("collisions", "answer"), [(1, CLERK), (99, "The dashboard is busy: try signing in again")])
def test_a_sign_in_colliding_with_another_write_is_tried_again_then_refused_in_a_sentence(
    on_file, monkeypatch, collisions, answer
):
    """Was: duckdb's TransactionException ("Conflict on update!") reached the person as a traceback."""
    read = accounts._row
    left = [collisions]

    def colliding(con, username):
        left[0] -= 1
        if left[0] >= 0:
            raise duckdb.TransactionException("TransactionContext Error: Conflict on update!")
        return read(con, username)

    monkeypatch.setattr(accounts, "_row", colliding)
    assert attempt(on_file, CLERK, PASSWORD, "office").startswith(answer)
    counted = on_file.execute("SELECT count(*) FROM sign_in_failures WHERE client = 'office'").fetchone()[0]
    assert counted == 0, "a sign-in tried again is not counted twice; a right one not at all"


def test_each_lock_after_the_first_lasts_twice_as_long_up_to_a_day(council, monkeypatch):
    monkeypatch.setattr(accounts, "_verify", lambda password_hash, password: False)  # 40 argon2 checks take long
    locks = []
    for number in range(1, 10):
        at = NOW + timedelta(days=number)  # each round from a new client, after the last lock has passed
        for _ in range(accounts.LOCK_AFTER):
            with pytest.raises(SignInRefused):
                accounts.sign_in(council, CLERK, "wrong horse battery", now=at, client=f"client {number}")
        locks.append(account(council, CLERK)["locked_until"] - at)
    assert locks[:3] == [timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1)]
    assert locks[-1] == accounts.LONGEST_LOCK


def test_unknown_wrong_locked_and_switched_off_answer_alike_after_one_argon2_check(council, monkeypatch):
    """Was: a locked account answered in 2 ms instead of about 150 (no argon2 check), so it told an attacker the
    account exists, and a locked or switched-off account said so."""
    accounts.add_user(council, "gone@council.gov.uk", VIEWER, actor="admin", password=PASSWORD)
    accounts.change_user(council, "gone@council.gov.uk", actor="admin", active=False)
    wrong_passwords(council, accounts.LOCK_AFTER)
    checks = []

    class Counted(PasswordHasher):
        def verify(self, password_hash, password):
            checks.append(password_hash)
            return super().verify(password_hash, password)

    monkeypatch.setattr(accounts, "_HASHER", Counted())
    cases = {
        "no such account with a password": ("nobody@council.gov.uk", PASSWORD),
        "wrong password": (accounts.FIRST_ADMINISTRATOR, "wrong horse battery"),
        "account locked": (CLERK, PASSWORD),
        "account switched off": ("gone@council.gov.uk", PASSWORD),
    }
    answers = {}
    for why, (username, password) in cases.items():
        before = len(checks)
        with pytest.raises(SignInRefused) as refused:
            accounts.sign_in(council, username, password, now=NOW)
        answers[why] = str(refused.value)
        assert len(checks) == before + 1, f"{why}: one argon2 check"
        assert last_entry(council)[3] == why, "the audit trail keeps the true reason"
    assert set(answers.values()) == {accounts.REFUSED}


def test_the_first_password_goes_to_a_file_only_its_owner_reads_never_to_the_output(tmp_path):
    database = tmp_path / "data" / "safety.duckdb"
    con = store.connect(database)
    password = accounts.ensure_administrator(con)
    password_file = accounts.hand_over_first_password(password, database)
    assert password_file == tmp_path / "data" / "first-administrator.txt"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert f"password:  {password}" in password_file.read_text()
    message = accounts.first_run_message(password_file)
    assert password not in message and str(password_file) in message and "delete the file" in message
    assert accounts.sign_in(con, "admin", password).username == "admin"


def test_a_first_password_file_left_behind_is_replaced_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not to be written over")
    (tmp_path / accounts.FIRST_PASSWORD_FILE).symlink_to(elsewhere)
    password_file = accounts.hand_over_first_password("a new password", tmp_path / "safety.duckdb")
    assert "a new password" in password_file.read_text() and not password_file.is_symlink()
    assert elsewhere.read_text() == "not to be written over"


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
