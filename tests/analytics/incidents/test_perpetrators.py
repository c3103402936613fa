"""Repeat perpetrators on a small hand-built council, imported through the real path, with known answers."""

from datetime import date

import pytest

from analytics.incidents.filters import IncidentFilter
from analytics.incidents.perpetrators import (
    listed_counts,
    listing_rules,
    perpetrator_timeline,
    perpetrator_timelines,
    repeat_perpetrators,
)
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

AS_OF = date(2026, 6, 30)


def build_council(con) -> None:
    load_wards(con, {"Abbey": 1, "Brook": 2})
    load_councillors(
        con,
        [
            councillor("Ann Abbot", "Abbey"),
            councillor("Ben Brook", "Brook", role="Cabinet member"),
            councillor("Cat Cole", "Brook"),
        ],
    )
    load_incidents(
        con,
        [
            # One person written three ways, against two councillors, threat rising from low to high.
            incident("2026-01-05", "Ann Abbot", "Abbey", "email", "verbal abuse", perpetrator_ref="@JaneDoe",
                     threat_level="low"),
            incident("2026-02-10", "Ben Brook", "Brook", "social media", "verbal abuse", perpetrator_ref="janedoe",
                     threat_level="low"),
            incident("2026-03-15", "Ann Abbot", "Abbey", "social media", "intimidation", perpetrator_ref="janedoe",
                     threat_level="medium"),
            incident("2026-04-20", "Ann Abbot", "Abbey", "social media", "threat of violence",
                     perpetrator_ref="https://x.com/JaneDoe", threat_level="high", reported_to_police="yes"),
            # Three incidents against one councillor, threat falling: listed, not rising.
            incident("2026-01-10", "Cat Cole", "Brook", "letter", "threat of violence", perpetrator_ref="Rob Roe",
                     threat_level="high"),
            incident("2026-02-10", "Cat Cole", "Brook", "letter", "verbal abuse", perpetrator_ref="Rob Roe",
                     threat_level="low"),
            incident("2026-03-10", "Cat Cole", "Brook", "letter", "verbal abuse", perpetrator_ref="Rob Roe",
                     threat_level="low"),
            # Two incidents against one councillor, threat rising: listed for that alone.
            incident("2026-01-20", "Cat Cole", "Brook", "phone", "verbal abuse", perpetrator_ref="Uma Up",
                     threat_level="low"),
            incident("2026-05-20", "Cat Cole", "Brook", "phone", "intimidation", perpetrator_ref="Uma Up",
                     threat_level="medium"),
            # One incident each against two councillors: listed.
            incident("2026-02-01", "Ann Abbot", "Abbey", "email", "verbal abuse", perpetrator_ref="vic@example.com",
                     threat_level="low"),
            incident("2026-02-02", "Ben Brook", "Brook", "email", "verbal abuse", perpetrator_ref="VIC@example.com",
                     threat_level="low"),
            # Not listed: two steady incidents against one councillor, one incident, and no one identified.
            incident("2026-01-25", "Ben Brook", "Brook", "phone", "verbal abuse", perpetrator_ref="Tom Two",
                     threat_level="low"),
            incident("2026-03-25", "Ben Brook", "Brook", "phone", "verbal abuse", perpetrator_ref="Tom Two",
                     threat_level="low"),
            incident("2026-03-01", "Ann Abbot", "Abbey", "email", "verbal abuse", perpetrator_ref="Sam Single",
                     threat_level="low"),
            incident("2026-03-02", "Ann Abbot", "Abbey", "email", "verbal abuse", perpetrator_ref="unknown",
                     threat_level="low"),
            incident("2026-03-03", "Ben Brook", "Brook", "email", "verbal abuse", perpetrator_ref="Unknown",
                     threat_level="low"),
        ],
    )  # fmt: skip


@pytest.fixture
def council(built_by):
    return built_by(build_council)


def by_key(people):
    return {person.perpetrator_key: person for person in people}


def test_one_person_written_three_ways_is_linked_as_one(council):
    jane = by_key(repeat_perpetrators(council, IncidentFilter(), AS_OF))["janedoe"]
    assert jane.written_as == ["janedoe", "@JaneDoe", "https://x.com/JaneDoe"]  # most frequent first
    assert (jane.incidents, jane.councillors) == (4, 2)
    assert (jane.first_seen, jane.last_seen) == (date(2026, 1, 5), date(2026, 4, 20))
    assert (jane.highest_threat, jane.reported_to_police) == ("high", 1)


def test_a_rising_threat_is_detected_and_said_in_plain_english(council):
    jane = by_key(repeat_perpetrators(council, IncidentFilter(), AS_OF))["janedoe"]
    assert jane.threat_rising
    assert jane.reasons == [
        "linked to 4 incidents",
        "targets 2 councillors",
        "threat rose from low to high in their latest 2 incidents",
    ]
    assert jane.sentence == (
        "janedoe is linked to 4 incidents against 2 councillors since 5 January 2026, and their threat rose from "
        "low to high (1 of them already reported to the police); consider referral to the police."
    )


def test_a_falling_threat_is_not_rising_but_three_incidents_still_list_them(council):
    rob = by_key(repeat_perpetrators(council, IncidentFilter(), AS_OF))["rob roe"]
    assert not rob.threat_rising
    assert rob.reasons == ["linked to 3 incidents"]
    assert rob.sentence == (
        "rob roe is linked to 3 incidents against 1 councillor since 10 January 2026; consider referral to the police."
    )


def test_who_is_listed_and_in_what_order(council):
    people = repeat_perpetrators(council, IncidentFilter(), AS_OF)
    # high or critical first, then by incidents, then by highest threat
    assert [person.perpetrator_key for person in people] == ["janedoe", "rob roe", "uma up", "vic@example.com"]
    assert by_key(people)["uma up"].reasons == ["threat rose from low to medium in their latest incident"]
    assert by_key(people)["vic@example.com"].reasons == ["targets 2 councillors"]


def test_only_incidents_up_to_as_of_count(council):
    jane = by_key(repeat_perpetrators(council, IncidentFilter(), date(2026, 3, 31)))["janedoe"]
    assert (jane.incidents, jane.highest_threat) == (3, "medium")
    assert jane.reasons[-1] == "threat rose from low to medium in their latest incident"
    assert "uma up" not in by_key(repeat_perpetrators(council, IncidentFilter(), date(2026, 3, 31)))


def test_the_filter_narrows_the_incidents_counted(council):
    social_media = by_key(repeat_perpetrators(council, IncidentFilter(channels=("social media",)), AS_OF))
    assert list(social_media) == ["janedoe"]
    assert (social_media["janedoe"].incidents, social_media["janedoe"].councillors) == (3, 2)
    in_brook = repeat_perpetrators(council, IncidentFilter(wards=("Brook",)), AS_OF)
    assert [person.perpetrator_key for person in in_brook] == ["rob roe", "uma up"]


def test_an_empty_log_lists_no_one(con):
    assert repeat_perpetrators(con, IncidentFilter(), AS_OF) == []


def test_the_timeline_gives_one_persons_incidents_oldest_first(council):
    timeline = perpetrator_timeline(council, "janedoe")
    assert list(timeline.columns) == [
        "occurred_on",
        "councillor",
        "ward",
        "channel",
        "abuse_types",
        "threat",
        "threat_derived",
        "reported_to_police",
    ]
    assert timeline["occurred_on"].dt.date.tolist() == [date(2026, 1, 5), date(2026, 2, 10), date(2026, 3, 15),
                                                date(2026, 4, 20)]  # fmt: skip
    assert timeline["councillor"].tolist() == ["Ann Abbot", "Ben Brook", "Ann Abbot", "Ann Abbot"]
    assert timeline["threat"].tolist() == ["low", "low", "medium", "high"]
    assert timeline["abuse_types"].iloc[-1] == "threat of violence"
    assert perpetrator_timeline(council, "nobody").empty


def test_the_listing_rules_are_written_from_the_constants():
    rules = listing_rules()
    assert rules["listed"][0] == "linked to 3 or more incidents"
    assert "latest third" in rules["listed"][2]


# The incident_facts view: perpetrator key and the repeat-perpetrator bump of a derived threat.


def test_the_perpetrator_key_links_handles_urls_and_case_and_ignores_unknown(council):
    keys = dict(
        council.execute(
            "SELECT perpetrator_ref, any_value(perpetrator_key) FROM incident_facts GROUP BY ALL"
        ).fetchall()
    )
    assert {keys["@JaneDoe"], keys["janedoe"], keys["https://x.com/JaneDoe"]} == {"janedoe"}
    assert keys["VIC@example.com"] == "vic@example.com"
    assert keys["unknown"] is None and keys["Unknown"] is None
    unlinked = council.execute(
        "SELECT DISTINCT perpetrator_incidents FROM incident_facts WHERE perpetrator_key IS NULL"
    ).fetchall()
    assert unlinked == [(1,)]  # two 'unknown' incidents are not one person


def test_a_derived_threat_rises_one_level_for_a_repeat_perpetrator(con):
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey")])
    load_incidents(
        con,
        [
            incident("2026-01-01", "Ann Abbot", "Abbey", "email", "verbal abuse", perpetrator_ref="@Rep",
                     incident_ref="R1"),
            incident("2026-01-02", "Ann Abbot", "Abbey", "email", "intimidation", perpetrator_ref="rep",
                     incident_ref="R2"),
            incident("2026-01-03", "Ann Abbot", "Abbey", "email", "death threat", perpetrator_ref="REP",
                     incident_ref="R3"),
            incident("2026-01-04", "Ann Abbot", "Abbey", "email", "verbal abuse", perpetrator_ref="rep",
                     incident_ref="R4", threat_level="low"),
            incident("2026-01-05", "Ann Abbot", "Abbey", "email", "verbal abuse", perpetrator_ref="Twice",
                     incident_ref="T1"),
            incident("2026-01-06", "Ann Abbot", "Abbey", "email", "verbal abuse", perpetrator_ref="twice",
                     incident_ref="T2"),
        ],
    )  # fmt: skip
    threats = {
        ref: (threat, derived)
        for ref, threat, derived in con.execute("SELECT incident_ref, threat, threat_derived FROM incident_facts")
        .fetchall()
    }  # fmt: skip
    assert threats == {
        "R1": ("medium", True),  # low, one higher
        "R2": ("high", True),  # medium, one higher
        "R3": ("critical", True),  # critical stays critical
        "R4": ("low", False),  # a recorded level is kept
        "T1": ("low", True),  # two incidents are not a repeat perpetrator
        "T2": ("low", True),
    }


def test_the_list_is_the_same_whether_read_from_the_table_the_import_built_or_worked_out_afresh(council):
    built = repeat_perpetrators(council, IncidentFilter(), AS_OF)
    afresh = repeat_perpetrators(council, IncidentFilter(wards=("Abbey", "Brook")), AS_OF)
    assert [person.perpetrator_key for person in built] == ["janedoe", "rob roe", "uma up", "vic@example.com"]
    assert built == afresh


def test_a_page_of_the_list_and_the_counts_of_everyone_listed(council):
    everyone = repeat_perpetrators(council, IncidentFilter(), AS_OF)
    assert repeat_perpetrators(council, IncidentFilter(), AS_OF, most=2, skip=1) == everyone[1:3]
    listed = listed_counts(council, IncidentFilter(), AS_OF)
    assert (listed.people, listed.serious, listed.rising) == (4, 2, 2)
    assert listed_counts(council, IncidentFilter(wards=("Abbey",)), AS_OF).people == 1  # janedoe


def test_the_timelines_of_several_people_come_in_one_question(council):
    timelines = perpetrator_timelines(council, ["janedoe", "uma up", "nobody"])
    assert set(timelines) == {"janedoe", "uma up"}
    assert timelines["janedoe"].equals(perpetrator_timeline(council, "janedoe"))
    assert timelines["uma up"]["threat"].tolist() == ["low", "medium"]


def test_a_period_taking_in_the_whole_log_lists_the_same_people_as_no_period(council):
    whole = IncidentFilter(start=date(2025, 1, 1), end=AS_OF)
    assert repeat_perpetrators(council, whole, AS_OF) == repeat_perpetrators(council, IncidentFilter(), AS_OF)
    later = IncidentFilter(start=date(2026, 3, 1), end=AS_OF)
    assert [person.perpetrator_key for person in repeat_perpetrators(council, later, AS_OF)] == ["janedoe"]


def test_a_timeline_can_be_cut_to_the_latest_incidents(council):
    latest = perpetrator_timelines(council, ["janedoe", "uma up"], latest=2)
    assert latest["janedoe"].equals(perpetrator_timeline(council, "janedoe").iloc[2:].reset_index(drop=True))
    assert len(latest["uma up"]) == 2
