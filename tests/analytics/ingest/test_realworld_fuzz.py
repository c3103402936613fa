"""Fuzzing the importers with the real files beside the checkout (../shared/realworld).

Each file is damaged as files are on the way to a council, or by someone who means harm: bits flipped, bytes added
or lost, cut short, rows shuffled, quoting changed, the header repeated, a column dropped or doubled, another
encoding; a workbook also has the XML inside it damaged, or its cells rewritten. Each case is then imported as the
product imports it, and must either import with every row counted or be refused in one short sentence. The cases
are the same on every run: each has its own seed, named in a failure so that it can be replayed alone.
"""

import csv
import io
import os
import random
import re
import struct
import subprocess
import sys
import textwrap
import traceback
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from analytics import store
from analytics.errors import ImportRefused
from analytics.ingest import compound_file
from analytics.ingest.datasets import DATASETS
from analytics.ingest.importing import import_file
from analytics.surveys.surveys import import_survey
from tests.conftest import REPO

ALL = ("incidents", "councillors", "wards", "survey")
LOG_AND_SURVEY = ("incidents", "survey")
SURVEY_AND_LOG = ("survey", "incidents")

# Every file under ../shared/realworld: the imports each is fuzzed through, or why it is not an import.
FUZZED = {
    **{f"csv-spectrum/csvs/{name}.csv": ALL for name in ("comma_in_quotes", "empty", "empty_crlf")},
    **{f"csv-spectrum/csvs/{name}.csv": ALL for name in ("escaped_quotes", "json", "location_coordinates")},
    **{f"csv-spectrum/csvs/{name}.csv": ALL for name in ("newlines", "newlines_crlf", "quotes_and_newlines")},
    **{f"csv-spectrum/csvs/{name}.csv": ALL for name in ("simple", "simple_crlf", "utf8")},
    **{f"excel-edge-cases/any_sheets.{ext}": LOG_AND_SURVEY for ext in ("ods", "xls", "xlsx")},
    **{f"excel-edge-cases/{name}.xlsx": LOG_AND_SURVEY for name in ("date", "date_1904", "empty_sheet", "errors")},
    **{f"excel-edge-cases/{name}.xlsx": LOG_AND_SURVEY for name in ("header-row", "merge_cells", "no-header")},
    **{f"excel-edge-cases/{name}.xlsx": LOG_AND_SURVEY for name in ("pass_protected", "temperature-in-middle")},
    "excel-edge-cases/whitespace_trim.xlsx": LOG_AND_SURVEY,
    "excel-more/issue_385.xls": LOG_AND_SURVEY,
    "excel-more/pass_protected.ods": LOG_AND_SURVEY,
    "excel-more/sheet_name_parsing.xls": LOG_AND_SURVEY,
    "survey-exports/google_forms.csv": SURVEY_AND_LOG,
    "survey-exports/qualtrics_three_header_rows.csv": SURVEY_AND_LOG,
    "survey-exports/surveymonkey_contact_question.csv": SURVEY_AND_LOG,
    "survey-exports/surveymonkey_two_header_rows.csv": SURVEY_AND_LOG,
    "wards/ons_ward_to_lad_dec2019_uk_WD19.csv": ("wards", "councillors", "incidents"),
}
NOT_IMPORTS = {  # what the folder's README says they are
    "README.md": "the folder's description",
    "csv-spectrum/readme.md": "the suite's description",
    "csv-spectrum/package.json": "the suite's npm manifest",
    "excel-edge-cases/LICENSE-MIT.md": "a licence",
    "excel-more/LICENSE-MIT.md": "a licence",
    **{f"csv-spectrum/json/{Path(name).stem}.json": "the expected parse" for name in FUZZED if "csvs/" in name},
}

CASES_PER_FILE = 40
HEAD_BYTES = 24 * 1024  # a large file is cut to its first records: the same shapes, at a cost the suite can bear
LONGEST_SENTENCE = 300
ODD_BYTES = [b"\x00", b"\xff", b"\xfe", b'"', b",", b";", b"\t", b"\n", b"\r", b"\xef\xbb\xbf", b"\xc3", b"=", b"PK"]
ODD_CELLS = ["", "=1+1", "@SUM(A1)", "\x00", "\u2028", "\ufeff", "é" * 3, '"', "Cllr Joan Whitby", "31/02/2025"]
FIELD_NAMES = {field.name for dataset in DATASETS.values() for field in dataset.fields if "_" in field.name}
_DAMAGED = (
    "This workbook could not be opened because it is damaged or not really a spreadsheet; "
    "open it in Excel, save a new copy and upload that."
)
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "cp1252", "utf-32"]


# --- damaging bytes --------------------------------------------------------------------------------------


def flip_bits(rng, data: bytes) -> bytes:
    damaged = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if damaged:
            damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
    return bytes(damaged)


def insert_bytes(rng, data: bytes) -> bytes:
    at = rng.randint(0, len(data))
    added = b"".join(rng.choice(ODD_BYTES) for _ in range(rng.randint(1, 6)))
    return data[:at] + added * rng.choice([1, 1, 50]) + data[at:]


def delete_bytes(rng, data: bytes) -> bytes:
    at = rng.randint(0, len(data))
    return data[:at] + data[at + rng.randint(1, 64) :]


def truncate(rng, data: bytes) -> bytes:
    return data[: rng.randint(0, len(data))]


BYTE_DAMAGE = [flip_bits, insert_bytes, delete_bytes, truncate]


# --- damaging a CSV file's rows and cells ----------------------------------------------------------------


def shuffle_rows(rng, data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    start = rng.choice([0, 1, 1])  # now and then the header too
    body = lines[start:]
    rng.shuffle(body)
    return b"".join(lines[:start] + body)


def change_quoting(rng, data: bytes) -> bytes:
    """Quotes taken away, put round every field, or left open, on a few lines."""
    lines = data.splitlines(keepends=True)
    for _ in range(rng.randint(1, 3)):
        if not lines:
            break
        at = rng.randrange(len(lines))
        line = lines[at]
        lines[at] = rng.choice(
            [
                line.replace(b'"', b""),
                b'"' + line.rstrip(b"\r\n").replace(b'"', b'""').replace(b",", b'","') + b'"\n',
                line[: len(line) // 2] + b'"' + line[len(line) // 2 :],
            ]
        )
    return b"".join(lines)


def repeat_header(rng, data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    if not lines:
        return data
    header = lines[0] if lines[0].endswith(b"\n") else lines[0] + b"\n"
    lines.insert(rng.randint(1, len(lines)), header)
    return b"".join(lines)


def _records(data: bytes) -> tuple[list[list[str]], str]:
    """(the records, the delimiter): read as Latin-1, which maps each byte to one character and back."""
    text = data.decode("latin-1")
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t", "|"], key=first.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), delimiter


def _written(records: list[list[str]], delimiter: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(records)
    return out.getvalue().encode("latin-1")


def drop_column(rng, data: bytes) -> bytes:
    records, delimiter = _records(data)
    at = rng.randrange(max(len(records[0]), 1)) if records else 0
    return _written([record[:at] + record[at + 1 :] for record in records], delimiter)


def repeat_column(rng, data: bytes) -> bytes:
    records, delimiter = _records(data)
    at = rng.randrange(max(len(records[0]), 1)) if records else 0
    return _written([record + record[at : at + 1] for record in records], delimiter)


def change_encoding(rng, data: bytes) -> bytes:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.encode(rng.choice(ENCODINGS), errors="replace")


CSV_DAMAGE = BYTE_DAMAGE + [shuffle_rows, change_quoting, repeat_header, drop_column, repeat_column, change_encoding]


# --- damaging a workbook's insides and its cells ---------------------------------------------------------


def damage_inside(rng, data: bytes) -> bytes:
    """One XML part of an xlsx or ods damaged and the zip written again, so that its checksums still hold."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            parts = {info.filename: book.read(info) for info in book.infolist()}
    except Exception:  # a workbook already damaged, or not a zip: damage its bytes instead
        return flip_bits(rng, data)
    name = rng.choice(sorted(name for name in parts if name.endswith(".xml")) or sorted(parts))
    parts[name] = rng.choice(BYTE_DAMAGE)(rng, parts[name])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for part, content in parts.items():
            book.writestr(part, content)
    return out.getvalue()


def _cells(data: bytes) -> list[list[object]] | None:
    """The first sheet with cells, as rows of calamine's values; None when the workbook cannot be read (or is one
    whose sector chains loop, which calamine would follow until this process ran out of memory)."""
    try:
        compound_file.check(data, "damaged")
        sheets = pd.read_excel(io.BytesIO(data), engine="calamine", header=None, sheet_name=None, dtype=object)
    except BaseException:  # noqa: B036 - calamine's refusals (a Rust panic among them) are what the import tests
        return None
    filled = [frame for frame in sheets.values() if not frame.empty]
    return filled[0].where(filled[0].notna(), None).values.tolist() if filled else None


def _workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_cells(rng, data: bytes) -> bytes:
    """The workbook's cells with rows shuffled, the header repeated, a column dropped or odd cells written, saved
    again as an xlsx; a workbook that cannot be read has its bytes damaged instead."""
    rows = _cells(data)
    if not rows:
        return flip_bits(rng, data)
    width = max(len(row) for row in rows)
    at = rng.randrange(width)
    change = rng.choice(["shuffle", "header", "drop", "odd"])
    if change == "shuffle":
        body = rows[1:]
        rng.shuffle(body)
        rows = rows[:1] + body
    elif change == "header":
        rows.insert(rng.randint(1, len(rows)), list(rows[0]))
    elif change == "drop":
        rows = [row[:at] + row[at + 1 :] for row in rows]
    else:
        for row in rows:
            if at < len(row) and rng.random() < 0.5:
                row[at] = rng.choice(ODD_CELLS)
    return _workbook(rows)


def damaged(rng, data: bytes, extension: str) -> tuple[bytes, list[str]]:
    """The file with one to three kinds of damage, and their names."""
    names = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        if extension == ".csv":
            damage = rng.choice(CSV_DAMAGE)
            data = damage(rng, data)
        elif rng.random() < 0.5:
            damage = rewrite_cells
            data, extension = rewrite_cells(rng, data), ".xlsx"
        else:
            damage = rng.choice([*BYTE_DAMAGE, damage_inside, damage_inside])
            data = damage(rng, data)
        names.append(damage.__name__)
    return data, names


# --- importing ---------------------------------------------------------------------------------------------


def head(data: bytes) -> bytes:
    """A large CSV file cut after the first record ending past HEAD_BYTES (an even number of quotes before it)."""
    if len(data) <= HEAD_BYTES:
        return data
    end = data.find(b"\n", HEAD_BYTES)
    while end != -1 and data.count(b'"', 0, end) % 2:
        end = data.find(b"\n", end + 1)
    return data if end == -1 else data[: end + 1]


@pytest.fixture(scope="module")
def shared_con(tmp_path_factory):
    """One database for every case: small files, so DuckDB's threads would only wait on each other."""
    connection = store.connect(tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb")
    connection.execute("SET threads = 1")
    yield connection
    connection.close()


def imported(con, route: str, data: bytes, file_name: str, wave: str) -> str | None:
    """None when the import ran and counted every row, else what was wrong."""
    if route == "survey":
        result = import_survey(con, data, file_name, wave=wave)
        stored = con.execute("SELECT respondents FROM survey_waves WHERE wave_id = ?", [result.wave_id]).fetchone()
        kept = stored[0] if stored else None
    else:
        result = import_file(con, route, data, file_name)
        kept = con.execute("SELECT count(*) FROM quarantine WHERE batch_id = ?", [result.batch_id]).fetchone()[0]
    stored_rows = result.inserted + result.updated + result.unchanged
    if result.rows_read != stored_rows + result.rejected:
        return f"{result.rows_read} rows read but {stored_rows} stored and {result.rejected} rejected"
    if route == "survey" and kept != stored_rows:
        return f"{stored_rows} respondents counted but the wave holds {kept}"
    if route != "survey" and kept != result.rejected:
        return f"{result.rejected} rows rejected but {kept} kept aside"
    return None


def wrong_with_sentence(message: str) -> str | None:
    """What makes a refusal more than one short sentence in the council's words, or None."""
    named = sorted(FIELD_NAMES & set(re.findall(r"\w+", message)))
    wrong = [
        "does not end with a full stop" * (not message.endswith(".")),
        "runs over more than one line" * ("\n" in message or "\r" in message),
        "holds a NUL" * ("\x00" in message),
        "shows a traceback" * ("Traceback" in message),
        f"is {len(message)} characters long" * (len(message) > LONGEST_SENTENCE),
        f"names fields {', '.join(named)}" * bool(named),
    ]
    wrong = [reason for reason in wrong if reason]
    return f"refused in a sentence that {' and '.join(wrong)}: {message[:160]!r}" if wrong else None


def failure(con, route: str, data: bytes, file_name: str, wave: str) -> str | None:
    """What went wrong with one case, or None when it imported with every row counted or was refused properly."""
    try:
        return imported(con, route, data, file_name, wave)
    except ImportRefused as exc:
        return wrong_with_sentence(str(exc))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: B036 - a Rust panic from calamine is a BaseException, and a failure here
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return f"{type(exc).__name__} at {Path(where.filename).name}:{where.lineno}: {str(exc)[:200]!r}"


def _declaring_zip_version(data: bytes, version: int) -> bytes:
    """The zip with every entry of its central directory saying it needs this version of zip to extract."""
    damaged = bytearray(data)
    at = damaged.find(b"PK\x01\x02")
    while at != -1:
        damaged[at + 6] = version
        at = damaged.find(b"PK\x01\x02", at + 4)
    return bytes(damaged)


def test_a_workbook_claiming_a_zip_version_from_the_future_is_refused_as_damaged(con):
    """Found by the fuzz test (a bit flipped in any_sheets.xlsx's central directory): a traceback from zipfile."""
    data = _declaring_zip_version(_workbook([["Question"], ["Answer"]]), 84)
    with pytest.raises(ImportRefused, match="damaged or not really a spreadsheet"):
        import_survey(con, data, "survey.xlsx", wave="2025")


def test_a_qualtrics_export_cut_after_its_first_header_row_is_refused_in_one_sentence(con):
    """Found by the fuzz test (qualtrics_three_header_rows.csv cut short): a KeyError looking for the second row."""
    with pytest.raises(ImportRefused, match="no responses"):
        import_survey(con, b"StartDate,ResponseId,Finished,Q1\r\n", "qualtrics.csv", wave="2025")


def _with_a_looping_sector_chain(data: bytes) -> bytes:
    """The legacy workbook with its directory's next sector pointing back at itself: one damaged FAT entry."""
    looping = bytearray(data)
    sector_size = 1 << struct.unpack_from("<H", looping, 0x1E)[0]
    directory = struct.unpack_from("<I", looping, 0x30)[0]
    per_sector = sector_size // 4
    fat_sector = struct.unpack_from("<I", looping, 0x4C + 4 * (directory // per_sector))[0]
    struct.pack_into("<I", looping, (fat_sector + 1) * sector_size + 4 * (directory % per_sector), directory)
    return bytes(looping)


IMPORT_IN_TWO_GIGABYTES = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    from analytics import store
    from analytics.errors import ImportRefused
    from analytics.ingest.importing import import_file
    try:
        import_file(store.connect(":memory:"), "incidents", open(sys.argv[1], "rb").read(), "looping.xls")
    except ImportRefused as exc:
        print(exc)
""")


def test_a_legacy_workbook_whose_sectors_loop_is_refused_without_exhausting_memory(realworld, tmp_path):
    """Found by the fuzz test (issue_385.xls, bytes deleted then added): calamine follows the loop for ever, growing
    a list until the process is killed, as the dashboard's server would be by a 25 KB upload. Imported in a process
    of its own with 2 GB of address space, so that the suite survives it."""
    path = tmp_path / "looping.xls"
    path.write_bytes(_with_a_looping_sector_chain((realworld / "excel-more" / "issue_385.xls").read_bytes()))
    child = subprocess.run(
        [sys.executable, "-c", IMPORT_IN_TWO_GIGABYTES, str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "RUST_BACKTRACE": "0"},
        timeout=300,  # not a measure: only so that a loop which does not allocate cannot hold the suite for ever
    )
    assert (child.returncode, child.stdout) == (0, _DAMAGED + "\n"), child.stderr[-300:]


def test_every_real_file_is_fuzzed_or_named_as_not_an_import(realworld):
    present = {path.relative_to(realworld).as_posix() for path in realworld.rglob("*") if path.is_file()}
    assert present == set(FUZZED) | set(NOT_IMPORTS)


@pytest.mark.parametrize("relative", sorted(FUZZED))
def test_a_damaged_real_file_imports_with_every_row_counted_or_is_refused_in_one_sentence(
    shared_con, realworld, relative
):
    original = head((realworld / relative).read_bytes())
    extension = Path(relative).suffix
    routes = FUZZED[relative]
    problems = {}
    for case in range(CASES_PER_FILE):
        seed = f"{relative}#{case}"
        data, damage = damaged(random.Random(seed), original, extension)
        route = routes[case % len(routes)]
        file_name = "damaged" + (".xlsx" if "rewrite_cells" in damage else extension)
        problem = failure(shared_con, route, data, file_name, wave=seed)
        if problem:
            problems.setdefault(
                re.sub(r"\d+", "N", problem.split(": ")[0]), f"case {case} ({route}, {'+'.join(damage)}): {problem}"
            )
    assert not problems, "\n".join(problems.values())
