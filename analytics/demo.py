"""The fictional sample council: loading it into an empty database, and knowing when it is what is shown."""

from __future__ import annotations

from pathlib import Path

import duckdb

from analytics import registers
from analytics.importing import ImportResult, import_file
from analytics.store import get_setting, set_setting

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_AUTHORITY = "Fernwick"
_SETTING = "sample_data_loaded"
_FILES = [
    ("wards", "wards.csv"),
    ("councillors", "councillor_register.csv"),
    ("incidents", "incident_log.xlsx"),
]


def sample_batches(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The imports that brought in the sample council; empty once it is removed (or was never loaded)."""
    return [batch for batch in (get_setting(con, _SETTING) or "").split(",") if batch]


def sample_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(sample_batches(con))


def load_sample(con: duckdb.DuckDBPyConnection, folder: Path = SAMPLE_DIR) -> list[ImportResult]:
    """Import the sample files, but only into a database that holds no incidents yet."""
    if con.execute("SELECT count(*) FROM incidents").fetchone()[0]:
        return []
    results = []
    for dataset, name in _FILES:
        path = folder / name
        results.append(import_file(con, dataset, path.read_bytes(), path.name))
        if dataset == "wards":
            registers.choose_authority(con, SAMPLE_AUTHORITY)
    set_setting(con, _SETTING, ",".join(result.batch_id for result in results))
    return results


_SAMPLE_TABLES = [
    "incidents",
    "incident_versions",
    "councillors",
    "councillor_versions",
    "wards",
    "quarantine",
    "import_batches",
]


def remove_sample(con: duckdb.DuckDBPyConnection) -> None:
    """Delete every record the sample imports brought in, in one transaction, so a council starts clean."""
    batches = sample_batches(con)
    sample_authorities = [
        code
        for (code,) in con.execute(
            "SELECT DISTINCT authority_code FROM wards WHERE list_contains(?, batch_id)", [batches]
        ).fetchall()
    ]
    con.execute("BEGIN TRANSACTION")
    try:
        for table in _SAMPLE_TABLES:
            con.execute(f"DELETE FROM {table} WHERE list_contains(?, batch_id)", [batches])
        con.execute(
            "DELETE FROM settings WHERE name = ? AND list_contains(?, value)",
            [registers.AUTHORITY_SETTING, sample_authorities],
        )
        con.execute("DELETE FROM settings WHERE name = ?", [_SETTING])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
