"""The copy of the database the dashboard keeps beside it, for the command line to read while the dashboard holds
the file."""

import os
import stat
import time
from datetime import datetime

import duckdb
import pytest

from analytics import audit, clock, snapshot, store
from analytics.governance import accounts, sessions
from analytics.ingest.importing import import_file
from tests.analytics.ingest.helpers import ROWS, csv_bytes

WAIT = 30  # seconds a test waits for the keeper at most: a deadline, never a measure


def imported(con, *rows: str) -> None:
    import_file(con, "incidents", csv_bytes(*rows), "log.csv")


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"the keeper did not {what}"
        time.sleep(0.05)


def incidents_in_copy(database) -> int | None:
    opened = snapshot.open_copy(database)
    if opened is None:
        return None
    copy, _ = opened
    try:
        return copy.execute("SELECT count(*) FROM incidents").fetchone()[0]
    finally:
        copy.close()


def test_the_copy_holds_the_data_and_its_views_and_opens_read_only(con, migrated):
    imported(con, *ROWS)
    made = snapshot.make_copy(con, migrated)
    copy, made_at = snapshot.open_copy(migrated)
    assert made_at == made and isinstance(made, datetime)
    assert copy.execute("SELECT count(*) FROM incident_facts").fetchone()[0] == 3
    assert store.table_counts(copy) == store.table_counts(con)
    with pytest.raises(duckdb.Error, match="read-only"):
        copy.execute("DELETE FROM incidents")


def test_whatever_tables_a_migration_makes_are_copied_foreign_keys_and_other_schemas_too(con, migrated):
    con.execute("CREATE TABLE ward_notes (ward_code VARCHAR PRIMARY KEY, note VARCHAR)")
    con.execute("CREATE TABLE ward_notes_linked (ward_code VARCHAR REFERENCES ward_notes (ward_code), url VARCHAR)")
    con.execute("CREATE SCHEMA derived")
    con.execute("CREATE TABLE derived.monthly (month DATE, incidents INTEGER)")
    con.execute("INSERT INTO ward_notes VALUES ('E05000001', 'a note')")
    con.execute("INSERT INTO ward_notes_linked VALUES ('E05000001', 'https://example.org')")
    con.execute("INSERT INTO derived.monthly VALUES ('2026-10-01', 19)")
    snapshot.make_copy(con, migrated)
    copy, _ = snapshot.open_copy(migrated)
    assert copy.execute(
        """SELECT note, url, incidents FROM ward_notes JOIN ward_notes_linked USING (ward_code)
           CROSS JOIN derived.monthly"""
    ).fetchall() == [("a note", "https://example.org", 19)]


def test_the_copy_is_made_at_the_clocks_time(con, migrated):
    before = clock.now()
    made = snapshot.make_copy(con, migrated)
    assert before <= made <= clock.now()


def test_the_copy_leaves_out_accounts_sessions_and_the_audit_trail(con, migrated):
    accounts.add_user(con, "ann", "safety officer", actor="test", password="a long enough password")
    sessions.start(con, "ann")
    audit.record(con, "ann", audit.EXPORTED, "log.csv")
    snapshot.make_copy(con, migrated)
    copy, _ = snapshot.open_copy(migrated)
    for table in snapshot.LEFT_OUT:
        assert copy.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_the_copy_has_the_databases_permissions_and_no_file_is_left_beside_it(con, migrated):
    os.chmod(migrated, 0o600)
    snapshot.make_copy(con, migrated)
    copy_file = snapshot.copy_path(migrated)
    assert stat.S_IMODE(copy_file.stat().st_mode) == 0o600
    beside = {path.name for path in migrated.parent.iterdir()} - {migrated.name, f"{migrated.name}.wal"}
    assert beside == {copy_file.name}


def test_there_is_no_copy_to_open_until_one_is_made(migrated):
    assert snapshot.open_copy(migrated) is None


def test_a_copy_made_at_another_schema_version_is_not_opened(con, migrated):
    snapshot.make_copy(con, migrated)
    con.execute("DELETE FROM schema_version WHERE version = ?", [len(store.MIGRATIONS)])
    snapshot.make_copy(con, migrated)
    assert snapshot.open_copy(migrated) is None


def test_the_copy_is_removed(con, migrated):
    snapshot.make_copy(con, migrated)
    snapshot.remove_copy(migrated)
    assert snapshot.open_copy(migrated) is None
    snapshot.remove_copy(migrated)  # no copy: nothing to do


def test_the_fingerprint_changes_with_an_import_a_removal_or_a_setting_not_with_a_sign_in(con):
    seen = [snapshot.fingerprint(con)]
    imported(con, *ROWS)
    seen.append(snapshot.fingerprint(con))
    imported(con, ROWS[0].replace("Facebook", "Email"))  # an update in place: a new import batch
    seen.append(snapshot.fingerprint(con))
    con.execute("DELETE FROM incidents WHERE incident_ref = ?", ["INC-2"])
    seen.append(snapshot.fingerprint(con))
    store.set_setting(con, "authority_code", "E07999901")
    seen.append(snapshot.fingerprint(con))
    assert len(set(seen)) == len(seen)
    accounts.add_user(con, "ann", "safety officer", actor="test", password="a long enough password")
    sessions.start(con, "ann")
    assert snapshot.fingerprint(con) == seen[-1]


def test_the_keeper_waits_until_the_dashboard_has_opened_the_database(con, migrated):
    """Until its first page or request the dashboard does not hold the file, and the command line reads the file."""
    opened = []
    keeper = snapshot.Keeper(lambda: con.cursor() if opened else None, migrated, poll_seconds=0.1)
    keeper.start()
    try:
        time.sleep(0.5)  # a few of the keeper's looks
        assert snapshot.open_copy(migrated) is None
        opened.append(True)
        wait_until(lambda: incidents_in_copy(migrated) == 0, "make the copy once the database was opened")
    finally:
        keeper.stop()


def test_the_keeper_makes_the_copy_at_start_and_again_after_an_import(con, migrated):
    keeper = snapshot.Keeper(con.cursor, migrated, poll_seconds=0.1)
    keeper.start()
    try:
        wait_until(lambda: incidents_in_copy(migrated) == 0, "make the copy at start")
        imported(con, *ROWS)
        wait_until(lambda: incidents_in_copy(migrated) == 3, "refresh the copy after the import")
    finally:
        keeper.stop()
    assert snapshot.open_copy(migrated) is None, "the copy goes when the dashboard stops"


def test_a_copy_that_cannot_be_made_again_after_a_change_is_removed_not_left_stale(con, migrated, monkeypatch):
    """After a purge, say, a copy of the data before it must not stay readable because the new copy failed."""
    keeper = snapshot.Keeper(con.cursor, migrated, poll_seconds=0.1)
    keeper.start()
    try:
        wait_until(lambda: incidents_in_copy(migrated) == 0, "make the copy at start")

        def disk_full(*args):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(snapshot, "make_copy", disk_full)
        imported(con, *ROWS)
        wait_until(lambda: not snapshot.copy_path(migrated).exists(), "remove the stale copy")
    finally:
        keeper.stop()
