"""Questions asked of the incident log. Every function takes a filter and aggregates in DuckDB."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from analytics.incidents.filters import IncidentFilter
from analytics.ingest.dates import display


@dataclass(frozen=True)
class Headline:
    incidents: int
    councillors_affected: int
    wards_affected: int
    high_or_critical: int
    reported_to_police: int
    first: date | None
    last: date | None


def headline(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter) -> Headline:
    condition, parameters = incident_filter.where()
    row = con.execute(
        f"""SELECT count(*), count(DISTINCT councillor_key), count(DISTINCT ward),
                   count(*) FILTER (WHERE is_serious(threat)),
                   count(*) FILTER (WHERE reported_to_police),
                   min(occurred_on), max(occurred_on)
            FROM incident_facts WHERE {condition}""",
        parameters,
    ).fetchone()
    return Headline(*row)


def monthly_counts(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter) -> pd.DataFrame:
    """Incidents per calendar month, with the months that had none filled in as 0."""
    condition, parameters = incident_filter.where()
    return con.execute(
        f"""WITH filtered AS (SELECT occurred_on FROM incident_facts WHERE {condition}),
                 months AS (
                     SELECT unnest(generate_series(date_trunc('month', min(occurred_on)),
                                                   date_trunc('month', max(occurred_on)),
                                                   INTERVAL 1 MONTH)) AS month
                     FROM filtered)
            SELECT CAST(month AS DATE) AS month, count(filtered.occurred_on) AS incidents
            FROM months LEFT JOIN filtered ON date_trunc('month', filtered.occurred_on) = months.month
            GROUP BY month ORDER BY month""",
        parameters,
    ).df()


def ward_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute("SELECT DISTINCT ward FROM incidents ORDER BY ward").fetchall()]


def date_extent(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """The first and last day the log covers."""
    return con.execute("SELECT min(occurred_on), max(occurred_on) FROM incidents").fetchone()


def log_has_incidents(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT EXISTS (SELECT 1 FROM incidents)").fetchone()[0]


def describe_period(current: Headline, previous: Headline | None, incident_filter: IncidentFilter) -> str:
    """The answer in one sentence: how many incidents in the chosen period, and how that compares with the period
    of the same length just before it (when the filter has a date range)."""
    start, end = incident_filter.start or current.first, incident_filter.end or current.last
    sentence = (
        f"**{current.incidents:,} incidents** against **{current.councillors_affected} councillors** in "
        f"{current.wards_affected} {'ward' if current.wards_affected == 1 else 'wards'} "
        f"between {display(start)} and {display(end)}."
    )
    if previous is None:
        return sentence
    if not previous.incidents:
        return sentence + " The log has no incidents in the period of the same length before it to compare with."
    change = 100 * (current.incidents - previous.incidents) / previous.incidents
    direction = "up" if change >= 0 else "down"
    return sentence + (
        f" That is {direction} {abs(change):.0f}% on the {incident_filter.days:,} days before "
        f"({previous.incidents:,} incidents)."
    )
