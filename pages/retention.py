"""Retention: how long each kind of record is kept, what is past it, and deleting that after a check."""

import duckdb
import pandas as pd
import streamlit as st

from analytics import clock
from analytics.errors import Refusal
from analytics.governance import retention
from analytics.ingest.dates import display
from pages.common import current_user, cursor, open_page

NOTICE = "retention_notice"
REFUSED = "purge_refused"
PURGED = "retention_purged"
CHECKED = "purge_checked"
UNITS = ("years", "months")


def _in_units(months: int) -> tuple[int, str]:
    return (months // 12, "years") if months % 12 == 0 else (months, "months")


def _save_periods() -> None:
    state, con = st.session_state, cursor()
    held = retention.periods(con)
    for name in retention.RECORD_TYPES:
        amount, unit = state[f"period_{name}"], state[f"unit_{name}"]
        months = amount * 12 if unit == "years" else amount
        if months == held[name]:
            continue
        try:
            retention.set_period(con, name, months, current_user().username)
        except Refusal as refused:
            state[NOTICE] = str(refused)
            return


def _periods(con: duckdb.DuckDBPyConnection) -> None:
    st.header("How long each kind of record is kept")
    with st.form("periods", border=False):
        for name, months in retention.periods(con).items():
            record_type, (amount, unit) = retention.RECORD_TYPES[name], _in_units(months)
            words, number, units = st.columns([3, 1, 1], vertical_alignment="center")
            words.markdown(f"**{record_type.what}**, counted from {record_type.measured_from}")
            number.number_input(
                f"Keep {record_type.what.lower()} for", min_value=1, value=amount, step=1, key=f"period_{name}",
                label_visibility="collapsed",
            )  # fmt: skip
            units.selectbox("in", UNITS, index=UNITS.index(unit), key=f"unit_{name}", label_visibility="collapsed")
        st.form_submit_button("Save the periods", on_click=_save_periods)
    if NOTICE in st.session_state:
        st.error(st.session_state.pop(NOTICE))


def _purge(shown: list[int]) -> None:
    """Delete what the page showed, once the list has been checked; refused if the records changed meanwhile."""
    state, con = st.session_state, cursor()
    if not state.get(CHECKED):
        return
    state[CHECKED] = False
    if retention.preview(con, clock.today())["rows"].tolist() != shown:
        state[REFUSED] = "The records changed since the list was drawn: check the new list, then delete again."
        return
    state[PURGED] = retention.purge(con, current_user().username, clock.today())
    st.cache_data.clear()


def _show_purged() -> None:
    purged = st.session_state.pop(PURGED, None)
    if purged is not None:
        lines = "\n".join(f"- {row.what}: {row.detail}" for row in purged.itertuples())
        st.success(f"Deleted for good, and written to the audit trail:\n\n{lines}")


def _due(due: pd.DataFrame) -> None:
    st.header("What is past its period today")
    st.dataframe(
        pd.DataFrame(
            {
                "Records": due["what"],
                "Kept for": due["kept_for"],
                "Deleted if from before": due["cut_off"].map(display),
                "Would be deleted": due["detail"],
            }
        ),
        hide_index=True,
    )


def _confirm(due: pd.DataFrame) -> None:
    total = int(due["rows"].sum())
    if total == 0:
        st.success("Nothing is past its retention period: there is nothing to delete.")
        return
    st.warning(
        f"Deleting removes these **{total:,} rows** for good: they cannot be brought back except from a backup. "
        "Check the list first."
    )
    if REFUSED in st.session_state:
        st.error(st.session_state.pop(REFUSED))
    checked = st.checkbox("I have checked this list", key=CHECKED)
    st.button(
        "Delete these records",
        type="primary",
        key="purge",
        disabled=not checked,
        on_click=_purge,
        args=(due["rows"].tolist(),),
    )


con = open_page("retention")
st.title("How long is data kept?")
st.markdown(
    "Records are kept for a set period and then deleted here, by an administrator, after checking the list. "
    "Open incidents and incidents under review are never deleted, and nor is the audit trail. "
    "The incident log has no closure date, so a closed incident's period runs from the import that brought in its "
    "current version: its last change as far as the dashboard knows."
)
_show_purged()
_periods(con)
current = retention.preview(con, clock.today())
_due(current)
_confirm(current)
