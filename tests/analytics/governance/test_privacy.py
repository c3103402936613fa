"""Known answers for what a role without SMALL_NUMBERS sees of incident figures, and what the others see."""

from datetime import date

import pandas as pd
import pytest

from analytics.governance import privacy
from analytics.governance.access import COUNCILLOR, SAFETY_CHAMPION, SAFETY_OFFICER, VIEWER, User
from analytics.incidents.alerts import Alert
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incidents import Headline
from analytics.incidents.trends import Comparison, counts_over_time
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards


def listed(column: pd.Series) -> list:
    """A column's values with each hidden one (<NA>) as None, so lists of them compare."""
    return [None if pd.isna(value) else value for value in column]


VIEWING = User("v", "Viewer", VIEWER)
COUNCILLOR_USER = User("c", "Councillor", COUNCILLOR, "C1")
CHAMPION = User("s", "Champion", SAFETY_CHAMPION)
OFFICER = User("o", "Officer", SAFETY_OFFICER)


def test_a_breakdown_hides_small_counts_and_one_more_for_a_viewer_only():
    counts = pd.Series([12, 3, 0, 7], index=["Abbey", "Brook", "Castle", "Dale"], name="incidents")
    hidden = privacy.counts_shown(VIEWING, counts)
    assert listed(hidden.table["incidents"]) == [12, None, 0, None]
    assert hidden.grand_total == 22 and hidden.note
    shown = privacy.counts_shown(CHAMPION, counts)
    assert shown.table["incidents"].tolist() == [12, 3, 0, 7]
    assert shown.grand_total == 22 and shown.note == ""


def test_a_crosstab_goes_through_the_shared_suppression_for_a_councillor():
    counts = pd.DataFrame({"email": [10, 2], "phone": [12, 11]}, index=["Abbey", "Brook"])
    hidden = privacy.table_shown(COUNCILLOR_USER, counts)
    assert hidden.table.isna().to_numpy().sum() >= 2 and pd.isna(hidden.table.loc["Brook", "email"])
    shown = privacy.table_shown(OFFICER, counts)
    assert shown.table.loc["Brook", "email"] == 2 and shown.row_totals.tolist() == [22, 13]


@pytest.mark.parametrize(("count", "seen"), [(0, 0), (3, None), (7, None), (10, 10), (1495, 1495)])
def test_a_figure_on_its_own_is_hidden_from_1_to_9(count, seen):
    assert privacy.figure_shown(VIEWING, count) == seen
    assert privacy.figure_shown(CHAMPION, count) == count


def headline(incidents: int, councillors: int, wards: int, high: int = 0, police: int = 0) -> Headline:
    return Headline(incidents, councillors, wards, high, police, date(2026, 1, 1), date(2026, 3, 31))


def test_the_headline_hides_small_figures_and_the_period_before_with_them():
    figures = privacy.headline_shown(VIEWING, headline(45, 4, 3, 12, 2), headline(8, 3, 2, 0, 0))
    assert figures == {
        "Incidents": (45, None),
        "Councillors affected": (None, None),
        "High or critical threat": (12, 0),
        "Reported to the police": (None, 0),
    }
    assert privacy.headline_shown(CHAMPION, headline(45, 4, 3), None)["Councillors affected"] == (4, None)


def test_the_period_sentence_says_fewer_than_10_and_gives_no_change_from_a_hidden_count():
    chosen = IncidentFilter(start=date(2026, 1, 1), end=date(2026, 3, 31))
    sentence = privacy.period_sentence(VIEWING, headline(45, 4, 3), headline(8, 3, 2), chosen)
    assert sentence == (
        "**45 incidents** against **fewer than 10 councillors** in fewer than 10 wards between 1 January 2026 and "
        "31 March 2026. The 90 days before had fewer than 10 incidents."
    )
    champion = privacy.period_sentence(CHAMPION, headline(45, 4, 3), headline(8, 3, 2), chosen)
    assert champion.startswith("**45 incidents** against **4 councillors** in 3 wards") and "(8 incidents)" in champion


def test_the_monthly_counts_are_a_series_whose_total_is_shown():
    months = pd.DataFrame({"month": pd.date_range("2026-01-01", periods=4, freq="MS"), "incidents": [20, 2, 9, 15]})
    shown = privacy.monthly_shown(VIEWING, months)
    assert listed(shown.frame["incidents"]) == [20, None, None, 15]
    assert shown.marked()["incidents"].tolist() == ["20", "–", "–", "15"]
    assert "Numbers from 1 to 4 are hidden" in shown.note
    untouched = privacy.monthly_shown(CHAMPION, months)
    assert untouched.frame is months and untouched.marked() is not None and untouched.note == ""


def rise(count: int, baseline: float, periods: int = 12) -> Alert:
    figures = {"count": count, "baseline": baseline, "baseline_periods": periods}
    return Alert("unusual rise", "all incidents", figures, f"All incidents: {count} in October 2026.")


def test_a_viewer_sees_only_rises_whose_counts_are_not_small(con):
    alerts = [
        rise(30, 10.0),
        rise(6, 0.25),  # its baseline is 3 incidents over 12 months
        Alert("repeat perpetrator", "troll", {}, "troll is linked to 3 incidents; consider referral to the police."),
        Alert("escalation", "Ann Abbot", {}, "Ann Abbot's risk should be reviewed."),
    ]
    assert privacy.alerts_shown(con, VIEWING, alerts) == alerts[:1]
    assert privacy.alerts_shown(con, COUNCILLOR_USER, alerts) == alerts[:1]
    champion = privacy.alerts_shown(con, CHAMPION, alerts)
    assert [alert.kind for alert in champion] == ["unusual rise", "unusual rise", "repeat perpetrator", "escalation"]
    pseudonym = privacy.perpetrator_shown(con, CHAMPION, "troll")
    assert champion[2].sentence == f"{pseudonym} is linked to 3 incidents; consider referral to the police."
    assert privacy.alerts_shown(con, OFFICER, alerts) == alerts


def comparison(incidents: int, previous: int) -> Comparison:
    return Comparison(date(2025, 10, 1), date(2026, 9, 30), incidents, previous)


def rises(category: str, now: int, before: int) -> pd.DataFrame:
    return pd.DataFrame({"category": [category], "now": [now], "before": [before]})


def test_the_year_on_year_sentence_names_a_rise_only_when_its_counts_are_shown():
    shown = privacy.year_on_year_sentence(VIEWING, comparison(60, 40), rises("email", 20, 12), rises("Abbey", 30, 10))
    assert shown.endswith("The largest rises were on email (12 to 20) and in Abbey ward (10 to 30).")
    small = privacy.year_on_year_sentence(VIEWING, comparison(60, 40), rises("email", 20, 3), rises("Abbey", 30, 10))
    assert (
        small
        == "**60 incidents** were recorded in the 12 months to 30 September 2026, up 50% on the 12 months before (40)."
    )
    hidden = privacy.year_on_year_sentence(VIEWING, comparison(60, 4), rises("email", 20, 3), rises("Abbey", 30, 10))
    assert hidden == (
        "**60 incidents** were recorded in the 12 months to 30 September 2026, against fewer than 10 incidents in "
        "the 12 months before."
    )
    assert "(3 to 20)" in privacy.year_on_year_sentence(
        CHAMPION, comparison(60, 40), rises("email", 20, 3), rises("Abbey", 30, 10)
    )


def build_council(con) -> None:
    """Abbey: 12 incidents a month by social media from July to September 2026, and 2 by email in August."""
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey")])
    social = [incident(f"2026-{month:02d}-{day:02d}", "Ann Abbot", "Abbey", "social media", "verbal abuse")
              for month in (7, 8, 9) for day in range(1, 13)]  # fmt: skip
    email = [incident(f"2026-08-{day:02d}", "Ann Abbot", "Abbey", "email", "verbal abuse") for day in (10, 11)]
    load_incidents(con, social + email)


@pytest.fixture
def council(built_by):
    return built_by(build_council)


def test_a_split_trend_hides_small_cells_and_the_averages_of_their_category(council):
    chosen = IncidentFilter()
    frame = counts_over_time(council, chosen, "month", "channel")
    shown = privacy.trend_shown(VIEWING, frame, frame, "channel")
    email = shown.frame[shown.frame["category"] == "email"]
    social = shown.frame[shown.frame["category"] == "social media"]
    assert listed(email["incidents"]) == [None, None, None]  # 2 in all: a group under 10, hidden whole
    assert listed(social["incidents"]) == [12, None, 12]  # August's total is shown, so its 12 goes too
    assert shown.frame["rolling_average"].isna().all() and shown.frame["change_on_year_pct"].isna().all()
    assert shown.note.startswith("email is hidden because it has fewer than 10 in total.")
    untouched = privacy.trend_shown(CHAMPION, frame, frame, "channel")
    assert untouched.frame is frame


def test_a_trend_hides_averages_that_lean_on_counts_hidden_before_the_chosen_dates(council):
    chosen = IncidentFilter(start=date(2026, 9, 1), end=date(2026, 9, 30))
    frame = counts_over_time(council, chosen, "month", "channel")
    whole_log = counts_over_time(council, chosen.over_all_dates(), "month", "channel")
    shown = privacy.trend_shown(VIEWING, frame, whole_log, "channel")
    social = shown.frame[shown.frame["category"] == "social media"]
    assert listed(social["incidents"]) == [12], "September on its own hides nothing"
    assert social["rolling_average"].isna().all(), "its 3-month average takes in August's hidden 12"
    assert privacy.trend_shown(VIEWING, frame, frame, "channel").frame["rolling_average"].notna().any()


def test_an_unsplit_trend_keeps_its_averages_when_nothing_is_hidden(council):
    chosen = IncidentFilter()
    frame = counts_over_time(council, chosen, "month")
    shown = privacy.trend_shown(VIEWING, frame, frame, None)
    assert shown.frame["incidents"].tolist() == [12, 14, 12]
    assert shown.frame["rolling_average"].tolist() == pytest.approx([12.0, 13.0, 38 / 3])
    assert shown.note == ""


CELLS = pd.DataFrame(
    {
        "ward": ["Abbey", "Abbey", "Brook", "Brook", "Castle"],
        "category": ["social media", "email", "social media", "email", "social media"],
        "incidents": [16, 3, 12, 11, 10],
    }
)
RATES = pd.DataFrame(
    {
        "ward": ["Abbey", "Brook", "Castle", "Dale"],
        "councillors": [1, 2, 2, 1],
        "incidents": [19, 23, 10, 0],
        "per_councillor": [19.0, 11.5, 5.0, 0.0],
    }
)


def test_the_heatmap_and_ward_rates_hide_the_same_ward_totals():
    grid = privacy.heatmap_shown(VIEWING, CELLS)
    assert grid.frame.loc["Abbey", "email"] is pd.NA and grid.frame.loc["Castle", "email"] == 0
    assert grid.marked().loc["Abbey", "email"] == "–"
    rates = privacy.ward_rates_shown(VIEWING, RATES, CELLS)
    assert rates.frame["incidents"].tolist() == [19, 23, 10, 0]  # the ward totals are shown: the cells are hidden
    assert privacy.heatmap_shown(CHAMPION, CELLS).frame.loc["Abbey", "email"] == 3


def test_the_concentration_sentence_gives_the_channel_only_when_its_total_is_shown():
    rates = privacy.ward_rates_shown(VIEWING, RATES, CELLS)
    assert privacy.concentration_sentence(VIEWING, RATES, CELLS, rates) == (
        "Of **52 incidents**, 38 (73%) came by social media; Abbey has the most per councillor: 19.0 for each of its "
        "1 councillors (19 incidents)."
    )
    small = CELLS.assign(incidents=[3, 2, 2, 1, 1])
    tiny = RATES.assign(incidents=[5, 3, 1, 0], per_councillor=[5.0, 1.5, 0.5, 0.0])
    shown = privacy.ward_rates_shown(VIEWING, tiny, small)
    assert privacy.concentration_sentence(VIEWING, tiny, small, shown) == (
        "Of **fewer than 10 incidents**, the counts by channel and ward are too small to show."
    )


def test_characteristics_hide_a_small_count_with_its_share_and_change():
    table = pd.DataFrame(
        {
            "characteristic": ["racist", "sexist"],
            "incidents": [12, 3],
            "share_pct": [40.0, 10.0],
            "previous": [8, 5],
            "change": [4, -2],
        }
    )
    shown = privacy.characteristics_shown(VIEWING, table, 30)
    assert listed(shown.frame["incidents"]) == [12, None]
    assert listed(shown.frame["share_pct"]) == [40.0, None]
    assert listed(shown.frame["change"]) == [4, None]
    assert privacy.characteristics_shown(VIEWING, table, 8).frame["share_pct"].isna().all()  # a base under 10


def test_group_rates_hide_a_small_group_count_with_its_rate_and_interval():
    groups = pd.DataFrame(
        {
            "dimension": ["gender", "gender", "party", "party"],
            "group_name": ["men", "women", "independents", "party members"],
            "councillors": [2, 2, 1, 3],
            "incidents": [17, 28, 3, 42],
            "per_councillor": [8.5, 14.0, 3.0, 14.0],
            "low": [5.0, 9.3, 0.6, 10.1],
            "high": [13.6, 20.2, 8.8, 18.9],
        }
    )
    shown = privacy.group_rates_shown(VIEWING, groups)
    assert listed(shown.frame["incidents"]) == [17, 28, None, 42]
    assert shown.hidden.loc[2, ["per_councillor", "low", "high"]].all()
    assert not shown.hidden.loc[[0, 1, 3]].to_numpy().any()
