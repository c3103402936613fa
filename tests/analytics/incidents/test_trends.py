"""Is it getting worse? The last 12 complete months against the 12 before, and the latest complete quarter against the
same quarter a year earlier, on hand-built councils with the clock pinned to 24 November 2026."""

from dataclasses import replace

import pandas as pd

from analytics.governance.access import SAFETY_OFFICER, VIEWER, User
from analytics.governance.privacy import getting_worse_sentence
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.trends import getting_worse
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

OFFICER = User("o", "Officer", SAFETY_OFFICER)
VIEWING = User("v", "Viewer", VIEWER)


def incidents_each_month(first: str, last: str, count: int, ward: str = "Abbey", channel: str = "email") -> list:
    who = {"Abbey": "Ann Abbot", "Brook": "Ben Brook"}[ward]
    return [
        incident(f"{month:%Y-%m}-{day + 1:02d}", who, ward, channel, "verbal abuse")
        for month in pd.date_range(first, last, freq="MS")
        for day in range(count)
    ]


def council_of(*rows: list) -> callable:
    def build(con) -> None:
        load_wards(con, {"Abbey": 1, "Brook": 1})
        load_councillors(con, [councillor("Ann Abbot", "Abbey"), councillor("Ben Brook", "Brook")])
        every = [row for part in rows for row in part]
        load_incidents(con, [row | {"incident_ref": f"INC-{number}"} for number, row in enumerate(every)])

    return build


# Three years: 2 a month in Abbey to October 2025, then 3 a month; November 2026 is still under way and not counted.
THREE_YEARS = council_of(
    incidents_each_month("2023-11-01", "2025-10-01", 2),
    incidents_each_month("2025-11-01", "2026-11-01", 3),
    incidents_each_month("2025-07-01", "2025-09-01", 4, ward="Brook", channel="letter"),
)
# Started in March 2025: the 12 months before November 2025 are not all in the log, July to September 2025 are.
SHORT_LOG = council_of(incidents_each_month("2025-03-01", "2026-10-01", 1))


def test_the_last_12_complete_months_against_the_12_before(built_by):
    year, _ = getting_worse(built_by(THREE_YEARS), IncidentFilter())
    assert (year.name, year.earlier_name) == ("the 12 months to October 2026", "the 12 months to October 2025")
    assert (year.incidents, year.earlier) == (36, 24 + 12)
    assert year.change_pct == 0


def test_the_latest_complete_quarter_against_the_same_quarter_a_year_earlier(built_by):
    _, quarter = getting_worse(built_by(THREE_YEARS), IncidentFilter())
    assert (quarter.name, quarter.earlier_name) == ("July to September 2026", "July to September 2025")
    assert (quarter.incidents, quarter.earlier) == (9, 6 + 12)
    assert quarter.change_pct == -50


def test_the_comparisons_keep_the_sidebar_conditions_but_not_its_dates(built_by):
    chosen = IncidentFilter(start=pd.Timestamp("2026-01-01").date(), end=pd.Timestamp("2026-01-31").date())
    year, quarter = getting_worse(built_by(THREE_YEARS), replace(chosen, wards=("Abbey",)))
    assert (year.incidents, year.earlier, quarter.incidents, quarter.earlier) == (36, 24, 9, 6)
    assert year.change_pct == 50


def test_a_log_shorter_than_24_months_compares_only_what_it_covers(built_by):
    year, quarter = getting_worse(built_by(SHORT_LOG), IncidentFilter())
    assert (year.incidents, year.earlier, year.change_pct) == (12, None, None)
    assert (quarter.incidents, quarter.earlier) == (3, 3)
    sentence = getting_worse_sentence(OFFICER, year, quarter)
    assert sentence == (
        "**12 incidents** were recorded in the 12 months to October 2026; the log does not go back to the 12 months "
        "to October 2025 to compare with. July to September 2026 had 3 incidents, the same as in July to September "
        "2025."
    )


def test_the_officer_reads_the_change_with_both_counts(built_by):
    year, quarter = getting_worse(built_by(THREE_YEARS), IncidentFilter(wards=("Abbey",)))
    assert getting_worse_sentence(OFFICER, year, quarter) == (
        "**36 incidents** were recorded in the 12 months to October 2026, up 50% on the 12 months to October 2025 "
        "(24 incidents). July to September 2026 had 9 incidents, up 50% on July to September 2025 (6 incidents)."
    )


def test_a_viewer_reads_no_small_count_and_no_change_that_would_give_one_away(built_by):
    year, quarter = getting_worse(built_by(THREE_YEARS), IncidentFilter(wards=("Abbey",)))
    assert getting_worse_sentence(VIEWING, year, quarter) == (
        "**36 incidents** were recorded in the 12 months to October 2026, up 50% on the 12 months to October 2025 "
        "(24 incidents). July to September 2026 had fewer than 10 incidents, against fewer than 10 incidents in July "
        "to September 2025."
    )
