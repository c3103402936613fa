"""The incidents' derived facts, kept as a table by whatever changes the log: imports, purges, the sample removed."""

from datetime import date

from analytics import store
from analytics.governance import retention
from analytics.incidents import facts
from analytics.ingest.batches import data_version
from analytics.sample.demo import load_sample, remove_sample
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards


def threats(con) -> dict[str, str]:
    return dict(con.execute("SELECT incident_ref, threat FROM incident_facts ORDER BY 1").fetchall())


def by_one_person(day: str, ref: str, **fields) -> dict:
    return incident(day, "Ann Abbot", "Abbey", "email", "verbal abuse", incident_ref=ref, perpetrator_ref="@jdoe",
                    **fields)  # fmt: skip


def test_an_incident_from_a_later_import_raises_the_triage_of_the_earlier_ones(con):
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey")])
    load_incidents(con, [by_one_person("2026-01-05", "INC-1"), by_one_person("2026-02-05", "INC-2")])
    assert threats(con) == {"INC-1": "low", "INC-2": "low"}
    load_incidents(con, [by_one_person("2026-03-05", "INC-3")])
    assert threats(con) == {"INC-1": "medium", "INC-2": "medium", "INC-3": "medium"}


def test_purged_incidents_leave_the_facts_and_the_data_version_changes(con):
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey")])
    load_incidents(con, [by_one_person(f"2016-0{n}-05", f"INC-{n}", status="closed") for n in (1, 2, 3)])
    con.execute("UPDATE import_batches SET imported_at = '2016-06-01'")
    before = data_version(con)
    retention.purge(con, "test", date(2026, 6, 1))
    assert threats(con) == {}
    assert data_version(con) != before


def test_the_removed_sample_leaves_no_facts(con):
    load_sample(con)
    remove_sample(con)
    assert con.execute("SELECT count(*) FROM incident_facts").fetchall() == [(0,)]


def test_a_database_whose_facts_other_rules_built_is_built_again_when_opened(db_path):
    con = store.connect(db_path)
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey")])
    load_incidents(con, [by_one_person("2026-01-05", "INC-1")])
    con.execute("UPDATE incident_facts SET threat = 'critical'")
    store.set_setting(con, facts.RULES_SETTING, "older rules")
    con.close()
    assert threats(store.connect(db_path)) == {"INC-1": "low"}


def test_a_question_does_not_work_the_facts_out_again(con):
    assert con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_name = 'incident_facts'"
    ).fetchall() == [("BASE TABLE",)]
