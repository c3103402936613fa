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


def sample_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    return get_setting(con, _SETTING) == "yes"


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
    set_setting(con, _SETTING, "yes")
    return results
