"""Report an incident: a councillor's short form for themselves (an officer's for any councillor), what happens next
once it is sent, and the state of everything they have reported or asked for."""

import secrets
from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from analytics import clock
from analytics.governance.access import QUEUE, User
from analytics.ingest.dates import display
from analytics.ingest.vocabulary import ABUSE_TYPES, CHANNELS, PROTECTED_CHARACTERISTICS
from analytics.support.evidence import attach, kind_of
from analytics.support.reports import (
    POLICE_TOLD,
    SOCIAL_MEDIA,
    THREATS,
    Receipt,
    Report,
    clear_draft,
    contact,
    councillors_for,
    draft,
    report_incident,
    save_draft,
)
from analytics.support.requests import acknowledgement_targets, raised_by_me
from pages.common import as_written, current_user, cursor, open_page, refusals_shown, table

ROUND = "report_form_round"
DRAFTED = ("councillor", "description", "occurred_on", "channel", "platform", "link", "threat", "kinds", "who", "about",
           "police", "crime")  # fmt: skip
SENT = "report_receipt"
KEPT = "report_draft_kept_at"
DESCRIPTION_LIMIT = 10_000
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
        f"you {_within(targets['critical'])} for a threat to life and {_within(targets['high'])} for a threat of "
        "violence."
    )


def _within(days: int) -> str:
    if days == 0:
        return "the same day"
    return "by the next working day" if days == 1 else f"within {days} working days"


def _what_happens_next(receipt: Receipt) -> None:
    st.header("What happens next")
    if receipt.call_999_first:
        st.error("**If you are in danger now, call 999 first.** A threat to life is a matter for the police.")
    st.success(as_written(receipt.next_steps, 400), icon=":material/check_circle:")
    st.markdown(
        f"- **Your reference:** {receipt.reference}\n"
        f"- **Threat level:** {receipt.threat}\n"
        f"- **What it calls for:** {as_written(receipt.response)}\n"
        f"- **Who will contact you:** {as_written(receipt.contact)}, by {display(receipt.due_on)}"
    )


def _key(name: str) -> str:
    return f"{name}_{_round()}"


def _answers() -> dict:
    """The form's answers as they stand, a date as ISO text: what a draft keeps."""
    answers = {name: st.session_state.get(_key(name)) for name in DRAFTED}
    day = answers["occurred_on"]
    return answers | {"occurred_on": day.isoformat() if isinstance(day, date) else None}


def _keep_draft() -> None:
    """Each answer's on_change: the draft saved as it stands (a callback runs on its own: it takes its own cursor)."""
    save_draft(cursor(), current_user().username, _answers())
    st.session_state[KEPT] = clock.now()


def _start(con: duckdb.DuckDBPyConnection, user: User, options: dict[str, list]) -> None:
    """This form's answers before it is first drawn: the account's draft where it has one (an answer no longer on
    offer is left out), else the defaults."""
    if _key("threat") in st.session_state:  # drawn already this session (Streamlit forgets a widget not drawn)
        return
    kept = draft(con, user.username) or {}
    if kept.get("occurred_on"):
        kept["occurred_on"] = date.fromisoformat(kept["occurred_on"])
    defaults = {"occurred_on": clock.today(), "threat": "none", "police": "not known"}
    for name in DRAFTED:
        value = kept.get(name, defaults.get(name))
        allowed = options.get(name)
        if isinstance(value, list):
            value = [item for item in value if allowed is None or item in allowed]
        elif value is not None and allowed is not None and value not in allowed:
            value = defaults.get(name)
        if value is not None:
            st.session_state[_key(name)] = value
    if kept:
        st.info("Your unsent report is as you left it: finish it and send it, or start again.", icon=":material/edit:")


def _form(con: duckdb.DuckDBPyConnection, user: User) -> None:
    """The report's questions. They are not an st.form, so that each answer is kept as a draft as it is given and a
    reload loses nothing; Send reads every answer as it then stands, all together, and a sent report's widgets
    are replaced (a new round), so a second press belongs to nothing."""
    councillors = councillors_for(con, user)
    if not councillors:
        st.warning(
            "Your account is not linked to a councillor in the register: ask the council's safety officer to link "
            "it, then report here."
            if not user.may(QUEUE)
            else "No councillors yet: import the councillor register on the Import page, then report here."
        )
        return
    options = {"councillor": list(councillors), "channel": CHANNELS, "threat": list(THREATS), "kinds": ABUSE_TYPES,
               "about": PROTECTED_CHARACTERISTICS, "police": list(POLICE_TOLD)}  # fmt: skip
    _start(con, user, options)
    kept = {"on_change": _keep_draft}
    if user.may(QUEUE):
        chosen = st.selectbox("Which councillor is this about?", list(councillors), index=None,
                              format_func=councillors.get, placeholder="Choose the councillor", key=_key("councillor"),
                              **kept)  # fmt: skip
    else:
        chosen = next(iter(councillors))
    description = st.text_area("What happened?", max_chars=DESCRIPTION_LIMIT, key=_key("description"), **kept)
    occurred_on = st.date_input("When did it happen?", max_value=clock.today(), format="DD/MM/YYYY",
                                key=_key("occurred_on"), **kept)  # fmt: skip
    channel = st.selectbox("Where or how?", CHANNELS, index=None, placeholder="At a surgery, at home, online...",
                           key=_key("channel"), **kept)  # fmt: skip
    platform = st.text_input("If on social media: which platform?", key=_key("platform"), **kept)
    link = st.text_input("If on social media: a link to the post or message", key=_key("link"), **kept)
    threat = st.radio("Was there a threat?", list(THREATS), format_func=THREAT_WORDS.get, key=_key("threat"), **kept)
    kinds = st.multiselect("What kind of abuse was it? Choose any that apply", ABUSE_TYPES, key=_key("kinds"), **kept)
    who = st.text_input("Who did it, if you know? A name, an e-mail address or a social media handle",
                        key=_key("who"), **kept)  # fmt: skip
    about = st.multiselect("Was it about who you are? Choose any that apply", PROTECTED_CHARACTERISTICS,
                           key=_key("about"), **kept)  # fmt: skip
    police = st.radio("Have the police been told?", list(POLICE_TOLD), horizontal=True, key=_key("police"), **kept)
    crime_reference = st.text_input("The police's crime reference, if you have one", key=_key("crime"), **kept)
    files = st.file_uploader(
        "Screenshots or files, if you have them (PNG, JPEG or PDF)",
        type=["png", "jpg", "jpeg", "pdf"],
        accept_multiple_files=True,
        key=_key("evidence"),
        help="Attach them just before you send: an unsent report keeps your answers, not its files.",
    )
    if kept_at := st.session_state.get(KEPT):
        st.caption(
            f"Your answers were kept as a draft at {kept_at:%H:%M}: a reload or a lost connection loses nothing."
        )
    send, again = st.columns([1, 4])
    if again.button("Start again", key=_key("clear")):
        clear_draft(con, user.username)
        st.session_state.pop(KEPT, None)
        _next_round()
    if not send.button("Send the report", type="primary", key=_key("send")):
        return
    report = Report(
        description=description or "",
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
        attached = [(upload.getvalue(), upload.name) for upload in files or []]
        for data, _ in attached:
            kind_of(data)  # every file checked before anything is stored
        receipt = report_incident(con, user, chosen, report, _submission_id())
        for data, name in attached:
            attach(con, user, receipt.reference, data, name)
        st.session_state[SENT] = receipt
    if sending.refused:
        return
    clear_draft(con, user.username)
    st.session_state.pop(KEPT, None)
    _next_round()


def _next_round() -> None:
    """A new, empty form: its widgets get new keys, so the browser keeps nothing of the last one."""
    st.session_state[ROUND] = _round() + 1
    st.rerun()


def _tracked(con: duckdb.DuckDBPyConnection, user: User) -> None:
    st.header("Your reports and requests")
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
if SENT in st.session_state and st.button("Report another incident", key="report_another"):
    # Below the list, away from where Send was: a second press of Send must not land on it and hide the receipt.
    st.session_state.pop(SENT, None)
    st.rerun()
