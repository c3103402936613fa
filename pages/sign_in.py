"""Signing in and out. app.py asks for a signed-in user before it runs any page; every page asks again.

With an `[auth]` section in .streamlit/secrets.toml, people sign in with the council's own account through
`st.login` (OpenID Connect, e.g. Microsoft Entra ID) and are matched to a dashboard account by e-mail address.
Dashboard accounts with a password work either way.
"""

from __future__ import annotations

import duckdb
import streamlit as st

from analytics import audit, text
from analytics.governance import accounts, sessions
from analytics.governance.access import User
from pages.sessions import hand_over

_USER_KEY = "signed_in_user"
SESSION_KEY = "signed_in_session"  # the id of the session (analytics.governance.sessions) this browser signed in to
_CONNECTION_KEY = "signed_in_connection"  # the connection it signed in on, or last showed the session's cookie
_CLAIM_KEY = "session_claim_code"  # its one-time code, until the browser has exchanged it for its cookie
_REFUSED_KEY = "council_account_refused"  # why the council's account signed in has no access, to say so once


def signed_in_user() -> User | None:
    return st.session_state.get(_USER_KEY)


def _from_cookie(con: duckdb.DuckDBPyConnection) -> User | None:
    """The user of the session this browser's cookie belongs to: after a reload, or in a new tab."""
    found = sessions.user_of(con, st.context.cookies.get(sessions.COOKIE))
    if found is None:
        return None
    session_id, username = found
    st.session_state.update({SESSION_KEY: session_id, _CONNECTION_KEY: _connection()})
    return accounts.active_user(con, username)


def _session_ended(con: duckdb.DuckDBPyConnection) -> bool:
    """This connection's session has ended: signed out in another tab, idle too long, or its account changed."""
    session_id = st.session_state.get(SESSION_KEY)
    return session_id is not None and sessions.still_on(con, session_id) is None


def _connection() -> str | None:
    """This tab's connection to the server, by the key its browser made for it: a new one after a reload or a
    reconnection (none in the page tests, which have no browser)."""
    return st.context.headers.get("Sec-WebSocket-Key")


def _same_browser(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this run comes over the connection the person signed in on, or else from the browser holding the
    session's cookie. Streamlit lets any new connection take over a session by giving its id (so a page picks up
    where it was after a network blip); a connection that is not the signing-in one must show the cookie too."""
    session_id = st.session_state.get(SESSION_KEY)
    if session_id is None or st.session_state.get(_CONNECTION_KEY) == _connection():
        return True
    found = sessions.user_of(con, st.context.cookies.get(sessions.COOKIE))
    if found is None or found[0] != session_id:
        return False
    st.session_state[_CONNECTION_KEY] = _connection()
    return True


def _forget() -> None:
    for key in (_USER_KEY, SESSION_KEY, _CLAIM_KEY, _CONNECTION_KEY):
        st.session_state.pop(key, None)


def _keep_session(con: duckdb.DuckDBPyConnection) -> None:
    """Until the browser has its cookie, hand it the claim code again on every run (a click can cut one short)."""
    code = st.session_state.get(_CLAIM_KEY)
    if code is None:
        return
    if sessions.claimed(con, st.session_state[SESSION_KEY]):
        del st.session_state[_CLAIM_KEY]
    else:
        hand_over(code)


def _council_sign_in() -> dict | None:
    """The `[auth]` settings for signing in with the council's account, if the dashboard has them."""
    try:
        return st.secrets.get("auth") or None
    except FileNotFoundError:
        return None


def council_sign_in_offered() -> bool:
    return _council_sign_in() is not None


def _provider(settings: dict) -> str | None:
    """The named provider ([auth.microsoft]) when there is exactly one; None for settings written in [auth] itself."""
    named = [name for name, value in settings.items() if isinstance(value, dict)]
    return named[0] if len(named) == 1 else None


def current_user(con: duckdb.DuckDBPyConnection) -> User | None:
    """The user of this session, or None until someone signs in (`draw_sign_in`)."""
    user = signed_in_user() or _from_cookie(con)
    if user is not None and not _session_ended(con) and _same_browser(con):
        user = accounts.still_signed_in(con, user)
        if user is not None:
            st.session_state[_USER_KEY] = user
            _keep_session(con)
            return user
    _forget()
    if not (_council_sign_in() and st.user.get("is_logged_in")):
        return None
    try:
        user = accounts.sign_in_with_email(con, st.user.get("email"))
    except accounts.SignInRefused as refused:
        st.session_state[_REFUSED_KEY] = str(refused)
        return None
    st.session_state[_USER_KEY] = user
    return user


def draw_sign_in(con: duckdb.DuckDBPyConnection) -> None:
    """The sign-in form, or why the council's account was refused. app.py draws it only after its navigation, so
    the browser knows which page its address names before anyone can press Sign in: pressed sooner, the sign-in
    would open the Overview instead of the page linked."""
    refused = st.session_state.pop(_REFUSED_KEY, None)
    if refused:
        st.error(refused)
        st.button("Sign out", on_click=st.logout, key="sign_out_refused")
    else:
        _sign_in_form(con, _council_sign_in())


def _sign_in_form(con: duckdb.DuckDBPyConnection, settings: dict | None) -> None:
    st.title("Councillor safety dashboard")
    st.write("This dashboard holds special category data about councillors and the people who abuse them. Sign in.")
    if settings:
        if st.button("Sign in with your council account", type="primary", key="council_sign_in"):
            st.login(_provider(settings))
        st.caption("Or sign in with a dashboard account:")
    with st.form("sign_in", enter_to_submit=True):
        username = st.text_input("User name", key="sign_in_username", autocomplete="username")
        password = st.text_input("Password", type="password", key="sign_in_password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary" if not settings else "secondary")
    if submitted:
        try:
            user = accounts.sign_in(con, username, password, client=_client())
        except accounts.SignInRefused as refused:
            st.error(str(refused))
            return
        session_id, code = sessions.start(con, user.username)
        st.session_state.update(
            {_USER_KEY: user, SESSION_KEY: session_id, _CLAIM_KEY: code, _CONNECTION_KEY: _connection()}
        )
        st.rerun()


def _client() -> str:
    """The address this browser connects from, as the server sees it (the connection's own, not a header the
    browser could write); a browser on the server's own computer has none."""
    address = st.context.ip_address
    return address if isinstance(address, str) else "this computer"


def draw_account(con: duckdb.DuckDBPyConnection, user: User) -> None:
    """Who is signed in, in which role, changing their password, and the way out; in the sidebar of every page."""
    with st.sidebar:
        st.caption(f"Signed in as **{text.for_markdown(user.display_name)}** ({user.role}).")
        if accounts.has_password(con, user):
            with st.popover("Change your password", icon=":material/password:"):
                _change_password(con, user)
        if st.button("Sign out", icon=":material/logout:", key="sign_out"):
            audit.record(con, user.username, audit.SIGNED_OUT)
            if SESSION_KEY in st.session_state:
                sessions.end(con, st.session_state[SESSION_KEY], sessions.SIGNED_OUT)
            _forget()
            if _council_sign_in() and st.user.get("is_logged_in"):
                st.logout()
            st.rerun()


def _change_password(con: duckdb.DuckDBPyConnection, user: User) -> None:
    with st.form("change_password", clear_on_submit=True):
        current = st.text_input("Current password", type="password", key="own_current_password")
        new = st.text_input(
            f"New password (at least {accounts.MIN_PASSWORD_LENGTH} characters and hard to guess)",
            type="password",
            key="own_new_password",
        )
        again = st.text_input("New password again", type="password", key="own_new_password_again")
        if not st.form_submit_button("Change the password"):
            return
    if new != again:
        st.error("The two new passwords are not the same: type them again.")
        return
    try:
        accounts.change_own_password(con, user, current, new)
    except accounts.AccountError as refused:
        st.error(str(refused))
        return
    st.success("Your password is changed.")
