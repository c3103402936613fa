"""The surveys page as a user meets it: a built survey of two waves imported into the test's own database."""

import json
import re

import pytest

from analytics import audit, store
from analytics.governance.access import COUNCILLOR, SAFETY_CHAMPION, SAFETY_OFFICER, VIEWER
from analytics.sample.demo import load_sample
from analytics.surveys import survey_measures
from analytics.surveys.benchmarks import shown_against_national
from tests.analytics.surveys.helpers import (
    ABUSE,
    CHANNELS,
    GENDER,
    HELP,
    RISK,
    YEARS,
    import_waves,
    question_id,
)
from tests.pages.helpers import as_read, audit_rows, chart_values, open_app, text_of


@pytest.fixture
def surveyed(database):
    con = store.connect(database)
    ids = import_waves(con)
    questions = {text: question_id(con, ids["2026"], text) for text in (ABUSE, CHANNELS, GENDER, HELP, RISK, YEARS)}
    con.close()
    return questions


def choose(app, questions: dict[str, str], text: str):
    app.selectbox(key="survey_question").set_value(questions[text])
    app.run()
    assert not app.exception, app.exception
    return app


def charts(app) -> dict[str, dict]:
    """Each chart by its title as read, a long one's lines joined."""
    figures = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    return {figure["layout"]["title"]["text"].replace("<br>", " "): figure for figure in figures}


def lead(app) -> str:
    return next(as_read(element.value) for element in app.markdown if element.value.startswith("**")).strip("*")


def captions(app) -> str:
    return "\n".join(as_read(caption.value) for caption in app.caption)


def small_numbers_shown(app) -> list:
    """Every count shown in a table (columns of councillors and group sizes) that is from 1 to 4."""
    found = []
    for table in app.dataframe:
        frame = table.value
        for column in frame.columns:
            if "%" in str(column) or column in ("Answer", "What councillors wrote"):
                continue
            for value in frame[column]:
                text = str(value).replace(",", "")
                if text.isdigit() and 1 <= int(text) <= 4:
                    found.append((column, value))
    return found


def test_an_empty_database_says_how_to_import_a_survey(database):
    app = open_app("pages/surveys.py")
    assert app.title[0].value == "What do our councillors tell us?"
    assert "No survey yet: import your survey export on the Import page" in text_of(app)
    assert "python -m analytics import survey FILE --wave LABEL" in text_of(app)
    assert not app.get("plotly_chart")


def test_single_choice_leads_with_the_answer_and_shows_percent_and_n(surveyed):
    app = choose(open_app("pages/surveys.py"), surveyed, ABUSE)
    assert app.selectbox(key="survey_wave").value is not None
    assert lead(app) == "26 of 38 councillors who answered (68%) said yes."
    figure = charts(app)[f"{ABUSE} (% of the 38 who answered)"]
    assert figure["data"][0]["type"] == "bar" and figure["data"][0]["orientation"] == "h"
    assert [round(value, 1) for value in chart_values(figure["data"][0]["x"])] == [68.4, 31.6]
    assert figure["data"][0]["text"] == ["68% (n=26)", "32% (n=12)"]


def test_multi_select_is_a_share_of_respondents_and_says_it_does_not_add_up(surveyed):
    app = choose(open_app("pages/surveys.py"), surveyed, CHANNELS)
    assert lead(app).startswith("30 of 40 councillors who answered (75%) chose “Social media”")
    figure = charts(app)[f"{CHANNELS} (% of the 40 who answered)"]
    assert figure["layout"]["xaxis"]["title"]["text"] == "% of respondents"
    assert figure["data"][0]["text"][-1] == "hidden (small number)"  # phone: 3 councillors
    assert "do not add up to 100%" in captions(app)
    assert "Numbers from 1 to 4 are hidden" in captions(app)


def test_a_scale_is_a_diverging_bar_in_scale_order(surveyed):
    app = choose(open_app("pages/surveys.py"), surveyed, RISK)
    assert lead(app) == "14 of 40 councillors who answered (35%) said often or always."
    figure = charts(app)[RISK]
    assert figure["layout"]["barmode"] == "relative"
    legend = {trace["name"]: trace for trace in figure["data"] if trace["showlegend"] is not False}
    ranked = sorted(legend, key=lambda name: legend[name]["legendrank"])
    assert ranked == ["Never", "Rarely", "Sometimes", "Often", "Always"]
    assert chart_values(legend["Never"]["x"]) == [-15.0] and chart_values(legend["Always"]["x"]) == [12.5]
    colours = [legend[name]["marker"]["color"] for name in ranked]
    assert len(set(colours)) == 5  # one ordered colour a point


def test_numbers_are_bars_in_order_and_free_text_is_only_a_list(surveyed):
    app = choose(open_app("pages/surveys.py"), surveyed, YEARS)
    figure = charts(app)[f"{YEARS} (% of the 40 who answered)"]
    assert list(figure["data"][0]["y"]) == ["0 to 4", "5 to 9", "10 to 14", "15 to 19", "20 to 24"]
    choose(app, surveyed, HELP)
    assert lead(app) == "12 councillors wrote an answer; read them below."
    assert not app.get("plotly_chart")
    written = next(table.value for table in app.dataframe if "What councillors wrote" in table.value.columns)
    assert len(written) == 12
    assert not [box for box in app.selectbox if box.key == "survey_by"]  # never split by group


def test_a_crosstab_is_suppressed_and_says_so(surveyed):
    app = choose(open_app("pages/surveys.py"), surveyed, ABUSE)
    by = app.selectbox(key="survey_by")
    assert surveyed[HELP] not in by.options  # free text is never a group
    by.set_value(surveyed[GENDER])
    app.run()
    assert not app.exception, app.exception
    assert f"{ABUSE} by {GENDER.lower()}" in charts(app)
    assert "Prefer not to say is hidden because it has fewer than 10 in total." in captions(app)
    table = next(table.value for table in app.dataframe if "% of the group" in table.value.columns)
    assert table.loc[table[GENDER] == "Man", "Councillors"].tolist() == ["–", "8"]
    assert small_numbers_shown(app) == []


def test_a_question_asked_in_an_earlier_wave_is_compared_with_it(surveyed):
    app = choose(open_app("pages/surveys.py"), surveyed, RISK)
    assert app.multiselect(key=f"survey_compare_options_{surveyed[RISK]}").value == ["Often", "Always"]
    assert (
        f"Councillors answering “Often” or “Always” to “{RISK}”: 35% in 2026 (n=40) against 21% in 2025 (n=38); "
        "a change this large could happen by chance about 1 time in 4, so it may not be a real change."
    ) in text_of(app)
    figure = charts(app)["Share answering Often or Always"]
    assert figure["data"][0]["text"] == ["21% (n=38)", "35% (n=40)"]


def test_no_table_on_the_page_shows_a_number_from_1_to_4(surveyed):
    app = open_app("pages/surveys.py")
    for text in (GENDER, ABUSE, RISK, CHANNELS, YEARS):
        choose(app, surveyed, text)
        for by in (GENDER, ABUSE, YEARS):
            if by != text:
                app.selectbox(key="survey_by").set_value(surveyed[by])
                app.run()
                assert not app.exception, app.exception
                assert small_numbers_shown(app) == [], (text, by)


def test_the_sample_survey_sits_beside_the_national_figures(sample):
    app = open_app("pages/surveys.py")
    con = store.connect(sample)
    wave_id = con.execute("SELECT wave_id FROM survey_waves WHERE label = '2026'").fetchall()[0][0]
    expected = shown_against_national(con, wave_id)
    table = next(frame.value for frame in app.dataframe if "national_pct" in frame.value.columns)
    assert len(table) == len(expected) > 0
    abuse = table[(table["measure"] == "Experienced abuse in the last 12 months") & (table["group"] == "All")].iloc[0]
    row = expected[(expected["measure"] == "experienced_abuse_last_12_months") & (expected["group"] == "all")].iloc[0]
    assert (abuse["council_pct"], abuse["council_n"]) == (round(row["council_pct"]), row["council_n"])
    assert (abuse["national_pct"], abuse["source"]) == (72, "LGA Debate Not Hate survey")
    assert table["council_pct"].isna().sum() == expected["council_pct"].isna().sum()


def test_a_saved_measure_mapping_is_used_and_remembered(database):
    con = store.connect(database)
    load_sample(con)
    con.close()
    app = open_app("pages/surveys.py")
    app.button(key="save_measures").click()
    app.run()
    assert not app.exception
    assert "Saved: the comparison above now uses these measures" in text_of(app)
    saved = store.connect(database).execute("SELECT count(*) FROM survey_measure_mappings").fetchall()[0][0]
    assert saved == 15
    actor, subject, _ = audit_rows(database, audit.SETTING_CHANGED)[-1]
    assert (actor, subject) == (f"test-{SAFETY_OFFICER}", "survey measures of wave 2026")


def test_a_fault_in_saving_the_measures_is_told_by_a_reference_not_in_its_own_words(sample, served_errors, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("pandas said no")

    monkeypatch.setattr(survey_measures, "save_measures", broken)
    app = open_app("pages/surveys.py")
    app.button(key="save_measures").click()
    app.run()
    [shown] = [error.value for error in app.error]
    assert re.fullmatch(r"Something went wrong on this page\. .* reference: [0-9A-F]{8}\.", shown), shown
    assert "pandas said no" not in text_of(app) + shown


@pytest.mark.parametrize("role", [VIEWER, COUNCILLOR, SAFETY_CHAMPION])
def test_only_those_who_prepare_the_data_may_change_the_measures(sample, role):
    app = open_app("pages/surveys.py", role=role, councillor_key="c001" if role == COUNCILLOR else None)
    assert not [expander for expander in app.expander if expander.label == "Which question is which measure?"]
    assert not [button for button in app.button if button.key == "save_measures"]
