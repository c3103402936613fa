"""Incident log: the incidents behind the figures, a page at a time, each one in full, and all of them to download."""

from functools import partial

import duckdb
import streamlit as st

from analytics import clock
from analytics.exports import to_csv_bytes, to_excel_bytes
from analytics.governance.access import DESCRIPTIONS, IDENTITIES, INCIDENTS, OWN_INCIDENTS, User, incidents_visible_to
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incident_log import (
    EXCEL_MAX_ROWS,
    FIELD_LABELS,
    RELATED_MONTHS,
    SORTS,
    count_derived_threats,
    count_incidents,
    export_rows_for,
    incident_detail_for,
    incident_page,
    page_count,
)
from analytics.ingest import labels
from analytics.ingest.dates import display
from pages.common import (
    EXCEL,
    as_written,
    cursor,
    download,
    empty_log_notice,
    no_match_notice,
    open_analysis_page,
    record_incident_viewed,
    show_incident_fields,
    whole_table,
)

PAGE_SIZE = 50

TABLE_COLUMNS = {
    "ref": "Ref",
    "date": st.column_config.DateColumn(FIELD_LABELS["occurred_on"], format="DD/MM/YYYY"),
    **{name: FIELD_LABELS[name] for name in ("councillor", "ward", "channel", "abuse_types")},
    "characteristics": FIELD_LABELS["protected_characteristics"],
    "threat": "Threat",
    "reported_to_police": "Reported to police",
    "status": FIELD_LABELS["status"],
    "incident_key": None,
}

# Pixels: the columns fit across the page beside the sidebar; a long list is cut, and shown whole below when its row is
# chosen.
TABLE_WIDTHS = {"ref": 70, "date": 90, "councillor": 115, "ward": 100, "channel": 95, "abuse_types": 120,
                "characteristics": 95, "threat": 70, "reported_to_police": 70, "status": 70}  # fmt: skip


@st.cache_data(show_spinner=False)
def _counts(_con: duckdb.DuckDBPyConnection, version: str, chosen: IncidentFilter) -> tuple[int, int]:
    return count_incidents(_con, chosen), count_derived_threats(_con, chosen)


@st.cache_data(show_spinner=False)
def _page(_con: duckdb.DuckDBPyConnection, version: str, chosen: IncidentFilter, page: int, sort: str):
    return incident_page(_con, chosen, page=page, page_size=PAGE_SIZE, sort=sort)


@st.cache_data(show_spinner=False)
def _detail(_con: duckdb.DuckDBPyConnection, version: str, user: User, incident_key: str) -> dict | None:
    return incident_detail_for(_con, user, incident_key)


def _download(chosen: IncidentFilter, write, con: duckdb.DuckDBPyConnection, user: User) -> bytes:
    """Run when the button is pressed: the whole filtered log as the user may see it at that moment."""
    return write(export_rows_for(con, user, chosen))


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _answer(chosen: IncidentFilter, total: int, derived: int) -> str:
    period = f" between {display(chosen.start)} and {display(chosen.end)}" if chosen.start and chosen.end else ""
    matches = _plural(total, "incident matches", "incidents match")
    worked_out = _plural(derived, "has a threat level", "have a threat level")
    return (
        f"**{matches}** your filters{period}; {worked_out} worked out from the triage rules, marked "
        f"'{labels.DERIVED}' in the table."
    )


def _downloads(user: User, chosen: IncidentFilter, total: int) -> None:
    stem = f"incident-log-{clock.today():%Y-%m-%d}"
    what = f"incident log, {_plural(total, 'incident', 'incidents')}"
    needs = INCIDENTS if user.may(INCIDENTS) else OWN_INCIDENTS
    left, right = st.columns(2)
    with left:
        download(
            "Download these incidents as CSV",
            partial(_download, chosen, to_csv_bytes),
            f"{stem}.csv",
            "text/csv",
            key="download_csv",
            what=what,
            needs=needs,
        )
    with right:
        if total > EXCEL_MAX_ROWS:
            st.caption("More incidents than a worksheet holds: narrow the filters to download as Excel, or use CSV.")
            return
        download(
            "Download these incidents as Excel",
            partial(_download, chosen, partial(to_excel_bytes, sheet="Incidents")),
            f"{stem}.xlsx",
            EXCEL,
            key="download_xlsx",
            what=what,
            needs=needs,
        )


def _what_you_see(user: User) -> str | None:
    """A note, for a user shown less than the whole log, of what is left out and why."""
    notes = []
    if not user.may(INCIDENTS):
        notes.append("you see only the incidents recorded against you")
    elif not user.may(DESCRIPTIONS):
        notes.append("descriptions are not shown")
    if not user.may(IDENTITIES):
        notes.append("each perpetrator is shown as a pseudonym (Person and six characters), the same everywhere")
    return f"For your role, {' and '.join(notes)}." if notes else None


def _nothing_to_show(con: duckdb.DuckDBPyConnection, version: str, user: User) -> None:
    if _counts(con, version, incidents_visible_to(user, IncidentFilter()))[0]:
        no_match_notice()
    elif user.may(INCIDENTS):
        empty_log_notice()
    else:
        st.info("No incidents are recorded against you in the log.")


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
def _browse(version: str, user: User, chosen: IncidentFilter, total: int) -> None:
    """A fragment: turning a page or choosing a row runs only this again, in a run of its own, so it takes a cursor
    of its own rather than one the whole page's run passed it."""
    con = cursor()
    sort, page = _paging(total)
    rows = _page(con, version, chosen, page, sort)
    chosen_row = whole_table(
        rows,
        TABLE_WIDTHS,
        config=TABLE_COLUMNS,
        on_select="rerun",
        selection_mode="single-row",
        key=_table_key(chosen, sort, page),
        placeholder="",
    )
    if not chosen_row.selection.rows:
        st.caption("Select a row to see that incident in full.")
        return
    incident_key = rows["incident_key"].iloc[chosen_row.selection.rows[0]]
    detail = _detail(con, version, user, incident_key)
    if detail is not None:
        record_incident_viewed(con, incident_key, "incident log")
    _show_incident(detail)


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
    reference = as_written(detail["incident_ref"]) if detail["incident_ref"] else "Incident without a reference"
    st.header(f"{reference}, {display(detail['occurred_on'])}")
    worked_out = " (worked out from the triage rules)" if detail["threat_derived"] else ""
    st.markdown(f"**Threat: {labels.category(detail['threat'])}**{worked_out}. **Response:** {detail['response']}.")
    st.markdown(_related(detail["related"]))
    show_incident_fields(detail)


opened = open_analysis_page("incident_log", "Which incidents are behind the figures?")
con, user, version = opened.con, opened.user, opened.version
chosen = incidents_visible_to(user, opened.chosen)
if chosen is None:
    st.info("Your account is not linked to a councillor, so there are no incidents to show you: ask an administrator.")
    st.stop()
total, derived = _counts(con, version, chosen)

if total == 0:
    _nothing_to_show(con, version, user)
    st.stop()

st.markdown(_answer(chosen, total, derived))
if note := _what_you_see(user):
    st.caption(note)
_downloads(user, chosen, total)
_browse(version, user, chosen, total)
