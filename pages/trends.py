"""Trends: is abuse getting worse?"""

import duckdb
import pandas as pd
import streamlit as st

from analytics.governance import privacy
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.trends import SPLITS, biggest_rises, counts_over_time, latest_year_on_previous
from analytics.ingest import labels
from analytics.ingest.labels import labelled_columns
from pages import charts
from pages.common import chart_with_numbers, hidden_note, no_match_notice, open_analysis_page, stop_while_log_empty

NO_SPLIT = "nothing (all incidents)"


@st.cache_data(show_spinner=False)
def _trend(_con: duckdb.DuckDBPyConnection, version: str, chosen: IncidentFilter, period: str, split: str | None):
    return counts_over_time(_con, chosen, period, split)


@st.cache_data(show_spinner=False)
def _year_on_year(_con: duckdb.DuckDBPyConnection, version: str, chosen: IncidentFilter):
    comparison = latest_year_on_previous(_con, chosen)
    if comparison is None:
        return None
    rises = {split: biggest_rises(_con, chosen, comparison, split, top=1) for split in ("channel", "ward")}
    return comparison, rises["channel"], rises["ward"]


def _month(start) -> str:
    return f"{start:%B %Y}"


def _quarter(start) -> str:
    """A quarter as a person says it: January to March 2025."""
    return f"{start:%B} to {start + pd.DateOffset(months=2):%B %Y}"


page = open_analysis_page("trends", "Is abuse getting worse?")
con, user, chosen, version = page.con, page.user, page.chosen, page.version
stop_while_log_empty(con)
lead = _year_on_year(con, version, chosen)
if lead is None:
    no_match_notice()
    st.stop()
st.markdown(privacy.year_on_year_sentence(user, *lead))

left, right = st.columns(2)
period = left.segmented_control(
    "Count by",
    ["month", "quarter"],
    default="month",
    required=True,
    format_func=labels.category,
    key="period_size",
    bind="query-params",
)
split_choice = right.selectbox(
    "Split by", [NO_SPLIT, *SPLITS], format_func=labels.category, key="split", bind="query-params"
)
split = None if split_choice == NO_SPLIT else split_choice
frame = _trend(con, version, chosen, period, split)
if frame.empty:
    no_match_notice()
    st.stop()
shown = privacy.trend_shown(user, frame, _trend(con, version, chosen.over_all_dates(), period, split), split)

numbers = shown.marked().assign(period=frame["period"].map(_month if period == "month" else _quarter))
chart_with_numbers(
    charts.trend(shown.frame, period, split),
    labelled_columns(numbers if split else numbers.drop(columns="category")).rename(
        columns={"Period": period.capitalize(), "Category": labels.category(split or "")}
    ),
    key="chart_trend",
)
hidden_note(shown.note)
if not frame["complete"].all():
    st.caption(f"The latest {period} is still under way, so its count will rise.")
st.caption(
    "The line is the average of the last 3 months (or 4 quarters). 'A year before' is the same period a year "
    f"earlier; the change is shown where there were incidents then. {labels.GLOSSES['Complete']}"
)
