"""Patterns: where is abuse concentrated, and who is targeted?"""

import duckdb
import pandas as pd
import streamlit as st

from analytics.governance import privacy
from analytics.incidents import ward_map
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.patterns import characteristic_breakdown, group_rates, heatmap, ward_rates
from analytics.ingest.labels import category
from pages import charts
from pages.common import chart_with_numbers, hidden_note, no_match_notice, open_analysis_page, stop_while_log_empty


@st.cache_data(show_spinner=False)
def _patterns(_con: duckdb.DuckDBPyConnection, version: str, chosen: IncidentFilter):
    return {
        "wards": ward_rates(_con, chosen),
        "channel": heatmap(_con, chosen, "channel"),
        "abuse type": heatmap(_con, chosen, "abuse type"),
        "characteristics": characteristic_breakdown(_con, chosen),
        "groups": group_rates(_con, chosen),
    }


@st.cache_data(show_spinner=False)
def _outlines(_con: duckdb.DuckDBPyConnection, version: str):
    """The wards' outlines change only with an import, whatever the filters."""
    return ward_map.ward_outlines(_con)


def _in_sentence_case(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    return frame.assign(**{column: frame[column].map(category) for column in columns})


page = open_analysis_page("patterns", "Where is abuse concentrated?")
con, user, chosen, version = page.con, page.user, page.chosen, page.version
stop_while_log_empty(con)
found = _patterns(con, version, chosen)
if found["wards"]["incidents"].sum() == 0:
    no_match_notice()
    st.stop()
rates = privacy.ward_rates_shown(user, found["wards"], found["channel"])
st.markdown(privacy.concentration_sentence(user, found["wards"], found["channel"], rates))

st.header("Wards")
rate_numbers = rates.marked().rename(
    columns={
        "ward": "Ward",
        "councillors": "Councillors",
        "incidents": "Incidents",
        "per_councillor": "Incidents per councillor",
    }
)
chart_with_numbers(charts.ward_rates(rates.frame), rate_numbers, key="chart_ward_rates")
hidden_note(rates.note)
st.caption("A rate per councillor lets a ward with three councillors be compared with a ward with one.")
outlines = _outlines(con, version)
if outlines.empty:
    st.info(
        "To see the wards on a map, add your ward boundaries on the Import page: the ONS's ward boundaries "
        "(GeoJSON) or a HexJSON hex map.",
        icon=":material/map:",
    )
else:
    mapped = ward_map.map_figures(outlines, rates)
    chart_with_numbers(charts.ward_map(mapped), rate_numbers, key="chart_ward_map")
    if mapped["hidden"].any():
        st.caption("Hatched wards have their figure hidden for your role, so that no one can be identified from it.")

across = st.segmented_control(
    "Wards against",
    ["channel", "abuse type"],
    default="channel",
    required=True,
    format_func=category,
    key="across",
    bind="query-params",
)
grid = privacy.heatmap_shown(user, found[across])
chart_with_numbers(
    charts.heatmap(grid.frame, across),
    grid.marked().reset_index().rename(columns=category),
    key="chart_heatmap",
)
hidden_note(grid.note)
if grid.note:
    st.caption("In the chart, a hidden number is a grey cell marked 'hidden'; a 0 is the palest blue.")
if across == "abuse type":
    st.caption("An incident of several types is counted once under each, so rows can add up to more than the total.")

st.header("Who is targeted because of who they are?")
table = found["characteristics"]
total = int(found["wards"]["incidents"].sum())
if table.empty:
    st.info("No incident in this selection was recorded as targeting a protected characteristic.")
else:
    targeted = privacy.characteristics_shown(user, table, total)
    chart_with_numbers(
        charts.characteristics(targeted.frame),
        _in_sentence_case(targeted.marked(), "characteristic").rename(
            columns={
                "characteristic": "Protected characteristic",
                "incidents": "Incidents",
                "share_pct": "Share of all incidents (%)",
                "previous": "Previous period",
                "change": "Change",
            }
        ),
        key="chart_characteristics",
    )
    hidden_note(targeted.note)
    st.caption("An incident can target several characteristics, so the shares do not add up to 100%.")

st.header("Are some groups of councillors targeted more?")
groups = found["groups"]
if groups.empty:
    st.info("Import your councillor register on the Import page to compare groups of councillors.")
else:
    compared = privacy.group_rates_shown(user, groups)
    chart_with_numbers(
        charts.group_rates(compared.frame),
        compared.marked()
        .assign(
            dimension=lambda shown: shown["dimension"].map(category),
            group_name=lambda shown: shown["group_name"].map(category),
        )
        .rename(
            columns={
                "dimension": "Compared by",
                "group_name": "Group",
                "councillors": "Councillors",
                "incidents": "Incidents",
                "per_councillor": "Incidents per councillor",
                "low": "95% interval from",
                "high": "95% interval to",
            }
        ),
        key="chart_group_rates",
    )
    hidden_note(compared.note)
    st.caption(
        "The bars either side show the range the true rate is likely to lie in (95%). Two groups differ clearly "
        "only when their ranges do not overlap."
    )
