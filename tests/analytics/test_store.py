import pytest

from analytics import store


def test_a_new_file_is_created_at_the_current_schema_version(db_path):
    con = store.connect(db_path)
    assert store.schema_version(con) == len(store.MIGRATIONS)
    assert store.table_counts(con)["incidents"] == 0


def test_an_older_file_is_upgraded_in_place_keeping_its_data(db_path, monkeypatch):
    con = store.connect(db_path)
    store.set_setting(con, "authority_code", "E07999901")
    con.close()
    monkeypatch.setattr(store, "MIGRATIONS", [*store.MIGRATIONS, "ALTER TABLE settings ADD COLUMN note VARCHAR"])
    upgraded = store.connect(db_path)
    assert store.schema_version(upgraded) == len(store.MIGRATIONS)
    assert upgraded.execute("SELECT value, note FROM settings WHERE name = ?", ["authority_code"]).fetchall() == [
        ("E07999901", None)
    ]


def test_a_failed_migration_leaves_the_file_at_its_last_good_version(db_path, monkeypatch):
    store.connect(db_path).close()
    monkeypatch.setattr(store, "MIGRATIONS", [*store.MIGRATIONS, "ALTER TABLE no_such_table ADD COLUMN x INT"])
    with pytest.raises(Exception, match="no_such_table"):
        store.connect(db_path)
    monkeypatch.undo()
    assert store.schema_version(store.connect(db_path)) == len(store.MIGRATIONS)


def test_the_database_path_comes_from_the_flag_then_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(store.DB_ENV, str(tmp_path / "env.duckdb"))
    assert store.database_path() == tmp_path / "env.duckdb"
    assert store.database_path(tmp_path / "flag.duckdb") == tmp_path / "flag.duckdb"
    monkeypatch.delenv(store.DB_ENV)
    assert store.database_path() == store.DEFAULT_DB


def test_a_file_held_by_another_process_is_reported_as_busy(held_database):
    with pytest.raises(store.StoreBusy, match="Import page"):
        store.connect(held_database)


def test_extension_autoloading_is_off(con):
    assert con.execute("SELECT current_setting('autoload_known_extensions')").fetchone()[0] is False
