"""A council with one unusual rise in its latest month, for the tests of rises and alerts."""

from datetime import date

import pandas as pd

from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

AS_OF = date(2026, 11, 24)  # latest complete month October 2026, latest complete quarter July to September 2026
BASELINE_MONTHS = pd.date_range("2025-10-01", "2026-09-01", freq="MS")  # the 12 months before October 2026
CASTLE_HILL_HISTORY = [1, 2, 3, 2, 1, 3, 2, 2, 1, 3, 2, 3]  # 25 over 12 months: 2.0833 a month


def monthly(month: pd.Timestamp, count: int, who: str, ward: str, channel: str, types: str, **fields) -> list[dict]:
    """`count` incidents in one month, on different days."""
    return [
        incident(f"{month:%Y-%m}-{day + 1:02d}", who, ward, channel, types, **fields)
        for day in range(count)  # at most 28 a month
    ]


def load_council(con, extra: list[dict] = ()) -> None:
    """Castle Hill: 1-3 social media incidents a month for a year, then 10 in October 2026 (5 of them racist).
    Abbey: a flat 6 email incidents every month. Brook: 1 letter in March 2026, then 3 in October 2026."""
    load_wards(con, {"Abbey": 1, "Brook": 1, "Castle Hill": 1})
    load_councillors(
        con, [councillor("Ann Abbot", "Abbey"), councillor("Ben Brook", "Brook"), councillor("Cal Hill", "Castle Hill")]
    )
    rows = [*extra]
    for month, count in zip(BASELINE_MONTHS, CASTLE_HILL_HISTORY, strict=True):
        rows += monthly(month, count, "Cal Hill", "Castle Hill", "social media", "verbal abuse")
    october = pd.Timestamp("2026-10-01")
    rows += monthly(october, 5, "Cal Hill", "Castle Hill", "social media", "verbal abuse")
    rows += monthly(
        october, 5, "Cal Hill", "Castle Hill", "social media", "verbal abuse", protected_characteristics="race"
    )
    for month in [*BASELINE_MONTHS, october]:
        rows += monthly(month, 6, "Ann Abbot", "Abbey", "email", "intimidation")
    rows += monthly(pd.Timestamp("2026-03-01"), 1, "Ben Brook", "Brook", "letter", "stalking")
    rows += monthly(october, 3, "Ben Brook", "Brook", "letter", "stalking")
    load_incidents(con, [row | {"incident_ref": f"INC-{number}"} for number, row in enumerate(rows)])
