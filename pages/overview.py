"""Overview: how much abuse are our councillors facing, and is it rising?"""

import streamlit as st

from analytics.dates import display
from analytics.filters import IncidentFilter
from analytics.incidents import headline, monthly_counts
from pages.charts import monthly_trend
from pages.common import chosen_filter, cursor, data_version, open_page


@st.cache_data(show_spinner=False)
def _overview(version: str, incident_filter: IncidentFilter):
    con = cursor()
    return headline(con, incident_filter), monthly_counts(con, incident_filter)


con = open_page()
st.title("How much abuse are our councillors facing?")
summary, months = _overview(data_version(con), chosen_filter())

if summary.incidents == 0:
    st.info("No incidents yet: import your incident log on the Import page.", icon=":material/upload_file:")
    st.page_link("pages/import_data.py", label="Go to Import", icon=":material/upload_file:")
    st.stop()

st.markdown(
    f"**{summary.incidents:,} incidents** against **{summary.councillors_affected} councillors** in "
    f"{summary.wards_affected} wards were recorded between {display(summary.first)} and {display(summary.last)}."
)
columns = st.columns(4)
columns[0].metric("Incidents", f"{summary.incidents:,}")
columns[1].metric("Councillors affected", summary.councillors_affected)
columns[2].metric(
    "High or critical threat",
    f"{summary.high_or_critical:,}",
    help="Incidents whose recorded threat level is high or critical.",
)
columns[3].metric("Reported to the police", f"{summary.reported_to_police:,}")

st.plotly_chart(monthly_trend(months), key="monthly_trend")
with st.expander("Show the numbers behind this chart"):
    table = months.assign(month=months["month"].map(lambda day: f"{day:%B %Y}"))
    st.dataframe(table.rename(columns={"month": "Month", "incidents": "Incidents"}), hide_index=True)
