"""Reading uploaded bytes into a raw table of text: real-world files, encodings, layouts and refusals."""

import datetime as dt
import io
import json
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import openpyxl.xml
import pandas as pd
import pytest

from analytics.errors import ImportRefused
from analytics.ingest import reading
from analytics.ingest.reading import RawTable, read_table, sheet_names
from tests.conftest import REPO

SPECTRUM_FILES = [
    "comma_in_quotes.csv",
    "empty.csv",
    "empty_crlf.csv",
    "escaped_quotes.csv",
    "json.csv",
    "location_coordinates.csv",
    "newlines.csv",
    "newlines_crlf.csv",
    "quotes_and_newlines.csv",
    "simple.csv",
    "simple_crlf.csv",
    "utf8.csv",
]


def records(table: RawTable) -> list[dict[str, str]]:
    return table.frame.drop(columns="source_row").to_dict("records")


def headers(table: RawTable) -> list[str]:
    return [column for column in table.frame.columns if column != "source_row"]


def source_rows(table: RawTable) -> list[int]:
    return table.frame["source_row"].tolist()


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    """An .xlsx with one sheet per entry, rows written from A1 (None leaves a cell empty)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def refusal(data: bytes, filename: str, **options: object) -> str:
    with pytest.raises(ImportRefused) as refused:
        read_table(data, filename, **options)
    return str(refused.value)


# --- csv-spectrum ---------------------------------------------------------------------------------------


def spectrum_expected(realworld: Path, name: str) -> list[dict[str, str]]:
    expected = json.loads((realworld / "csv-spectrum/json" / name).with_suffix(".json").read_text("utf-8"))
    if name == "location_coordinates.csv":
        # Upstream defects in csv-spectrum's expected file: it is a bare object rather than a list, and its
        # phone number (1234567890) is not the one in the CSV (2095257564).
        expected = [{**expected, "Contact Phone Number": "2095257564"}]
    return expected


def test_every_spectrum_csv_is_listed(realworld):
    assert sorted(path.name for path in (realworld / "csv-spectrum/csvs").glob("*.csv")) == SPECTRUM_FILES


@pytest.mark.parametrize("name", SPECTRUM_FILES)
def test_csv_spectrum_parses_to_the_expected_rows(realworld, name):
    table = read_table((realworld / "csv-spectrum/csvs" / name).read_bytes(), name)
    assert records(table) == spectrum_expected(realworld, name)
    assert table.sheet is None
    assert table.header_row == 1
    assert table.warnings == []


@pytest.mark.parametrize("name", SPECTRUM_FILES)
def test_csv_spectrum_survives_a_title_row_above_the_header(realworld, name):
    """A one-field title row sends every file down the tolerant parser; the rows must not change."""
    data = b"Exported from the case system\n" + (realworld / "csv-spectrum/csvs" / name).read_bytes()
    table = read_table(data, name)
    assert records(table) == spectrum_expected(realworld, name)
    assert table.header_row == 2
    assert table.warnings == ["Used row 2 as the header row and skipped the rows above it."]


@pytest.mark.parametrize("name", ["empty.csv", "empty_crlf.csv"])
def test_spectrum_empty_files_hold_empty_quoted_fields_not_nothing(realworld, name):
    table = read_table((realworld / "csv-spectrum/csvs" / name).read_bytes(), name)
    assert headers(table) == ["a", "b", "c"]
    assert records(table)[0] == {"a": "1", "b": "", "c": ""}
    assert source_rows(table) == [2, 3]


def test_newlines_inside_quotes_keep_the_record_numbers(realworld):
    table = read_table((realworld / "csv-spectrum/csvs/newlines_crlf.csv").read_bytes(), "newlines_crlf.csv")
    assert source_rows(table) == [2, 3, 4]  # the two-line cell is one record


@pytest.mark.parametrize("data", [b"a,b,c\n", b"a,b,c\r\n\r\n,,\r\n"])
def test_header_only_gives_zero_rows(data):
    table = read_table(data, "header.csv")
    assert headers(table) == ["a", "b", "c"]
    assert len(table.frame) == 0
    assert table.frame["source_row"].dtype == "int64"


# --- real exports ---------------------------------------------------------------------------------------


def test_surveymonkey_invalid_utf8_is_read_as_windows_1252(realworld):
    data = (realworld / "survey-exports/surveymonkey_two_header_rows.csv").read_bytes()
    table = read_table(data, "StarWars.csv", header_score=lambda cells: 10 * ("RespondentID" in cells))
    assert table.header_row == 1
    assert "The file was not UTF-8; read it as Windows-1252." in table.warnings
    assert "Do you consider yourself to be a fan of the Expanded Universe?\u0152\u00e6" in headers(table)
    assert table.frame["source_row"].iloc[0] == 2  # the second header row is data to this reader
    assert len(table.frame) == 1187


def test_surveymonkey_without_a_scorer_takes_the_fuller_second_header_row(realworld):
    data = (realworld / "survey-exports/surveymonkey_two_header_rows.csv").read_bytes()
    table = read_table(data, "StarWars.csv")
    assert table.header_row == 2
    assert headers(table)[:3] == ["Column 1", "Response", "Response (2)"]


def test_google_forms_multiline_cells_and_crlf(realworld):
    table = read_table((realworld / "survey-exports/google_forms.csv").read_bytes(), "google_forms.csv")
    assert headers(table)[0] == "Timestamp"
    assert table.frame["Timestamp"].iloc[0] == "8/21/2019 13:10:31"
    assert table.frame["Timestamp"].str.fullmatch(r"\d+/\d+/\d{4} \d+:\d\d:\d\d").all()


def test_ward_lookup_reads_every_ward(realworld):
    data = (realworld / "wards/ons_ward_to_lad_dec2019_uk_WD19.csv").read_bytes()
    table = read_table(data, "wards.csv")
    assert headers(table) == ["FID", "WD19CD", "WD19NM", "LAD19CD", "LAD19NM"]
    assert len(table.frame) == 8887
    assert source_rows(table)[-1] == 8888


# --- excel-edge-cases: one stated outcome per file ------------------------------------------------------

EDGE_CASE_TESTS = {
    "any_sheets.ods": "test_any_sheets_reads_the_visible_sheet",
    "any_sheets.xls": "test_any_sheets_reads_the_visible_sheet",
    "any_sheets.xlsx": "test_any_sheets_reads_the_visible_sheet",
    "date.xlsx": "test_dates_in_both_date_systems",
    "date_1904.xlsx": "test_dates_in_both_date_systems",
    "empty_sheet.xlsx": "test_a_workbook_whose_only_sheet_is_empty_is_refused",
    "errors.xlsx": "test_a_workbook_of_only_error_cells_is_refused_as_empty",
    "header-row.xlsx": "test_header_found_below_title_rows",
    "merge_cells.xlsx": "test_merged_cells_keep_the_value_in_the_top_left_cell_only",
    "no-header.xlsx": "test_no_header_takes_the_first_filled_row",
    "pass_protected.xlsx": "test_password_protected_workbook_is_refused",
    "temperature-in-middle.xlsx": "test_table_in_the_middle_of_the_sheet",
    "whitespace_trim.xlsx": "test_whitespace_in_headers_is_cleaned_but_not_in_cells",
}


def edge_case(realworld: Path, name: str) -> bytes:
    return (realworld / "excel-edge-cases" / name).read_bytes()


def test_every_edge_case_workbook_has_a_stated_outcome(realworld):
    files = {path.name for path in (realworld / "excel-edge-cases").iterdir() if path.suffix != ".md"}
    assert files == set(EDGE_CASE_TESTS)
    assert all(name in globals() for name in EDGE_CASE_TESTS.values())


@pytest.mark.parametrize("name", ["any_sheets.xlsx", "any_sheets.xls", "any_sheets.ods"])
def test_any_sheets_reads_the_visible_sheet(realworld, name):
    data = edge_case(realworld, name)
    assert sheet_names(data, name)[:3] == ["Visible", "Hidden", "VeryHidden"]
    table = read_table(data, name)
    assert table.sheet == "Visible"
    assert headers(table) == ["1", "2"]  # whole numbers, not "1.0" / "2.0"
    assert records(table)[:2] == [{"1": "3", "2": "4"}, {"1": "5", "2": "6"}]
    assert source_rows(table) == [2, 3, 5]  # row 4 is blank


@pytest.mark.parametrize("name", ["date.xlsx", "date_1904.xlsx"])
def test_dates_in_both_date_systems(realworld, name):
    table = read_table(edge_case(realworld, name), name)
    assert headers(table) == ["2021-01-01", "15"]
    assert records(table) == [
        {"2021-01-01": "2021-01-02", "15": "16"},
        {"2021-01-01": "255:10:10", "15": "17"},  # a [hh]:mm:ss duration of 10 days 15:10:10
    ]


def test_a_workbook_whose_only_sheet_is_empty_is_refused(realworld):
    message = refusal(edge_case(realworld, "empty_sheet.xlsx"), "empty_sheet.xlsx")
    assert message.startswith("Every sheet in this workbook is empty")


def test_a_workbook_of_only_error_cells_is_refused_as_empty(realworld):
    """calamine (through pandas) gives #DIV/0!, #N/A and the like as empty cells, so nothing is left."""
    assert sheet_names(edge_case(realworld, "errors.xlsx"), "errors.xlsx") == ["Feuil1", "Feuil2", "Feuil3"]
    message = refusal(edge_case(realworld, "errors.xlsx"), "errors.xlsx")
    assert message.startswith("Every sheet in this workbook is empty")


def test_header_found_below_title_rows(realworld):
    table = read_table(edge_case(realworld, "header-row.xlsx"), "header-row.xlsx")
    assert table.header_row == 9
    assert headers(table) == ["Columns", "Column A", "Column B", "Column C"]
    assert records(table) == [{"Columns": "put data here", "Column A": "1", "Column B": "2", "Column C": "3"}]
    assert source_rows(table) == [10]
    assert table.warnings == ["Used row 9 as the header row and skipped the rows above it."]


def test_merged_cells_keep_the_value_in_the_top_left_cell_only(realworld):
    table = read_table(edge_case(realworld, "merge_cells.xlsx"), "merge_cells.xlsx")
    assert headers(table) == ["Row Merge", "Column 2", "Not Merged"]
    assert records(table) == [{"Row Merge": "Column Merge", "Column 2": "Chunk Merged", "Not Merged": ""}]


def test_no_header_takes_the_first_filled_row(realworld):
    table = read_table(edge_case(realworld, "no-header.xlsx"), "no-header.xlsx")
    assert table.sheet == "Feuille 1"
    assert table.header_row == 3
    assert headers(table) == ["a", "0"]
    assert records(table) == [{"a": "b", "0": "1"}]
    assert source_rows(table) == [4]


def test_password_protected_workbook_is_refused(realworld):
    data = edge_case(realworld, "pass_protected.xlsx")
    for attempt in (lambda: read_table(data, "pass_protected.xlsx"), lambda: sheet_names(data, "p.xlsx")):
        with pytest.raises(ImportRefused, match="password-protected; remove the password in Excel"):
            attempt()


def test_table_in_the_middle_of_the_sheet(realworld):
    table = read_table(edge_case(realworld, "temperature-in-middle.xlsx"), "temperature-in-middle.xlsx")
    assert table.header_row == 4
    assert headers(table) == ["label", "value"]  # the empty column A is dropped
    assert records(table) == [
        {"label": "celsius", "value": "22.2222"},
        {"label": "fahrenheit", "value": "72"},
    ]
    assert source_rows(table) == [5, 6]


def test_whitespace_in_headers_is_cleaned_but_not_in_cells(realworld):
    data = edge_case(realworld, "whitespace_trim.xlsx")
    table = read_table(data, "whitespace_trim.xlsx")
    assert table.sheet == "inlineStr"
    assert headers(table) == ["trimmed value", "value with tabs", "clean text"]  # blank "\t\n" column dropped
    assert records(table)[0]["value with tabs"] == "  line1\nline2  "
    assert records(table)[1]["trimmed value"] == "日期 时间"
    shared = read_table(data, "whitespace_trim.xlsx", sheet="SharedStrings")
    assert shared.sheet == "SharedStrings"
    assert headers(shared) == ["trimmed value", "preserved value", "clean text"]
    assert shared.warnings == []


# --- workbooks built here -------------------------------------------------------------------------------


def test_xlsx_title_rows_cell_types_and_source_rows():
    data = workbook_bytes(
        {
            "Incidents": [
                ["Incident log for Anytown Council"],
                [],
                ["Ref", "Date\xa0of\nincident", "Time", "Count", "Cost", "Urgent", "Code", "Note", None],
                ["A1", dt.datetime(2025, 4, 3), dt.time(14, 5), 12.0, 0.1 + 0.2, True, "00123", "NA", None],
                [None, None, None, None, None, None, None, "   ", None],
                ["A2", dt.datetime(2025, 4, 3, 14, 5), None, 3, 1234567.5, False, "x", "  keep  ", None],
                [],
                [None, None, None, None, None, None, None, None, " "],
            ]
        }
    )
    table = read_table(data, "log.xlsx")
    assert table.sheet == "Incidents"
    assert table.header_row == 3
    assert headers(table) == ["Ref", "Date of incident", "Time", "Count", "Cost", "Urgent", "Code", "Note"]
    assert records(table) == [
        {
            "Ref": "A1",
            "Date of incident": "2025-04-03",
            "Time": "14:05:00",
            "Count": "12",
            "Cost": "0.3",
            "Urgent": "TRUE",
            "Code": "00123",
            "Note": "NA",
        },
        {
            "Ref": "A2",
            "Date of incident": "2025-04-03 14:05:00",
            "Time": "",
            "Count": "3",
            "Cost": "1234567.5",
            "Urgent": "FALSE",
            "Code": "x",
            "Note": "  keep  ",
        },
    ]
    assert source_rows(table) == [4, 6]
    assert all(dtype == "str" for dtype in table.frame.dtypes.iloc[:-1])


def test_cell_values_of_every_type_become_text():
    """The per-type conversion on its own: pandas' calamine reader already turns 12.0 into 12 in workbooks."""
    cells = pd.Series(
        [
            12.0,
            -3.0,
            0.1 + 0.2,
            1e-20,
            float("nan"),
            None,
            pd.NaT,
            True,
            7,
            dt.datetime(2025, 4, 3),
            dt.datetime(2025, 4, 3, 14, 5, 0, 400_000),
            dt.date(2025, 4, 3),
            dt.time(14, 5),
            dt.timedelta(days=-1),
            "  as is  ",
        ],
        dtype=object,
    )
    assert reading._cells_to_text(cells).tolist() == [
        "12",
        "-3",
        "0.3",
        "1e-20",
        "",
        "",
        "",
        "TRUE",
        "7",
        "2025-04-03",
        "2025-04-03 14:05:00",
        "2025-04-03",
        "14:05:00",
        "-24:00:00",
        "  as is  ",
    ]


def test_empty_first_sheet_is_passed_over_with_a_warning():
    form = [["ID", "Start time"], [1, dt.datetime(2025, 1, 2, 9, 30)]]
    data = workbook_bytes({"Sheet1": [], "Form1": form})
    table = read_table(data, "forms.xlsx")
    assert table.sheet == "Form1"
    assert records(table) == [{"ID": "1", "Start time": "2025-01-02 09:30:00"}]
    assert table.warnings == ["Read the sheet 'Form1' because the first sheet is empty."]


def test_header_score_chooses_the_sheet_and_the_row():
    data = workbook_bytes(
        {
            "Notes": [["Read me", "first"], ["x", "y"]],
            "Data": [["Exported", "today"], ["Ward", "Date"], ["North", "2025-01-01"]],
        }
    )

    def score(cells: list[str]) -> int:
        return sum(cell in {"Ward", "Date"} for cell in cells)

    table = read_table(data, "two.xlsx", header_score=score)
    assert (table.sheet, table.header_row, headers(table)) == ("Data", 2, ["Ward", "Date"])
    assert "Read the sheet 'Data' because its header row matches the expected columns best." in table.warnings
    unscored = read_table(data, "two.xlsx", header_score=lambda cells: 0)
    assert (unscored.sheet, unscored.header_row) == ("Notes", 1)


def test_named_sheet_must_exist_and_have_data():
    data = workbook_bytes({"Empty": [], "Log": [["a", "b"], [1, 2]]})
    assert read_table(data, "s.xlsx", sheet="Log").sheet == "Log"
    unknown = refusal(data, "s.xlsx", sheet="Lgo")
    assert unknown == "This workbook has no sheet called 'Lgo'; its sheets are 'Empty', 'Log'."
    assert refusal(data, "s.xlsx", sheet="Empty") == "The sheet 'Empty' has no data; choose another sheet."


# --- CSV layout -----------------------------------------------------------------------------------------


def test_csv_title_rows_blank_rows_and_source_rows():
    lines = ["Incident log", "Exported 2025-04-01", "Ref,Ward,Date", "A1,North,2025-01-01", "", ",,"]
    data = "\n".join([*lines, "A2,South,2025-01-02", "", "", ""]).encode()
    table = read_table(data, "log.csv")
    assert table.header_row == 3
    assert records(table) == [
        {"Ref": "A1", "Ward": "North", "Date": "2025-01-01"},
        {"Ref": "A2", "Ward": "South", "Date": "2025-01-02"},
    ]
    assert source_rows(table) == [4, 7]


def test_rows_longer_than_the_header_keep_their_extra_cells():
    table = read_table(b"Ref,Ward\nA1,North\nA2,South,late note,x\nA3\n", "extra.csv")
    assert records(table) == [
        {"Ref": "A1", "Ward": "North", "Column 3": "", "Column 4": ""},
        {"Ref": "A2", "Ward": "South", "Column 3": "late note", "Column 4": "x"},
        {"Ref": "A3", "Ward": "", "Column 3": "", "Column 4": ""},
    ]
    assert "Columns without a header were named by their position, e.g. 'Column 3'." in table.warnings


def test_a_long_row_beyond_the_sniffed_sample_widens_the_table():
    body = b"A1,North\n" * (reading.SNIFF_BYTES // 9 + 100)
    table = read_table(b"Ref,Ward\n" + body + b"A2,South,late note\n", "long.csv")
    assert headers(table) == ["Ref", "Ward", "Column 3"]
    assert records(table)[-1] == {"Ref": "A2", "Ward": "South", "Column 3": "late note"}
    assert source_rows(table)[-1] == len(table.frame) + 1


def test_headers_are_cleaned_and_made_unique():
    data = "\ufeff Name\xa0 ,name,,Ward\u2007Code,Name,source_row,,\n1,2,3,4,5,6,,\n".encode()
    table = read_table(data, "h.csv")
    assert headers(table) == ["Name", "name (2)", "Column 3", "Ward Code", "Name (3)", "source_row (2)"]
    assert source_rows(table) == [2]
    assert "Some headers were repeated, so the repeats were renamed, e.g. 'name (2)'." in table.warnings


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a;b;c\n1;2,5;3\n", {"a": "1", "b": "2,5", "c": "3"}),
        (b"a\tb\tc\n1\t2, 5\t3\n", {"a": "1", "b": "2, 5", "c": "3"}),
        (b"a|b|c\n1|2|3\n", {"a": "1", "b": "2", "c": "3"}),
        (b'a,b,c\n1,"x, ""y""\nz",3\n', {"a": "1", "b": 'x, "y"\nz', "c": "3"}),
    ],
)
def test_delimiter_is_detected(data, expected):
    assert records(read_table(data, "d.csv")) == [expected]


def test_a_single_column_file():
    table = read_table(b"Ward\nNorth\n\nSouth\n", "one.csv")
    assert records(table) == [{"Ward": "North"}, {"Ward": "South"}]
    assert source_rows(table) == [2, 4]


# --- encodings ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "warnings"),
    [
        ("Name,Cost\nCafé,£5\n".encode(), []),
        ("\ufeffName,Cost\nCafé,£5\n".encode(), []),
        ("Name,Cost\nCafé,£5\n".encode("cp1252"), ["The file was not UTF-8; read it as Windows-1252."]),
        (
            "\ufeffName\tCost\r\nCafé\t£5\r\n".encode("utf-16-le"),
            ["The file was UTF-16 (Excel's 'Unicode Text'); read it as UTF-16."],
        ),
        (
            "\ufeffName\tCost\r\nCafé\t£5\r\n".encode("utf-16-be"),
            ["The file was UTF-16 (Excel's 'Unicode Text'); read it as UTF-16."],
        ),
    ],
    ids=["utf-8", "utf-8-bom", "windows-1252", "utf-16-le", "utf-16-be"],
)
def test_encodings(data, warnings):
    table = read_table(data, "enc.csv")
    assert records(table) == [{"Name": "Café", "Cost": "£5"}]
    assert table.warnings == warnings


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom(codec):
    table = read_table("Name\tCost\r\nCafé\t£5\r\n".encode(codec), "enc.txt")
    assert records(table) == [{"Name": "Café", "Cost": "£5"}]
    assert table.warnings == ["The file was UTF-16 (Excel's 'Unicode Text'); read it as UTF-16."]


def test_bytes_undefined_in_windows_1252_are_replaced_not_fatal():
    table = read_table(b"Name,Note\n\x81\x8d,caf\xe9 \x90\n", "bad.csv")
    assert records(table) == [{"Name": "\ufffd\ufffd", "Note": "café \ufffd"}]


@pytest.mark.parametrize("broken", [b"\xff", b"\xed\xa0\x80", b"\xc3"], ids=["stray byte", "surrogate", "cut short"])
def test_a_utf8_file_with_a_few_broken_bytes_keeps_its_accents(broken):
    """One bad byte (or a lone surrogate written as UTF-8) does not turn every accent of the file into mojibake:
    the file is read as UTF-8, each broken sequence becomes U+FFFD and the import says so."""
    data = "Name,Note\nZoë Brontë,café\nAnn,".encode() + broken + b" here\n"
    table = read_table(data, "mostly.csv")
    shown = broken.decode("utf-8", errors="replace")  # U+FFFD once for each broken sequence
    assert records(table) == [{"Name": "Zoë Brontë", "Note": "café"}, {"Name": "Ann", "Note": shown + " here"}]
    assert table.warnings == [
        "The file is UTF-8 with a few characters broken; each was read as \ufffd, so check those cells."
    ]


# --- format by content and extension --------------------------------------------------------------------


def test_a_workbook_named_csv_is_read_as_a_workbook():
    table = read_table(workbook_bytes({"Log": [["a"], ["1"]]}), "export.csv")
    assert (table.sheet, records(table)) == ("Log", [{"a": "1"}])
    assert table.warnings == ["The file is named '.csv' but is really a spreadsheet, so it was read as one."]


def test_text_named_xls_is_read_as_csv():
    data = b"Ref\tWard\nA1\tNorth\n"
    assert sheet_names(data, "report.xls") == []
    table = read_table(data, "report.xls")
    assert (table.sheet, records(table)) == (None, [{"Ref": "A1", "Ward": "North"}])
    assert table.warnings == ["The file is named '.xls' but is really plain text, so it was read as CSV."]


def test_sheet_names_of_a_csv_is_empty():
    assert sheet_names(b"a,b\n1,2\n", "x.csv") == []


# --- refusals -------------------------------------------------------------------------------------------


def zeros_zip(size: int, compresslevel: int) -> bytes:
    """A small .xlsx-named zip whose one member unpacks to `size` zero bytes, written in 1 MB chunks."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        chunk = bytes(1024 * 1024)
        for _ in range(size // len(chunk)):
            member.write(chunk)
    return buffer.getvalue()


@pytest.fixture
def no_unpacking(monkeypatch):
    """Fail the test if the workbook reader is reached."""

    def unpacked(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(pd, "read_excel", unpacked)
    monkeypatch.setattr(pd, "ExcelFile", unpacked)


def test_zip_bomb_is_refused_before_unpacking(no_unpacking):
    data = zeros_zip(600 * 1024 * 1024, compresslevel=1)
    assert len(data) < 5 * 1024 * 1024
    for attempt in (lambda: read_table(data, "bomb.xlsx"), lambda: sheet_names(data, "bomb.xlsx")):
        with pytest.raises(ImportRefused, match="would unpack to more than 500 MB"):
            attempt()


def test_suspicious_compression_ratio_is_refused_before_unpacking(no_unpacking):
    data = zeros_zip(20 * 1024 * 1024, compresslevel=9)
    with pytest.raises(ImportRefused, match="zip bomb"):
        read_table(data, "dense.ods")


def test_limits_are_module_constants():
    assert reading.MAX_UNCOMPRESSED_BYTES == 500 * 1024 * 1024
    assert reading.MAX_COMPRESSION_RATIO == 200


def real_workbook(realworld: Path) -> bytes:
    return edge_case(realworld, "any_sheets.xlsx")


def not_a_workbook_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a spreadsheet")
    return buffer.getvalue()


REFUSALS = {
    "empty file": (b"", "incidents.csv", "The file is empty"),
    "blank lines only": (b" \r\n\r\n\t\r\n", "incidents.csv", "no rows with data"),
    "binary junk": (bytes(range(256)) * 8, "incidents.csv", "binary data"),
    "control characters": (bytes(range(1, 32)) * 30, "incidents.txt", "binary data"),
    "png named csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "photo.csv", "binary data"),
    "web page named xls": (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "a.xls", "web"),
    "unknown extension": (b"a,b\n1,2\n", "incidents.pdf", ".csv, .tsv or .txt"),
    "no extension": (b"a,b\n1,2\n", "incidents", "without an extension"),
    "unclosed quote": (b'a,b\n1,"never closed\n2,3\n', "q.csv", "never closed"),
    "not a workbook zip": (not_a_workbook_zip(), "fake.xlsx", "damaged or not really a spreadsheet"),
    "ole2 garbage": (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(range(256)) * 4, "old.xls", "damaged"),
}


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS.keys())
def test_refusals(case):
    data, filename, phrase = case
    assert phrase in refusal(data, filename)


def test_truncated_workbook_is_refused(realworld):
    data = real_workbook(realworld)
    assert "damaged" in refusal(data[: len(data) // 2], "cut.xlsx")


PASSWORD_PROTECTED = ["pass_protected.ods", "issue_385.xls"]


def refusal_messages(realworld: Path) -> list[str]:
    messages = [refusal(data, filename) for data, filename, _ in REFUSALS.values()]
    messages.append(refusal(edge_case(realworld, "pass_protected.xlsx"), "pass_protected.xlsx"))
    messages.append(refusal(edge_case(realworld, "empty_sheet.xlsx"), "empty_sheet.xlsx"))
    messages.append(refusal(real_workbook(realworld), "x.xlsx", sheet="Nope"))
    messages.append(refusal(zeros_zip(20 * 1024 * 1024, compresslevel=9), "dense.xlsx"))
    messages.extend(refusal((realworld / "excel-more" / name).read_bytes(), name) for name in PASSWORD_PROTECTED)
    messages.append(refusal(b"a," * (3 * reading.MAX_FIRST_ROW_BYTES), "line.csv"))
    messages.append(refusal(b"a," * (reading.MAX_COLUMNS + 1) + b"\n1\n", "wide.csv"))
    with pytest.raises(ImportRefused) as unreadable:
        reading._legacy_text(pd.DataFrame({0: pd.Series(["Ann\x00\x00\x00Lee\u20ac"], dtype="str")}))
    messages.append(str(unreadable.value))
    return messages


def test_every_refusal_is_one_plain_sentence(realworld):
    for message in refusal_messages(realworld):
        assert message.endswith("."), message
        assert message[0].isupper(), message
        assert "\n" not in message, message
        assert ". " not in message.rstrip("."), message
        assert "Traceback" not in message and "Error" not in message, message


def test_read_rows_keeps_every_header_row_and_the_file_positions():
    data = "Title,,\nQuestion,,\n,Response,Other\n\n1,Yes,x\n".encode("cp1252")
    rows = reading.read_rows(data, "two_headers.csv")
    assert rows.sheet is None and not rows.is_workbook
    assert rows.grid.index.tolist() == [0, 1, 2, 4]
    assert rows.grid.loc[2].tolist() == ["", "Response", "Other"]
    assert read_table(data, "two_headers.csv").header_row == 3  # read_table still picks its one header row


def test_workbook_xml_is_parsed_with_defusedxml():
    """openpyxl uses defusedxml whenever it is installed, which guards against entity-expansion attacks."""
    assert openpyxl.xml.DEFUSEDXML


def test_uploads_are_limited_in_size():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 200


# --- the sheet a survey tool really leaves, legacy text, passwords --------------------------------------


def forms_workbook() -> bytes:
    """Microsoft Forms' shape: an empty first sheet, a veryHidden link sheet holding a token, then Form1."""
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    link = book.create_sheet("__ms_forms_link")
    link.append(["fd9c6e1e-token-0f3a"])
    link.sheet_state = "veryHidden"
    form = book.create_sheet("Form1")
    form.append(["ID", "Start time", "Completion time", "Email", "Name", "How were you contacted?"])
    form.append(
        [1, dt.datetime(2025, 1, 2, 9, 30), dt.datetime(2025, 1, 2, 9, 41), "anonymous", "", "Email;Social media;"]
    )
    form.append([2, dt.datetime(2025, 1, 3, 10, 0), dt.datetime(2025, 1, 3, 10, 5), "anonymous", "", "In person;"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_forms_workbook_is_read_from_its_visible_form_not_the_hidden_link_sheet():
    table = read_table(forms_workbook(), "forms.xlsx")
    assert table.sheet == "Form1"
    assert headers(table)[:3] == ["ID", "Start time", "Completion time"]
    assert table.frame["How were you contacted?"].tolist() == ["Email;Social media;", "In person;"]
    assert "fd9c6e1e-token-0f3a" not in table.frame.to_numpy().ravel().tolist() + headers(table)
    assert reading.read_rows(forms_workbook(), "forms.xlsx").sheet == "Form1"  # the survey import's way in


def test_a_hidden_sheet_is_not_chosen_even_when_its_header_matches_best():
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes({"Log": [["Ref", "Note"], ["A1", "x"]]})))
    hidden = book.create_sheet("Old log", 0)
    hidden.append(["Ward", "Date"])
    hidden.append(["North", "2025-01-01"])
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(
        buffer.getvalue(), "log.xlsx", header_score=lambda cells: sum(c in {"Ward", "Date"} for c in cells)
    )
    assert table.sheet == "Log"
    assert read_table(buffer.getvalue(), "log.xlsx", sheet="Old log").sheet == "Old log"  # chosen by name: read


def test_a_workbook_whose_data_is_only_on_hidden_sheets_says_so():
    book = openpyxl.Workbook()
    book.active.title = "Front"
    hidden = book.create_sheet("Data")
    hidden.append(["Ward", "Date"])
    hidden.append(["North", "2025-01-01"])
    hidden.sheet_state = "veryHidden"
    buffer = io.BytesIO()
    book.save(buffer)
    assert refusal(buffer.getvalue(), "h.xlsx") == (
        "The only sheet with data in this workbook is hidden ('Data'); "
        "choose it by name or unhide it in Excel, and upload it again."
    )


def test_legacy_xls_8bit_text_comes_back_as_the_words_written(realworld):
    data = (realworld / "excel-more/sheet_name_parsing.xls").read_bytes()
    table = read_table(data, "sheet_name_parsing.xls")
    assert headers(table) == ["Titel", "Orginaltitel", "År", "Regissör", "Ditt betyg", "Datum", "IMDB#"]
    assert not any("\x00" in text or "\ufffd" in text for text in headers(table) + table.warnings)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["R\x00e\x00g\x00i\x00s\x00s\x00\xf6\x00r\x00", "plain"], ["Regissör", "plain"]),
        (["\xac\x20\x35\x00"], ["€5"]),  # UTF-16LE bytes read one byte a character: a character beyond Latin-1
    ],
    ids=["latin-1 with NULs between", "utf-16le as bytes"],
)
def test_legacy_text_is_repaired_by_its_shape(cells, expected):
    grid = pd.DataFrame({0: pd.Series(cells, dtype="str")})
    repaired, _ = reading._legacy_text(grid)
    assert repaired[0].tolist() == expected


def test_legacy_text_that_cannot_be_repaired_is_refused_in_one_sentence():
    grid = pd.DataFrame({0: pd.Series(["Ann\x00\x00\x00Lee\u20ac"], dtype="str")})
    with pytest.raises(ImportRefused) as refused:
        reading._legacy_text(grid)
    assert str(refused.value).startswith("This old-style .xls workbook stores its text in a form")
    assert "\x00" not in str(refused.value)


@pytest.mark.parametrize("name", PASSWORD_PROTECTED)
def test_password_protected_ods_and_xls_get_the_password_sentence(realworld, name):
    data = (realworld / "excel-more" / name).read_bytes()
    for attempt in (lambda: read_table(data, name), lambda: sheet_names(data, name)):
        with pytest.raises(ImportRefused, match="password-protected; remove the password"):
            attempt()


# --- bounded cost ---------------------------------------------------------------------------------------


def test_a_csv_with_only_a_header_says_it_has_no_rows():
    table = read_table(b"Date of incident,Councillor,Ward\r\n", "log.csv")
    assert len(table.frame) == 0
    assert table.warnings == ["This file has headers but no rows; add the rows under the header and upload it again."]


def test_a_50_mb_single_line_is_refused_in_a_short_sentence():
    message = refusal(b"a," * (25 * 1024 * 1024) + b"a\n", "line.csv")
    assert message.startswith("The first row of this file is longer than 4 MB")
    assert len(message) < 300


def test_a_50_mb_line_below_the_header_is_refused_for_its_columns():
    message = refusal(b"Ref,Ward\nA1,North\n" + b"x," * (25 * 1024 * 1024) + b"x\n", "line.csv")
    assert message.startswith("This file has rows of more than 16,384 columns")


def test_a_file_of_100000_columns_is_refused():
    header = ",".join(f"Col{i}" for i in range(100_000)).encode()
    message = refusal(header + b"\n" + b"x," * 99_999 + b"x\n", "wide.csv")
    assert message.startswith("This file has rows of more than 16,384 columns")


def test_a_50_mb_cell_is_read_whole():
    table = read_table(b"Ref,Note\nA1," + b"y" * (50 * 1024 * 1024) + b"\n", "cell.csv")
    assert table.frame["Note"].str.len().tolist() == [50 * 1024 * 1024]


def test_a_50_mb_header_cell_is_refused_in_a_short_sentence():
    message = refusal(b"Date," + b"h" * (50 * 1024 * 1024) + b"\n1,2\n", "h.csv")
    assert len(message) < 300 and "hhhhhhhhhh" not in message


def wide_header(columns: int) -> list[str]:
    return [f"Question {i}: how often has this happened to you in the last year" for i in range(columns)]


@pytest.mark.parametrize("stray_quote", [False, True], ids=["regular", "odd quote marks"])
def test_headers_beyond_the_first_64_kb_of_the_header_line_are_read(stray_quote):
    names = wide_header(2500)
    assert len(",".join(names)) > reading.SNIFF_BYTES
    answer = 'it said "never' if stray_quote else "x"
    data = (",".join(names) + "\n" + ",".join(["x"] * 2499 + [answer]) + "\n").encode()
    table = read_table(data, "wide.csv")
    assert headers(table) == names
    assert table.frame[names[-1]].tolist() == [answer]


def test_an_error_quotes_a_short_prefix_of_what_it_names():
    message = refusal(workbook_bytes({"Log": [["a"], [1]]}), "s.xlsx", sheet="N" * 100_000)
    assert "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN" not in message
    assert "NNNN\u2026'" in message and len(message) < 300


def test_a_workbook_wider_than_the_column_limit_is_refused(monkeypatch):
    """openpyxl cannot write more columns than Excel allows, but a file made by other means can hold them."""
    monkeypatch.setattr(reading, "MAX_COLUMNS", 3)
    data = workbook_bytes({"Log": [["a", "b", "c", "d"], [1, 2, 3, 4]]})
    assert refusal(data, "wide.xlsx").startswith("This file has rows of more than 3 columns")


def test_more_cells_than_an_import_can_hold_are_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_CELLS", 1_000)
    data = b"a,b,c,d\n" + b"1,2,3,4\n" * 300
    assert refusal(data.replace(b"1,2", b'1,2"', 1), "q.csv").startswith("This file has at least")  # the other parser
    assert refusal(data, "big.csv").startswith("This file has at least 301 rows of 4 columns, more than the")
