"""Month arithmetic (analytics.months): the same day months earlier, across year ends and short months."""

from datetime import date

import pytest

from analytics.months import months_before


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 6, 30), date(2025, 6, 30)),
        (date(2024, 2, 29), date(2023, 2, 28)),
        (date(2026, 3, 31), date(2025, 3, 31)),
    ],
)
def test_months_before_keeps_the_day_or_takes_the_months_last(day, expected):
    assert months_before(day, 12) == expected


def test_months_before_crosses_year_ends_and_short_months():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 3) == date(2025, 10, 15)
