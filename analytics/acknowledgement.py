"""How soon a report or request a councillor raises must be acknowledged: for each threat level, a number of
working days (Monday to Friday; bank holidays are not known) after the day it was raised, 0 meaning the same day.
The council may change each (analytics.support.requests.set_acknowledgement_target); ACKNOWLEDGE_WITHIN is the
default. The queue flags what is past its day, and the self-assessment's statement 3 counts it, from these alone.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from analytics import store

ACKNOWLEDGE_WITHIN = {"critical": 0, "high": 1, "medium": 3, "low": 5}  # working days after the day it was raised
TARGET_SETTING = "acknowledge_{}_within_working_days"


def due_on(raised: date, working_days: int) -> date:
    """The day a request raised on `raised` must be acknowledged by: that many working days on (weekends skipped);
    0 is the same day, whatever day it is."""
    day = raised
    for _ in range(working_days):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return day


def acknowledgement_targets(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Working days to acknowledge a request at each threat level, most serious first: the council's settings, else
    ACKNOWLEDGE_WITHIN."""
    return {
        level: int(store.get_setting(con, TARGET_SETTING.format(level)) or days)
        for level, days in ACKNOWLEDGE_WITHIN.items()
    }


def past_due(raised: date, threat: str, targets: dict[str, int], today: date) -> bool:
    """Whether a request raised on `raised` and still not acknowledged is overdue `today`: past its threat's day."""
    return today > due_on(raised, targets[threat])
