"""Retention: how long each kind of record is kept, which records are past it, and deleting them.

Each record type has a period, kept as a setting in months and changed only through `set_period` (which writes the
old and new period to the audit trail). A record goes when the moment its period is measured from falls before the
cut-off day: today less the period. The defaults:

- closed incidents, with their earlier versions and their reviews (and the reviews' mitigation ratings and
  actions), and a reported incident's place in the queue with its notes and evidence: 6 years after the import of
  the incident's current version;
- earlier versions of incidents and councillors: 6 years after the import that replaced the version;
- rows kept aside at import (quarantine): 1 year after their import;
- survey waves, with their questions and answers: 6 years after the wave's last import;
- councillors' own risk assessments (which hold the personal circumstances they chose to share) and officers'
  individual risk assessments: 3 years after the day of the assessment;
- closed requests for support, with their notes: 3 years after they were closed (a report about an incident goes
  with its incident instead);
- reports started but never sent: 3 months after they were last changed.

The incident log has no closure date: an incident's status says only whether it is closed now. So the period of a
closed incident runs from the import that brought in its current version (import_batches.imported_at through
incidents.batch_id), its last change as far as the dashboard knows. An incident re-imported unchanged keeps that
date; one changed in a later import starts again.

Open incidents and incidents under review are never deleted (their earlier versions follow their own period), the
import log's counts are kept, and the audit trail is never purged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from analytics import audit
from analytics.errors import Refusal
from analytics.ingest.dates import display
from analytics.months import months_before
from analytics.store import get_setting, incidents_changed, set_setting, transaction

CLOSED_INCIDENTS = "closed_incidents"
EARLIER_VERSIONS = "earlier_versions"
REJECTED_ROWS = "rejected_rows"
SURVEY_WAVES = "survey_waves"
RISK_ASSESSMENTS = "risk_assessments"
SUPPORT_REQUESTS = "support_requests"
UNSENT_REPORTS = "unsent_reports"
SHORTEST, LONGEST = 1, 100 * 12  # months

_CLOSED = f"""SELECT i.incident_key FROM incidents i JOIN import_batches b USING (batch_id)
              WHERE i.status = 'closed' AND b.imported_at < ${CLOSED_INCIDENTS}"""
_REVIEWS_OF_CLOSED = f"SELECT review_id FROM incident_reviews WHERE incident_key IN ({_CLOSED})"
_REPORTS_OF_CLOSED = f"SELECT request_id FROM requests WHERE incident_key IN ({_CLOSED})"
_OLD_WAVES = f"SELECT wave_id FROM survey_waves WHERE imported_at < ${SURVEY_WAVES}"
_CLOSED_SUPPORT = f"kind = 'support request' AND state = 'closed' AND closed_at < ${SUPPORT_REQUESTS}"


def _imported_before(record_type: str) -> str:
    return f"SELECT batch_id FROM import_batches WHERE imported_at < ${record_type}"


@dataclass(frozen=True)
class _Part:
    """The rows of one table that go with a record type, and what to call them."""

    table: str
    one: str
    many: str
    condition: str


@dataclass(frozen=True)
class RecordType:
    """A kind of record with its own period. The first part is the record itself; the rest go with it, and the
    parts are deleted last first, so that each condition can still see the rows it refers to."""

    name: str
    what: str
    measured_from: str
    default_months: int
    parts: tuple[_Part, ...]


RECORD_TYPES: dict[str, RecordType] = {
    record_type.name: record_type
    for record_type in (
        RecordType(
            CLOSED_INCIDENTS,
            "Closed incidents, with their earlier versions and reviews",
            "the import of the incident's current version",
            6 * 12,
            (
                _Part("incidents", "closed incident", "closed incidents", f"incident_key IN ({_CLOSED})"),
                _Part("incident_versions", "earlier version", "earlier versions", f"incident_key IN ({_CLOSED})"),
                _Part("incident_reviews", "review", "reviews", f"incident_key IN ({_CLOSED})"),
                _Part(
                    "review_mitigations",
                    "mitigation rating",
                    "mitigation ratings",
                    f"review_id IN ({_REVIEWS_OF_CLOSED})",
                ),
                _Part("review_actions", "review action", "review actions", f"review_id IN ({_REVIEWS_OF_CLOSED})"),
                _Part("requests", "report in the queue", "reports in the queue", f"incident_key IN ({_CLOSED})"),
                _Part("request_notes", "note on a report", "notes on reports", f"request_id IN ({_REPORTS_OF_CLOSED})"),
                _Part("evidence", "file of evidence", "files of evidence", f"request_id IN ({_REPORTS_OF_CLOSED})"),
            ),
        ),
        RecordType(
            EARLIER_VERSIONS,
            "Earlier versions of incidents and councillors",
            "the import that replaced the version",
            6 * 12,
            (
                _Part(
                    "incident_versions",
                    "earlier incident version",
                    "earlier incident versions",
                    f"replaced_by_batch IN ({_imported_before(EARLIER_VERSIONS)}) AND incident_key NOT IN ({_CLOSED})",
                ),
                _Part(
                    "councillor_versions",
                    "earlier councillor version",
                    "earlier councillor versions",
                    f"replaced_by_batch IN ({_imported_before(EARLIER_VERSIONS)})",
                ),
            ),
        ),
        RecordType(
            REJECTED_ROWS,
            "Rows kept aside at import because they could not be imported",
            "their import",
            12,
            (_Part("quarantine", "rejected row", "rejected rows", f"batch_id IN ({_imported_before(REJECTED_ROWS)})"),),
        ),
        RecordType(
            SURVEY_WAVES,
            "Survey waves, with their questions and answers",
            "the wave's last import",
            6 * 12,
            (
                _Part("survey_waves", "survey wave", "survey waves", f"imported_at < ${SURVEY_WAVES}"),
                _Part("survey_questions", "question", "questions", f"wave_id IN ({_OLD_WAVES})"),
                _Part("survey_answers", "answer", "answers", f"wave_id IN ({_OLD_WAVES})"),
            ),
        ),
        RecordType(
            RISK_ASSESSMENTS,
            "Own and individual risk assessments of councillors",
            "the day of the assessment",
            3 * 12,
            (
                _Part(
                    "own_risk_assessments",
                    "own risk assessment",
                    "own risk assessments",
                    f"completed_on < ${RISK_ASSESSMENTS}",
                ),
                _Part(
                    "individual_risk_assessments",
                    "individual risk assessment",
                    "individual risk assessments",
                    f"assessed_on < ${RISK_ASSESSMENTS}",
                ),
            ),  # fmt: skip
        ),
        RecordType(
            SUPPORT_REQUESTS,
            "Closed requests for support, with their notes",
            "the day the request was closed",
            3 * 12,
            (
                _Part("requests", "closed request for support", "closed requests for support", _CLOSED_SUPPORT),
                _Part(
                    "request_notes",
                    "note on a request",
                    "notes on requests",
                    f"request_id IN (SELECT request_id FROM requests WHERE {_CLOSED_SUPPORT})",
                ),
            ),  # fmt: skip
        ),
        RecordType(
            UNSENT_REPORTS,
            "Reports of incidents started but never sent",
            "the last change to the report",
            3,
            (_Part("report_drafts", "unsent report", "unsent reports", f"saved_at < ${UNSENT_REPORTS}"),),
        ),
    )
}


def _setting(record_type: str) -> str:
    return f"retention_months_{record_type}"


def _record_type(name: str) -> RecordType:
    if name not in RECORD_TYPES:
        raise Refusal(f"There is no record type called {name!r}: choose one of {', '.join(RECORD_TYPES)}.")
    return RECORD_TYPES[name]


def period_in_words(months: int) -> str:
    """'6 years', '1 year', '18 months'."""
    count, unit = (months // 12, "year") if months % 12 == 0 else (months, "month")
    return f"{count} {unit}{'s' if count != 1 else ''}"


def periods(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each record type's period in months: the one set, else the default."""
    return {
        name: int(get_setting(con, _setting(name)) or record_type.default_months)
        for name, record_type in RECORD_TYPES.items()
    }


def set_period(con: duckdb.DuckDBPyConnection, record_type: str, months: int, actor: str) -> None:
    """Keep `record_type` for `months` from now on, and write the old and new period to the audit trail."""
    chosen = _record_type(record_type)
    if not SHORTEST <= months <= LONGEST:
        raise Refusal(f"A retention period must be from {SHORTEST} month to {LONGEST // 12} years.")
    old = periods(con)[record_type]
    if old == months:
        return
    with transaction(con):
        set_setting(con, _setting(record_type), str(months))
        audit.record(
            con,
            actor,
            audit.SETTING_CHANGED,
            f"retention of {chosen.what.lower()}",
            f"{period_in_words(old)} to {period_in_words(months)}",
        )


def cut_offs(con: duckdb.DuckDBPyConnection, today: date) -> dict[str, date]:
    """Each record type's cut-off day: what it is measured from must fall before this day for a record to go."""
    return {name: months_before(today, months) for name, months in periods(con).items()}


def _parameters(sql: str, days: dict[str, date]) -> dict[str, date]:
    """The cut-offs this statement names (DuckDB refuses parameters a statement does not use)."""
    return {name: day for name, day in days.items() if f"${name}" in sql}


def _counts(con: duckdb.DuckDBPyConnection, record_type: RecordType, days: dict[str, date]) -> list[int]:
    sql = "SELECT " + ", ".join(
        f"(SELECT count(*) FROM {part.table} WHERE {part.condition})" for part in record_type.parts
    )
    return list(con.execute(sql, _parameters(sql, days)).fetchone())


def _detail(record_type: RecordType, counts: list[int]) -> str:
    """'2 closed incidents, 1 earlier version and 1 review': the record itself always, the rest when there are any."""
    words = [
        f"{count:,} {part.one if count == 1 else part.many}"
        for index, (part, count) in enumerate(zip(record_type.parts, counts, strict=True))
        if count or index == 0
    ]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _row(record_type: RecordType, months: int, cut_off: date, counts: list[int]) -> dict:
    return {
        "record_type": record_type.name,
        "what": record_type.what,
        "kept_for": f"{period_in_words(months)} after {record_type.measured_from}",
        "cut_off": cut_off,
        "rows": sum(counts),
        "detail": _detail(record_type, counts),
    }


def preview(con: duckdb.DuckDBPyConnection, today: date) -> pd.DataFrame:
    """What a purge today would delete, one row a record type: record_type, what, kept_for, cut_off (records from
    before this day go), rows (every table's rows together) and detail (the counts in words)."""
    days, months = cut_offs(con, today), periods(con)
    rows = [
        _row(record_type, months[name], days[name], _counts(con, record_type, days))
        for name, record_type in RECORD_TYPES.items()
    ]
    return pd.DataFrame(rows)


def _delete(con: duckdb.DuckDBPyConnection, record_type: RecordType, days: dict[str, date]) -> list[int]:
    """Delete one record type's rows, dependants first; returns the rows deleted, part by part."""
    deleted = {}
    for part in reversed(record_type.parts):
        sql = f"DELETE FROM {part.table} WHERE {part.condition}"
        deleted[part.table] = con.execute(sql, _parameters(sql, days)).fetchone()[0]
    return [deleted[part.table] for part in record_type.parts]


def purge(con: duckdb.DuckDBPyConnection, actor: str, today: date) -> pd.DataFrame:
    """Delete what `preview` shows for `today`, all in one transaction, with one audit entry a record type; returns
    what was deleted, in preview's columns.

    Closed incidents go first, so the earlier versions of an incident deleted whole are counted with it, as the
    preview counts them."""
    rows = []
    with transaction(con):
        days, months = cut_offs(con, today), periods(con)
        for name, record_type in RECORD_TYPES.items():
            row = _row(record_type, months[name], days[name], _delete(con, record_type, days))
            detail = f"{row['detail']}, from before {display(days[name])}"
            audit.record(con, actor, audit.PURGED, record_type.what.lower(), detail)
            rows.append(row)
        incidents_changed(con)
    return pd.DataFrame(rows)
