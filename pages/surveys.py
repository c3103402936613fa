"""Surveys: what do our councillors tell us? One question of one wave at a time, split by another, and compared
with an earlier wave that asked it."""

import duckdb
import pandas as pd
import streamlit as st

from analytics.governance.access import IMPORTS, SURVEY_COMMENTS
from analytics.ingest import labels
from analytics.surveys import survey_results
from analytics.surveys.benchmarks import shown_against_national
from analytics.surveys.survey_measures import MEASURES, save_measures, suggest_measures
from analytics.text import SENTENCE, cut
from pages.charts import answer_shares, diverging_scale, group_shares, wave_shares
from pages.common import (
    as_written,
    chart_with_numbers,
    current_user,
    hidden_note,
    link_to,
    open_page,
    refusals_shown,
    table,
    whole_table,
)

IMPORT_HINT = (
    "No survey yet: import your survey export on the Import page (choose **Councillor survey export**), "
    "or with `python -m analytics import survey FILE --wave LABEL`."
)
ALL = "All who answered"
NOT_A_MEASURE = "(not a measure)"


@st.cache_data(show_spinner=False)
def _waves(_con: duckdb.DuckDBPyConnection, version: str) -> pd.DataFrame:
    return survey_results.waves(_con)


@st.cache_data(show_spinner=False)
def _questions(_con: duckdb.DuckDBPyConnection, version: str, wave_id: str) -> pd.DataFrame:
    return survey_results.questions(_con, wave_id)


@st.cache_data(show_spinner=False)
def _summary(_con: duckdb.DuckDBPyConnection, version: str, wave_id: str, question_id: str) -> survey_results.Summary:
    return survey_results.question_summary(_con, wave_id, question_id)


@st.cache_data(show_spinner=False)
def _free_text(_con: duckdb.DuckDBPyConnection, version: str, wave_id: str, question_id: str) -> list[str]:
    return survey_results.free_text(_con, wave_id, question_id)


@st.cache_data(show_spinner=False)
def _crosstab(
    _con: duckdb.DuckDBPyConnection, version: str, wave_id: str, question_id: str, by: str
) -> survey_results.Crosstab:
    return survey_results.crosstab(_con, wave_id, question_id, by)


@st.cache_data(show_spinner=False)
def _comparable(_con: duckdb.DuckDBPyConnection, version: str, wave_id: str, question_id: str) -> pd.DataFrame:
    return survey_results.comparable_waves(_con, wave_id, question_id)


@st.cache_data(show_spinner=False)
def _change(
    _con: duckdb.DuckDBPyConnection,
    version: str,
    question_text: str,
    options: tuple[str, ...],
    wave_a: str,
    wave_b: str,
):
    return survey_results.wave_change(_con, question_text, options, wave_a, wave_b)


def _scale_shares(counts: pd.DataFrame, summary: survey_results.Summary) -> tuple[pd.DataFrame, list[str]]:
    points = [answer for answer in counts["answer"] if answer not in summary.off_scale]
    shares = counts.set_index("answer")["percent"].reindex(points).to_frame(ALL).T
    return shares, points


def _draw_summary(summary: survey_results.Summary) -> None:
    key = f"chart_{summary.kind}"
    if summary.kind == "scale":
        shares, points = _scale_shares(summary.counts, summary)
        chart_with_numbers(diverging_scale(shares, points, summary.text), summary.table(), key=key)
        if summary.off_scale:
            st.caption(f"Not drawn on the scale: {', '.join(map(as_written, summary.off_scale))} (see the numbers).")
    elif summary.kind == "multi":
        title = f"{summary.text} (% of the {summary.answered} who answered)"
        chart_with_numbers(answer_shares(summary.counts, title, "% of respondents"), summary.table(), key=key)
        st.caption("Councillors could choose more than one answer, so the percentages do not add up to 100%.")
    else:
        title = f"{summary.text} (% of the {summary.answered} who answered)"
        chart_with_numbers(answer_shares(summary.counts, title, "% of those answering"), summary.table(), key=key)
    hidden_note(summary.note)


def _draw_crosstab(
    con: duckdb.DuckDBPyConnection, version: str, wave_id: str, question_id: str, listed: pd.DataFrame
) -> None:
    others = listed[(listed["question_id"] != question_id) & (listed["kind"] != "text")]
    if others.empty:
        return
    st.header("Split by another question")
    texts = dict(zip(others["question_id"], others["text"], strict=True))
    by = st.selectbox(
        "Split the answers by", list(texts), index=None, key="survey_by",
        format_func=lambda question: cut(texts[question], SENTENCE),
        placeholder="Choose a question, for example gender or party",
    )  # fmt: skip
    if by is None or by == question_id:
        return
    table = _crosstab(con, version, wave_id, question_id, by)
    long = table.long()
    if table.kind == "scale" and table.scale is not None:
        on_scale = table.scale_points()
        chart_with_numbers(
            diverging_scale(table.percent[on_scale], on_scale, f"{table.question} by {table.by.lower()}"),
            table.display(),
            key="chart_crosstab",
        )
    else:
        chart_with_numbers(
            group_shares(long, f"{table.question} by {table.by.lower()}", table.by), table.display(),
            key="chart_crosstab",
        )  # fmt: skip
    st.caption("Each group's percentages are of the councillors in that group who answered.")
    hidden_note(table.note)


def _draw_change(
    con: duckdb.DuckDBPyConnection, version: str, summary: survey_results.Summary, wave_id: str, question_id: str
) -> None:
    if summary.kind not in ("single", "scale", "multi"):
        return
    comparable = _comparable(con, version, wave_id, question_id)
    if comparable.empty:
        return
    st.header("Compared with another wave")
    labels = dict(zip(comparable["wave_id"], comparable["label"], strict=True))
    other = st.selectbox(
        "Compare with wave", list(labels), format_func=lambda wave: cut(labels[wave]), key="survey_compare"
    )
    answers = [answer for answer in summary.counts["answer"] if answer not in summary.off_scale]
    default = list(summary.scale.lead) if summary.scale is not None and summary.scale.lead else answers[:1]
    chosen = st.multiselect(
        "Share choosing",
        answers,
        default=[a for a in default if a in answers],
        format_func=cut,
        key=f"survey_compare_options_{question_id}",
    )
    if not chosen:
        st.caption("Choose one or more answers to compare.")
        return
    change = _change(con, version, summary.text, tuple(chosen), other, wave_id)
    st.markdown(as_written(change.sentence, SENTENCE))
    if change.share_a is not None:
        figure = wave_shares(
            [change.label_a, change.label_b],
            [change.share_a, change.share_b],
            [change.n_a, change.n_b],
            f"Share answering {' or '.join(chosen)}",
        )
        chart_with_numbers(figure, change.table(), key="chart_change")


@st.cache_data(show_spinner=False)
def _national(_con: duckdb.DuckDBPyConnection, version: str, wave_id: str) -> pd.DataFrame:
    return shown_against_national(_con, wave_id)


def _draw_national(con: duckdb.DuckDBPyConnection, version: str, wave_id: str) -> None:
    st.header("How do we compare with councillors nationally?")
    compared = _national(con, version, wave_id)
    if compared.empty:
        st.info("Say which questions are which measures (below) to set this wave beside the national figures.")
        return
    st.markdown(
        "Where a question matches a national survey of councillors, the share of this wave's respondents sits "
        "beside the latest national figure."
    )
    shown = compared.assign(
        measure=compared["measure"].map(labels.label),
        group=compared["group"].map(labels.category),
        council_pct=compared["council_pct"].round(0),
    )
    whole_table(
        shown[
            ["measure", "group", "council_pct", "council_n", "national_pct", "national_base_n", "source", "year", "url"]
        ],
        config={
            "measure": st.column_config.TextColumn("Measure", width=170),
            "group": st.column_config.TextColumn("Councillors", width=110),
            "council_pct": st.column_config.NumberColumn("Ours (%)", format="%.0f", width=75),
            "council_n": st.column_config.NumberColumn("Ours: answered (n)", width=90),
            "national_pct": st.column_config.NumberColumn("National (%)", format="%.0f", width=85),
            "national_base_n": st.column_config.NumberColumn("National: answered (n)", width=100),
            "source": st.column_config.TextColumn("Source", width=170),
            "year": st.column_config.NumberColumn("Year", format="%d", width=60),
            "url": st.column_config.LinkColumn("Published at", width=70),
        },
        wrapping=True,
    )
    st.caption(
        "A blank share is hidden: fewer than 10 answered (then how many answered is blank too), or fewer than 5 "
        "said it (or did not). National figures for groups have no published base."
    )


def _draw_measure_mapping(con: duckdb.DuckDBPyConnection, version: str, wave_id: str, listed: pd.DataFrame) -> None:
    with st.expander("Which question is which measure?"):
        st.markdown(
            "The comparison with national figures needs to know which question asks what. Suggestions come from "
            "the wording; correct them and save, and the next wave with the same questions maps itself."
        )
        suggested = _measures(con, version, wave_id)
        by_label = {labels.label(measure): measure for measure in MEASURES}  # the council's words for each measure
        table = pd.DataFrame(
            {
                "Question": [f"{row.position}. {row.text}" for row in listed.itertuples()],
                "Measure": [
                    labels.label(suggested[row.question_id]) if suggested.get(row.question_id) else NOT_A_MEASURE
                    for row in listed.itertuples()
                ],
            }
        )
        edited = st.data_editor(
            table,
            hide_index=True,
            disabled=["Question"],
            column_config={
                "Measure": st.column_config.SelectboxColumn(options=[NOT_A_MEASURE, *by_label], required=True)
            },
            key=f"measures-{wave_id}",
        )
        if st.button("Save these measures", key="save_measures"):
            chosen = [by_label.get(measure) for measure in edited["Measure"]]
            with refusals_shown() as attempt:
                mapping = dict(zip(listed["question_id"], chosen, strict=True))
                save_measures(con, wave_id, mapping, actor=current_user().username)
            if attempt.refused:
                return
            st.cache_data.clear()
            st.success("Saved: the comparison above now uses these measures, and so will the next wave.")


@st.cache_data(show_spinner=False)
def _measures(_con: duckdb.DuckDBPyConnection, version: str, wave_id: str) -> dict[str, str | None]:
    return suggest_measures(_con, wave_id)


con = open_page("surveys")
st.title("What do our councillors tell us?")
version = survey_results.data_version(con)
waves = _waves(con, version)
if waves.empty:
    st.info(IMPORT_HINT, icon=":material/upload_file:")
    link_to("import_data", "Go to Import", ":material/upload_file:")
    st.stop()

wave_labels = dict(zip(waves["wave_id"], waves["label"], strict=True))
columns = st.columns([1, 3])
wave_id = columns[0].selectbox(
    "Survey wave", list(wave_labels), format_func=lambda wave: cut(wave_labels[wave]), key="survey_wave"
)
listed = _questions(con, version, wave_id)
if listed.empty:
    st.info("This wave has no questions: import the survey export again.")
    st.stop()
question_texts = {row.question_id: f"{row.position}. {row.text}" for row in listed.itertuples()}
question_id = columns[1].selectbox(
    "Question",
    list(question_texts),
    format_func=lambda question: cut(question_texts[question], SENTENCE),
    key="survey_question",
)
respondents = int(waves.loc[waves["wave_id"] == wave_id, "respondents"].iloc[0])
st.caption(f"Wave {as_written(wave_labels[wave_id])}: {respondents:,} councillors responded.")

summary = _summary(con, version, wave_id, question_id)
st.markdown(f"**{as_written(summary.lead, SENTENCE)}**")
if summary.kind == "text":
    if summary.answered and not current_user().may(SURVEY_COMMENTS):
        st.info(
            "Free-text answers are not shown to your role: they can name or identify the councillors who wrote them."
        )
    elif summary.answered:
        st.caption("Free-text answers are shown as written, in alphabetical order; they are never split by group.")
        written = pd.DataFrame({"What councillors wrote": _free_text(con, version, wave_id, question_id)})
        table(written, {}, hide_index=True)
else:
    _draw_summary(summary)
    if summary.answered:
        _draw_crosstab(con, version, wave_id, question_id, listed)
        _draw_change(con, version, summary, wave_id, question_id)
_draw_national(con, version, wave_id)
if current_user().may(IMPORTS):  # a saved setting: only for those who prepare the data
    _draw_measure_mapping(con, version, wave_id, listed)
