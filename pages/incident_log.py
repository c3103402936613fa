"""Incident log: the incidents behind the figures, a page at a time, each one in full, and all of them to download."""

from datetime import date
from functools import partial

import streamlit as st

from analytics.dates import display
from analytics.exports import to_csv_bytes, to_excel_bytes
from analytics.filters import IncidentFilter
from analytics.incident_log import (
    EXCEL_MAX_ROWS,
    RELATED_MONTHS,
    SORTS,
    count_derived_threats,
    count_incidents,
    export_rows,
    incident_detail,
    incident_page,
    page_count,
)
from pages.common import EXCEL, chosen_filter, cursor, data_version, open_page, plain_text, show_incident_fields

PAGE_SIZE = 50

TABLE_COLUMNS = {
    "ref": "Ref",
    "date": st.column_config.DateColumn("Date", format="DD/MM/YYYY"),
    "councillor": "Councillor",
    "ward": "Ward",
    "channel": "How",
    "abuse_types": "Type of abuse",
    "characteristics": "Protected characteristic",
    "threat": "Threat",
    "reported_to_police": "Reported to police",
    "status": "Status",
    "incident_key": None,
}


@st.cache_data(show_spinner=False)
def _counts(version: str, chosen: IncidentFilter) -> tuple[int, int]:
    con = cursor()
    return count_incidents(con, chosen), count_derived_threats(con, chosen)


@st.cache_data(show_spinner=False)
def _page(version: str, chosen: IncidentFilter, page: int, sort: str):
    return incident_page(cursor(), chosen, page=page, page_size=PAGE_SIZE, sort=sort)


@st.cache_data(show_spinner=False)
def _detail(version: str, incident_key: str) -> dict | None:
    return incident_detail(cursor(), incident_key)


def _download(chosen: IncidentFilter, write) -> bytes:
    """Run when the button is pressed, on a thread of its own: the whole filtered log, written as a file."""
    return write(export_rows(cursor(), chosen))


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _answer(chosen: IncidentFilter, total: int, derived: int) -> str:
    period = f" between {display(chosen.start)} and {display(chosen.end)}" if chosen.start and chosen.end else ""
    matches = _plural(total, "incident matches", "incidents match")
    worked_out = _plural(derived, "has a threat level", "have a threat level")
    return f"**{matches}** your filters{period}; {worked_out} worked out from the triage rules."


def _downloads(chosen: IncidentFilter, total: int) -> None:
    stem = f"incident-log-{date.today():%Y-%m-%d}"
    left, right = st.columns(2)
    left.download_button(
        "Download these incidents as CSV",
        partial(_download, chosen, to_csv_bytes),
        f"{stem}.csv",
        "text/csv",
        key="download_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    too_many = total > EXCEL_MAX_ROWS
    right.download_button(
        "Download these incidents as Excel",
        partial(_download, chosen, partial(to_excel_bytes, sheet="Incidents")),
        f"{stem}.xlsx",
        EXCEL,
        key="download_xlsx",
        on_click="ignore",
        icon=":material/download:",
        disabled=too_many,
        help="More incidents than a worksheet holds: narrow the filters or download as CSV." if too_many else None,
    )


def _first_page() -> None:
    st.session_state["page"] = 1


def _turn(step: int) -> None:
    st.session_state["page"] += step


def _paging(total: int) -> tuple[str, int]:
    """The order and the page chosen; a page past the end (after the filters narrowed) goes back to the first."""
    pages = page_count(total, PAGE_SIZE)
    if st.session_state.get("page", 1) > pages:
        _first_page()
    order, number, back, on = st.columns([3, 2, 1, 1], vertical_alignment="bottom")
    sort = order.selectbox("Order", list(SORTS), key="sort", on_change=_first_page)
    page = number.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key="page")
    back.button("Previous", key="previous", on_click=_turn, args=(-1,), disabled=page <= 1, width="stretch")
    on.button("Next", key="next", on_click=_turn, args=(1,), disabled=page >= pages, width="stretch")
    first = (page - 1) * PAGE_SIZE + 1
    st.caption(f"Page {page} of {pages}: incidents {first:,} to {min(page * PAGE_SIZE, total):,} of {total:,}.")
    return sort, page


def _table_key(chosen: IncidentFilter, sort: str, page: int) -> str:
    """A table of its own for each view of the log, so a row chosen on one page is not carried to another."""
    return f"incident_table_{sort}_{page}_{hash(chosen) & 0xFFFFFFFF:08x}"


@st.fragment
def _browse(version: str, chosen: IncidentFilter, total: int) -> None:
    sort, page = _paging(total)
    rows = _page(version, chosen, page, sort)
    table = st.dataframe(
        rows,
        column_config=TABLE_COLUMNS,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=_table_key(chosen, sort, page),
        placeholder="",
    )
    if not table.selection.rows:
        st.caption("Select a row to see that incident in full.")
        return
    _show_incident(_detail(version, rows["incident_key"].iloc[table.selection.rows[0]]))


def _related(related: dict) -> str:
    perpetrator = related["same_perpetrator"]
    by_them = "no perpetrator identified" if perpetrator is None else f"{perpetrator:,} by the same perpetrator"
    return (
        f"Other incidents in the {RELATED_MONTHS} months up to this one: {by_them}; "
        f"{related['same_councillor']:,} against the same councillor."
    )


def _show_incident(detail: dict | None) -> None:
    if detail is None:
        st.warning("That incident is no longer in the log: an import may have replaced it. Choose another row.")
        return
    reference = plain_text(detail["incident_ref"]) if detail["incident_ref"] else "Incident without a reference"
    st.subheader(f"{reference}, {display(detail['occurred_on'])}")
    worked_out = " (worked out from the triage rules)" if detail["threat_derived"] else ""
    st.markdown(f"**Threat: {detail['threat']}**{worked_out}. **Response:** {detail['response']}.")
    st.markdown(_related(detail["related"]))
    show_incident_fields(detail)


con = open_page("incident_log")
st.title("Which incidents are behind the figures?")
chosen = chosen_filter()
version = data_version(con)
total, derived = _counts(version, chosen)

if total == 0:
    if _counts(version, IncidentFilter())[0] == 0:
        st.info("No incidents yet: import your incident log on the Import page.", icon=":material/upload_file:")
        st.page_link("pages/import_data.py", label="Go to Import", icon=":material/upload_file:")
    else:
        st.info("No incidents match these filters: widen the period or clear a filter in the sidebar.")
    st.stop()

st.markdown(_answer(chosen, total, derived))
_downloads(chosen, total)
_browse(version, chosen, total)
