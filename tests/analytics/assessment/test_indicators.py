"""What the data says about each self-assessment statement, on a small hand-built council (as of 30 June 2026)."""

from datetime import date

import pytest

from analytics.assessment.indicators import contradictions, indicators
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

AS_OF = date(2026, 6, 30)


def build_council(con) -> None:
    load_wards(con, {"Abbey": 1, "Brook": 2})
    load_councillors(con, [
        councillor("Ann Abbot", "Abbey", own_assessment_on="2026-01-10", risk_level="high",
                   risk_assessed_on="2026-01-10", mitigations="Personal safety alarm"),
        councillor("Ben Brook", "Brook", own_assessment_on="2025-06-29", risk_level="medium",
                   risk_assessed_on="2026-01-10"),
        councillor("Cal Crane", "Brook", own_assessment_on="2025-06-30", risk_level="low",
                   risk_assessed_on="2026-01-10", mitigations="Other"),
        councillor("Dee Dale", "Abbey"),
    ])  # fmt: skip
    load_incidents(con, [
        incident("2026-05-01", "Ann Abbot", "Abbey", "email", "death threat", reported_on="2026-05-03",
                 incident_ref="A1"),
        incident("2026-05-10", "Ben Brook", "Brook", "email", "verbal abuse", threat_level="low",
                 reported_on="2026-05-20", incident_ref="B1"),
        incident("2026-06-01", "Cal Crane", "Brook", "letter", "death threat", threat_level="critical",
                 incident_ref="C1"),
        incident("2025-01-01", "Ann Abbot", "Abbey", "email", "death threat", reported_on="2025-01-02",
                 incident_ref="OLD"),
    ])  # fmt: skip
    key = con.execute("SELECT incident_key FROM incidents WHERE incident_ref = 'A1'").fetchall()[0][0]
    con.execute(
        "INSERT INTO incident_reviews VALUES ('R1', ?, '2026-05-20', ['safety champion'], '', '', '', now())", [key]
    )
    con.execute("INSERT INTO review_mitigations VALUES ('R1', 'personal safety alarm', 'effective')")
    con.execute("INSERT INTO review_mitigations VALUES ('R1', 'safety app', 'partly effective')")
    con.execute("INSERT INTO review_mitigations VALUES ('R1', 'cctv or video doorbell', 'not tried')")


@pytest.fixture
def council(built_by):
    return built_by(build_council)


def by_name(found):
    return {indicator.name: indicator for indicator in found}


def test_each_statement_has_its_known_figure(council):
    found = by_name(indicators(council, AS_OF))
    own = found["Own risk assessment in the last 12 months"]
    assert (own.numerator, own.denominator, own.rating) == (2, 4, "fair")  # Ann and Cal (exactly 12 months)
    mitigated = found["Mitigations recorded for identified risks"]
    assert (mitigated.numerator, mitigated.denominator, mitigated.rating) == (1, 2, "fair")
    delay = found["Days from incident to report"]
    assert (delay.value, delay.denominator) == (6.0, 2)  # median of 2 and 10 days; the old incident is outside
    assert delay.sentence.startswith("Incidents reached the council a median of 6 days")
    escalating = found["Councillors needing escalation now"]
    assert (escalating.numerator, escalating.denominator) == (2, 4)  # Cal (suggested above recorded) and Dee (never)
    supported = found["Individual support for high-risk councillors"]
    assert (supported.numerator, supported.denominator) == (1, 2)  # Ann (alarm); Cal is suggested high, only "other"
    reviewed = found["High and critical incidents reviewed"]
    assert (reviewed.numerator, reviewed.denominator, reviewed.value) == (1, 2, 50.0)
    effective = found["Reviewed mitigations rated effective"]
    assert (effective.numerator, effective.denominator, effective.rating) == (1, 2, "fair")


def test_a_comprehensive_score_beside_poor_data_is_named():
    from analytics.assessment.indicators import Indicator

    poor = Indicator("2.1.5", "High and critical incidents reviewed", 10.0, "%", 1, 10, "1 of 10 reviewed (10%).")
    good = Indicator("2.1.1", "Own risk assessment", 90.0, "%", 9, 10, "9 of 10 (90%).")
    said = contradictions({"2.1.5": 2, "2.1.1": 0}, [poor, good])
    assert said == [
        "Statement 2.1.5 is scored 2 (comprehensive), but the data says: 1 of 10 reviewed (10%).",
        "Statement 2.1.1 is scored 0 (not addressed), but the data says: 9 of 10 (90%).",
    ]
    assert contradictions({"2.1.5": 1, "2.1.1": 2}, [poor, good]) == []


def test_an_empty_database_says_what_is_missing(con):
    found = by_name(indicators(con, AS_OF))
    assert found["Own risk assessment in the last 12 months"].value is None
    assert found["Own risk assessment in the last 12 months"].sentence.startswith("No councillor register yet")
    assert found["Reviewed mitigations rated effective"].rating is None


def own(con, name: str, completed_on: str, level: str, risks: list[str], guided: list[str], asked: bool = False):
    """A councillor's own risk assessment as analytics.support.own_risk keeps it."""
    key = con.execute("SELECT councillor_key FROM councillors WHERE name = ?", [name]).fetchone()[0]
    con.execute(
        "INSERT INTO own_risk_assessments VALUES (?, ?, 'someone', ?, now(), '{}', 0, ?, [], ?, ?, '[]', ?, ?)",
        [f"A-{name}-{completed_on}", key, completed_on, level, risks, guided, completed_on,
         "R-1" if asked else None],
    )  # fmt: skip


def test_own_assessments_in_the_dashboard_count_beside_the_registers_dates(council):
    own(council, "Dee Dale", "2026-03-01", "medium", ["surgeries", "travel"], ["surgeries", "travel"])
    own(council, "Ann Abbot", "2026-02-01", "low", [], [])  # Ann has a register date too: counted once
    own(council, "Ben Brook", "2025-06-29", "low", ["travel"], [])  # before the 12 months: neither counted
    found = by_name(indicators(council, AS_OF))
    mine = found["Own risk assessment in the last 12 months"]
    assert (mine.numerator, mine.denominator) == (3, 4)  # Ann, Cal (register) and Dee (dashboard)


def test_guidance_given_counts_the_risks_found_in_the_last_12_months_own_assessments(council):
    found = by_name(indicators(council, AS_OF))
    assert found["Guidance given for risks found"].value is None
    assert found["Guidance given for risks found"].sentence == (
        "No councillor's own risk assessment of the last 12 months has found a risk."
    )
    own(council, "Dee Dale", "2026-03-01", "medium", ["surgeries", "travel", "targeted"], ["surgeries", "travel"])
    own(council, "Ben Brook", "2026-04-01", "low", ["travel"], ["travel"])
    own(council, "Ben Brook", "2025-06-29", "low", ["travel"], [])  # before the 12 months
    guided = by_name(indicators(council, AS_OF))["Guidance given for risks found"]
    assert (guided.statement, guided.numerator, guided.denominator, guided.rating) == ("2.1.2", 3, 4, "fair")
    assert guided.sentence == (
        "3 of 4 risks found in councillors' own risk assessments of the last 12 months were given guidance (75%)."
    )


def test_a_high_own_assessment_is_higher_risk_and_its_request_for_support_counts_as_support(council):
    own(council, "Dee Dale", "2026-03-01", "high", ["lone_working"], ["lone_working"], asked=True)
    own(council, "Ben Brook", "2026-04-01", "high", ["surgeries"], ["surgeries"])  # asked for nothing
    own(council, "Ben Brook", "2026-05-01", "medium", ["surgeries"], ["surgeries"])  # Ben's latest: medium
    supported = by_name(indicators(council, AS_OF))["Individual support for high-risk councillors"]
    assert (supported.numerator, supported.denominator) == (2, 3)  # Ann (alarm), Dee (asked); Cal not; Ben not high


def individual(con, name: str, assessed_on: str, level: str, offered: list[str]):
    """An officer's individual risk assessment as analytics.support.individual_risk keeps it."""
    key = con.execute("SELECT councillor_key FROM councillors WHERE name = ?", [name]).fetchone()[0]
    con.execute(
        "INSERT INTO individual_risk_assessments VALUES (?, ?, ?, ?, ?, [], NULL, ?, 'officer', now())",
        [f"IRA-{name}-{assessed_on}", key, assessed_on, level, offered, assessed_on],
    )


def test_an_individual_assessment_with_offers_of_the_last_12_months_counts_as_support(council):
    individual(council, "Cal Crane", "2025-06-29", "high", ["police liaison"])  # before the 12 months
    individual(council, "Dee Dale", "2026-02-01", "high", [])  # newer than the register: high, but offered nothing
    found = by_name(indicators(council, AS_OF))["Individual support for high-risk councillors"]
    assert (found.numerator, found.denominator) == (1, 3)  # Ann (alarm); Cal and Dee not
    individual(council, "Cal Crane", "2026-06-01", "high", ["home security assessment", "police liaison"])
    individual(council, "Ben Brook", "2026-06-02", "high", ["personal safety advice"])  # Ben now high, offered
    found = by_name(indicators(council, AS_OF))["Individual support for high-risk councillors"]
    assert (found.numerator, found.denominator) == (3, 4)  # Ann, Cal and Ben; Dee was offered nothing


def request(con, raised_at: str, threat: str, *, acknowledged_at: str | None = None, state: str = "new"):
    con.execute(
        """INSERT INTO requests (request_id, kind, councillor_key, raised_by, raised_at, threat, summary, state,
                                 acknowledged_at)
           VALUES (?, 'support request', 'someone', 'someone', ?, ?, 'A request.', ?, ?)""",
        [f"R-{raised_at}-{threat}", raised_at, threat, state, acknowledged_at],
    )


def test_the_time_to_acknowledge_is_the_median_of_the_last_12_months(council):
    found = by_name(indicators(council, AS_OF))["Median time to acknowledge reports and requests"]
    assert (found.statement, found.value) == ("2.1.3", None)
    assert found.sentence == "No report or request of the last 12 months has been acknowledged yet."
    request(council, "2026-06-26 10:00", "high", acknowledged_at="2026-06-26 15:00", state="acknowledged")
    request(council, "2026-05-01 09:00", "low", acknowledged_at="2026-05-02 09:00", state="closed")
    request(council, "2025-06-29 09:00", "low", acknowledged_at="2025-07-29 09:00", state="closed")  # too early
    request(council, "2026-06-29 09:00", "critical")  # not acknowledged yet
    found = by_name(indicators(council, AS_OF))["Median time to acknowledge reports and requests"]
    assert (found.value, found.unit, found.denominator) == (14.5, "hours", 2)
    assert found.sentence == (
        "Reports and requests of the last 12 months were acknowledged a median of 14.5 hours after they were raised "
        "(2 acknowledged)."
    )


def test_open_reports_and_requests_past_their_time_to_acknowledge_are_overdue(council):
    """As of Tuesday 30 June 2026: critical the same day, high the next working day, medium 3 working days, low 5."""
    found = by_name(indicators(council, AS_OF))["Open reports and requests overdue"]
    assert (found.value, found.sentence) == (None, "No report or request is open.")
    request(council, "2026-06-30 09:00", "critical")  # due today
    assert by_name(indicators(council, AS_OF))["Open reports and requests overdue"].sentence.startswith(
        "0 of 1 open report or request is past its time to acknowledge"
    )
    request(council, "2026-06-29 17:00", "critical")  # due yesterday: overdue
    request(council, "2026-06-26 10:00", "high")  # Friday: due Monday, overdue
    request(council, "2026-06-27 10:00", "high")  # Saturday: due Monday, overdue
    request(council, "2026-06-29 10:00", "high")  # Monday: due today
    request(council, "2026-06-26 10:00", "medium")  # due Wednesday 1 July
    request(council, "2026-06-22 10:00", "low")  # due Monday 29 June: overdue
    request(council, "2026-06-23 10:00", "low")  # due today
    request(council, "2026-06-01 10:00", "high", acknowledged_at="2026-06-01 11:00", state="in progress")
    request(council, "2026-06-01 10:00", "low", state="closed")  # closed unacknowledged: not open
    request(council, "2026-07-01 10:00", "critical")  # after the day asked about
    found = by_name(indicators(council, AS_OF))["Open reports and requests overdue"]
    assert (found.statement, found.value, found.numerator, found.denominator) == ("2.1.3", 4.0, 4, 9)
    assert found.sentence == (
        "4 of 9 open reports and requests are past their time to acknowledge (a critical threat the same day, "
        "high the next working day, medium within 3 working days, low within 5)."
    )
