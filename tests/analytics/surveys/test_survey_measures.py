"""Survey questions mapped to the canonical measures: wording rules, saved mappings across waves, canonical answers."""

import csv
import io
from datetime import datetime

import openpyxl
import pytest

from analytics import keyed
from analytics.surveys.survey_measures import MEASURES, mapped_answers, save_measures, suggest_measures
from analytics.surveys.surveys import import_survey


def plain_survey(con, rows: list[list[str]], wave: str = "2025") -> str:
    """A plain one-header CSV export, imported; returns the wave id."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return import_survey(con, buffer.getvalue().encode(), "survey.csv", wave=wave).wave_id


RESPONDENT_IDS = [*"ABCD", *(f"R{number}" for number in range(1, 10)), *(str(number) for number in range(1, 10))]


def values(con, wave_id: str, measure: str) -> dict[str, list[str]]:
    """Each respondent's canonical values, the respondent named as the survey tool numbered them (the database
    holds only their keys)."""
    frame = mapped_answers(con, wave_id)[measure]
    named = dict(
        con.execute(
            f"SELECT {keyed.respondent_sql('id')}, id FROM unnest($ids) AS tool(id)",
            {"ids": RESPONDENT_IDS, **keyed.hmac_parameters(con)},
        ).fetchall()
    )
    return {named[respondent]: sorted(group["value"]) for respondent, group in frame.groupby("respondent")}


# --- suggestions from the wording ----------------------------------------------------------------------

COUNCIL_SURVEY = [
    ["Respondent ID", "R1", "R2", "R3"],
    ["In the last 12 months, have you experienced abuse, harassment or intimidation?", "Yes", "No", "Yes"],
    ["How often have you experienced abuse?", "Often", "Never", "Rarely"],
    ["Which channels was the abuse through?", "Facebook; Email", "", "In person"],
    ["What types of abuse did you experience?", "Verbal abuse", "", "Death threats; Doxxing"],
    ["Was the abuse related to a protected characteristic?", "Sexist", "", "Racist; Homophobic"],
    ["How often have you felt at risk in your role?", "Occasionally", "Never", "All the time"],
    ["Did you report it to the council?", "Yes", "", "No"],
    ["Have you reported any incident to the police?", "No", "", "Yes"],
    ["How effective are the council's arrangements for your safety?", "Quite effective", "Not sure", "Don't know"],
    ["Have you considered standing down because of abuse?", "Yes, seriously", "No", "No - never"],
    ["Gender", "Female", "Male", "Prefer not to say"],
    ["Ethnicity", "White British", "Asian", "Mixed"],
    ["Do you consider yourself to have a disability?", "No", "Yes", "No"],
    ["Are you LGBTQ+?", "No", "No", "Yes"],
    ["Political party", "Labour", "Conservative", "Independent"],
    ["Years served as a councillor", "3", "10", "1"],
    ["Anything else you would like to tell us?", "", "Thanks", ""],
]


def council_survey(con) -> str:
    return plain_survey(con, [list(row) for row in zip(*COUNCIL_SURVEY, strict=True)])


def test_every_contract_measure_is_suggested_from_typical_wording(con):
    wave_id = council_survey(con)
    suggested = suggest_measures(con, wave_id)
    assert list(suggested.values()) == [*MEASURES, None]
    assert list(suggested) == [f"Q{number}" for number in range(1, 18)]


@pytest.mark.parametrize(
    ("wording", "answers", "measure"),
    [
        ("Have you been threatened or abused in your role as a councillor?", ["Yes", "No"], "experienced_abuse"),
        ("How frequently does this happen?", ["Rarely", "Often"], "frequency"),
        ("Where did the abuse take place?", ["Online", "At home"], "channels"),
        ("What kind of behaviour was it?", ["Stalking", "Harassment"], "abuse_types"),
        ("Did you report the incident to the Monitoring Officer?", ["Yes", "No"], "reported_to_council"),
        ("Was it reported to the police?", ["Yes", "No"], "reported_to_police"),
        ("How often do you feel unsafe?", ["Never", "Often"], "felt_at_risk"),
        ("Are you thinking of stepping down at the next election?", ["Yes", "No"], "considered_standing_down"),
        ("What is your gender?", ["Woman", "Man"], "gender"),
        ("Which political party or group do you represent?", ["Green", "Labour"], "party"),
        ("How long have you been a councillor?", ["3", "12"], "years_served"),
        ("Any other comments?", ["None", "Thanks"], None),
    ],
)
def test_suggestion_for_a_wording(con, wording, answers, measure):
    wave_id = plain_survey(con, [["Respondent ID", wording], *[[f"R{i}", a] for i, a in enumerate(answers)]])
    assert suggest_measures(con, wave_id) == {"Q1": measure}


def test_a_question_whose_kind_cannot_hold_the_measure_is_not_suggested(con):
    stories = [
        f"Story number {number} about a meeting that went badly and what happened after." for number in range(12)
    ]
    rows = [["Respondent ID", "Have you experienced abuse? Tell us about it."]]
    wave_id = plain_survey(con, rows + [[f"R{i}", story] for i, story in enumerate(stories)])
    assert suggest_measures(con, wave_id) == {"Q1": None}  # free text is no yes/no answer


def test_a_measure_is_suggested_for_the_first_question_that_fits_only(con):
    rows = [["Respondent ID", "Have you experienced abuse this year?", "Have you received threats since May?"]]
    wave_id = plain_survey(con, rows + [["R1", "Yes", "No"], ["R2", "No", "No"]])
    assert suggest_measures(con, wave_id) == {"Q1": "experienced_abuse", "Q2": None}


# --- the saved mapping ---------------------------------------------------------------------------------


def test_the_saved_mapping_maps_the_next_wave_with_the_same_wording(con):
    first = plain_survey(
        con, [["Respondent ID", "Abuse this year?", "Which channels?", "Gender"], ["R1", "Yes", "Email", "Female"]]
    )
    assert suggest_measures(con, first) == {"Q1": None, "Q2": "channels", "Q3": "gender"}
    save_measures(con, first, {"Q1": "experienced_abuse", "Q2": None, "Q3": "gender"}, actor="test")
    header = ["Respondent ID", "ABUSE this year ?", "Which channels", "Gender", "Have you experienced abuse lately?"]
    second = plain_survey(con, [header, ["A", "No", "Letter", "Male", "No"], ["B", "Y", "", "Female", "Yes"]], "2026")
    assert suggest_measures(con, second) == {"Q1": "experienced_abuse", "Q2": None, "Q3": "gender", "Q4": None}
    assert values(con, second, "experienced_abuse") == {"A": ["no"], "B": ["yes"]}
    save_measures(con, second, {"Q2": "channels"}, actor="test")  # a later choice replaces the earlier one
    assert suggest_measures(con, first)["Q2"] == "channels"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"Q9": "gender"}, "no question Q9"),
        ({"Q1": "happiness"}, "Not a measure: happiness"),
        ({"Q1": "gender", "Q2": "gender"}, "one question only: gender"),
    ],
)
def test_a_mapping_that_cannot_be_saved_is_refused(con, mapping, message):
    wave_id = plain_survey(con, [["Respondent ID", "Gender", "Sex"], ["R1", "Female", "Female"]])
    with pytest.raises(ValueError, match=message):
        save_measures(con, wave_id, mapping, actor="test")
    assert con.execute("SELECT count(*) FROM survey_measure_mappings").fetchone()[0] == 0


# --- answers in canonical values -----------------------------------------------------------------------


def test_yes_no_and_scale_words_become_canonical_values(con):
    wave_id = council_survey(con)
    assert values(con, wave_id, "experienced_abuse") == {"R1": ["yes"], "R2": ["no"], "R3": ["yes"]}
    assert values(con, wave_id, "considered_standing_down") == {"R1": ["yes"], "R2": ["no"], "R3": ["no"]}
    assert values(con, wave_id, "frequency") == {"R1": ["frequently"], "R2": ["never"], "R3": ["rarely"]}
    assert values(con, wave_id, "felt_at_risk") == {"R1": ["sometimes"], "R2": ["never"], "R3": ["always"]}
    assert values(con, wave_id, "arrangements_effective") == {
        "R1": ["fairly effective"],
        "R2": ["don't know"],
        "R3": ["don't know"],
    }
    assert values(con, wave_id, "reported_to_council") == {"R1": ["yes"], "R3": ["no"]}  # R2 did not answer


def test_several_of_list_answers_map_through_the_vocabulary(con):
    wave_id = council_survey(con)
    assert values(con, wave_id, "channels") == {"R1": ["email", "social media"], "R3": ["in person"]}
    assert values(con, wave_id, "abuse_types") == {
        "R1": ["verbal abuse"],
        "R3": ["death threat", "personal information published"],
    }
    assert values(con, wave_id, "characteristics") == {"R1": ["sex"], "R3": ["race", "sexual orientation"]}


def test_group_answers_are_kept_as_written(con):
    wave_id = council_survey(con)
    assert values(con, wave_id, "gender") == {"R1": ["Female"], "R2": ["Male"], "R3": ["Prefer not to say"]}
    assert values(con, wave_id, "years_served") == {"R1": ["3"], "R2": ["10"], "R3": ["1"]}


def test_unrecognised_answers_and_unmapped_measures_give_no_rows(con):
    header = ["Respondent ID", "Have you experienced abuse?", "Which channels?"]
    rows = [["R1", "Prefer not to say", "Carrier pigeon"], ["R2", "No idea", "Twitter, Facebook"]]
    wave_id = plain_survey(con, [header, *rows])
    assert values(con, wave_id, "experienced_abuse") == {}
    assert values(con, wave_id, "channels") == {"R2": ["social media"]}  # two platforms, one channel
    empty = mapped_answers(con, wave_id)["gender"]
    assert empty.empty and list(empty.columns) == ["respondent", "value"]


def test_microsoft_forms_multi_select_channels(con):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name", "Which channels was the abuse through?"])
    start = datetime(2025, 3, 4, 9, 15, 2)
    sheet.append([1, start, start, "anonymous", "", "Facebook;Email;"])
    sheet.append([2, start, start, "anonymous", "", "Letter;"])
    sheet.append([3, start, start, "anonymous", "", "Twitter;Facebook;WhatsApp;"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_survey(con, buffer.getvalue(), "Safety survey.xlsx", wave="2025")
    assert result.tool == "microsoft_forms" and suggest_measures(con, result.wave_id) == {"Q1": "channels"}
    assert values(con, result.wave_id, "channels") == {
        "1": ["email", "social media"],
        "2": ["letter"],
        "3": ["social media", "text or messaging app"],
    }
