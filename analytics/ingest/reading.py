"""Turn uploaded bytes (a CSV file or a spreadsheet) into a raw table of text.

Generic: nothing here knows what the columns mean. The caller may pass a HeaderScorer to say which row
looks most like its header; everything else (format, encoding, delimiter, sheet, title rows, cell types)
is decided here. Every refusal is an ImportRefused whose message is one sentence for the user.

A "grid" below is a DataFrame of str cells whose column labels are 0-based column positions in the file
and whose index is the 0-based row (or CSV record) position, so position + 1 is what the user sees.
"""

import codecs
import contextlib
import csv
import io
import re
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import PurePath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from analytics.errors import ImportRefused
from analytics.ingest import compound_file
from analytics.text_input import REPLACED_NOTE, REPLACEMENT, quoted, storable_cells, storable_or_none

HeaderScorer = Callable[[list[str]], int]  # called with one row's cleaned cells ("" for a blank cell)

CSV_EXTENSIONS = (".csv", ".tsv", ".txt")
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")

# Zip-bomb guard, checked on the zip central directory before anything is unpacked.
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # smaller members are never flagged for their ratio

HEADER_SEARCH_ROWS = 30  # the header must be among this many non-blank rows
SNIFF_BYTES = 64 * 1024  # CSV sample used to choose the delimiter, grown until it holds the first record whole
MAX_FIRST_ROW_BYTES = 4 * 1024 * 1024  # no header of a log or survey export is longer than this
MAX_COLUMNS = 16_384  # Excel's limit: no spreadsheet's export has more
MAX_CELLS = 20_000_000  # rows x columns: many times a large council's log or survey, and memory stays bounded
CHUNK_CELLS = 2_000_000  # the slower CSV parser reads this many cells at a time
DELIMITERS = (",", ";", "\t", "|")  # in order of preference when equally plausible
MAX_CONTROL_SHARE = 0.05  # more control characters than this in the sample means binary, not text
SOURCE_ROW = "source_row"

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_XLS_BOF = b"\x09\x08\x10\x00"  # BIFF8 beginning-of-file record: type 0x0809, 16 bytes long
_XLS_FILEPASS = b"\x2f\x00"  # the record that follows it in an encrypted .xls
_ODS_ENCRYPTED = b"encryption-data"  # in META-INF/manifest.xml of a password-protected .ods
_BYTE_PAIRS = re.compile("(?:[\x00-\xff]{2})+")
_LINE_END = re.compile("[\r\n]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f]")  # not NEL (U+0085): a line break
_MARKUP_START = re.compile(r"\s*<(\?xml|!doctype|html|table)", re.IGNORECASE)
_FIELDS_SEEN = re.compile(r"saw (\d+)")
_REPLACEMENTS = re.compile("\ufffd+")
_TEXT_DTYPE = pd.StringDtype(na_value=np.nan)  # pandas' default str dtype
_SheetRows = tuple[str, pd.DataFrame, list[str]]  # (sheet name, non-blank rows as a grid, warnings)

_PASSWORD_PROTECTED = (
    "This workbook is password-protected; remove the password in Excel "
    "(File > Info > Protect Workbook > Encrypt with Password) and upload it again."
)
_DAMAGED_WORKBOOK = (
    "This workbook could not be opened because it is damaged or not really a spreadsheet; "
    "open it in Excel, save a new copy and upload that."
)
_NO_ROWS = "The file has no rows with data; check you chose the right file and upload it again."
_HEADER_ONLY = "This file has headers but no rows; add the rows under the header and upload it again."
_UNREADABLE_LEGACY_TEXT = (
    "This old-style .xls workbook stores its text in a form that cannot be read back reliably; "
    "open it in Excel, save it as .xlsx and upload that."
)
_LEGACY_TEXT_NOTE = (
    "This old-style .xls workbook stored its text in an older form, which was converted; "
    "check that a few names read correctly."
)


@dataclass(frozen=True)
class RawTable:
    frame: pd.DataFrame  # str columns named by the cleaned headers, then int "source_row"
    sheet: str | None  # worksheet name for workbooks, None for CSV
    header_row: int  # 1-based row number of the header
    warnings: list[str]  # plain-English sentences for the user


def sheet_names(data: bytes, filename: str) -> list[str]:
    """The workbook's sheet names in file order; [] for a CSV file."""
    is_workbook, _ = _detect_format(data, filename)
    if not is_workbook:
        return []
    _check_container(data)
    return _workbook_sheet_names(data)


@dataclass(frozen=True)
class RawRows:
    grid: pd.DataFrame  # every non-blank row as a grid (see the module docstring), no header chosen
    sheet: str | None  # worksheet name for workbooks, None for CSV
    is_workbook: bool
    warnings: list[str]  # plain-English sentences for the user


def read_table(
    data: bytes, filename: str, *, sheet: str | None = None, header_score: HeaderScorer | None = None
) -> RawTable:
    """Read a CSV file or one sheet of a workbook into a RawTable.

    `sheet` is ignored for CSV files. Without `sheet`, a workbook is read from its first sheet that has
    data, or, when `header_score` is given, from the sheet whose best header row scores highest.
    """
    rows = read_rows(data, filename, sheet=sheet, header_score=header_score)
    frame, header_row, table_notes = _tabulate(rows.grid, header_score)
    return RawTable(frame=frame, sheet=rows.sheet, header_row=header_row, warnings=rows.warnings + table_notes)


def read_rows(
    data: bytes, filename: str, *, sheet: str | None = None, header_score: HeaderScorer | None = None
) -> RawRows:
    """Read a CSV file or one sheet of a workbook as read_table does, but leave every row in the grid.

    For files with more than one header row (survey exports), whose caller decides what the rows mean.
    """
    is_workbook, notes = _detect_format(data, filename)
    if is_workbook:
        chosen, rows, more = _read_workbook(data, storable_or_none(sheet), header_score)
    else:
        chosen = None
        rows, more = _read_csv(data, PurePath(filename).suffix.lower())
    if rows.empty:
        raise ImportRefused(_NO_ROWS)
    rows, replaced = _storable_grid(rows)
    return RawRows(grid=rows, sheet=chosen, is_workbook=is_workbook, warnings=notes + more + replaced)


def _storable_grid(grid: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """(the grid with every unstorable character replaced, as `text_input` says, and a note if any was)."""
    replaced = False
    for label in grid.columns:
        grid[label], any_replaced = storable_cells(grid[label])
        replaced = replaced or any_replaced
    return grid, [REPLACED_NOTE] if replaced else []


# --- format ---------------------------------------------------------------------------------------------


def _detect_format(data: bytes, filename: str) -> tuple[bool, list[str]]:
    """(is it a workbook, warnings): the extension must be one we accept, the content decides how to read."""
    extension = PurePath(filename).suffix.lower()
    if extension not in CSV_EXTENSIONS + WORKBOOK_EXTENSIONS:
        kind = f"Files ending '{extension}'" if extension else "Files without an extension"
        raise ImportRefused(
            f"{kind} can't be imported; upload a CSV file (.csv, .tsv or .txt) "
            "or a spreadsheet (.xlsx, .xlsm, .xls or .ods)."
        )
    if not data:
        raise ImportRefused("The file is empty; check you chose the right file and upload it again.")
    if data.startswith(_OLE2_MAGIC) and _ENCRYPTED_STREAM in data:
        raise ImportRefused(_PASSWORD_PROTECTED)
    is_workbook = data.startswith((*_ZIP_MAGIC, _OLE2_MAGIC))
    if is_workbook and extension in CSV_EXTENSIONS:
        return True, [f"The file is named '{extension}' but is really a spreadsheet, so it was read as one."]
    if not is_workbook and extension in WORKBOOK_EXTENSIONS:
        return False, [f"The file is named '{extension}' but is really plain text, so it was read as CSV."]
    return is_workbook, []


# --- workbooks ------------------------------------------------------------------------------------------


def _check_container(data: bytes) -> None:
    """Refuse, before calamine opens it, a legacy workbook whose sector chains loop (calamine would follow them
    until memory ran out) or a zip (xlsx, xlsm, ods) whose declared sizes say it would unpack dangerously large."""
    compound_file.check(data, _DAMAGED_WORKBOOK)
    if not data.startswith(_ZIP_MAGIC):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise ImportRefused(_DAMAGED_WORKBOOK) from None
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise ImportRefused(
            f"This workbook would unpack to more than {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB, "
            "which is too large to import; split it into smaller files and upload them one at a time."
        )
    if any(
        member.file_size >= RATIO_CHECK_MIN_BYTES
        and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        for member in members
    ):
        raise ImportRefused(
            "This workbook is compressed far more than a normal spreadsheet (it may be a 'zip bomb'), "
            "so it was not opened; open it in Excel, save a new copy and upload that."
        )


def _calamine_failure(exc: BaseException, data: bytes) -> ImportRefused:
    password = "password" in str(exc).lower() or _is_encrypted(data)
    return ImportRefused(_PASSWORD_PROTECTED if password else _DAMAGED_WORKBOOK)


def _is_encrypted(data: bytes) -> bool:
    """Whether a workbook calamine could not open is password-protected, which calamine reports only for .xlsx:
    an .xls whose first record after the beginning-of-file record is FILEPASS, or an .ods whose manifest lists
    encryption."""
    if data.startswith(_OLE2_MAGIC):
        start = data.find(_XLS_BOF)
        return start != -1 and data[start + 20 : start + 22] == _XLS_FILEPASS
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _ODS_ENCRYPTED in archive.read("META-INF/manifest.xml")
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, EOFError, RuntimeError, NotImplementedError):
        return False


def _sheets(data: bytes) -> list[tuple[str, bool]]:
    """(name, whether it is a visible worksheet) for every sheet in file order."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [
            (str(sheet.name), sheet.visible == SheetVisibleEnum.Visible and sheet.typ == SheetTypeEnum.WorkSheet)
            for sheet in book.sheets_metadata
        ]
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine raises its own errors and, on some damaged files, a Rust panic
        raise _calamine_failure(exc, data) from None


def _workbook_sheet_names(data: bytes) -> list[str]:
    return [name for name, _ in _sheets(data)]


def _read_excel(data: bytes, sheets: list[str]) -> dict[str, pd.DataFrame]:
    """Raw cells of the named sheets, as calamine's Python objects.

    dtype=object and no NA parsing keep cells exactly as stored: "NA" stays text, "00123" is not a number.
    """
    if not sheets:
        return {}
    try:
        frames = pd.read_excel(
            io.BytesIO(data),
            engine="calamine",
            header=None,
            sheet_name=sheets,
            dtype=object,
            keep_default_na=False,
            na_filter=False,
        )
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # see _sheets
        raise _calamine_failure(exc, data) from None
    return {str(name): cells for name, cells in frames.items()}


def _grids(data: bytes, sheets: list[str]) -> tuple[dict[str, pd.DataFrame], bool]:
    """(each named sheet's non-blank rows as a grid, whether legacy .xls text was converted)."""
    grids, converted = {}, False
    for name, cells in _read_excel(data, sheets).items():
        grid = _drop_blank_rows(_cells_to_grid(cells))
        if data.startswith(_OLE2_MAGIC):
            grid, repaired = _legacy_text(grid)
            converted = converted or repaired
        _refuse_too_wide(grid.shape[1])
        grids[name] = _bounded(grid)
    return grids, converted


def _read_workbook(data: bytes, sheet: str | None, scorer: HeaderScorer | None) -> _SheetRows:
    """(sheet name, its non-blank rows as a grid, warnings).

    Without a named sheet, only visible worksheets are read: survey tools keep bookkeeping on hidden ones
    (Microsoft Forms' veryHidden link sheet holds a token, not the responses)."""
    _check_container(data)
    if sheet is not None:
        return _read_named_sheet(data, sheet)
    sheets = _sheets(data)
    grids, converted = _grids(data, [name for name, visible in sheets if visible])
    filled = [name for name, rows in grids.items() if not rows.empty]
    if not filled:
        _refuse_hidden_data(data, [name for name, visible in sheets if not visible])
        raise ImportRefused(
            "Every sheet in this workbook is empty; check you chose the right file and upload it again."
        )
    chosen = filled[0]
    if scorer is not None:
        scores = {name: _find_header(grids[name], scorer)[1] for name in filled}
        chosen = max(filled, key=scores.__getitem__)  # max keeps the first of equal scores
    notes = _sheet_choice_notes(chosen, [name for name, _ in sheets], filled[0], len(grids))
    return chosen, grids[chosen], notes + ([_LEGACY_TEXT_NOTE] if converted else [])


def _refuse_hidden_data(data: bytes, hidden: list[str]) -> None:
    grids, _ = _grids(data, hidden)
    filled = [f"'{quoted(name)}'" for name, rows in grids.items() if not rows.empty]
    if len(filled) == 1:
        raise ImportRefused(
            f"The only sheet with data in this workbook is hidden ({filled[0]}); "
            "choose it by name or unhide it in Excel, and upload it again."
        )
    if filled:
        raise ImportRefused(
            f"The only sheets with data in this workbook are hidden ({', '.join(filled)}); "
            "choose one by name or unhide it in Excel, and upload it again."
        )


def _read_named_sheet(data: bytes, sheet: str) -> _SheetRows:
    names = _workbook_sheet_names(data)
    if sheet not in names:
        listed = ", ".join(f"'{quoted(name)}'" for name in names[:20])
        raise ImportRefused(f"This workbook has no sheet called '{quoted(sheet)}'; its sheets are {listed}.")
    grids, converted = _grids(data, [sheet])
    if grids[sheet].empty:
        raise ImportRefused(f"The sheet '{quoted(sheet)}' has no data; choose another sheet.")
    return sheet, grids[sheet], [_LEGACY_TEXT_NOTE] if converted else []


def _sheet_choice_notes(chosen: str, names: list[str], first_filled: str, visible: int) -> list[str]:
    if chosen == names[0]:
        return []
    if chosen == first_filled:
        alone = names.index(chosen) == 1 and visible == len(names)
        reason = "the first sheet is empty" if alone else "the sheets before it are empty or hidden"
        return [f"Read the sheet '{quoted(chosen)}' because {reason}."]
    return [f"Read the sheet '{quoted(chosen)}' because its header row matches the expected columns best."]


def _legacy_text(grid: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """(the grid with legacy .xls text decoded, whether any was).

    calamine 0.9 returns an .xls's 8-bit strings as the UTF-16LE bytes they stand for, one character a byte
    ("R", NUL, "e", NUL for "Re"); such a cell is pairs of characters below U+0100 and decodes as UTF-16LE.
    A NUL in a cell of any other shape means the text cannot be trusted, and the workbook is refused.
    """
    converted = False
    for label in grid.columns:
        cells = grid[label]
        garbled = cells.str.contains("\x00", regex=False).to_numpy(dtype=bool)
        if not garbled.any():
            continue
        text = cells[garbled]
        if not text.str.fullmatch(_BYTE_PAIRS).all():
            raise ImportRefused(_UNREADABLE_LEGACY_TEXT)
        try:
            decoded = text.str.encode("latin-1").str.decode("utf-16-le")
        except UnicodeDecodeError:
            raise ImportRefused(_UNREADABLE_LEGACY_TEXT) from None
        grid[label] = cells.mask(garbled, decoded)
        converted = True
    return grid, converted


# --- cell values to text --------------------------------------------------------------------------------


def _cells_to_grid(cells: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {position: _cells_to_text(cells[label]) for position, label in enumerate(cells.columns)},
        index=cells.index,
    )


def _cells_to_text(cells: pd.Series) -> pd.Series:
    """Text for one column of calamine values.

    Vectorised by type: one mask and one column operation per Python type present in the column
    (str, int, float, bool, datetime, date, time, timedelta, None), never a Python loop over rows.
    """
    types = cells.map(type)
    out = pd.Series("", index=cells.index, dtype=_TEXT_DTYPE)
    for kind in types.unique():
        mask = (types == kind).to_numpy()
        out[mask] = _converter(kind)(cells[mask])
    return out


def _converter(kind: type) -> Callable[[pd.Series], pd.Series]:
    if issubclass(kind, str):
        return lambda cells: cells.astype(_TEXT_DTYPE)
    if issubclass(kind, bool | np.bool_):  # before int: bool is an int
        return lambda cells: _text(np.where(cells.astype(bool), "TRUE", "FALSE"), cells.index)
    if issubclass(kind, int | np.integer):
        return lambda cells: cells.astype(_TEXT_DTYPE)
    if issubclass(kind, float | np.floating):
        return _floats_to_text
    if issubclass(kind, date):  # datetime and pandas Timestamp are dates too
        return lambda cells: _datetimes_to_text(pd.to_datetime(cells))
    if issubclass(kind, time):
        return lambda cells: cells.astype(_TEXT_DTYPE).str.slice(0, 8)  # "14:05:00", no fraction
    if issubclass(kind, timedelta):
        return lambda cells: _durations_to_text(pd.to_timedelta(cells))
    if kind is type(None) or kind is type(pd.NaT):
        return lambda cells: _text(np.full(len(cells), ""), cells.index)
    return lambda cells: cells.astype(_TEXT_DTYPE)


def _text(values: np.ndarray, index: pd.Index) -> pd.Series:
    return pd.Series(values, index=index, dtype=_TEXT_DTYPE)


def _floats_to_text(cells: pd.Series) -> pd.Series:
    """Whole numbers as "12", not "12.0"; others to Excel's 15 significant digits (0.3, not 0.300...04)."""
    values = cells.to_numpy(dtype=float)
    finite = np.isfinite(values)
    whole = finite & (np.floor(values) == values) & (np.abs(values) < 2**53)
    fraction = finite & ~whole
    out = np.full(len(values), "", dtype=object)
    out[whole] = values[whole].astype(np.int64).astype(str)
    out[fraction] = np.char.mod("%.15g", values[fraction])
    return _text(out, cells.index)


def _datetimes_to_text(stamps: pd.Series) -> pd.Series:
    """ISO text: "2025-04-03" at midnight, else "2025-04-03 14:05:00" (rounded to the second)."""
    stamps = stamps.dt.round("s")
    text = stamps.astype(_TEXT_DTYPE)
    text = text.where(stamps != stamps.dt.normalize(), text.str.slice(0, 10))
    return text.where(stamps.notna(), "")


def _durations_to_text(durations: pd.Series) -> pd.Series:
    """Excel's [h]:mm:ss, e.g. "255:10:10" for 10 days 15:10:10."""
    seconds = durations.dt.total_seconds().round().astype("int64")
    size = seconds.abs()
    sign = _text(np.where(seconds < 0, "-", ""), seconds.index)
    hours = (size // 3600).astype(_TEXT_DTYPE)
    minutes = (size % 3600 // 60).astype(_TEXT_DTYPE).str.zfill(2)
    secs = (size % 60).astype(_TEXT_DTYPE).str.zfill(2)
    return sign + hours + ":" + minutes + ":" + secs


# --- CSV ------------------------------------------------------------------------------------------------


def _read_csv(data: bytes, extension: str) -> tuple[pd.DataFrame, list[str]]:
    """(non-blank records as a grid, warnings)."""
    utf8, encoding = _to_utf8(data)
    sample, truncated = _sample(utf8)
    _refuse_non_text(utf8, sample)
    if not sample.strip() and not truncated:
        raise ImportRefused(_NO_ROWS)
    prefer_tab = extension == ".tsv" or encoding == "UTF-16"
    delimiter, width = _sniff(sample, truncated=truncated, prefer_tab=prefer_tab)
    _refuse_too_wide(width)
    # An odd number of quote marks may be a quoted value that never closes, which the fast parser accepts
    # silently (swallowing the rest of the file) and pandas refuses.
    grid, widest = _parse_regular(utf8, delimiter, width) if utf8.count(b'"') % 2 == 0 else (None, width)
    if grid is None:
        grid = _parse_ragged(utf8, delimiter, widest)
    notes = {
        "UTF-8": [],
        "UTF-16": ["The file was UTF-16 (Excel's 'Unicode Text'); read it as UTF-16."],
        "Windows-1252": ["The file was not UTF-8; read it as Windows-1252."],
        "broken UTF-8": [
            f"The file is UTF-8 with a few characters broken; each was read as {REPLACEMENT}, so check those cells."
        ],
    }[encoding]
    return _bounded(_drop_blank_rows(grid)), notes


def _sample(utf8: bytes) -> tuple[str, bool]:
    """(the start of the text, whether the file goes on beyond it): SNIFF_BYTES, or more until it holds the first
    record whole, so that no header is cut short; a first record longer than MAX_FIRST_ROW_BYTES is refused."""
    size = SNIFF_BYTES
    while True:
        sample = utf8[:size].decode("utf-8", errors="ignore")
        truncated = len(utf8) > size
        if not truncated or _holds_a_whole_record(sample):
            return sample, truncated
        if size >= MAX_FIRST_ROW_BYTES:
            raise ImportRefused(
                f"The first row of this file is longer than {MAX_FIRST_ROW_BYTES // (1024 * 1024)} MB, "
                "far longer than the header of any log or survey export; check you chose the right file."
            )
        size *= 4


def _holds_a_whole_record(sample: str) -> bool:
    """Whether a first record ends within the sample, read as a CSV file with any of the DELIMITERS (a quote mark
    opens a quoted value only at the start of a field, so a stray one inside a header does not run on)."""
    if not _LINE_END.search(sample):
        return False
    for delimiter in DELIMITERS:
        records = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
        with contextlib.suppress(csv.Error):
            if next(records, None) is not None and next(records, None) is not None:
                return True
    return False


def _refuse_too_wide(width: int) -> None:
    if width > MAX_COLUMNS:
        raise ImportRefused(
            f"This file has rows of more than {MAX_COLUMNS:,} columns, more than any spreadsheet can hold, "
            "so it cannot be a log or survey export; check you chose the right file."
        )


def _bounded(grid: pd.DataFrame) -> pd.DataFrame:
    """The grid, unless it has more cells than the import can hold in memory."""
    _refuse_too_many_cells(*grid.shape)
    return grid


def _refuse_too_many_cells(rows: int, columns: int) -> None:
    if rows * columns > MAX_CELLS:
        raise ImportRefused(
            f"This file has at least {rows:,} rows of {columns:,} columns, more than the "
            f"{MAX_CELLS // 1_000_000} million cells one import can take; split it into smaller files and import them "
            "one at a time."
        )


def _to_utf8(data: bytes) -> tuple[bytes, str]:
    """(the text as UTF-8 bytes without a BOM, the encoding it was read as)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").encode("utf-8"), "UTF-16"
    if utf16 := _utf16_without_bom(data[:SNIFF_BYTES]):
        return data.decode(utf16, errors="replace").encode("utf-8"), "UTF-16"
    body = data.removeprefix(codecs.BOM_UTF8)
    if body.isascii():
        return body, "UTF-8"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("utf-8", errors="replace")
        if _mostly_utf8(body, text):
            return text.encode("utf-8"), "broken UTF-8"
        return body.decode("cp1252", errors="replace").encode("utf-8"), "Windows-1252"
    return body, "UTF-8"


def _mostly_utf8(body: bytes, text: str) -> bool:
    """Whether bytes that are not all UTF-8 still hold more good UTF-8 characters beyond ASCII than broken
    sequences: a UTF-8 file with a stray byte, not Windows-1252 (whose accents are almost never valid UTF-8)."""
    broken = len(_REPLACEMENTS.findall(text)) - body.count(REPLACEMENT.encode())  # a run of U+FFFD is one place
    good = sum(1 for character in text if character > "\x7f") - text.count(REPLACEMENT)
    return good > broken


def _utf16_without_bom(sample: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when nearly every other byte is NUL, as in mostly-ASCII UTF-16 text."""
    half = len(sample) // 2
    for codec, high_bytes in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if half >= 2 and high_bytes.count(0) >= 0.9 * half:
            return codec
    return None


def _refuse_non_text(utf8: bytes, sample: str) -> None:
    if b"\x00" in utf8 or len(_CONTROL_CHARS.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        raise ImportRefused(
            "This file is not a readable CSV file or spreadsheet (it contains binary data); "
            "upload the original .csv, .xlsx or .ods file."
        )
    if _MARKUP_START.match(sample):
        raise ImportRefused(
            "This file is a web page or XML document rather than a spreadsheet; "
            "open it in Excel, save it as .xlsx and upload that copy."
        )


def _sniff(sample: str, *, truncated: bool, prefer_tab: bool) -> tuple[str, int]:
    """(delimiter, widest record in the sample).

    The delimiter is the one that splits the most sample records into the same number (more than one)
    of fields, so title rows and the odd ragged row don't mislead it; ties go to the earlier in DELIMITERS.
    """
    order = ("\t", *(d for d in DELIMITERS if d != "\t")) if prefer_tab else DELIMITERS
    best, best_key, best_width = ",", (False, 0, 0), 1
    for delimiter in order:
        counts = Counter(_field_counts(sample, delimiter, truncated))
        if not counts:
            continue
        common, frequency = max(counts.items(), key=lambda item: (item[1], item[0]))
        key = (common > 1, frequency, common)
        if key > best_key:
            best, best_key, best_width = delimiter, key, max(counts)
    return best, best_width


def _field_counts(sample: str, delimiter: str, truncated: bool) -> list[int]:
    """Fields per non-empty record of the sample (the last record is dropped if the sample cut it short)."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    counts = []
    with contextlib.suppress(csv.Error):  # an unbalanced quote in the sample: judge the records before it
        counts.extend(len(record) for record in reader if record)
    return counts[:-1] if truncated and len(counts) > 1 else counts


def _parse_regular(utf8: bytes, delimiter: str, width: int) -> tuple[pd.DataFrame | None, int]:
    """Fast multi-threaded parse for the usual file where every record has `width` fields.

    (the grid, width), or (None, the width of the first record that has more fields, else `width`)."""
    names = [str(position) for position in range(width)]
    widest = width

    def irregular(row: pa_csv.InvalidRow) -> str:
        nonlocal widest
        widest = max(widest, row.actual_columns)
        return "error"

    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(utf8)),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=irregular,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException:
        return None, widest
    _refuse_too_many_cells(table.num_rows, width)  # blank records too: before pandas copies them
    grid = table.to_pandas(types_mapper={pa.string(): _TEXT_DTYPE}.get)
    grid.columns = range(width)
    return grid, width


def _parse_ragged(utf8: bytes, delimiter: str, width: int) -> pd.DataFrame:
    """Parse records of any length: short ones are padded with "", long ones widen the grid.

    pandas skips (with a warning) records longer than the names it was given, so a first pass finds
    the widest record and, if any was longer, a second pass reads them all.
    """
    _refuse_too_wide(width)
    grid, widest = _read_with_pandas(utf8, delimiter, width)
    if widest > width:
        _refuse_too_wide(widest)
        _refuse_too_many_cells(len(grid), widest)
        grid, _ = _read_with_pandas(utf8, delimiter, widest)
    return grid


def _read_with_pandas(utf8: bytes, delimiter: str, width: int) -> tuple[pd.DataFrame, int]:
    """(grid, the widest record pandas reported skipping, else `width`).

    Read in chunks of about CHUNK_CELLS cells, so that a file of more than MAX_CELLS is refused as soon as it is
    known to be one rather than after all of it is in memory."""
    chunks, records = [], 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            with pd.read_csv(
                io.BytesIO(utf8),
                sep=delimiter,
                quotechar='"',
                doublequote=True,
                header=None,
                names=range(width),
                index_col=False,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                on_bad_lines="warn",
                encoding="utf-8",
                engine="c",
                chunksize=max(1, CHUNK_CELLS // width),
            ) as reader:
                for chunk in reader:
                    records += len(chunk)
                    _refuse_too_many_cells(records, width)
                    chunks.append(chunk)
        except pd.errors.EmptyDataError:
            raise ImportRefused(_NO_ROWS) from None
        except pd.errors.ParserError:
            raise ImportRefused(
                "The CSV file could not be read because a quoted value is never closed or the separators "
                "are inconsistent; re-export it from the system it came from and upload it again."
            ) from None
    seen = [int(n) for warning in caught for n in _FIELDS_SEEN.findall(str(warning.message))]
    if not chunks:
        raise ImportRefused(_NO_ROWS)
    return pd.concat(chunks) if len(chunks) > 1 else chunks[0], max(seen, default=width)


# --- header and columns ---------------------------------------------------------------------------------


def _blank(cells: pd.Series) -> np.ndarray:
    return ((cells == "") | cells.str.isspace()).to_numpy(dtype=bool)


def _drop_blank_rows(grid: pd.DataFrame) -> pd.DataFrame:
    if grid.columns.empty:
        return grid.iloc[:0]
    blank = np.logical_and.reduce([_blank(grid[label]) for label in grid.columns])
    return grid[~blank] if blank.any() else grid


def _clean_header(cell: str) -> str:
    """Collapse every kind of whitespace (NBSP, tabs, newlines) to single spaces and trim."""
    return " ".join(cell.replace("\u200b", "").replace("\ufeff", "").split())


def _find_header(rows: pd.DataFrame, scorer: HeaderScorer | None) -> tuple[int, int]:
    """(position of the header among `rows`, its score).

    The header is the highest-scoring of the first HEADER_SEARCH_ROWS rows (the first of equal scores).
    Without a scorer, or when nothing scores above 0, it is the first row that fills at least half as
    many cells as the fullest of those rows (and at least two, when any row has two): this skips
    one-cell title rows yet tolerates a header with a few blank cells.
    """
    candidates = [[_clean_header(cell) for cell in row] for row in rows.iloc[:HEADER_SEARCH_ROWS].to_numpy()]
    if scorer is not None:
        scores = [scorer(cells) for cells in candidates]
        if max(scores) > 0:
            return scores.index(max(scores)), max(scores)
    filled = [sum(1 for cell in cells if cell) for cells in candidates]
    needed = max(2, -(-max(filled) // 2)) if max(filled) >= 2 else 1
    return next(position for position, count in enumerate(filled) if count >= needed), 0


def _tabulate(rows: pd.DataFrame, scorer: HeaderScorer | None) -> tuple[pd.DataFrame, int, list[str]]:
    """(frame, 1-based header row, warnings) from the non-blank rows of a grid."""
    if rows.empty:
        raise ImportRefused(_NO_ROWS)
    position, _ = _find_header(rows, scorer)
    headers = [_clean_header(cell) for cell in rows.iloc[position]]
    data = rows.iloc[position + 1 :]
    kept = [
        (label, header)
        for label, header in zip(rows.columns, headers, strict=True)
        if header or not _blank(data[label]).all()
    ]
    names, notes = _column_names([header for _, header in kept], [label for label, _ in kept])
    frame = data[[label for label, _ in kept]].set_axis(names, axis=1).reset_index(drop=True)
    frame[SOURCE_ROW] = data.index.to_numpy(dtype=np.int64) + 1
    header_row = int(rows.index[position]) + 1
    if position > 0:
        notes.insert(0, f"Used row {header_row} as the header row and skipped the rows above it.")
    if data.empty:
        notes.append(_HEADER_ONLY)
    return frame, header_row, notes


def _column_names(headers: list[str], positions: list[int]) -> tuple[list[str], list[str]]:
    """Unique column names (ignoring case, as DuckDB does) and warnings about the ones made up.

    A blank header becomes "Column N" (N = 1-based position in the file); a repeat gets " (2)", " (3)".
    """
    taken = {SOURCE_ROW}
    names, unnamed, renamed = [], [], []
    for header, position in zip(headers, positions, strict=True):
        base = header or f"Column {position + 1}"
        name, copy = base, 1
        while name.casefold() in taken:
            copy += 1
            name = f"{base} ({copy})"
        taken.add(name.casefold())
        names.append(name)
        if not header:
            unnamed.append(name)
        elif name != base:
            renamed.append(name)
    notes = []
    if unnamed:
        notes.append(f"Columns without a header were named by their position, e.g. '{unnamed[0]}'.")
    if renamed:
        notes.append(f"Some headers were repeated, so the repeats were renamed, e.g. '{renamed[0]}'.")
    return names, notes
