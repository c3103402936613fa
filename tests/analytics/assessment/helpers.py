"""A small hand-built council with reviewable incidents, and a review of one, for the tests of reviews."""

from datetime import date

from analytics.assessment.reviews import record_review
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

# jdoe is behind INC-1, INC-3 and INC-5, so each is one level higher than its abuse alone:
# INC-1 medium, INC-3 high, INC-5 critical; INC-7 is recorded high; the rest are low.
LOG = [
    incident("2024-05-01", "Ann Abbot", "Abbey", "email", "verbal abuse", incident_ref="INC-1", perpetrator_ref="jdoe"),
    incident("2024-06-10", "Ann Abbot", "Abbey", "email", "verbal abuse", incident_ref="INC-2"),
    incident(
        "2024-06-11", "Bob Brook", "Brook", "in person", "intimidation", incident_ref="INC-3", perpetrator_ref="@jdoe"
    ),
    incident("2025-01-05", "Cat Cross", "Abbey", "email", "verbal abuse", incident_ref="INC-4"),
    incident(
        "2025-06-10",
        "Ann Abbot",
        "Abbey",
        "social media",
        "threat of violence",
        incident_ref="INC-5",
        perpetrator_ref="jdoe",
        description="@jdoe posted her address",
    ),
    incident("2025-06-10", "Ann Abbot", "Abbey", "email", "verbal abuse", incident_ref="INC-6"),
    incident("2025-07-01", "Ann Abbot", "Abbey", "email", "verbal abuse", incident_ref="INC-7", threat_level="high"),
    incident("2025-03-01", "Bob Brook", "Brook", "email", "verbal abuse", incident_ref="INC-8"),
]


def load_council(con) -> None:
    """Abbey has Ann (high risk, with mitigations) and Cat; Brook has Bob; the log is LOG."""
    load_wards(con, {"Abbey": 2, "Brook": 1})
    load_councillors(
        con,
        [
            councillor(
                "Ann Abbot",
                "Abbey",
                risk_level="high",
                risk_assessed_on="2025-01-15",
                mitigations="personal safety alarm; cctv or video doorbell",
            ),
            councillor("Bob Brook", "Brook"),
            councillor("Cat Cross", "Abbey"),
        ],
    )
    load_incidents(con, LOG)


def review(con, key="ref:INC-5", **changes):
    fields = {
        "reviewed_on": date(2025, 7, 15),
        "attendees": ["councillor", "monitoring officer", "police liaison"],
        "what_happened": "Threats on social media after a planning meeting",
        "what_worked": "Police responded the same day",
        "lessons": "Remove home addresses from the website",
        "mitigations": {"personal safety alarm": "effective", "cctv or video doorbell": "partly effective"},
        "actions": [],
    }
    fields.update(changes)
    return record_review(con, key, **fields)
