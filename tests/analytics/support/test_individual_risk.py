"""The officer's individual risk assessment of a councillor (toolkit 2.1.4), on a small hand-built council (as of
30 June 2026): the offers file, recording with its review date and offers, keeping every one, who may, and the
recorded level that escalation compares with."""

import json
from datetime import date

import pytest

from analytics import audit
from analytics.errors import Refusal
from analytics.governance.access import ADMINISTRATOR, COUNCILLOR, SAFETY_CHAMPION, SAFETY_OFFICER, VIEWER, User
from analytics.incidents.risk import councillor_risks
from analytics.support import individual_risk
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

AS_OF = date(2026, 6, 30)
OFFICER = User("officer", "Olu Officer", SAFETY_OFFICER)


def build_council(con) -> None:
    load_wards(con, {"Abbey": 1, "Brook": 2})
    load_councillors(con, [
        councillor("Ann Abbot", "Abbey", risk_level="low", risk_assessed_on="2025-01-10"),  # out of date
        councillor("Ben Brook", "Brook", risk_level="high", risk_assessed_on="2026-06-01"),
    ])  # fmt: skip
    load_incidents(con, [incident("2026-06-01", "Ann Abbot", "Abbey", "letter", "death threat")])  # critical


@pytest.fixture
def council(built_by):
    return built_by(build_council)


def key_of(con, name: str) -> str:
    return con.execute("SELECT councillor_key FROM councillors WHERE name = ?", [name]).fetchone()[0]


def record(con, name: str = "Ann Abbot", **changes) -> str:
    fields = {
        "level": "high", "assessed_on": AS_OF, "offered": ["home security assessment", "police liaison"],
        "accepted": ["home security assessment"], "notes": "Seen with the police on 29 June.",
    } | changes  # fmt: skip
    return individual_risk.record(con, OFFICER, key_of(con, name), **fields)


def test_the_shipped_offers_name_what_each_level_calls_for_and_its_review():
    offers = individual_risk.offers()
    assert offers.offers_for("high") == (
        "home security assessment", "cctv or video doorbell", "police liaison", "personal safety advice",
    )  # fmt: skip
    assert offers.offers_for("medium") == ("personal safety advice", "lone-worker device", "safety app")
    assert offers.offers_for("low") == ("personal safety advice",)
    assert [offers.review_months[level] for level in ("low", "medium", "high")] == [12, 6, 3]
    assert offers.choices[:9] == tuple(individual_risk.MITIGATIONS)  # the data contract's, then the file's others
    assert {"police liaison", "personal safety advice"} <= set(offers.choices)


@pytest.mark.parametrize(
    ("raw", "refusal"),
    [
        ("{", "is not valid JSON"),
        ({"levels": []}, "should list the levels low, medium and high"),
        ({"levels": [{"level": "low", "review_months": 12, "offers": ["a"]}]}, "should list the levels low, medium"),
        (
            {"levels": [{"level": level, "review_months": 0, "offers": ["a"]} for level in ("low", "medium", "high")]},
            "a review in 1 month or more",
        ),
        (
            {"levels": [{"level": level, "review_months": 3, "offers": []} for level in ("low", "medium", "high")]},
            "at least one offer",
        ),
        (
            {"levels": [{"level": lv, "review_months": 3, "offers": ["a", "a"]} for lv in ("low", "medium", "high")]},
            "at least one offer",
        ),
        ({"levels": [{"level": "low", "months": 3, "offers": ["a"]}]}, "is not laid out as"),
    ],
)
def test_an_offers_file_it_cannot_use_is_refused_in_one_sentence(tmp_path, raw, refusal):
    path = tmp_path / "offers.json"
    path.write_text(raw if isinstance(raw, str) else json.dumps(raw), encoding="utf-8")
    with pytest.raises(Refusal, match=refusal) as refused:
        individual_risk.load(path)
    assert ". " not in str(refused.value) and str(refused.value).endswith("reload the page.")


def test_an_assessment_is_kept_with_its_offers_and_a_review_by_its_level_and_audited(council):
    assessment_id = record(council)
    [kept] = individual_risk.history(council, OFFICER, key_of(council, "Ann Abbot"))
    assert kept == {
        "assessment_id": assessment_id, "assessed_on": AS_OF, "level": "high",
        "offered": ["home security assessment", "police liaison"], "accepted": ["home security assessment"],
        "notes": "Seen with the police on 29 June.", "review_on": date(2026, 9, 30), "recorded_by": "officer",
    }  # fmt: skip
    [(action, subject, detail)] = council.execute(
        "SELECT action, subject, detail FROM audit_log WHERE action = ?", [audit.RECORDED_INDIVIDUAL_RISK]
    ).fetchall()
    assert (subject, detail) == (assessment_id, "high risk")  # the notes stay out of the audit trail


def test_the_default_review_is_by_level_and_an_officer_may_choose_another(council):
    assert individual_risk.default_review("low", AS_OF) == date(2027, 6, 30)
    assert individual_risk.default_review("medium", AS_OF) == date(2026, 12, 30)
    record(council, level="medium", review_on=date(2026, 8, 1))
    [kept] = individual_risk.history(council, OFFICER, key_of(council, "Ann Abbot"))
    assert kept["review_on"] == date(2026, 8, 1)


def test_every_assessment_is_kept_latest_first_and_the_same_one_sent_twice_is_kept_once(council):
    first = record(council, level="medium", assessed_on=date(2026, 3, 1), offered=[], accepted=[], notes="")
    second = record(council)
    assert record(council) == second  # a second press of the button
    kept = individual_risk.history(council, OFFICER, key_of(council, "Ann Abbot"))
    assert [each["assessment_id"] for each in kept] == [second, first]
    assert kept[1]["notes"] is None
    assert individual_risk.history(council, OFFICER, key_of(council, "Ben Brook")) == []


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"level": "extreme"}, "Choose a level: low, medium or high."),
        ({"offered": ["a moat"], "accepted": []}, "“a moat” is not an offer this dashboard knows"),
        ({"offered": ["police liaison"], "accepted": ["safety app"]}, "accepted only from what was offered"),
        ({"assessed_on": date(2026, 7, 1)}, "cannot be after today"),
        ({"review_on": AS_OF}, "The next review must be after the day assessed."),
    ],
)
def test_what_cannot_be_recorded_is_refused_and_nothing_kept(council, changes, refusal, monkeypatch):
    monkeypatch.setattr(individual_risk.clock, "today", lambda: AS_OF)
    with pytest.raises(Refusal, match=refusal):
        record(council, **changes)
    assert council.execute("SELECT count(*) FROM individual_risk_assessments").fetchone()[0] == 0


def test_an_assessment_of_a_councillor_not_in_the_register_is_refused(council):
    with pytest.raises(Refusal, match="not in the councillor register"):
        individual_risk.record(council, OFFICER, "nobody", level="low", assessed_on=AS_OF, offered=[], accepted=[],
                               notes="")  # fmt: skip


@pytest.mark.parametrize("role", [SAFETY_CHAMPION, COUNCILLOR, VIEWER])
def test_only_those_who_work_the_queue_may_record_or_read_them(council, role):
    record(council)
    ann = key_of(council, "Ann Abbot")
    someone = User("someone", "Someone", role, ann if role == COUNCILLOR else None)  # even about themselves
    message = "Only safety officers and administrators can record or read individual risk assessments."
    with pytest.raises(individual_risk.NotAllowed, match=message):
        individual_risk.history(council, someone, ann)
    with pytest.raises(individual_risk.NotAllowed, match=message):
        individual_risk.record(council, someone, ann, level="low", assessed_on=AS_OF, offered=[], accepted=[],
                               notes="")  # fmt: skip
    assert len(individual_risk.history(council, User("admin", "Ada", ADMINISTRATOR), ann)) == 1


def test_a_newer_individual_assessment_is_the_recorded_level_escalation_compares_with(council):
    before = {risk.name: risk for risk in councillor_risks(council, AS_OF)}
    assert before["Ann Abbot"].needs_escalation and before["Ann Abbot"].recorded == "low"
    record(council, assessed_on=date(2026, 6, 29))
    after = {risk.name: risk for risk in councillor_risks(council, AS_OF)}
    assert (after["Ann Abbot"].recorded, after["Ann Abbot"].assessed_on) == ("high", date(2026, 6, 29))
    assert not after["Ann Abbot"].needs_escalation


def test_an_older_individual_assessment_leaves_the_registers_newer_one_in_force(council):
    record(council, "Ben Brook", level="low", assessed_on=date(2026, 5, 1), offered=[], accepted=[])
    [ben] = [risk for risk in councillor_risks(council, AS_OF) if risk.name == "Ben Brook"]
    assert (ben.recorded, ben.assessed_on) == ("high", date(2026, 6, 1))


def test_an_assessment_after_the_day_asked_about_is_not_yet_in_force(council):
    record(council, assessed_on=date(2026, 6, 29))
    [ann] = [risk for risk in councillor_risks(council, date(2026, 6, 28)) if risk.name == "Ann Abbot"]
    assert (ann.recorded, ann.assessed_on) == ("low", date(2025, 1, 10))


def test_an_individual_assessment_is_in_force_over_an_undated_register_level(built_by):
    def undated(con) -> None:
        load_wards(con, {"Abbey": 1})
        load_councillors(con, [councillor("Uri Undated", "Abbey", risk_level="high")])

    con = built_by(undated)
    record(con, "Uri Undated", level="medium", assessed_on=date(2026, 6, 1), offered=[], accepted=[])
    [uri] = councillor_risks(con, AS_OF)
    assert (uri.recorded, uri.assessed_on, uri.assessment_out_of_date) == ("medium", date(2026, 6, 1), False)
