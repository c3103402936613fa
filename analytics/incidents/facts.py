"""What every question is asked of: incidents with their derived facts, and councillors with their groups.

`incident_facts` is a table: each incident with its perpetrator key, its threat (recorded or triaged) and its month,
worked out once when the log changes (`refresh`, in the same transaction as the change), not on every question:
at a million incidents the rules take seconds, and a page asks dozens of questions. The table remembers which rules
built it, so opening the database with other rules (a new release) builds it again: the rules below are always
the ones in force (docs/rules.md is the index of every rule the dashboard applies).

Perpetrator key: how the council refers to the person, normalised so the same person links across incidents:
lower case; a profile URL on a common platform reduced to its handle; a leading '@' dropped; spaces collapsed;
'unknown', 'anonymous' and the like mean no one is identified.
So '@JaneDoe', 'janedoe' and 'https://x.com/JaneDoe' are one person.

Threat triage, where an incident has no recorded threat level:
- critical: a death threat or a physical assault;
- high: a threat of violence or to property, damage to property, stalking, sexual harassment, an unwanted visit
  to the councillor's home, or any incident at the councillor's home or doorstep;
- medium: harassment, intimidation, a hate incident, or personal information published;
- low: anything else (verbal abuse, misinformation, other);
and one level higher (up to critical) when the perpetrator is linked to three or more incidents.
The response each level calls for: low, log it and advise the councillor; medium, council action such as a
warning letter; high and critical, report to the police.
"""

from __future__ import annotations

import hashlib
import secrets

import duckdb

from analytics.ingest.vocabulary import SERIOUS_THREATS, THREAT_LEVELS

RESPONSES = {
    "low": "Log it and advise the councillor",
    "medium": "Council action, such as a warning letter",
    "high": "Report to the police",
    "critical": "Report to the police",
}
REPEAT_INCIDENTS = 3  # incidents linked to one perpetrator that make them a repeat perpetrator
SEVERAL_COUNCILLORS = 2  # distinct councillors targeted by one person that list them
RISING_MIN_INCIDENTS = 2  # fewest incidents for a threat to be seen rising: one latest, one before
RISING_LATEST_SHARE = 3  # the latest 1/3 of a person's incidents is compared with those before it
PEOPLE_TABLE = "perpetrator_facts"  # everyone analytics.incidents.perpetrators lists, over the whole log
SERIES_TABLE = "series_facts"  # every month's count of every series analytics.incidents.rises tests, whole log
SERIES = ("all", "ward", "channel", "abuse type", "characteristic")  # what the series count incidents by

_PROFILE_PREFIX = (
    r"^(https?://)?(www\.|m\.|mobile\.)?"
    r"(x\.com|twitter\.com|facebook\.com|fb\.com|instagram\.com|tiktok\.com|threads\.net|youtube\.com"
    r"|linkedin\.com/in|nextdoor\.co\.uk/profile|nextdoor\.com/profile)/+(@)?"
)

_NOBODY = ("", "unknown", "anonymous", "not known", "n/a", "na", "none", "-", "?")  # says who is unknown

MACROS = f"""
CREATE OR REPLACE MACRO perpetrator_key(ref) AS (
    WITH normalised AS (
        SELECT regexp_replace(
                   regexp_replace(
                       regexp_replace(lower(trim(ref)), '{_PROFILE_PREFIX}', ''),
                       '[/?#].*$|^@', '', 'g'),
                   '\\s+', ' ', 'g') AS handle)
    SELECT CASE WHEN handle IN {_NOBODY} THEN NULL ELSE handle END FROM normalised
);

CREATE OR REPLACE MACRO threat_rank(level) AS list_position({THREAT_LEVELS!r}, level);
CREATE OR REPLACE MACRO is_serious(level) AS list_contains({list(SERIOUS_THREATS)!r}, level);

CREATE OR REPLACE VIEW councillor_groups AS
SELECT councillor_key, 'gender' AS dimension,
       CASE WHEN lower(trim(gender)) IN ('woman', 'women', 'female', 'f') THEN 'women'
            WHEN lower(trim(gender)) IN ('man', 'men', 'male', 'm') THEN 'men'
            ELSE 'not recorded' END AS group_name
FROM councillors
UNION ALL
SELECT councillor_key, 'party',
       CASE WHEN lower(party) LIKE 'independent%' THEN 'independents' ELSE 'party members' END
FROM councillors
UNION ALL
SELECT councillor_key, 'role',
       CASE WHEN role ILIKE '%leader%' OR role ILIKE '%cabinet%' OR role ILIKE '%mayor%' THEN 'leader or cabinet'
            WHEN role ILIKE '%chair%' THEN 'committee chair'
            ELSE 'backbench' END
FROM councillors;
"""

# Each perpetrator's incidents counted once, by key, then joined back: a window over whole rows would carry every
# column (descriptions too) through the count.
FACTS = f"""
WITH keyed AS (
    SELECT incident_key, perpetrator_key(perpetrator_ref) AS perpetrator_key FROM incidents
),
counted AS (
    SELECT perpetrator_key, count(*) AS perpetrator_incidents
    FROM keyed WHERE perpetrator_key IS NOT NULL GROUP BY perpetrator_key
),
derived AS (
    SELECT k.incident_key, k.perpetrator_key, coalesce(c.perpetrator_incidents, 1) AS perpetrator_incidents
    FROM keyed k LEFT JOIN counted c USING (perpetrator_key)
),
triaged AS (
    SELECT i.*, d.perpetrator_key, d.perpetrator_incidents,
           CASE
               WHEN list_has_any(abuse_types, ['death threat', 'physical assault']) THEN 4
               WHEN list_has_any(abuse_types, ['threat of violence', 'threat to property', 'damage to property',
                                               'stalking', 'sexual harassment', 'unwanted visit to home'])
                    OR channel = 'at home / doorstep' THEN 3
               WHEN list_has_any(abuse_types, ['harassment (repeated unwanted contact)', 'intimidation',
                                               'hate incident', 'personal information published']) THEN 2
               ELSE 1
           END + CASE WHEN d.perpetrator_incidents >= {REPEAT_INCIDENTS} THEN 1 ELSE 0 END AS triage_rank
    FROM incidents i JOIN derived d USING (incident_key)
)
SELECT * EXCLUDE (triage_rank),
       coalesce(threat_level, {THREAT_LEVELS!r}[least(triage_rank, 4)]) AS threat,
       threat_level IS NULL AS threat_derived,
       CAST(date_trunc('month', occurred_on) AS DATE) AS month
FROM triaged
"""


def people_sql(condition: str) -> str:
    """Each person linked to the incidents meeting `condition` (SQL over incident_facts): their incidents,
    councillors, first and last seen, highest threat before and in their latest third, whether it is rising, the
    ways the council wrote them, and whether analytics.incidents.perpetrators lists them (`listed`)."""
    return f"""
WITH linked AS (
    SELECT perpetrator_key, perpetrator_ref, councillor_key, occurred_on, incident_key, threat, reported_to_police
    FROM incident_facts
    WHERE perpetrator_key IS NOT NULL AND {condition}
),
people AS (
    SELECT perpetrator_key,
           count(*) AS incidents,
           count(DISTINCT councillor_key) AS councillors,
           min(occurred_on) AS first_seen,
           max(occurred_on) AS last_seen,
           list(threat_rank(threat) ORDER BY occurred_on, incident_key) AS ranks,
           count(*) FILTER (WHERE reported_to_police) AS reported_to_police
    FROM linked
    GROUP BY perpetrator_key
),
placed AS (
    SELECT * EXCLUDE (ranks),
           {THREAT_LEVELS!r}[list_max(ranks)] AS highest_threat,
           {THREAT_LEVELS!r}[list_max(ranks[:incidents - CAST(ceil(incidents / {RISING_LATEST_SHARE}) AS INTEGER)])]
               AS earlier_threat,
           {THREAT_LEVELS!r}[list_max(ranks[incidents - CAST(ceil(incidents / {RISING_LATEST_SHARE}) AS INTEGER) + 1:])]
               AS latest_threat,
           CAST(ceil(incidents / {RISING_LATEST_SHARE}) AS INTEGER) AS latest_incidents
    FROM people
),
judged AS (
    SELECT *,
           coalesce(incidents >= {RISING_MIN_INCIDENTS}
                    AND threat_rank(latest_threat) > threat_rank(earlier_threat), false) AS threat_rising
    FROM placed
),
spellings AS (
    SELECT perpetrator_key, list(perpetrator_ref ORDER BY times DESC, perpetrator_ref) AS written_as
    FROM (SELECT perpetrator_key, perpetrator_ref, count(*) AS times FROM linked GROUP BY ALL)
    GROUP BY perpetrator_key
)
SELECT judged.*, written_as,
       incidents >= {REPEAT_INCIDENTS} OR councillors >= {SEVERAL_COUNCILLORS} OR threat_rising AS listed
FROM judged JOIN spellings USING (perpetrator_key)
"""


def series_sql(condition: str) -> str:
    """Each month's incidents meeting `condition` (SQL over incident_facts), counted overall and by ward, channel,
    abuse type and characteristic (an incident recording several types counts once in each): dimension, value,
    month, incidents; months with none left out."""
    return f"""
WITH filtered AS (
    SELECT month, ward, channel, abuse_types, protected_characteristics FROM incident_facts WHERE {condition}
),
members AS (
    SELECT 'all' AS dimension, 'all incidents' AS value, month FROM filtered
    UNION ALL SELECT 'ward', ward, month FROM filtered
    UNION ALL SELECT 'channel', channel, month FROM filtered
    UNION ALL SELECT 'abuse type', unnest(list_distinct(abuse_types)), month FROM filtered
    UNION ALL SELECT 'characteristic', unnest(list_distinct(protected_characteristics)), month FROM filtered
)
SELECT dimension, value, month, count(*) AS incidents FROM members GROUP BY dimension, value, month
"""


RULES_SETTING = "incident_facts_rules"  # which rules built the table; a migration clears it
BUILT_SETTING = "incident_facts_built"  # a random token, new at every build: part of the data version
_RULES = hashlib.sha256((MACROS + FACTS + people_sql("TRUE") + series_sql("TRUE")).encode()).hexdigest()[:16]


def install(con: duckdb.DuckDBPyConnection, built_by: str | None) -> None:
    """(Re)create the macros and views from this code, and build the derived facts again unless these rules built
    them: `built_by` is the RULES_SETTING the database holds (a migration clears it, since it may have changed the
    incidents). Call it in a transaction."""
    con.execute(MACROS)
    if built_by == _RULES and _is_table(con):
        return
    if not _is_table(con):
        con.execute("DROP VIEW IF EXISTS incident_facts")  # what databases made before the facts were tables hold
    refresh(con)


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Build the derived facts (`incident_facts`, `perpetrator_facts`, `series_facts`) from the incidents as they
    now are; call it inside the transaction that changed them, so no question sees the log and its facts apart."""
    con.execute(f"CREATE OR REPLACE TABLE incident_facts AS {FACTS}")
    con.execute(f"CREATE OR REPLACE TABLE {PEOPLE_TABLE} AS SELECT * FROM ({people_sql('TRUE')}) WHERE listed")
    con.execute(f"CREATE OR REPLACE TABLE {SERIES_TABLE} AS {series_sql('TRUE')}")
    for name, value in ((RULES_SETTING, _RULES), (BUILT_SETTING, secrets.token_hex(8))):
        con.execute("INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)", [name, value])


def _is_table(con: duckdb.DuckDBPyConnection) -> bool:
    sql = "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'incident_facts' AND schema_name = 'main'"
    return con.execute(sql).fetchall() == [(1,)]
