"""A councillor's own risk assessment (toolkit statements 2.1.1 and 2.1.2): a guided questionnaire, a level with its
reasons, guidance for each risk found, a review date, and a button to ask an officer to get in touch.

The questionnaire is data, beside the self-assessment's sections: analytics/assessment/frameworks/
own-risk-assessment.json (see the README there), so a council can change its questions, weights and guidance.

Scoring:
- each answer carries a weight (0 or more) and, when it adds to the risk, the risk it names and a reason in words;
  an optional question (the personal circumstances section) can be left as "prefer not to say", which weighs 0;
- the councillor's own incidents in the 12 months up to the day of the assessment are read from the log
  (incident_facts): the weight of the highest `by_count` band their number reaches, plus the `by_threat` weight of
  the most serious threat among them; together they name the `incidents` risk;
- the score is the sum; the level is the highest whose `from_score` the score reaches; the next review is
  `review_months` of that level after the day of the assessment;
- guidance is the library's guidance for each risk found, in the order the risks were first named.

Personal circumstances are special category data: they count towards the score and are kept with the assessment,
seen by the councillor and by officers who work the queue, but never put in a request's summary or the audit trail.
A councillor may assess, read and ask about only themselves; officers who work the queue may read and record anyone's.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import duckdb

from analytics import audit, clock, store
from analytics.assessment.assessment import FRAMEWORK_FOLDER, OWN_RISK_FILE, read_council_file
from analytics.errors import Refusal
from analytics.governance.access import OWN_RISK, QUEUE, User
from analytics.ingest.vocabulary import THREAT_LEVELS
from analytics.months import months_before
from analytics.support.requests import SUPPORT_REQUEST, raise_request

QUESTIONNAIRE = FRAMEWORK_FOLDER / OWN_RISK_FILE
LEVELS = ("low", "medium", "high")
KINDS = ("yes/no", "one of")
PREFER_NOT_TO_SAY = "prefer not to say"
INCIDENT_MONTHS = 12
_FIELDS = {
    "questionnaire": {"title", "introduction", "levels", "sections", "incidents", "risks"},
    "level": {"level", "from_score", "review_months"},
    "section": {"id", "title", "personal", "questions"},
    "question": {"id", "words", "kind", "options"},
    "incidents": {"risk", "by_count", "by_threat"},
    "risk": {"name", "guidance"},
}
_OPTION_FIELDS = {"answer", "weight", "risk", "reason"}


class NotYours(Refusal):
    """Someone asked to assess, read or ask about a councillor they may not."""


@dataclass(frozen=True)
class Option:
    answer: str
    weight: int = 0
    risk: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Question:
    id: str
    words: str
    kind: str
    options: tuple[Option, ...]
    personal: bool  # special category data: optional, and shown per person only to officers

    @property
    def answers(self) -> list[str]:
        return [option.answer for option in self.options] + ([PREFER_NOT_TO_SAY] if self.personal else [])


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    personal: bool
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    title: str
    introduction: str
    levels: tuple[tuple[str, int, int], ...]  # (level, from score, review months), lowest first
    sections: tuple[Section, ...]
    incident_risk: str
    by_count: tuple[tuple[int, int], ...]  # (at least this many incidents, weight), fewest first
    by_threat: dict[str, int]
    risks: dict[str, tuple[str, tuple[str, ...]]]  # risk id: (its name, its guidance)

    @property
    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]


@dataclass(frozen=True)
class OwnAssessment:
    councillor_key: str
    completed_on: date
    answers: dict[str, str]
    incidents: int  # the councillor's incidents in the 12 months up to completed_on
    score: int
    level: str
    reasons: tuple[str, ...]
    guidance: tuple[tuple[str, tuple[str, ...]], ...]  # (risk name, its guidance), one a risk found
    risks: tuple[str, ...]  # the risk ids found
    review_on: date


# --- the questionnaire -----------------------------------------------------------------------------------------


def _refuse(problem: str) -> Refusal:
    return Refusal(f"The questionnaire file {OWN_RISK_FILE} {problem}: correct it and reload the page.")


def _object(raw: object, what: str) -> dict:
    """A JSON object with exactly its known fields (a misspelt field is refused rather than silently ignored)."""
    if not isinstance(raw, dict):
        raise _refuse(f"should hold each {what} as an object")
    fields = _OPTION_FIELDS if what == "option" else _FIELDS[what]
    unknown, missing = sorted(set(raw) - fields), sorted(fields - set(raw) - {"risk", "reason"})
    if unknown:
        raise _refuse(f"has {what} fields this dashboard does not know ({', '.join(unknown)})")
    if missing:
        raise _refuse(f"has a {what} without {', '.join(missing)}")
    return raw


def _weight(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _refuse(f"gives {where} a weight that is not a whole number of 0 or more")
    return value


def _option(raw: object, question_id: str, risks: dict) -> Option:
    option = Option(**_object(raw, "option"))
    _weight(option.weight, f"an answer to {question_id}")
    if option.weight and (option.risk not in risks or not option.reason):
        raise _refuse(f"has an answer to {question_id} that adds to the risk without a known risk and a reason")
    return option


def _question(raw: object, personal: bool, risks: dict) -> Question:
    raw = _object(raw, "question")
    options = tuple(_option(option, raw["id"], risks) for option in raw["options"])
    answers = [option.answer for option in options]
    if raw["kind"] not in KINDS or raw["kind"] == "yes/no" and sorted(answers) != ["no", "yes"]:
        raise _refuse(f"has a question {raw['id']} that is neither yes/no (answers yes and no) nor one of")
    if len(answers) < 2 or len(set(answers)) != len(answers) or PREFER_NOT_TO_SAY in answers:
        raise _refuse(f"has a question {raw['id']} without two or more different answers")
    return Question(str(raw["id"]), raw["words"], raw["kind"], options, personal)


def _section(raw: object, risks: dict) -> Section:
    raw = _object(raw, "section")
    personal = raw["personal"] is True
    questions = tuple(_question(question, personal, risks) for question in raw["questions"])
    return Section(str(raw["id"]), raw["title"], personal, questions)


def _levels(raw: object) -> tuple[tuple[str, int, int], ...]:
    levels = tuple(
        (level["level"], _weight(level["from_score"], "a level"), _weight(level["review_months"], "a level"))
        for level in map(lambda each: _object(each, "level"), raw)
    )
    if [level for level, *_ in levels] != list(LEVELS) or levels[0][1] != 0:
        raise _refuse("should list the levels low, medium and high in that order, low from a score of 0")
    if not levels[0][1] < levels[1][1] < levels[2][1] or not all(months > 0 for *_, months in levels):
        raise _refuse("should give each level a higher score than the one before, and a review in 1 month or more")
    return levels


def _risks(raw: object) -> dict[str, tuple[str, tuple[str, ...]]]:
    if not isinstance(raw, dict):
        raise _refuse("should hold the risks as an object, each risk with its name and guidance")
    risks = {}
    for risk_id, risk in raw.items():
        risk = _object(risk, "risk")
        if not isinstance(risk["guidance"], list) or not all(isinstance(each, str) for each in risk["guidance"]):
            raise _refuse(f"should list the guidance for {risk_id} as sentences")
        risks[risk_id] = (risk["name"], tuple(risk["guidance"]))
    return risks


def questionnaire_from(raw: object) -> Questionnaire:
    """The questionnaire in a file's JSON, checked; raises a Refusal naming the first thing wrong."""
    raw = _object(raw, "questionnaire")
    risks = _risks(raw["risks"])
    incidents = _object(raw["incidents"], "incidents")
    if incidents["risk"] not in risks or set(incidents["by_threat"]) != set(THREAT_LEVELS):
        raise _refuse("should name a known risk for incidents and weigh each threat level (low to critical)")
    by_count = tuple(sorted((_weight(band["at_least"], "a count"), _weight(band["weight"], "a count"))
                            for band in incidents["by_count"]))  # fmt: skip
    sections = tuple(_section(section, risks) for section in raw["sections"])
    ids = [question.id for section in sections for question in section.questions]
    if len(set(ids)) != len(ids):
        raise _refuse("uses a question id more than once: each must be different")
    return Questionnaire(
        title=raw["title"],
        introduction=raw["introduction"],
        levels=_levels(raw["levels"]),
        sections=sections,
        incident_risk=incidents["risk"],
        by_count=by_count,
        by_threat={level: _weight(incidents["by_threat"][level], "a threat") for level in THREAT_LEVELS},
        risks=risks,
    )


def load(path: str | Path = QUESTIONNAIRE) -> Questionnaire:
    """The questionnaire in a file, checked; raises a Refusal in one sentence naming what is wrong."""
    return read_council_file(path, questionnaire_from, _refuse)


@cache
def questions() -> Questionnaire:
    """The shipped questionnaire, read once a process."""
    return load()


# --- who may -------------------------------------------------------------------------------------------------------


def check_may(user: User, councillor_key: str | None) -> None:
    """Officers who work the queue may read and record anyone's; a councillor only their own."""
    if user.may(QUEUE):
        return
    if not (user.may(OWN_RISK) and user.councillor_key and user.councillor_key == councillor_key):
        raise NotYours("You can assess, read and ask about only your own risk.")


# --- assessing -----------------------------------------------------------------------------------------------------


def _incidents(con: duckdb.DuckDBPyConnection, councillor_key: str, as_of: date) -> tuple[int, str | None]:
    count, highest = con.execute(
        """SELECT count(*), arg_max(threat, threat_rank(threat)) FROM incident_facts
           WHERE councillor_key = ? AND occurred_on > ? AND occurred_on <= ?""",
        [councillor_key, months_before(as_of, INCIDENT_MONTHS), as_of],
    ).fetchone()
    return count, highest


def _answered(form: Questionnaire, answers: dict[str, str]) -> dict[str, Option]:
    """The option chosen for each question answered, by question id ("prefer not to say" chooses none); refuses an
    answer missing or not one of its question's."""
    chosen = {}
    for question in form.questions:
        answer = answers.get(question.id, PREFER_NOT_TO_SAY if question.personal else None)
        if answer == PREFER_NOT_TO_SAY and question.personal:
            continue
        option = next((option for option in question.options if option.answer == answer), None)
        if option is None:
            raise Refusal(f"Answer every question: “{question.words}” has no answer.")
        chosen[question.id] = option
    return chosen


def _incident_weight(form: Questionnaire, count: int, highest: str | None) -> tuple[int, str | None]:
    by_count = max((weight for at_least, weight in form.by_count if count >= at_least), default=0)
    weight = by_count + (form.by_threat[highest] if highest else 0)
    if not weight:
        return 0, None
    most = f", the most serious a {highest} threat" if highest else ""
    return weight, f"{count} incident{'s' if count != 1 else ''} against you in the last 12 months{most}."


def assess(con: duckdb.DuckDBPyConnection, councillor_key: str, answers: dict[str, str], as_of: date) -> OwnAssessment:
    """Score the answers and the councillor's own incidents (see the module's docstring); stores nothing."""
    form = questions()
    answered = _answered(form, answers)
    chosen = [option for option in answered.values() if option.weight]
    count, highest = _incidents(con, councillor_key, as_of)
    incident_weight, incident_reason = _incident_weight(form, count, highest)
    score = sum(option.weight for option in chosen) + incident_weight
    level, _, months = [level for level in form.levels if score >= level[1]][-1]
    named = [(option.risk, option.reason) for option in chosen]
    if incident_reason:
        named.append((form.incident_risk, incident_reason))
    risks = tuple(dict.fromkeys(risk for risk, _ in named))
    return OwnAssessment(
        councillor_key=councillor_key,
        completed_on=as_of,
        answers={question_id: option.answer for question_id, option in answered.items()},
        incidents=count,
        score=score,
        level=level,
        reasons=tuple(reason for _, reason in named),
        guidance=tuple(form.risks[risk] for risk in risks),
        risks=risks,
        review_on=months_before(as_of, -months),
    )


# --- keeping them --------------------------------------------------------------------------------------------------


def save(con: duckdb.DuckDBPyConnection, user: User, assessment: OwnAssessment) -> str:
    """Keep a completed assessment and return its id. The same answers sent again the same day (a second press of
    the button) are not kept twice: the id of the one kept already is returned."""
    check_may(user, assessment.councillor_key)
    answers = json.dumps(assessment.answers, sort_keys=True)
    with store.transaction(con):
        kept = con.execute(
            """SELECT assessment_id FROM own_risk_assessments
               WHERE councillor_key = ? AND completed_on = ? AND answers::VARCHAR = ?""",
            [assessment.councillor_key, assessment.completed_on, answers],
        ).fetchone()
        if kept:
            return kept[0]
        assessment_id = f"A-{secrets.token_hex(4).upper()}"
        _keep(con, user, assessment_id, assessment, answers)
        return assessment_id


def _keep(con: duckdb.DuckDBPyConnection, user: User, assessment_id: str, assessment: OwnAssessment, answers: str):
    guided = [risk for risk, (_, guidance) in zip(assessment.risks, assessment.guidance, strict=True) if guidance]
    con.execute(
        "INSERT INTO own_risk_assessments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
        [
            assessment_id,
            assessment.councillor_key,
            user.username,
            assessment.completed_on,
            clock.now(),
            answers,
            assessment.score,
            assessment.level,
            list(assessment.reasons),
            list(assessment.risks),
            guided,
            json.dumps([{"risk": name, "guidance": list(guidance)} for name, guidance in assessment.guidance]),
            assessment.review_on,
        ],
    )
    audit.record(con, user.username, audit.COMPLETED_OWN_RISK, assessment_id, f"{assessment.level} risk")


def history(con: duckdb.DuckDBPyConnection, user: User, councillor_key: str) -> list[dict]:
    """The councillor's assessments, latest first, each with its answers, reasons, guidance and any request."""
    check_may(user, councillor_key)
    rows = con.execute(
        """SELECT assessment_id, completed_on, level, score, reasons, guidance, review_on, request_id, answers
           FROM own_risk_assessments WHERE councillor_key = ? ORDER BY completed_at DESC""",
        [councillor_key],
    ).fetchall()
    names = ("assessment_id", "completed_on", "level", "score", "reasons", "guidance", "review_on", "request_id")
    return [
        dict(zip(names, row[:-1], strict=True))
        | {"guidance": [(each["risk"], each["guidance"]) for each in json.loads(row[5])], "answers": json.loads(row[8])}
        for row in rows
    ]


def ask_for_contact(con: duckdb.DuckDBPyConnection, user: User, assessment_id: str) -> str:
    """Put a support request in the officers' queue for this assessment, once: asked again, the same request's
    reference is returned. Its summary says the level and score, never the answers."""
    with store.transaction(con):
        found = con.execute(
            "SELECT councillor_key, level, score, request_id FROM own_risk_assessments WHERE assessment_id = ?",
            [assessment_id],
        ).fetchone()
        if found is None:
            raise Refusal("That assessment is not kept: complete the questionnaire again.")
        councillor_key, level, score, request_id = found
        check_may(user, councillor_key)
        if request_id:
            return request_id
        summary = f"Asks an officer to get in touch after their own risk assessment: {level} risk (score {score})."
        request_id = raise_request(
            con, SUPPORT_REQUEST, councillor_key, raised_by=user.username, threat=level, summary=summary
        )
        con.execute(
            "UPDATE own_risk_assessments SET request_id = ? WHERE assessment_id = ?", [request_id, assessment_id]
        )
        return request_id
