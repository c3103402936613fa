"""Escalation and risk: a suggested risk level for every councillor in the register, beside the council's own.

The toolkit asks for dynamic as well as periodic risk assessment, with clear escalation when risk rises. The
suggested level is a prompt to review a councillor's risk assessment, not an assessment: it reads only the
incident log, so it cannot see personal circumstances, and the council's recorded level stays the one in force.

The windows end on as_of and include it. "The last 90 days" (RECENT_DAYS) starts 90 days before as_of; "the last
12 months" (LOOKBACK_MONTHS) starts on the same day a year before. An incident on either first day counts.

The suggested level is the highest level whose rule fires (RULES):
- high: a critical threat, or SEVERAL_SERIOUS (2) or more high or critical threats, in the last 90 days; or an
  unwanted visit to home, or any incident at the councillor's home or doorstep, in the last 12 months; or targeted
  in the last 12 months by a repeat perpetrator (REPEAT_INCIDENTS or more incidents) whose threat is rising, as
  analytics.incidents.perpetrators decides;
- medium: a high threat in the last 90 days; or SEVERAL_INCIDENTS (6) or more incidents in the last 12 months; or
  a visible role (one naming a word in VISIBLE_ROLE_WORDS: leader, deputy leader, cabinet member, mayor, committee
  chair) and VISIBLE_ROLE_INCIDENTS (3) or more incidents in the last 12 months;
- low: otherwise.
Threat levels are the recorded ones, or those worked out by the triage rules where none was recorded.

The recorded level and its date are the register's, or those of the councillor's latest individual risk assessment
recorded by an officer (analytics.support.individual_risk) up to as_of when it is newer.

A councillor needs escalating when the suggested level is above the recorded one (no recorded level counts as below
low), or the council's risk assessment is out of date: never done (or undated), or done more than
ASSESSMENT_VALID_MONTHS (12) months before as_of (exactly 12 months is still current). The councillor's own risk
assessment is out of date by the same test; it is shown as a prompt to the councillor but does not call for
escalation on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from analytics.incidents.facts import REPEAT_INCIDENTS
from analytics.incidents.perpetrators import counted, rising_repeat_perpetrators
from analytics.ingest.dates import display
from analytics.ingest.vocabulary import RISK_LEVELS, SERIOUS_THREATS
from analytics.months import months_before
from analytics.text import cut

RECENT_DAYS = 90
LOOKBACK_MONTHS = 12
ASSESSMENT_VALID_MONTHS = 12
HOME_CHANNEL = "at home / doorstep"
HOME_ABUSE_TYPE = "unwanted visit to home"
SEVERAL_INCIDENTS = 6  # in the last 12 months
SEVERAL_SERIOUS = 2  # high or critical threats in the last 90 days
VISIBLE_ROLE_INCIDENTS = 3  # in the last 12 months, for a councillor in a visible role
VISIBLE_ROLE_WORDS = ("leader", "cabinet", "mayor", "chair")  # matched anywhere in the role, any case


@dataclass(frozen=True)
class CouncillorRisk:
    councillor_key: str
    name: str
    ward: str
    role: str | None
    suggested: str
    recorded: str | None
    assessed_on: date | None
    own_assessment_on: date | None
    incidents_12_months: int
    reasons: list[str]
    above_recorded: bool
    assessment_out_of_date: bool
    own_assessment_out_of_date: bool
    needs_escalation: bool
    escalation_reasons: list[str]
    sentence: str


@dataclass(frozen=True)
class Rule:
    level: str
    description: str  # shown under "How the suggested level is worked out"
    reason: Callable[[dict], str | None]  # why it fired for one councillor's exposure, or None
    fires: str  # the same test in SQL over the exposure's columns, to count and order every councillor at once


def _critical_recently(exposure: dict) -> str | None:
    if exposure["critical_recent"]:
        return (
            f"{counted(exposure['critical_recent'], 'critical threat')} in the last {RECENT_DAYS} days, "
            f"the latest on {display(exposure['last_critical'])}"
        )
    return None


def _serious_recently(exposure: dict) -> str | None:
    if exposure["serious_recent"] >= SEVERAL_SERIOUS:
        return (
            f"{counted(exposure['serious_recent'], 'high or critical threat')} in the last {RECENT_DAYS} days, "
            f"the latest on {display(exposure['last_serious'])}"
        )
    return None


def _at_home(exposure: dict) -> str | None:
    if exposure["at_home"]:
        return (
            f"{counted(exposure['at_home'], 'incident')} at their home or doorstep in the last "
            f"{LOOKBACK_MONTHS} months, the latest on {display(exposure['last_at_home'])}"
        )
    return None


def _rising_perpetrator(exposure: dict) -> str | None:
    """Not named here: a reason is read by roles that may not see who a perpetrator is (they are listed, as each
    role may see them, under Repeat perpetrators)."""
    people = len(exposure["rising_perpetrators"])
    if people == 1:
        return "targeted by a repeat perpetrator whose threat is rising"
    if people:
        return f"targeted by {people} repeat perpetrators whose threat is rising"
    return None


def _one_serious_recently(exposure: dict) -> str | None:
    if exposure["serious_recent"] == 1 and not exposure["critical_recent"]:
        return f"a high threat in the last {RECENT_DAYS} days, on {display(exposure['last_serious'])}"
    return None


def _several(exposure: dict) -> str | None:
    if exposure["incidents_12_months"] >= SEVERAL_INCIDENTS:
        return f"{exposure['incidents_12_months']} incidents in the last {LOOKBACK_MONTHS} months"
    return None


def _visible(exposure: dict) -> str | None:
    if exposure["visible_role"] and exposure["incidents_12_months"] >= VISIBLE_ROLE_INCIDENTS:
        return (
            f"a visible role ({exposure['role']}) and {exposure['incidents_12_months']} incidents "
            f"in the last {LOOKBACK_MONTHS} months"
        )
    return None


RULES = (
    Rule("high", f"a critical threat in the last {RECENT_DAYS} days", _critical_recently, "critical_recent > 0"),
    Rule(
        "high",
        f"{SEVERAL_SERIOUS} or more {' or '.join(SERIOUS_THREATS)} threats in the last {RECENT_DAYS} days",
        _serious_recently,
        f"serious_recent >= {SEVERAL_SERIOUS}",
    ),
    Rule(
        "high",
        f"an incident at their home or doorstep, or an {HOME_ABUSE_TYPE}, in the last {LOOKBACK_MONTHS} months",
        _at_home,
        "at_home > 0",
    ),
    Rule(
        "high",
        f"targeted in the last {LOOKBACK_MONTHS} months by someone linked to {REPEAT_INCIDENTS} or more incidents "
        "whose threat is rising (see who is listed under People linked to several incidents)",
        _rising_perpetrator,
        "len(rising_perpetrators) > 0",
    ),
    Rule(
        "medium",
        f"a high threat in the last {RECENT_DAYS} days",
        _one_serious_recently,
        "serious_recent = 1 AND critical_recent = 0",
    ),
    Rule(
        "medium",
        f"{SEVERAL_INCIDENTS} or more incidents in the last {LOOKBACK_MONTHS} months",
        _several,
        f"incidents_12_months >= {SEVERAL_INCIDENTS}",
    ),
    Rule(
        "medium",
        f"a visible role (one naming {', '.join(VISIBLE_ROLE_WORDS)}) and {VISIBLE_ROLE_INCIDENTS} or more "
        f"incidents in the last {LOOKBACK_MONTHS} months",
        _visible,
        f"visible_role AND incidents_12_months >= {VISIBLE_ROLE_INCIDENTS}",
    ),
)


def rules_in_words() -> dict[str, list[str]]:
    """The rules as the page explains them, from this module's constants."""
    explained = {level: [rule.description for rule in RULES if rule.level == level] for level in ("high", "medium")}
    explained["low"] = ["none of the above"]
    explained["escalation"] = [
        "the suggested level is above the recorded one (no recorded level counts as below low)",
        "or the council's risk assessment was never done, is undated, or is more than "
        f"{ASSESSMENT_VALID_MONTHS} months old",
    ]
    return explained


def _fired(level: str) -> str:
    """SQL true when any rule of `level` fires."""
    return "(" + " OR ".join(f"({rule.fires})" for rule in RULES if rule.level == level) + ")"


_EXPOSURE = f"""
WITH lookback AS (
    SELECT councillor_key, occurred_on, threat, channel, abuse_types, perpetrator_key
    FROM incident_facts
    WHERE occurred_on BETWEEN $lookback_from AND $as_of
),
exposure AS (
    SELECT councillor_key,
           count(*) AS incidents_12_months,
           count(*) FILTER (WHERE occurred_on >= $recent_from) AS incidents_recent,
           count(*) FILTER (WHERE occurred_on >= $recent_from AND is_serious(threat)) AS serious_recent,
           count(*) FILTER (WHERE occurred_on >= $recent_from AND threat = 'critical') AS critical_recent,
           max(occurred_on) FILTER (WHERE occurred_on >= $recent_from AND threat = 'critical') AS last_critical,
           max(occurred_on) FILTER (WHERE occurred_on >= $recent_from AND is_serious(threat))
               AS last_serious,
           count(*) FILTER (WHERE channel = '{HOME_CHANNEL}' OR list_contains(abuse_types, '{HOME_ABUSE_TYPE}'))
               AS at_home,
           max(occurred_on) FILTER (WHERE channel = '{HOME_CHANNEL}'
                                    OR list_contains(abuse_types, '{HOME_ABUSE_TYPE}')) AS last_at_home,
           list(DISTINCT perpetrator_key ORDER BY perpetrator_key)
               FILTER (WHERE perpetrator_key IN (SELECT unnest(CAST($rising AS VARCHAR[])))) AS rising_perpetrators
    FROM lookback
    GROUP BY councillor_key
),
individual AS (  -- each councillor's latest individual risk assessment up to as_of (analytics.support)
    SELECT councillor_key, level AS individual_level, assessed_on AS individual_on
    FROM individual_risk_assessments
    WHERE assessed_on <= $as_of
    QUALIFY row_number() OVER (PARTITION BY councillor_key ORDER BY assessed_on DESC, recorded_at DESC) = 1
),
recorded AS (  -- the recorded level in force: the register's, or a newer individual assessment's
    SELECT councillors.* REPLACE (
               CASE WHEN individual_on > coalesce(risk_assessed_on, DATE '0001-01-01') THEN individual_level
                    ELSE risk_level END AS risk_level,
               greatest(risk_assessed_on, individual_on) AS risk_assessed_on)
    FROM councillors LEFT JOIN individual USING (councillor_key)
),
everyone AS (
    SELECT councillor_key, name, ward, role, risk_level, risk_assessed_on, own_assessment_on,
           coalesce(incidents_12_months, 0) AS incidents_12_months,
           coalesce(incidents_recent, 0) AS incidents_recent,
           coalesce(serious_recent, 0) AS serious_recent, last_serious,
           coalesce(critical_recent, 0) AS critical_recent, last_critical,
           coalesce(at_home, 0) AS at_home, last_at_home,
           coalesce(rising_perpetrators, []) AS rising_perpetrators,
           coalesce(regexp_matches(lower(role), $visible), false) AS visible_role
    FROM recorded LEFT JOIN exposure USING (councillor_key)
),
suggested AS (
    SELECT *, CASE WHEN {_fired("high")} THEN 'high' WHEN {_fired("medium")} THEN 'medium' ELSE 'low' END AS level
    FROM everyone
),
judged AS (
    SELECT *,
           risk_level IS NULL OR list_position({list(RISK_LEVELS)!r}, level)
                                 > list_position({list(RISK_LEVELS)!r}, risk_level) AS above_recorded,
           risk_assessed_on IS NULL OR risk_assessed_on < $valid_from AS out_of_date
    FROM suggested
)
SELECT * FROM judged
"""


_BY_NAME = "name, councillor_key"
_MOST_URGENT = f"list_position({list(RISK_LEVELS)!r}, level) DESC, incidents_12_months DESC, name, councillor_key"
_ESCALATED = "above_recorded OR out_of_date"


def councillor_risks(
    con: duckdb.DuckDBPyConnection, as_of: date, *, most: int | None = None, skip: int = 0
) -> list[CouncillorRisk]:
    """Everyone in the councillor register, by name, with their suggested level and whether to escalate: the `most`
    from the `skip`-th on, when given."""
    return [_assess(row, as_of) for row in _exposures(con, as_of, "TRUE", _BY_NAME, most, skip)]


def escalations(
    con: duckdb.DuckDBPyConnection, as_of: date, *, most: int | None = None, skip: int = 0
) -> list[CouncillorRisk]:
    """Those needing escalation: highest suggested level first, then most incidents in the last 12 months."""
    return [_assess(row, as_of) for row in _exposures(con, as_of, _ESCALATED, _MOST_URGENT, most, skip)]


def most_urgent(con: duckdb.DuckDBPyConnection, as_of: date, most: int) -> tuple[list[CouncillorRisk], int]:
    """The first `most` escalations, and how many councillors need escalating in all, from one pass over the log."""
    rows = _exposures(con, as_of, _ESCALATED, _MOST_URGENT, most, 0)
    return [_assess(row, as_of) for row in rows], rows[0]["picked"] if rows else 0


@dataclass(frozen=True)
class RiskCounts:
    """The register in figures: councillors, those needing escalation and why, and who is at high risk."""

    councillors: int
    escalations: int
    above_recorded: int
    out_of_date: int
    high_risk: list[str]  # the keys of councillors at high risk, recorded or suggested


def risk_counts(con: duckdb.DuckDBPyConnection, as_of: date) -> RiskCounts:
    sql = f"""SELECT count(*), count(*) FILTER (WHERE {_ESCALATED}),
                     count(*) FILTER (WHERE above_recorded AND ({_ESCALATED})),
                     count(*) FILTER (WHERE out_of_date AND ({_ESCALATED})),
                     coalesce(list(councillor_key ORDER BY councillor_key)
                              FILTER (WHERE 'high' IN (level, risk_level)), [])
              FROM ({_EXPOSURE})"""
    return RiskCounts(*con.execute(sql, _parameters(con, as_of)).fetchall()[0])


def _parameters(con: duckdb.DuckDBPyConnection, as_of: date) -> dict:
    return {
        "as_of": as_of,
        "lookback_from": months_before(as_of, LOOKBACK_MONTHS),
        "recent_from": as_of - timedelta(days=RECENT_DAYS),
        "valid_from": months_before(as_of, ASSESSMENT_VALID_MONTHS),
        "rising": rising_repeat_perpetrators(con, as_of),
        "visible": "|".join(VISIBLE_ROLE_WORDS),
    }


def _exposures(
    con: duckdb.DuckDBPyConnection, as_of: date, where: str, order: str, most: int | None, skip: int
) -> list[dict]:
    """The exposure of each councillor the SQL condition picks, in `order`, the `most` from the `skip`-th on, each
    with how many the condition picks in all (`picked`)."""
    parameters = _parameters(con, as_of) | {"most": most, "skip": skip}
    sql = f"SELECT *, count(*) OVER () AS picked FROM ({_EXPOSURE}) WHERE {where} ORDER BY {order}"
    cursor = con.execute(f"{sql} LIMIT $most OFFSET $skip", parameters)
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _assess(exposure: dict, as_of: date) -> CouncillorRisk:
    fired = [(rule.level, reason) for rule in RULES if (reason := rule.reason(exposure))]
    suggested = max((level for level, _ in fired), key=RISK_LEVELS.index, default="low")
    reasons = [reason for _, reason in fired] or [_quiet(exposure)]
    recorded, assessed_on = exposure["risk_level"], exposure["risk_assessed_on"]
    valid_from = months_before(as_of, ASSESSMENT_VALID_MONTHS)
    above_recorded = recorded is None or RISK_LEVELS.index(suggested) > RISK_LEVELS.index(recorded)
    out_of_date = assessed_on is None or assessed_on < valid_from
    escalation_reasons = _escalation_reasons(suggested, recorded, assessed_on, above_recorded, out_of_date)
    return CouncillorRisk(
        councillor_key=exposure["councillor_key"],
        name=exposure["name"],
        ward=exposure["ward"],
        role=exposure["role"],
        suggested=suggested,
        recorded=recorded,
        assessed_on=assessed_on,
        own_assessment_on=exposure["own_assessment_on"],
        incidents_12_months=exposure["incidents_12_months"],
        reasons=reasons,
        above_recorded=above_recorded,
        assessment_out_of_date=out_of_date,
        own_assessment_out_of_date=exposure["own_assessment_on"] is None or exposure["own_assessment_on"] < valid_from,
        needs_escalation=bool(escalation_reasons),
        escalation_reasons=escalation_reasons,
        sentence=_sentence(exposure["name"], suggested, reasons, recorded, assessed_on, escalation_reasons),
    )


def _quiet(exposure: dict) -> str:
    if exposure["incidents_12_months"]:
        return (
            f"{counted(exposure['incidents_12_months'], 'incident')} in the last {LOOKBACK_MONTHS} months, "
            f"none in the last {RECENT_DAYS} days"
        )
    return f"no incidents in the last {LOOKBACK_MONTHS} months"


def _escalation_reasons(
    suggested: str, recorded: str | None, assessed_on: date | None, above_recorded: bool, out_of_date: bool
) -> list[str]:
    reasons = []
    if above_recorded:
        reasons.append(f"suggested {suggested}, " + (f"recorded {recorded}" if recorded else "no risk level recorded"))
    if assessed_on and out_of_date:
        reasons.append(f"risk last assessed {display(assessed_on)}, over {ASSESSMENT_VALID_MONTHS} months ago")
    elif out_of_date:
        reasons.append("no date recorded for the risk assessment" if recorded else "risk never assessed")
    return reasons


def _sentence(
    name: str,
    suggested: str,
    reasons: list[str],
    recorded: str | None,
    assessed_on: date | None,
    escalation_reasons: list[str],
) -> str:
    why = f"suggested {suggested} because of {'; '.join(reasons)}"
    name = cut(name)
    if escalation_reasons:
        return f"{name} needs escalating ({'; '.join(escalation_reasons)}): {why}."
    return f"{name}: {why}; recorded {recorded} on {display(assessed_on)}, so no escalation is needed."


def escalation_summary(counts: RiskCounts) -> str:
    """The one sentence that leads the page: how many need escalating, and why."""
    if not counts.escalations:
        return (
            "No councillor needs escalating: every suggested risk is at or below the recorded level, and every risk "
            f"assessment was done in the last {ASSESSMENT_VALID_MONTHS} months."
        )
    above, out_of_date = counts.above_recorded, counts.out_of_date
    parts = []
    if above:
        parts.append(f"{above:,} {_has(above)} a suggested risk above their recorded level (or none recorded)")
    if out_of_date:
        parts.append(
            f"{out_of_date:,} {_has(out_of_date)} a risk assessment more than {ASSESSMENT_VALID_MONTHS} months old "
            "or never done"
        )
    needs = "councillor needs" if counts.escalations == 1 else "councillors need"
    return f"{counts.escalations:,} {needs} escalating: {' and '.join(parts)}."


def _has(number: int) -> str:
    return "has" if number == 1 else "have"
