"""Survey exports into waves: the real exports of three tools, a Microsoft Forms workbook, re-imports and failures."""

import csv
import io
import json
import random
import re
import time
from datetime import datetime

import openpyxl
import pandas as pd
import pytest

from analytics import keyed, store
from analytics.cli import main
from analytics.errors import ImportRefused
from analytics.surveys import surveys
from analytics.surveys.surveys import import_survey
from tests.analytics.surveys.helpers import (
    PLAIN,
    answers,
    question,
)

EXPORTS = "survey-exports"


def export(realworld, name: str) -> bytes:
    return (realworld / EXPORTS / name).read_bytes()


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
    assert answers(con, "Q1", respondent="R_2YPOQ602ER1jkf1") == answers(con, "Q1") != []
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


FORMS_TOKEN = "fd9c6e1e-0f3a-4b7e-token"


def ms_forms_workbook(*, empty_first_sheet: bool) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if empty_first_sheet:  # and, as Forms writes it, a veryHidden link sheet holding a token before Form1
        link = book.create_sheet("__ms_forms_link")
        link.append([FORMS_TOKEN])
        link.sheet_state = "veryHidden"
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
    assert found_in_database(con, {FORMS_TOKEN}) == []
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


# --- identities: nothing that identifies a respondent is stored ----------------------------------------

EMAIL_LIKE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def stored_text(con) -> str:
    """Every value of every table in the database, as text, in lower case: answers, questions, waves, imports,
    quarantine, the audit trail."""
    tables = [row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    values = [value for table in tables for row in con.execute(f'SELECT * FROM "{table}"').fetchall() for value in row]
    return "\n".join(str(value) for value in values if value is not None).casefold()


def found_in_database(con, identities) -> list[str]:
    stored = stored_text(con)
    return sorted(value for value in identities if value.casefold() in stored)


def source_records(data: bytes, encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def surveymonkey_contact_values(records: list[list[str]]) -> set[str]:
    """The values under the sub-fields Name and Email of SurveyMonkey's "Contact information" question."""
    start = records[0].index("Contact information")
    columns = [start + offset for offset, sub in enumerate(records[1][start:]) if sub in ("Name", "Email")][:2]
    return {record[column].strip() for record in records[2:] for column in columns if record[column].strip()}


def test_surveymonkey_contact_question_stores_no_name_or_address(capsys, realworld, db_path):
    """The real export's 180 names and 180 addresses: none anywhere in the database, though the names also
    appear in answers to other questions (a photo's file name, free text) and an address in free text."""
    path = realworld / EXPORTS / "surveymonkey_contact_question.csv"
    identities = surveymonkey_contact_values(source_records(path.read_bytes()))
    assert len(identities) == 360
    assert main(["import", "survey", str(path), "--wave", "2022", "--db", str(db_path)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["respondents"] == 180
    dropped = next(note for note in summary["warnings"] if "identify people" in note)
    assert "'Contact information - Name'" in dropped and "'Contact information - Email'" in dropped
    con = store.connect(db_path)
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] >= 1
    assert found_in_database(con, identities) == []


@pytest.mark.parametrize(
    "name, encoding, identity_columns",
    [
        ("qualtrics_three_header_rows.csv", "utf-8", ["IPAddress", "LocationLatitude", "LocationLongitude"]),
        ("surveymonkey_contact_question.csv", "utf-8", []),
        ("surveymonkey_two_header_rows.csv", "cp1252", []),
        ("google_forms.csv", "utf-8", []),
    ],
)
def test_no_real_export_leaves_an_address_in_the_database(con, realworld, name, encoding, identity_columns):
    """Every e-mail-like string anywhere in the file, and the values of its identity columns."""
    data = export(realworld, name)
    records = source_records(data, encoding)
    identities = {match for record in records[1:] for cell in record for match in EMAIL_LIKE.findall(cell)}
    for column in identity_columns:
        position = records[0].index(column)
        identities |= {record[position] for record in records[3:] if record[position]}
    import_survey(con, data, name, wave="2025")
    assert found_in_database(con, identities) == []


@pytest.mark.parametrize(
    "name, encoding, id_column, header_rows",
    [
        ("qualtrics_three_header_rows.csv", "utf-8", "ResponseId", 3),
        ("surveymonkey_two_header_rows.csv", "cp1252", "RespondentID", 2),
        ("surveymonkey_contact_question.csv", "utf-8", "Respondent ID", 2),
    ],
)
def test_a_survey_tools_response_ids_are_in_no_table(con, realworld, name, encoding, id_column, header_rows):
    """Whoever holds the tool's records finds the person by a response id: respondents are keyed instead."""
    data = export(realworld, name)
    records = source_records(data, encoding)
    position = records[0].index(id_column)
    response_ids = {record[position] for record in records[header_rows:] if record[position]}
    first = import_survey(con, data, name, wave="2025")
    assert response_ids and found_in_database(con, response_ids) == []
    again = import_survey(con, data, name, wave="2025")
    assert (again.inserted, again.unchanged) == (0, first.inserted), "the same respondents are found again"


def test_an_older_database_has_its_respondents_keyed(db_path, realworld):
    data = export(realworld, "qualtrics_three_header_rows.csv")
    con = store.connect(db_path)
    import_survey(con, data, "q.csv", wave="2017")
    con.execute("UPDATE survey_answers SET respondent = 'R_2YPOQ602ER1jkf1'")  # as the code before stored it
    con.execute("DELETE FROM schema_version WHERE version > ?", [store.MIGRATIONS.index(keyed.rekey_respondents)])
    con.close()
    upgraded = store.connect(db_path)
    assert found_in_database(upgraded, {"R_2YPOQ602ER1jkf1"}) == []
    assert import_survey(upgraded, data, "q.csv", wave="2017").unchanged == 1


def test_a_phone_number_and_a_position_under_contact_headings_are_in_no_table(con, realworld):
    """csv-spectrum's location file: a bare phone number under 'Contact Phone Number', and a position in degrees
    and minutes (its degree sign not UTF-8) under 'Location Coordinates'."""
    data = (realworld / "csv-spectrum" / "csvs" / "location_coordinates.csv").read_bytes()
    result = import_survey(con, data, "places.csv", wave="2025")
    assert "'Contact Phone Number', 'Location Coordinates'" in " ".join(result.warnings)
    assert found_in_database(con, {"2095257564", "36'37.8", "2'17.9"}) == []
    assert answers(con, "Q1") == ["Modesto"]


def test_microsoft_forms_names_and_addresses_are_in_no_table(con):
    import_survey(con, ms_forms_workbook(empty_first_sheet=True), "Safety survey.xlsx", wave="2025")
    assert found_in_database(con, {"ann@example.org", "Ann Lee", "bob@example.org", "Bob Kay"}) == []


def test_microsoft_forms_free_text_keeps_its_words_without_the_contact_details(con):
    book = openpyxl.Workbook()
    book.active.title = "Form1"
    book.active.append(
        ["ID", "Start time", "Completion time", "Email", "Name", "Were you threatened?", "Anything else?"]
    )
    start = datetime(2025, 3, 4, 9, 15, 2)
    book.active.append([1, start, start, "ann.lee@example.org", "Ann Lee", "Yes", "Ring me on 07700 900123 please"])
    book.active.append([2, start, start, "bob@example.org", "Bob Kay", "No", "Bob Kay here: bob.kay@gmail.com"])
    book.active.append([3, start, start, "anonymous", "", "Yes", "Nothing more"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_survey(con, buffer.getvalue(), "form.xlsx", wave="2025")
    assert answers(con, "Q2") == [
        "Nothing more",
        "Ring me on [phone number removed] please",
        "[name removed] here: [e-mail address removed]",
    ]
    assert "Took the e-mail addresses and phone numbers out of 2 answers to 'Anything else?'." in result.warnings
    assert "Took the names given in the columns not stored out of 1 answer to 'Anything else?'." in result.warnings
    assert found_in_database(con, {"07700 900123", "bob.kay@gmail.com", "Bob Kay", "ann.lee@example.org"}) == []


def test_a_plain_table_drops_columns_whose_answers_identify_people_whatever_their_heading(con):
    """A council's own form: a phone number under "Best number", and postcodes, IP addresses and map points
    under headings no list of names would know."""
    rows = [
        ["Respondent ID", "Best number", "Where you live", "Sent from", "Map pin", "Felt unsafe?", "Years served"],
        ["1", "07700 900123", "SW1A 1AA", "203.0.113.7", "51.50135, -0.14189", "Yes", "4"],
        ["2", "+44 20 7946 0958", "M1 1AE", "2001:db8::8a2e:370:7334", "53.48095, -2.23743", "No", "12"],
        ["3", "(0161) 496 0000", "b15 2tt", "198.51.100.23", "52.45070, -1.93058", "Yes", "1"],
        ["4", "7700900456", "EH1 1YZ", "192.0.2.1", "55.95325, -3.18827", "Yes", "2"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    result = import_survey(con, buffer.getvalue().encode(), "survey.csv", wave="2025")
    assert result.questions == 2
    assert con.execute("SELECT text FROM survey_questions ORDER BY position").fetchall() == [
        ("Felt unsafe?",),
        ("Years served",),
    ]
    dropped = next(note for note in result.warnings if "identify people" in note)
    for heading, kind in [
        ("Best number", "phone numbers"),
        ("Where you live", "postcodes"),
        ("Sent from", "IP addresses"),
        ("Map pin", "coordinates"),
    ]:
        assert f"'{heading}' (its answers are {kind})" in dropped
    identities = {cell for row in rows[1:] for cell in row[1:5]}
    assert found_in_database(con, identities) == []


QUALTRICS_METADATA = [
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "ExternalReference",
    "LocationLatitude",
    "LocationLongitude",
    "LocationAccuracy",
    "DistributionChannel",
    "UserLanguage",
    "Q_RecaptchaScore",
]


def import_id(name: str, quote: str) -> str:
    """Qualtrics' third header row: {'ImportId': 'QID1'} in older exports, {"ImportId":"QID1"} in newer ones."""
    zone = f", {quote}timeZone{quote}: {quote}Europe/London{quote}" if "Date" in name else ""
    return f"{{{quote}ImportId{quote}: {quote}{name}{quote}{zone}}}"


def qualtrics_export(quote: str = "'") -> bytes:
    """A Qualtrics export with RecipientEmail, IPAddress and LocationLatitude, ImportIds in the given quoting (some
    with a time zone), and the empty columns it leaves at the end."""
    ids = ["startDate", "endDate", "status", "ipAddress", "progress", "duration", "finished", "recordedDate"]
    ids += ["_recordId", "recipientLastName", "recipientFirstName", "recipientEmail", "externalDataReference"]
    ids += [
        "locationLatitude",
        "locationLongitude",
        "locationAccuracy",
        "distributionChannel",
        "userLanguage",
        "Q_RecaptchaScore",
    ]
    ids += ["QID1", "QID4-1-1", "QID4-2-1", "QID5_TEXT"]
    rows = [
        [*QUALTRICS_METADATA, "Q1", "Q4_1", "Q4_2", "Q5", "", ""],
        [
            *QUALTRICS_METADATA,
            "How often were you abused?",
            "Where? - Online",
            "Where? - In person",
            "Anything else?",
            "",
            "",
        ],
        [*(import_id(name, quote) for name in ids), "", ""],
    ]
    people = [
        (
            "R_1aaa",
            "Lee",
            "Ann",
            "ann@example.org",
            "51.50135",
            "-0.14189",
            "203.0.113.7",
            "Often",
            "Yes",
            "No",
            "mail me at ann@example.org",
        ),
        ("R_2bbb", "Kay", "Bob", "bob@example.org", "53.48095", "-2.23743", "198.51.100.23", "Never", "No", "No", ""),
        (
            "R_3ccc",
            "Roe",
            "Cy",
            "cy@example.org",
            "52.45070",
            "-1.93058",
            "192.0.2.1",
            "Often",
            "Yes",
            "Yes",
            "Called 01632 960001",
        ),
    ]
    for response, last, first, email, latitude, longitude, ip, *answered in people:
        meta = ["2024-05-01 10:00:00", "2024-05-01 10:05:00", "0", ip, "100", "300", "True", "2024-05-01 10:05:00"]
        meta += [response, last, first, email, "", latitude, longitude, "-1", "email", "EN-GB", "0.9"]
        rows.append([*meta, *answered, "", ""])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


def test_qualtrics_single_quoted_import_ids_are_a_header_row_never_a_respondent(con):
    result = import_survey(con, qualtrics_export(), "older.csv", wave="2024")
    assert (result.tool, result.rows_read, result.respondents, result.rejected) == ("qualtrics", 3, 3, 0)
    assert con.execute("SELECT question_id, kind FROM survey_questions ORDER BY position").fetchall() == [
        ("Q1", "single"),
        ("Q4_1", "single"),
        ("Q4_2", "single"),
        ("Q5", "text"),
    ]  # not LocationAccuracy, the reCAPTCHA score, nor the empty columns at the end
    assert sorted(question(con, "Q1")[2]) == ["Never", "Often"]  # no option made of the header row
    assert "importid" not in stored_text(con)
    identities = {"ann@example.org", "bob@example.org", "cy@example.org", "51.50135", "203.0.113.7", "01632 960001"}
    assert found_in_database(con, identities) == []


def test_qualtrics_double_quoted_import_ids_still_read_as_a_header_row(con):
    result = import_survey(con, qualtrics_export(quote='"'), "newer.csv", wave="2024")
    assert (result.rows_read, result.respondents, result.questions) == (3, 3, 4)
    assert question(con, "Q5")[1] == "text"


def surveymonkey_with_contact_question() -> bytes:
    """A SurveyMonkey export whose "Contact information" question spans four columns, as the tool writes it, and a
    multi-select whose options are "Email" and "Phone"."""
    top = ["Respondent ID", "Collector ID", "Contact information", "", "", "", "Have you been abused?", "Tell us more"]
    sub = ["", "", "Name", "Email Address", "Phone Number", "Address", "Response", "Open-Ended Response"]
    rows = [
        [*top, "How were you contacted?", ""],
        [*sub, "Email", "Phone"],
        ["11001", "42", "Joan Whitby", "joan.whitby@example.gov.uk", "020 7946 0001", "1 High St", "Yes"]
        + ["Joan Whitby was shouted at; ring 020 7946 0001", "Email", "Phone"],
        ["11002", "42", "Sam O'Neill", "sam@example.org", "+44 7700 900002", "2 Low Rd", "No", "", "", "Phone"],
        ["11003", "42", "Prefer not to say", "", "", "", "Prefer not to say", "Nothing to add", "", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


def test_surveymonkey_contact_question_built_in_code(con):
    data = surveymonkey_with_contact_question()
    result = import_survey(con, data, "monkey.csv", wave="2025")
    assert (result.tool, result.respondents, result.questions) == ("surveymonkey", 3, 3)
    assert question(con, "Q3") == ("How were you contacted?", "multi", ["Email", "Phone"])  # options, not addresses
    assert sorted(question(con, "Q1")[2]) == ["No", "Prefer not to say", "Yes"]  # no name was taken out of it
    assert answers(con, "Q2") == ["Nothing to add", "[name removed] was shouted at; ring [phone number removed]"]
    records = source_records(data)
    identities = {cell for record in records[2:4] for cell in record[2:6]}
    assert found_in_database(con, identities) == []


@pytest.mark.parametrize(
    "data",
    [b"Name\nAnn Lee\n", b"Timestamp\n3/4/2025 9:15:02\n", b"Email,Name\nann@example.org,Ann Lee\n", b"Email,Name\n"],
    ids=["only Name", "only Timestamp", "only Email and Name", "header only"],
)
def test_a_survey_file_without_questions_is_refused_in_one_sentence(con, data):
    with pytest.raises(ImportRefused) as refused:
        import_survey(con, data, "survey.csv", wave="2025")
    sentence = str(refused.value)
    assert sentence.endswith(".") and sentence.count(". ") == 0 and "\n" not in sentence
    assert "ann@example.org" not in sentence and "Ann Lee" not in sentence
    assert counts(con) == (0, 0, 0)


def test_a_survey_file_without_questions_is_refused_on_the_command_line_in_one_sentence(capsys, tmp_path, db_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes(b"Email,Name\nann@example.org,Ann Lee\n")
    assert main(["import", "survey", str(path), "--wave", "2025", "--db", str(db_path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: This file has no survey questions") and err.count("\n") == 1


def test_response_ids_that_identify_people_are_not_kept_as_respondents(con):
    data = b"ID,Felt unsafe?\nann@example.org,Yes\nbob@example.org,No\n"
    result = import_survey(con, data, "survey.csv", wave="2025")
    assert "The response ids in 'ID' identify people, so respondents are numbered by row." in result.warnings
    assert found_in_database(con, {"ann@example.org", "bob@example.org"}) == []


def timed_import(data: bytes, tmp_path, name: str) -> float:
    con = store.connect(tmp_path / f"{name}.duckdb")
    started = time.perf_counter()
    import_survey(con, data, "survey.csv", wave="2025")
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed


def test_looking_for_names_in_the_answers_costs_little_beside_the_import(tmp_path):
    """6,000 respondents whose free text is full of their first names: the file with a Name column (whose
    names are looked for in every answer) imports in much the same time as the file without it."""
    first_names, surnames = ["Will", "Mark", "Grace", "May", "Hope", "Rose"], ["Smith", "Jones", "Brown", "Khan"]
    words = [
        "will",
        "may",
        "mark",
        "hope",
        "grace",
        "rose",
        "the",
        "abuse",
        "happened",
        "online",
        "and",
        "in",
        "person",
        "during",
        "the",
        "campaign",
    ]
    generator = random.Random(13)
    rows = [
        [f"{generator.choice(first_names)} {generator.choice(surnames)}", generator.choice(["Yes", "No"])]
        + [" ".join(generator.choices(words, k=40)) for _ in range(3)]
        for _ in range(6_000)
    ]
    header = ["Felt unsafe?", "What happened?", "What helped?", "Anything else?"]
    with_names = pd.DataFrame(rows, columns=["Name", *header]).to_csv(index=False).encode()
    without_names = pd.DataFrame([row[1:] for row in rows], columns=header).to_csv(index=False).encode()
    plain = min(timed_import(without_names, tmp_path, f"plain{attempt}") for attempt in range(2))
    named = min(timed_import(with_names, tmp_path, f"named{attempt}") for attempt in range(2))
    assert named < 3 * plain


@pytest.mark.parametrize("tool", ["surveymonkey", "qualtrics"])
@pytest.mark.parametrize("data", [b"Q1,Q2\n", b",\nYes,No\n"], ids=["one header row", "blank first row"])
def test_a_file_shorter_than_the_named_tools_header_rows_is_refused_in_one_sentence(con, tool, data):
    with pytest.raises(ImportRefused, match="no responses; export it again with responses"):
        import_survey(con, data, "survey.csv", wave="2025", tool=tool)
