"""Users: who may sign in and in which role; adding accounts, and changing, switching off, unlocking them.

Every change goes through analytics.governance.accounts, which checks it and writes it to the audit trail.
"""

import pandas as pd
import streamlit as st

from analytics import clock
from analytics.governance import accounts
from analytics.governance.access import COUNCILLOR, ROLES, VIEWER
from analytics.ingest import labels, registers
from analytics.text import SENTENCE, cut
from pages.common import as_written, current_user, cursor, open_page, table
from pages.sign_in import council_sign_in_offered

NOTICE = "users_notice"
SHOWN_TIME = "DD/MM/YYYY HH:mm"


def _tell(kind: str, message: str) -> None:
    """Keep a message from a button's callback to show on the run it starts."""
    st.session_state[NOTICE] = (kind, message)


def _show_notice() -> None:
    kind, message = st.session_state.pop(NOTICE, (None, None))
    if kind == "error":
        st.error(as_written(message, SENTENCE))
    elif kind == "success":
        st.success(as_written(message, SENTENCE))


def _accounts_table(accounts_held: pd.DataFrame, councillors: dict[str, str]) -> None:
    locked = accounts_held["locked_until"].where(accounts_held["locked_until"] > clock.now())
    table(
        pd.DataFrame(
            {
                "User name": accounts_held["username"],
                "Name": accounts_held["display_name"],
                "Role": accounts_held["role"].map(labels.category),
                "Councillor": accounts_held["councillor_key"].map(lambda key: councillors.get(key, "")),
                "Has a password": accounts_held["has_password"],
                "Switched on": accounts_held["active"],
                "Locked until": locked,
                "Added": accounts_held["created_at"],
            }
        ),
        {
            "Locked until": st.column_config.DatetimeColumn(format=SHOWN_TIME),
            "Added": st.column_config.DatetimeColumn(format=SHOWN_TIME),
        },
        hide_index=True,
    )


def _choose_councillor(key: str, councillors: dict[str, str], current: str | None = None, label: str = "") -> None:
    if not councillors:
        st.info("The councillor register is empty: import it on the Import page, then link the account.")
        return
    options = list(councillors)
    st.selectbox(
        label or "Which councillor",
        options,
        index=options.index(current) if current in councillors else None,
        format_func=lambda key: cut(councillors[key]),
        placeholder="Choose the councillor this account belongs to",
        key=key,
    )


def _add() -> None:
    """Add the account the form holds; the form clears itself once submitted, so a second press adds nothing."""
    state = st.session_state
    try:
        added = accounts.add_user(
            cursor(),
            state["new_username"],
            state["new_role"],
            actor=current_user().username,
            display_name=state["new_display_name"],
            password=state["new_password"] or None,
            councillor_key=state.get("new_councillor") if state["new_role"] == COUNCILLOR else None,
            council_sign_in=council_sign_in_offered(),
        )
    except accounts.AccountError as refused:
        _tell("error", str(refused))
        return
    _tell("success", f"Added {added.username} as {added.role}.")


def _add_account(councillors: dict[str, str]) -> None:
    """Every field is sent together when the button is pressed, whatever had the keyboard's focus last."""
    st.header("Add an account")
    with st.form("add_account", clear_on_submit=True, enter_to_submit=False):
        st.text_input(
            "User name or e-mail address",
            key="new_username",
            help="Someone who signs in with the council's own account needs their e-mail address here.",
        )
        st.text_input("Name as shown", key="new_display_name", help="Leave empty to show the user name.")
        st.selectbox("Role", ROLES, index=ROLES.index(VIEWER), format_func=labels.category, key="new_role")
        _choose_councillor("new_councillor", councillors, label="Which councillor (for a councillor's account)")
        optional = " Leave empty for someone who signs in only with the council's own account."
        st.text_input(
            "Password",
            type="password",
            key="new_password",
            autocomplete="new-password",
            help=f"At least {accounts.MIN_PASSWORD_LENGTH} characters and hard to guess: three or four unrelated words."
            + (optional if council_sign_in_offered() else ""),
        )
        st.form_submit_button("Add the account", key="add_user", type="primary", on_click=_add)


def _forget_choices(username: str) -> None:
    """Drop the change widgets' values, so they show the account as it is held."""
    for key in ("role", "councillor", "active", "password"):
        st.session_state.pop(f"{key}_{username}", None)


def _change(username: str, role: str, councillor_key: str | None, active: bool) -> None:
    state = st.session_state
    new_role, new_councillor = state[f"role_{username}"], state.get(f"councillor_{username}")
    new_active = state[f"active_{username}"]
    if (new_role, new_active) == (role, active) and (new_role != COUNCILLOR or new_councillor == councillor_key):
        _tell("success", f"Nothing to change for {username}.")
        return
    try:
        accounts.change_user(
            cursor(), username, actor=current_user().username, role=new_role, councillor_key=new_councillor,
            active=new_active,
        )  # fmt: skip
    except accounts.AccountError as refused:
        _forget_choices(username)
        _tell("error", str(refused))
        return
    _tell("success", f"Saved the changes to {username}.")


def _set_password(username: str) -> None:
    try:
        accounts.set_password(
            cursor(), username, st.session_state[f"password_{username}"], actor=current_user().username
        )
    except accounts.AccountError as refused:
        _tell("error", str(refused))
        return
    st.session_state.pop(f"password_{username}", None)
    _tell("success", f"Set a new password for {username}; the account is unlocked too.")


def _unlock(username: str) -> None:
    accounts.unlock(cursor(), username, actor=current_user().username)
    _tell("success", f"Unlocked {username}.")


def _change_account(accounts_held: pd.DataFrame, councillors: dict[str, str]) -> None:
    st.header("Change an account")
    chosen = st.selectbox("Account", accounts_held["username"], format_func=cut, key="chosen_account")
    account = accounts_held.set_index("username").loc[chosen]
    councillor_key = account["councillor_key"] if isinstance(account["councillor_key"], str) else None
    role = st.selectbox(
        "Role", ROLES, index=ROLES.index(account["role"]), format_func=labels.category, key=f"role_{chosen}"
    )
    if role == COUNCILLOR:
        _choose_councillor(f"councillor_{chosen}", councillors, councillor_key)
    st.toggle("Switched on: the account can sign in", value=bool(account["active"]), key=f"active_{chosen}")
    st.button(
        "Save the changes",
        key="change_user",
        on_click=_change,
        args=(chosen, account["role"], councillor_key, bool(account["active"])),
    )
    if pd.notna(account["locked_until"]) and account["locked_until"] > clock.now():
        st.warning(f"This account is locked after wrong passwords until {account['locked_until']:%H:%M}.")
        st.button("Unlock it now", key="unlock_user", on_click=_unlock, args=(chosen,))
    st.text_input("New password", type="password", key=f"password_{chosen}", autocomplete="new-password")
    st.button("Set the new password", key="set_password", on_click=_set_password, args=(chosen,))


con = open_page("users")
st.title("Who can use the dashboard?")
st.markdown(
    "Each account has one role, which decides the pages and figures it is offered. Adding an account, changing its "
    "role, switching it off, unlocking it and setting its password are all written to the audit trail. "
    "Passwords are kept only in a form that cannot be turned back into the password."
)
_show_notice()
held, register = accounts.users(con), registers.councillor_choices(con)
_accounts_table(held, register)
left, right = st.columns(2, gap="large")
with left:
    _add_account(register)
with right:
    _change_account(held, register)
