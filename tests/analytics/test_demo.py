from analytics import demo, registers, store
from analytics.importing import import_file
from analytics.surveys import import_survey
from tests.analytics.test_importing import ROWS, csv_bytes
from tests.analytics.test_surveys import PLAIN as PLAIN_SURVEY


def test_the_sample_council_loads_linked_and_labelled(con):
    results = demo.load_sample(con)
    assert [result.rejected for result in results] == [0, 0, 5, 0, 0]
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
        "councillor_survey_2025.xlsx",
        "councillor_survey_2026.csv",
    ]
    assert survey_waves(con) == [("2025", "microsoft_forms", 38, 15), ("2026", "surveymonkey", 41, 15)]
    waves = {wave_id for (wave_id,) in con.execute("SELECT wave_id FROM survey_waves").fetchall()}
    assert set(demo.sample_waves(con)) == waves and not waves & set(demo.sample_batches(con))
    assert len(demo.sample_batches(con)) == 3
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
