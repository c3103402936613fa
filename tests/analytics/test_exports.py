"""Every file the dashboard hands out holds formulas as text: in every cell and every header, whatever disguise."""

import csv
import io
import unicodedata
from datetime import date

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.escape import unescape

from analytics import audit
from analytics.assessment import assessment
from analytics.assessment.reviews import meeting_pack
from analytics.cli import main
from analytics.exports import formula_safe, to_csv_bytes, to_excel_bytes, without_formula_guard
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incident_log import export_rows
from analytics.ingest.batches import rejected_rows
from analytics.ingest.importing import import_file
from tests.analytics.assessment.helpers import load_council, review
from tests.builders import incident

PAYLOADS = [
    '=HYPERLINK("http://x","click")',
    "+1+2",
    "-3+4",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
    '＝HYPERLINK("http://x","click")',  # full-width signs
    "＋1+2",
    "－3+4",
    "＠SUM(A1)",
    "﹦1+1",  # small equals sign
    "\u200b=1+1",  # zero-width space
    "\u2060=1+1",  # word joiner
    "\ufeff=1+1",  # byte-order mark
    "  =1+1",  # leading spaces
    "\u00a0=1+1",  # no-break space
    "\n=1+1",  # a newline first
    "\u2028=1+1",  # line separator first
    "'=1+1",  # someone's own apostrophe before a formula
]
SIGNS = ("=", "+", "-", "@")


def _visible_start(text: str) -> str:
    """The text as a spreadsheet might read it: invisible and space characters dropped, look-alikes folded."""
    kept = text.lstrip("\t\r")
    while kept and (kept[0].isspace() or unicodedata.category(kept[0]) in {"Cc", "Cf", "Zs", "Zl", "Zp"}):
        kept = kept[1:]
    return unicodedata.normalize("NFKC", kept)


def runs_as_formula(text: str) -> bool:
    return text[:1] in ("\t", "\r") or _visible_start(text).startswith(SIGNS)


def assert_workbook_holds_text(data: bytes) -> int:
    """No cell of any sheet is a formula, and every one that looks like one (once Excel's _xHHHH_ escapes are
    read) is quote-prefixed; returns how many are."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and runs_as_formula(unescape(cell.value)):
                    assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} is not quote-prefixed: {cell.value!r}"
                seen += bool(cell.quotePrefix)
    return seen


def assert_csv_holds_text(data: bytes) -> int:
    seen = 0
    for record in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        for field in record:
            assert not runs_as_formula(field), f"a CSV field would run: {field!r}"
            seen += field.startswith("'")
    return seen


def payload_frame() -> pd.DataFrame:
    """A payload in every header and in a cell of every column."""
    return pd.DataFrame({payload: [payload, "plain"] for payload in PAYLOADS}, dtype=object)


def test_every_payload_in_a_header_or_a_cell_stays_text_in_a_workbook():
    data = to_excel_bytes(payload_frame())
    assert assert_workbook_holds_text(data) == 2 * len(PAYLOADS)


def test_a_guarded_workbook_cell_shows_the_text_without_an_apostrophe():
    sheet = openpyxl.load_workbook(io.BytesIO(to_excel_bytes(payload_frame()))).active
    shown = [*PAYLOADS[:-1], "''=1+1"]  # an apostrophe of the text's own is doubled, as the import takes one off
    assert [unescape(cell.value) for cell in sheet[1]] == [unescape(cell.value) for cell in sheet[2]] == shown
    assert sheet["C3"].value == "plain" and not sheet["C3"].quotePrefix


def test_every_payload_in_a_header_or_a_cell_stays_text_in_a_csv_file():
    data = to_csv_bytes(payload_frame())
    assert assert_csv_holds_text(data) == 2 * len(PAYLOADS)


def test_cells_a_spreadsheet_would_run_are_neutralised():
    safe = formula_safe(pd.DataFrame({"cell": [*PAYLOADS, "plain", "a - b", "e-mail", None], "count": range(23)}))
    assert safe["cell"][: len(PAYLOADS)].tolist() == ["'" + cell for cell in PAYLOADS]
    assert safe["cell"][len(PAYLOADS) : -1].tolist() == ["plain", "a - b", "e-mail"]
    assert pd.isna(safe["cell"].iloc[-1]) and safe["count"].tolist() == list(range(23))


def test_every_look_alike_of_a_formula_sign_is_guarded():
    """Every character whose compatibility form is a formula sign, behind every invisible character."""
    signs = [chr(code) for code in range(0x110000) if unicodedata.normalize("NFKC", chr(code)).startswith(SIGNS)]
    invisible = [
        chr(code) for code in range(0x110000) if unicodedata.category(chr(code)) in {"Cc", "Cf", "Zs", "Zl", "Zp"}
    ]
    cells = pd.Series([sign + "1" for sign in signs] + [hidden + "=1" for hidden in invisible], dtype=object)
    guarded = formula_safe(pd.DataFrame({"cell": cells}))["cell"]
    assert (guarded == "'" + cells).all(), cells[guarded != "'" + cells].tolist()


def test_guarded_cells_read_back_as_they_were():
    cells = pd.Series([*PAYLOADS, "'quoted", "''=1", "plain", "-"])
    assert without_formula_guard(formula_safe(pd.DataFrame({"cell": cells}))["cell"]).tolist() == cells.tolist()


@pytest.mark.parametrize(("write", "name"), [(to_csv_bytes, "again.csv"), (to_excel_bytes, "again.xlsx")])
def test_an_exported_payload_imports_again_as_written(con, write, name):
    """Headers and cells come back exactly as they were: the guard is undone on import, and a row kept aside
    holds what was written, not the guard."""
    headers = [p for p in PAYLOADS if p == " ".join(p.split()) and p[0] not in "\u200b\ufeff"]
    written = [*PAYLOADS, "_x0041_ is how Excel writes A", "a unit separator \x1f in the middle"]
    notes = [f"Note {number}" for number in range(len(written))]
    frame = pd.DataFrame(
        {"Date of incident": ["not a date"], "Councillor": ["Ann Lee"], "Ward": ["Abbey"], "How (channel)": ["email"]}
        | {"Type of abuse": ["other"]} | {header: [header] for header in headers}
        | dict(zip(notes, [[text] for text in written], strict=True)),
        dtype=object,
    )  # fmt: skip
    back = rejected_rows(con, import_file(con, "incidents", write(frame), name).batch_id)
    assert back.loc[0, headers].tolist() == headers
    assert back.loc[0, notes].tolist() == written
    again = rejected_rows(con, import_file(con, "incidents", write(back), name).batch_id)
    assert again.loc[0, headers + notes].tolist() == headers + written


# Every export the dashboard offers, each with a payload in a header and a cell -----------------------------------


def payload_log(con) -> bytes:
    """An incident log whose extra column is headed by a payload and whose rows are rejected holding payloads."""
    header = ",".join(["Ref", "Date of incident", "Councillor", "Ward", "How (channel)", "Type of abuse"])
    quoted = [f'"{p.replace(chr(34), chr(34) * 2)}"' for p in PAYLOADS]
    lines = [header + "," + ",".join(quoted)]
    lines += [f"INC-{n},not a date,{quoted[n]},Abbey,email,verbal abuse," + ",".join(quoted) for n in range(3)]
    return ("\n".join(lines) + "\n").encode()


def test_the_rejected_rows_downloads_hold_text(con):
    result = import_file(con, "incidents", payload_log(con), "=HYPERLINK.csv")
    rows = rejected_rows(con, result.batch_id)
    assert result.rejected == 3
    assert assert_workbook_holds_text(to_excel_bytes(rows, "Rejected rows")) >= len(PAYLOADS)
    assert assert_csv_holds_text(to_csv_bytes(rows)) >= len(PAYLOADS)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_command_lines_rejected_rows_hold_text(con, db_path, tmp_path, capsys, suffix):
    batch_id = import_file(con, "incidents", payload_log(con), "log.csv").batch_id
    con.close()
    out = tmp_path / f"rejected{suffix}"
    assert main(["rejected", "--batch", batch_id, "--out", str(out), "--db", str(db_path)]) == 0
    check = assert_csv_holds_text if suffix == ".csv" else assert_workbook_holds_text
    assert check(out.read_bytes()) >= len(PAYLOADS)


def test_the_audit_trail_downloads_hold_text(con):
    for payload in PAYLOADS:
        audit.record(con, payload, "imported", payload, payload)
    trail = audit.entries(con, limit=None)
    assert assert_workbook_holds_text(to_excel_bytes(trail, "Audit trail")) >= 3 * len(PAYLOADS)
    assert assert_csv_holds_text(to_csv_bytes(trail)) >= 3 * len(PAYLOADS)


def test_the_incident_log_downloads_hold_text(con):
    load_council(con)
    log = pd.DataFrame(
        [incident("2026-03-01", "Ann Abbot", "Abbey", "email", "other", description=p) for p in PAYLOADS]
    )
    assert import_file(con, "incidents", to_csv_bytes(log), "log.csv").inserted == len(PAYLOADS)
    rows = export_rows(con, IncidentFilter())
    assert assert_workbook_holds_text(to_excel_bytes(rows, "Incidents")) >= len(PAYLOADS)
    assert assert_csv_holds_text(to_csv_bytes(rows)) >= len(PAYLOADS)


def test_the_meeting_pack_holds_text(con):
    load_council(con)
    review(con, "ref:INC-1", lessons=PAYLOADS[6], what_happened=PAYLOADS[11], what_worked=PAYLOADS[16])
    assert assert_workbook_holds_text(meeting_pack(con, "ref:INC-5")) >= 4


def test_the_self_assessment_exports_hold_text(con):
    saved = assessment.save_assessment(
        con,
        date(2025, 4, 3),
        {("2", statement): 1 for statement in ["2.1.1", "2.1.2", "2.1.3", "2.1.4", "2.1.5"]},
        evidence={("2", "2.1.1"): PAYLOADS[6], ("2", "2.1.2"): PAYLOADS[11], ("2", "2.1.3"): PAYLOADS[16]},
        section_evidence={"2": PAYLOADS[12]},
        actions=[assessment.Action("2", PAYLOADS[0], PAYLOADS[7], date(2025, 6, 30))],
    )
    assert assert_workbook_holds_text(assessment.export_excel(con, saved)) >= 6
    assert assert_csv_holds_text(assessment.export_csv(con, saved)) >= 3


def _workbook(frame: pd.DataFrame):
    return openpyxl.load_workbook(io.BytesIO(to_excel_bytes(frame, "Incidents"))).active


def test_a_workbook_holds_real_dates_numbers_and_yes_or_no():
    sheet = _workbook(
        pd.DataFrame(
            {
                "Date of incident": [date(2025, 4, 3)],
                "Recorded": [pd.Timestamp("2025-04-03 14:30")],
                "Incidents": [3],
                "Share": [0.25],
                "Reported to police": [True],
            }
        )
    )
    day, moment, count, share, police = sheet[2]
    assert day.is_date and day.number_format == "dd/mm/yyyy" and day.value.date() == date(2025, 4, 3)
    assert moment.is_date and moment.number_format == "dd/mm/yyyy hh:mm" and moment.value.hour == 14
    assert (count.data_type, count.value, share.data_type, share.value) == ("n", 3, "n", 0.25)
    assert police.value == "Yes"


def test_a_workbook_opens_with_its_header_frozen_and_filtered_and_its_columns_fitted():
    frame = pd.DataFrame(
        {"Ward": ["Abbey", "Castle Hill and Riverside"], "Description": ["x" * 500, "short"], "N": [1, 2]}
    )
    sheet = _workbook(frame)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C3"
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths[0] >= len("Castle Hill and Riverside")
    assert widths[1] == 60  # a long text wraps in a bounded column rather than running off the screen
    assert 8 <= widths[2] < widths[0]


def test_a_workbook_holds_only_the_rows_written():
    sheet = _workbook(pd.DataFrame({"Ward": ["Abbey"]}))
    assert sheet.max_row == 2
