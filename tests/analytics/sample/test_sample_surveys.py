"""The sample council's two survey waves: deterministic, in each tool's own export shape, and importable."""

import csv
import io
import ipaddress
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analytics import keyed
from analytics.sample.sample_surveys import (
    EMAIL_DOMAIN,
    MS_FORMS_COLUMNS,
    QUESTIONS,
    SURVEYMONKEY_COLUMNS,
    write_sample_surveys,
)
from analytics.surveys.surveys import import_survey
from tests.analytics.surveys.helpers import answers, question

NAMES = ["councillor_survey_2025.xlsx", "councillor_survey_2026.csv"]
TEXTS = [q.text for q in QUESTIONS]
MULTI = {f"Q{number}" for number, q in enumerate(QUESTIONS, start=1) if q.multi}
DOCUMENTATION = ipaddress.ip_network("192.0.2.0/24")
REGISTER = Path(__file__).resolve().parents[3] / "sample_data" / "councillor_register.csv"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("surveys")
    write_sample_surveys(out)
    return out


@pytest.fixture(scope="module")
def sheet(folder) -> list[tuple]:
    book = openpyxl.load_workbook(folder / NAMES[0])
    assert book.sheetnames == ["Form1"]
    return list(book["Form1"].iter_rows(values_only=True))


@pytest.fixture(scope="module")
def records(folder) -> list[list[str]]:
    return list(csv.reader(io.StringIO((folder / NAMES[1]).read_bytes().decode("cp1252"), newline="")))


@pytest.fixture
def imported(con, folder):
    results = [
        import_survey(con, (folder / name).read_bytes(), name, wave=wave)
        for wave, name in zip(("2025", "2026"), NAMES, strict=True)
    ]
    return con, results


def register_names() -> set[str]:
    return set(pd.read_csv(REGISTER, encoding="cp1252", dtype=str)["Councillor name"])


def test_same_seed_same_bytes_other_seed_other_answers(tmp_path, folder, sheet):
    paths = write_sample_surveys(tmp_path / "again")
    assert [path.name for path in paths] == NAMES
    for path in paths:
        assert path.read_bytes() == (folder / path.name).read_bytes()
    other = write_sample_surveys(tmp_path / "other", seed=7)
    assert other[1].read_bytes() != (folder / NAMES[1]).read_bytes()
    assert list(openpyxl.load_workbook(other[0])["Form1"].iter_rows(values_only=True))[1:] != sheet[1:]


def test_the_committed_sample_files_are_what_the_generator_writes(folder):
    sample = REGISTER.parent
    for name in NAMES:
        assert (sample / name).read_bytes() == (folder / name).read_bytes(), f"regenerate sample_data/{name}"


def test_microsoft_forms_shape(sheet):
    header, rows = sheet[0], sheet[1:]
    assert header == (*MS_FORMS_COLUMNS, *TEXTS)
    assert len(rows) == 38 and [row[0] for row in rows] == list(range(1, 39))
    for row in rows:
        start, end = row[1], row[2]
        assert isinstance(start, datetime) and isinstance(end, datetime)
        assert datetime(2025, 3, 1) <= start < end <= datetime(2025, 5, 1)
        assert row[3].startswith("cllr.") and row[3].endswith("@" + EMAIL_DOMAIN) and row[3].isascii()
    assert {row[4] for row in rows} <= register_names()  # Fernwick's own (invented) councillors
    for position, q in enumerate(QUESTIONS, start=len(MS_FORMS_COLUMNS)):
        cells = [row[position] for row in rows if row[position] is not None]
        if q.multi:  # each choice followed by ";", in the form's order
            assert all(cell.endswith(";") for cell in cells)
            chosen = [cell[:-1].split(";") for cell in cells]
            assert all(set(options) <= set(q.options) for options in chosen)
            assert any(len(options) > 1 for options in chosen)
        elif q.options:
            assert set(cells) <= set(q.options)
    assert sum(row[-1] is None for row in rows) > 10  # many leave the comment box blank


def test_surveymonkey_shape_two_header_rows_and_a_column_per_option(folder, records):
    with pytest.raises(UnicodeDecodeError):
        (folder / NAMES[1]).read_bytes().decode("utf-8")  # Windows-1252, as SurveyMonkey's own exports often are
    top, sub, rows = records[0], records[1], records[2:]
    meta = len(SURVEYMONKEY_COLUMNS)
    assert tuple(top[:meta]) == SURVEYMONKEY_COLUMNS and sub[:meta] == [""] * meta
    position = meta
    for q in QUESTIONS:
        if q.multi:
            width = len(q.options)
            assert top[position : position + width] == [q.text] + [""] * (width - 1)
            assert tuple(sub[position : position + width]) == q.options
            for row in rows:
                assert all(cell in ("", option) for cell, option in zip(row[position:], q.options, strict=False))
        else:
            width = 1
            assert top[position] == q.text
            assert sub[position] == ("Response" if q.options else "Open-Ended Response")
        position += width
    assert position == len(top) == len(sub)
    assert len(rows) == 41 and all(len(row) == len(top) for row in rows)
    ids = [row[0] for row in rows]
    assert all(i.isdigit() for i in ids) and len(set(ids)) == 41
    ips = [row[4] for row in rows]
    assert len(set(ips)) == 41 and all(ipaddress.ip_address(ip) in DOCUMENTATION for ip in ips)
    assert all(row[5].endswith("@" + EMAIL_DOMAIN) for row in rows)
    assert {f"{row[6]} {row[7]}" for row in rows} <= register_names()
    assert all(datetime.strptime(row[2], "%m/%d/%Y %I:%M:%S %p").year == 2026 for row in rows)


def test_both_waves_import_with_the_same_questions_and_identities_dropped(imported, records):
    con, (forms, monkey) = imported
    assert (forms.tool, forms.rows_read, forms.respondents, forms.questions, forms.rejected) == (
        "microsoft_forms", 38, 38, 15, 0,
    )  # fmt: skip
    assert (monkey.tool, monkey.rows_read, monkey.respondents, monkey.questions, monkey.rejected) == (
        "surveymonkey", 41, 41, 15, 0,
    )  # fmt: skip
    assert "Did not store these columns because they identify people: 'Email', 'Name'." in forms.warnings
    assert (
        "Did not store these columns because they identify people: "
        "'IP Address', 'Email Address', 'First Name', 'Last Name'."
    ) in monkey.warnings
    waves = con.execute(
        "SELECT w.label, list(q.text ORDER BY q.position), list(q.kind ORDER BY q.position) "
        "FROM survey_waves w JOIN survey_questions q USING (wave_id) GROUP BY w.label ORDER BY w.label"
    ).fetchall()
    kinds = ["multi" if q.multi else "single" if q.options else "text" for q in QUESTIONS]
    assert waves == [("2025", TEXTS, kinds), ("2026", TEXTS, kinds)]
    stored = {row[0] for row in con.execute("SELECT answer FROM survey_answers").fetchall()}
    identities = {row[i] for row in records[2:] for i in (4, 5, 6, 7)} | register_names()
    assert not stored & identities and not any("@" in answer or "192.0.2." in answer for answer in stored)
    # SurveyMonkey's respondent ids are keyed, never stored; a multi-select is one answer row per ticked option.
    first = records[2]
    ticked = [cell for cell in first[9 + 2 : 9 + 2 + 7] if cell]
    wave_2026 = con.execute("SELECT wave_id FROM survey_waves WHERE label = '2026'").fetchall()[0][0]
    assert not con.execute("SELECT count(*) FROM survey_answers WHERE respondent = ?", [first[0]]).fetchone()[0]
    held = con.execute(
        f"""SELECT answer FROM survey_answers WHERE wave_id = $wave AND question_id = 'Q3'
            AND respondent = {keyed.respondent_sql("$respondent")}""",
        {"wave": wave_2026, "respondent": first[0], **keyed.hmac_parameters(con)},
    ).fetchall()
    assert sorted(answer for (answer,) in held) == sorted(ticked)
    assert question(con, "Q5")[1] == "multi" and "None of these" in question(con, "Q5")[2]
    assert len(answers(con, "Q1")) == 38 + 41


def share(con, wave: str, question_id: str, values: tuple[str, ...], gender: str | None = None) -> float:
    """The share of the wave's answers to question_id that are one of values; only from `gender`, if given."""
    sql = """
        SELECT avg(list_contains(?, a.answer)::INT) FROM survey_answers a JOIN survey_waves w USING (wave_id)
        WHERE w.label = ? AND a.question_id = ? AND (CAST(? AS VARCHAR) IS NULL OR a.respondent IN (
            SELECT respondent FROM survey_answers g WHERE g.wave_id = a.wave_id AND g.question_id = 'Q11'
                AND g.answer = ?))
    """
    return con.execute(sql, [list(values), wave, question_id, gender, gender]).fetchall()[0][0]


def test_answers_follow_the_national_picture_and_change_between_waves(imported):
    con, _ = imported
    at_risk = ("Sometimes", "Often", "Always")
    effective = ("Very effective", "Fairly effective")
    for wave in ("2025", "2026"):
        assert 0.7 <= share(con, wave, "Q1", ("Yes",)) <= 0.85
        assert share(con, wave, "Q6", at_risk, "Woman") > share(con, wave, "Q6", at_risk, "Man")
        channels = con.execute(
            "SELECT answer FROM survey_answers JOIN survey_waves USING (wave_id) WHERE label = ? "
            "AND question_id = 'Q3' GROUP BY answer ORDER BY count(*) DESC LIMIT 1",
            [wave],
        ).fetchall()[0][0]
        assert channels == "Social media"
    assert share(con, "2026", "Q6", at_risk) > share(con, "2025", "Q6", at_risk) + 0.1
    assert share(con, "2026", "Q9", effective) > share(con, "2025", "Q9", effective) + 0.1
