"""The fictional sample council: loading it into an empty database, and knowing when it is what is shown.

One setting, `sample_data_loaded`, records every id the sample brought in, comma-separated: the import batches
of its three files and of its wards' boundaries, then each of its survey waves as "wave:<wave_id>". Removing the
sample deletes exactly those batches and waves, so a council's own imports and survey waves are never touched.

The sample always looks recent: it is loaded moved by whole months (analytics.sample.sample) so that its log ends in the
latest complete month as of the clock's today, where its unusual rise then stands. When that month is the one it
was designed for, the files in sample_data/ are loaded as they are; otherwise the same generator writes them,
moved, into a scratch folder first.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import duckdb

from analytics import clock
from analytics.incidents.rises import latest_complete
from analytics.ingest import registers
from analytics.ingest.boundaries import BoundariesImport, import_boundaries
from analytics.ingest.importing import ImportResult, import_file
from analytics.sample.sample import DESIGNED_LAST_MONTH, write_sample
from analytics.sample.sample_boundaries import FILE_NAME as BOUNDARIES_FILE
from analytics.sample.sample_individual_risk import load_individual_assessments, remove_individual_assessments
from analytics.sample.sample_own_risk import load_own_assessments, remove_own_assessments
from analytics.sample.sample_requests import raise_sample_requests, remove_sample_requests
from analytics.sample.sample_surveys import wave_files, write_sample_surveys
from analytics.store import get_setting, incidents_changed, set_setting, transaction
from analytics.surveys.surveys import SurveyImportResult, import_survey

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
SAMPLE_AUTHORITY = "Fernwick"
_SETTING = "sample_data_loaded"
_FILES = [
    ("wards", "wards.csv"),
    ("councillors", "councillor_register.csv"),
    ("incidents", "incident_log.xlsx"),
]
SURVEY_NAME = "Fernwick councillor safety survey (fictional sample)"
_WAVE = "wave:"  # marks a survey wave's id among the sample's import batch ids


def _sample_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [item for item in (get_setting(con, _SETTING) or "").split(",") if item]


def sample_batches(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The imports that brought in the sample council; empty once it is removed (or was never loaded)."""
    return [item for item in _sample_ids(con) if not item.startswith(_WAVE)]


def sample_waves(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The ids of the survey waves the sample brought in (see load_sample)."""
    return [item.removeprefix(_WAVE) for item in _sample_ids(con) if item.startswith(_WAVE)]


def sample_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(sample_batches(con))


def months_to_move(today: date) -> int:
    """How many months the sample moves so that its last month is the latest complete month as of `today`."""
    latest = latest_complete(today, "month")
    return (latest.year - DESIGNED_LAST_MONTH.year) * 12 + latest.month - DESIGNED_LAST_MONTH.month


def load_sample(con: duckdb.DuckDBPyConnection) -> list[ImportResult | BoundariesImport | SurveyImportResult]:
    """Import the sample files and its wards' boundaries, then its two survey waves, but only into a database
    that holds no incidents yet, moved to end in the latest complete month as of the clock's today (see the module
    docstring).

    Returns every import (what `python -m analytics load-sample` prints); the waves' ids are recorded with the
    batches' (sample_waves). A wave whose label the council already uses is left out rather than merged into the
    council's own survey.
    """
    if con.execute("SELECT count(*) FROM incidents").fetchone()[0]:
        return []
    months = months_to_move(clock.today())
    if not months:
        return _load_files(con, SAMPLE_DIR, wave_files())
    with tempfile.TemporaryDirectory(prefix="fernwick-") as scratch:
        folder = Path(scratch)
        write_sample(folder, months_later=months)
        write_sample_surveys(folder, months_later=months)
        return _load_files(con, folder, wave_files(months))


def _load_files(
    con: duckdb.DuckDBPyConnection, folder: Path, waves: list[tuple[str, str]]
) -> list[ImportResult | BoundariesImport | SurveyImportResult]:
    results = []
    for dataset, name in _FILES:
        path = folder / name
        results.append(import_file(con, dataset, path.read_bytes(), path.name))
        if dataset == "wards":
            registers.choose_authority(con, SAMPLE_AUTHORITY)
    boundaries = SAMPLE_DIR / BOUNDARIES_FILE  # undated, so never moved
    results.append(import_boundaries(con, boundaries.read_bytes(), boundaries.name))
    ids = [result.batch_id for result in results]
    with transaction(con):
        set_setting(con, _SETTING, ",".join(ids))
        raise_sample_requests(con)
    load_own_assessments(con)
    load_individual_assessments(con)
    for label, name in waves:
        if con.execute("SELECT count(*) FROM survey_waves WHERE label = ?", [label]).fetchall()[0][0]:
            continue
        path = folder / name
        wave = import_survey(con, path.read_bytes(), path.name, wave=label, survey_name=SURVEY_NAME)
        results.append(wave)
        ids.append(_WAVE + wave.wave_id)
        set_setting(con, _SETTING, ",".join(ids))  # recorded as soon as it is in
    return results


_SAMPLE_TABLES = [
    "incidents",
    "incident_versions",
    "councillors",
    "councillor_versions",
    "wards",
    "ward_boundaries",
    "quarantine",
    "import_batches",
]
_SURVEY_TABLES = ["survey_answers", "survey_questions", "survey_waves"]


def remove_sample(con: duckdb.DuckDBPyConnection) -> None:
    """Delete every record the sample imports brought in, its survey waves too, in one transaction, so a council
    starts clean."""
    batches, waves = sample_batches(con), sample_waves(con)
    sample_authorities = [
        code
        for (code,) in con.execute(
            "SELECT DISTINCT authority_code FROM wards WHERE list_contains(?, batch_id)", [batches]
        ).fetchall()
    ]
    with transaction(con):
        remove_sample_requests(con)
        for table in _SAMPLE_TABLES:
            con.execute(f"DELETE FROM {table} WHERE list_contains(?, batch_id)", [batches])
        for table in _SURVEY_TABLES:
            con.execute(f"DELETE FROM {table} WHERE list_contains(?, wave_id)", [waves])
        con.execute(
            "DELETE FROM settings WHERE name = ? AND list_contains(?, value)",
            [registers.AUTHORITY_SETTING, sample_authorities],
        )
        con.execute("DELETE FROM settings WHERE name = ?", [_SETTING])
        remove_own_assessments(con)
        remove_individual_assessments(con)
        incidents_changed(con)
