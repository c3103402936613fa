"""Councillors and risk: whose risk has risen, who needs escalating, and who is behind repeated incidents?"""

from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from analytics import clock
from analytics.governance.access import IDENTITIES, User
from analytics.governance.privacy import perpetrators_shown
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incidents import date_extent
from analytics.incidents.perpetrators import (
    Listed,
    RepeatPerpetrator,
    listed_counts,
    listing_rules,
    named,
    perpetrator_timelines,
    repeat_perpetrators,
)
from analytics.incidents.risk import (
    ASSESSMENT_VALID_MONTHS,
    CouncillorRisk,
    RiskCounts,
    councillor_risks,
    escalation_summary,
    escalations,
    risk_counts,
    rules_in_words,
)
from analytics.ingest.dates import display
from analytics.ingest.labels import DERIVED, GLOSSES, categories, category, yes_no
from analytics.text import SENTENCE
from pages.common import AnalysisPage, as_written, link_to, open_analysis_page, whole_table

PEOPLE_A_PAGE = 25  # people listed, each with their incidents, at a time
TIMELINE_ROWS = 50  # of one person's incidents shown under their name, the latest
ESCALATIONS_A_PAGE = 50  # councillors needing escalation listed at a time, most urgent first
COUNCILLORS_A_PAGE = 100  # councillors of the register listed at a time, by name

# Column widths in pixels that fit each table across the page beside the sidebar (about 930 on a laptop's screen):
# short choices and counts narrow, the reasons wrapped (pages.common.whole_table) rather than cut off at the right.
ESCALATION_WIDTHS = {
    "Councillor": 130,
    "Ward": 100,
    "Suggested": 75,
    "Recorded": 80,
    "Last assessed": 105,
    "Why escalate": 175,
    "Why this suggested level": 260,
}
REGISTER_WIDTHS = {
    "Councillor": 140,
    "Ward": 110,
    "Role": 90,
    "Suggested": 75,
    "Recorded": 85,
    "Last assessed": 115,
    "Own risk assessment": 145,
    "Incidents in the last 12 months": 90,
    "Needs escalating": 75,
}
PEOPLE_WIDTHS = {
    "Person": 110,
    "Written as": 110,
    "Incidents": 70,
    "Councillors targeted": 80,
    "First seen": 95,
    "Last seen": 95,
    "Highest threat": 75,
    "Threat rising": 65,
    "Reported to the police": 75,
    "Why listed": 155,
}


@st.cache_data(show_spinner=False)
def _counts(_con: duckdb.DuckDBPyConnection, version: str, as_of: date) -> RiskCounts:
    return risk_counts(_con, as_of)


@st.cache_data(show_spinner=False)
def _escalated(_con: duckdb.DuckDBPyConnection, version: str, as_of: date, skip: int) -> list[CouncillorRisk]:
    return escalations(_con, as_of, most=ESCALATIONS_A_PAGE, skip=skip)


@st.cache_data(show_spinner=False)
def _register(_con: duckdb.DuckDBPyConnection, version: str, as_of: date, skip: int) -> list[CouncillorRisk]:
    return councillor_risks(_con, as_of, most=COUNCILLORS_A_PAGE, skip=skip)


@st.cache_data(show_spinner=False)
def _listed(_con: duckdb.DuckDBPyConnection, version: str, incident_filter: IncidentFilter, as_of: date) -> Listed:
    return listed_counts(_con, incident_filter, as_of)


@st.cache_data(show_spinner=False)
def _people(
    _con: duckdb.DuckDBPyConnection, version: str, incident_filter: IncidentFilter, as_of: date, user: User, skip: int
) -> list[RepeatPerpetrator]:
    """A page of the repeat perpetrators, from the `skip`-th on, each named as this user may see them."""
    people = repeat_perpetrators(_con, incident_filter, as_of, most=PEOPLE_A_PAGE, skip=skip)
    names = perpetrators_shown(_con, user, pd.Series([person.perpetrator_key for person in people], dtype=object))
    return [named(person, name) for person, name in zip(people, names, strict=True)]


@st.cache_data(show_spinner=False)
def _timelines(_con: duckdb.DuckDBPyConnection, version: str, perpetrator_keys: list[str]) -> dict[str, pd.DataFrame]:
    return perpetrator_timelines(_con, perpetrator_keys, latest=TIMELINE_ROWS)


def _assessed(day: date | None) -> str:
    return display(day) if day else "never"


def _own_assessment(risk: CouncillorRisk) -> str:
    if risk.own_assessment_on is None:
        return "never done"
    if risk.own_assessment_out_of_date:
        return f"{display(risk.own_assessment_on)} (over {ASSESSMENT_VALID_MONTHS} months ago)"
    return display(risk.own_assessment_on)


def _escalation_table(escalated: list[CouncillorRisk]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Councillor": [risk.name for risk in escalated],
            "Ward": [risk.ward for risk in escalated],
            "Suggested": [category(risk.suggested) for risk in escalated],
            "Recorded": [category(risk.recorded or "none recorded") for risk in escalated],
            "Last assessed": [_assessed(risk.assessed_on) for risk in escalated],
            "Why escalate": ["; ".join(risk.escalation_reasons) for risk in escalated],
            "Why this suggested level": ["; ".join(risk.reasons) for risk in escalated],
        }
    )


def _register_table(risks: list[CouncillorRisk]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Councillor": [risk.name for risk in risks],
            "Ward": [risk.ward for risk in risks],
            "Role": [risk.role or "" for risk in risks],
            "Suggested": [category(risk.suggested) for risk in risks],
            "Recorded": [category(risk.recorded or "none recorded") for risk in risks],
            "Last assessed": [_assessed(risk.assessed_on) for risk in risks],
            "Own risk assessment": [_own_assessment(risk) for risk in risks],
            "Incidents in the last 12 months": [risk.incidents_12_months for risk in risks],
            "Needs escalating": [yes_no(risk.needs_escalation) for risk in risks],
        }
    )


def _people_table(people: list[RepeatPerpetrator], identified: bool) -> pd.DataFrame:
    """The people listed; how the council wrote each one's name only for a user who may see who they are."""
    table = pd.DataFrame(
        {
            "Person": [person.name for person in people],
            "Written as": [", ".join(person.written_as) for person in people],
            "Incidents": [person.incidents for person in people],
            "Councillors targeted": [person.councillors for person in people],
            "First seen": [display(person.first_seen) for person in people],
            "Last seen": [display(person.last_seen) for person in people],
            "Highest threat": [category(person.highest_threat) for person in people],
            "Threat rising": [yes_no(person.threat_rising) for person in people],
            "Reported to the police": [person.reported_to_police for person in people],
            "Why listed": ["; ".join(person.reasons) for person in people],
        }
    )
    return table if identified else table.drop(columns="Written as")


def _derived(derived: bool) -> str:
    return f" {DERIVED}" if derived else ""


def _timeline_table(timeline: pd.DataFrame) -> pd.DataFrame:
    police = {True: "Yes", False: "No"}
    return pd.DataFrame(
        {
            "Date": timeline["occurred_on"].map(display),
            "Councillor": timeline["councillor"],
            "Ward": timeline["ward"],
            "How": timeline["channel"].map(category),
            "Type of abuse": timeline["abuse_types"].map(categories),
            "Threat": timeline["threat"].map(category) + timeline["threat_derived"].map(_derived),
            "Reported to the police": timeline["reported_to_police"].map(lambda told: police.get(told, "Not known")),
        }
    )


def _show_rules() -> None:
    rules = rules_in_words()
    with st.expander("How the suggested level is worked out", icon=":material/rule:"):
        st.markdown(
            "The suggested level reads only the incident log, so it is a prompt to review a councillor's risk "
            "assessment, not a replacement for it."
        )
        for level in ("high", "medium"):
            st.markdown(f"**{level.capitalize()}** when any of:\n" + "".join(f"\n- {rule}" for rule in rules[level]))
        st.markdown(f"**Low** when {rules['low'][0]}.")
        st.markdown("**Escalate** when:\n" + "".join(f"\n- {rule}" for rule in rules["escalation"]))


def _show_risks(page: AnalysisPage, counts: RiskCounts, as_of: date) -> None:
    if not counts.councillors:
        st.info("Import your councillor register on the Import page to see risk levels.", icon=":material/group:")
        link_to("import_data", "Go to Import", ":material/upload_file:")
        return
    st.markdown(escalation_summary(counts))
    if counts.escalations:
        skip = _chosen_page(
            counts.escalations, ESCALATIONS_A_PAGE, "councillors needing escalation", "escalations_page"
        )
        whole_table(
            _escalation_table(_escalated(page.con, page.version, as_of, skip)), ESCALATION_WIDTHS, wrapping=True
        )
    _show_rules()


def _show_register(page: AnalysisPage, counts: RiskCounts, as_of: date) -> None:
    st.header("Every councillor's suggested and recorded risk")
    skip = _chosen_page(counts.councillors, COUNCILLORS_A_PAGE, "councillors, by name", "register_page")
    whole_table(_register_table(_register(page.con, page.version, as_of, skip)), REGISTER_WIDTHS)


def _period(chosen: IncidentFilter) -> str:
    if chosen.start and chosen.end:
        return f"between {display(chosen.start)} and {display(chosen.end)}"
    return "in the whole log"


def _show_people(page: AnalysisPage, log_is_empty: bool, as_of: date) -> None:
    st.header("People linked to several incidents")
    if log_is_empty:
        st.info("No incidents yet: import your incident log on the Import page.", icon=":material/upload_file:")
        return
    listed = _listed(page.con, page.version, page.chosen, as_of)
    if not listed.people:
        st.success(
            f"No one is linked to several incidents, several councillors or a rising threat {_period(page.chosen)} "
            "under the filters chosen."
        )
        return
    st.markdown(
        f"**{listed.people:,} people** are linked to several incidents, several councillors or a rising threat "
        f"{_period(page.chosen)}: {listed.serious:,} of them reached a high or critical threat level, and the threat "
        f"is rising for {listed.rising:,}. Consider referral to the police for each."
    )
    skip = _chosen_page(listed.people, PEOPLE_A_PAGE, "people, highest priority first", "people_page")
    people = _people(page.con, page.version, page.chosen, as_of, page.user, skip)
    whole_table(_people_table(people, page.user.may(IDENTITIES)), PEOPLE_WIDTHS, wrapping=True)
    _show_listing_rules()
    timelines = _timelines(page.con, page.version, [person.perpetrator_key for person in people])
    for person in people:
        with st.expander(
            f"{as_written(person.name)}: {person.incidents} incidents, highest threat {person.highest_threat}"
        ):
            st.markdown(as_written(person.sentence, SENTENCE))
            if person.incidents > TIMELINE_ROWS:
                st.caption(f"Their latest {TIMELINE_ROWS} incidents of {person.incidents:,}.")
            whole_table(_timeline_table(timelines[person.perpetrator_key]))
            st.caption(GLOSSES[DERIVED])


def _chosen_page(total: int, a_page: int, what: str, key: str) -> int:
    """How many of `total` to skip for the page of them chosen: a page chooser only when they fill more than one."""
    pages = -(-total // a_page)
    if pages == 1:
        return 0
    chosen = st.number_input(f"Page of {what} ({a_page} a page)", min_value=1, max_value=pages, key=key)
    st.caption(f"{(chosen - 1) * a_page + 1:,} to {min(chosen * a_page, total):,} of {total:,}.")
    return (chosen - 1) * a_page


def _show_listing_rules() -> None:
    with st.expander("Who is listed", icon=":material/rule:"):
        rules = listing_rules()
        st.markdown(
            "People are linked by how the council wrote them (`@JaneDoe`, `janedoe` and `https://x.com/JaneDoe` are "
            "one person), counting the incidents under the filters. Someone is listed when:\n"
            + "".join(f"\n- {rule}" for rule in rules["listed"])
        )
        st.markdown("In order of priority:\n" + "".join(f"\n- {rule}" for rule in rules["order"]))


page = open_analysis_page("councillors", "Whose risk has risen?")
con, version = page.con, page.version
as_of = clock.today()
counts = _counts(con, version, as_of)
_show_risks(page, counts, as_of)
_show_people(page, date_extent(con)[0] is None, as_of)
if counts.councillors:
    _show_register(page, counts, as_of)
