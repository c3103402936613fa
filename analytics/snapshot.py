"""The copy of the database the running dashboard keeps beside it, so the command line can read while it runs.

DuckDB lets one process open a database file for writing, and then no other process may open it at all: while the
dashboard runs, `python -m analytics alerts` (a council's weekly digest, run by its own scheduler) could not read
the file. So the dashboard keeps a copy, `<database>.snapshot`, and the read commands open that, read-only, when
the file is held.

The copy is made once the dashboard has opened the file, and again whenever what it holds has changed
(`fingerprint`, looked at every few seconds by a thread of the dashboard's, `Keeper`), and removed when the
dashboard stops. It is made in one read transaction of the database, so it holds what had been committed when it
began, never half an import; it is written inside a folder only this account can open, given the database's
permissions, and moved into place in one step, so a reader opens the previous copy or the new one, never half a
file. It copies every table, view, macro and sequence there is, whatever the migrations have made, but the rows of
the accounts, their sessions, the failed sign-ins and the audit trail stay out: no read command needs them, and a
copy holds no more than it must.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb

from analytics import clock, store

SUFFIX = ".snapshot"
LEFT_OUT = ("users", "sessions", "sign_in_failures", "audit_log")  # tables copied empty
POLL_SECONDS = 5.0
WHOLE_CONTENT_ROWS = 10_000  # a table this small is fingerprinted by its content, a larger one by its row count
_MADE = "snapshot"  # the table in the copy saying when it was made
_ALIAS = "command_line_copy"  # the copy's name while the dashboard's connection writes it
LOG = logging.getLogger("safety_dashboard.snapshot")


def copy_path(database: Path) -> Path:
    return database.with_name(database.name + SUFFIX)


def _partial_folder(database: Path) -> Path:
    """Where a copy is written before it is moved into place: one at a time, by the one process holding the file."""
    return database.with_name(database.name + SUFFIX + ".partial")


def _quoted(name: str) -> str:
    """An identifier from the database's own catalogue, quoted for SQL (names cannot be parameters)."""
    return '"' + name.replace('"', '""') + '"'


def _catalogue(con: duckdb.DuckDBPyConnection) -> list[tuple[str, bool]]:
    """Every table of the database, as SQL names it (schema and table, quoted), and whether the copy takes its
    rows; in the order they were made, so a table another refers to by a foreign key comes before it."""
    rows = con.execute(
        """SELECT schema_name, table_name, NOT (schema_name = 'main' AND list_contains(?, table_name))
           FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary
           ORDER BY table_oid""",
        [list(LEFT_OUT)],
    ).fetchall()
    return [(f"{_quoted(schema)}.{_quoted(table)}", copied) for schema, table, copied in rows]


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables whose rows the copy takes."""
    return [table for table, copied in _catalogue(con) if copied]


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever the copy would differ: each copied table's row count, and the whole content of the small
    ones (the import log, survey waves, settings), so an import, a survey wave, the sample loaded or removed, a
    purge and a changed setting all change it, while a sign-in or an entry in the audit trail does not.

    The large tables change only by an import (which adds a row to the small import log) or a deletion (which
    changes their count), so counting them is enough, and costs milliseconds at a million incidents."""
    tables = _tables(con)
    counts = _one_row(con, [f"(SELECT count(*) FROM {table})" for table in tables])
    small = [table for table, count in zip(tables, counts, strict=True) if count <= WHOLE_CONTENT_ROWS]
    contents = _one_row(con, [f"(SELECT sum(hash(whole_row)::HUGEINT) FROM {table} whole_row)" for table in small])
    return repr((dict(zip(tables, counts, strict=True)), dict(zip(small, contents, strict=True))))


def _one_row(con: duckdb.DuckDBPyConnection, expressions: list[str]) -> tuple:
    """The expressions' values, in one query."""
    return con.execute("SELECT " + ", ".join(expressions)).fetchone() if expressions else ()


def make_copy(con: duckdb.DuckDBPyConnection, database: Path) -> datetime:
    """Copy the database `con` holds to copy_path(database), replacing the copy there; when it was made."""
    partial = _partial_folder(database)
    shutil.rmtree(partial, ignore_errors=True)  # a copy a stopped dashboard left half made
    partial.mkdir(mode=0o700)
    written = partial / copy_path(database).name
    try:
        made_at = _write_copy(con, written)
        os.chmod(written, stat.S_IMODE(database.stat().st_mode))
        os.replace(written, copy_path(database))
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return made_at


def _write_copy(con: duckdb.DuckDBPyConnection, written: Path) -> datetime:
    con.execute(f"ATTACH ? AS {_ALIAS}", [str(written)])
    try:
        with store.transaction(con):
            made_at = clock.now()
            con.execute(f"COPY FROM DATABASE {_quoted(_database_name(con))} TO {_ALIAS} (SCHEMA)")
            _tables_made_plain(con)
            con.execute(f"CREATE TABLE {_ALIAS}.{_MADE} (made_at TIMESTAMP NOT NULL)")
            con.execute(f"INSERT INTO {_ALIAS}.{_MADE} VALUES (?)", [made_at])
        con.execute(f"CHECKPOINT {_ALIAS}")  # everything in the file itself, none of it in a write-ahead log
    finally:
        con.execute(f"DETACH {_ALIAS}")
    return made_at


def _tables_made_plain(con: duckdb.DuckDBPyConnection) -> None:
    """The copy's tables made again without their keys and constraints, from the rows the copy takes: it is only
    read, and building a million incidents' key would cost a third more. Dropped last made first, so none is
    dropped while another refers to it."""
    tables = _catalogue(con)
    for table, _ in reversed(tables):
        con.execute(f"DROP TABLE {_ALIAS}.{table}")
    for table, copied in tables:
        con.execute(f"CREATE TABLE {_ALIAS}.{table} AS SELECT * FROM {table}" + ("" if copied else " WHERE false"))


def _database_name(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_database()").fetchone()[0]


def open_copy(database: Path) -> tuple[duckdb.DuckDBPyConnection, datetime] | None:
    """The dashboard's copy of `database`, opened read-only, and when it was made; None when there is none, or it
    was made by a dashboard of another schema version (a copy older than an upgrade)."""
    path = copy_path(database)
    if not path.exists():
        return None
    try:
        con = store.connect_read_only(path)
    except duckdb.IOException:  # removed a moment ago, by a dashboard stopping
        return None
    made_at, version = con.execute(
        f"SELECT (SELECT made_at FROM {_MADE}), (SELECT max(version) FROM schema_version)"
    ).fetchone()
    if version != len(store.MIGRATIONS):
        con.close()
        return None
    return con, made_at


def remove_copy(database: Path) -> None:
    copy_path(database).unlink(missing_ok=True)


class Keeper:
    """The dashboard's thread that keeps the copy: made once the dashboard holds the file, made again within
    `poll_seconds` of a change (and the few seconds a copy takes: about six at a million incidents), removed at stop.

    `cursor` gives a cursor of the dashboard's connection, or None while it has not opened the database: it opens
    it for its first page or request, and until then holds nothing, so the command line reads the file itself.

    It waits in short sleeps, never on a timed Event: under libfaketime, as CI runs the suite, a timed wait never
    returns."""

    def __init__(
        self,
        cursor: Callable[[], duckdb.DuckDBPyConnection | None],
        database: Path,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._cursor, self._database, self._poll_seconds = cursor, Path(database), poll_seconds
        self._stopping = self._failing = False
        self._con: duckdb.DuckDBPyConnection | None = None
        self._thread = threading.Thread(target=self._run, name="command line copy", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop, abandoning a copy under way, and remove the copy: it is as sensitive as the database."""
        self._stopping = True
        if self._con is not None:
            self._con.interrupt()
        self._thread.join()
        remove_copy(self._database)

    def _run(self) -> None:
        con = self._con = self._opened()
        if con is None:
            return
        copied = None
        try:
            while not self._stopping:
                copied = self._refreshed(con, copied)
                self._sleep()
        finally:
            con.close()

    def _opened(self) -> duckdb.DuckDBPyConnection | None:
        """A cursor once the dashboard has opened the database; None if it stops first, or cannot open it."""
        while not self._stopping:
            try:
                con = self._cursor()
            except Exception:  # the pages say why; the command line reads the file, or says it is held
                LOG.exception("The command line's copy of %s cannot be kept: the database did not open", self._database)
                return None
            if con is not None:
                return con
            self._sleep()
        return None

    def _refreshed(self, con: duckdb.DuckDBPyConnection, copied: str | None) -> str | None:
        """Make the copy if the data has changed since `copied`; the fingerprint the copy now has."""
        try:
            now = fingerprint(con)
            if now != copied:
                make_copy(con, self._database)
            self._failing = False
            return now
        except Exception:  # a full disk, say: the dashboard runs on, and the next look tries again
            if not self._stopping:
                self._failed()
            return copied

    def _failed(self) -> None:
        """No copy rather than a stale one (after a purge, the purged records), and the first failure in a row
        logged: the next look tries again, and one line every few seconds would bury the log."""
        remove_copy(self._database)
        if not self._failing:
            LOG.exception("The command line's copy of %s was not made; trying again", self._database)
        self._failing = True

    def _sleep(self) -> None:
        deadline = time.monotonic() + self._poll_seconds
        while not self._stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, self._poll_seconds))
