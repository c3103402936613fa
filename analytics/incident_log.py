"""The incident log itself: the incidents behind the figures, a page at a time, one in full, or all to download.

Pages of the log are cut in DuckDB (LIMIT/OFFSET), so a log of a million incidents sends the page fifty rows.
Every order ends on the incident key, so a page boundary never falls between two equal rows in different places
on different runs.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analytics.datasets import INCIDENTS
from analytics.dates import display
from analytics.facts import RESPONSES
from analytics.filters import IncidentFilter

SORTS = {
    "newest first": "occurred_on DESC, incident_key",
    "oldest first": "occurred_on, incident_key",
    "highest threat first": "threat_rank(threat) DESC, occurred_on DESC, incident_key",
}
EXCEL_MAX_ROWS = 1_048_575  # a worksheet's rows, less the header
RELATED_MONTHS = 12  # how far back "related incidents" look

_YES_NO = "CASE WHEN {0} THEN 'yes' WHEN NOT {0} THEN 'no' END"

_PAGE_COLUMNS = f"""
    incident_ref AS ref,
    occurred_on AS date,
    councillor,
    ward,
    channel,
    array_to_string(abuse_types, '; ') AS abuse_types,
    array_to_string(protected_characteristics, '; ') AS characteristics,
    threat || CASE WHEN threat_derived THEN ' (derived)' ELSE '' END AS threat,
    coalesce({_YES_NO.format("reported_to_police")}, 'not recorded') AS reported_to_police,
    status,
    incident_key
"""

# Rows without a reference are keyed 'row:<content>:<n>', numbered in file order. Exporting them shortest key
# first (so ':2' comes before ':10') keeps that order, and re-importing the export finds the same keys.
_EXPORT_ORDER = "occurred_on, length(incident_key), incident_key"


def _whole_number(name: str, value: object, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValueError(f"{name} must be a whole number of at least {least}, not {value!r}")
    return value


def count_incidents(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter) -> int:
    condition, parameters = incident_filter.where()
    return con.execute(f"SELECT count(*) FROM incident_facts WHERE {condition}", parameters).fetchone()[0]


def count_derived_threats(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter) -> int:
    """How many of the filtered incidents have no recorded threat level, so theirs comes from the triage rules."""
    condition, parameters = incident_filter.where()
    sql = f"SELECT count(*) FROM incident_facts WHERE threat_derived AND {condition}"
    return con.execute(sql, parameters).fetchone()[0]


def page_count(total: int, page_size: int) -> int:
    """Pages needed to show `total` rows; an empty log is still one (empty) page."""
    return max(1, -(-total // _whole_number("page_size", page_size, 1)))


def incident_page(
    con: duckdb.DuckDBPyConnection,
    incident_filter: IncidentFilter,
    *,
    page: int,
    page_size: int = 50,
    sort: str = "newest first",
) -> pd.DataFrame:
    """One page (counting from 1) of the filtered log, as the incident table shows it; empty past the last page."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    page = _whole_number("page", page, 1)
    page_size = _whole_number("page_size", page_size, 1)
    condition, parameters = incident_filter.where()
    return con.execute(
        f"SELECT {_PAGE_COLUMNS} FROM incident_facts WHERE {condition} ORDER BY {SORTS[sort]} LIMIT ? OFFSET ?",
        [*parameters, page_size, (page - 1) * page_size],
    ).df()


def incident_detail(con: duckdb.DuckDBPyConnection, incident_key: str) -> dict | None:
    """Everything held about one incident, the threat it was given and the response that calls for; None if unknown.

    "related" counts the other incidents in the twelve months up to and including its day: by the same
    perpetrator (None when no one is identified) and against the same councillor.
    """
    cursor = con.execute(
        "SELECT * EXCLUDE (content_hash, month) FROM incident_facts WHERE incident_key = ?", [incident_key]
    )
    row = cursor.fetchone()
    if row is None:
        return None
    detail = dict(zip([column[0] for column in cursor.description], row, strict=True))
    detail["response"] = RESPONSES[detail["threat"]]
    detail["related"] = _related(con, detail)
    return detail


def _related(con: duckdb.DuckDBPyConnection, detail: dict) -> dict[str, int | None]:
    same_perpetrator, same_councillor = con.execute(
        f"""SELECT count(*) FILTER (WHERE perpetrator_key = $perpetrator),
                   count(*) FILTER (WHERE councillor_key = $councillor)
            FROM incident_facts
            WHERE occurred_on > $day - INTERVAL {RELATED_MONTHS} MONTH AND occurred_on <= $day
              AND incident_key <> $key""",
        {
            "perpetrator": detail["perpetrator_key"],
            "councillor": detail["councillor_key"],
            "day": detail["occurred_on"],
            "key": detail["incident_key"],
        },
    ).fetchone()
    return {
        "same_perpetrator": same_perpetrator if detail["perpetrator_key"] else None,
        "same_councillor": same_councillor,
    }


def _export_column(name: str, kind: str) -> str:
    """A stored field written as the import reads it back."""
    if kind == "date":
        return f"strftime({name}, '%d/%m/%Y') AS {name}"
    if kind == "several":
        return f"nullif(array_to_string({name}, '; '), '') AS {name}"
    if kind == "yes_no":
        return f"{_YES_NO.format(name)} AS {name}"
    return name


def export_rows(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter) -> pd.DataFrame:
    """Every filtered incident in the data contract's columns, ready to download and to import again unchanged.

    threat_level is the level the council recorded (blank when none was); threat_derived is the level the
    triage rules give an incident with none recorded (blank otherwise). The import does not read threat_derived,
    so a derived level never comes back as a recorded one.
    """
    columns = ", ".join(_export_column(field.name, field.kind) for field in INCIDENTS.fields)
    condition, parameters = incident_filter.where()
    return con.execute(
        f"""SELECT {columns}, CASE WHEN threat_derived THEN threat END AS threat_derived
            FROM incident_facts WHERE {condition} ORDER BY {_EXPORT_ORDER}""",
        parameters,
    ).df()


FIELD_LABELS = {
    "incident_ref": "Reference",
    "occurred_on": "Date",
    "reported_on": "Reported to the council",
    "councillor": "Councillor",
    "ward": "Ward",
    "channel": "How",
    "platform": "Platform",
    "abuse_types": "Type of abuse",
    "protected_characteristics": "Protected characteristic",
    "perpetrator_ref": "Perpetrator",
    "perpetrator_type": "Type of perpetrator",
    "reported_to_police": "Reported to the police",
    "police_reference": "Crime reference",
    "council_action": "Council action",
    "status": "Status",
    "description": "What happened",
}  # an incident's fields in plain words, in the order the detail, the page and the meeting pack show them


def as_text(value) -> str | None:
    """A field as the pages and the meeting pack write it: UK dates, lists joined, yes/no; None when not recorded."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (date, pd.Timestamp)):
        return display(value)
    if isinstance(value, list):
        return "; ".join(value) or None
    return str(value)
