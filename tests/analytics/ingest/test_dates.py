from datetime import date

import pandas as pd
import pytest

from analytics.ingest.dates import display, parse_dates


def parsed(*cells: str) -> list:
    result = parse_dates(pd.Series(list(cells)), "Date of incident")
    return [None if pd.isna(value) else value.date() for value in result.values]


@pytest.mark.parametrize(
    "cell",
    [
        "03/04/2025",
        "3/4/25",
        "3 April 2025",
        "3rd April 2025",
        "3 Apr 2025",
        "2025-04-03",
        "2025-04-03 14:05:00",
        "03-04-2025",
        "03.04.2025",
        "45750",
        "Thursday 3 April 2025",
    ],
)
def test_each_way_councils_write_the_third_of_april(cell):
    assert parsed(cell, "25/12/2024")[0] == date(2025, 4, 3)


def test_blank_and_impossible_dates_are_told_apart():
    result = parse_dates(pd.Series(["", "31/02/2026", "banana", "01/02/2026"]), "Date")
    assert result.unreadable.tolist() == [False, True, True, False]
    assert pd.isna(result.values[0])


def test_a_column_that_is_all_ambiguous_is_read_day_first_and_says_so():
    result = parse_dates(pd.Series(["01/02/2025", "03/04/2025"]), "Date of incident")
    assert [value.date() for value in result.values] == [date(2025, 2, 1), date(2025, 4, 3)]
    assert "read day-first" in result.warning and "Date of incident" in result.warning


def test_a_column_with_a_day_over_12_needs_no_warning():
    result = parse_dates(pd.Series(["01/02/2025", "25/04/2025"]), "Date")
    assert result.warning is None
    assert result.values[0].date() == date(2025, 2, 1)


def test_us_month_first_column_is_recognised_and_flagged():
    assert parsed("04/25/2025", "03/04/2025") == [date(2025, 4, 25), date(2025, 3, 4)]
    assert "month-first" in parse_dates(pd.Series(["04/25/2025"]), "Timestamp").warning


def test_display_is_the_uk_long_form():
    assert display(date(2025, 4, 3)) == "3 April 2025"
    assert display(None) == ""
