"""Signed-in sessions: a claim code is exchanged once, in time, for a cookie token; the token finds its user until
sign-out, the idle period, the longest period or a change to the account ends the session."""

from datetime import timedelta

import pytest

from analytics import clock
from analytics.governance import accounts, sessions
from analytics.governance.access import SAFETY_CHAMPION, VIEWER

PASSWORD = "a long enough password"


@pytest.fixture
def viewer(con):
    accounts.add_user(con, "vera", VIEWER, actor="test", password=PASSWORD)
    return "vera"


def later(monkeypatch, **moved) -> None:
    """Move the clock on by `moved` (a timedelta's keywords) from now."""
    monkeypatch.setenv(clock.CLOCK_ENV, (clock.now() + timedelta(**moved)).isoformat(timespec="seconds"))


def test_a_claim_code_is_exchanged_once_for_a_token_that_finds_the_user(con, viewer):
    session_id, code = sessions.start(con, viewer)
    assert not sessions.claimed(con, session_id)
    token = sessions.claim(con, code)
    assert token and token != code and sessions.claimed(con, session_id)
    assert sessions.claim(con, code) is None, "a code works once"
    assert sessions.user_of(con, token) == (session_id, viewer)
    assert sessions.user_of(con, "guessed") is None and sessions.user_of(con, None) is None
    stored = con.execute("SELECT claim_hash, token_hash FROM sessions").fetchone()
    assert stored[0] is None and token not in stored[1], "only the token's hash is kept"


def test_a_claim_code_runs_out(con, viewer, monkeypatch):
    _, code = sessions.start(con, viewer)
    later(monkeypatch, minutes=3)
    assert sessions.claim(con, code) is None


def test_a_session_ends_when_idle_for_too_long_and_is_kept_by_use(con, viewer, monkeypatch):
    session_id, code = sessions.start(con, viewer)
    token = sessions.claim(con, code)
    later(monkeypatch, minutes=25)
    assert sessions.user_of(con, token) == (session_id, viewer)
    later(monkeypatch, minutes=25)  # 50 minutes after signing in, 25 after it was last used
    assert sessions.user_of(con, token) == (session_id, viewer)
    later(monkeypatch, minutes=31)
    assert sessions.user_of(con, token) is None
    assert con.execute("SELECT ended_why FROM sessions").fetchone() == (sessions.IDLE,)


def test_a_session_ends_after_the_longest_period_however_busy(con, viewer, monkeypatch):
    session_id, code = sessions.start(con, viewer)
    token = sessions.claim(con, code)
    for _ in range(21):  # used every half hour less a minute, for ten and a half hours
        later(monkeypatch, minutes=29)
        found = sessions.user_of(con, token)
    assert found is None
    assert con.execute("SELECT ended_why FROM sessions").fetchone() == (sessions.TOO_LONG,)


def test_the_periods_are_settings(con, viewer, monkeypatch):
    con.execute("INSERT INTO settings VALUES ('session_idle_minutes', '5')")
    session_id, code = sessions.start(con, viewer)
    token = sessions.claim(con, code)
    later(monkeypatch, minutes=6)
    assert sessions.user_of(con, token) is None


def test_signing_out_and_changes_to_the_account_end_its_sessions(con, viewer):
    first, code = sessions.start(con, viewer)
    token = sessions.claim(con, code)
    sessions.end(con, first, sessions.SIGNED_OUT)
    assert sessions.user_of(con, token) is None
    for change in (
        lambda: accounts.set_password(con, viewer, "another long password", actor="admin"),
        lambda: accounts.change_user(con, viewer, actor="admin", role=SAFETY_CHAMPION),
        lambda: accounts.change_user(con, viewer, actor="admin", active=False),
    ):
        session_id, code = sessions.start(con, viewer)
        token = sessions.claim(con, code)
        change()
        assert sessions.still_on(con, session_id) is None and sessions.user_of(con, token) is None
