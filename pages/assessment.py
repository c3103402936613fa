"""Self-assessment: how well does our approach meet the toolkit's statements?"""

from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from analytics import clock
from analytics.assessment import assessment
from analytics.assessment.assessment import Action
from analytics.assessment.indicators import Indicator, contradictions, indicators, records_version
from analytics.governance.access import SELF_ASSESSMENT
from analytics.ingest.dates import display
from analytics.text import SENTENCE, cut
from pages.charts import assessment_history
from pages.common import (
    EXCEL,
    chart_with_numbers,
    data_version,
    download,
    mark_done_form,
    open_page,
    refusals_shown,
    table,
)

_SAVED_KEY = "assessment_saved_message"
_WHOLE_SECTION = "Whole section"


def _framework() -> list[assessment.Section]:
    with refusals_shown("{} The self-assessment cannot be shown until the framework file is put right."):
        return assessment.load_framework()
    st.stop()  # refused: the sentence is on the page


def _actions_from(section: assessment.Section, edited: pd.DataFrame) -> list[Action]:
    actions = []
    for row in edited.to_dict("records"):
        text = str(row.get("Action") or "").strip()
        if not text or text == "nan":
            continue
        due = row.get("Due date")
        statement = row.get("Statement")
        owner = row.get("Owner")
        actions.append(
            Action(
                section_id=section.section_id,
                action=text,
                owner=str(owner).strip() if owner is not None and not pd.isna(owner) else None,
                due_on=pd.Timestamp(due).date() if due is not None and not pd.isna(due) else None,
                statement_id=statement if statement and statement != _WHOLE_SECTION else None,
            )
        )
    return actions


def _form(con: duckdb.DuckDBPyConnection, sections: list[assessment.Section]) -> None:
    with st.form("assessment_form"):
        st.header("Score each statement")
        scores, evidence, section_evidence, edited = {}, {}, {}, {}
        for section in sections:
            st.markdown(f"### {section.theme}")
            st.caption(section.aim_statement)
            with st.expander("The aim of this section"):
                st.write(section.aim)
            points = {point.score: point for point in section.scale}
            for statement in section.statements:
                key = f"{section.section_id}_{statement.id}"
                scores[(section.section_id, statement.id)] = st.radio(
                    f"**{statement.id}** {statement.text}",
                    list(points),
                    index=None,
                    format_func=lambda score, points=points: f"{score}: {points[score].label}",
                    captions=[points[score].description for score in points],
                    horizontal=True,
                    key=f"score_{key}",
                )
                evidence[(section.section_id, statement.id)] = st.text_area(
                    f"Evidence for statement {statement.id}", key=f"evidence_{key}", height=68
                )
            section_evidence[section.section_id] = st.text_area(
                f"Evidence for the section as a whole ({section.theme})", key=f"section_evidence_{section.section_id}"
            )
            st.markdown("Improvement actions (add a row for each)")
            edited[section.section_id] = st.data_editor(
                pd.DataFrame(
                    {
                        "Action": pd.Series(dtype="str"),
                        "Owner": pd.Series(dtype="str"),
                        "Due date": pd.Series(dtype="datetime64[s]"),
                        "Statement": pd.Series(dtype="str"),
                    }
                ),
                num_rows="dynamic",
                hide_index=True,
                column_config={
                    "Action": st.column_config.TextColumn("Action", required=True),
                    "Due date": st.column_config.DateColumn("Due date", format="DD/MM/YYYY"),
                    "Statement": st.column_config.SelectboxColumn(
                        "Statement", options=[_WHOLE_SECTION, *[s.id for s in section.statements]]
                    ),
                },
                key=f"actions_{section.section_id}",
            )
        assessed_on = st.date_input(
            "Date of this assessment", value=clock.today(), format="DD/MM/YYYY", key="assessed_on"
        )
        assessed_by = st.text_input("Who took part (optional)", key="assessed_by")
        submitted = st.form_submit_button("Save assessment", type="primary", key="save_assessment")
    if not submitted:
        return
    unscored = [statement for (_, statement), score in scores.items() if score is None]
    if unscored:
        verb = "has" if len(unscored) == 1 else "have"
        st.error(f"Score every statement before saving: {', '.join(unscored)} still {verb} no score.")
        return
    actions = [action for section in sections for action in _actions_from(section, edited[section.section_id])]
    with refusals_shown() as attempt:
        saved = assessment.save_assessment(
            con,
            assessed_on,
            scores,
            evidence={key: text.strip() for key, text in evidence.items() if text and text.strip()},
            section_evidence={key: text.strip() for key, text in section_evidence.items() if text and text.strip()},
            actions=actions,
            assessed_by=assessed_by.strip() or None,
            sections=sections,
        )
    if attempt.refused:
        return
    total = assessment.total_of(con, saved, sections)
    st.session_state[_SAVED_KEY] = (
        f"Saved the assessment of {display(assessed_on)}: {total} / {assessment.max_score(sections)}."
    )
    st.rerun()


def _history(con: duckdb.DuckDBPyConnection, sections: list[assessment.Section]) -> None:
    history = assessment.assessment_history(con, sections)
    if history.empty:
        return
    st.header("How our score has changed")
    most = assessment.max_score(sections)
    if len(history) < 2:
        st.info("Only one assessment is saved so far: save another to see how the score changes over time.")
    else:
        numbers = history.drop(columns=["assessment_id"]).assign(assessed_on=history["assessed_on"].map(display))
        chart_with_numbers(
            assessment_history(history, most),
            numbers.rename(columns={"assessed_on": "Date", "total": "Total", "max": "Out of"}),
            key="chart_assessment_history",
        )
    statements = assessment.statement_history(con)
    scores = statements.assign(date=statements["assessed_on"].map(lambda day: f"{day:%d/%m/%Y}")).pivot_table(
        index="statement", columns="date", values="score", aggfunc="last", sort=False
    )
    st.markdown("Each statement's score at each assessment (0 not addressed, 1 partial, 2 comprehensive)")
    st.dataframe(scores.reset_index().rename(columns={"statement": "Statement"}), hide_index=True)

    st.header("What changed since the previous assessment")
    latest = history["assessment_id"].iloc[-1]
    for sentence in assessment.changes_since_previous(con, latest, sections):
        st.markdown(f"- {sentence}")


def _actions(con: duckdb.DuckDBPyConnection) -> None:
    st.header("Open improvement actions")
    today = clock.today()
    actions = assessment.open_actions(con, today)
    if actions.empty:
        st.info("No open improvement actions: add them in the form above when you save an assessment.")
        return
    overdue = int(actions["overdue"].sum())
    if overdue:
        st.warning(f"{overdue} of {len(actions)} open actions are past their due date.", icon=":material/schedule:")
    shown = pd.DataFrame(
        {
            "Overdue": actions["overdue"].map({True: "Overdue", False: ""}),
            "Action": actions["action"],
            "Owner": actions["owner"],
            "Due": actions["due_on"].map(lambda day: f"{day:%d/%m/%Y}" if pd.notna(day) else ""),
            "Statement": actions["statement"].fillna(_WHOLE_SECTION),
            "From the assessment of": actions["assessed_on"].map(display),
        }
    )
    table(shown, {}, hide_index=True)
    labels = {
        row.action_id: f"{cut(row.action, SENTENCE)}"
        + (f" (due {display(row.due_on)})" if pd.notna(row.due_on) else "")
        for row in actions.itertuples(index=False)
    }
    mark_done_form(con, labels, assessment.complete_action, key="improvement_action_done")


def _downloads(con: duckdb.DuckDBPyConnection, sections: list[assessment.Section]) -> None:
    latest = assessment.latest_assessment_id(con)
    if latest is None:
        return
    st.header("Download the latest assessment")
    what = f"self-assessment {latest}"
    left, right = st.columns(2)
    with left:
        download(
            "Excel, in the toolkit's layout",
            lambda con, _: assessment.export_excel(con, latest, sections),
            "self-assessment.xlsx",
            EXCEL,
            key="download_assessment_excel",
            what=f"{what}, in the toolkit's layout",
            needs=SELF_ASSESSMENT,
        )
    with right:
        download(
            "CSV, a row a statement",
            lambda con, _: assessment.export_csv(con, latest, sections),
            "self-assessment.csv",
            "text/csv",
            key="download_assessment_csv",
            what=f"{what}, a row a statement",
            needs=SELF_ASSESSMENT,
        )


@st.cache_data(show_spinner=False)
def _indicators(_con: duckdb.DuckDBPyConnection, version: str, as_of: date) -> list[Indicator]:
    return indicators(_con, as_of)


def _what_the_data_says(con: duckdb.DuckDBPyConnection, sections: list[assessment.Section]) -> None:
    """Beside each statement, what the council's own data says, and where it disagrees with the latest score."""
    st.header("What the data says")
    found = _indicators(con, data_version(con) + records_version(con), clock.today())
    latest = assessment.latest_assessment_id(con)
    scores = {statement: score for (_, statement), score in assessment.scores_of(con, latest).items()} if latest else {}
    for warning in contradictions(scores, found):
        st.warning(warning, icon=":material/report:")
    for section in sections:
        for statement in section.statements:
            about = [indicator for indicator in found if indicator.statement == statement.id]
            if not about:
                continue
            with st.expander(f"{statement.id} {statement.text[:90]}…"):
                for indicator in about:
                    rating = f" ({indicator.rating})" if indicator.rating else ""
                    st.markdown(f"- **{indicator.name}**{rating}: {indicator.sentence}")


con = open_page("assessment")
st.title("Score our approach")
framework = _framework()
st.markdown(assessment.describe_latest(con, framework))
if message := st.session_state.pop(_SAVED_KEY, None):
    st.success(message, icon=":material/check_circle:")

_what_the_data_says(con, framework)

_form(con, framework)
_history(con, framework)
_actions(con)
_downloads(con, framework)
