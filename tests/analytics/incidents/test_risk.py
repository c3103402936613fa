"""Suggested risk levels and escalation on a small hand-built council, with the boundaries of every window.

as_of is 30 June 2026: the last 90 days start on 1 April 2026, the last 12 months on 30 June 2025, and a risk
assessment is current when done on or after 30 June 2025.
"""

from datetime import date

import pytest

from analytics.incidents.risk import (
    RiskCounts,
    councillor_risks,
    escalation_summary,
    escalations,
    most_urgent,
    risk_counts,
    rules_in_words,
)
from analytics.ingest.vocabulary import RISK_LEVELS
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

AS_OF = date(2026, 6, 30)
CURRENT = "2026-01-10"  # a risk assessment within the last 12 months


def build_council(con) -> None:
    load_wards(con, {"Abbey": 1, "Brook": 2})
    load_councillors(
        con,
        [
            councillor("Quiet Quinn", "Abbey", risk_level="low", risk_assessed_on=CURRENT, own_assessment_on=CURRENT),
            councillor("Serious Sam", "Abbey", risk_level="medium", risk_assessed_on=CURRENT),
            councillor("Just Outside Jo", "Brook", risk_level="low", risk_assessed_on=CURRENT),
            councillor("Home Hana", "Brook", risk_level="high", risk_assessed_on="2025-06-30"),
            councillor("Old Olly", "Abbey", risk_level="low", risk_assessed_on="2025-06-29"),
            councillor("Never Nia", "Brook"),
            councillor("Undated Uri", "Abbey", risk_level="low"),
            councillor("Cabinet Cal", "Abbey", role="Cabinet member", risk_level="low", risk_assessed_on=CURRENT),
            councillor(
                "Busy Bea", "Brook", risk_level="medium", risk_assessed_on=CURRENT, own_assessment_on="2024-01-01"
            ),
            councillor("Targeted Tia", "Abbey", risk_level="medium", risk_assessed_on=CURRENT),
            councillor("Steady Stu", "Brook", risk_level="medium", risk_assessed_on=CURRENT),
        ],
    )
    load_incidents(
        con,
        [
            incident("2026-07-01", "Quiet Quinn", "Abbey", "email", "death threat"),  # after as_of: not counted
            incident("2026-04-01", "Serious Sam", "Abbey", "email", "verbal abuse", threat_level="critical"),  # day 90
            incident("2026-03-31", "Just Outside Jo", "Brook", "email", "verbal abuse", threat_level="high"),  # 91
            incident("2025-06-30", "Home Hana", "Brook", "at home / doorstep", "verbal abuse", threat_level="low"),
            incident("2025-06-29", "Old Olly", "Abbey", "email", "unwanted visit to home", threat_level="low"),
            incident("2025-10-01", "Cabinet Cal", "Abbey", "email", "verbal abuse", threat_level="low"),
            incident("2025-11-01", "Cabinet Cal", "Abbey", "phone", "verbal abuse", threat_level="low"),
            incident("2025-12-01", "Cabinet Cal", "Abbey", "letter", "verbal abuse", threat_level="low"),
            incident("2025-10-01", "Busy Bea", "Brook", "email", "verbal abuse", threat_level="low"),
            incident("2025-11-01", "Busy Bea", "Brook", "phone", "verbal abuse", threat_level="low"),
            incident("2025-12-01", "Busy Bea", "Brook", "letter", "verbal abuse", threat_level="low"),
            incident("2026-01-01", "Busy Bea", "Brook", "email", "misinformation", threat_level="low"),
            incident("2026-02-01", "Busy Bea", "Brook", "phone", "misinformation", threat_level="low"),
            incident("2026-03-01", "Busy Bea", "Brook", "letter", "misinformation", threat_level="low"),
            incident("2025-08-01", "Targeted Tia", "Abbey", "email", "verbal abuse", perpetrator_ref="@Riser",
                     threat_level="low"),
            incident("2025-09-01", "Targeted Tia", "Abbey", "email", "verbal abuse", perpetrator_ref="riser",
                     threat_level="low"),
            incident("2025-10-01", "Targeted Tia", "Abbey", "email", "intimidation", perpetrator_ref="Riser",
                     threat_level="medium"),
            incident("2025-08-01", "Steady Stu", "Brook", "email", "intimidation", perpetrator_ref="@Steady",
                     threat_level="medium"),
            incident("2025-09-01", "Steady Stu", "Brook", "email", "intimidation", perpetrator_ref="steady",
                     threat_level="medium"),
            incident("2025-10-01", "Steady Stu", "Brook", "email", "verbal abuse", perpetrator_ref="Steady",
                     threat_level="low"),
        ],
    )  # fmt: skip


@pytest.fixture
def council(built_by):
    return built_by(build_council)


def by_name(risks):
    return {risk.name: risk for risk in risks}


def test_everyone_in_the_register_gets_a_suggested_level(council):
    risks = by_name(councillor_risks(council, AS_OF))
    assert {name: risk.suggested for name, risk in risks.items()} == {
        "Busy Bea": "medium",
        "Cabinet Cal": "medium",
        "Home Hana": "high",
        "Just Outside Jo": "low",
        "Never Nia": "low",
        "Old Olly": "low",
        "Quiet Quinn": "low",
        "Serious Sam": "high",
        "Steady Stu": "low",
        "Targeted Tia": "high",
        "Undated Uri": "low",
    }


def test_the_reasons_that_fired_are_given_with_numbers(council):
    risks = by_name(councillor_risks(council, AS_OF))
    assert risks["Serious Sam"].reasons == ["1 critical threat in the last 90 days, the latest on 1 April 2026"]
    assert risks["Busy Bea"].reasons == ["6 incidents in the last 12 months"]
    assert risks["Home Hana"].reasons == [
        "1 incident at their home or doorstep in the last 12 months, the latest on 30 June 2025"
    ]
    assert risks["Targeted Tia"].reasons == ["targeted by a repeat perpetrator whose threat is rising"]
    # Stu's perpetrator is a repeat one but not rising, and three incidents in a year are not several
    assert risks["Steady Stu"].reasons == ["3 incidents in the last 12 months, none in the last 90 days"]
    assert risks["Cabinet Cal"].reasons == ["a visible role (Cabinet member) and 3 incidents in the last 12 months"]
    assert risks["Just Outside Jo"].reasons == ["1 incident in the last 12 months, none in the last 90 days"]


def test_a_councillor_with_no_incidents_and_a_current_assessment_is_low_and_not_escalated(council):
    quinn = by_name(councillor_risks(council, AS_OF))["Quiet Quinn"]
    assert (quinn.suggested, quinn.incidents_12_months) == ("low", 0)
    assert quinn.reasons == ["no incidents in the last 12 months"]
    assert not quinn.needs_escalation and quinn.escalation_reasons == []
    assert not quinn.own_assessment_out_of_date
    assert quinn.sentence == (
        "Quiet Quinn: suggested low because of no incidents in the last 12 months; recorded low on 10 January 2026, "
        "so no escalation is needed."
    )


def test_the_windows_include_their_first_day_and_nothing_before(council):
    risks = by_name(councillor_risks(council, AS_OF))
    assert risks["Serious Sam"].suggested == "high"  # exactly 90 days before
    assert risks["Just Outside Jo"].suggested == "low"  # 91 days before
    assert (risks["Home Hana"].suggested, risks["Home Hana"].incidents_12_months) == ("high", 1)  # exactly 12 months
    assert (risks["Old Olly"].suggested, risks["Old Olly"].incidents_12_months) == ("low", 0)  # a day more


def test_an_assessment_exactly_12_months_old_is_current_and_a_day_older_is_not(council):
    risks = by_name(councillor_risks(council, AS_OF))
    assert not risks["Home Hana"].assessment_out_of_date and not risks["Home Hana"].needs_escalation
    assert risks["Old Olly"].assessment_out_of_date
    assert risks["Old Olly"].escalation_reasons == ["risk last assessed 29 June 2025, over 12 months ago"]


def test_the_escalation_list_is_exact_and_highest_suggested_first(council):
    escalated = escalations(council, AS_OF)
    assert [(risk.name, risk.escalation_reasons) for risk in escalated] == [
        ("Targeted Tia", ["suggested high, recorded medium"]),
        ("Serious Sam", ["suggested high, recorded medium"]),
        ("Cabinet Cal", ["suggested medium, recorded low"]),
        ("Never Nia", ["suggested low, no risk level recorded", "risk never assessed"]),
        ("Old Olly", ["risk last assessed 29 June 2025, over 12 months ago"]),
        ("Undated Uri", ["no date recorded for the risk assessment"]),
    ]
    assert escalated[1].sentence == (
        "Serious Sam needs escalating (suggested high, recorded medium): suggested high because of 1 critical "
        "threat in the last 90 days, the latest on 1 April 2026."
    )


def test_an_out_of_date_own_assessment_is_shown_but_does_not_escalate_on_its_own(council):
    bea = by_name(councillor_risks(council, AS_OF))["Busy Bea"]
    assert bea.own_assessment_out_of_date and not bea.needs_escalation


def test_the_lead_sentence_counts_each_reason_for_escalating(council):
    assert escalation_summary(risk_counts(council, AS_OF)) == (
        "6 councillors need escalating: 4 have a suggested risk above their recorded level (or none recorded) and "
        "3 have a risk assessment more than 12 months old or never done."
    )
    assert escalation_summary(RiskCounts(3, 0, 0, 0, [])).startswith("No councillor needs escalating")


def test_no_register_means_no_risks(con):
    load_incidents(con, [incident("2026-01-05", "Ann Abbot", "Abbey", "email", "verbal abuse")])
    assert councillor_risks(con, AS_OF) == [] and escalations(con, AS_OF) == []


def test_the_rules_are_written_from_the_constants():
    rules = rules_in_words()
    assert rules["high"][:2] == [
        "a critical threat in the last 90 days",
        "2 or more high or critical threats in the last 90 days",
    ]
    assert rules["medium"][1] == "6 or more incidents in the last 12 months"


# Threat triage in the incident_facts view, for incidents logged without a threat level.

TRIAGE = [
    ("death threat", "email", "critical"),
    ("physical assault", "in person", "critical"),
    ("verbal abuse; death threat", "email", "critical"),  # the most serious type decides
    ("threat of violence", "email", "high"),
    ("threat to property", "letter", "high"),
    ("damage to property", "other", "high"),
    ("stalking", "in person", "high"),
    ("sexual harassment", "social media", "high"),
    ("unwanted visit to home", "in person", "high"),
    ("verbal abuse", "at home / doorstep", "high"),  # anything at home
    ("harassment (repeated unwanted contact)", "email", "medium"),
    ("intimidation", "ward surgery", "medium"),
    ("hate incident", "social media", "medium"),
    ("personal information published", "social media", "medium"),
    ("verbal abuse", "email", "low"),
    ("misinformation or defamation", "social media", "low"),
    ("other", "phone", "low"),
]


def test_an_incident_without_a_threat_level_is_triaged_by_the_documented_rules(con):
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey")])
    rows = [
        incident("2026-01-05", "Ann Abbot", "Abbey", channel, types, incident_ref=f"T{index}")
        for index, (types, channel, _) in enumerate(TRIAGE)
    ]
    rows.append(incident("2026-01-06", "Ann Abbot", "Abbey", "email", "death threat", threat_level="low",
                         incident_ref="R1"))  # fmt: skip
    load_incidents(con, rows)
    triaged = {ref: (threat, derived) for ref, threat, derived in con.execute(
        "SELECT incident_ref, threat, threat_derived FROM incident_facts").fetchall()}  # fmt: skip
    assert triaged == {f"T{index}": (level, True) for index, (_, _, level) in enumerate(TRIAGE)} | {
        "R1": ("low", False)
    }


def test_the_register_counted_and_ordered_at_once_agrees_with_each_councillors_reasons(council):
    risks = councillor_risks(council, AS_OF)
    most_urgent_first = sorted(
        (risk for risk in risks if risk.needs_escalation),
        key=lambda risk: (-RISK_LEVELS.index(risk.suggested), -risk.incidents_12_months, risk.name),
    )
    assert escalations(council, AS_OF) == most_urgent_first
    counts = risk_counts(council, AS_OF)
    assert (counts.councillors, counts.escalations) == (len(risks), sum(risk.needs_escalation for risk in risks))
    assert counts.above_recorded == sum(risk.needs_escalation and risk.above_recorded for risk in risks)
    assert counts.out_of_date == sum(risk.needs_escalation and risk.assessment_out_of_date for risk in risks)
    assert counts.high_risk == sorted(
        risk.councillor_key for risk in risks if "high" in (risk.suggested, risk.recorded)
    )


def test_the_register_and_the_escalations_a_page_at_a_time(council):
    assert councillor_risks(council, AS_OF, most=3, skip=2) == councillor_risks(council, AS_OF)[2:5]
    assert escalations(council, AS_OF, most=2) == escalations(council, AS_OF)[:2]


def test_the_most_urgent_escalations_come_with_how_many_need_escalating_in_all(council, con):
    assert most_urgent(council, AS_OF, 2) == (escalations(council, AS_OF)[:2], 6)
    assert most_urgent(con, AS_OF, 2) == ([], 0)
