"""Post-incident review: prepare and record the review meeting for one incident."""

import duckdb
import pandas as pd
import streamlit as st

from analytics import clock
from analytics.assessment.indicators import review_indicators
from analytics.assessment.reviews import (
    ATTENDEE_ROLES,
    EFFECTIVENESS,
    AlreadySaved,
    complete_action,
    meeting_pack,
    open_review_actions,
    record_review,
    review_candidates,
    review_context,
)
from analytics.governance.access import REVIEWS
from analytics.incidents.incident_log import FIELD_LABELS, RELATED_MONTHS, as_text
from analytics.ingest.dates import display
from analytics.ingest.vocabulary import MITIGATIONS
from analytics.text import PASSAGE, SENTENCE, cut, was_cut
from pages.common import (
    EXCEL,
    as_written,
    cursor,
    download,
    empty_log_notice,
    mark_done_form,
    open_page,
    record_incident_viewed,
    refusals_shown,
    show_in_full,
    show_incident_fields,
    table,
)

ROUND = "review_form_round"
CHOSEN = "review_incident"
SAVED = "review_saved_message"

TIMELINE_COLUMNS = {
    "incident_key": None,
    "incident_ref": "Ref",
    "occurred_on": st.column_config.DateColumn(FIELD_LABELS["occurred_on"], format="DD/MM/YYYY"),
    **{name: FIELD_LABELS[name] for name in ("councillor", "ward", "channel", "abuse_types")},
    "threat": "Threat",
    "related_by": "Related by",
}


def _shown(value) -> str:
    text = as_text(value)
    return "not recorded" if text is None else as_written(text, PASSAGE)


def _label(row) -> str:
    reference = row.incident_ref if isinstance(row.incident_ref, str) and row.incident_ref else "No reference"
    return f"{cut(reference)} {display(row.occurred_on)}, {cut(row.ward)}, {row.threat}"


def _round() -> int:
    """Which review form this is: every widget of the form is keyed by it (see _new_form)."""
    return st.session_state.setdefault(ROUND, 0)


def _choose() -> None:
    """Remember the incident chosen, so it stays chosen when the list is redrawn.

    The browser keeps a choice by its label, so a label never changes with what is saved: a Save pressed twice
    sends back the label the browser was shown, and that label must still name the same incident."""
    st.session_state[CHOSEN] = st.session_state["incident"]
    _new_form()


def _new_form() -> None:
    """An empty form, after a review is saved or another incident chosen. Its widgets get new keys, so the browser
    keeps nothing of the last form, and a further press of the last form's button (already sent) finds no button
    to belong to and saves nothing."""
    st.session_state[ROUND] = _round() + 1


def _lead(con: duckdb.DuckDBPyConnection) -> str:
    return f"{review_indicators(con, clock.today())[0].sentence} Choose an incident to prepare its review meeting."


def _show_incident(detail: dict) -> None:
    reference = as_written(detail["incident_ref"]) if detail["incident_ref"] else "Incident without a reference"
    st.header(f"{reference}, {display(detail['occurred_on'])}")
    worked_out = " (worked out from the triage rules)" if detail["threat_derived"] else ""
    st.markdown(f"**Threat: {detail['threat']}**{worked_out}. **Response:** {detail['response']}.")
    show_incident_fields(detail)


def _show_timeline(timeline: pd.DataFrame) -> None:
    st.header(f"Related incidents in the {RELATED_MONTHS} months before")
    if timeline.empty:
        st.markdown(
            f"No other incident in the {RELATED_MONTHS} months up to this one was against the same councillor, "
            "by the same perpetrator or in the same ward."
        )
        return
    counts = {
        relation: int(timeline["related_by"].str.contains(relation).sum())
        for relation in ("same councillor", "same perpetrator", "same ward")
    }
    st.markdown(
        f"**{len(timeline)} related incident{'s' if len(timeline) != 1 else ''}**: "
        + "; ".join(f"{count} {relation}" for relation, count in counts.items())
        + " (an incident can be related in more than one way)."
    )
    table(timeline, TIMELINE_COLUMNS, hide_index=True)


def _show_councillor(councillor: dict) -> None:
    st.header("The councillor's risk assessment")
    if not councillor["in_register"]:
        st.markdown(
            f"{as_written(councillor['name'])} is not in the councillor register: import it on the Import page."
        )
        return
    level = councillor["risk_level"] or "not recorded"
    assessed = display(councillor["risk_assessed_on"]) if councillor["risk_assessed_on"] else "no date recorded"
    mitigations = ", ".join(map(as_written, councillor["mitigations"])) or "none recorded"
    st.markdown(
        f"- **Councillor:** {as_written(councillor['name'])}, {as_written(councillor['ward'])}\n"
        f"- **Risk level:** {level} (assessed: {assessed})\n"
        f"- **Mitigations in place:** {mitigations}"
    )


def _show_reviews(reviews: list[dict]) -> None:
    st.header("Earlier reviews")
    if not reviews:
        st.markdown("No earlier review of this incident or of others against the same councillor.")
        return
    for number, review in enumerate(reviews):
        which = "this incident" if review["this_incident"] else (review["incident_ref"] or "an incident")
        with st.expander(f"Review of {as_written(which)}, held {display(review['reviewed_on'])}"):
            lines = [
                f"- **Incident:** {_shown(review['incident_ref'])}, {display(review['occurred_on'])}",
                f"- **Attendees:** {', '.join(map(as_written, review['attendees'])) or 'not recorded'}",
                f"- **What happened:** {_shown(review['what_happened'])}",
                f"- **What worked:** {_shown(review['what_worked'])}",
                f"- **Lessons:** {_shown(review['lessons'])}",
            ]
            ratings = "; ".join(
                f"{as_written(name)}: {as_written(rating)}" for name, rating in review["mitigations"].items()
            )
            lines.append(f"- **Mitigations:** {ratings or 'none rated'}")
            st.markdown("\n".join(lines))
            for action in review["actions"]:
                done = f"done {display(action['done_on'])}" if action["done_on"] else "open"
                due = f", due {display(action['due_on'])}" if action["due_on"] else ""
                owner = f" ({as_written(action['owner'])})" if action["owner"] else ""
                st.markdown(f"- Action: {as_written(action['action'], PASSAGE)}{owner}{due}, {done}")
            written = {"What happened": "what_happened", "What worked": "what_worked", "Lessons": "lessons"}
            long = {label: review[name] for label, name in written.items() if was_cut(review[name], PASSAGE)}
            show_in_full(long, f"review_in_full_{number}")


def _mitigation_rows(councillor: dict) -> pd.DataFrame:
    ordered = list(dict.fromkeys([*councillor["mitigations"], *MITIGATIONS]))
    in_place = set(councillor["mitigations"])
    return pd.DataFrame(
        {
            "mitigation": ordered,
            "in_place": [name in in_place for name in ordered],
            "effectiveness": pd.Series([None] * len(ordered), dtype=object),
        }
    )


def _review_form(incident_key: str, councillor: dict) -> None:
    st.header("Record the review")
    form = _round()
    with st.form(f"review_form_{form}"):
        reviewed_on = st.date_input(
            "Date of the review", value=clock.today(), format="DD/MM/YYYY", key=f"reviewed_on_{form}"
        )
        attendees = st.multiselect("Who attended (by role)", ATTENDEE_ROLES, key=f"attendees_{form}")
        what_happened = st.text_area("What happened", key=f"what_happened_{form}")
        what_worked = st.text_area("What worked", key=f"what_worked_{form}")
        lessons = st.text_area("Lessons learned", key=f"lessons_{form}")
        st.markdown("How well did each mitigation work? Leave it blank if it does not apply.")
        mitigations = st.data_editor(
            _mitigation_rows(councillor),
            column_config={
                "mitigation": st.column_config.TextColumn("Mitigation", disabled=True),
                "in_place": st.column_config.CheckboxColumn("Recorded for the councillor", disabled=True),
                "effectiveness": st.column_config.SelectboxColumn("How well it worked", options=EFFECTIVENESS),
            },
            hide_index=True,
            placeholder="",
            key=f"mitigations_{form}",
        )
        st.markdown("Actions agreed: one a row, with who will do it and by when.")
        actions = st.data_editor(
            pd.DataFrame(
                {
                    "action": pd.Series(dtype=object),
                    "owner": pd.Series(dtype=object),
                    "due_on": pd.Series(dtype=object),
                }
            ),
            column_config={
                "action": st.column_config.TextColumn("Action"),
                "owner": st.column_config.TextColumn("Owner"),
                "due_on": st.column_config.DateColumn("Due", format="DD/MM/YYYY"),
            },
            num_rows="dynamic",
            hide_index=True,
            placeholder="",
            key=f"actions_{form}",
        )
        submitted = st.form_submit_button("Save the review", type="primary")
    if not submitted:
        return
    rated = {
        row.mitigation: row.effectiveness
        for row in mitigations.itertuples(index=False)
        if isinstance(row.effectiveness, str) and row.effectiveness
    }
    agreed = [
        {
            "action": row.action,
            "owner": row.owner if isinstance(row.owner, str) else None,
            "due_on": None if pd.isna(row.due_on) else pd.Timestamp(row.due_on).date(),
        }
        for row in actions.itertuples(index=False)
        if isinstance(row.action, str) and row.action.strip() or isinstance(row.owner, str) and row.owner.strip()
    ]
    with refusals_shown("The review was not saved. {}") as attempt:
        try:
            record_review(
                cursor(), incident_key, reviewed_on, attendees, what_happened, what_worked, lessons, rated, agreed
            )
        except AlreadySaved as again:  # a second press got here before the first press's empty form did
            st.session_state[SAVED] = str(again)
        else:
            st.session_state[SAVED] = (
                f"Review saved: {len(rated)} mitigation{'s' if len(rated) != 1 else ''} rated and "
                f"{len(agreed)} action{'s' if len(agreed) != 1 else ''} agreed. It is listed under Earlier reviews."
            )
    if attempt.refused:
        return
    _new_form()
    st.rerun()


def _meeting_pack_button(incident_key: str, reference: str | None) -> None:
    download(
        "Download the meeting pack (Excel)",
        lambda con, _: meeting_pack(con, incident_key),
        f"review-pack-{reference or 'incident'}-{clock.today():%Y-%m-%d}.xlsx",
        EXCEL,
        key="meeting_pack",
        what=f"post-incident review meeting pack, incident {reference or incident_key}",
        needs=REVIEWS,
    )


def _open_actions(con: duckdb.DuckDBPyConnection) -> None:
    st.header("Open actions from reviews")
    today = clock.today()
    actions = open_review_actions(con, today)
    if actions.empty:
        st.markdown("No open actions: every action agreed at a review is done.")
        return
    overdue = int(actions["overdue"].sum())
    st.markdown(
        f"**{len(actions)} open action{'s' if len(actions) != 1 else ''}**, "
        f"**{overdue} overdue** (due before {display(today)})."
    )
    shown = actions.assign(overdue=actions["overdue"].map({True: "overdue", False: ""}))
    table(
        shown,
        {
            "action_id": None,
            "incident_key": None,
            "overdue": "Overdue",
            "action": "Action",
            "owner": "Owner",
            "due_on": st.column_config.DateColumn("Due", format="DD/MM/YYYY"),
            "incident_ref": "Incident",
            "reviewed_on": st.column_config.DateColumn("Reviewed", format="DD/MM/YYYY"),
        },
        column_order=["overdue", "action", "owner", "due_on", "incident_ref", "reviewed_on"],
        hide_index=True,
    )
    mark_done_form(con, _action_labels(actions), complete_action, key="review_action_done")


def _action_labels(actions: pd.DataFrame) -> dict[str, str]:
    def label(row) -> str:
        due = f", due {display(row.due_on)}" if pd.notna(row.due_on) else ""
        reference = cut(row.incident_ref) if isinstance(row.incident_ref, str) and row.incident_ref else "no reference"
        return f"{cut(row.action, SENTENCE)} ({reference}{due})"

    return {row.action_id: label(row) for row in actions.itertuples(index=False)}


con = open_page("review")
st.title("Prepare a post-incident review")
candidates = review_candidates(con)
if candidates.empty:
    empty_log_notice()
    st.stop()

if SAVED in st.session_state:
    st.success(st.session_state.pop(SAVED), icon=":material/check_circle:")

st.markdown(_lead(con))
labels = {row.incident_key: _label(row) for row in candidates.itertuples(index=False)}
if st.session_state.get(CHOSEN) in labels:
    st.session_state["incident"] = st.session_state[CHOSEN]
chosen = st.selectbox(
    "Incident to review",
    list(labels),
    index=None,
    format_func=labels.get,
    placeholder="Choose an incident: the most serious are first",
    key="incident",
    on_change=_choose,
)
if chosen is None:  # nothing is opened (nor written to the audit trail as viewed) until someone chooses
    _open_actions(con)
    st.stop()
context = review_context(con, chosen)
if context is None:
    st.warning("That incident is no longer in the log: an import may have replaced it. Choose another.")
    st.stop()

record_incident_viewed(con, chosen, "post-incident review")
_show_incident(context["incident"])
_meeting_pack_button(chosen, context["incident"]["incident_ref"])
_show_timeline(context["timeline"])
_show_councillor(context["councillor"])
_show_reviews(context["reviews"])
_review_form(chosen, context["councillor"])
_open_actions(con)
