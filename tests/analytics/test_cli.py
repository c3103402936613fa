"""`python -m analytics`: the same import path as the pages, for scheduled and bulk loads."""

import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analytics import audit, cli, clock, snapshot, store
from analytics.cli import main
from analytics.governance import accounts
from tests.analytics.ingest.helpers import ROWS, csv_bytes
from tests.builders import load_wards, ons_boundaries
from tests.conftest import REPO

SUMMARY_KEYS = {"batch_id", "rows_read", "inserted", "updated", "unchanged", "rejected", "warnings"}


def run(capsys, *args) -> tuple[int, list[dict], str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


@pytest.fixture
def log_file(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(csv_bytes(*ROWS, "INC-9,31/02/2026,Ann Lee,Castle Hill,Email,Verbal abuse,,,Open"))
    return path


def test_import_prints_one_json_line_that_accounts_for_every_row(capsys, log_file, db_path):
    code, lines, err = run(capsys, "import", "incidents", log_file, "--db", db_path)
    assert code == 0 and err == "" and len(lines) == 1
    summary = lines[0]
    assert set(summary) == SUMMARY_KEYS
    assert (summary["rows_read"], summary["inserted"], summary["rejected"]) == (4, 3, 1)
    again = run(capsys, "import", "incidents", log_file, "--db", db_path)[1][0]
    assert (again["inserted"], again["unchanged"], again["rejected"]) == (0, 3, 1)
    for result in (summary, again):
        parts = result["inserted"] + result["updated"] + result["unchanged"] + result["rejected"]
        assert result["rows_read"] == parts


def test_summary_counts_the_tables(capsys, log_file, db_path):
    run(capsys, "import", "incidents", log_file, "--db", db_path)
    code, lines, _ = run(capsys, "summary", "--db", db_path)
    assert code == 0
    assert lines[0]["incidents"] == 3 and lines[0]["quarantine"] == 1 and lines[0]["import_batches"] == 1


def test_rejected_writes_the_quarantined_rows_to_csv_and_excel(capsys, log_file, db_path, tmp_path):
    batch_id = run(capsys, "import", "incidents", log_file, "--db", db_path)[1][0]["batch_id"]
    assert run(capsys, "batches", "--db", db_path)[1][0]["batch_id"] == batch_id
    out_csv, out_xlsx = tmp_path / "rejected.csv", tmp_path / "rejected.xlsx"
    assert run(capsys, "rejected", "--batch", batch_id, "--out", out_csv, "--db", db_path)[1][0]["rows"] == 1
    run(capsys, "rejected", "--batch", batch_id, "--out", out_xlsx, "--db", db_path)
    for frame in (pd.read_csv(out_csv, dtype=str), pd.read_excel(out_xlsx, dtype=str, engine="calamine")):
        assert frame.loc[0, "Ref"] == "INC-9" and frame.loc[0, "Row in original file"] == "5"
        assert "31/02/2026" in frame.loc[0, "Why it was not imported"]


def test_mapping_file_maps_headers_the_aliases_do_not_know(capsys, tmp_path, db_path):
    log = tmp_path / "odd.csv"
    log.write_text("When,Member,Area,Route,What\n03/04/2025,Ann Lee,Castle Hill,Email,Verbal abuse\n")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Member": "councillor", "Area": "ward", "Route": "channel", "What": "abuse_types"}))
    code, lines, _ = run(capsys, "import", "incidents", log, "--db", db_path, "--mapping", mapping)
    assert code == 0 and lines[0]["inserted"] == 1


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/worksheets/a.xml", "w") as f:
        block = b"\0" * (1 << 20)
        for _ in range(600):
            f.write(block)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("empty.csv", b"", "empty"),
        ("binary.csv", bytes(range(256)) * 40, "binary"),
        ("wrong.csv", b"Name,Colour\nAnn,Blue\n", "no column for"),
        ("bomb.xlsx", zip_bomb(), "500 MB"),
    ],
)
def test_a_file_that_cannot_be_read_exits_non_zero_with_one_line(capsys, tmp_path, db_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    code, lines, err = run(capsys, "import", "incidents", path, "--db", db_path)
    assert code == 2 and lines == []
    assert err.startswith("error: ") and err.count("\n") == 1 and says in err


def test_a_password_protected_workbook_is_refused(capsys, realworld, db_path):
    code, _, err = run(
        capsys, "import", "incidents", realworld / "excel-edge-cases" / "pass_protected.xlsx", "--db", db_path
    )
    assert code == 2 and "password-protected" in err


def test_a_missing_file_is_one_line_too(capsys, tmp_path, db_path):
    code, _, err = run(capsys, "import", "incidents", tmp_path / "nope.csv", "--db", db_path)
    assert code == 2 and "check the path" in err


def test_sample_writes_the_fictional_council(capsys, tmp_path):
    code, lines, _ = run(capsys, "sample", "--out", tmp_path, "--incidents", 300, "--seed", 7)
    assert code == 0
    assert sorted(p.split("/")[-1] for p in lines[0]["files"]) == [
        "councillor_register.csv",
        "incident_log.xlsx",
        "wards.csv",
    ]


def test_load_sample_fills_an_empty_database_once(capsys, db_path):
    code, lines, _ = run(capsys, "load-sample", "--db", db_path)
    assert code == 0 and [line["file"] for line in lines] == [
        "wards.csv",
        "councillor_register.csv",
        "incident_log.xlsx",
        "ward_boundaries.geojson",
        "councillor_survey_2025.xlsx",
        "councillor_survey_2026.csv",
    ]
    assert lines[2]["inserted"] > 1000 and lines[2]["rejected"] == 5
    assert lines[3]["stored"] == 20
    assert [line["respondents"] for line in lines[4:]] == [38, 41]
    assert run(capsys, "load-sample", "--db", db_path)[1] == []


def test_import_while_the_dashboard_holds_the_database_points_to_the_import_page(log_file, held_database):
    command = [sys.executable, "-m", "analytics", "import", "incidents", str(log_file), "--db", str(held_database)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Import page" in done.stderr


@pytest.fixture
def sample_copy(sample_db, db_path) -> Path:
    """The test's own copy of the sample council's database."""
    shutil.copy(sample_db, db_path)
    return db_path


def copy_made(database: Path):
    """The copy the running dashboard keeps of `database` (analytics.snapshot), made now; when it was made."""
    con = store.connect(database)
    try:
        return snapshot.make_copy(con, database)
    finally:
        con.close()


@pytest.mark.parametrize("command", [["summary"], ["batches"], ["alerts"], ["alerts", "--as-of", "2026-06-30"]])
def test_a_read_command_reads_the_dashboards_copy_while_the_dashboard_holds_the_file(
    capsys, sample_copy, request, command
):
    unheld = run(capsys, *command, "--db", sample_copy)
    made = copy_made(sample_copy)
    request.getfixturevalue("held_database")
    code, lines, err = run(capsys, *command, "--db", sample_copy)
    assert (code, lines) == (0, unheld[1]) and lines
    assert err.count("\n") == 1 and "running dashboard" in err and f"{made:%Y-%m-%d %H:%M:%S}" in err


def test_rejected_rows_come_from_the_dashboards_copy_while_the_dashboard_holds_the_file(
    capsys, sample_copy, request, tmp_path
):
    batch = next(line for line in run(capsys, "batches", "--db", sample_copy)[1] if line["rejected"])["batch_id"]
    unheld, held = tmp_path / "unheld.csv", tmp_path / "held.csv"
    run(capsys, "rejected", "--batch", batch, "--out", unheld, "--db", sample_copy)
    copy_made(sample_copy)
    request.getfixturevalue("held_database")
    code, lines, _ = run(capsys, "rejected", "--batch", batch, "--out", held, "--db", sample_copy)
    assert code == 0 and lines[0]["rows"] > 0
    assert held.read_bytes() == unheld.read_bytes()


def test_a_read_command_with_no_copy_to_read_says_to_try_again_or_stop_the_dashboard(capsys, held_database):
    code, lines, err = run(capsys, "summary", "--db", held_database)
    assert (code, lines) == (2, [])
    one_sentence(err)
    assert "try again in a minute" in err and "stop the dashboard" in err


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (["import", "incidents", "log.csv"], "Import page"),
        (["load-sample"], "stop the dashboard"),
        (["reset-password", "admin"], "Users page"),
    ],
)
def test_a_command_that_writes_still_refuses_while_the_dashboard_holds_the_file(
    capsys, log_file, sample_copy, request, command, says
):
    copy_made(sample_copy)
    request.getfixturevalue("held_database")
    arguments = [str(log_file) if argument == "log.csv" else argument for argument in command]
    code, lines, err = run(capsys, *arguments, "--db", sample_copy)
    assert (code, lines) == (2, [])
    one_sentence(err)
    assert says in err and "in use" in err


def test_load_sample_creates_the_administrator_once_with_its_password_in_a_file_only(capsys, db_path):
    code, lines, err = run(capsys, "load-sample", "--db", db_path)
    password_file = db_path.parent / accounts.FIRST_PASSWORD_FILE
    password = re.search(r"password:\s+(\S+)", password_file.read_text())[1]
    assert code == 0 and f"Its password is in {password_file}" in err
    assert password not in err + json.dumps(lines), "service logs keep the command's output"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert accounts.sign_in(store.connect(db_path), "admin", password).role == "administrator"
    assert run(capsys, "load-sample", "--db", db_path)[2] == ""


def test_reset_password_gives_a_new_password_that_signs_in(capsys, db_path):
    run(capsys, "load-sample", "--db", db_path)
    code, lines, _ = run(capsys, "reset-password", "ADMIN", "--db", db_path)
    assert code == 0 and lines[0]["user"] == "admin"
    con = store.connect(db_path)
    assert accounts.sign_in(con, "admin", lines[0]["password"]).username == "admin"
    trail = audit.entries(con, actions=(audit.USER_CHANGED,))
    assert trail.iloc[0]["Who"].startswith("command line (") and trail.iloc[0]["Detail"] == "password set"


def test_reset_password_for_no_such_account_is_one_line(capsys, db_path):
    code, _, err = run(capsys, "reset-password", "nobody", "--db", db_path)
    assert (code, err) == (2, "error: There is no account called nobody.\n")


def test_imports_from_the_command_line_are_in_the_audit_trail(capsys, log_file, db_path):
    run(capsys, "import", "incidents", log_file, "--db", db_path)
    trail = audit.entries(store.connect(db_path), actions=(audit.IMPORTED,))
    assert trail["Which"].tolist() == ["log.csv"]
    assert trail.iloc[0]["Detail"] == "incidents: 4 rows read, 3 inserted, 0 updated, 0 unchanged, 1 rejected"


def test_a_clock_setting_that_is_not_a_date_is_one_line(capsys, db_path, monkeypatch):
    monkeypatch.setenv(clock.CLOCK_ENV, "next Tuesday")
    code, lines, err = run(capsys, "alerts", "--db", db_path)
    assert (code, lines) == (2, []) and err.count("\n") == 1
    assert err.startswith("error: SAFETY_DASHBOARD_TODAY='next Tuesday' is not a date: write it as YYYY-MM-DD")


def _strict(constant: str):
    raise ValueError(f"{constant} is not JSON")


def test_batches_lists_every_import_surveys_too_in_strict_json(capsys, db_path):
    run(capsys, "load-sample", "--db", db_path)
    assert main(["batches", "--db", str(db_path)]) == 0
    lines = [json.loads(line, parse_constant=_strict) for line in capsys.readouterr().out.splitlines()]
    assert sorted(line["file_name"] for line in lines) == [
        "councillor_register.csv",
        "councillor_survey_2025.xlsx",
        "councillor_survey_2026.csv",
        "incident_log.xlsx",
        "wards.csv",
    ]
    surveys = [line for line in lines if line["dataset"] == "survey"]
    assert [(line["rows_read"], line["rejected"], line["sheet"]) for line in surveys] == [(41, 0, None), (38, 0, None)]


def test_a_file_whose_name_is_not_utf8_imports_and_is_listed(capsys, tmp_path, db_path):
    """Linux hands Python such a name with surrogate escapes, which a database cannot store as they are."""
    path = tmp_path / os.fsdecode(b"log-\xff.csv")
    path.write_bytes(csv_bytes(*ROWS, "INC-9,31/02/2026,Ann\u2028Lee,Castle Hill,Email,Verbal abuse,,,Open"))
    code, lines, err = run(capsys, "import", "incidents", path, "--db", db_path)
    assert (code, err) == (0, "") and (lines[0]["inserted"], lines[0]["rejected"]) == (3, 1)
    assert run(capsys, "batches", "--db", db_path)[1][0]["file_name"] == "log-\ufffd.csv"


# --- every command ends in a sentence -------------------------------------------------------------------


def one_sentence(err: str) -> None:
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "\x00" not in err and len(err) < 400, err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--incidents", "50"], "at least 200"),
        (["--incidents", "-5"], "at least 200"),
        (["--seed", "-1"], "--seed"),
        (["--months-later", "100000"], "--months-later"),
        (["--months-later", "-100000"], "--months-later"),
    ],
)
def test_sample_with_an_odd_argument_is_one_sentence(capsys, tmp_path, args, says):
    code, lines, err = run(capsys, "sample", "--out", tmp_path, *args)
    assert (code, lines) == (2, [])
    one_sentence(err)
    assert says in err


def test_sample_into_a_file_is_one_sentence(capsys, tmp_path):
    taken = tmp_path / "taken.csv"
    taken.write_text("x")
    code, _, err = run(capsys, "sample", "--out", taken, "--incidents", 300)
    assert code == 2
    one_sentence(err)


@pytest.mark.parametrize(
    "argv",
    [
        ["sample", "--out"],
        ["sample", "--out", "x", "--incidents", "fifty"],
        ["import", "people", "x.csv"],
        ["nonsense"],
        [],
    ],
    ids=["missing value", "not a number", "unknown dataset", "unknown command", "no command"],
)
def test_an_argument_the_command_does_not_know_is_one_sentence(capsys, argv):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    one_sentence(capsys.readouterr().err)


def test_import_of_paths_that_are_not_readable_files_is_one_sentence(capsys, tmp_path, db_path):
    not_a_folder = tmp_path / "file.csv"
    not_a_folder.write_text("a,b\n1,2\n")
    for path in (tmp_path, not_a_folder / "inside.csv", tmp_path / "nope" / "log.xlsx"):
        code, _, err = run(capsys, "import", "incidents", path, "--db", db_path)
        assert code == 2
        one_sentence(err)


def test_a_database_that_is_not_a_database_is_one_sentence(capsys, log_file, tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    for db in (junk, tmp_path):
        code, _, err = run(capsys, "import", "incidents", log_file, "--db", db)
        assert code == 2
        one_sentence(err)
        assert "database" in err


def test_a_mapping_file_that_is_missing_is_one_sentence(capsys, log_file, tmp_path, db_path):
    code, _, err = run(capsys, "import", "incidents", log_file, "--db", db_path, "--mapping", tmp_path / "no.json")
    assert code == 2
    one_sentence(err)
    assert "no.json" in err


def test_rejected_rows_into_a_folder_that_does_not_exist_is_one_sentence(capsys, log_file, tmp_path, db_path):
    batch_id = run(capsys, "import", "incidents", log_file, "--db", db_path)[1][0]["batch_id"]
    code, _, err = run(capsys, "rejected", "--batch", batch_id, "--out", tmp_path / "no" / "r.csv", "--db", db_path)
    assert code == 2
    one_sentence(err)


def test_legacy_xls_text_never_puts_nul_bytes_on_the_error_line(capsys, realworld, db_path):
    code, _, err = run(capsys, "import", "incidents", realworld / "excel-more/sheet_name_parsing.xls", "--db", db_path)
    assert code == 2
    one_sentence(err)


def test_a_problem_the_command_does_not_expect_is_still_one_sentence(capsys, monkeypatch, db_path):
    def broken(*args, **kwargs):
        raise RuntimeError("deep inside")

    monkeypatch.setattr(store, "table_counts", broken)
    code, lines, err = run(capsys, "summary", "--db", db_path)
    assert (code, lines) == (1, [])
    one_sentence(err)


def test_a_problem_the_command_does_not_expect_is_logged_beside_the_database_under_a_reference(
    capsys, monkeypatch, db_path
):
    def broken(*args, **kwargs):
        raise ValueError("pandas said no")

    monkeypatch.setattr(store, "table_counts", broken)
    code, _, err = run(capsys, "summary", "--db", db_path)
    assert code == 1 and "pandas said no" not in err
    reference = re.search(r"reference ([0-9A-F]{8})", err)[1]
    log = db_path.parent / "errors.log"
    assert str(log) in err
    logged = log.read_text()
    assert f"Error {reference} in `python -m analytics summary" in logged
    assert "Traceback" in logged and "pandas said no" in logged


def test_a_bug_whose_log_cannot_be_written_puts_its_details_on_stderr(capsys, monkeypatch, db_path):
    def broken(*args, **kwargs):
        raise ValueError("pandas said no")

    monkeypatch.setattr(store, "table_counts", broken)
    monkeypatch.setattr(cli, "ERROR_LOG", ".")  # the database's folder itself: no file can be opened there
    code, _, err = run(capsys, "summary", "--db", db_path)
    reference = re.search(r"reference ([0-9A-F]{8})", err)[1]
    details, last_line = err.rstrip("\n").rsplit("\n", 1)
    assert code == 1 and last_line.startswith("error: ") and "its details in the lines above" in last_line
    assert f"Error {reference}" in details and "pandas said no" in details


def test_every_refusal_is_told_as_its_sentence(capsys, monkeypatch, db_path):
    def refused(*args, **kwargs):
        raise accounts.AccountError("There is no account called nobody.")

    monkeypatch.setattr(store, "table_counts", refused)
    code, lines, err = run(capsys, "summary", "--db", db_path)
    assert (code, lines, err) == (2, [], "error: There is no account called nobody.\n")


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    assert main(["load-sample", "--db", str(path)]) == 0
    return str(path)


@pytest.mark.parametrize("command", [["alerts"], ["batches"], ["summary"]])
def test_output_into_a_closed_pipe_ends_quietly(sample_db, command):
    """As `python -m analytics alerts | head -1` when head has gone: no BrokenPipeError, no 'Exception ignored'."""
    reader = subprocess.Popen(
        [sys.executable, "-m", "analytics", *command, "--db", sample_db],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    reader.stdout.close()
    err = reader.stderr.read().decode()
    assert reader.wait() == 0
    assert err == ""


def test_a_file_larger_than_the_upload_limit_is_refused_without_reading_it_all(capsys, tmp_path, db_path):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as sparse:
        sparse.truncate(201 * 1024 * 1024)  # a hole: no disk used
    code, _, err = run(capsys, "import", "incidents", huge, "--db", db_path)
    assert code == 2
    one_sentence(err)
    assert "200 MB" in err


def test_an_endless_device_is_refused_without_reading_it_all(capsys, db_path):
    code, _, err = run(capsys, "import", "incidents", "/dev/zero", "--db", db_path)
    assert code == 2
    one_sentence(err)


def test_import_boundaries_stores_the_wards_shapes_and_audits_it(capsys, db_path, tmp_path):
    con = store.connect(db_path)
    codes = load_wards(con, {"Abbey": 1, "Brook": 1})
    con.close()
    path = tmp_path / "Wards_BGC.geojson"
    path.write_bytes(ons_boundaries(codes))
    code, lines, err = run(capsys, "import-boundaries", path, "--db", db_path)
    assert code == 0 and err == ""
    assert lines == [{"wards_in_file": 2, "stored": 2, "not_in_register": 0}]
    con = store.connect(db_path)
    assert audit.entries(con, actions=(audit.IMPORTED,))["Which"].tolist()[0] == "Wards_BGC.geojson"
    con.close()
    path.write_text("not a map")
    code, _, err = run(capsys, "import-boundaries", path, "--db", db_path)
    assert code == 2 and err.startswith("error: The file is not GeoJSON or HexJSON")
