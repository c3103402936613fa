"""Post-incident reviews: which incidents to review, what the meeting needs to know, and what it decided.

The LGA toolkit asks councils to review serious incidents afterwards: what happened, what worked, which of the
councillor's safety measures (mitigations) helped, and the actions agreed, each with an owner and a due date.

A review's context is the incident in full (incident_log.incident_detail), the related incidents in the twelve
months up to it (other incidents after the day twelve months before, up to and including its own day, as
incident_log counts them; against the same councillor, by the same identified perpetrator, or in the same ward:
each says which), the
councillor's recorded risk assessment and mitigations, and the earlier reviews of this incident and of the
other incidents against the same councillor.
"""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime

import duckdb
import openpyxl
import pandas as pd

from analytics import clock
from analytics.errors import Refusal
from analytics.exports import write_frame
from analytics.incidents.incident_log import FIELD_LABELS, RELATED_MONTHS, as_text, incident_detail
from analytics.ingest.dates import display
from analytics.ingest.vocabulary import MITIGATIONS
from analytics.store import transaction

EFFECTIVENESS = ["effective", "partly effective", "not effective", "not tried"]
ATTENDEE_ROLES = [
    "councillor",
    "monitoring officer",
    "safety champion",
    "member services",
    "police liaison",
    "health and safety",
    "group leader",
    "other",
]
CANDIDATE_LIMIT = 200  # the selectbox stays small: the most serious and newest incidents
DATE_FORMAT = "DD/MM/YYYY"

_CANDIDATES = """
SELECT f.incident_key, f.incident_ref, f.occurred_on, f.councillor, f.ward, f.threat
FROM incident_facts f
ORDER BY threat_rank(f.threat) DESC, f.occurred_on DESC, f.incident_key
LIMIT ?
"""


def review_candidates(con: duckdb.DuckDBPyConnection, limit: int = CANDIDATE_LIMIT) -> pd.DataFrame:
    """Incidents to choose from for a review: critical, then high, then the rest, each newest first.

    Columns: incident_key, incident_ref, occurred_on, councillor, ward, threat.
    """
    return con.execute(_CANDIDATES, [limit]).df()


def _timeline(con: duckdb.DuckDBPyConnection, detail: dict) -> pd.DataFrame:
    return con.execute(
        f"""WITH related AS (
                SELECT *,
                       list_filter([
                           CASE WHEN councillor_key = $councillor THEN 'same councillor' END,
                           CASE WHEN perpetrator_key = $perpetrator THEN 'same perpetrator' END,
                           CASE WHEN lower(ward) = lower($ward) THEN 'same ward' END
                       ], lambda x: x IS NOT NULL) AS relations
                FROM incident_facts
                WHERE occurred_on > $day - INTERVAL {RELATED_MONTHS} MONTH AND occurred_on <= $day
                  AND incident_key <> $key)
            SELECT incident_key, incident_ref, occurred_on, councillor, ward, channel,
                   array_to_string(abuse_types, '; ') AS abuse_types, threat,
                   array_to_string(relations, ', ') AS related_by
            FROM related
            WHERE len(relations) > 0
            ORDER BY occurred_on, incident_key""",
        {
            "councillor": detail["councillor_key"],
            "perpetrator": detail["perpetrator_key"],
            "ward": detail["ward"],
            "day": detail["occurred_on"],
            "key": detail["incident_key"],
        },
    ).df()


def _councillor(con: duckdb.DuckDBPyConnection, detail: dict) -> dict:
    """The councillor's risk level and date in force (the register's, or a newer individual risk assessment's, as
    analytics.incidents.risk reads them), and the mitigations in place: the register's, then those accepted in the
    latest individual assessment."""
    row = con.execute(
        """WITH latest AS (
               SELECT level, assessed_on, accepted FROM individual_risk_assessments WHERE councillor_key = $key
               ORDER BY assessed_on DESC, recorded_at DESC LIMIT 1)
           SELECT name, ward,
                  CASE WHEN assessed_on > coalesce(risk_assessed_on, DATE '0001-01-01') THEN level ELSE risk_level END,
                  greatest(risk_assessed_on, assessed_on),
                  list_concat(coalesce(mitigations, []), coalesce(accepted, []))
           FROM councillors LEFT JOIN latest ON true WHERE councillor_key = $key""",
        {"key": detail["councillor_key"]},
    ).fetchone()
    if row is None:
        return {
            "in_register": False,
            "name": detail["councillor"],
            "ward": detail["ward"],
            "risk_level": None,
            "risk_assessed_on": None,
            "mitigations": [],
        }
    name, ward, risk_level, assessed_on, mitigations = row
    return {
        "in_register": True,
        "name": name,
        "ward": ward,
        "risk_level": risk_level,
        "risk_assessed_on": assessed_on,
        "mitigations": list(dict.fromkeys(mitigations)),
    }


def _reviews(con: duckdb.DuckDBPyConnection, condition: str, parameters: dict) -> list[dict]:
    cursor = con.execute(
        f"""SELECT r.review_id, r.incident_key, f.incident_ref, f.occurred_on, r.reviewed_on, r.attendees,
                   r.what_happened, r.what_worked, r.lessons
            FROM incident_reviews r JOIN incident_facts f USING (incident_key)
            WHERE {condition}
            ORDER BY r.reviewed_on DESC, r.saved_at DESC""",
        parameters,
    )
    names = [column[0] for column in cursor.description]
    reviews = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for review in reviews:
        review["attendees"] = list(review["attendees"])
        review["mitigations"] = dict(
            con.execute(
                "SELECT mitigation, effectiveness FROM review_mitigations WHERE review_id = ? ORDER BY mitigation",
                [review["review_id"]],
            ).fetchall()
        )
        action_cursor = con.execute(
            """SELECT action_id, action, owner, due_on, done_on FROM review_actions WHERE review_id = ?
               ORDER BY due_on NULLS LAST, action""",
            [review["review_id"]],
        )
        action_names = [column[0] for column in action_cursor.description]
        review["actions"] = [dict(zip(action_names, row, strict=True)) for row in action_cursor.fetchall()]
    return reviews


def review_context(con: duckdb.DuckDBPyConnection, incident_key: str, as_of: date | None = None) -> dict | None:
    """What the review meeting needs: None if the incident is not in the log.

    Keys: incident (incident_detail), timeline (related incidents, oldest first, with related_by), councillor
    (name, ward, risk_level, risk_assessed_on, mitigations, in_register), reviews (the earlier reviews of this
    incident and of other incidents against the same councillor, newest first, each with this_incident, its
    mitigations' effectiveness and its actions). With as_of, only reviews held on or before that day count.
    """
    detail = incident_detail(con, incident_key)
    if detail is None:
        return None
    reviews = _reviews(
        con,
        "(r.incident_key = $key OR f.councillor_key = $councillor) AND ($as_of IS NULL OR r.reviewed_on <= $as_of)",
        {"key": incident_key, "councillor": detail["councillor_key"], "as_of": as_of},
    )
    for review in reviews:
        review["this_incident"] = review["incident_key"] == incident_key
    return {
        "incident": detail,
        "timeline": _timeline(con, detail),
        "councillor": _councillor(con, detail),
        "reviews": reviews,
    }


def _text(value: str | None) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value).strip() or None


def _day(value, what: str) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise Refusal(f"The {what} must be a date, not {value!r}.")


class AlreadySaved(Refusal):
    """The same review sent again (a second press of the button): held once, and nothing to correct."""


def _already_saved(con, incident_key: str, reviewed_on: date, attendees: list[str], written: list) -> bool:
    """A review of this incident on this day with these attendees and these words is held already: the same
    submission sent twice (a second press of the button), which is not stored again."""
    return bool(
        con.execute(
            """SELECT count(*) FROM incident_reviews
               WHERE incident_key = ? AND reviewed_on = ? AND attendees = ? AND what_happened IS NOT DISTINCT FROM ?
                 AND what_worked IS NOT DISTINCT FROM ? AND lessons IS NOT DISTINCT FROM ?""",
            [incident_key, reviewed_on, attendees, *written],
        ).fetchone()[0]
    )


def record_review(
    con: duckdb.DuckDBPyConnection,
    incident_key: str,
    reviewed_on: date,
    attendees: list[str],
    what_happened: str | None,
    what_worked: str | None,
    lessons: str | None,
    mitigations: dict[str, str],
    actions: list[dict],
) -> str:
    """Save one review with its mitigations' effectiveness and its actions, all or nothing; returns its id.

    mitigations: mitigation -> one of EFFECTIVENESS. actions: dicts of action, owner and due_on (owner and due_on
    may be missing). Raises ValueError, in a sentence for the user, when something cannot be saved.
    """
    if con.execute("SELECT count(*) FROM incidents WHERE incident_key = ?", [incident_key]).fetchone()[0] == 0:
        raise Refusal("That incident is not in the log: an import may have replaced it. Choose the incident again.")
    reviewed_on = _day(reviewed_on, "review date")
    if reviewed_on is None:
        raise Refusal("Enter the date of the review.")
    unknown_roles = [role for role in attendees if role not in ATTENDEE_ROLES]
    if unknown_roles:
        raise Refusal(
            f"Attendees are recorded by role; {', '.join(map(str, unknown_roles))} is not one of: "
            f"{', '.join(ATTENDEE_ROLES)}."
        )
    for mitigation, effectiveness in mitigations.items():
        if mitigation not in MITIGATIONS:
            raise Refusal(f"{mitigation!r} is not a mitigation the dashboard knows: choose one of the list.")
        if effectiveness not in EFFECTIVENESS:
            raise Refusal(
                f"How well the {mitigation} worked must be one of {', '.join(EFFECTIVENESS)}, not {effectiveness!r}."
            )
    rows = []
    for number, item in enumerate(actions, start=1):
        action = _text(item.get("action"))
        if action is None:
            raise Refusal(f"Action {number} has no description: describe it or remove the row.")
        rows.append((action, _text(item.get("owner")), _day(item.get("due_on"), f"due date of action {number}")))
    written = [_text(what_happened), _text(what_worked), _text(lessons)]
    if not (attendees or any(written) or mitigations or rows):
        raise Refusal(
            "There is nothing to save: record who attended, what happened, what worked, lessons, how well a "
            "mitigation worked or an action."
        )
    review_id = uuid.uuid4().hex
    with transaction(con):
        if _already_saved(con, incident_key, reviewed_on, list(dict.fromkeys(attendees)), written):
            raise AlreadySaved("This review is already saved: it is listed under Earlier reviews.")
        con.execute(
            "INSERT INTO incident_reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                review_id,
                incident_key,
                reviewed_on,
                list(dict.fromkeys(attendees)),
                *written,
                clock.now(),
            ],
        )
        for mitigation, effectiveness in mitigations.items():
            con.execute("INSERT INTO review_mitigations VALUES (?, ?, ?)", [review_id, mitigation, effectiveness])
        for action, owner, due_on in rows:
            con.execute(
                "INSERT INTO review_actions VALUES (?, ?, ?, ?, ?, NULL)",
                [uuid.uuid4().hex, review_id, action, owner, due_on],
            )
    return review_id


def open_review_actions(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    """Actions from reviews not yet done, overdue first (due before as_of), then by due date.

    Columns: action_id, action, owner, due_on, incident_ref, incident_key, reviewed_on, overdue.
    """
    return con.execute(
        """SELECT a.action_id, a.action, a.owner, a.due_on, i.incident_ref, r.incident_key, r.reviewed_on,
                  coalesce(a.due_on < $as_of, false) AS overdue
           FROM review_actions a
           JOIN incident_reviews r USING (review_id)
           LEFT JOIN incidents i ON i.incident_key = r.incident_key
           WHERE a.done_on IS NULL
           ORDER BY overdue DESC, a.due_on NULLS LAST, a.action, a.action_id""",
        {"as_of": as_of},
    ).df()


def complete_action(con: duckdb.DuckDBPyConnection, action_id: str, done_on: date) -> None:
    """Mark a review action done on a day."""
    done_on = _day(done_on, "date the action was done")
    if done_on is None:
        raise Refusal("Enter the date the action was done.")
    found = con.execute("SELECT count(*) FROM review_actions WHERE action_id = ?", [action_id]).fetchone()[0]
    if not found:
        raise Refusal("That action is not recorded: it may have been removed. Reload the page.")
    con.execute("UPDATE review_actions SET done_on = ? WHERE action_id = ?", [done_on, action_id])


def review_coverage(con: duckdb.DuckDBPyConnection, start: date, end: date) -> dict[str, int]:
    """Evidence for the self-assessment: incidents that occurred from start to end (inclusive).

    high_or_critical: those with a high or critical threat (recorded or triaged); reviewed: how many of those have
    at least one review; mitigations_rated: the mitigations rated (anything but 'not tried') in the reviews of any
    incident in the period; rated_effective: how many of those were rated 'effective'.
    """
    high_or_critical, reviewed = con.execute(
        """SELECT count(*),
                  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM incident_reviews r
                                                 WHERE r.incident_key = f.incident_key))
           FROM incident_facts f
           WHERE f.occurred_on BETWEEN ? AND ? AND is_serious(f.threat)""",
        [start, end],
    ).fetchone()
    rated, effective = con.execute(
        """SELECT count(*) FILTER (WHERE m.effectiveness <> 'not tried'),
                  count(*) FILTER (WHERE m.effectiveness = 'effective')
           FROM review_mitigations m
           JOIN incident_reviews r USING (review_id)
           JOIN incidents i ON i.incident_key = r.incident_key
           WHERE i.occurred_on BETWEEN ? AND ?""",
        [start, end],
    ).fetchone()
    return {
        "high_or_critical": high_or_critical,
        "reviewed": reviewed,
        "mitigations_rated": rated,
        "rated_effective": effective,
    }


# The meeting pack -------------------------------------------------------------------------------------------------


def _pack_fields() -> dict[str, str]:
    """The incident's fields as the detail shows them, with its threat and response after the perpetrator."""
    fields: dict[str, str] = {}
    for name, label in FIELD_LABELS.items():
        fields[name] = label
        if name == "perpetrator_type":
            fields |= {"threat": "Threat", "response": "Response the threat calls for"}
    return fields


_INCIDENT_FIELDS = _pack_fields()


def _field_rows(pairs: list[tuple[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(
        {"Field": [label for label, _ in pairs], "Value": [as_text(value) for _, value in pairs]}, dtype=object
    )


def _write(sheet, frame: pd.DataFrame, date_columns: tuple[str, ...] = ()) -> None:
    """Header and rows through the exports' formula guard, dates as dates shown DD/MM/YYYY."""
    write_frame(sheet, frame)
    for index, column in enumerate(frame.columns, start=1):
        if column in date_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, datetime):
                    cell.value = cell.value.date()
                cell.number_format = DATE_FORMAT
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = 18 if column in date_columns else 30


def _dates(series: pd.Series) -> list:
    return [None if pd.isna(value) else pd.Timestamp(value).date() for value in series]


def _review_rows(reviews: list[dict]) -> pd.DataFrame:
    def actions(review: dict) -> str | None:
        parts = []
        for action in review["actions"]:
            extras = [action["owner"]] if action["owner"] else []
            if action["due_on"]:
                extras.append(f"due {display(action['due_on'])}")
            if action["done_on"]:
                extras.append(f"done {display(action['done_on'])}")
            parts.append(action["action"] + (f" ({', '.join(extras)})" if extras else ""))
        return "; ".join(parts) or None

    return pd.DataFrame(
        {
            "Incident": [review["incident_ref"] for review in reviews],
            "Incident date": [review["occurred_on"] for review in reviews],
            "Reviewed on": [review["reviewed_on"] for review in reviews],
            "Attendees": ["; ".join(review["attendees"]) or None for review in reviews],
            "What happened": [review["what_happened"] for review in reviews],
            "What worked": [review["what_worked"] for review in reviews],
            "Lessons": [review["lessons"] for review in reviews],
            "Mitigations": [
                "; ".join(f"{name}: {rating}" for name, rating in review["mitigations"].items()) or None
                for review in reviews
            ],
            "Actions": [actions(review) for review in reviews],
        },
        dtype=object,
    )


def meeting_pack(con: duckdb.DuckDBPyConnection, incident_key: str, as_of: date | None = None) -> bytes:
    """An Excel workbook for the review meeting: sheets Incident, Timeline, Councillor and Earlier reviews."""
    context = review_context(con, incident_key, as_of)
    if context is None:
        raise Refusal("That incident is not in the log: an import may have replaced it. Choose the incident again.")
    detail, councillor = context["incident"], context["councillor"]
    book = openpyxl.Workbook()
    incident_sheet = book.active
    incident_sheet.title = "Incident"
    _write(incident_sheet, _field_rows([(label, detail.get(name)) for name, label in _INCIDENT_FIELDS.items()]))

    timeline = context["timeline"]
    _write(
        book.create_sheet("Timeline"),
        pd.DataFrame(
            {
                "Ref": timeline["incident_ref"].astype(object).tolist(),
                "Date": _dates(timeline["occurred_on"]),
                "Councillor": timeline["councillor"].astype(object).tolist(),
                "Ward": timeline["ward"].astype(object).tolist(),
                "How": timeline["channel"].astype(object).tolist(),
                "Type of abuse": timeline["abuse_types"].astype(object).tolist(),
                "Threat": timeline["threat"].astype(object).tolist(),
                "Related by": timeline["related_by"].astype(object).tolist(),
            },
            dtype=object,
        ),
        date_columns=("Date",),
    )
    _write(
        book.create_sheet("Councillor"),
        _field_rows(
            [
                ("Councillor", councillor["name"]),
                ("Ward", councillor["ward"]),
                ("Risk level", councillor["risk_level"] or "not recorded"),
                ("Risk assessed on", councillor["risk_assessed_on"] or "not recorded"),
                ("Mitigations", councillor["mitigations"] or "none recorded"),
            ]
        ),
    )
    _write(
        book.create_sheet("Earlier reviews"),
        _review_rows(context["reviews"]),
        date_columns=("Incident date", "Reviewed on"),
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
