"""Known answers for unusual rises on a small hand-built council, and a property the test must always keep."""

import math
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.incidents import rises
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.rises import latest_complete, monthly_series, period_label, rises_in, unusual_rises
from analytics.ingest.vocabulary import CHANNELS
from tests.analytics.incidents.helpers import AS_OF, load_council, monthly
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

ALL = IncidentFilter()
CHANCE = "(a rise this large would happen by chance less than 1 time in 100)"


def found(flags: list[rises.Rise], dimension: str, value: str, period: str = "month") -> rises.Rise | None:
    matches = [rise for rise in flags if (rise.dimension, rise.value, rise.period) == (dimension, value, period)]
    assert len(matches) <= 1
    return matches[0] if matches else None


def poisson_tail(count: int, mean: float) -> float:
    """P(X >= count), X ~ Poisson(mean), by the textbook sum."""
    return 1 - sum(math.exp(-mean) * mean**k / math.factorial(k) for k in range(count))


def test_a_ward_that_jumps_to_ten_is_flagged_with_its_numbers_and_sentence(con):
    load_council(con)
    rise = found(unusual_rises(con, ALL, AS_OF), "ward", "Castle Hill")
    assert rise is not None
    assert (rise.period_label, rise.count, round(rise.baseline, 2), rise.baseline_periods) == (
        "October 2026",
        10,
        2.08,
        12,
    )
    assert rise.p_value == pytest.approx(poisson_tail(10, 25 / 12), rel=1e-9)
    assert rise.p_value == pytest.approx(6.4924e-05, abs=1e-9)
    assert rise.sentence == (
        f"Incidents in Castle Hill ward: 10 in October 2026 against an average of 2.1 a month over the previous "
        f"12 months {CHANCE}."
    )


def test_every_dimension_of_the_same_jump_is_flagged_in_its_own_words(con):
    load_council(con)
    flags = unusual_rises(con, ALL, AS_OF)
    channel, abuse = found(flags, "channel", "social media"), found(flags, "abuse type", "verbal abuse")
    assert channel.sentence.startswith("Social media incidents: 10 in October 2026 against an average of 2.1")
    assert abuse.sentence.startswith("Incidents of verbal abuse: 10 in October 2026")
    everything = found(flags, "all", "all incidents")
    assert (everything.count, round(everything.baseline, 2)) == (19, round(98 / 12, 2))
    assert everything.sentence.startswith("All incidents: 19 in October 2026")


def test_a_series_with_no_history_is_flagged_with_p_zero(con):
    load_council(con)
    rise = found(unusual_rises(con, ALL, AS_OF), "characteristic", "race")
    assert (rise.count, rise.baseline, rise.p_value) == (5, 0.0, 0.0)
    assert (
        rise.sentence
        == f"Incidents of abuse about race: 5 in October 2026 against none in the previous 12 months {CHANCE}."
    )


def test_a_flat_history_and_a_small_jump_are_not_flagged(con):
    load_council(con)
    flags = unusual_rises(con, ALL, AS_OF)
    assert found(flags, "ward", "Abbey") is None and found(flags, "channel", "email") is None
    assert rises.p_value(3, 1 / 12) < rises.SIGNIFICANCE  # Brook: 1/12 a month to 3 is rare, but only 3
    assert found(flags, "ward", "Brook") is None and found(flags, "abuse type", "stalking") is None
    assert {(rise.dimension, rise.value) for rise in flags} == {
        ("all", "all incidents"),
        ("ward", "Castle Hill"),
        ("channel", "social media"),
        ("abuse type", "verbal abuse"),
        ("characteristic", "race"),
    }


def test_rises_are_sorted_by_p_value_then_count(con):
    load_council(con)
    flags = unusual_rises(con, ALL, AS_OF)
    assert [(rise.p_value, -rise.count) for rise in flags] == sorted((rise.p_value, -rise.count) for rise in flags)
    assert flags[0].dimension == "characteristic"


def test_the_filter_dates_do_not_cut_the_baseline_but_its_other_parts_apply(con):
    load_council(con)
    october_only = IncidentFilter(start=date(2026, 10, 1), end=date(2026, 10, 31))
    assert unusual_rises(con, october_only, AS_OF) == unusual_rises(con, ALL, AS_OF)
    assert unusual_rises(con, IncidentFilter(wards=("Abbey",)), AS_OF) == []
    castle_hill = unusual_rises(con, IncidentFilter(channels=("social media",)), AS_OF)
    assert found(castle_hill, "all", "all incidents").count == 10


def test_the_series_built_with_the_log_are_those_counted_afresh(con):
    load_council(con)
    every_ward = IncidentFilter(wards=("Abbey", "Brook", "Castle Hill"))
    assert monthly_series(con, IncidentFilter(), AS_OF).equals(monthly_series(con, every_ward, AS_OF))


@pytest.mark.parametrize(
    ("as_of", "month", "flagged"),
    [
        (date(2026, 10, 31), "October 2026", True),  # the last day completes October
        (date(2026, 10, 30), "September 2026", False),
        (date(2026, 11, 1), "October 2026", True),
        (date(2026, 11, 30), "November 2026", False),  # November: no incidents at all
    ],
)
def test_the_latest_complete_month_is_the_last_one_ended_by_as_of(con, as_of, month, flagged):
    load_council(con)
    assert period_label(latest_complete(as_of, "month"), "month") == month
    assert (found(unusual_rises(con, ALL, as_of), "ward", "Castle Hill") is not None) == flagged


@pytest.mark.parametrize(
    ("as_of", "label"),
    [
        (date(2026, 9, 30), "July to September 2026"),
        (date(2026, 10, 1), "July to September 2026"),
        (date(2026, 12, 30), "July to September 2026"),
        (date(2026, 12, 31), "October to December 2026"),
        (date(2027, 3, 31), "January to March 2027"),
        (date(2026, 1, 1), "October to December 2025"),
    ],
)
def test_the_latest_complete_quarter_is_a_calendar_quarter(as_of, label):
    assert period_label(latest_complete(as_of, "quarter"), "quarter") == label


def test_a_quarter_against_the_four_before_it(con):
    """Brook: 1 incident in each quarter from July 2025 to June 2026, then 8 in July to September 2026."""
    load_wards(con, {"Brook": 1})
    load_councillors(con, [councillor("Ben Brook", "Brook")])
    months = ["2025-07-01", "2025-11-01", "2026-02-01", "2026-05-01"]
    rows = [incident(month, "Ben Brook", "Brook", "letter", "stalking") for month in months]
    for month, count in (("2026-07-01", 3), ("2026-08-01", 3), ("2026-09-01", 2)):
        rows += monthly(pd.Timestamp(month), count, "Ben Brook", "Brook", "letter", "stalking")
    load_incidents(con, [row | {"incident_ref": f"Q-{number}"} for number, row in enumerate(rows)])
    rise = found(unusual_rises(con, ALL, date(2026, 10, 5)), "ward", "Brook", "quarter")
    assert (rise.period_label, rise.count, rise.baseline, rise.baseline_periods) == (
        "July to September 2026",
        8,
        1.0,
        4,
    )
    assert rise.p_value == pytest.approx(poisson_tail(8, 1.0), rel=1e-9)
    assert rise.sentence == (
        f"Incidents in Brook ward: 8 in July to September 2026 against an average of 1.0 a quarter over the "
        f"previous 4 quarters {CHANCE}."
    )


def test_a_short_log_uses_the_months_it_has_but_needs_six(con):
    load_wards(con, {"Brook": 1})
    load_councillors(con, [councillor("Ben Brook", "Brook")])
    rows = [incident(f"2026-{month:02d}-15", "Ben Brook", "Brook", "letter", "stalking") for month in range(5, 10)]
    rows += monthly(pd.Timestamp("2026-10-01"), 9, "Ben Brook", "Brook", "letter", "stalking")
    load_incidents(con, rows)
    assert unusual_rises(con, ALL, AS_OF) == []  # May to September: 5 months, no test
    load_incidents(con, [incident("2026-04-20", "Ben Brook", "Brook", "letter", "stalking")])
    rise = found(unusual_rises(con, ALL, AS_OF), "ward", "Brook")
    assert (rise.count, rise.baseline, rise.baseline_periods) == (9, 1.0, 6)
    assert "over the previous 6 months" in rise.sentence
    assert found(unusual_rises(con, ALL, AS_OF), "ward", "Brook", "quarter") is None  # April to June only: 1 quarter


def test_a_part_logged_quarter_is_left_out_of_the_baseline():
    """The log starts in August 2025: July to September 2025 would count as 0, so it is not in the baseline."""
    months = pd.date_range("2025-08-01", "2026-10-01", freq="MS")
    incidents = [0, 0, *[1] * 9, 6, 6, 6, 1]
    series = pd.DataFrame({"dimension": "ward", "value": "Brook", "month": months, "incidents": incidents})
    [rise] = rises_in(series, AS_OF)
    assert (rise.period, rise.count, rise.baseline, rise.baseline_periods) == ("quarter", 18, 3.0, 3)


def test_an_incident_of_several_types_counts_once_in_each(con):
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey")])
    load_incidents(
        con,
        [
            incident("2026-10-02", "Ann Abbot", "Abbey", "email", "verbal abuse; threat of violence; verbal"),
            incident(
                "2026-10-03", "Ann Abbot", "Abbey", "email", "threat of violence", protected_characteristics="race; sex"
            ),
        ],
    )
    series = monthly_series(con, ALL, AS_OF).set_index(["dimension", "value"])["incidents"]
    assert series.to_dict() == {
        ("all", "all incidents"): 2,
        ("ward", "Abbey"): 2,
        ("channel", "email"): 2,
        ("abuse type", "threat of violence"): 2,
        ("abuse type", "verbal abuse"): 1,
        ("characteristic", "race"): 1,
        ("characteristic", "sex"): 1,
    }


def test_monthly_series_is_zero_filled_and_small(con):
    load_council(con)
    series = monthly_series(con, ALL, AS_OF)
    assert list(series.columns) == ["dimension", "value", "month", "incidents"]
    brook = series[series["value"] == "Brook"]
    assert len(brook) == 13 and brook["incidents"].sum() == 4 and (brook["incidents"] == 0).sum() == 11
    assert len(series) == 13 * series.groupby(["dimension", "value"]).ngroups


def test_an_empty_log_has_no_rises(con):
    assert monthly_series(con, ALL, AS_OF).empty
    assert unusual_rises(con, ALL, AS_OF) == []


def test_every_channel_has_its_own_words():
    assert set(rises._CHANNEL_SUBJECTS) == set(CHANNELS)


SERIES_MONTHS = pd.date_range("2025-07-01", "2026-10-01", freq="MS")  # both baselines and both latest periods
counts = st.lists(st.integers(0, 12), min_size=len(SERIES_MONTHS), max_size=len(SERIES_MONTHS))
additions = st.lists(st.integers(0, 4), min_size=12, max_size=12)


def frame(incidents: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"dimension": "ward", "value": "Brook", "month": SERIES_MONTHS, "incidents": incidents})


@settings(max_examples=60, deadline=None)
@given(counts, additions)
def test_more_incidents_in_earlier_months_never_make_a_rise_more_unusual(history, added):
    """Adding to July 2025 - June 2026 (baseline months of both tests, in neither latest period)."""
    busier = [count + extra for count, extra in zip(history, [*added, 0, 0, 0, 0], strict=True)]
    before = {(rise.period, rise.value): rise.p_value for rise in rises_in(frame(history), AS_OF)}
    for rise in rises_in(frame(busier), AS_OF):
        assert (rise.period, rise.value) in before
        assert rise.p_value >= before[rise.period, rise.value]


def test_leaving_out_series_too_small_to_flag_changes_no_rise(con):
    load_council(con)
    every_series = monthly_series(con, ALL, AS_OF)
    testable = monthly_series(con, ALL, AS_OF, testable_only=True)
    assert len(testable) < len(every_series)
    assert unusual_rises(con, ALL, AS_OF) == rises_in(every_series, AS_OF) != []
