"""Known answers for trends and patterns on a small hand-built council, and properties that must always hold."""

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analytics.incidents import patterns, trends
from analytics.incidents.filters import IncidentFilter
from analytics.ingest.vocabulary import CHANNELS
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards

ALL = IncidentFilter()


def build_council(con) -> None:
    """Abbey has one councillor, Brook two. Ann (Abbey) is an independent woman; Ben and Cal (Brook) are men."""
    load_wards(con, {"Abbey": 1, "Brook": 2})
    load_councillors(
        con,
        [
            councillor("Ann Abbot", "Abbey", party="Independent", gender="Woman", role="Leader"),
            councillor("Ben Brook", "Brook", gender="Man", role="Backbench"),
            councillor("Cal Crane", "Brook", party="Green", gender="Man", role="Backbench"),
        ],
    )
    load_incidents(
        con,
        [
            incident(
                "2025-01-10", "Ann Abbot", "Abbey", "Facebook", "verbal abuse", protected_characteristics="sexist"
            ),
            incident("2025-01-20", "Ben Brook", "Brook", "email", "verbal abuse"),
            incident(
                "2025-03-05",
                "Ann Abbot",
                "Abbey",
                "Facebook",
                "threat of violence; intimidation",
                protected_characteristics="misogynistic; racist",
            ),
            incident("2026-01-15", "Ann Abbot", "Abbey", "X", "verbal abuse"),
            incident("2026-01-16", "Ann Abbot", "Abbey", "email", "verbal abuse"),
            incident("2026-01-17", "Cal Crane", "Brook", "phone", "intimidation", protected_characteristics="ageist"),
            incident("2026-03-01", "Ben Brook", "Brook", "Facebook", "misinformation"),
        ],
    )


@pytest.fixture
def council(built_by):
    return built_by(build_council)


def test_monthly_counts_fill_empty_months_and_compare_with_a_year_before(council):
    months = trends.counts_over_time(council, ALL)
    assert len(months) == 15  # January 2025 to March 2026
    january = months[months["period"] == pd.Timestamp(2026, 1, 1)].iloc[0]
    assert (january["incidents"], january["year_before"], january["change_on_year_pct"]) == (3, 2, 50.0)
    march = months[months["period"] == pd.Timestamp(2026, 3, 1)].iloc[0]
    assert march["rolling_average"] == pytest.approx((3 + 0 + 1) / 3)
    assert months[months["period"] == pd.Timestamp(2025, 2, 1)]["incidents"].item() == 0


def test_quarterly_counts_split_by_channel_cut_to_the_chosen_period(council):
    chosen = IncidentFilter(start=date(2026, 1, 1), end=date(2026, 3, 31))
    quarters = trends.counts_over_time(council, chosen, "quarter", "channel")
    assert set(quarters["period"]) == {pd.Timestamp(2026, 1, 1)}
    by_channel = dict(zip(quarters["category"], quarters["incidents"], strict=True))
    assert by_channel == {"social media": 2, "email": 1, "phone": 1}
    social = quarters[quarters["category"] == "social media"].iloc[0]
    assert social["year_before"] == 2


def test_the_latest_twelve_months_against_the_twelve_before(council):
    comparison = trends.latest_year_on_previous(council, ALL)
    assert (comparison.start, comparison.end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert (comparison.incidents, comparison.previous, comparison.change_pct) == (4, 3, pytest.approx(100 / 3))
    rises = trends.biggest_rises(council, ALL, comparison, "ward")
    assert rises.to_dict(orient="records") == [{"category": "Brook", "now": 2, "before": 1}]


def test_ward_by_channel_heatmap_cells(council):
    cells = patterns.heatmap(council, ALL, "channel")
    table = {(row.ward, row.category): row.incidents for row in cells.itertuples()}
    assert table == {
        ("Abbey", "social media"): 3,
        ("Abbey", "email"): 1,
        ("Brook", "email"): 1,
        ("Brook", "phone"): 1,
        ("Brook", "social media"): 1,
    }


def test_ward_by_abuse_type_counts_an_incident_in_each_of_its_types(council):
    cells = patterns.heatmap(council, ALL, "abuse type")
    abbey = cells[cells["ward"] == "Abbey"].set_index("category")["incidents"].to_dict()
    assert abbey == {"verbal abuse": 3, "threat of violence": 1, "intimidation": 1}


def test_ward_rates_are_per_councillor(council):
    rates = patterns.ward_rates(council, ALL).set_index("ward")
    assert rates.loc["Abbey", "per_councillor"] == 4.0
    assert rates.loc["Brook", "per_councillor"] == 1.5
    assert list(rates.index) == ["Abbey", "Brook"]


def test_characteristics_share_and_change_on_the_previous_period(council):
    chosen = IncidentFilter(start=date(2025, 7, 1), end=date(2026, 6, 30))
    table = patterns.characteristic_breakdown(council, chosen).set_index("characteristic")
    assert table.loc["age", "incidents"] == 1 and table.loc["age", "share_pct"] == 25.0
    assert (table.loc["sex", "incidents"], table.loc["sex", "previous"], table.loc["sex", "change"]) == (0, 2, -2)
    assert table.loc["race", "previous"] == 1


def test_group_rates_with_confidence_intervals(council):
    rates = patterns.group_rates(council, ALL).set_index(["dimension", "group_name"])
    women = rates.loc[("gender", "women")]
    assert (women["councillors"], women["incidents"], women["per_councillor"]) == (1, 4, 4.0)
    assert women["low"] == pytest.approx(1.0899, abs=1e-3) and women["high"] == pytest.approx(10.2416, abs=1e-3)
    assert rates.loc[("party", "party members"), "per_councillor"] == 1.5
    assert rates.loc[("role", "leader or cabinet"), "incidents"] == 4


filters = st.builds(
    IncidentFilter,
    start=st.sampled_from([None, date(2025, 1, 15), date(2026, 1, 1)]),
    end=st.sampled_from([None, date(2025, 12, 31), date(2026, 2, 1)]),
    wards=st.lists(st.sampled_from(["Abbey", "Brook"]), max_size=2, unique=True).map(tuple),
    channels=st.lists(st.sampled_from(CHANNELS), max_size=3, unique=True).map(tuple),
    abuse_types=st.lists(st.sampled_from(["verbal abuse", "intimidation"]), max_size=2, unique=True).map(tuple),
)
narrowings = st.sampled_from(
    [
        ("wards", ("Brook",)),
        ("channels", ("email",)),
        ("abuse_types", ("verbal abuse",)),
        ("characteristics", ("sex",)),
        ("councillor_groups", ("gender:women",)),
        ("start", date(2026, 1, 1)),
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=filters, narrowing=narrowings)
def test_a_further_condition_never_increases_a_count(council, chosen, narrowing):
    name, value = narrowing
    assume(not getattr(chosen, name))
    narrowed = replace(chosen, **{name: value})
    assert patterns._count(council, narrowed) <= patterns._count(council, chosen)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=filters)
def test_a_single_valued_breakdown_adds_up_to_the_total(council, chosen):
    total = patterns._count(council, chosen)
    assert patterns.ward_rates(council, chosen)["incidents"].sum() == total
    assert patterns.heatmap(council, chosen, "channel")["incidents"].sum() == total
    assert trends.counts_over_time(council, chosen, "month", "channel")["incidents"].sum() == total
