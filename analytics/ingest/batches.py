"""What has been imported: the batches, and the rows each one could not accept."""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from analytics.store import FACTS_BUILT

ROW_COLUMN = "Row in original file"
REASONS_COLUMN = "Why it was not imported"
_READ_AS_ISO = r"^(\d{4})-(\d{2})-(\d{2})$"  # how the reader writes a workbook's date cell as text


def list_batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every import, newest first: the incident logs, registers and ward lists, and each survey wave as it was last
    imported (a wave is stored whole, one respondent a row read, and a survey import rejects no row)."""
    return con.execute(
        """SELECT batch_id, dataset, file_name, sheet, imported_at, rows_read, inserted, updated, unchanged,
                  rejected, warnings
           FROM import_batches
           UNION ALL
           SELECT wave_id, 'survey', file_name, NULL, imported_at, respondents, respondents, 0, 0, 0, []
           FROM survey_waves
           ORDER BY imported_at DESC, batch_id DESC"""
    ).df()


def batch_exists(con: duckdb.DuckDBPyConnection, batch_id: str) -> bool:
    return con.execute("SELECT count(*) FROM import_batches WHERE batch_id = ?", [batch_id]).fetchone()[0] > 0


def rejected_rows(con: duckdb.DuckDBPyConnection, batch_id: str) -> pd.DataFrame:
    """One batch's quarantined rows with their original cells, ready to fix and import again.

    The original columns come back under their original headers, so the fixed file maps itself; the row number
    and reasons sit in two extra columns that an import ignores (and that this replaces, when the rows come from
    such a file).
    """
    rows = con.execute(
        """SELECT source_row, array_to_string(reasons, '; ') AS reasons, cells
           FROM quarantine WHERE batch_id = ? ORDER BY source_row""",
        [batch_id],
    ).df()
    cells = pd.DataFrame([json.loads(row) for row in rows["cells"]], dtype=object)
    cells = cells.drop(columns=[ROW_COLUMN, REASONS_COLUMN], errors="ignore")  # from a rejected-rows file imported
    cells = cells.replace(_READ_AS_ISO, r"\3/\2/\1", regex=True)  # a date cell, as the council's spreadsheet showed it
    cells.insert(0, REASONS_COLUMN, rows["reasons"])
    cells.insert(0, ROW_COLUMN, rows["source_row"])
    return cells


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever an import lands (the wards' boundaries too, which keep no batch of their own), the sample is
    removed, records are purged or an officer records an individual risk assessment (a councillor's recorded level,
    which every risk figure reads): the key of every cached result."""
    sql = """SELECT count(*), max(imported_at), (SELECT value FROM settings WHERE name = ?),
                    (SELECT count(*) FROM individual_risk_assessments),
                    (SELECT max(imported_at) FROM ward_boundaries)
             FROM import_batches"""
    return str(con.execute(sql, [FACTS_BUILT]).fetchone())
