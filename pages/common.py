"""What every page shares: the database connection, the sample-data notice, refusals shown, and formatting."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial

import duckdb
import pandas as pd
import streamlit as st

from analytics import audit, clock, store, text
from analytics.errors import Refusal
from analytics.governance import accounts, privacy
from analytics.governance.access import User
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incident_log import FIELD_LABELS, as_text
from analytics.incidents.incidents import date_extent, log_has_incidents, ward_names
from analytics.ingest import batches, labels
from analytics.ingest.vocabulary import ABUSE_TYPES, CHANNELS, PROTECTED_CHARACTERISTICS
from analytics.sample import demo
from pages import charts
from pages.connection import process_cursor
from pages.pages_folder import leave_pages_folder_mode
from pages.sign_in import SESSION_KEY, signed_in_user

EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"  # the download type of .xlsx
_FILTER_KEY = "chosen_incident_filter"
COUNCILLOR_GROUPS = [
    "gender:women",
    "gender:men",
    "party:independents",
    "party:party members",
    "role:leader or cabinet",
    "role:committee chair",
    "role:backbench",
]


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the one read-write connection this process holds, for this script run's thread."""
    try:
        clock.today()  # a mistyped $SAFETY_DASHBOARD_TODAY is said here in one sentence, not as a page's traceback
        return process_cursor()
    except (store.StoreBusy, clock.ClockSettingError) as exc:
        st.error(str(exc))
        st.stop()


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever an import lands, so cached query results are keyed by it."""
    return batches.data_version(con)


def open_page(page: str) -> duckdb.DuckDBPyConnection:
    """Start a page: check the signed-in user may open it (app.py checked, but a page can be reached by its address
    alone), then its cursor and the notice that the data is fictional while the sample council is loaded."""
    leave_pages_folder_mode()
    user = signed_in_user()
    if user is None or not user.may_open(page):
        st.warning("You do not have access to this page: ask your dashboard's administrator if you need it.")
        st.stop()
    con = cursor()
    _sample_notice(con)
    return con


@dataclass(frozen=True)
class AnalysisPage:
    """What a page analysing the incident log works from: the run's cursor, the signed-in user, the filter chosen in
    the sidebar, and the data version its cached figures are keyed by."""

    con: duckdb.DuckDBPyConnection
    user: User
    chosen: IncidentFilter
    version: str


def open_analysis_page(page: str, title: str) -> AnalysisPage:
    """Start a page analysing the incident log: open_page, then its title (the question it answers)."""
    con = open_page(page)
    st.title(title)
    return AnalysisPage(con, current_user(), chosen_filter(), data_version(con))


def stop_while_log_empty(con: duckdb.DuckDBPyConnection) -> None:
    """Until an incident log is imported, a page analysing it shows only what to do."""
    if not log_has_incidents(con):
        empty_log_notice()
        st.stop()


def current_user() -> User:
    """The signed-in user of this run (open_page has stopped any run without one)."""
    return signed_in_user()


def download(
    label: str,
    write: Callable[[duckdb.DuckDBPyConnection, User], bytes],
    file_name: str,
    mime: str,
    *,
    key: str,
    what: str,
    needs: str,
    icon: str | None = ":material/download:",
) -> None:
    """A download button, drawn only for a user allowed what it holds. Nothing is written when the page is drawn.

    When the button is pressed, `write(con, user)` makes the file, with the account as it is at that moment: only if
    this browser's session is still signed in and the account's role still allows `needs`
    (analytics.governance.access), and
    the export is written to the audit trail then. `what` says what the file holds, for the audit trail. Streamlit
    then serves the file at an address only a signed-in browser may fetch (pages/server.py). Pressing it does not run
    the page again: a run started by the click could replace the button's file before it was made.
    """
    user = current_user()
    if user is None or not user.may(needs):
        return
    export = partial(_export, st.session_state.get(SESSION_KEY), needs, file_name, what, write)
    st.download_button(label, export, file_name, mime, key=key, icon=icon, on_click="ignore")


class ExportRefused(Refusal):
    """A download asked for by a session that has ended, or by an account no longer allowed it."""


def _export(session_id: str | None, needs: str, file_name: str, what: str, write) -> bytes:
    """Run when a download button is pressed, on a thread of Streamlit's, outside the page's run."""
    con = process_cursor()
    user = accounts.session_user(con, session_id)
    if user is None or not user.may(needs):
        raise ExportRefused("Sign in again: this download is no longer yours to take.")
    audit.record(con, user.username, audit.EXPORTED, file_name, what)
    return write(con, user)


@dataclass
class Attempt:
    """What became of the work in a `refusals_shown` block: refused, with its sentence on the page, or not."""

    refused: bool = False


@contextmanager
def refusals_shown(saying: str = "{}") -> Iterator[Attempt]:
    """Run the block; if it raises a Refusal (analytics.errors), show its sentence, put in `saying` where that has
    one, and mark the attempt refused, so the page can return or stop. Anything else raised is a bug, and goes on to
    pages.server.on_error, which logs it and shows a reference, never its words."""
    attempt = Attempt()
    try:
        yield attempt
    except Refusal as refusal:
        st.error(saying.format(as_written(str(refusal), text.SENTENCE)))
        attempt.refused = True


def mark_done_form(
    con: duckdb.DuckDBPyConnection,
    labels: dict[str, str],
    complete: Callable[[duckdb.DuckDBPyConnection, str, date | None], None],
    key: str,
) -> None:
    """A form to mark one of the open actions `labels` names (by action id) done on a day, with `complete`. The
    action and its day are sent together; a second press marks the same action done on the same day again, which
    changes nothing."""
    if message := st.session_state.pop(f"{key}_message", None):
        st.success(message, icon=":material/check_circle:")
    with st.form(key):
        chosen = st.selectbox(
            "Action done",
            list(labels),
            index=None,
            format_func=labels.get,
            placeholder="Choose the action that is done",
            key=f"{key}_action",
        )
        today = clock.today()
        done_on = st.date_input("Done on", value=today, max_value=today, format="DD/MM/YYYY", key=f"{key}_day")
        if not st.form_submit_button("Mark as done"):
            return
    if chosen is None:
        st.error("Choose the action that is done, then press Mark as done.")
        return
    with refusals_shown() as marking:
        complete(con, chosen, done_on)
    if marking.refused:
        return
    st.session_state[f"{key}_message"] = f"Marked as done: {as_written(labels[chosen], text.SENTENCE)}"
    st.rerun()


def record_incident_viewed(con: duckdb.DuckDBPyConnection, incident_key: str, where: str) -> None:
    """Write to the audit trail that this user opened this incident's detail, once per incident per session."""
    seen = st.session_state.setdefault("incidents_viewed", set())
    if incident_key not in seen:
        audit.record(con, current_user().username, audit.VIEWED_INCIDENT, incident_key, where)
        seen.add(incident_key)


def _sample_notice(con: duckdb.DuckDBPyConnection) -> None:
    if demo.sample_loaded(con):
        st.info(
            "You are looking at **fictional sample data** for an imaginary council (Fernwick). "
            "No person, ward or incident in it is real.",
            icon=":material/science:",
        )


def _group_label(group: str) -> str:
    dimension, _, name = group.partition(":")
    return name.capitalize() if dimension != "role" else f"Role: {name}"


def chosen_filter() -> IncidentFilter:
    """The filter the sidebar holds for this run (app.py draws it before the page runs)."""
    return st.session_state.get(_FILTER_KEY, IncidentFilter())


def draw_filters(con: duckdb.DuckDBPyConnection) -> None:
    """The sidebar filters. Drawn by app.py, the entrypoint, so that they are the same widgets on every page and
    keep their values from page to page; they are also kept in the link, so a view can be shared."""
    st.session_state[_FILTER_KEY] = _filter_widgets(con)


@st.cache_data(show_spinner=False)
def _ward_names(_con: duckdb.DuckDBPyConnection, version: str) -> list[str]:
    """The wards in the log, asked once a data version: every page run draws the filters, and a national log's
    distinct wards take a scan of every incident."""
    return ward_names(_con)


def _filter_widgets(con: duckdb.DuckDBPyConnection) -> IncidentFilter:
    first, last = date_extent(con)
    sidebar = st.sidebar
    sidebar.header("Filters")
    period = sidebar.date_input(
        "Period",
        value=(first, last) if first else (),
        min_value=first,
        max_value=last,
        format="DD/MM/YYYY",
        key="period",
        bind="query-params",
    )
    start, end = (tuple(period) + (None, None))[:2] if period else (None, None)
    return IncidentFilter(
        start=start,
        end=end or start,
        wards=tuple(
            sidebar.multiselect(
                "Wards", _ward_names(con, data_version(con)), format_func=text.cut, key="wards", bind="query-params"
            )
        ),
        channels=tuple(sidebar.multiselect("How (channel)", CHANNELS, key="channels", bind="query-params")),
        abuse_types=tuple(sidebar.multiselect("Type of abuse", ABUSE_TYPES, key="abuse", bind="query-params")),
        characteristics=tuple(
            sidebar.multiselect(
                "Protected characteristic", PROTECTED_CHARACTERISTICS, key="characteristics", bind="query-params"
            )
        ),
        councillor_groups=tuple(
            sidebar.multiselect(
                "Councillors", COUNCILLOR_GROUPS, format_func=_group_label, key="groups", bind="query-params"
            )
        ),
    )


def chart_with_numbers(figure, numbers, key: str) -> None:
    """A chart, and the same figures as a table for screen readers and for copying into reports; a sentence instead
    when every number in the chart is hidden from this user, rather than an empty frame."""
    if not current_user().sees_small_numbers and charts.draws_nothing(figure):
        title = as_written(html.unescape(figure.layout.title.text.replace("<br>", " ")), text.SENTENCE)
        st.info(f"{title}: every number is hidden for your role, as each is small enough to identify someone.")
        return
    st.plotly_chart(figure, key=key, config={"displayModeBar": False})  # its 7 buttons a chart filled the tab order
    with st.expander("Show the numbers behind this chart"):
        table(numbers, {}, hide_index=True)


def table(frame: pd.DataFrame, column_config: dict, **options):
    """`st.dataframe` of only what the user may see, written as the screen writes it (`_as_on_screen`). Streamlit
    sends a column hidden by `column_config` to the browser all the same, so a column configured as None (a key the
    page needs, not the user) is dropped here instead. A value not recorded is a blank cell, never "None"."""
    hidden = [name for name, config in column_config.items() if config is None]
    shown = {name: config for name, config in column_config.items() if config is not None}
    frame, formats = _as_on_screen(frame.drop(columns=hidden, errors="ignore"), shown)
    return st.dataframe(frame, column_config=shown | formats, **{"placeholder": ""} | options)


def _places(column: str) -> int:
    """A percentage to a whole number, any other figure (a rate, an average) to one decimal place."""
    return 0 if "%" in column or "pct" in column.lower() or "share" in column.lower() else 1


def _rounded(value: object, places: int) -> object:
    return round(value, places) if isinstance(value, float) and not pd.isna(value) else value


def _as_on_screen(frame: pd.DataFrame, configured: dict) -> tuple[pd.DataFrame, dict]:
    """The table in the page's words and formats: yes/no as Yes or No, decimals rounded as the sentences round them
    (a screen reader reads what the cell holds, so the numbers are rounded, not only drawn so), dates as 3 April
    2025. A column the page gave a type of its own (a NumberColumn, a DateColumn) is left as it said; a label or a
    width it gave is kept."""
    frame, formats = frame.copy(), {}
    for name in frame.columns:
        cells, setting = frame[name], configured.get(name)
        if isinstance(setting, dict) and setting.get("type_config"):
            continue
        if pd.api.types.is_bool_dtype(cells) or (len(cells.dropna()) and cells.dropna().map(type).eq(bool).all()):
            frame[name] = cells.map(labels.yes_no)
        elif pd.api.types.is_datetime64_any_dtype(cells):
            formats[name] = _keeping(setting, st.column_config.DateColumn(format="D MMMM YYYY"))
        elif pd.api.types.is_float_dtype(cells) or cells.dtype == object:
            places = _places(str(name))
            frame[name] = cells.map(partial(_rounded, places=places))
            if pd.api.types.is_float_dtype(cells):
                formats[name] = _keeping(setting, st.column_config.NumberColumn(format=f"%.{places}f"))
    return frame, formats


def _keeping(setting: str | dict | None, column: dict) -> dict:
    """`column` with the label, or the label and width, the page set for it."""
    if isinstance(setting, str):
        return column | {"label": setting}
    return column | {key: setting[key] for key in ("label", "width") if setting and setting.get(key) is not None}


WRAPPING_ROW = 86  # pixels: four lines; Streamlit wraps a cell's text only in rows taller than 4rem (64px)


def whole_table(
    frame: pd.DataFrame,
    widths: dict[str, int] | None = None,
    *,
    wrapping: bool = False,
    config: dict | None = None,
    **options,
):
    """A `table` a meeting can read without scrolling inside it: every row shown (pages keep long ones short by
    paging), columns `widths` pixels wide (by name) so that they fit across the page, and with `wrapping` long text
    on up to four lines in taller rows rather than cut off at the right. `config` is the columns' `column_config`."""
    config = config or {}
    sized = {name: _sized(config.get(name), width) for name, width in (widths or {}).items()}
    row_height = WRAPPING_ROW if wrapping else None
    return table(frame, config | sized, height="content", row_height=row_height, hide_index=True, **options)


def _sized(column, width: int):
    """A column's configuration (its label, a column_config, or none) with its width."""
    if column is None or isinstance(column, str):
        return st.column_config.Column(column, width=width)
    return {**column, "width": width}


def link_to(page: str, label: str, icon: str | None = None) -> None:
    """A link to another page, drawn only for a user who may open it (the navigation holds only those pages)."""
    if current_user().may_open(page):
        st.page_link(f"pages/{page}.py", label=label, icon=icon)


def hidden_note(note: str) -> None:
    """Under a table or chart with numbers hidden by the small-number suppression: which, and why."""
    if note:
        st.caption(f"{note} A dash ({privacy.HIDDEN_MARK}) marks a hidden number.")


def empty_log_notice() -> None:
    if current_user().may_open("import_data"):
        st.info("No incidents yet: import your incident log on the Import page.", icon=":material/upload_file:")
        link_to("import_data", "Go to Import", ":material/upload_file:")
    else:
        st.info("No incidents yet: the council's safety officer imports the incident log.")


def no_match_notice() -> None:
    st.info("No incidents match these filters: widen the period or clear a filter in the sidebar.")


def as_written(value, limit: int = text.LABEL) -> str:
    """Text from the data or typed by a user, for any call that reads markdown: drawn as written, never as a link,
    an image, a formula or formatting, and cut to `limit` (analytics.text)."""
    return text.for_markdown(value, limit)


def show_in_full(shortened: dict[str, str], key: str) -> None:
    """Values a page shortened (analytics.text.was_cut), whole, as plain text behind a toggle: drawn only when
    asked for, so a page never carries a value of any length unasked."""
    if shortened and st.toggle("Show the shortened text in full", key=key):
        for label, value in shortened.items():
            st.text(f"{label}: {value}")


_LONG_FIELDS = {"description": text.PASSAGE}  # the rest are names, codes and choices from a list


def show_incident_fields(detail: dict, key: str = "incident_in_full") -> None:
    """Every field of one incident in plain words, in two columns; a field too long to show whole is cut, and shown
    in full a click away."""
    labels = [(name, label) for name, label in FIELD_LABELS.items() if name in detail]  # left out: not theirs to see
    values = {name: as_text(detail.get(name)) for name, _ in labels}
    limits = {name: _LONG_FIELDS.get(name, text.LABEL) for name, _ in labels}
    half = (len(labels) + 1) // 2
    for column, part in zip(st.columns(2), (labels[:half], labels[half:]), strict=True):
        lines = [f"- **{label}:** {as_written(values[name] or 'not recorded', limits[name])}" for name, label in part]
        column.markdown("\n".join(lines))
    show_in_full({label: values[name] for name, label in labels if text.was_cut(values[name], limits[name])}, key)
