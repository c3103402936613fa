"""The weekly digest: what the safety team should look at this week, each alert one plain sentence with its figures.

Alerts are computed over the whole log as of a day, so a scheduled job (`python -m analytics alerts`) and the
dashboard give the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from analytics.incidents.filters import IncidentFilter
from analytics.incidents.perpetrators import listed_counts, repeat_perpetrators
from analytics.incidents.rises import Rise, unusual_rises
from analytics.incidents.risk import CouncillorRisk, escalations, most_urgent


@dataclass(frozen=True)
class Alert:
    kind: str  # "unusual rise", "repeat perpetrator", "escalation"
    concerns: str  # what it is about: a series such as "ward: Castle Hill", a perpetrator key, a councillor
    figures: dict  # the numbers behind the sentence, JSON-serialisable
    sentence: str


@dataclass(frozen=True)
class Digest:
    """The alerts a page shows: every unusual rise, and the first few of each kind about people, with how many of
    those kinds there are in all (a national log lists tens of thousands of people)."""

    alerts: list[Alert]
    people: int  # repeat perpetrators listed in all
    escalations: int  # councillors needing escalation in all


def current_alerts(con: duckdb.DuckDBPyConnection, as_of: date) -> list[Alert]:
    """Every alert as of `as_of`, one kind after another, each kind in its own order of importance."""
    return [
        *_rise_alerts(con, as_of),
        *_repeat_alerts(con, as_of),
        *_escalation_alerts(escalations(con, as_of)),
    ]


def digest(con: duckdb.DuckDBPyConnection, as_of: date, most: int) -> Digest:
    """The alerts as of `as_of` with at most `most` of each kind about people, the most important first."""
    first_escalations, escalations_in_all = most_urgent(con, as_of, most)
    return Digest(
        [*_rise_alerts(con, as_of), *_repeat_alerts(con, as_of, most), *_escalation_alerts(first_escalations)],
        listed_counts(con, IncidentFilter(), as_of).people,
        escalations_in_all,
    )


def _rise_alerts(con: duckdb.DuckDBPyConnection, as_of: date) -> list[Alert]:
    """Unusual monthly and quarterly rises over the whole log."""
    return [
        Alert("unusual rise", _concerns(rise), _figures(rise), rise.sentence)
        for rise in unusual_rises(con, IncidentFilter(), as_of)
    ]


def _concerns(rise: Rise) -> str:
    return rise.value if rise.dimension == "all" else f"{rise.dimension}: {rise.value}"


def _figures(rise: Rise) -> dict:
    return {
        "period": rise.period,
        "period_label": rise.period_label,
        "count": rise.count,
        "baseline": round(rise.baseline, 2),
        "baseline_periods": rise.baseline_periods,
        "p_value": float(f"{rise.p_value:.3g}"),
    }


def _repeat_alerts(con: duckdb.DuckDBPyConnection, as_of: date, most: int | None = None) -> list[Alert]:
    """People linked to several incidents, several councillors or a rising threat: referral candidates."""
    return [
        Alert(
            "repeat perpetrator",
            person.perpetrator_key,
            {
                "incidents": person.incidents,
                "councillors": person.councillors,
                "first_seen": person.first_seen.isoformat(),
                "last_seen": person.last_seen.isoformat(),
                "highest_threat": person.highest_threat,
                "threat_rising": person.threat_rising,
                "reported_to_police": person.reported_to_police,
            },
            person.sentence,
        )
        for person in repeat_perpetrators(con, IncidentFilter(), as_of, most=most)
    ]


def _escalation_alerts(escalated: list[CouncillorRisk]) -> list[Alert]:
    """Councillors whose suggested risk is above the recorded one, or whose assessment is out of date."""
    return [
        Alert(
            "escalation",
            risk.name,
            {
                "ward": risk.ward,
                "suggested": risk.suggested,
                "recorded": risk.recorded,
                "assessed_on": risk.assessed_on.isoformat() if risk.assessed_on else None,
                "incidents_12_months": risk.incidents_12_months,
                "reasons": risk.escalation_reasons,
            },
            risk.sentence,
        )
        for risk in escalated
    ]
