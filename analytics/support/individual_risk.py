"""The council's side of a councillor's risk (toolkit statement 2.1.4, the Telford and Wrekin case study): an officer's
individual risk assessment of a councillor, with the level recorded, the mitigations and support offered and those
accepted, notes, and the next review.

What each level calls for, and when it is next reviewed, is data beside the self-assessment's sections:
analytics/assessment/frameworks/individual-risk-offers.json (see the README there), so a council can change it.
An officer may offer anything in the data contract's list of mitigations or named in that file.

Every assessment is kept (a new one never overwrites an old one) and audited, without its notes. The latest, when it
is newer than the register's risk_assessed_on, is the councillor's recorded level (analytics.incidents.risk).
Only those who work the queue may record or read them; a councillor may not read even their own.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import duckdb

from analytics import audit, clock, store
from analytics.assessment.assessment import FRAMEWORK_FOLDER, INDIVIDUAL_RISK_FILE, read_council_file
from analytics.errors import Refusal
from analytics.governance.access import QUEUE, User
from analytics.ingest.dates import display
from analytics.ingest.vocabulary import MITIGATIONS, RISK_LEVELS
from analytics.months import months_before
from analytics.text_input import storable

OFFERS_FILE = FRAMEWORK_FOLDER / INDIVIDUAL_RISK_FILE
_FIELDS = {"title", "levels"}
_LEVEL_FIELDS = {"level", "review_months", "offers"}


class NotAllowed(Refusal):
    """Someone who does not work the queue asked to record or read an individual risk assessment."""


@dataclass(frozen=True)
class Offers:
    title: str
    review_months: dict[str, int]  # level: months from the day assessed to the next review
    by_level: dict[str, tuple[str, ...]]  # level: what it calls for

    def offers_for(self, level: str) -> tuple[str, ...]:
        return self.by_level[level]

    @property
    def choices(self) -> tuple[str, ...]:
        """Everything an officer may record as offered: the data contract's mitigations, then the file's others."""
        named = [offer for level in RISK_LEVELS for offer in self.by_level[level]]
        return tuple(dict.fromkeys([*MITIGATIONS, *named]))


# --- the offers file -----------------------------------------------------------------------------------------------


def _refuse(problem: str) -> Refusal:
    return Refusal(f"The offers file {INDIVIDUAL_RISK_FILE} {problem}: correct it and reload the page.")


def _level(raw: dict) -> tuple[str, int, tuple[str, ...]]:
    if set(raw) != _LEVEL_FIELDS:
        raise KeyError("level fields")
    months, offers = raw["review_months"], raw["offers"]
    if not isinstance(months, int) or isinstance(months, bool) or months < 1:
        raise _refuse("should give each level a review in 1 month or more")
    named = tuple(offer.strip().lower() for offer in offers if isinstance(offer, str) and offer.strip())
    if not named or len(set(named)) != len(offers):
        raise _refuse(f"should name at least one offer for the {raw['level']} level, each different")
    return raw["level"], months, named


def offers_from(raw: object) -> Offers:
    """The offers in a file's JSON, checked; raises a Refusal naming the first thing wrong."""
    if not isinstance(raw, dict) or not set(raw) <= _FIELDS:
        raise KeyError("fields")
    levels = [_level(level) for level in raw["levels"]]
    if [level for level, *_ in levels] != RISK_LEVELS:
        raise _refuse("should list the levels low, medium and high in that order")
    return Offers(
        title=raw.get("title", ""),
        review_months={level: months for level, months, _ in levels},
        by_level={level: offers for level, _, offers in levels},
    )


def load(path: str | Path = OFFERS_FILE) -> Offers:
    """The offers in a file, checked; raises a Refusal in one sentence naming what is wrong."""
    return read_council_file(path, offers_from, _refuse)


@cache
def offers() -> Offers:
    """The shipped offers, read once a process."""
    return load()


def default_review(level: str, assessed_on: date) -> date:
    return months_before(assessed_on, -offers().review_months[level])


# --- recording and reading -----------------------------------------------------------------------------------------


def check_may(user: User) -> None:
    if not user.may(QUEUE):
        raise NotAllowed("Only safety officers and administrators can record or read individual risk assessments.")


def _check(con, councillor_key: str, assessed_on: date, offered: list, accepted: list, review_on: date):
    if unknown := [offer for offer in offered if offer not in offers().choices]:
        raise Refusal(f"“{unknown[0]}” is not an offer this dashboard knows: choose from the list.")
    if not set(accepted) <= set(offered):
        raise Refusal("Mark as accepted only from what was offered.")
    if assessed_on > clock.today():
        raise Refusal(f"The day assessed cannot be after today ({display(clock.today())}).")
    if review_on <= assessed_on:
        raise Refusal("The next review must be after the day assessed.")
    if not con.execute("SELECT count(*) FROM councillors WHERE councillor_key = ?", [councillor_key]).fetchone()[0]:
        raise Refusal("That councillor is not in the councillor register: choose one from the list.")


def record(
    con: duckdb.DuckDBPyConnection,
    user: User,
    councillor_key: str,
    *,
    level: str,
    assessed_on: date,
    offered: list[str],
    accepted: list[str],
    notes: str,
    review_on: date | None = None,
) -> str:
    """Keep an officer's individual risk assessment and return its id; the next review defaults by level. The same
    assessment sent again (a second press of the button) is not kept twice: the id of the one kept is returned."""
    check_may(user)
    if level not in RISK_LEVELS:
        raise Refusal("Choose a level: low, medium or high.")
    review_on = review_on or default_review(level, assessed_on)
    _check(con, councillor_key, assessed_on, offered, accepted, review_on)
    fields = [councillor_key, assessed_on, level, offered, accepted, storable(notes.strip()) or None, review_on]
    with store.transaction(con):
        kept = con.execute(
            """SELECT assessment_id FROM individual_risk_assessments
               WHERE councillor_key = ? AND assessed_on = ? AND level = ? AND offered = ? AND accepted = ?
                     AND notes IS NOT DISTINCT FROM ? AND review_on = ?""",
            fields,
        ).fetchone()
        if kept:
            return kept[0]
        assessment_id = f"IRA-{secrets.token_hex(4).upper()}"
        con.execute(
            "INSERT INTO individual_risk_assessments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [assessment_id, *fields, user.username, clock.now()],
        )
        audit.record(con, user.username, audit.RECORDED_INDIVIDUAL_RISK, assessment_id, f"{level} risk")
    return assessment_id


def history(con: duckdb.DuckDBPyConnection, user: User, councillor_key: str) -> list[dict]:
    """The councillor's individual risk assessments, latest first."""
    check_may(user)
    cursor = con.execute(
        """SELECT assessment_id, assessed_on, level, offered, accepted, notes, review_on, recorded_by
           FROM individual_risk_assessments WHERE councillor_key = ? ORDER BY assessed_on DESC, recorded_at DESC""",
        [councillor_key],
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
