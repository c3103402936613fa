"""Month arithmetic, in one place: the same day some months earlier, and months numbered as whole numbers so that
periods of months and quarters are integer arithmetic (January 2026 is 2026 * 12)."""

from __future__ import annotations

import calendar
from datetime import date


def months_before(day: date, months: int) -> date:
    """The same day the given number of months earlier; the month's last day when it is shorter (29 Feb -> 28 Feb)."""
    years, index = divmod(day.month - 1 - months, 12)
    year, month = day.year + years, index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_index(day: date) -> int:
    """Months since year 0, so that periods are integer arithmetic: January 2026 is 2026 * 12."""
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> date:
    """The first day of the month numbered `index` (see month_index)."""
    return date(index // 12, index % 12 + 1, 1)


def start_of_month(day: date, months_later: int = 0) -> date:
    """The first day of the month `months_later` months after the month of `day`."""
    return month_from_index(month_index(day) + months_later)
