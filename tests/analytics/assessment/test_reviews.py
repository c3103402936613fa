"""Post-incident reviews on a small hand-built council: the timeline, recording, actions, coverage, the pack."""

import io
from datetime import date

import openpyxl
import pytest

from analytics.assessment.reviews import (
    complete_action,
    meeting_pack,
    open_review_actions,
    review_candidates,
    review_context,
    review_coverage,
)
from tests.analytics.assessment.helpers import load_council, review


@pytest.fixture
def council(built_by):
    return built_by(load_council)


def test_candidates_put_the_most_serious_first_then_the_newest(council):
    candidates = review_candidates(council)
    assert candidates["incident_ref"].tolist() == [
        "INC-5",
        "INC-7",
        "INC-3",
        "INC-1",
        "INC-6",
        "INC-8",
        "INC-4",
        "INC-2",
    ]
    assert candidates["threat"].tolist()[:4] == ["critical", "high", "high", "medium"]


def test_timeline_holds_the_related_incidents_in_the_twelve_months_up_to_it(council):
    context = review_context(council, "ref:INC-5")
    timeline = context["timeline"]
    # INC-1 is more than 12 months before and INC-2 exactly 12 months before: outside. INC-7 is after; INC-8 is
    # another councillor in another ward with no perpetrator named.
    assert timeline["incident_ref"].tolist() == ["INC-3", "INC-4", "INC-6"]
    assert timeline["related_by"].tolist() == ["same perpetrator", "same ward", "same councillor, same ward"]
    assert context["incident"]["incident_ref"] == "INC-5"
    assert context["incident"]["threat"] == "critical"


def test_context_has_the_councillors_risk_and_mitigations(council):
    councillor_ = review_context(council, "ref:INC-5")["councillor"]
    assert councillor_["risk_level"] == "high"
    assert councillor_["risk_assessed_on"] == date(2025, 1, 15)
    assert councillor_["mitigations"] == ["personal safety alarm", "cctv or video doorbell"]
    assert review_context(council, "ref:INC-8")["councillor"]["risk_level"] is None
    assert review_context(council, "ref:nope") is None


def test_recording_a_review_keeps_its_mitigations_and_actions(council):
    review_id = review(
        council,
        actions=[
            {"action": "Move surgeries to the library", "owner": "Member services", "due_on": date(2025, 8, 1)},
            {"action": "  Brief the group leader  ", "owner": "", "due_on": None},
        ],
    )
    [saved] = review_context(council, "ref:INC-5")["reviews"]
    assert saved["review_id"] == review_id and saved["this_incident"]
    assert saved["reviewed_on"] == date(2025, 7, 15)
    assert saved["attendees"] == ["councillor", "monitoring officer", "police liaison"]
    assert saved["lessons"] == "Remove home addresses from the website"
    assert saved["mitigations"] == {"cctv or video doorbell": "partly effective", "personal safety alarm": "effective"}
    assert [(a["action"], a["owner"], a["due_on"]) for a in saved["actions"]] == [
        ("Move surgeries to the library", "Member services", date(2025, 8, 1)),
        ("Brief the group leader", None, None),
    ]


def test_earlier_reviews_are_of_this_incident_and_others_against_the_same_councillor(council):
    review(council, "ref:INC-1", reviewed_on=date(2024, 6, 1), mitigations={})
    review(council, "ref:INC-3", mitigations={})  # Bob Brook: not Ann's
    reviews = review_context(council, "ref:INC-5")["reviews"]
    assert [(r["incident_ref"], r["this_incident"]) for r in reviews] == [("INC-1", False)]
    review(council)
    reviews = review_context(council, "ref:INC-5")["reviews"]
    assert [r["incident_ref"] for r in reviews] == ["INC-5", "INC-1"]
    assert [r["incident_ref"] for r in review_context(council, "ref:INC-5", as_of=date(2025, 1, 1))["reviews"]] == [
        "INC-1"
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"key": "ref:INC-99"}, "That incident is not in the log"),
        ({"mitigations": {"personal safety alarm": "very"}}, "must be one of effective, partly effective"),
        ({"mitigations": {"guard dog": "effective"}}, "is not a mitigation the dashboard knows"),
        ({"attendees": ["the mayor"]}, "Attendees are recorded by role"),
        ({"reviewed_on": None}, "Enter the date of the review"),
        (
            {"actions": [{"action": "Call", "owner": "MO"}, {"action": " ", "owner": "MO"}]},
            "Action 2 has no description",
        ),
    ],
)
def test_a_review_that_cannot_be_saved_says_why_and_saves_nothing(council, changes, message):
    with pytest.raises(ValueError, match=message):
        review(council, **changes)
    counts = council.execute(
        "SELECT (SELECT count(*) FROM incident_reviews), (SELECT count(*) FROM review_mitigations),"
        " (SELECT count(*) FROM review_actions)"
    ).fetchone()
    assert counts == (0, 0, 0)


def test_open_actions_flag_the_overdue_and_a_completed_one_leaves_the_list(council):
    review(
        council,
        actions=[
            {"action": "Check the alarm", "owner": "Safety champion", "due_on": date(2025, 9, 1)},
            {"action": "Move surgeries", "owner": "Member services", "due_on": date(2025, 7, 20)},
            {"action": "Write to the platform", "owner": None, "due_on": None},
        ],
    )
    actions = open_review_actions(council, date(2025, 8, 1))
    assert actions["action"].tolist() == ["Move surgeries", "Check the alarm", "Write to the platform"]
    assert actions["overdue"].tolist() == [True, False, False]
    assert set(actions["incident_ref"]) == {"INC-5"}
    complete_action(council, actions["action_id"].iloc[0], date(2025, 8, 2))
    assert open_review_actions(council, date(2025, 8, 1))["action"].tolist() == [
        "Check the alarm",
        "Write to the platform",
    ]
    with pytest.raises(ValueError, match="That action is not recorded"):
        complete_action(council, "nope", date(2025, 8, 2))


def test_review_coverage_counts_serious_incidents_reviewed_and_mitigations_rated(council):
    review(
        council,
        mitigations={
            "personal safety alarm": "effective",
            "cctv or video doorbell": "partly effective",
            "safety app": "not tried",
        },
    )
    review(council, "ref:INC-1", mitigations={"personal safety alarm": "effective"})  # before the period
    review(council, "ref:INC-7", mitigations={"address withheld": "effective"})  # after the period
    coverage = review_coverage(council, date(2024, 6, 1), date(2025, 6, 30))
    # Serious in the period: INC-3 (high) and INC-5 (critical); INC-7 is after it.
    assert coverage == {"high_or_critical": 2, "reviewed": 1, "mitigations_rated": 2, "rated_effective": 1}


def test_meeting_pack_holds_the_incident_timeline_councillor_and_earlier_reviews(council):
    review(
        council,
        "ref:INC-1",
        reviewed_on=date(2024, 6, 1),
        lessons='=HYPERLINK("http://evil.example","click")',
        actions=[{"action": "Block the account", "owner": "Comms", "due_on": date(2024, 6, 8)}],
    )
    book = openpyxl.load_workbook(io.BytesIO(meeting_pack(council, "ref:INC-5")))
    assert book.sheetnames == ["Incident", "Timeline", "Councillor", "Earlier reviews"]

    fields = {row[0]: row[1] for row in book["Incident"].iter_rows(min_row=2, values_only=True)}
    assert fields["Reference"] == "INC-5"
    assert fields["Date"] == "10 June 2025"
    assert fields["Threat"] == "critical"
    assert fields["Response the threat calls for"] == "Report to the police"
    assert fields["Type of abuse"] == "Threat of violence"
    assert fields["What happened"] == "@jdoe posted her address"
    assert book["Incident"]["B" + str(list(fields).index("What happened") + 2)].quotePrefix

    timeline = book["Timeline"]
    assert [cell.value for cell in timeline[1]] == [
        "Ref", "Date", "Councillor", "Ward", "How", "Type of abuse", "Threat", "Related by"
    ]  # fmt: skip
    assert timeline["A2"].value == "INC-3"
    assert timeline["B2"].value.date() == date(2024, 6, 11)
    assert timeline["B2"].number_format == "DD/MM/YYYY"
    assert timeline["H4"].value == "same councillor, same ward"
    assert timeline.max_row == 4

    councillor_ = {row[0]: row[1] for row in book["Councillor"].iter_rows(min_row=2, values_only=True)}
    assert councillor_ == {
        "Councillor": "Ann Abbot",
        "Ward": "Abbey",
        "Risk level": "high",
        "Risk assessed on": "15 January 2025",
        "Mitigations": "Personal safety alarm; CCTV or video doorbell",
    }

    earlier = book["Earlier reviews"]
    header = [cell.value for cell in earlier[1]]
    row = dict(zip(header, [cell for cell in earlier[2]], strict=True))
    assert earlier.max_row == 2
    assert row["Incident"].value == "INC-1"
    assert row["Reviewed on"].value.date() == date(2024, 6, 1)
    assert row["Reviewed on"].number_format == "DD/MM/YYYY"
    assert row["Attendees"].value == "councillor; monitoring officer; police liaison"
    assert row["Lessons"].value == """=HYPERLINK("http://evil.example","click")"""
    assert row["Lessons"].data_type == "s" and row["Lessons"].quotePrefix
    assert row["Mitigations"].value == "cctv or video doorbell: partly effective; personal safety alarm: effective"
    assert row["Actions"].value == "Block the account (Comms, due 8 June 2024)"


def test_meeting_pack_of_a_councillor_with_no_risk_assessment_or_reviews(council):
    book = openpyxl.load_workbook(io.BytesIO(meeting_pack(council, "ref:INC-8")))
    assert [(row[0], row[-1]) for row in book["Timeline"].iter_rows(min_row=2, values_only=True)] == [
        ("INC-3", "same councillor, same ward")
    ]
    assert book["Earlier reviews"].max_row == 1
    councillor_ = {row[0]: row[1] for row in book["Councillor"].iter_rows(min_row=2, values_only=True)}
    assert councillor_["Risk level"] == "not recorded"
    assert councillor_["Mitigations"] == "none recorded"


def test_context_has_a_newer_individual_risk_assessment_and_the_mitigations_it_put_in_place(council):
    key = council.execute("SELECT councillor_key FROM incidents WHERE incident_ref = 'INC-5'").fetchone()[0]
    council.execute(
        """INSERT INTO individual_risk_assessments VALUES
           ('IRA-1', ?, '2025-06-01', 'medium', ['police liaison', 'safety app', 'personal safety alarm'],
            ['police liaison', 'personal safety alarm'], NULL, '2025-12-01', 'officer', now())""",
        [key],
    )
    councillor_ = review_context(council, "ref:INC-5")["councillor"]
    assert (councillor_["risk_level"], councillor_["risk_assessed_on"]) == ("medium", date(2025, 6, 1))
    assert councillor_["mitigations"] == ["personal safety alarm", "cctv or video doorbell", "police liaison"]
