"""Survey exports into waves: the real exports of three tools, a Microsoft Forms workbook, re-imports and failures."""

import csv
import io
import json
from datetime import datetime

import openpyxl
import pytest

from analytics import surveys
from analytics.cli import main
from analytics.errors import ImportRefused
from analytics.surveys import import_survey

EXPORTS = "survey-exports"


def export(realworld, name: str) -> bytes:
    return (realworld / EXPORTS / name).read_bytes()


def answers(con, question_id: str, respondent: str | None = None) -> list[str]:
    sql = "SELECT answer FROM survey_answers WHERE question_id = ?"
    params = [question_id]
    if respondent is not None:
        sql, params = sql + " AND respondent = ?", [question_id, respondent]
    return sorted(row[0] for row in con.execute(sql, params).fetchall())


def question(con, question_id: str) -> tuple:
    sql = "SELECT text, kind, options FROM survey_questions WHERE question_id = ?"
    return con.execute(sql, [question_id]).fetchall()[0]


def counts(con) -> tuple[int, int, int]:
    tables = ("survey_waves", "survey_questions", "survey_answers")
    return tuple(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] for table in tables)


# --- the real exports ----------------------------------------------------------------------------------


def test_surveymonkey_export_two_header_rows_and_windows_1252(con, realworld):
    result = import_survey(con, export(realworld, "surveymonkey_two_header_rows.csv"), "sm.csv", wave="2025")
    assert result.tool == "surveymonkey"
    # 1,186 data records under two header rows; RespondentID plus 2 + 1 (films seen, 6 columns) + 6 (ranking)
    # + 14 (characters matrix) + 9 single-column questions = 32 questions.
    assert (result.rows_read, result.respondents, result.questions, result.rejected) == (1186, 1186, 32, 0)
    assert "The file was not UTF-8; read it as Windows-1252." in result.warnings
    text, kind, options = question(con, "Q3")
    assert text.startswith("Which of the following Star Wars films have you seen?") and kind == "multi"
    assert len(options) == 6
    # Respondent 3292765271 ticked the first three films only: one answer row per ticked option.
    assert answers(con, "Q3", "3292765271") == [
        "Star Wars: Episode I The Phantom Menace",
        "Star Wars: Episode II Attack of the Clones",
        "Star Wars: Episode III Revenge of the Sith",
    ]
    assert question(con, "Q4_1")[1] == "number" and answers(con, "Q4_1", "3292765271") == ["1"]
    assert question(con, "Q5_1")[0].endswith(" - Han Solo")


def test_surveymonkey_multi_select_rows_match_the_ticked_cells(con, realworld):
    data = export(realworld, "surveymonkey_two_header_rows.csv")
    import_survey(con, data, "sm.csv", wave="2025")
    records = list(csv.reader(io.StringIO(data.decode("cp1252"), newline="")))[2:]
    ticked = sum(1 for record in records for cell in record[3:9] if cell.strip())
    assert len(answers(con, "Q3")) == ticked


def test_google_forms_export_checkboxes_split_into_options(con, realworld):
    data = export(realworld, "google_forms.csv")
    result = import_survey(con, data, "google.csv", wave="2019")
    assert result.tool == "google_forms"
    assert (result.rows_read, result.respondents, result.questions) == (42, 42, 4)  # Timestamp is no question
    text, kind, options = question(con, "Q3")
    assert text == "Q2: Do you have a personal connection to autism?" and kind == "multi"
    assert sorted(options) == [
        "I am a parent/ guardian of someone autistic",
        "I am autistic",
        "I have another personal connection to autism",
        "I have no personal connection to autism",
        "I know someone who is autistic",
        "Prefer not to say",
        "Someone in my family is autistic",
    ]
    records = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    chosen = [part for record in records for part in record[text].split(", ") if part]
    assert answers(con, "Q3") == sorted(chosen)
    assert question(con, "Q2")[1] == "text" and question(con, "Q1")[1:] == ("single", ["Yes"])


def test_qualtrics_export_three_header_rows(con, realworld):
    result = import_survey(con, export(realworld, "qualtrics_three_header_rows.csv"), "q.csv", wave="2017")
    assert result.tool == "qualtrics"
    assert (result.rows_read, result.respondents, result.questions) == (1, 1, 2)  # Q1, Q2; "Q2 - Topics" is Text iQ
    assert question(con, "Q1")[:2] == ("This is a multiple choice question.", "single")
    assert question(con, "Q2")[:2] == ("This is a free text question.", "text")
    assert con.execute("SELECT DISTINCT respondent FROM survey_answers").fetchall() == [("R_2YPOQ602ER1jkf1",)]
    dropped = next(note for note in result.warnings if "identify people" in note)
    for column in ("IPAddress", "RecipientEmail", "RecipientFirstName", "RecipientLastName", "LocationLatitude"):
        assert f"'{column}'" in dropped
    stored = " ".join(row[0] for row in con.execute("SELECT answer FROM survey_answers").fetchall())
    assert "130.92.34.66" not in stored and "47.115097045898" not in stored


def test_qualtrics_legacy_export_with_two_header_rows(con):
    data = (
        b"V1,V2,V3,V5,V6,V7,V8,V9,V10,Q1,Q2\n"
        b"ResponseID,ResponseSet,Name,EmailAddress,IPAddress,Status,StartDate,EndDate,Finished,"
        b"How often are you abused?,Comments\n"
        b"R_1,Default,Ann Lee,ann@example.org,10.0.0.1,0,2016-01-01 10:00,2016-01-01 10:05,1,Rarely,None\n"
    )
    result = import_survey(con, data, "legacy.csv", wave="2016")
    assert (result.tool, result.respondents, result.questions) == ("qualtrics", 1, 2)
    assert answers(con, "Q1", "R_1") == ["Rarely"]
    assert "'V3'" in next(note for note in result.warnings if "identify people" in note)


# --- Microsoft Forms ------------------------------------------------------------------------------------

MS_FORMS_QUESTIONS = ["How were you contacted?", "Abuse in the last 12 months?", "Years served", "Anything else?"]


def ms_forms_workbook(*, empty_first_sheet: bool) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if empty_first_sheet:
        sheet = book.create_sheet("Form1")
    else:
        sheet.title = "Form1"
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name", *MS_FORMS_QUESTIONS])
    start = datetime(2025, 3, 4, 9, 15, 2)
    sheet.append([1, start, start, "ann@example.org", "Ann Lee", "Email;Social media;", "Yes", 4, "Threats, twice"])
    sheet.append([2, start, start, "anonymous", "", "Letter;", "No", 12, ""])
    sheet.append([3, start, start, "bob@example.org", "Bob Kay", "", "Yes", 1, "Please call me"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("empty_first_sheet", [False, True])
def test_microsoft_forms_workbook(con, empty_first_sheet):
    data = ms_forms_workbook(empty_first_sheet=empty_first_sheet)
    result = import_survey(con, data, "Safety survey.xlsx", wave="2025")
    assert (result.tool, result.rows_read, result.respondents, result.questions) == ("microsoft_forms", 3, 3, 4)
    assert question(con, "Q1") == ("How were you contacted?", "multi", ["Email", "Social media", "Letter"])
    assert answers(con, "Q1", "1") == ["Email", "Social media"]
    assert question(con, "Q2")[1:] == ("single", ["Yes", "No"]) and question(con, "Q3")[1] == "number"
    assert "Did not store these columns because they identify people: 'Email', 'Name'." in result.warnings
    stored = {row[0] for row in con.execute("SELECT answer FROM survey_answers").fetchall()}
    assert not stored & {"ann@example.org", "Ann Lee", "bob@example.org", "Bob Kay", "anonymous"}
    texts = {row[0] for row in con.execute("SELECT text FROM survey_questions").fetchall()}
    assert texts == set(MS_FORMS_QUESTIONS)  # ID and the times are the tool's, not questions


# --- Google Forms checkbox options with commas ----------------------------------------------------------


def test_google_forms_options_with_commas_are_learned_from_the_answers(con):
    rows = [
        ["Timestamp", "How were you contacted?"],
        ["3/4/2025 9:15:02", "Email, Social media (Facebook, X, Instagram)"],
        ["3/5/2025 10:01:00", "In person, at a surgery"],
        ["3/6/2025 11:30:45", "Email, In person, at a surgery, Letter"],
        ["3/7/2025 12:00:00", "Letter"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    result = import_survey(con, buffer.getvalue().encode(), "form.csv", wave="2025")
    assert (result.tool, result.respondents, result.questions) == ("google_forms", 4, 1)
    assert question(con, "Q1")[1:] == (
        "multi",
        ["Email", "Social media (Facebook, X, Instagram)", "In person, at a surgery", "Letter"],
    )
    assert answers(con, "Q1", "4") == ["Email", "In person, at a surgery", "Letter"]


# --- plain tables, re-imports and refusals --------------------------------------------------------------

PLAIN = "Respondent ID,Gender,Experienced abuse,Years served\nA1,Female,Yes,3\nA2,Male,No,10\nA3,Female,Yes,1\n"


def test_plain_one_header_table_uses_its_respondent_ids(con):
    result = import_survey(con, PLAIN.encode(), "survey.csv", wave="2025")
    assert (result.tool, result.respondents, result.questions, result.warnings) == ("plain", 3, 3, [])
    assert answers(con, "Q2", "A2") == ["No"] and question(con, "Q3")[1] == "number"


def test_reimporting_the_same_export_adds_nothing(con, realworld):
    data = export(realworld, "google_forms.csv")
    first = import_survey(con, data, "google.csv", wave="2019")
    before = counts(con)
    again = import_survey(con, data, "google.csv", wave="2019")
    assert counts(con) == before == (1, 4, before[2])
    assert again.batch_id == first.batch_id
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 42)


def test_a_later_export_adds_new_respondents_and_replaces_changed_ones(con):
    import_survey(con, PLAIN.encode(), "survey.csv", wave="2025")
    later = PLAIN.replace("A2,Male,No,10", "A2,Male,Yes,10") + "A4,Male,No,2\n"
    result = import_survey(con, later.encode(), "survey.csv", wave="2025")
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 2)
    assert answers(con, "Q2", "A2") == ["Yes"]
    assert con.execute("SELECT respondents, questions FROM survey_waves").fetchall() == [(4, 3)]


def test_a_failure_part_way_leaves_the_database_unchanged(con, monkeypatch):
    import_survey(con, PLAIN.encode(), "survey.csv", wave="2024")
    before = con.execute("SELECT * FROM survey_answers ORDER BY ALL").fetchall()

    def fail(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(surveys, "_update_wave", fail)
    for wave in ("2024", "2025"):
        with pytest.raises(RuntimeError):
            import_survey(con, (PLAIN + "A4,Male,No,2\n").encode(), "survey.csv", wave=wave)
    assert counts(con) == (1, 3, 9)
    assert con.execute("SELECT * FROM survey_answers ORDER BY ALL").fetchall() == before


def test_a_wave_keeps_its_questions_and_its_tool(con, realworld):
    import_survey(con, PLAIN.encode(), "survey.csv", wave="2025")
    changed = PLAIN.replace("Experienced abuse", "Felt at risk")
    with pytest.raises(ImportRefused, match="questions differ .* wave '2025'"):
        import_survey(con, changed.encode(), "survey.csv", wave="2025")
    with pytest.raises(ImportRefused, match="imported from a plain table, not Google Forms"):
        import_survey(con, export(realworld, "google_forms.csv"), "google.csv", wave="2025")
    assert counts(con) == (1, 3, 9)


def test_the_tool_can_be_named_and_a_bad_name_is_refused(con):
    result = import_survey(con, PLAIN.encode(), "survey.csv", wave="2025", tool="google_forms")
    assert result.tool == "google_forms"
    with pytest.raises(ImportRefused, match="not a survey tool"):
        import_survey(con, PLAIN.encode(), "survey.csv", wave="2026", tool="typeform")
    with pytest.raises(ImportRefused, match="no responses"):
        import_survey(con, b"V1,V2\nResponseID,Finished\n", "q.csv", wave="2026", tool="qualtrics")


# --- command line ---------------------------------------------------------------------------------------


def test_cli_imports_a_survey_and_prints_respondents_and_questions(capsys, realworld, db_path):
    path = realworld / EXPORTS / "qualtrics_three_header_rows.csv"
    code = main(["import", "survey", str(path), "--wave", "2017", "--db", str(db_path)])
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert code == 0 and err == ""
    assert set(summary) == {"batch_id", "rows_read", "inserted", "updated", "unchanged", "rejected", "warnings"} | {
        "respondents",
        "questions",
    }
    assert (summary["respondents"], summary["questions"], summary["inserted"]) == (1, 2, 1)


def test_cli_survey_needs_a_wave(capsys, realworld, db_path):
    path = realworld / EXPORTS / "google_forms.csv"
    assert main(["import", "survey", str(path), "--db", str(db_path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: import survey needs --wave") and err.count("\n") == 1
    assert not db_path.exists()


@pytest.mark.parametrize("character", ["\u2028", "\u2029", "\u0085", "\ud800"])
def test_a_survey_export_holding_separators_and_broken_characters_imports(con, character):
    """Answers keep line and paragraph separators as written; a lone surrogate (in the file name or the wave
    label given on the command line) is stored as U+FFFD."""
    data = f"Respondent,Q{character}1\n1,yes{character}no\n2,no\n".encode("utf-8", "surrogatepass")
    result = import_survey(con, data, f"wave{character}.csv", wave=f"20{character}25")
    assert (result.respondents, result.rows_read) == (2, 2)
    stored = "\ufffd" if character == "\ud800" else character
    assert con.execute("SELECT file_name, label FROM survey_waves").fetchone() == (f"wave{stored}.csv", f"20{stored}25")
