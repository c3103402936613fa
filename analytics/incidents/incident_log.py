"""The incident log itself: the incidents behind the figures, a page at a time, one in full, or all to download.

Pages of the log are cut in DuckDB (LIMIT/OFFSET), so a log of a million incidents sends the page fifty rows.
Every order ends on the incident key, so a page boundary never falls between two equal rows in different places
on different runs.

What a signed-in user is shown of an incident (incident_detail_for, export_rows_for): only the incidents
analytics.governance.access lets them see one by one; the description only where they may read it (the field left out,
not blanked); the perpetrator as a pseudonym unless they may see who it is.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analytics.governance.access import (
    DESCRIPTIONS,
    IDENTITIES,
    OWN_INCIDENTS,
    User,
    incidents_visible_to,
    reads_description,
)
from analytics.governance.privacy import perpetrator_shown, perpetrators_shown
from analytics.incidents.facts import RESPONSES
from analytics.incidents.filters import IncidentFilter
from analytics.ingest.datasets import INCIDENTS
from analytics.ingest.dates import display
from analytics.ingest.labels import DERIVED, categories, labelled_columns, yes_no

SORTS = {
    "newest first": "occurred_on DESC, incident_key",
    "oldest first": "occurred_on, incident_key",
    "highest threat first": "threat_rank(threat) DESC, occurred_on DESC, incident_key",
}
EXCEL_MAX_ROWS = 1_048_575  # a worksheet's rows, less the header
RELATED_MONTHS = 12  # how far back "related incidents" look

_YES_NO = "CASE WHEN {0} THEN 'Yes' WHEN NOT {0} THEN 'No' END"


def _sentence_case(value: str) -> str:
    """SQL for a value list's word in sentence case, as analytics.ingest.labels.category writes it."""
    return f"upper({value}[1]) || {value}[2:]"


def _each_in_sentence_case(values: str) -> str:
    """SQL for several of a value list's words, each in sentence case, joined with '; '."""
    return f"array_to_string(list_transform({values}, lambda v: {_sentence_case('v')}), '; ')"


_PAGE_COLUMNS = f"""
    incident_ref AS ref,
    occurred_on AS date,
    councillor,
    ward,
    {_sentence_case("channel")} AS channel,
    {_each_in_sentence_case("abuse_types")} AS abuse_types,
    {_each_in_sentence_case("protected_characteristics")} AS characteristics,
    {_sentence_case("threat")} || CASE WHEN threat_derived THEN ' {DERIVED}' ELSE '' END AS threat,
    coalesce({_YES_NO.format("reported_to_police")}, 'Not recorded') AS reported_to_police,
    {_sentence_case("status")} AS status,
    incident_key
"""

# Rows without a reference are keyed 'row:<content>:<n>', numbered in file order. Exporting them shortest key
# first (so ':2' comes before ':10') keeps that order, and re-importing the export finds the same keys.
_EXPORT_ORDER = "incident_facts.occurred_on, length(incident_key), incident_key"  # the date, not its text


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
    first = (page - 1) * page_size
    total = count_incidents(con, incident_filter)
    from_the_end = first > total // 2  # a sort finds the first rows of an order quickly, never the last
    if from_the_end:
        order, size, skip = (
            _reversed(SORTS[sort]),
            min(first + page_size, total) - first,
            max(total - first - page_size, 0),
        )
    else:
        order, size, skip = SORTS[sort], page_size, first
    rows = con.execute(
        f"SELECT {_PAGE_COLUMNS} FROM incident_facts WHERE {condition} ORDER BY {order} LIMIT ? OFFSET ?",
        [*parameters, max(size, 0), skip],
    ).df()
    return rows.iloc[::-1].reset_index(drop=True) if from_the_end else rows


def _reversed(order: str) -> str:
    """An ORDER BY list the other way round (each sort ends on the incident's unique key, so exactly reversed)."""
    terms = [term.removesuffix(" DESC") if term.endswith(" DESC") else f"{term} DESC" for term in order.split(", ")]
    return ", ".join(terms)


def incident_detail(
    con: duckdb.DuckDBPyConnection, incident_key: str, within: IncidentFilter | None = None
) -> dict | None:
    """Everything held about one incident, the threat it was given and the response that calls for; None if unknown
    or outside `within`.

    "related" counts the other incidents within `within` in the twelve months up to and including its day: by the
    same perpetrator (None when no one is identified) and against the same councillor. Without `within`, the
    whole log.
    """
    within = within or IncidentFilter()
    condition, parameters = within.where()
    cursor = con.execute(
        f"SELECT * EXCLUDE (content_hash, month) FROM incident_facts WHERE incident_key = ? AND {condition}",
        [incident_key, *parameters],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    detail = dict(zip([column[0] for column in cursor.description], row, strict=True))
    detail["response"] = RESPONSES[detail["threat"]]
    detail["related"] = _related(con, detail, within)
    return detail


def _related(con: duckdb.DuckDBPyConnection, detail: dict, within: IncidentFilter) -> dict[str, int | None]:
    condition, parameters = within.where()
    same_perpetrator, same_councillor = con.execute(
        f"""SELECT count(*) FILTER (WHERE perpetrator_key = ?), count(*) FILTER (WHERE councillor_key = ?)
            FROM incident_facts
            WHERE occurred_on > CAST(? AS DATE) - INTERVAL {RELATED_MONTHS} MONTH AND occurred_on <= ?
              AND incident_key <> ? AND {condition}""",
        [
            detail["perpetrator_key"],
            detail["councillor_key"],
            detail["occurred_on"],
            detail["occurred_on"],
            detail["incident_key"],
            *parameters,
        ],
    ).fetchone()
    return {
        "same_perpetrator": same_perpetrator if detail["perpetrator_key"] else None,
        "same_councillor": same_councillor,
    }


def incident_detail_for(con: duckdb.DuckDBPyConnection, user: User, incident_key: str) -> dict | None:
    """incident_detail as this user may see it; None when it is not one they may see.

    Without the right to read its description, the description is left out of the detail altogether. Without
    IDENTITIES, the perpetrator (as recorded and as keyed) is the pseudonym of their perpetrator key, so every way
    the council wrote one person reads the same. Related incidents are counted among those the user may see.
    """
    visible = incidents_visible_to(user, IncidentFilter())
    detail = incident_detail(con, incident_key, visible) if visible is not None else None
    if detail is None:
        return None
    if not user.may(IDENTITIES):
        shown = perpetrator_shown(con, user, detail["perpetrator_key"])
        detail.update(perpetrator_ref=shown, perpetrator_key=shown)
    if not reads_description(user, detail["councillor_key"]):
        del detail["description"]
    return detail


def _export_column(name: str, kind: str) -> str:
    """A stored field written as the import reads it back: dates stay dates (a date cell in a workbook)."""
    if kind == "several":
        return f"nullif({_each_in_sentence_case(name)}, '') AS {name}"
    if kind == "yes_no":
        return f"{_YES_NO.format(name)} AS {name}"
    if kind == "one":
        return f"{_sentence_case(name)} AS {name}"
    return name


def export_rows(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter) -> pd.DataFrame:
    """Every filtered incident in the data contract's columns, headed in the council's words, ready to download and
    to import again unchanged.

    Threat level is the level the council recorded (blank when none was); Threat level (derived) is the level the
    triage rules give an incident with none recorded (blank otherwise). The import does not read the derived one,
    so a derived level never comes back as a recorded one.
    """
    return labelled_columns(_export(con, incident_filter).drop(columns=list(_EXPORT_KEYS)))


_EXPORT_KEYS = ("perpetrator_key", "councillor_key")  # read to shape an export for a user, never written out


def _export(con: duckdb.DuckDBPyConnection, incident_filter: IncidentFilter) -> pd.DataFrame:
    columns = ", ".join(_export_column(field.name, field.kind) for field in INCIDENTS.fields)
    condition, parameters = incident_filter.where()
    return con.execute(
        f"""SELECT {columns},
                   CASE WHEN threat_derived THEN {_sentence_case("threat")} END AS threat_derived,
                   {", ".join(_EXPORT_KEYS)}
            FROM incident_facts WHERE {condition} ORDER BY {_EXPORT_ORDER}""",
        parameters,
    ).df()


def export_rows_for(con: duckdb.DuckDBPyConnection, user: User, incident_filter: IncidentFilter) -> pd.DataFrame | None:
    """export_rows of the filtered incidents this user may see one by one, as they may see them (see
    incident_detail_for); None when they may see none.

    The description column is left out for a user who may read none; where they may read some (a councillor,
    their own), any other is blank.
    """
    visible = incidents_visible_to(user, incident_filter)
    if visible is None:
        return None
    rows = _export(con, visible)
    if not user.may(IDENTITIES):
        rows["perpetrator_ref"] = perpetrators_shown(con, user, rows["perpetrator_key"])
    if not user.may(DESCRIPTIONS):
        rows = _own_descriptions(user, rows)
    return labelled_columns(rows.drop(columns=list(_EXPORT_KEYS)))


def _own_descriptions(user: User, rows: pd.DataFrame) -> pd.DataFrame:
    if not user.may(OWN_INCIDENTS):
        return rows.drop(columns="description")
    readable = rows["councillor_key"].map(lambda key: reads_description(user, key)).astype(bool)
    return rows.assign(description=rows["description"].where(readable))


FIELD_LABELS = {
    field.name: field.shown_as or field.label for field in INCIDENTS.fields if field.name != "threat_level"
}  # an incident's fields in plain words, in the order the detail, the page and the meeting pack show them; the threat
# it was given (recorded or derived) is shown on its own, with the response it calls for


def as_text(value) -> str | None:
    """A field as the pages and the meeting pack write it: UK dates, a list's words joined in sentence case, Yes or
    No; None when not recorded."""
    if value is None:
        return None
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, (date, pd.Timestamp)):
        return display(value)
    if isinstance(value, list):
        return categories(value) or None
    return str(value)
