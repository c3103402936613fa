from analytics import demo, registers, store
from analytics.importing import import_file
from tests.analytics.test_importing import ROWS, csv_bytes


def test_the_sample_council_loads_linked_and_labelled(con):
    results = demo.load_sample(con)
    assert [result.rejected for result in results] == [0, 0, 5]
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
