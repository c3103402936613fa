"""Overview: how much abuse are our councillors facing, is it rising, and what needs attention now?"""

from datetime import date

import streamlit as st

from analytics.alerts import current_alerts
from analytics.filters import IncidentFilter
from analytics.incidents import describe_period, headline, log_has_incidents, monthly_counts
from pages.charts import monthly_trend
from pages.common import (
    chart_with_numbers,
    chosen_filter,
    cursor,
    data_version,
    empty_log_notice,
    no_match_notice,
    open_page,
)


@st.cache_data(show_spinner=False)
def _overview(version: str, chosen: IncidentFilter):
    con = cursor()
    before = chosen.previous_period()
    return headline(con, chosen), headline(con, before) if before else None, monthly_counts(con, chosen)


@st.cache_data(show_spinner=False)
def _alerts(version: str, as_of: date):
    return current_alerts(cursor(), as_of)


def _metric(column, label: str, now: int, before: int | None, help_text: str | None = None) -> None:
    delta = f"{now - before:+,} on the period before" if before is not None else None
    column.metric(label, f"{now:,}", delta=delta, delta_color="inverse", help=help_text)


def _attention(alerts) -> None:
    st.subheader("What needs attention")
    kinds = {kind: [alert for alert in alerts if alert.kind == kind] for kind in
             ("unusual rise", "repeat perpetrator", "escalation")}  # fmt: skip
    if not alerts:
        st.success("Nothing stands out: no unusual rise, no repeat perpetrator and no councillor to escalate.")
        return
    for rise in kinds["unusual rise"]:
        st.warning(rise.sentence, icon=":material/trending_up:")
    if kinds["repeat perpetrator"]:
        people = kinds["repeat perpetrator"]
        with st.expander(f"{len(people)} people are linked to several incidents: consider referral to the police"):
            for person in people[:5]:
                st.markdown(f"- {person.sentence}")
            st.page_link("pages/councillors.py", label="See everyone on the Councillors and risk page")
    if kinds["escalation"]:
        councillors = kinds["escalation"]
        with st.expander(f"{len(councillors)} councillors need their risk assessment reviewing"):
            for risk in councillors[:5]:
                st.markdown(f"- {risk.sentence}")
            st.page_link("pages/councillors.py", label="See the escalation list on the Councillors and risk page")


con = open_page("overview")
st.title("How much abuse are our councillors facing?")
if not log_has_incidents(con):
    empty_log_notice()
    st.stop()
chosen = chosen_filter()
version = data_version(con)
now, before, months = _overview(version, chosen)
if now.incidents == 0:
    no_match_notice()
    st.stop()

st.markdown(describe_period(now, before, chosen))
previous = before if before and before.incidents else None
columns = st.columns(4)
_metric(columns[0], "Incidents", now.incidents, previous.incidents if previous else None)
_metric(
    columns[1], "Councillors affected", now.councillors_affected, previous.councillors_affected if previous else None
)
_metric(
    columns[2],
    "High or critical threat",
    now.high_or_critical,
    previous.high_or_critical if previous else None,
    "Incidents whose threat level is high or critical, as recorded or worked out by the triage rules.",
)
_metric(columns[3], "Reported to the police", now.reported_to_police, previous.reported_to_police if previous else None)

_attention(_alerts(version, date.today()))

chart_with_numbers(
    monthly_trend(months),
    months.assign(month=months["month"].map(lambda day: f"{day:%B %Y}")).rename(
        columns={"month": "Month", "incidents": "Incidents"}
    ),
    key="chart_monthly_trend",
)
