"""Reading the dates councils write: UK day-first, ISO, written-out months and Excel serial numbers.

Dates are parsed once per distinct value, so a column of a million cells costs as much as its distinct days.
A column written with slashes is read day-first, as UK councils write dates, unless every value that tells
the two apart says month-first (as a US survey tool would); either way the import says what it assumed
when nothing in the column could settle it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from analytics import clock

_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_TIME_SUFFIX = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)$")
_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
_WORD_FORMATS = [
    "%d %B %Y",
    "%d %b %Y",
    "%d %B %y",
    "%d %b %y",
    "%B %d %Y",
    "%b %d %Y",
    "%A %d %B %Y",
    "%a %d %b %Y",
]
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = (10_000, 100_000)


@dataclass(frozen=True)
class ParsedDates:
    values: pd.Series  # datetime64, NaT where blank or unreadable
    unreadable: pd.Series  # bool: the cell had text that is not a date
    warning: str | None  # what the import assumed, for the user


def _full_year(year: str) -> int:
    number = int(year)
    if len(year) == 4:
        return number
    pivot = (clock.today().year + 1) % 100
    return 2000 + number if number <= pivot else 1900 + number


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _word_date(text: str) -> date | None:
    cleaned = " ".join(_ORDINAL.sub("", text).replace(",", " ").replace("-", " ").split())
    for pattern in _WORD_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None


def _parse_one(text: str, day_first: bool) -> date | None:
    if match := _ISO.match(text):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(text):
        first, second = int(match[1]), int(match[2])
        day, month = (first, second) if day_first else (second, first)
        return _make(_full_year(match[3]), month, day)
    if _SERIAL.match(text) and _SERIAL_RANGE[0] <= float(text) < _SERIAL_RANGE[1]:
        return _EXCEL_EPOCH + timedelta(days=int(float(text)))
    return _word_date(text)


def _column_order(distinct: list[str]) -> tuple[bool, bool]:
    """(day_first, settled): settled is False when no value could tell day-first from month-first."""
    firsts_over_12 = seconds_over_12 = False
    for text in distinct:
        if match := _NUMERIC.match(text):
            firsts_over_12 |= int(match[1]) > 12
            seconds_over_12 |= int(match[2]) > 12
    if seconds_over_12 and not firsts_over_12:
        return False, True
    return True, firsts_over_12


def parse_dates(cells: pd.Series, column: str) -> ParsedDates:
    """Parse a column of date text; `column` is the header the user knows it by, for the warning."""
    codes, written = pd.factorize(cells.astype(str), sort=False)
    distinct = [_TIME_SUFFIX.sub("", value.strip()) for value in written]
    day_first, settled = _column_order(distinct)
    parsed = [_parse_one(value, day_first) if value else None for value in distinct]
    lookup = pd.Series(pd.to_datetime(pd.Series(parsed, dtype=object)), dtype="datetime64[s]")
    values = pd.Series(lookup.to_numpy()[codes], index=cells.index)
    unreadable = values.isna() & (cells.astype(str).str.strip() != "")
    warning = None
    has_numeric = any(_NUMERIC.match(value) for value in distinct)
    if not day_first:
        warning = f"'{column}' has dates like 04/25/2025, so it was read month-first (US style)."
    elif has_numeric and not settled:
        warning = (
            f"Every date in '{column}' could be read either way (day and month both 12 or under), "
            "so they were read day-first, as UK dates."
        )
    return ParsedDates(values=values, unreadable=unreadable, warning=warning)


def display(day: date | datetime | pd.Timestamp | None) -> str:
    """A date as the dashboard shows it: 3 April 2025."""
    if day is None or pd.isna(day):
        return ""
    return f"{day.day} {day:%B %Y}"
