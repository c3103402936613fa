"""Views every question is asked of: incidents with their derived facts, and councillors with their groups.

The views are recreated from this code each time the database is opened, so the rules below are always the
ones in force (docs/rules.md is the index of every rule the dashboard applies).

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

import duckdb

from analytics.ingest.vocabulary import SERIOUS_THREATS, THREAT_LEVELS

RESPONSES = {
    "low": "Log it and advise the councillor",
    "medium": "Council action, such as a warning letter",
    "high": "Report to the police",
    "critical": "Report to the police",
}
REPEAT_INCIDENTS = 3  # incidents linked to one perpetrator that make them a repeat perpetrator

_PROFILE_PREFIX = (
    r"^(https?://)?(www\.|m\.|mobile\.)?"
    r"(x\.com|twitter\.com|facebook\.com|fb\.com|instagram\.com|tiktok\.com|threads\.net|youtube\.com"
    r"|linkedin\.com/in|nextdoor\.co\.uk/profile|nextdoor\.com/profile)/+(@)?"
)

_NOBODY = ("", "unknown", "anonymous", "not known", "n/a", "na", "none", "-", "?")  # says who is unknown

VIEWS = f"""
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

CREATE OR REPLACE VIEW incident_facts AS
WITH keyed AS (
    SELECT *, perpetrator_key(perpetrator_ref) AS perpetrator_key
    FROM incidents
),
counted AS (
    SELECT *,
           CASE WHEN perpetrator_key IS NULL THEN 1
                ELSE count(*) OVER (PARTITION BY perpetrator_key) END AS perpetrator_incidents
    FROM keyed
),
triaged AS (
    SELECT *,
           CASE
               WHEN list_has_any(abuse_types, ['death threat', 'physical assault']) THEN 4
               WHEN list_has_any(abuse_types, ['threat of violence', 'threat to property', 'damage to property',
                                               'stalking', 'sexual harassment', 'unwanted visit to home'])
                    OR channel = 'at home / doorstep' THEN 3
               WHEN list_has_any(abuse_types, ['harassment (repeated unwanted contact)', 'intimidation',
                                               'hate incident', 'personal information published']) THEN 2
               ELSE 1
           END + CASE WHEN perpetrator_incidents >= {REPEAT_INCIDENTS} THEN 1 ELSE 0 END AS triage_rank
    FROM counted
)
SELECT * EXCLUDE (triage_rank),
       coalesce(threat_level, {THREAT_LEVELS!r}[least(triage_rank, 4)]) AS threat,
       threat_level IS NULL AS threat_derived,
       CAST(date_trunc('month', occurred_on) AS DATE) AS month
FROM triaged;

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


def install(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the views and macros from this code."""
    con.execute(VIEWS)
