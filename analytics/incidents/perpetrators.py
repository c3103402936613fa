"""Repeat behaviour: people linked to several incidents, several councillors, or a rising threat level.

The toolkit asks councils to log every incident, however minor, so that patterns of behaviour which may pass the
threshold for police action can be seen. This module finds those patterns, one person at a time, by the
perpetrator key of the incident_facts view ('@JaneDoe', 'janedoe' and 'https://x.com/JaneDoe' are one person).

Who is listed, counting only the incidents under the filter and up to the day the list is drawn up (as_of):
- linked to REPEAT_INCIDENTS (3) or more incidents; or
- linked to incidents against SEVERAL_COUNCILLORS (2) or more councillors; or
- their threat is rising: with at least RISING_MIN_INCIDENTS (2) incidents, the highest threat in their latest
  third of incidents (by date; at least one) ranks above the highest threat in the incidents before it.
  The latest third, not the latest days, so that a pattern that escalated and then paused is still seen.

Order (the priority to consider them for referral to the police): anyone whose highest threat is high or critical
first, then by number of incidents, then by highest threat, then the most recently seen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import duckdb
import pandas as pd

from analytics.incidents.facts import REPEAT_INCIDENTS
from analytics.incidents.filters import IncidentFilter
from analytics.ingest.dates import display
from analytics.ingest.vocabulary import SERIOUS_THREATS

SEVERAL_COUNCILLORS = 2  # distinct councillors targeted by one person that list them
RISING_MIN_INCIDENTS = 2  # fewest incidents for a threat to be seen rising: one latest, one before
RISING_LATEST_SHARE = 3  # the latest 1/3 of a person's incidents is compared with those before it


@dataclass(frozen=True)
class RepeatPerpetrator:
    perpetrator_key: str  # finds their incidents (perpetrator_timeline); pages show `name`
    name: str  # the perpetrator key, or its pseudonym for a user who may not see who they are (see named)
    written_as: list[str]  # the distinct ways the council wrote it, most frequent first
    incidents: int
    councillors: int  # distinct councillors targeted
    first_seen: date
    last_seen: date
    highest_threat: str
    threat_rising: bool
    reported_to_police: int  # incidents already reported
    reasons: list[str]
    sentence: str  # begins with their name


_PEOPLE = f"""
WITH linked AS (
    SELECT perpetrator_key, perpetrator_ref, councillor_key, occurred_on, threat, reported_to_police,
           row_number() OVER (PARTITION BY perpetrator_key ORDER BY occurred_on, incident_key) AS nth,
           count(*) OVER (PARTITION BY perpetrator_key) AS total
    FROM incident_facts
    WHERE perpetrator_key IS NOT NULL AND occurred_on <= ? AND {{condition}}
),
placed AS (
    SELECT *, nth > total - ceil(total / {RISING_LATEST_SHARE}) AS latest FROM linked
),
spellings AS (
    SELECT perpetrator_key, list(perpetrator_ref ORDER BY times DESC, perpetrator_ref) AS written_as
    FROM (SELECT perpetrator_key, perpetrator_ref, count(*) AS times FROM linked GROUP BY ALL)
    GROUP BY perpetrator_key
),
people AS (
    SELECT perpetrator_key,
           count(*) AS incidents,
           count(DISTINCT councillor_key) AS councillors,
           min(occurred_on) AS first_seen,
           max(occurred_on) AS last_seen,
           arg_max(threat, threat_rank(threat)) AS highest_threat,
           arg_max(threat, threat_rank(threat)) FILTER (WHERE NOT latest) AS earlier_threat,
           arg_max(threat, threat_rank(threat)) FILTER (WHERE latest) AS latest_threat,
           count(*) FILTER (WHERE latest) AS latest_incidents,
           count(*) FILTER (WHERE reported_to_police) AS reported_to_police
    FROM placed
    GROUP BY perpetrator_key
),
judged AS (
    SELECT *,
           coalesce(incidents >= {RISING_MIN_INCIDENTS}
                    AND threat_rank(latest_threat) > threat_rank(earlier_threat), false) AS threat_rising
    FROM people
)
SELECT judged.*, written_as
FROM judged JOIN spellings USING (perpetrator_key)
WHERE incidents >= {REPEAT_INCIDENTS} OR councillors >= {SEVERAL_COUNCILLORS} OR threat_rising
ORDER BY is_serious(highest_threat) DESC, incidents DESC,
         threat_rank(highest_threat) DESC, last_seen DESC, perpetrator_key
"""


def repeat_perpetrators(
    con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter, as_of: date
) -> list[RepeatPerpetrator]:
    """Everyone the module docstring's rules list, in priority order."""
    condition, parameters = incident_filter.where()
    rows = con.execute(_PEOPLE.format(condition=condition), [as_of, *parameters]).fetchall()
    columns = [column[0] for column in con.description]
    return [_person(dict(zip(columns, row, strict=True))) for row in rows]


def _person(row: dict) -> RepeatPerpetrator:
    reasons = _reasons(row)
    return RepeatPerpetrator(
        perpetrator_key=row["perpetrator_key"],
        name=row["perpetrator_key"],
        written_as=row["written_as"],
        incidents=row["incidents"],
        councillors=row["councillors"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        highest_threat=row["highest_threat"],
        threat_rising=row["threat_rising"],
        reported_to_police=row["reported_to_police"],
        reasons=reasons,
        sentence=_sentence(row),
    )


def _reasons(row: dict) -> list[str]:
    reasons = []
    if row["incidents"] >= REPEAT_INCIDENTS:
        reasons.append(f"linked to {row['incidents']} incidents")
    if row["councillors"] >= SEVERAL_COUNCILLORS:
        reasons.append(f"targets {row['councillors']} councillors")
    if row["threat_rising"]:
        latest = row["latest_incidents"]
        reasons.append(
            f"threat rose from {row['earlier_threat']} to {row['latest_threat']} in their latest "
            + ("incident" if latest == 1 else f"{latest} incidents")
        )
    return reasons


def _sentence(row: dict) -> str:
    said = (
        f"{row['perpetrator_key']} is linked to {counted(row['incidents'], 'incident')} against "
        f"{counted(row['councillors'], 'councillor')} since {display(row['first_seen'])}"
    )
    if row["threat_rising"]:
        said += f", and their threat rose from {row['earlier_threat']} to {row['latest_threat']}"
    reported = row["reported_to_police"]
    if reported:
        said += f" ({reported} of them already reported to the police)"
    return f"{said}; consider referral to the police."


def counted(number: int, noun: str) -> str:
    """ "1 incident", "2 incidents"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def listing_rules() -> dict[str, list[str]]:
    """Who is listed, and in what order, in plain English from this module's constants."""
    share = {2: "half", 3: "third", 4: "quarter"}.get(RISING_LATEST_SHARE, f"1/{RISING_LATEST_SHARE}")
    return {
        "listed": [
            f"linked to {REPEAT_INCIDENTS} or more incidents",
            f"or linked to incidents against {SEVERAL_COUNCILLORS} or more councillors",
            f"or their threat is rising: with at least {RISING_MIN_INCIDENTS} incidents, the highest threat level in "
            f"their latest {share} of incidents ranks above the highest before it",
        ],
        "order": [
            f"anyone whose highest threat is {' or '.join(SERIOUS_THREATS)} first",
            "then by number of incidents, highest threat, and the most recently seen",
        ],
    }


def perpetrator_timeline(con: duckdb.DuckDBPyConnection, perpetrator_key: str) -> pd.DataFrame:
    """One person's incidents, oldest first: the detail needed to consider a referral."""
    return con.execute(
        """SELECT occurred_on, coalesce(councillors.name, incident_facts.councillor) AS councillor,
                  incident_facts.ward, channel, array_to_string(abuse_types, '; ') AS abuse_types, threat,
                  threat_derived, reported_to_police
           FROM incident_facts LEFT JOIN councillors USING (councillor_key)
           WHERE perpetrator_key = ?
           ORDER BY occurred_on, incident_key""",
        [perpetrator_key],
    ).df()


def named(person: RepeatPerpetrator, name: str) -> RepeatPerpetrator:
    """The person under another name, for a user who may not see who they are (analytics.governance.privacy gives the
    pseudonym): named so in the sentence, and without the ways the council wrote them. The key stays, so that their
    timeline can still be found; it is never shown."""
    if name == person.perpetrator_key:
        return person
    sentence = name + person.sentence.removeprefix(person.perpetrator_key)
    return replace(person, name=name, written_as=[], sentence=sentence)
