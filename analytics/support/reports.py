"""A councillor reporting an incident themselves (or an officer on their behalf): the Debate Not Hate campaign's
"clear reporting mechanism which councillors can use to record incidents".

A report goes into the incident log through the same path as an imported file (analytics.ingest.importing: one row
in the data contract's fields, checked, keyed, merged, the derived facts built again), as a batch of its own source,
"Reported in the dashboard", whose incident reference is the report's reference. So it is triaged with the same
rules, linked to the same repeat perpetrators and counted everywhere an imported incident is. In the same
transaction it is put in the officers' queue, at the threat the triage gave it. The reporter is told what happens
next: the response the threat calls for, who will contact them and by when, and to call 999 first when a life
is threatened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from analytics import audit, clock, store
from analytics.acknowledgement import acknowledgement_targets, due_on
from analytics.errors import Refusal
from analytics.governance.access import QUEUE, REPORT, User
from analytics.incidents.facts import RESPONSES
from analytics.ingest.dates import display
from analytics.ingest.importing import ImportResult, check, commit, read_upload
from analytics.ingest.vocabulary import ABUSE_TYPES, CHANNELS, PROTECTED_CHARACTERISTICS
from analytics.support import requests
from analytics.text_input import storable

SOURCE = "Reported in the dashboard"
CONTACT_SETTING = "reports_contact"
DEFAULT_CONTACT = "the member services team"
# What the form asks about a threat, and the kinds of abuse each answer records.
THREATS = {
    "none": (),
    "to property": ("threat to property",),
    "of violence": ("threat of violence",),
    "death threat": ("death threat",),
}
POLICE_TOLD = {"yes": "yes", "no": "no", "not known": ""}
SOCIAL_MEDIA = "social media"
_THREAT_TO_LIFE = {"death threat", "physical assault"}


@dataclass(frozen=True)
class Report:
    """What the form asks, in the data contract's words."""

    description: str  # what happened
    occurred_on: date | None  # when
    channel: str | None  # where or how: one of the contract's channels
    abuse_types: tuple[str, ...] = ()  # the kinds of abuse, beside any the threat records
    threat: str = "none"  # one of THREATS
    platform: str = ""  # for social media
    link: str = ""  # to the post, for social media
    perpetrator_ref: str = ""  # who, if known
    characteristics: tuple[str, ...] = ()  # was it about who they are: protected characteristics
    police_told: str = "not known"  # one of POLICE_TOLD
    crime_reference: str = ""

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys([*self.abuse_types, *THREATS.get(self.threat, ())]))


@dataclass(frozen=True)
class Receipt:
    """What the reporter is told once the report is in: its reference and what happens next."""

    reference: str
    threat: str
    response: str  # what the threat level calls for (analytics.incidents.facts.RESPONSES)
    contact: str  # who will contact them
    due_on: date  # by when
    call_999_first: bool  # a threat to life: call 999 before anything else

    @property
    def next_steps(self) -> str:
        return (
            f"Your report {self.reference} is in the incident log at {self.threat} threat, which calls for this "
            f"response: {self.response.lower()}. {self.contact.capitalize()} will contact you by "
            f"{display(self.due_on)}."
        )


def contact(con: duckdb.DuckDBPyConnection) -> str:
    """Who contacts a councillor about what they report: the council's setting, else DEFAULT_CONTACT."""
    return store.get_setting(con, CONTACT_SETTING) or DEFAULT_CONTACT


def set_contact(con: duckdb.DuckDBPyConnection, actor: str, who: str) -> None:
    """Name who contacts councillors about their reports, as the receipt says it ("the member services team")."""
    named = storable(" ".join(who.split()))
    if not named or len(named) > 100:
        raise Refusal("Name who will contact councillors in a few words, such as: the member services team.")
    with store.transaction(con):
        store.set_setting(con, CONTACT_SETTING, named)
        audit.record(con, actor, audit.SETTING_CHANGED, "who contacts councillors about reports", named)


def report_incident(
    con: duckdb.DuckDBPyConnection, user: User, councillor_key: str | None, report: Report, submission_id: str
) -> Receipt:
    """Store a report in the incident log and the queue, and say what happens next. `submission_id` names the form
    sent: sent again (a second press, a rerun), it stores nothing and gives back the first one's receipt."""
    if earlier := _submitted(con, submission_id):
        return receipt(con, earlier)
    councillor = _councillor(con, user, councillor_key)
    _check_answers(report)
    reference = requests.new_reference()
    prepared = check(con, _upload(con, councillor, report, reference))
    if (prepared.reasons != "").any():
        problem = prepared.reasons[prepared.reasons != ""].iloc[0].split("\x1f")[0]
        raise Refusal(f"The report could not be stored ({problem}): correct it and send it again.")
    prepared.clean["councillor_key"] = councillor["councillor_key"]  # chosen from the register, not matched by name

    def raise_the_report(result: ImportResult) -> None:
        con.execute("INSERT INTO request_submissions VALUES (?, ?)", [submission_id, reference])
        incident_key, threat = con.execute(
            "SELECT incident_key, threat FROM incident_facts WHERE batch_id = ?", [result.batch_id]
        ).fetchone()
        requests.raise_request(
            con,
            requests.INCIDENT_REPORT,
            councillor["councillor_key"],
            raised_by=user.username,
            threat=threat,
            summary=_summary(report),
            incident_key=incident_key,
            request_id=reference,
        )

    try:
        commit(con, prepared, then=raise_the_report)
    except (duckdb.ConstraintException, duckdb.TransactionException) as clash:
        if earlier := _submitted(con, submission_id):  # the same form, sent twice at once
            return receipt(con, earlier)
        raise Refusal(
            "Another change to the incident log was being saved at the same moment: send the report again."
        ) from clash
    return receipt(con, reference)


def receipt(con: duckdb.DuckDBPyConnection, reference: str) -> Receipt:
    threat, raised_at, incident_key = con.execute(
        "SELECT threat, raised_at, incident_key FROM requests WHERE request_id = ?", [reference]
    ).fetchone()
    kinds = con.execute("SELECT abuse_types FROM incidents WHERE incident_key = ?", [incident_key]).fetchone()
    target = acknowledgement_targets(con)[threat]
    return Receipt(
        reference=reference,
        threat=threat,
        response=RESPONSES[threat],
        contact=contact(con),
        due_on=due_on(raised_at.date(), target),
        call_999_first=threat == "critical" or bool(kinds and _THREAT_TO_LIFE & set(kinds[0])),
    )


def _submitted(con: duckdb.DuckDBPyConnection, submission_id: str) -> str | None:
    row = con.execute("SELECT request_id FROM request_submissions WHERE submission_id = ?", [submission_id]).fetchone()
    return row[0] if row else None


def _councillor(con: duckdb.DuckDBPyConnection, user: User, councillor_key: str | None) -> dict:
    """The councillor the report is about, from the register: a councillor reports for themselves, an officer for
    any councillor."""
    if not user.may(REPORT):
        raise Refusal("Your account cannot report incidents: ask the council's safety officer to record it.")
    if not user.may(QUEUE):
        if not user.councillor_key:
            raise Refusal(
                "Your account is not linked to a councillor in the register: ask the safety officer to link it, "
                "then report again."
            )
        if councillor_key != user.councillor_key:
            raise Refusal("You can report incidents against yourself only: ask the safety officer to report others.")
    row = con.execute(
        "SELECT councillor_key, name, ward FROM councillors WHERE councillor_key = ?", [councillor_key]
    ).fetchone()
    if row is None:
        raise Refusal(
            "That councillor is not in the councillor register: import the register on the Import page, then report."
        )
    return dict(zip(("councillor_key", "name", "ward"), row, strict=True))


def _check_answers(report: Report) -> None:
    """Every required answer given: one sentence naming the first that is not."""
    if not report.description.strip():
        raise Refusal("Say what happened, then send the report.")
    if report.occurred_on is None:
        raise Refusal("Say when it happened (the day is enough), then send the report.")
    if report.occurred_on > clock.today():
        raise Refusal("The day it happened is in the future: choose today or an earlier day.")
    if report.channel not in CHANNELS:
        raise Refusal("Say where or how it happened (at a surgery, at home, online...), then send the report.")
    if report.channel == SOCIAL_MEDIA and not report.platform.strip():
        raise Refusal("Say which social media platform it was on (Facebook, X...), then send the report.")
    if report.threat not in THREATS or report.police_told not in POLICE_TOLD:
        raise ValueError(f"not an answer the form offers: {report.threat!r}, {report.police_told!r}")
    if not report.kinds or not set(report.kinds) <= set(ABUSE_TYPES):
        raise Refusal("Choose at least one kind of abuse, or the threat made, then send the report.")
    if not set(report.characteristics) <= set(PROTECTED_CHARACTERISTICS):
        raise ValueError(f"not a protected characteristic: {report.characteristics!r}")


def _description(report: Report) -> str:
    link = report.link.strip()
    return report.description.strip() + (f"\n\nLink: {link}" if link else "")


def _upload(con: duckdb.DuckDBPyConnection, councillor: dict, report: Report, reference: str):
    """The report as a one-row file in the data contract's fields, read as any file is."""
    row = {
        "incident_ref": reference,
        "occurred_on": report.occurred_on.isoformat(),
        "reported_on": clock.today().isoformat(),
        "councillor": councillor["name"],
        "ward": councillor["ward"],
        "channel": report.channel,
        "platform": report.platform.strip() if report.channel == SOCIAL_MEDIA else "",
        "abuse_types": "; ".join(report.kinds),
        "protected_characteristics": "; ".join(report.characteristics),
        "perpetrator_ref": report.perpetrator_ref.strip(),
        "reported_to_police": POLICE_TOLD[report.police_told],
        "police_reference": report.crime_reference.strip(),
        "status": "open",
        "description": _description(report),
    }
    data = pd.DataFrame([row]).to_csv(index=False).encode()
    return read_upload(con, "incidents", data, f"{SOURCE} {reference}.csv", mapping={name: name for name in row})


def _summary(report: Report) -> str:
    """The report in a line for the queue, with no description: the kinds of abuse, where, and when."""
    return f"{'; '.join(report.kinds).capitalize()}, {report.channel}, {display(report.occurred_on)}"


def councillors_for(con: duckdb.DuckDBPyConnection, user: User) -> dict[str, str]:
    """The councillors this user may report for, by key, labelled with name and ward: an officer, every councillor
    in the register; a councillor, themselves."""
    if user.may(QUEUE):
        rows = con.execute("SELECT councillor_key, name, ward FROM councillors ORDER BY name, ward").fetchall()
    else:
        rows = con.execute(
            "SELECT councillor_key, name, ward FROM councillors WHERE councillor_key = ?", [user.councillor_key]
        ).fetchall()
    return {key: f"{name}, {ward}" for key, name, ward in rows}


# ---- a report being written ---------------------------------------------------------------------------------


def save_draft(con: duckdb.DuckDBPyConnection, username: str, answers: dict) -> None:
    """Keep what someone has written of a report so far (the form's answers, as JSON), replacing their last draft."""
    written = json.dumps(
        {name: storable(value) if isinstance(value, str) else value for name, value in answers.items()}
    )
    con.execute("INSERT OR REPLACE INTO report_drafts VALUES (?, ?, ?)", [username, written, clock.now()])


def draft(con: duckdb.DuckDBPyConnection, username: str) -> dict | None:
    row = con.execute("SELECT answers FROM report_drafts WHERE username = ?", [username]).fetchone()
    return json.loads(row[0]) if row else None


def clear_draft(con: duckdb.DuckDBPyConnection, username: str) -> None:
    con.execute("DELETE FROM report_drafts WHERE username = ?", [username])
