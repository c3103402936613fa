from datetime import date

import pytest

from analytics import clock, store
from analytics.assessment.indicators import indicators
from analytics.governance import retention
from analytics.incidents.alerts import current_alerts
from analytics.incidents.risk import councillor_risks
from analytics.ingest import registers
from analytics.ingest.importing import import_file
from analytics.sample import demo
from analytics.surveys.surveys import import_survey
from tests.analytics.ingest.helpers import ROWS, csv_bytes
from tests.analytics.surveys.helpers import PLAIN as PLAIN_SURVEY


def test_the_sample_council_loads_linked_and_labelled(con):
    results = demo.load_sample(con)
    assert [getattr(result, "rejected", None) for result in results] == [0, 0, 5, None, 0, 0]  # None: the boundaries
    assert demo.sample_loaded(con)
    assert registers.chosen_authority(con) == "E07999901"
    unlinked = con.execute(
        """SELECT count(*) FROM incidents i
           WHERE ward_code IS NULL
              OR NOT EXISTS (SELECT 1 FROM councillors c WHERE c.councillor_key = i.councillor_key)"""
    ).fetchone()[0]
    assert unlinked == 0


def test_the_sample_is_loaded_only_into_a_database_without_incidents(con):
    import_file(con, "incidents", csv_bytes(*ROWS), "ours.csv")
    assert demo.load_sample(con) == []
    assert not demo.sample_loaded(con)


def test_removing_the_sample_leaves_the_councils_own_data(con):
    demo.load_sample(con)
    import_file(con, "incidents", csv_bytes(*ROWS), "ours.csv")
    demo.remove_sample(con)
    counts = store.table_counts(con)
    assert counts["incidents"] == 3 and counts["councillors"] == 0 and counts["wards"] == 0
    assert counts["import_batches"] == 1 and counts["quarantine"] == 0
    assert not demo.sample_loaded(con) and registers.chosen_authority(con) is None


def survey_waves(con) -> list[tuple]:
    return con.execute("SELECT label, tool, respondents, questions FROM survey_waves ORDER BY label").fetchall()


def test_the_sample_brings_two_survey_waves(con):
    results = demo.load_sample(con)
    assert [result.file_name for result in results] == [
        "wards.csv",
        "councillor_register.csv",
        "incident_log.xlsx",
        "ward_boundaries.geojson",
        "councillor_survey_2025.xlsx",
        "councillor_survey_2026.csv",
    ]
    assert survey_waves(con) == [("2025", "microsoft_forms", 38, 15), ("2026", "surveymonkey", 41, 15)]
    waves = {wave_id for (wave_id,) in con.execute("SELECT wave_id FROM survey_waves").fetchall()}
    assert set(demo.sample_waves(con)) == waves and not waves & set(demo.sample_batches(con))
    assert len(demo.sample_batches(con)) == 4  # its three files and its wards' boundaries
    counts = store.table_counts(con)
    assert counts["survey_questions"] == 30 and counts["survey_answers"] > 79 * 10


def test_removing_the_sample_removes_its_waves_but_not_the_councils_own(con):
    demo.load_sample(con)
    import_survey(con, PLAIN_SURVEY.encode(), "ours.csv", wave="2024")
    demo.remove_sample(con)
    assert survey_waves(con) == [("2024", "plain", 3, 3)]
    counts = store.table_counts(con)
    assert (counts["survey_questions"], counts["survey_answers"]) == (3, 9)
    assert demo.sample_waves(con) == [] and not demo.sample_loaded(con)


def test_a_wave_label_the_council_already_uses_is_left_to_the_council(con):
    import_survey(con, PLAIN_SURVEY.encode(), "ours.csv", wave="2025")
    demo.load_sample(con)
    assert survey_waves(con) == [("2025", "plain", 3, 3), ("2026", "surveymonkey", 41, 15)]
    demo.remove_sample(con)
    assert survey_waves(con) == [("2025", "plain", 3, 3)]


@pytest.mark.parametrize(
    ("today", "latest_month"),
    [("2026-11-24", "October 2026"), ("2026-12-01", "November 2026"), ("2028-02-29", "February 2028")],
)
def test_the_sample_ends_in_the_latest_complete_month_with_its_rise_there(con, monkeypatch, today, latest_month):
    monkeypatch.setenv(clock.CLOCK_ENV, today)
    results = demo.load_sample(con)
    assert [getattr(result, "rejected", None) for result in results] == [0, 0, 5, None, 0, 0]  # None: the boundaries
    last = con.execute("SELECT max(occurred_on) FROM incidents").fetchone()[0]
    assert f"{last:%B %Y}" == latest_month
    rises = {alert.concerns: alert for alert in current_alerts(con, clock.today()) if alert.kind == "unusual rise"}
    assert rises["ward: Castle Hill"].figures["period_label"] == latest_month
    assert rises["ward: Castle Hill"].figures["count"] == 19


def test_the_moved_sample_names_its_survey_waves_by_the_year_they_opened(con, monkeypatch):
    monkeypatch.setenv(clock.CLOCK_ENV, "2028-02-29")  # 16 months on: March 2025 and 2026 become July 2026 and 2027
    demo.load_sample(con)
    assert survey_waves(con) == [("2026", "microsoft_forms", 38, 15), ("2027", "surveymonkey", 41, 15)]
    assert demo.months_to_move(date(2028, 2, 29)) == 16 and demo.months_to_move(date(2026, 11, 1)) == 0


def _as_read(con) -> tuple:
    """What the self-assessment, the risk page and the retention preview say of the sample as of the clock's today."""
    today = clock.today()
    risks = [
        (risk.name, risk.suggested, risk.recorded, risk.incidents_12_months, risk.needs_escalation)
        for risk in councillor_risks(con, today)
    ]  # not the reasons: they name dates, and a window counted in days (90) holds a day more or less as months differ
    return indicators(con, today), risks, retention.preview(con, today)["rows"].tolist()


def test_loaded_on_any_day_the_sample_reads_as_it_did_on_the_day_it_was_designed(tmp_path, monkeypatch):
    read = []
    for today in ("2026-11-24", "2028-03-24"):  # 24 days after the log's last month, as designed and 17 months on
        monkeypatch.setenv(clock.CLOCK_ENV, today)
        con = store.connect(tmp_path / f"{today}.duckdb")
        demo.load_sample(con)
        read.append(_as_read(con))
    designed, moved = read
    assert moved == designed
    assert [indicator.value for indicator in designed[0]][:1] != [None]  # statement 1 has councillors to count
    assert any(escalation for *_, escalation in designed[1])


def test_the_sample_brings_a_boundary_for_each_of_its_wards_and_takes_them_when_removed(con):
    demo.load_sample(con)
    with_boundary = "SELECT count(*) FROM ward_boundaries JOIN wards USING (ward_code) WHERE authority_code = ?"
    assert con.execute(with_boundary, ["E07999901"]).fetchone()[0] == 20
    demo.remove_sample(con)
    assert con.execute("SELECT count(*) FROM ward_boundaries").fetchone()[0] == 0
