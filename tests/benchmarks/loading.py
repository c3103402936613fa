"""Loading the data sets: the dashboard's import timed against DuckDB's and pandas' own bare loads of the same file,
and the import's peak memory measured in a process of its own.

`python -m tests.benchmarks.loading MIGRATED_DB CSV` is that process: it says on stdout its own peak resident
memory after importing the modules (its baseline), then after importing the file.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from analytics import store
from analytics.ingest import registers
from analytics.ingest.importing import ImportResult, import_file
from analytics.sample.demo import SAMPLE_AUTHORITY
from analytics.surveys.surveys import import_survey
from tests.benchmarks.national import AUTHORITY, CouncilFiles, NationalFiles

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Comparison:
    """Medians of `repeats` timed runs each, ours and the bare load alternating."""

    ours: float
    bare: float
    repeats: int
    result: ImportResult

    @property
    def ratio(self) -> float:
        return self.ours / self.bare


def with_registers(path: Path, wards: Path, register: Path, authority: str) -> Path:
    """A migrated database holding the ward and councillor registers, `authority` chosen as ours."""
    con = store.connect(path)
    import_file(con, "wards", wards.read_bytes(), wards.name)
    registers.choose_authority(con, authority)
    import_file(con, "councillors", register.read_bytes(), register.name)
    con.close()
    return path


def national_registers(folder: Path, files: NationalFiles) -> Path:
    return with_registers(folder / "national-registers.duckdb", files.wards, files.register, AUTHORITY[0])


def council_database(folder: Path, files: CouncilFiles) -> Path:
    """The sample council as analytics.sample.demo loads it: registers, log and both survey waves."""
    path = with_registers(folder / "council.duckdb", files.wards, files.register, SAMPLE_AUTHORITY)
    con = store.connect(path)
    import_file(con, "incidents", files.log.read_bytes(), files.log.name)
    for label, wave in files.waves:
        import_survey(con, wave.read_bytes(), wave.name, wave=label)
    con.close()
    return path


def seconds(action) -> tuple[float, object]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def import_into(template: Path, target: Path, log: Path) -> tuple[float, ImportResult]:
    """A copy of `template` with `log` imported into it, end to end (file read, checked, stored), timed."""
    shutil.copy(template, target)
    con = store.connect(target)
    try:
        return seconds(lambda: import_file(con, "incidents", log.read_bytes(), log.name))
    finally:
        con.close()


def bare_duckdb_load(folder: Path, log: Path) -> float:
    """DuckDB's own load of the CSV as text into a fresh file, checkpointed."""
    path = folder / "bare.duckdb"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        return seconds(
            lambda: (
                con.execute("CREATE TABLE log AS SELECT * FROM read_csv(?, all_varchar = true)", [str(log)]),
                con.execute("CHECKPOINT"),
            )
        )[0]
    finally:
        con.close()
        path.unlink()


def csv_import(folder: Path, template: Path, log: Path, repeats: int) -> tuple[Comparison, Path]:
    """Ours against DuckDB's bare load; returns the comparison and the database the last import made."""
    target = folder / "national.duckdb"
    bare, ours, result = [], [], None
    for _ in range(repeats):
        bare.append(bare_duckdb_load(folder, log))
        took, result = import_into(template, target, log)
        ours.append(took)
    return Comparison(statistics.median(ours), statistics.median(bare), repeats, result), target


def xlsx_import(folder: Path, template: Path, workbook: Path, repeats: int) -> Comparison:
    """Ours against pandas reading the workbook with calamine, the reader the import uses."""
    bare, ours, result = [], [], None
    for _ in range(repeats):
        bare.append(seconds(lambda: pd.read_excel(workbook, engine="calamine"))[0])
        took, result = import_into(template, folder / "xlsx.duckdb", workbook)
        ours.append(took)
    (folder / "xlsx.duckdb").unlink()
    return Comparison(statistics.median(ours), statistics.median(bare), repeats, result)


@dataclass(frozen=True)
class Memory:
    peak_mb: float  # the child's peak resident memory over its whole run
    baseline_mb: float  # its peak after importing the modules, before reading the file


def import_memory(template: Path, target: Path, log: Path) -> Memory:
    """The peak memory of one import, in a child process, as the child's own high-water mark (VmHWM). Not
    getrusage's ru_maxrss: on Linux a child's starts at its parent's peak (it is kept across the exec), so a
    parent that generated the data set would be counted."""
    shutil.copy(template, target)
    command = [sys.executable, "-m", "tests.benchmarks.loading", str(target), str(log)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    said = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    target.unlink()
    return Memory(said[-1]["peak_kb"] / 1024, said[0]["baseline_kb"] / 1024)


def survey_answers(database: Path, survey: Path) -> int:
    """The national survey imported as one wave; how many answers it stored."""
    con = store.connect(database)
    try:
        wave = import_survey(con, survey.read_bytes(), survey.name, wave="2026")
        return con.execute("SELECT count(*) FROM survey_answers WHERE wave_id = ?", [wave.wave_id]).fetchone()[0]
    finally:
        con.close()


def _high_water_kb() -> int:
    status = Path("/proc/self/status").read_text().splitlines()
    return int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))


def _child(database: str, log: str) -> None:
    print(json.dumps({"baseline_kb": _high_water_kb()}), flush=True)
    con = store.connect(database)
    path = Path(log)
    import_file(con, "incidents", path.read_bytes(), path.name)
    con.close()
    print(json.dumps({"peak_kb": _high_water_kb()}), flush=True)


if __name__ == "__main__":
    _child(*sys.argv[1:])
