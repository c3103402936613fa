"""The packaged national figures, and a council's survey set beside them with known answers."""

import csv
import io

import pandas as pd

from analytics.surveys.benchmarks import COLUMNS, council_against_national, national_benchmarks, shown_against_national
from analytics.surveys.survey_measures import save_measures, suggest_measures
from analytics.surveys.surveys import import_survey
from tests.conftest import REPO

PACKAGED = "analytics/surveys/reference/national_benchmarks.csv"
LGA_2024 = "https://www.local.gov.uk/publications/debate-not-hate-survey-councillors-august-2024"
LGA_2025 = "https://governmentbusiness.co.uk/news/30062025/one-four-councillors-experience-threats-violence-or-death"


def test_the_packaged_figures_equal_the_shared_reference_row_for_row(realworld):
    shared = realworld.parent / "reference" / "national-benchmarks.csv"
    with open(REPO / PACKAGED, newline="") as ours, open(shared, newline="") as theirs:
        assert list(csv.reader(ours)) == list(csv.reader(theirs))
    expected = pd.read_csv(shared).astype({"base_n": "Int64", "value_pct": "float64"})
    pd.testing.assert_frame_equal(national_benchmarks(), expected, check_dtype=False)
    assert list(national_benchmarks().columns) == ["source", "year", "measure", "group", "value_pct", "base_n", "url"]


# Ten respondents. Columns: abuse in the last 12 months, felt at risk, reported to police, arrangements effective,
# abuse types, channels, gender, disability. Frequency, characteristics, ethnicity and LGBTQ+ are not asked.
HEADER = [
    "Respondent ID",
    "In the last 12 months, have you experienced abuse or intimidation?",
    "How often have you felt at risk?",
    "If you experienced abuse, did you report it to the police?",
    "How effective are the council's arrangements to support councillors?",
    "What types of abuse did you experience?",
    "Which channels was the abuse through?",
    "Gender",
    "Do you have a disability?",
]
RESPONSES = [
    ["R01", "Yes", "Often", "Yes", "Very effective", "Verbal abuse; Threat of violence", "Facebook; In person"]
    + ["Female", "No"],
    ["R02", "Yes", "Sometimes", "No", "Fairly effective", "Death threat", "Email", "Female", "Yes"],
    ["R03", "Yes", "Always", "No", "Not very effective", "Verbal abuse", "In person", "Woman", "No"],
    ["R04", "Yes", "Rarely", "Yes", "Don't know", "Damage to property", "Letter", "Male", "No"],
    ["R05", "Yes", "Never", "No", "Not at all effective", "Verbal abuse", "X", "Male", "No"],
    ["R06", "Yes", "Often", "", "Very effective", "Physical assault; Threat of violence", "At home", "Male"]
    + ["Prefer not to say"],
    ["R07", "No", "Never", "", "Fairly effective", "", "", "Female", "No"],
    ["R08", "No", "Rarely", "", "Don't know", "", "", "Male", "Yes"],
    ["R09", "No", "Never", "", "Prefer not to say", "", "", "Prefer not to say", "No"],
    ["R10", "Prefer not to say", "", "", "Very effective", "", "", "Female", "No"],
]
NA = None
# (measure, group, council_pct, council_n, national_pct, national_base_n, year): worked by hand from RESPONSES.
EXPECTED = {
    # answered yes or no: R01-R09; yes R01-R06. Women who answered R01 R02 R03 R07; disabled R02 R08.
    ("experienced_abuse_last_12_months", "all", 66.7, 9, 72.0, 1861, 2025),
    ("experienced_abuse_last_12_months", "women", 75.0, 4, 78.0, NA, 2025),
    ("experienced_abuse_last_12_months", "disabled", 50.0, 2, 86.0, NA, 2025),
    ("experienced_abuse_last_12_months", "not disabled", 66.7, 6, 68.0, NA, 2025),
    # answered R01-R09; sometimes, often or always R01 R02 R03 R06; men R04 R05 R06 R08.
    ("felt_at_risk", "all", 44.4, 9, 73.0, 1861, 2025),
    ("felt_at_risk", "women", 75.0, 4, 84.0, NA, 2025),
    ("felt_at_risk", "men", 25.0, 4, 66.0, NA, 2025),
    # of all ten respondents: yes R01 R04
    ("reported_to_police", "all", 20.0, 10, 21.0, 1861, 2025),
    # answered (R09's "Prefer not to say" left out): 9; very or fairly effective R01 R02 R06 R07 R10
    ("council_arrangements_effective", "all", 55.6, 9, 57.0, 1734, 2024),
    # abuse types and channels, of all ten respondents
    ("threat_of_violence", "all", 20.0, 10, 22.0, 1734, 2024),
    ("threat_of_violence_or_death", "all", 30.0, 10, 25.0, 1861, 2025),
    ("threat_of_property_damage", "all", 0.0, 10, 10.0, 1734, 2024),
    ("actual_property_damage", "all", 10.0, 10, 5.0, 1734, 2024),
    ("actual_violence", "all", 10.0, 10, 3.0, 1861, 2025),
    ("intimidating_visit_to_home", "all", 0.0, 10, 8.0, 1861, 2025),  # 2025's 8%, not 2024's 10%
    ("personal_information_published", "all", 0.0, 10, 11.0, 1861, 2025),
    ("misinformation_published", "all", 0.0, 10, 52.0, 1861, 2025),
    ("abused_online", "all", 30.0, 10, 64.0, 1861, 2025),  # Facebook R01, Email R02, X R05
    ("abused_in_person", "all", 30.0, 10, 59.0, 1861, 2025),  # in person R01 R03, at home R06
}


def council(con) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *RESPONSES])
    return import_survey(con, buffer.getvalue().encode(), "council.csv", wave="2025").wave_id


def rows(frame: pd.DataFrame) -> set[tuple]:
    picked = frame[["measure", "group", "council_pct", "council_n", "national_pct", "national_base_n", "year"]]
    return {tuple(None if pd.isna(value) else value for value in row) for row in picked.itertuples(index=False)}


def test_council_against_national_with_known_answers(con):
    wave_id = council(con)
    result = council_against_national(con, wave_id)
    assert list(result.columns) == COLUMNS
    assert rows(result) == EXPECTED
    police = result.set_index(["measure", "group"]).loc[("reported_to_police", "all")]
    assert (police["source"], police["url"]) == ("LGA Debate Not Hate survey", LGA_2025)
    effective = result.set_index(["measure", "group"]).loc[("council_arrangements_effective", "all")]
    assert effective["url"] == LGA_2024


def test_only_mapped_measures_and_groups_are_compared(con):
    wave_id = council(con)
    mapping = suggest_measures(con, wave_id)
    unmapped = {qid: None for qid, measure in mapping.items() if measure in {"gender", "abuse_types", "channels"}}
    save_measures(con, wave_id, unmapped, actor="test")
    result = council_against_national(con, wave_id)
    assert set(result["group"]) == {"all", "disabled", "not disabled"}
    assert set(result["measure"]) == {
        "experienced_abuse_last_12_months",
        "felt_at_risk",
        "reported_to_police",
        "council_arrangements_effective",
    }


def test_a_wave_with_no_mapped_measures_gives_an_empty_table(con):
    wave_id = import_survey(con, b"Respondent ID,Any comments?\nR1,None\n", "c.csv", wave="2025").wave_id
    result = council_against_national(con, wave_id)
    assert result.empty and list(result.columns) == COLUMNS


def test_a_share_is_hidden_where_its_base_or_either_count_is_small(con):
    wave_id = council(con)
    raw = council_against_national(con, wave_id).set_index(["measure", "group"])
    shown = shown_against_national(con, wave_id).set_index(["measure", "group"])
    said = (raw["council_pct"] * raw["council_n"] / 100).round()
    small = raw["council_n"].lt(10) | said.between(1, 4) | (raw["council_n"] - said).between(1, 4)
    assert small.any() and not small.all()
    assert shown.loc[small, "council_pct"].isna().all()
    assert (shown.loc[~small, "council_pct"] == raw.loc[~small, "council_pct"]).all()
    few = raw["council_n"].lt(10)
    assert few.any() and shown.loc[few, "council_n"].isna().all()  # how many of a small group answered: hidden
    assert (shown.loc[~few, "council_n"] == raw.loc[~few, "council_n"]).all()
