"""A councillor's own risk assessment, on a small hand-built council (as of 30 June 2026): the questionnaire file,
scoring, guidance, keeping them, asking for contact, and who may."""

import json
from datetime import date

import pytest

from analytics import audit
from analytics.errors import Refusal
from analytics.governance.access import COUNCILLOR, SAFETY_CHAMPION, SAFETY_OFFICER, User
from analytics.support import own_risk
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

AS_OF = date(2026, 6, 30)
QUIET = {  # every answer that adds nothing; the personal questions left out ("prefer not to say")
    "cabinet": "no", "chair": "no", "planning_or_licensing": "no", "contentious_issues": "no",
    "media_profile": "rarely or never", "surgeries": "I do not hold surgeries", "home_visits": "no",
    "lone_working": "no", "evening_meetings": "no", "rural_travel": "no", "social_media": "no",
    "address_published": "no",
}  # fmt: skip


def build_council(con) -> None:
    load_wards(con, {"Abbey": 1, "Brook": 2})
    load_councillors(con, [councillor("Ann Abbot", "Abbey"), councillor("Ben Brook", "Brook")])
    load_incidents(con, [
        incident("2026-05-01", "Ann Abbot", "Abbey", "email", "verbal abuse", threat_level="low"),
        incident("2026-06-01", "Ann Abbot", "Abbey", "letter", "threat of violence"),  # triaged high
        incident("2025-06-30", "Ann Abbot", "Abbey", "letter", "death threat"),  # 12 months and a day before
        incident("2026-06-10", "Ben Brook", "Brook", "email", "verbal abuse", threat_level="low"),
    ])  # fmt: skip


@pytest.fixture
def council(built_by):
    return built_by(build_council)


def key_of(con, name: str) -> str:
    return con.execute("SELECT councillor_key FROM councillors WHERE name = ?", [name]).fetchone()[0]


def councillor_user(con, name: str) -> User:
    return User(name.split()[0].lower(), name, COUNCILLOR, key_of(con, name))


OFFICER = User("officer", "Olu Officer", SAFETY_OFFICER)


def test_quiet_answers_and_no_incidents_are_low_with_a_review_in_12_months(council):
    found = own_risk.assess(council, key_of(council, "Ben Brook"), QUIET, date(2027, 7, 1))
    assert (found.score, found.level, found.reasons, found.guidance) == (0, "low", (), ())
    assert found.review_on == date(2028, 7, 1) and found.incidents == 0


def test_each_answer_adds_its_weight_and_names_its_risk_with_its_guidance(council):
    answers = QUIET | {"surgeries": "at my home", "lone_working": "yes", "home_visits": "yes", "lives_alone": "yes"}
    found = own_risk.assess(council, key_of(council, "Ben Brook"), answers, AS_OF)
    assert found.score == 3 + 2 + 2 + 1 + 1  # and one low incident of the last 12 months
    assert found.level == "medium" and found.review_on == date(2026, 12, 30)
    assert found.risks == ("surgeries", "lone_working", "home_security", "recent_incidents")
    assert found.reasons == (
        "You hold surgeries at your home.",
        "You visit residents in their homes.",
        "You often work alone.",
        "You live alone.",
        "1 incident against you in the last 12 months, the most serious a low threat.",
    )
    names = [name for name, _ in found.guidance]
    assert names == ["Ward surgeries", "Working alone", "Safety at home", "Incidents against you in the last 12 months"]
    assert "assessed" in found.guidance[0][1][0] and "Leeds" in found.guidance[0][1][0]
    assert "lone-worker device" in found.guidance[1][1][0]


def test_the_councillors_own_serious_incidents_of_the_last_12_months_raise_the_level(council):
    found = own_risk.assess(council, key_of(council, "Ann Abbot"), QUIET | {"contentious_issues": "yes"}, AS_OF)
    assert found.incidents == 2  # the death threat a year and a day before is outside
    assert found.score == 3 + 1 + 3  # contentious; 1 or 2 incidents; a high threat the most serious
    assert found.reasons[-1] == "2 incidents against you in the last 12 months, the most serious a high threat."
    high = own_risk.assess(council, key_of(council, "Ann Abbot"), QUIET | {
        "contentious_issues": "yes", "address_published": "yes"}, AS_OF)  # fmt: skip
    assert (high.score, high.level, high.review_on) == (10, "medium", date(2026, 12, 30))
    higher = own_risk.assess(council, key_of(council, "Ann Abbot"), QUIET | {
        "contentious_issues": "yes", "address_published": "yes", "cabinet": "yes"}, AS_OF)  # fmt: skip
    assert (higher.level, higher.review_on) == ("high", date(2026, 9, 30))


def test_a_missing_or_unknown_answer_is_refused_but_personal_questions_may_be_left(council):
    key = key_of(council, "Ben Brook")
    with pytest.raises(Refusal, match="Answer every question"):
        own_risk.assess(council, key, {k: v for k, v in QUIET.items() if k != "cabinet"}, AS_OF)
    with pytest.raises(Refusal, match="Answer every question"):
        own_risk.assess(council, key, QUIET | {"surgeries": "<b>anywhere</b>"}, AS_OF)
    left = own_risk.assess(council, key, QUIET | {"caring": "prefer not to say", "stray": "x"}, AS_OF)
    assert "caring" not in left.answers and "stray" not in left.answers


def test_kept_once_with_its_date_and_read_back_only_by_the_councillor_and_officers(council):
    ann, ben = councillor_user(council, "Ann Abbot"), councillor_user(council, "Ben Brook")
    found = own_risk.assess(council, ann.councillor_key, QUIET | {"lives_alone": "yes"}, AS_OF)
    first = own_risk.save(council, ann, found)
    assert own_risk.save(council, ann, found) == first  # a second press keeps nothing more
    (kept,) = own_risk.history(council, ann, ann.councillor_key)
    assert (kept["assessment_id"], kept["completed_on"], kept["level"]) == (first, AS_OF, found.level)
    assert kept["answers"]["lives_alone"] == "yes" and kept["reasons"] == list(found.reasons)
    assert own_risk.history(council, OFFICER, ann.councillor_key)[0]["assessment_id"] == first
    register = council.execute("SELECT own_assessment_on FROM councillors WHERE name = 'Ann Abbot'").fetchone()
    assert register == (None,)  # the register's imported date is left as it was
    (logged,) = council.execute("SELECT subject, detail FROM audit_log WHERE action = ?",
                                [audit.COMPLETED_OWN_RISK]).fetchall()  # fmt: skip
    assert logged == (first, f"{found.level} risk")
    champion = User("champ", "Cham Pion", SAFETY_CHAMPION)
    for who in (ben, champion):
        with pytest.raises(own_risk.NotYours, match="only your own"):
            own_risk.history(council, who, ann.councillor_key)
        with pytest.raises(own_risk.NotYours):
            own_risk.save(council, who, found)
        with pytest.raises(own_risk.NotYours):
            own_risk.ask_for_contact(council, who, first)
    assert council.execute("SELECT count(*) FROM own_risk_assessments").fetchone() == (1,)


def test_asking_for_contact_raises_one_support_request_at_the_level_without_the_answers(council):
    ann = councillor_user(council, "Ann Abbot")
    answers = QUIET | {"contentious_issues": "yes", "address_published": "yes", "cabinet": "yes", "lives_alone": "yes"}
    found = own_risk.assess(council, ann.councillor_key, answers, AS_OF)
    kept = own_risk.save(council, ann, found)
    request = own_risk.ask_for_contact(council, ann, kept)
    assert own_risk.ask_for_contact(council, ann, kept) == request
    rows = council.execute(
        "SELECT request_id, kind, councillor_key, threat, summary, raised_by FROM requests"
    ).fetchall()
    assert len(rows) == 1
    request_id, kind, key, threat, summary, raised_by = rows[0]
    assert (request_id, kind, key, threat, raised_by) == (request, "support request", ann.councillor_key, "high", "ann")
    assert "high risk" in summary and "alone" not in summary.lower()
    assert own_risk.history(council, ann, ann.councillor_key)[0]["request_id"] == request
    details = " ".join(d or "" for (d,) in council.execute("SELECT detail FROM audit_log").fetchall())
    assert "alone" not in details.lower()


def test_the_shipped_questionnaire_covers_the_toolkits_areas_and_every_risk_has_guidance():
    form = own_risk.questions()
    ids = {question.id for question in form.questions}
    assert {"cabinet", "chair", "planning_or_licensing", "contentious_issues", "media_profile", "surgeries",
            "home_visits", "lone_working", "evening_meetings", "rural_travel", "social_media", "address_published",
            "protected_characteristics", "lives_alone", "caring"} == ids  # fmt: skip
    assert [section.personal for section in form.sections] == [False, False, False, True]
    assert all(guidance for _, guidance in form.risks.values())
    assert [(level, months) for level, _, months in form.levels] == [("low", 12), ("medium", 6), ("high", 3)]
    assert own_risk.PREFER_NOT_TO_SAY in form.sections[3].questions[0].answers


@pytest.mark.parametrize(
    ("change", "saying"),
    [
        (lambda raw: raw.update(colour="red"), "does not know \\(colour\\)"),
        (lambda raw: raw["sections"][0]["questions"][0]["options"][0].update(risk="nowhere"), "without a known risk"),
        (lambda raw: raw["sections"][0]["questions"][0]["options"][0].update(weight=-1), "weight"),
        (lambda raw: raw["levels"].reverse(), "low, medium and high"),
        (lambda raw: raw["sections"][0]["questions"][0].update(kind="maybe"), "neither yes/no"),
        (lambda raw: raw["sections"][1]["questions"][0].update(id="cabinet"), "more than once"),
        (lambda raw: raw["incidents"]["by_threat"].pop("critical"), "each threat level"),
        (lambda raw: raw.pop("risks"), "without risks"),
    ],
)
def test_a_broken_questionnaire_file_is_refused_in_one_sentence(tmp_path, change, saying):
    raw = json.loads(own_risk.QUESTIONNAIRE.read_text(encoding="utf-8"))
    change(raw)
    broken = tmp_path / "own-risk-assessment.json"
    broken.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(Refusal, match=saying) as refused:
        own_risk.load(broken)
    assert str(refused.value).startswith("The questionnaire file own-risk-assessment.json ")
    assert str(refused.value).count(". ") == 0


def test_a_file_that_is_not_json_is_refused(tmp_path):
    broken = tmp_path / "own-risk-assessment.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(Refusal, match="is not valid JSON"):
        own_risk.load(broken)
