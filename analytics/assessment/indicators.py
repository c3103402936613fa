"""What the council's own data says about each statement of the toolkit's section 2, beside the score it gives itself.

Each indicator is worked out as of a day, over the 12 months before it where it counts events:
1. Councillors who have done their own risk assessment in the last 12 months, of all councillors in the register:
   the register's imported date (own_assessment_on) or one completed in the dashboard (own_risk_assessments, kept
   by analytics.support.own_risk), counted once however many.
2. Councillors with an identified risk (recorded risk level medium or high) who have mitigations recorded; and of
   the risks found in councillors' own assessments of the last 12 months, those given guidance from the library.
3. How quickly incidents reach the council: the median days from an incident to its report (incidents of the last
   12 months with both dates), and how many councillors need escalating now (analytics.incidents.risk); how quickly
   officers acknowledge the reports and requests councillors raise (the `requests` table): the median hours from
   raised to acknowledged over those raised in the last 12 months, and how many open ones are overdue, not yet
   acknowledged by their threat level's day (analytics/acknowledgement.py: the council's targets in working days).
4. Councillors at high risk (recorded high, in the register or in a newer individual risk assessment; suggested high
   by analytics.incidents.risk; or high in their latest own assessment of the last 12 months) who have individual
   support in place: a mitigation other than "other" recorded, a request for an officer's support made from a high
   own assessment of the last 12 months, or an officer's individual risk assessment of the last 12 months that
   offered something (analytics.support.individual_risk).
5. High and critical incidents of the last 12 months with a post-incident review recorded; and, of the
   mitigations rated in reviews of the last 12 months' incidents, the share rated effective
   (analytics.assessment.reviews.review_coverage).

A share is rated good from GOOD_SHARE (80%), poor below POOR_SHARE (50%), fair between. A score of 2
(comprehensive) beside a poor indicator, or 0 (not addressed) beside a good one, is a contradiction the page names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from analytics.acknowledgement import acknowledgement_targets, past_due
from analytics.assessment.reviews import review_coverage
from analytics.incidents.risk import RiskCounts, risk_counts
from analytics.months import months_before

GOOD_SHARE = 80.0
POOR_SHARE = 50.0
LOOKBACK_MONTHS = 12


@dataclass(frozen=True)
class Indicator:
    statement: str  # the statement of section 2 it informs, as the framework file numbers it ("2.1.1" to "2.1.5")
    name: str
    value: float | None  # a percentage, or days, or a count (see unit); None when there is nothing to count
    unit: str  # "%", "days", "hours", "councillors" or "requests"
    numerator: int | None
    denominator: int | None
    sentence: str

    @property
    def rating(self) -> str | None:
        """good, fair or poor for a share; None for anything else or when there is nothing to count."""
        if self.unit != "%" or self.value is None:
            return None
        return "good" if self.value >= GOOD_SHARE else "poor" if self.value < POOR_SHARE else "fair"


def _share(statement: str, name: str, part: int, whole: int, describe: str, none: str) -> Indicator:
    if not whole:
        return Indicator(statement, name, None, "%", 0, 0, none)
    value = 100 * part / whole
    return Indicator(statement, name, value, "%", part, whole, f"{part} of {whole} {describe} ({value:.0f}%).")


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, parameters: list) -> tuple:
    return con.execute(sql, parameters).fetchall()[0]


def own_assessments(con: duckdb.DuckDBPyConnection, as_of: date) -> Indicator:
    since = months_before(as_of, LOOKBACK_MONTHS)
    done, everyone = _scalar(
        con,
        """SELECT count(*) FILTER (WHERE own_assessment_on BETWEEN $since AND $as_of OR councillor_key IN (
                   SELECT councillor_key FROM own_risk_assessments WHERE completed_on BETWEEN $since AND $as_of)),
                  count(*)
           FROM councillors""",
        {"since": since, "as_of": as_of},
    )
    return _share(
        "2.1.1", "Own risk assessment in the last 12 months", done, everyone,
        "councillors have done their own risk assessment in the last 12 months",
        "No councillor register yet: import it to see who has done their own risk assessment.",
    )  # fmt: skip


def mitigated_risks(con: duckdb.DuckDBPyConnection) -> Indicator:
    mitigated, at_risk = _scalar(
        con,
        """SELECT count(*) FILTER (WHERE len(mitigations) > 0), count(*)
           FROM councillors WHERE risk_level IN ('medium', 'high')""",
        [],
    )
    return _share(
        "2.1.2", "Mitigations recorded for identified risks", mitigated, at_risk,
        "councillors with a medium or high recorded risk have mitigations recorded",
        "No councillor has a medium or high recorded risk.",
    )  # fmt: skip


def guidance_given(con: duckdb.DuckDBPyConnection, as_of: date) -> Indicator:
    guided, found = _scalar(
        con,
        """SELECT coalesce(sum(len(guided)), 0), coalesce(sum(len(risks)), 0) FROM own_risk_assessments
           WHERE completed_on BETWEEN ? AND ?""",
        [months_before(as_of, LOOKBACK_MONTHS), as_of],
    )
    return _share(
        "2.1.2", "Guidance given for risks found", int(guided), int(found),
        "risks found in councillors' own risk assessments of the last 12 months were given guidance",
        "No councillor's own risk assessment of the last 12 months has found a risk.",
    )  # fmt: skip


def reporting_delay(con: duckdb.DuckDBPyConnection, as_of: date) -> Indicator:
    since = months_before(as_of, LOOKBACK_MONTHS)
    median, counted = _scalar(
        con,
        """SELECT median(reported_on - occurred_on), count(*) FROM incidents
           WHERE reported_on IS NOT NULL AND occurred_on BETWEEN ? AND ?""",
        [since, as_of],
    )
    if not counted:
        return Indicator("2.1.3", "Days from incident to report", None, "days", 0, 0,
                         "No incident of the last 12 months has a date reported.")  # fmt: skip
    return Indicator(
        "2.1.3", "Days from incident to report", float(median), "days", None, counted,
        f"Incidents reached the council a median of {float(median):.0f} "
        f"{'day' if float(median) == 1 else 'days'} after they happened "
        f"({counted} incidents of the last 12 months with both dates).",
    )  # fmt: skip


def escalations_needed(counts: RiskCounts) -> Indicator:
    needed, everyone = counts.escalations, counts.councillors
    return Indicator(
        "2.1.3", "Councillors needing escalation now", float(needed), "councillors", needed, everyone,
        f"{needed} of {everyone} councillors need their risk escalating or reassessing now.",
    )  # fmt: skip


def supported_high_risk(con: duckdb.DuckDBPyConnection, counts: RiskCounts, as_of: date) -> Indicator:
    supported, high = _scalar(
        con,
        """WITH own AS (
               SELECT councillor_key, arg_max(level, completed_at) = 'high' AS latest_high,
                      bool_or(level = 'high' AND request_id IS NOT NULL) AS asked
               FROM own_risk_assessments WHERE completed_on BETWEEN $since AND $as_of GROUP BY councillor_key),
           offered AS (
               SELECT DISTINCT councillor_key FROM individual_risk_assessments
               WHERE assessed_on BETWEEN $since AND $as_of AND len(offered) > 0),
           high AS (
               SELECT c.councillor_key, len(list_filter(c.mitigations, lambda m: m <> 'other')) > 0 AS mitigated,
                      coalesce(own.asked, false) AS asked, offered.councillor_key IS NOT NULL AS offered
               FROM councillors c LEFT JOIN own USING (councillor_key) LEFT JOIN offered USING (councillor_key)
               WHERE list_contains($high, c.councillor_key) OR own.latest_high)
           SELECT count(*) FILTER (WHERE mitigated OR asked OR offered), count(*) FROM high""",
        {"since": months_before(as_of, LOOKBACK_MONTHS), "as_of": as_of, "high": counts.high_risk},
    )
    return _share(
        "2.1.4", "Individual support for high-risk councillors", supported, high,
        "councillors at high risk (recorded, suggested or in their own assessment) have individual support recorded",
        "No councillor is at high risk, recorded, suggested or in their own assessment.",
    )  # fmt: skip


def time_to_acknowledge(con: duckdb.DuckDBPyConnection, as_of: date) -> Indicator:
    median, acknowledged = _scalar(
        con,
        """SELECT median(epoch(acknowledged_at - raised_at)) / 3600, count(*) FROM requests
           WHERE acknowledged_at IS NOT NULL AND raised_at::DATE BETWEEN ? AND ?""",
        [months_before(as_of, LOOKBACK_MONTHS), as_of],
    )
    name = "Median time to acknowledge reports and requests"
    if not acknowledged:
        return Indicator("2.1.3", name, None, "hours", 0, 0,
                         "No report or request of the last 12 months has been acknowledged yet.")  # fmt: skip
    hours = round(float(median), 1)
    return Indicator(
        "2.1.3", name, hours, "hours", None, acknowledged,
        f"Reports and requests of the last 12 months were acknowledged a median of {hours:g} "
        f"{'hour' if hours == 1 else 'hours'} after they were raised ({acknowledged} acknowledged).",
    )  # fmt: skip


def overdue_requests(con: duckdb.DuckDBPyConnection, as_of: date) -> Indicator:
    waiting = con.execute(
        """SELECT raised_at, threat, acknowledged_at IS NULL FROM requests
           WHERE state <> 'closed' AND raised_at::DATE <= ?""",
        [as_of],
    ).fetchall()
    name = "Open reports and requests overdue"
    if not waiting:
        return Indicator("2.1.3", name, None, "requests", 0, 0, "No report or request is open.")
    targets = acknowledgement_targets(con)
    overdue = sum(unacknowledged and past_due(raised_at.date(), threat, targets, as_of)
                  for raised_at, threat, unacknowledged in waiting)  # fmt: skip
    return Indicator(
        "2.1.3", name, float(overdue), "requests", overdue, len(waiting),
        f"{overdue} of {len(waiting)} open "
        + ("report or request is past its" if len(waiting) == 1 else "reports and requests are past their")
        + " time to acknowledge (a critical threat the same day, high the next working day, medium within 3 working "
        "days, low within 5).",
    )  # fmt: skip


def review_indicators(con: duckdb.DuckDBPyConnection, as_of: date) -> list[Indicator]:
    """Statement 5's two indicators, from one count of the last 12 months' reviews."""
    coverage = review_coverage(con, months_before(as_of, LOOKBACK_MONTHS), as_of)
    return [
        _share(
            "2.1.5", "High and critical incidents reviewed", coverage["reviewed"], coverage["high_or_critical"],
            "high or critical incidents of the last 12 months have a post-incident review",
            "No high or critical incident in the last 12 months.",
        ),
        _share(
            "2.1.5", "Reviewed mitigations rated effective", coverage["rated_effective"],
            coverage["mitigations_rated"],
            "mitigations rated in reviews of the last 12 months' incidents were rated effective",
            "No post-incident review of the last 12 months' incidents has rated a mitigation yet.",
        ),
    ]  # fmt: skip


def records_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever a councillor keeps an own risk assessment or asks for support from one, an officer records an
    individual risk assessment, or a report or request is raised, acknowledged or closed: with the imports' data
    version, the key of the indicators a page keeps between runs."""
    return str(
        con.execute(
            """SELECT (SELECT count(*) FROM own_risk_assessments), (SELECT count(request_id) FROM own_risk_assessments),
                      (SELECT count(*) FROM individual_risk_assessments),
                      (SELECT (count(*), count(acknowledged_at), count(*) FILTER (WHERE state = 'closed'))
                       FROM requests)"""
        ).fetchone()
    )


def indicators(con: duckdb.DuckDBPyConnection, as_of: date) -> list[Indicator]:
    """Every indicator, in statement order."""
    counts = risk_counts(con, as_of)
    return [
        own_assessments(con, as_of),
        mitigated_risks(con),
        guidance_given(con, as_of),
        reporting_delay(con, as_of),
        escalations_needed(counts),
        time_to_acknowledge(con, as_of),
        overdue_requests(con, as_of),
        supported_high_risk(con, counts, as_of),
        *review_indicators(con, as_of),
    ]


def contradictions(scores: dict[str, int], found: list[Indicator]) -> list[str]:
    """Sentences where a statement's score and its data disagree: 2 beside a poor share, 0 beside a good one."""
    said = []
    for indicator in found:
        score = scores.get(indicator.statement)
        if score == 2 and indicator.rating == "poor":
            said.append(
                f"Statement {indicator.statement} is scored 2 (comprehensive), but the data says: {indicator.sentence}"
            )
        elif score == 0 and indicator.rating == "good":
            said.append(
                f"Statement {indicator.statement} is scored 0 (not addressed), but the data says: {indicator.sentence}"
            )
    return said
