"""Report an incident: a councillor's short form for themselves (an officer's for any councillor), what happens next
once it is sent, and the state of everything they have reported or asked for."""

import secrets

import duckdb
import pandas as pd
import streamlit as st

from analytics import clock
from analytics.governance.access import QUEUE, User
from analytics.ingest.dates import display
from analytics.ingest.vocabulary import ABUSE_TYPES, CHANNELS, PROTECTED_CHARACTERISTICS
from analytics.support.reports import (
    POLICE_TOLD,
    SOCIAL_MEDIA,
    THREATS,
    Receipt,
    Report,
    contact,
    councillors_for,
    report_incident,
)
from analytics.support.requests import acknowledgement_targets, raised_by_me
from pages.common import as_written, current_user, open_page, refusals_shown, table

ROUND = "report_form_round"
SENT = "report_receipt"
THREAT_WORDS = {
    "none": "No threat",
    "to property": "A threat to damage property",
    "of violence": "A threat of violence",
    "death threat": "A death threat or a threat to life",
}
TRACKED_COLUMNS = {
    "request_id": "Reference",
    "kind": "What",
    "raised_at": st.column_config.DatetimeColumn("Sent", format="D MMMM YYYY, HH:mm"),
    "threat": "Threat",
    "state": "State",
    "summary": "About",
    "acknowledged_at": st.column_config.DatetimeColumn("Acknowledged", format="D MMMM YYYY, HH:mm"),
}


def _round() -> int:
    """Which report form this is: its widgets are keyed by it, so a sent form's button (pressed again) belongs to
    nothing and sends nothing (as pages/review.py does)."""
    return st.session_state.setdefault(ROUND, 0)


def _submission_id() -> str:
    """This form's own id, sent with it: the same form sent twice is stored once (analytics.support.reports)."""
    return st.session_state.setdefault(f"report_submission_{_round()}", secrets.token_hex(16))


def _lead(con: duckdb.DuckDBPyConnection) -> str:
    targets = acknowledgement_targets(con)
    return (
        f"Tell the council what happened: it goes into the incident log, and {as_written(contact(con))} will contact "
        f"you, the same day for a threat to life and within {targets['high']} working day"
        f"{'s' if targets['high'] != 1 else ''} for a threat of violence."
    )


def _what_happens_next(receipt: Receipt) -> None:
    st.subheader("What happens next")
    if receipt.call_999_first:
        st.error("**If you are in danger now, call 999 first.** A threat to life is a matter for the police.")
    st.success(as_written(receipt.next_steps, 400), icon=":material/check_circle:")
    st.markdown(
        f"- **Your reference:** {receipt.reference}\n"
        f"- **Threat level:** {receipt.threat}\n"
        f"- **What it calls for:** {as_written(receipt.response)}\n"
        f"- **Who will contact you:** {as_written(receipt.contact)}, by {display(receipt.due_on)}"
    )
    if st.button("Report another incident", key="report_another"):
        st.session_state.pop(SENT, None)
        st.rerun()


def _form(con: duckdb.DuckDBPyConnection, user: User) -> None:
    councillors = councillors_for(con, user)
    if not councillors:
        st.warning(
            "Your account is not linked to a councillor in the register: ask the council's safety officer to link "
            "it, then report here."
            if not user.may(QUEUE)
            else "No councillors yet: import the councillor register on the Import page, then report here."
        )
        return
    form = _round()
    with st.form(f"report_form_{form}"):
        if user.may(QUEUE):
            chosen = st.selectbox(
                "Which councillor is this about?",
                list(councillors),
                index=None,
                format_func=councillors.get,
                placeholder="Choose the councillor",
                key=f"councillor_{form}",
            )
        else:
            chosen = next(iter(councillors))
        description = st.text_area("What happened?", key=f"description_{form}")
        today = clock.today()
        occurred_on = st.date_input("When did it happen?", value=today, max_value=today, format="DD/MM/YYYY",
                                    key=f"occurred_on_{form}")  # fmt: skip
        channel = st.selectbox(
            "Where or how?", CHANNELS, index=None, placeholder="At a surgery, at home, online...", key=f"channel_{form}"
        )
        platform = st.text_input("If on social media: which platform?", key=f"platform_{form}")
        link = st.text_input("If on social media: a link to the post or message", key=f"link_{form}")
        threat = st.radio("Was there a threat?", list(THREATS), format_func=THREAT_WORDS.get, key=f"threat_{form}")
        kinds = st.multiselect("What kind of abuse was it? Choose any that apply", ABUSE_TYPES, key=f"kinds_{form}")
        who = st.text_input(
            "Who did it, if you know? A name, an e-mail address or a social media handle", key=f"who_{form}"
        )
        about = st.multiselect(
            "Was it about who you are? Choose any that apply", PROTECTED_CHARACTERISTICS, key=f"about_{form}"
        )
        police = st.radio("Have the police been told?", list(POLICE_TOLD), horizontal=True, index=2,
                          key=f"police_{form}")  # fmt: skip
        crime_reference = st.text_input("The police's crime reference, if you have one", key=f"crime_{form}")
        submitted = st.form_submit_button("Send the report", type="primary")
    if not submitted:
        return
    report = Report(
        description=description,
        occurred_on=occurred_on,
        channel=channel,
        abuse_types=tuple(kinds),
        threat=threat,
        platform=platform if channel == SOCIAL_MEDIA else "",
        link=link if channel == SOCIAL_MEDIA else "",
        perpetrator_ref=who,
        characteristics=tuple(about),
        police_told=police,
        crime_reference=crime_reference,
    )
    with refusals_shown("The report was not sent. {}") as sending:
        if chosen is None:
            st.error("The report was not sent. Choose the councillor it is about, then send it.")
            return
        st.session_state[SENT] = report_incident(con, user, chosen, report, _submission_id())
    if sending.refused:
        return
    st.session_state[ROUND] = form + 1
    st.rerun()


def _tracked(con: duckdb.DuckDBPyConnection, user: User) -> None:
    st.subheader("Your reports and requests")
    mine = raised_by_me(con, user)
    if mine.empty:
        st.markdown("Nothing yet: what you report or ask for is listed here, with how far it has got.")
        return
    waiting = int((mine["state"] == "new").sum())
    st.markdown(
        f"**{len(mine)}** in all; **{waiting}** not yet acknowledged. The newest is first."
        if waiting
        else f"**{len(mine)}** in all, every one acknowledged. The newest is first."
    )
    table(mine.assign(acknowledged_at=pd.to_datetime(mine["acknowledged_at"])), TRACKED_COLUMNS, hide_index=True)


con = open_page("report")
user = current_user()
st.title("Report an incident")
st.markdown(_lead(con))
if SENT in st.session_state:
    _what_happens_next(st.session_state[SENT])
else:
    _form(con, user)
_tracked(con, user)
