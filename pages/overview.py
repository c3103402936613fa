"""Overview: how much abuse are our councillors facing, is it rising, and what needs attention now?"""

from datetime import date

import duckdb
import streamlit as st

from analytics import clock
from analytics.governance import privacy
from analytics.governance.access import COUNCILLOR_RISK
from analytics.incidents.alerts import Digest, digest
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incidents import date_extent, headline, monthly_counts
from analytics.incidents.trends import Change, getting_worse
from analytics.text import SENTENCE
from pages.charts import monthly_trend
from pages.common import (
    as_written,
    chart_with_numbers,
    hidden_note,
    link_to,
    no_match_notice,
    open_analysis_page,
    stop_while_log_empty,
)

ALERTS_SHOWN = 5  # of each kind about people; the Councillors and risk page lists them all


@st.cache_data(show_spinner=False)
def _overview(_con: duckdb.DuckDBPyConnection, version: str, chosen: IncidentFilter, compared: bool):
    before = chosen.previous_period() if compared else None
    return headline(_con, chosen), headline(_con, before) if before else None, monthly_counts(_con, chosen)


@st.cache_data(show_spinner=False)
def _getting_worse(_con: duckdb.DuckDBPyConnection, version: str, chosen: IncidentFilter, today: date):
    """`today` keys the cache: the months compared move on when a month ends, with no import to change `version`."""
    return getting_worse(_con, chosen)


def _whole_log(con: duckdb.DuckDBPyConnection, chosen: IncidentFilter) -> bool:
    """Whether the sidebar's period is the whole log (its default), so no period has been chosen to compare."""
    narrowed = chosen.within(*date_extent(con))
    return narrowed.start is None and narrowed.end is None


@st.cache_data(show_spinner=False)
def _digest(_con: duckdb.DuckDBPyConnection, version: str, as_of: date) -> Digest:
    return digest(_con, as_of, most=ALERTS_SHOWN)


def _metric(column, label: str, now: int | None, before: int | None, help_text: str | None = None) -> None:
    """One headline figure; a hidden one (None) is a dash, and has no change beside it."""
    delta = f"{now - before:+,} on the period before" if None not in (now, before) else None
    value = privacy.HIDDEN_MARK if now is None else f"{now:,}"
    column.metric(label, value, delta=delta, delta_color="inverse", help=help_text)


def _change_metric(column, user, change: Change) -> None:
    """A span's incidents, with the change on the same span a year earlier when both counts may be shown."""
    now, earlier = privacy.change_shown(user, change)
    delta = None
    if None not in (now, earlier):
        percent = f" ({change.change_pct:+.0f}%)" if earlier else ""
        delta = f"{now - earlier:+,}{percent} on {change.earlier_name}"
    value = privacy.HIDDEN_MARK if now is None else f"{now:,}"
    column.metric(f"Incidents in {change.name}", value, delta=delta, delta_color="inverse")


def _getting_worse_answer(con, user, version: str, chosen: IncidentFilter) -> bool:
    """The answer to "is it getting worse?" when no period is chosen: the latest whole year and quarter against a
    year before, with the sidebar's other filters. True when a figure is hidden from this user."""
    year, quarter = _getting_worse(con, version, chosen, clock.today())
    st.markdown(privacy.getting_worse_sentence(user, year, quarter))
    for column, change in zip(st.columns(2), (year, quarter), strict=True):
        _change_metric(column, user, change)
    return any(privacy.change_shown(user, change)[0] is None for change in (year, quarter))


def _attention(alerts, found: Digest, about_people: bool) -> None:
    """The digest's alerts as this user may read them; `about_people` says whether this user may see the alerts
    about individual people."""
    st.header("What needs attention")
    st.caption("These cover the whole council and its latest months, whatever the filters in the sidebar.")
    kinds = {kind: [alert for alert in alerts if alert.kind == kind] for kind in
             ("unusual rise", "repeat perpetrator", "escalation")}  # fmt: skip
    if not alerts and not about_people:
        st.success("Nothing stands out: no unusual rise that can be shown to your role.")
        return
    if not alerts:
        st.success("Nothing stands out: no unusual rise, no repeat perpetrator and no councillor to escalate.")
        return
    for rise in kinds["unusual rise"]:
        st.warning(as_written(rise.sentence, SENTENCE), icon=":material/trending_up:")
    if kinds["repeat perpetrator"]:
        people = kinds["repeat perpetrator"]
        with st.expander(f"{found.people:,} people are linked to several incidents: consider referral to the police"):
            for person in people:
                st.markdown(f"- {as_written(person.sentence, SENTENCE)}")
            link_to("councillors", "See everyone on the Councillors and risk page")
    if kinds["escalation"]:
        councillors = kinds["escalation"]
        with st.expander(f"{found.escalations:,} councillors need their risk assessment reviewing"):
            for risk in councillors:
                st.markdown(f"- {as_written(risk.sentence, SENTENCE)}")
            link_to("councillors", "See the escalation list on the Councillors and risk page")


page = open_analysis_page("overview", "How much abuse are our councillors facing?")
con, user, chosen, version = page.con, page.user, page.chosen, page.version
stop_while_log_empty(con)
whole_log = _whole_log(con, chosen)
now, before, months = _overview(con, version, chosen, not whole_log)
if now.incidents == 0:
    no_match_notice()
    st.stop()

hidden = whole_log and _getting_worse_answer(con, user, version, chosen)
st.markdown(privacy.period_sentence(user, now, before, chosen))
previous = before if before and before.incidents else None
figures = privacy.headline_shown(user, now, previous)
help_texts = {
    "High or critical threat": (
        "Incidents whose threat level is high or critical, as recorded or worked out by the triage rules."
    )
}
for column, (label, (this_period, period_before)) in zip(st.columns(4), figures.items(), strict=True):
    _metric(column, label, this_period, period_before, help_texts.get(label))
if hidden or any(this_period is None for this_period, _ in figures.values()):
    st.caption(privacy.HEADLINE_NOTE)

found = _digest(con, version, clock.today())
_attention(privacy.alerts_shown(con, user, found.alerts), found, user.may(COUNCILLOR_RISK))

shown = privacy.monthly_shown(user, months)
chart_with_numbers(
    monthly_trend(shown.frame),
    shown.marked()
    .assign(month=months["month"].map(lambda day: f"{day:%B %Y}"))
    .rename(columns={"month": "Month", "incidents": "Incidents"}),
    key="chart_monthly_trend",
)
hidden_note(shown.note)
