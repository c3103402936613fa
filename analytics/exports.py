"""Files the dashboard hands out: CSV and Excel that a spreadsheet will never run as formulas.

Every export (the incident log, rejected rows, the audit trail, the self-assessment, the meeting pack) writes its
headers and cells through the one guard here. A text "looks like a formula" when, after any apostrophes of its own
and any invisible or space characters (zero-width spaces, byte-order marks, no-break spaces, newlines, line
separators), it starts with = + - or @ or a look-alike that folds to one (full-width, small, superscript), or when
it starts with a tab or carriage return. In a workbook such a cell gets Excel's own quote prefix, so it shows as
written; a CSV file has no such thing, so the cell starts with an apostrophe instead. The import undoes exactly
what the guard added (`without_formula_guard`), so an export imported again gives back the same values.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

# Control and format characters, spaces and separators (Unicode categories Cc, Cf, Zs, Zl, Zp) and the blank
# letters some fonts draw as nothing; tests/analytics/test_exports.py checks the categories are all here.
_INVISIBLE = (
    "\x00-\x20\x7f-\xa0\xad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u1680\u180e"
    "\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u206f\u2800\u3000\u3164\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# = + - @ and every character whose compatibility form (NFKC) starts with one, and the minus sign.
_SIGNS = "=+\\-@\u2212\u207a\u207c\u208a\u208c\u2a75\u2a76\ufb29\ufe62\ufe63\ufe66\ufe6b\uff0b\uff0d\uff1d\uff20"
_FORMULA = re.compile(f"'*(?:[\t\r]|[{_INVISIBLE}]*[{_SIGNS}])")
# Characters a workbook cannot hold as they are, and text Excel would read as one of its _xHHHH_ escapes.
_UNWRITABLE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
EXCEL_CELL_LIMIT = 32_767  # characters Excel holds in one cell
DATE_FORMAT = "dd/mm/yyyy"  # a date cell as a UK reader writes it: 03/04/2025
DATE_TIME_FORMAT = "dd/mm/yyyy hh:mm"
WIDEST, NARROWEST = 60, 8  # a column's width in characters, fitted to what it holds between these
_MEASURED_ROWS = 1_000  # a column's width is fitted to its header and this many cells


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet might run this text (see the module docstring)."""
    return _FORMULA.match(text) is not None


def _is_text(column: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(column) or column.dtype == object


def _risky(cells: pd.Series) -> pd.Series:
    return cells.map(lambda cell: isinstance(cell, str) and looks_like_formula(cell)).astype(bool)


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe, so they stay text."""
    safe = frame.copy()
    for column in safe.columns:
        if _is_text(safe[column]):
            text = safe[column]
            safe[column] = text.where(~_risky(text), "'" + text.astype(str))
    return safe


def without_formula_guard(cells: pd.Series) -> pd.Series:
    """Undo the guard on cells read back in, so an exported '@handle' imports as the same person.

    The guard adds an apostrophe only before a text that looks like a formula, and a text with apostrophes in
    front looks like a formula exactly when it does without them; so one apostrophe is taken off such a text.
    """
    quoted = cells.str.startswith("'").fillna(False).astype(bool)
    if not quoted.any():
        return cells
    guarded = quoted.copy()
    guarded[quoted] = _risky(cells[quoted])
    return cells.where(~guarded, cells.str.slice(1)) if guarded.any() else cells


def _safe_headers(headers: list) -> list:
    """Column headers as formula_safe writes cells, for a CSV file."""
    return ["'" + header if isinstance(header, str) and looks_like_formula(header) else header for header in headers]


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens accented names correctly."""
    safe = formula_safe(frame)
    safe.columns = _safe_headers([str(column) for column in frame.columns])
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _excel_text(text: str) -> str:
    """The text as Excel stores it: characters a workbook cannot hold written as Excel's _xHHHH_ escapes (and an
    underscore that would start one escaped too), cut to what a cell holds."""
    escaped = _UNWRITABLE.sub(lambda match: f"_x{ord(match.group()):04X}_", text)
    return escaped[:EXCEL_CELL_LIMIT]


def write_cell(sheet: Worksheet, row: int, column: int, value: object):
    """Write one value: text always as text (quote-prefixed when it looks like a formula), a date as a date cell
    shown the UK way (with its time when it has one), yes/no as Yes or No, a number as a number.

    An apostrophe of the text's own in front of a formula is doubled, so the import (which takes one off, as it
    must for a CSV file) gives back what was written.
    """
    cell = sheet.cell(row=row, column=column)
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return cell
    if isinstance(value, pd.Timestamp | datetime | date):
        _write_date(cell, value)
        return cell
    if isinstance(value, bool):
        value = "Yes" if value else "No"
    if isinstance(value, int | float):
        cell.value = value
        return cell
    text = str(value)
    guarded = looks_like_formula(text)
    cell.value = _excel_text("'" + text if guarded and text.startswith("'") else text)
    cell.data_type = "s"
    if guarded:
        cell.quotePrefix = True
    return cell


def _write_date(cell, value: pd.Timestamp | datetime | date) -> None:
    moment = value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
    if isinstance(moment, datetime) and moment.time() == datetime.min.time():
        moment = moment.date()  # a day read from the database as midnight is still a day
    cell.value = moment
    cell.number_format = DATE_TIME_FORMAT if isinstance(moment, datetime) else DATE_FORMAT


def _shown_width(value: object) -> int:
    if isinstance(value, datetime):
        return len("00/00/0000 00:00")
    if isinstance(value, date):
        return len("00/00/0000")
    longest_line = max(str(value).splitlines() or [""], key=len)
    return len(longest_line)


def write_frame(sheet: Worksheet, frame: pd.DataFrame) -> None:
    """The header row, bold, frozen and filtered, then a row a record, every cell through `write_cell`; each
    column as wide as what it holds, within bounds, so the sheet opens readable in a meeting."""
    for column, header in enumerate(frame.columns, start=1):
        write_cell(sheet, 1, column, str(header)).font = Font(bold=True)
    for row, record in enumerate(frame.itertuples(index=False), start=2):
        for column, value in enumerate(record, start=1):
            write_cell(sheet, row, column, value.item() if isinstance(value, np.generic) else value)
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    for column, cells in enumerate(sheet.iter_cols(max_row=min(sheet.max_row, _MEASURED_ROWS + 1)), start=1):
        widest = max((_shown_width(cell.value) for cell in cells if cell.value is not None), default=0)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(widest + 2, NARROWEST), WIDEST)


def to_excel_bytes(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    book = Workbook()
    book.active.title = sheet[:31]
    write_frame(book.active, frame)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
