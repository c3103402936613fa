"""Assess my own risk: a councillor's guided questionnaire, their level with its reasons and guidance for each risk
found, a button to ask an officer to get in touch, and their past assessments. Only ever the signed-in councillor's
own: nothing in the address chooses whose."""

import pandas as pd
import streamlit as st

from analytics import clock
from analytics.ingest.dates import display
from analytics.support import own_risk
from analytics.text import PASSAGE, SENTENCE
from pages.common import as_written, current_user, open_page, refusals_shown, table

ROUND = "own_risk_form_round"
SAVED = "own_risk_saved_message"


def _round() -> int:
    """Which questionnaire this is: its widgets are keyed by it, so once one is kept the browser holds nothing of it
    and a second press of its button (already sent) finds no button to belong to (as pages/review.py)."""
    return st.session_state.setdefault(ROUND, 0)


def _questionnaire() -> own_risk.Questionnaire:
    with refusals_shown("{} Your own risk assessment cannot be shown until the council puts the file right."):
        return own_risk.questions()
    st.stop()  # refused: the sentence is on the page


def _lead(past: list[dict]) -> str:
    if not past:
        return (
            "You have not assessed your own risk here yet: answer the questions below to see your level, "
            "why, and guidance for each risk found."
        )
    latest = past[0]
    return (
        f"Your latest assessment, on {display(latest['completed_on'])}, put your risk at **{latest['level']}**; "
        f"assess it again by {display(latest['review_on'])}, or sooner if anything changes."
    )


def _result(assessment: dict) -> None:
    st.header(f"Your risk is {assessment['level']}")
    st.markdown(
        f"Assessed on {display(assessment['completed_on'])}, score {assessment['score']}. "
        f"Review it by {display(assessment['review_on'])}."
    )
    if not assessment["reasons"]:
        st.markdown("Nothing in your answers or in the incident log adds to your risk.")
        return
    st.markdown("**Why:**\n" + "\n".join(f"- {as_written(reason, SENTENCE)}" for reason in assessment["reasons"]))
    st.markdown("**What you can do about each risk found:**")
    for risk, guidance in assessment["guidance"]:
        advice = "\n".join(f"- {as_written(each, PASSAGE)}" for each in guidance) or "- Ask a safety officer."
        st.markdown(f"*{as_written(risk)}*\n{advice}")


def _contact(con, assessment: dict) -> None:
    if assessment["request_id"]:
        st.success(
            f"You asked for an officer to contact you (reference {assessment['request_id']}): they will be in touch.",
            icon=":material/support_agent:",
        )
        return
    if not st.button("I'd like an officer to contact me", key=f"contact_{assessment['assessment_id']}"):
        return
    with refusals_shown() as attempt:
        reference = own_risk.ask_for_contact(con, current_user(), assessment["assessment_id"])
    if attempt.refused:
        return
    st.session_state[SAVED] = f"An officer has been asked to contact you: your reference is {reference}."
    st.rerun()


def _form(con, form: own_risk.Questionnaire, councillor_key: str, again: bool) -> None:
    st.header("Assess your risk again" if again else "Assess your risk")
    st.markdown(as_written(form.introduction, PASSAGE))
    round_ = _round()
    with st.form(f"own_risk_form_{round_}"):
        answers = {}
        for section in form.sections:
            st.markdown(f"**{as_written(section.title)}**")
            for question in section.questions:
                answers[question.id] = st.radio(
                    as_written(question.words, SENTENCE),
                    question.answers,
                    index=len(question.answers) - 1 if question.personal else None,
                    format_func=as_written,
                    horizontal=True,
                    key=f"{question.id}_{round_}",
                )
        submitted = st.form_submit_button("See my level and guidance", type="primary")
    if not submitted:
        return
    with refusals_shown("Your assessment was not kept. {}") as attempt:
        answered = {question: answer for question, answer in answers.items() if answer is not None}
        assessment = own_risk.assess(con, councillor_key, answered, clock.today())
        own_risk.save(con, current_user(), assessment)
    if attempt.refused:
        return
    st.session_state[SAVED] = f"Assessment kept: your risk is {assessment.level}. Why, and what you can do, are below."
    st.session_state[ROUND] = round_ + 1
    st.rerun()


def _past(past: list[dict]) -> None:
    st.header("Your past assessments")
    if not past:
        st.markdown("None yet: each assessment you complete is kept here with its date.")
        return
    rows = pd.DataFrame(
        {
            "completed_on": [each["completed_on"] for each in past],
            "level": [each["level"] for each in past],
            "score": [each["score"] for each in past],
            "review_on": [each["review_on"] for each in past],
            "asked": [each["request_id"] is not None for each in past],  # the table writes Yes or No
        }
    )
    table(
        rows,
        {
            "completed_on": st.column_config.DateColumn("Completed", format="DD/MM/YYYY"),
            "level": "Level",
            "score": "Score",
            "review_on": st.column_config.DateColumn("Review by", format="DD/MM/YYYY"),
            "asked": "Asked an officer to contact you",
        },
        hide_index=True,
    )


con = open_page("own_risk")
st.title("Assess my own risk")
user = current_user()  # only councillors may open it, and a councillor's account always names its councillor
form = _questionnaire()
past = own_risk.history(con, user, user.councillor_key)
st.markdown(_lead(past))
if message := st.session_state.pop(SAVED, None):
    st.success(message, icon=":material/check_circle:")
if past:
    _result(past[0])
    _contact(con, past[0])
_form(con, form, user.councillor_key, again=bool(past))
_past(past)
