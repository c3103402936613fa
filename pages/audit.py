"""Audit trail: who did what, and when, newest first, narrowed by day, action and person, ready to download."""

import streamlit as st

from analytics import audit
from analytics.exports import to_csv_bytes, to_excel_bytes
from analytics.governance.access import ADMINISTER
from pages.common import EXCEL, download, open_page

SHOWN = 500  # the newest entries drawn on the page; the downloads hold every matching entry


def _entries(count: int) -> str:
    return f"{count:,} {'entry' if count == 1 else 'entries'}"


def _first_and_last(days) -> tuple:
    """The date range chosen, as (first, last); one day chosen so far is both, none chosen is no limit."""
    first, last = (tuple(days or ()) + (None, None))[:2]
    return first, last or first


con = open_page("audit")
st.title("Who did what, and when?")
st.markdown(
    f"The audit trail holds **{_entries(audit.count_entries(con))}**: every sign-in, import, export, incident "
    "opened and change to an account or setting. The dashboard only ever adds to it; retention purges leave it alone."
)
left, middle, right = st.columns(3)
days = left.date_input("Days", value=(), format="DD/MM/YYYY", key="audit_days")
actions = middle.multiselect("What was done", audit.ACTIONS, key="audit_actions")
who = right.text_input("Who (part of the name)", key="audit_who")
start, end = _first_and_last(days)
matching = audit.entries(con, start=start, end=end, actions=tuple(actions), actor=who.strip(), limit=None)
if matching.empty:
    st.info("No entries match: widen the days or clear a filter.")
    st.stop()

shown = "all of them are shown" if len(matching) <= SHOWN else f"the newest {SHOWN:,} are shown"
st.markdown(f"Matching: **{_entries(len(matching))}**, newest first; {shown}, and the downloads hold every one.")
st.dataframe(
    matching.head(SHOWN),
    hide_index=True,
    column_config={"When": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm:ss")},
)
what = f"audit trail, {_entries(len(matching))}"
csv_column, excel_column = st.columns(2)
with csv_column:
    download(
        "Download as CSV", lambda *_: to_csv_bytes(matching), "audit-trail.csv", "text/csv",
        key="download_csv", what=what, needs=ADMINISTER,
    )  # fmt: skip
with excel_column:
    download(
        "Download as Excel", lambda *_: to_excel_bytes(matching, "Audit trail"), "audit-trail.xlsx", EXCEL,
        key="download_xlsx", what=what, needs=ADMINISTER,
    )  # fmt: skip
