"""How soon a report or request must be acknowledged: working days after the day it was raised."""

from datetime import date

from analytics.acknowledgement import due_on

FRIDAY = date(2026, 11, 20)


def test_targets_count_working_days_and_critical_is_the_same_day():
    assert due_on(FRIDAY, 0) == FRIDAY
    assert due_on(FRIDAY, 1) == date(2026, 11, 23)  # Monday
    assert due_on(FRIDAY, 3) == date(2026, 11, 25)
    assert due_on(date(2026, 11, 21), 1) == date(2026, 11, 23)  # raised on a Saturday: Monday
