"""Overview, Trends and Patterns on the sample council, through AppTest: what a safety champion reads on each."""

import json

import pandas as pd
import pytest

from analytics import clock, store
from analytics.incidents.alerts import current_alerts
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incident_log import count_incidents
from analytics.incidents.patterns import describe_concentration, heatmap, ward_rates
from analytics.incidents.trends import biggest_rises, describe_year_on_year, latest_year_on_previous
from tests.pages.helpers import as_read, chart_values, open_app, table_with, text_of


@pytest.fixture(scope="session")
def expected(sample_database):
    """The figures the pages should show over the sample council, worked out directly."""
    con = store.connect(sample_database)
    comparison = latest_year_on_previous(con, IncidentFilter())
    figures = {
        "alerts": current_alerts(con, clock.today()),
        "trend_lead": describe_year_on_year(
            comparison,
            biggest_rises(con, IncidentFilter(), comparison, "channel", top=1),
            biggest_rises(con, IncidentFilter(), comparison, "ward", top=1),
        ),
        "patterns_lead": describe_concentration(
            ward_rates(con, IncidentFilter()), heatmap(con, IncidentFilter(), "channel")
        ),
        "total": count_incidents(con, IncidentFilter()),
        "email": count_incidents(con, IncidentFilter(channels=("email",))),
    }
    con.close()
    return figures


def figure(app, index: int = 0) -> dict:
    return json.loads(app.get("plotly_chart")[index].proto.spec)


def test_overview_shows_what_needs_attention_from_the_digest(sample, expected):
    app = open_app()
    rises = [alert.sentence for alert in expected["alerts"] if alert.kind == "unusual rise"]
    assert rises and [as_read(warning.value) for warning in app.warning] == rises
    assert any("Castle Hill" in sentence for sentence in rises)
    labels = [expander.label for expander in app.expander]
    people = sum(alert.kind == "repeat perpetrator" for alert in expected["alerts"])
    assert f"{people} people are linked to several incidents: consider referral to the police" in labels


def test_a_shared_link_opens_the_overview_with_its_filters(sample, expected):
    assert {metric.label: metric.value for metric in open_app().metric}["Incidents"] == f"{expected['total']:,}"
    app = open_app(channels="email")
    assert {metric.label: metric.value for metric in app.metric}["Incidents"] == f"{expected['email']:,}"
    assert app.multiselect(key="channels").value == ["email"]


def test_trends_lead_with_the_year_on_year_change_and_draw_every_month(sample, expected):
    app = open_app("pages/trends.py")
    assert app.title[0].value == "Is abuse getting worse?"
    assert app.markdown[0].value == expected["trend_lead"]
    bars = figure(app)["data"][0]
    assert sum(chart_values(bars["y"])) == expected["total"]
    assert len(chart_values(bars["y"])) == 36  # November 2023 to October 2026, months with none included


def test_trends_split_by_channel_draws_a_line_for_social_media(sample, expected):
    app = open_app("pages/trends.py")
    app.selectbox(key="split").select("channel")
    app.run()
    names = [trace["name"] for trace in figure(app)["data"]]
    assert "social media" in names and "email" in names
    assert figure(app)["layout"]["title"]["text"] == "Incidents each month by channel"


def rounded_to(values, places: int) -> bool:
    present = [value for value in values if pd.notna(value)]
    return bool(present) and all(round(value, places) == value for value in present)


def test_the_numbers_behind_the_trend_read_as_the_chart_and_its_sentences_do(sample, expected):
    app = open_app("pages/trends.py")
    numbers = table_with(app, "Rolling average")
    assert sorted(numbers.columns) == sorted(
        ["Month", "Incidents", "Rolling average", "A year before", "Change on a year (%)", "Complete"]
    )
    assert set(numbers["Complete"]) <= {"Yes", "No"} and len(numbers["Complete"])
    assert rounded_to(numbers["Rolling average"], 1) and rounded_to(numbers["Change on a year (%)"], 0)
    assert numbers["Month"].iloc[-1] == "October 2026"


def test_the_numbers_behind_the_ward_rates_are_rounded(sample, expected):
    app = open_app("pages/patterns.py")
    assert rounded_to(table_with(app, "Share of all incidents (%)")["Share of all incidents (%)"], 0)
    assert rounded_to(table_with(app, "Ward")["Incidents per councillor"], 1)


def test_patterns_lead_with_the_ward_and_channel_that_carry_most(sample, expected):
    app = open_app("pages/patterns.py")
    assert app.title[0].value == "Where is abuse concentrated?"
    assert app.markdown[0].value == expected["patterns_lead"]
    titles = [figure(app, index)["layout"]["title"]["text"] for index in range(len(app.get("plotly_chart")))]
    assert titles == [
        "Incidents per councillor in each ward",
        "Incidents per councillor in each ward, on a map",
        "Incidents by ward and channel",
        "Incidents targeting a protected characteristic",
        "Incidents per councillor, by group of councillors",
    ]
    assert sum(chart_values(figure(app, 2)["data"][0]["z"])) == expected["total"]
    assert "fictional sample data" in text_of(app)


def test_a_channel_chosen_in_the_sidebar_narrows_this_page_and_the_next(sample, expected):
    app = open_app()
    app.multiselect(key="channels").set_value(["email"])
    app.run()
    assert {metric.label: metric.value for metric in app.metric}["Incidents"] == f"{expected['email']:,}"
    app.switch_page("pages/incident_log.py")
    app.run()
    assert app.markdown[0].value.startswith(f"**{expected['email']:,} incidents match**")
