"""The import path end to end on small hand-built files: what lands, what is kept aside, and why."""

import io
import random
from datetime import date

import openpyxl
import pandas as pd
import pytest

from analytics.errors import ImportRefused
from analytics.exports import to_csv_bytes, to_excel_bytes
from analytics.ingest import importing, registers
from analytics.ingest.batches import rejected_rows
from analytics.ingest.importing import import_file
from analytics.surveys.surveys import import_survey
from tests.analytics.ingest.helpers import HEADER, ROWS, csv_bytes


def counts(con) -> dict:
    return {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("incidents", "incident_versions", "quarantine", "import_batches")
    }


def accounted(result) -> bool:
    return result.rows_read == result.inserted + result.updated + result.unchanged + result.rejected


def test_a_messy_log_lands_in_the_contract_shape(con):
    result = import_file(con, "incidents", csv_bytes(*ROWS), "log.csv")
    assert (result.rows_read, result.inserted, result.rejected) == (3, 3, 0)
    row = con.execute(
        """SELECT occurred_on, councillor, channel, platform, abuse_types, protected_characteristics, threat_level
           FROM incidents WHERE incident_ref = 'INC-1'"""
    ).fetchone()
    assert row == (
        date(2025, 4, 3),
        "Ann Lee",
        "social media",
        "Facebook",
        ["verbal abuse", "harassment (repeated unwanted contact)"],
        ["race"],
        "high",
    )
    assert con.execute("SELECT abuse_types, threat_level FROM incidents WHERE incident_ref='INC-2'").fetchone() == (
        ["death threat"],
        None,
    )
    assert con.execute("SELECT count(DISTINCT councillor_key) FROM incidents").fetchone()[0] == 2


def test_importing_the_same_file_again_adds_nothing(con):
    import_file(con, "incidents", csv_bytes(*ROWS), "log.csv")
    before = counts(con)
    again = import_file(con, "incidents", csv_bytes(*ROWS), "log.csv")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    after = counts(con)
    assert after["incidents"] == before["incidents"] and after["incident_versions"] == 0


def test_rows_without_a_reference_are_recognised_on_reimport_even_when_identical(con):
    header = "Date of incident,Councillor,Ward,How (channel),Type of abuse"
    twice = ["03/04/2025,Ann Lee,Castle Hill,Email,Verbal abuse"] * 2
    rows = [*twice, "04/04/2025,Ann Lee,Castle Hill,Email,Verbal abuse"]
    first = import_file(con, "incidents", csv_bytes(*rows, header=header), "noref.csv")
    second = import_file(con, "incidents", csv_bytes(*rows, header=header), "noref.csv")
    assert first.inserted == 3 and (second.inserted, second.unchanged) == (0, 3)


def test_a_changed_row_updates_the_record_and_keeps_the_previous_version(con):
    import_file(con, "incidents", csv_bytes(*ROWS), "log.csv")
    changed = [ROWS[0].replace(",Open", ",Closed"), *ROWS[1:]]
    result = import_file(con, "incidents", csv_bytes(*changed), "log-v2.csv")
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)
    assert con.execute("SELECT status, version FROM incidents WHERE incident_ref='INC-1'").fetchone() == ("closed", 2)
    assert con.execute("SELECT status, version FROM incident_versions").fetchall() == [("open", 1)]


def test_bad_rows_are_quarantined_with_their_cells_row_number_and_reasons(con):
    bad = [
        "INC-4,31/02/2026,Ann Lee,Castle Hill,Email,Verbal abuse,,,Open",
        "INC-5,,Ann Lee,Castle Hill,Carrier pigeon,Verbal abuse,,,Open",
        "INC-1,05/04/2025,Ann Lee,Castle Hill,Email,Verbal abuse,,,Open",
    ]
    result = import_file(con, "incidents", csv_bytes(*ROWS, *bad), "log.csv")
    assert (result.rows_read, result.inserted, result.rejected) == (6, 3, 3)
    assert accounted(result)
    rows = rejected_rows(con, result.batch_id)
    assert rows["Row in original file"].tolist() == [5, 6, 7]
    reasons = rows["Why it was not imported"].tolist()
    assert "'Date of incident' has '31/02/2026', which is not a date we can read" in reasons[0]
    assert "'Date of incident' is empty" in reasons[1] and "'Carrier pigeon', which is not one of" in reasons[1]
    assert "Reference INC-1 is also on row 2" in reasons[2]
    assert rows.loc[1, "How (channel)"] == "Carrier pigeon"


def test_rejected_rows_can_be_downloaded_fixed_and_imported_again(con):
    bad = "INC-9,31/02/2026,Ann Lee,Castle Hill,Email,Abuse,,,Open"
    result = import_file(con, "incidents", csv_bytes(bad), "a.csv")
    download = rejected_rows(con, result.batch_id)
    download.loc[0, "Date of incident"] = "28/02/2026"
    fixed = import_file(con, "incidents", to_csv_bytes(download), "fixed.csv")
    assert (fixed.inserted, fixed.rejected) == (1, 0)
    fixed_date = con.execute("SELECT occurred_on FROM incidents WHERE incident_ref='INC-9'").fetchone()[0]
    assert fixed_date == date(2026, 2, 28)


def test_a_rejected_rows_date_cell_reads_as_the_councils_spreadsheet_showed_it(con):
    log = pd.DataFrame(
        {"Date of incident": [pd.Timestamp(2026, 3, 1)], "Councillor": [""], "Ward": ["Castle Hill"]}
        | {"How (channel)": ["Email"], "Type of abuse": ["Verbal abuse"]}
    )
    result = import_file(con, "incidents", to_excel_bytes(log), "log.xlsx")
    assert rejected_rows(con, result.batch_id).loc[0, "Date of incident"] == "01/03/2026"


def test_an_import_that_fails_part_way_leaves_the_database_exactly_as_it_was(con, monkeypatch):
    import_file(con, "incidents", csv_bytes(*ROWS[:2]), "first.csv")
    before = counts(con)
    snapshot = con.execute("SELECT * FROM incidents ORDER BY incident_key").fetchall()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "_quarantine", fail)
    changed = [ROWS[0].replace(",Open", ",Closed"), ROWS[1], ROWS[2], "INC-8,,x,y,Email,Abuse,,,Open"]
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(con, "incidents", csv_bytes(*changed), "second.csv")
    assert counts(con) == before
    assert con.execute("SELECT * FROM incidents ORDER BY incident_key").fetchall() == snapshot


def test_a_file_missing_required_columns_is_refused_in_one_sentence(con):
    with pytest.raises(ImportRefused) as refused:
        import_file(con, "incidents", csv_bytes("a,b", header="Name,Colour"), "wrong.csv")
    message = str(refused.value)
    assert "no column for Date of incident, Ward, Channel or Type of abuse (its columns are 'Name', 'Colour')" in (
        message
    )
    assert "\n" not in message and counts(con)["import_batches"] == 0


def test_a_mapping_names_unknown_headers_and_is_remembered_for_next_time(con):
    header = "When it happened,Member,Area,Route,What"
    rows = ["03/04/2025,Ann Lee,Castle Hill,Email,Verbal abuse"]
    mapping = {
        "When it happened": "occurred_on",
        "Member": "councillor",
        "Area": "ward",
        "Route": "channel",
        "What": "abuse_types",
    }
    assert import_file(con, "incidents", csv_bytes(*rows, header=header), "a.csv", mapping=mapping).inserted == 1
    again = import_file(
        con, "incidents", csv_bytes("05/04/2025,Ann Lee,Castle Hill,Email,Verbal abuse", header=header), "b.csv"
    )
    assert again.inserted == 1


def test_incidents_are_matched_to_the_ward_register_ignoring_case_and_punctuation(con):
    wards = (
        "WD24CD,WD24NM,LAD24CD,LAD24NM\n"
        "E05999901,Castle Hill,E07999901,Fernwick\nE05999902,St John's,E07999901,Fernwick\n"
    )
    import_file(con, "wards", wards.encode(), "wards.csv")
    registers.choose_authority(con, "Fernwick")
    rows = [
        ROWS[0],
        ROWS[1].replace("St. John's", "ST JOHNS"),
        ROWS[2].replace("Castle Hill", "E05999901"),
        "INC-7,01/05/2025,Ann Lee,Narnia,Email,Abuse,,,Open",
    ]
    result = import_file(con, "incidents", csv_bytes(*rows), "log.csv")
    assert (result.inserted, result.rejected) == (3, 1)
    assert con.execute("SELECT DISTINCT ward, ward_code FROM incidents ORDER BY 1").fetchall() == [
        ("Castle Hill", "E05999901"),
        ("St John's", "E05999902"),
    ]
    assert "'Narnia', which is not a ward in the ward register" in rejected_rows(con, result.batch_id).iloc[0, 1]


def test_incidents_link_to_the_councillor_register_by_name_or_id(con):
    register = "Cllr ID,Councillor name,Ward,Party/Group\nC001,Ann Lee,Castle Hill,Independent\n"
    import_file(con, "councillors", register.encode(), "register.csv")
    rows = [ROWS[0], ROWS[2].replace("Ann Lee", "C001")]
    import_file(con, "incidents", csv_bytes(*rows), "log.csv")
    assert con.execute("SELECT DISTINCT councillor_key FROM incidents").fetchall() == [("c001",)]


def test_the_ons_ward_lookup_loads_as_a_ward_register(con, realworld):
    path = realworld / "wards" / "ons_ward_to_lad_dec2019_uk_WD19.csv"
    result = import_file(con, "wards", path.read_bytes(), path.name)
    assert (result.rows_read, result.inserted, result.rejected) == (8887, 8887, 0)
    assert any("FID" in warning for warning in result.warnings)
    code, name = registers.choose_authority(con, "Hartlepool")
    assert code == "E06000001"
    assert len(registers.council_wards(con)) == 11


def test_an_excel_log_with_a_title_row_and_real_dates_imports(con):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Fernwick council - incident log"])
    sheet.append([])
    sheet.append(HEADER.split(","))
    sheet.append(["INC-1", date(2025, 4, 3), "Ann Lee", "Castle Hill", "Email", "Verbal abuse", None, 3, "Open"])
    sheet.append(["INC-2", "14/04/2025", "Ann Lee", "Castle Hill", "X", "Stalking", None, None, "Open"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_file(con, "incidents", buffer.getvalue(), "log.xlsx")
    assert (result.inserted, result.rejected) == (2, 0)
    assert con.execute("SELECT occurred_on, threat_level FROM incidents ORDER BY 1").fetchall() == [
        (date(2025, 4, 3), "high"),
        (date(2025, 4, 14), None),
    ]


def test_councillor_register_keeps_the_previous_version_of_a_changed_councillor(con):
    header = "Cllr ID,Councillor name,Ward,Party/Group,Risk level,Risk assessed,Mitigations in place"
    first = "C001,Ann Lee,Castle Hill,Independent,Low,01/03/2025,Safety app"
    import_file(con, "councillors", f"{header}\n{first}\n".encode(), "r1.csv")
    result = import_file(con, "councillors", f"{header}\n{first.replace('Low', 'High')}\n".encode(), "r2.csv")
    assert result.updated == 1
    assert con.execute("SELECT risk_level, mitigations, risk_assessed_on FROM councillors").fetchone() == (
        "high",
        ["safety app"],
        date(2025, 3, 1),
    )
    assert con.execute("SELECT risk_level FROM councillor_versions").fetchall() == [("low",)]


# Every character a file may hold -------------------------------------------------------------------------------

SEPARATORS = {"line separator": "\u2028", "paragraph separator": "\u2029", "next line": "\u0085"}
LOG_HEADER = ["Ref", "Date of incident", "Councillor", "Ward", "How (channel)", "Type of abuse", "Description"]


def log_with(good: str, bad: str, write) -> bytes:
    """A log of one good incident whose description is `good` and one rejected (its date) holding `bad`."""
    rows = [
        ["INC-1", "03/04/2025", "Ann Lee", "Castle Hill", "Email", "Verbal abuse", good],
        ["INC-2", "not a date", f"Ann{bad}Lee", "Castle Hill", "Email", "Verbal abuse", f"one{bad}two"],
    ]
    return write(pd.DataFrame(rows, columns=LOG_HEADER, dtype=object))


def csv_of(frame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\r\n").encode()


def workbook_of(frame) -> bytes:
    """As Excel writes it: characters XML cannot hold as _xHHHH_ escapes (the exports' own writer does this)."""
    return to_excel_bytes(frame)


@pytest.mark.parametrize("write", [csv_of, workbook_of], ids=["csv", "xlsx"])
@pytest.mark.parametrize("character", list(SEPARATORS.values()), ids=list(SEPARATORS))
def test_a_row_holding_a_line_or_paragraph_separator_is_stored_or_kept_aside_as_written(con, character, write):
    name = "log.csv" if write is csv_of else "log.xlsx"
    result = import_file(con, "incidents", log_with(f"said{character}again", character, write), name)
    assert (result.rows_read, result.inserted, result.rejected) == (2, 1, 1)
    assert con.execute("SELECT description FROM incidents").fetchone()[0] == f"said{character}again"
    kept = rejected_rows(con, result.batch_id)
    assert kept.loc[0, ["Councillor", "Description"]].tolist() == [f"Ann{character}Lee", f"one{character}two"]
    assert "'Date of incident' has 'not a date'" in kept.loc[0, "Why it was not imported"]


@pytest.mark.parametrize("character", ["\x00", "\ud800", "\udcff"], ids=["NUL", "lone surrogate", "escaped byte"])
def test_a_file_name_with_a_character_that_cannot_be_stored_imports_with_the_replacement_character(con, character):
    """A caller may pass a NUL or a lone surrogate (a file name read with surrogateescape): stored as U+FFFD."""
    result = import_file(con, "incidents", csv_bytes(*ROWS), f"log{character}.csv")
    assert (result.rows_read, result.inserted) == (3, 3)
    assert con.execute("SELECT file_name FROM import_batches").fetchone()[0] == "log\ufffd.csv"


def test_a_nul_in_a_workbook_is_replaced_and_the_import_says_so(con):
    frame = pd.DataFrame([["INC-1", "03/04/2025", "Ann\x00Lee", "Castle Hill", "Email", "Verbal abuse", "x\x00"]],
                         columns=LOG_HEADER, dtype=object)  # fmt: skip
    result = import_file(con, "incidents", to_excel_bytes(frame), "log.xlsx")
    assert con.execute("SELECT councillor, description FROM incidents").fetchone() == ("Ann\ufffdLee", "x\ufffd")
    assert any("\ufffd" in warning for warning in result.warnings)


def test_a_very_long_cell_is_stored_whole_and_kept_aside_whole(con):
    long = "abuse " * 20_000
    result = import_file(con, "incidents", log_with(long, "\u2028" + long, csv_of), "log.csv")
    assert (result.inserted, result.rejected) == (1, 1)
    assert con.execute("SELECT length(description) FROM incidents").fetchone()[0] == len(long.strip())
    assert rejected_rows(con, result.batch_id).loc[0, "Description"] == "one\u2028" + long + "two"


@pytest.mark.parametrize("channel", ["?", "-", "\u200b", "=\u200b\u2029"])
def test_a_required_choice_that_says_nothing_is_kept_aside_with_its_reason(con, channel):
    """Found by the fuzz test: such a cell folds to no word at all, and was accepted as blank, crashing the import."""
    result = import_file(con, "incidents", csv_bytes(ROWS[0], ROWS[1].replace("Email", channel)), "log.csv")
    assert (result.inserted, result.rejected) == (1, 1)
    assert "'How (channel)' has" in rejected_rows(con, result.batch_id).loc[0, "Why it was not imported"]


# Fuzzing: random files, the same ones on every run -------------------------------------------------------------

FUZZ_FILES = 80  # an incident log costs about 0.1 s of CPU to import; more rows a file cover more at little cost
FUZZ_TEXT = [*"abcxyz AZ09,;|\"'\t\n\r=+-@", "é", "ß", "😀", "Castle Hill", "Email", "Verbal abuse", "_x0041_"]
FUZZ_ODD = ["\u2028", "\u2029", "\u0085", "\ufeff", "\u200b", "＝", "＠", "\ud800", "\udcff", "_x0000_", "_xD800_"]
FUZZ_CONTROL = ["\x00", "\x0b", "\x1f"]  # a CSV file with many of these is binary, and refused as such
FUZZ_HEADERS = ["Ref", "Reported", "Threat level", "Status", "Perpetrator", "Platform", "Description"]


def _fuzz_text(rng, most: int = 12, control: int = 0) -> str:
    pieces = rng.choices([FUZZ_TEXT, FUZZ_ODD, FUZZ_CONTROL], weights=[80, 20, control], k=rng.randint(0, most))
    text = "".join(rng.choice(kind) for kind in pieces)
    return text * 300 if text and rng.random() < 0.01 else text  # now and then a very long cell


def _to_bytes(text: str, encoding: str) -> bytes:
    """Lone surrogates become bytes that are not UTF-8: surrogate escapes their own byte, others three bytes."""
    if encoding != "utf-8":
        return text.encode(encoding, errors="replace")
    return text.replace("\ud800", "\udced\udca0\udc80").encode("utf-8", "surrogateescape")


def fuzz_file(rng) -> tuple[bytes, str]:
    """A random incident log: the fields it needs (headers now and then decorated) and others in any order, and
    cells mixing separators, NULs, broken characters, formula signs and quotes; as CSV in one of several
    encodings, or as a workbook."""
    headers = LOG_HEADER[1:6] + rng.sample(FUZZ_HEADERS, rng.randint(0, len(FUZZ_HEADERS))) + [_fuzz_text(rng, 4)]
    rng.shuffle(headers)
    headers = [header + (rng.choice(FUZZ_ODD) if rng.random() < 0.05 else "") for header in headers]
    control = rng.choice([0, 0, 0, 1])  # a file in four holds control characters, NUL among them
    dates = ["03/04/2025", "14/04/2025", "not a date"]
    rows = [
        [rng.choice(dates) if "Date" in header else _fuzz_text(rng, control=control) for header in headers]
        for _ in range(rng.randint(0, 25))
    ]
    if rng.random() < 0.3:
        frame = pd.DataFrame(rows, columns=pd.Index(headers, dtype=object), dtype=object)
        return to_excel_bytes(frame), "fuzz.xlsx"
    delimiter = rng.choice([",", ";", "\t"])
    lines = [delimiter.join('"' + cell.replace('"', '""') + '"' for cell in record) for record in [headers, *rows]]
    encoding = rng.choice(["utf-8", "utf-8", "utf-16", "cp1252"])
    return _to_bytes("\r\n".join(lines), encoding), "fuzz.csv"


def test_random_files_import_or_are_refused_in_one_sentence_and_every_row_is_counted(con):
    """Through import_file, as the command line and (a step at a time) the Import page import a file."""
    con.execute("SET threads = 1")  # small files: DuckDB's threads would only wait on each other
    rng = random.Random(20261201)
    refused = imported = 0
    for number in range(FUZZ_FILES):
        data, name = fuzz_file(rng)
        try:
            result = import_file(con, "incidents", data, name)
        except ImportRefused as exc:
            message = str(exc)
            assert message.endswith(".") and "\n" not in message and "Traceback" not in message, (number, message)
            refused += 1
            continue
        imported += 1
        assert accounted(result), (number, result)
        quarantined = con.execute("SELECT count(*) FROM quarantine WHERE batch_id = ?", [result.batch_id]).fetchone()
        assert result.rows_read == result.inserted + result.updated + result.unchanged + quarantined[0], number
        kept = rejected_rows(con, result.batch_id)
        assert len(kept) == result.rejected, number
        assert to_csv_bytes(kept) and to_excel_bytes(kept), number
    assert imported > FUZZ_FILES // 2 and refused > 0, (imported, refused)


def test_random_survey_exports_import_or_are_refused_in_one_sentence(con):
    """Through import_survey, as the Import page and the command line import a survey."""
    con.execute("SET threads = 1")
    rng = random.Random(20261202)
    imported = 0
    for number in range(FUZZ_FILES // 2):
        headers = ["Respondent ID", *(f"Q{n} {_fuzz_text(rng, 3)}" for n in range(rng.randint(1, 5)))]
        control = rng.choice([0, 0, 0, 1])
        rows = [
            [str(row)] + [_fuzz_text(rng, control=control) for _ in headers[1:]] for row in range(rng.randint(1, 9))
        ]
        frame = pd.DataFrame(rows, columns=pd.Index(headers, dtype=object), dtype=object)
        data, name = (
            (to_excel_bytes(frame), "s.xlsx")
            if number % 3 == 0
            else (_to_bytes(frame.to_csv(index=False, lineterminator="\r\n"), "utf-8"), "s.csv")
        )
        try:
            result = import_survey(con, data, name, wave=f"wave {number}{_fuzz_text(rng, 2)}")
        except ImportRefused as exc:
            assert str(exc).endswith(".") and "\n" not in str(exc), (number, str(exc))
            continue
        imported += 1
        assert result.rows_read == result.respondents + result.rejected, number
    assert imported > FUZZ_FILES // 4, imported


def test_columns_left_out_are_named_a_few_at_a_time(con):
    """A log with 500 columns for the office: the warning names the first twelve and counts the rest."""
    office = [f"Office column {n}" for n in range(500)]
    rows = [row + "," * len(office) for row in ROWS]
    result = import_file(con, "incidents", csv_bytes(*rows, header=",".join([HEADER, *office])), "log.csv")
    assert result.inserted == 3
    left_out = next(note for note in result.warnings if note.startswith("These columns were not imported"))
    assert left_out == (
        f"These columns were not imported: {', '.join(repr(name) for name in office[:12])} and 488 more."
    )
