"""New reports and requests: the officers' queue, most serious first, with what is overdue flagged, and each one
acknowledged, started, closed, taken and noted here. A safety champion sees how many, not which."""

import duckdb
import pandas as pd
import streamlit as st

from analytics import clock
from analytics.governance.access import ADMINISTER, DESCRIPTIONS, QUEUE, User
from analytics.incidents.incident_log import incident_detail_for
from analytics.ingest.dates import display
from analytics.support.evidence import DOWNLOAD_TYPE, download_name, evidence_file, evidence_of
from analytics.support.reports import contact, set_contact
from analytics.support.requests import (
    ACKNOWLEDGED,
    CLOSED,
    IN_PROGRESS,
    NEW,
    OVERDUE,
    STATES,
    acknowledgement_targets,
    add_note,
    assign,
    change_state,
    notes,
    queue,
    queue_counts,
    set_acknowledgement_target,
)
from analytics.text import PASSAGE, cut
from pages.common import (
    as_written,
    current_user,
    download,
    open_page,
    record_incident_viewed,
    refusals_shown,
    show_incident_fields,
    table,
)

PAGE_SIZE = 50
CHOSEN = "queue_request"
DONE = "queue_message"
NOTE_ROUND = "queue_note_round"
QUEUE_COLUMNS = {
    "overdue": "Overdue",
    "threat": "Threat",
    "request_id": "Reference",
    "kind": "What",
    "councillor": "Councillor",
    "ward": "Ward",
    "raised_at": st.column_config.DatetimeColumn("Raised", format="D MMMM YYYY, HH:mm"),
    "due_on": st.column_config.DateColumn("Acknowledge by", format="D MMMM YYYY"),
    "state": "State",
    "owner": "Owner",
    "summary": "About",
    "incident_key": None,
}
ACTIONS = {ACKNOWLEDGED: "Acknowledge", IN_PROGRESS: "Start work", CLOSED: "Close"}


def _lead(counts: dict[str, int]) -> str:
    open_ones = counts[NEW] + counts[ACKNOWLEDGED] + counts[IN_PROGRESS]
    if not open_ones:
        return "Nothing is waiting: every report and request is closed."
    what = "report or request is" if open_ones == 1 else "reports and requests are"
    waiting = (
        f"**{counts[NEW]}** not yet acknowledged (**{counts[OVERDUE]}** overdue)"
        if counts[NEW]
        else "every one acknowledged"
    )
    moving = f"{counts[ACKNOWLEDGED]} acknowledged, {counts[IN_PROGRESS]} in progress"
    return f"**{open_ones}** {what} open: {waiting}; {moving}."


def _targets(con: duckdb.DuckDBPyConnection) -> str:
    def within(days: int) -> str:
        return "the same day" if days == 0 else f"{days} working day{'s' if days != 1 else ''}"

    targets = acknowledgement_targets(con)
    return "Targets to acknowledge: " + "; ".join(f"{level}, {within(days)}" for level, days in targets.items()) + "."


def _counts_only(counts: dict[str, int]) -> None:
    for column, (label, state) in zip(
        st.columns(4),
        [("Not yet acknowledged", NEW), ("Acknowledged", ACKNOWLEDGED), ("In progress", IN_PROGRESS),
         ("Overdue", OVERDUE)],
        strict=True,
    ):  # fmt: skip
        column.metric(label, counts[state])
    st.caption("The safety team works the queue; as safety champion you see how many, not who or what.")


def _queue_table(frame: pd.DataFrame, total: int) -> None:
    shown = frame.assign(overdue=frame["overdue"].map({True: "overdue", False: ""}))
    table(
        shown, QUEUE_COLUMNS, hide_index=True, column_order=[name for name in QUEUE_COLUMNS if name != "incident_key"]
    )
    if total > len(frame):
        st.caption(f"The {len(frame)} most serious of {total} are listed.")


def _label(row) -> str:
    """The browser keeps a choice by its label, so a label holds nothing that working on it changes (its state)."""
    return f"{row.request_id}: {row.threat} {row.kind}, {cut(row.councillor)}"


def _act(act, message: str) -> None:
    """Do what a button asks; say it was done, or the one sentence why not."""
    with refusals_shown() as acting:
        act()
    if not acting.refused:
        st.session_state[DONE] = message
        st.rerun()


def _work_on(con: duckdb.DuckDBPyConnection, user: User, frame: pd.DataFrame) -> None:
    st.header("Work on one")
    labels = {row.request_id: _label(row) for row in frame.itertuples(index=False)}
    chosen = st.selectbox(
        "Report or request",
        list(labels),
        index=None,
        format_func=labels.get,
        placeholder="Choose one: the most serious are first",
        key=CHOSEN,
    )
    if chosen is None:
        return
    row = frame.loc[frame["request_id"] == chosen].iloc[0]
    owner = as_written(row["owner"]) if isinstance(row["owner"], str) else "nobody yet"
    due = (
        f" Acknowledge by {display(row['due_on'])}{': it is overdue' if row['overdue'] else ''}."
        if row["state"] == NEW
        else ""
    )
    st.markdown(f"**{chosen}** is **{row['state']}**, at {row['threat']} threat, with {owner}.{due}")
    ahead = {state: label for state, label in ACTIONS.items() if STATES.index(state) > STATES.index(row["state"])}
    buttons = st.container(horizontal=True)
    for state, label in ahead.items():
        if buttons.button(label, key=f"queue_{state}"):
            _act(lambda state=state: change_state(con, user, chosen, state), f"{chosen}: {state}.")
    if row["owner"] != user.username and buttons.button("Take it", key="queue_take"):
        _act(lambda: assign(con, user, chosen, user.username), f"{chosen} is yours.")
    _incident(con, user, row["incident_key"])
    _evidence(con, user, chosen)
    _notes(con, user, chosen)


def _incident(con: duckdb.DuckDBPyConnection, user: User, incident_key) -> None:
    """What was reported, as the incident log holds it: opened (and written to the audit trail as viewed) only when
    asked for."""
    if not isinstance(incident_key, str) or not st.toggle("Show what was reported", key="queue_show_incident"):
        return
    detail = incident_detail_for(con, user, incident_key)
    if detail is None:
        st.markdown("The incident is no longer in the log: it may have been purged or replaced by an import.")
        return
    record_incident_viewed(con, incident_key, "new reports and requests")
    show_incident_fields(detail, key="queue_incident_in_full")


def _evidence(con: duckdb.DuckDBPyConnection, user: User, request_id: str) -> None:
    files = evidence_of(con, user, request_id)
    if files.empty:
        return
    st.markdown(f"**Evidence:** {len(files)} file{'s' if len(files) != 1 else ''} attached.")
    for row in files.itertuples(index=False):
        download(
            f"{as_written(row.file_name)} ({row.kind.upper()}, {row.size / 1024:,.0f} KB)",
            lambda con, user, evidence_id=row.evidence_id: evidence_file(con, user, evidence_id)[0],
            download_name(request_id, row.evidence_id, row.kind),
            DOWNLOAD_TYPE,
            key=f"evidence_{row.evidence_id}",
            what=f"evidence attached to {request_id}",
            needs=DESCRIPTIONS,
        )


def _notes(con: duckdb.DuckDBPyConnection, user: User, request_id: str) -> None:
    written = notes(con, user, request_id)
    lines = [
        f"- {display(note['written_at'])}, {as_written(note['author'])}: {as_written(note['note'], PASSAGE)}"
        for note in written
    ]
    st.markdown("**Notes**\n\n" + ("\n".join(lines) if lines else "None yet."))
    form = st.session_state.setdefault(NOTE_ROUND, 0)
    with st.form(f"queue_note_{form}"):
        note = st.text_area("Add a note: what was done or agreed", key=f"queue_note_text_{form}")
        if not st.form_submit_button("Add the note"):
            return
    with refusals_shown("The note was not added. {}") as adding:
        add_note(con, user, request_id, note)
    if not adding.refused:
        st.session_state[NOTE_ROUND] = form + 1  # a second press of the sent form's button belongs to nothing
        st.session_state[DONE] = f"Note added to {request_id}."
        st.rerun()


def _settings(con: duckdb.DuckDBPyConnection, user: User) -> None:
    """For an administrator: the targets to acknowledge and who contacts councillors, as the receipt says it."""
    if not user.may(ADMINISTER):
        return
    with st.expander("Change the targets and who contacts councillors"), st.form("queue_settings"):
        targets = acknowledgement_targets(con)
        chosen = {
            level: st.number_input(
                f"Working days to acknowledge a {level} threat (0: the same day)",
                0,
                20,
                days,
                key=f"queue_target_{level}",
            )  # fmt: skip
            for level, days in targets.items()
        }
        who = st.text_input("Who contacts councillors about their reports", value=contact(con), key="queue_contact")
        if not st.form_submit_button("Save the settings"):
            return
    with refusals_shown("The settings were not saved. {}") as saving:
        for level, days in chosen.items():
            if days != targets[level]:
                set_acknowledgement_target(con, user.username, level, int(days))
        if who != contact(con):
            set_contact(con, user.username, who)
    if not saving.refused:
        st.session_state[DONE] = "Settings saved."
        st.rerun()


con = open_page("requests")
user = current_user()
st.title("New reports and requests")
now = clock.now()
counts = queue_counts(con, now)
st.markdown(_lead(counts))
if not user.may(QUEUE):
    _counts_only(counts)
    st.stop()
if message := st.session_state.pop(DONE, None):
    st.success(message, icon=":material/check_circle:")
st.caption(_targets(con))
_settings(con, user)
frame, total = queue(con, now, most=PAGE_SIZE)
if frame.empty:
    st.stop()
_queue_table(frame, total)
_work_on(con, user, frame)
