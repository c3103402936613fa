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

from analytics.incidents.facts import (
    PEOPLE_TABLE,
    REPEAT_INCIDENTS,
    RISING_LATEST_SHARE,
    RISING_MIN_INCIDENTS,
    SEVERAL_COUNCILLORS,
    people_sql,
)
from analytics.incidents.filters import IncidentFilter
from analytics.ingest.dates import display
from analytics.ingest.vocabulary import SERIOUS_THREATS


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


_ORDER = """ORDER BY is_serious(highest_threat) DESC, incidents DESC, threat_rank(highest_threat) DESC, last_seen DESC,
         perpetrator_key"""


def repeat_perpetrators(
    con: duckdb.DuckDBPyConnection,
    incident_filter: IncidentFilter,
    as_of: date,
    *,
    most: int | None = None,
    skip: int = 0,
) -> list[RepeatPerpetrator]:
    """Everyone the module docstring's rules list, in priority order: the `most` from the `skip`-th on, when given."""
    source, parameters = _listed(con, incident_filter, as_of)
    rows = con.execute(f"SELECT * FROM {source} {_ORDER} LIMIT ? OFFSET ?", [*parameters, most, skip]).fetchall()
    columns = [column[0] for column in con.description]
    return [_person(dict(zip(columns, row, strict=True))) for row in rows]


@dataclass(frozen=True)
class Listed:
    """How many people are listed, how many reached a high or critical threat, and for how many it is rising."""

    people: int
    serious: int
    rising: int


def listed_counts(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter, as_of: date) -> Listed:
    source, parameters = _listed(con, incident_filter, as_of)
    sql = f"""SELECT count(*), count(*) FILTER (WHERE is_serious(highest_threat)), count(*) FILTER (WHERE threat_rising)
              FROM {source}"""
    return Listed(*con.execute(sql, parameters).fetchall()[0])


def rising_repeat_perpetrators(con: duckdb.DuckDBPyConnection, as_of: date) -> list[str]:
    """The keys of people linked to REPEAT_INCIDENTS or more incidents whose threat is rising, over the whole log."""
    source, parameters = _listed(con, IncidentFilter(), as_of)
    sql = f"SELECT perpetrator_key FROM {source} WHERE threat_rising AND incidents >= ? ORDER BY 1"
    return [key for (key,) in con.execute(sql, [*parameters, REPEAT_INCIDENTS]).fetchall()]


def _listed(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter, as_of: date) -> tuple[str, list]:
    """The listed people as a FROM clause and its parameters: the table the last change to the log built, when the
    whole log up to as_of is wanted and nothing in it comes later; else worked out from the incidents asked about."""
    first, latest = con.execute("SELECT min(occurred_on), max(occurred_on) FROM incident_facts").fetchall()[0]
    condition, parameters = incident_filter.within(first, latest).where()
    if not parameters and (latest is None or latest <= as_of):
        return PEOPLE_TABLE, []
    people = people_sql(f"occurred_on <= ? AND {condition}")
    return f"(SELECT * FROM ({people}) WHERE listed)", [as_of, *parameters]


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
    return perpetrator_timelines(con, [perpetrator_key]).get(perpetrator_key, _TIMELINE_COLUMNS.copy())


def perpetrator_timelines(
    con: duckdb.DuckDBPyConnection, perpetrator_keys: list[str], latest: int | None = None
) -> dict[str, pd.DataFrame]:
    """Each person's incidents (the `latest` of them, when given), oldest first, in one question for a page of
    people (keys with none are left out)."""
    rows = con.execute(
        """SELECT perpetrator_key, occurred_on, coalesce(councillors.name, incident_facts.councillor) AS councillor,
                  incident_facts.ward, channel, array_to_string(abuse_types, '; ') AS abuse_types, threat,
                  threat_derived, reported_to_police
           FROM incident_facts LEFT JOIN councillors USING (councillor_key)
           WHERE perpetrator_key IN (SELECT unnest(CAST($keys AS VARCHAR[])))
           QUALIFY $latest IS NULL OR row_number() OVER (
               PARTITION BY perpetrator_key ORDER BY occurred_on DESC, incident_key DESC) <= $latest
           ORDER BY perpetrator_key, occurred_on, incident_key""",
        {"keys": perpetrator_keys, "latest": latest},
    ).df()
    return {
        key: timeline.drop(columns="perpetrator_key").reset_index(drop=True)
        for key, timeline in rows.groupby("perpetrator_key", sort=False)
    }


_TIMELINE_COLUMNS = pd.DataFrame(
    columns=["occurred_on", "councillor", "ward", "channel", "abuse_types", "threat", "threat_derived",
             "reported_to_police"]
)  # fmt: skip


def named(person: RepeatPerpetrator, name: str) -> RepeatPerpetrator:
    """The person under another name, for a user who may not see who they are (analytics.governance.privacy gives the
    pseudonym): named so in the sentence, and without the ways the council wrote them. The key stays, so that their
    timeline can still be found; it is never shown."""
    if name == person.perpetrator_key:
        return person
    sentence = name + person.sentence.removeprefix(person.perpetrator_key)
    return replace(person, name=name, written_as=[], sentence=sentence)
