"""Record an individual risk assessment: an officer chooses a councillor, sees their suggested level and its reasons,
their own assessment's level and date, and what their level calls for, and records the council's assessment (level,
offers made and accepted, notes, next review); below, that councillor's past individual assessments. Only for those
who work the queue (analytics.support.individual_risk)."""

from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from analytics import clock
from analytics.incidents.risk import CouncillorRisk, councillor_risks, escalation_summary, risk_counts
from analytics.ingest.dates import display
from analytics.ingest.vocabulary import RISK_LEVELS
from analytics.support import individual_risk, own_risk
from analytics.text import SENTENCE, cut
from pages.common import as_written, current_user, data_version, open_page, refusals_shown, table

ROUND = "individual_risk_form_round"
CHOSEN = "individual_risk_councillor"
SAVED = "individual_risk_saved_message"


def _round() -> int:
    """Which form this is: its widgets are keyed by it, so once an assessment is kept the browser holds nothing of
    it and a second press of its button (already sent) finds no button to belong to (as pages/review.py)."""
    return st.session_state.setdefault(ROUND, 0)


def _new_form() -> None:
    st.session_state[ROUND] = _round() + 1


@st.cache_data(show_spinner=False)
def _risks(_con: duckdb.DuckDBPyConnection, version: str, as_of: date) -> tuple[str, dict[str, CouncillorRisk]]:
    """The page's lead sentence and every councillor's risk by key, read again when the data version changes (an
    import, or an individual assessment recorded)."""
    lead = escalation_summary(risk_counts(_con, as_of))
    return lead, {each.councillor_key: each for each in councillor_risks(_con, as_of)}


def _offers() -> individual_risk.Offers:
    with refusals_shown("{} Individual risk assessments cannot be recorded until the council puts the file right."):
        return individual_risk.offers()
    st.stop()  # refused: the sentence is on the page


def _choose(risks: dict[str, CouncillorRisk]) -> CouncillorRisk | None:
    chosen = st.selectbox(
        "Councillor",
        list(risks),
        index=None,
        format_func=lambda key: cut(f"{risks[key].name}, {risks[key].ward}"),  # plain text: a choice is not markdown
        placeholder="Choose a councillor by name and ward",
        key=CHOSEN,
        on_change=_new_form,
    )
    return risks.get(chosen)


def _show_risk(con, risk: CouncillorRisk, offers: individual_risk.Offers) -> None:
    st.header(as_written(f"{risk.name}, {risk.ward}"))
    reasons = "\n".join(f"- {as_written(reason, SENTENCE)}" for reason in risk.reasons)
    st.markdown(f"Suggested level: **{risk.suggested}**, from the incident log, because of:\n{reasons}")
    if risk.recorded:
        assessed = f"assessed on {display(risk.assessed_on)}" if risk.assessed_on else "no date recorded"
        st.markdown(f"Recorded level: {risk.recorded}, {assessed}.")
    else:
        st.markdown("Recorded level: no risk level recorded yet.")
    own = own_risk.history(con, current_user(), risk.councillor_key)
    if own:
        st.markdown(
            f"Their latest own risk assessment, on {display(own[0]['completed_on'])}, put their risk at "
            f"{own[0]['level']}."
        )
    else:
        st.markdown("The councillor has not assessed their own risk here yet.")
    st.markdown(
        f"**{as_written(offers.title)}**\n"
        + "\n".join(
            f"- A {level} level calls for: {', '.join(map(as_written, offers.offers_for(level)))}; "
            f"review in {offers.review_months[level]} months."
            for level in reversed(RISK_LEVELS)
        )
    )


def _form(con, risk: CouncillorRisk, offers: individual_risk.Offers) -> None:
    st.header("Record the council's assessment")
    round_ = _round()
    today = clock.today()
    with st.form(f"individual_risk_form_{round_}"):
        level = st.selectbox(
            "Level", RISK_LEVELS, index=RISK_LEVELS.index(risk.suggested), key=f"individual_level_{round_}"
        )
        assessed_on = st.date_input(
            "Day assessed", value=today, max_value=today, format="DD/MM/YYYY", key=f"individual_assessed_{round_}"
        )
        offered = st.multiselect(
            "Offered", offers.choices, default=offers.offers_for(risk.suggested), key=f"individual_offered_{round_}"
        )
        accepted = st.multiselect("Accepted by the councillor", offers.choices, key=f"individual_accepted_{round_}")
        notes = st.text_area("Notes", key=f"individual_notes_{round_}")
        review_on = st.date_input(
            "Next review (leave empty for the level's default)",
            value=None,
            min_value=today,
            format="DD/MM/YYYY",
            key=f"individual_review_{round_}",
        )
        submitted = st.form_submit_button("Record the assessment", type="primary")
    if not submitted:
        return
    with refusals_shown("The assessment was not recorded. {}") as attempt:
        assessment_id = individual_risk.record(
            con, current_user(), risk.councillor_key, level=level, assessed_on=assessed_on, offered=offered,
            accepted=accepted, notes=notes, review_on=review_on,
        )  # fmt: skip
    if attempt.refused:
        return
    [kept] = [each for each in individual_risk.history(con, current_user(), risk.councillor_key)
              if each["assessment_id"] == assessment_id]  # fmt: skip
    st.session_state[SAVED] = f"Recorded: {level} risk, next review by {display(kept['review_on'])}."
    _new_form()
    st.rerun()


def _past(past: list[dict]) -> None:
    st.header("Their past individual risk assessments")
    if not past:
        st.markdown("None yet: each assessment recorded here is kept with its date, and the latest is in force.")
        return
    rows = pd.DataFrame(
        {
            "assessed_on": [each["assessed_on"] for each in past],
            "level": [each["level"] for each in past],
            "offered": ["; ".join(each["offered"]) for each in past],
            "accepted": ["; ".join(each["accepted"]) for each in past],
            "notes": [each["notes"] or "" for each in past],
            "review_on": [each["review_on"] for each in past],
            "recorded_by": [each["recorded_by"] for each in past],
        }
    )
    table(
        rows,
        {
            "assessed_on": st.column_config.DateColumn("Assessed", format="DD/MM/YYYY"),
            "level": "Level",
            "offered": "Offered",
            "accepted": "Accepted",
            "notes": "Notes",
            "review_on": st.column_config.DateColumn("Review by", format="DD/MM/YYYY"),
            "recorded_by": "Recorded by",
        },
        hide_index=True,
    )


con = open_page("individual_risk")
st.title("Record an individual risk assessment")
offers = _offers()
lead, risks = _risks(con, data_version(con), clock.today())
st.markdown(f"{lead} Choose a councillor to record their individual risk assessment.")
if message := st.session_state.pop(SAVED, None):
    st.success(message, icon=":material/check_circle:")
risk = _choose(risks)
if risk is None:
    st.stop()
_show_risk(con, risk, offers)
_form(con, risk, offers)
_past(individual_risk.history(con, current_user(), risk.councillor_key))
