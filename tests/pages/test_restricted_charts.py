"""Charts as a role without small numbers meets them, and as a meeting reads them: a sentence where a chart would
have nothing in it, hidden heatmap cells that cannot be read as 0, and every split in the dashboard's one palette."""

import json

import pytest

from analytics import store
from analytics.governance.access import SAFETY_CHAMPION, VIEWER
from pages.charts import GREY, TOL_MUTED
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards
from tests.pages.helpers import open_app, text_of


def figures(app) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


@pytest.fixture
def quiet_council(database):
    """Three wards with a handful of incidents each over three months: every monthly count by ward is small."""
    con = store.connect(database)
    load_wards(con, {"Abbey": 1, "Brook": 1, "Castle": 1})
    load_councillors(
        con, [councillor("Ann Abbot", "Abbey"), councillor("Ben Brook", "Brook"), councillor("Cat Cole", "Castle")]
    )
    rows = [
        incident(f"2026-{month:02d}-{day:02d}", name, ward, "email", "verbal abuse")
        for name, ward in (("Ann Abbot", "Abbey"), ("Ben Brook", "Brook"), ("Cat Cole", "Castle"))
        for month in (7, 8, 9)
        for day in (1, 2, 3)
    ]
    load_incidents(con, [row | {"incident_ref": f"INC-{number}"} for number, row in enumerate(rows)])
    con.close()


def trends_split_by_ward(role: str):
    app = open_app("pages/trends.py", role)
    app.selectbox(key="split").select("ward")
    app.run()
    assert not app.exception, app.exception
    return app


def test_a_viewer_reads_a_sentence_where_every_number_of_a_chart_is_hidden(quiet_council):
    app = trends_split_by_ward(VIEWER)
    assert figures(app) == []
    assert "Incidents each month by ward: every number is hidden for your role, as each is small enough to identify " \
        "someone." in text_of(app)  # fmt: skip


def test_a_champion_sees_the_same_chart_drawn(quiet_council):
    app = trends_split_by_ward(SAFETY_CHAMPION)
    assert [trace["name"] for trace in figures(app)[0]["data"]] == ["Abbey", "Brook", "Castle"]
    assert "every number is hidden" not in text_of(app)


def test_a_viewer_sees_no_empty_frame_on_patterns(quiet_council):
    app = open_app("pages/patterns.py", VIEWER)
    titles = [figure["layout"]["title"]["text"] for figure in figures(app)]
    assert titles == ["Incidents per councillor, by group of councillors"]
    assert "Incidents by ward and channel: every number is hidden for your role" in text_of(app)


@pytest.mark.parametrize("split", ["channel", "abuse type", "ward", "characteristic"])
def test_every_split_is_drawn_in_the_dashboard_palette(sample, split):
    app = open_app("pages/trends.py", SAFETY_CHAMPION)
    app.selectbox(key="split").select(split)
    app.run()
    lines = figures(app)[0]["data"]
    assert len(lines) >= 3
    assert {trace["line"]["color"] for trace in lines} <= {*TOL_MUTED, GREY}
    assert len({trace["line"]["color"] for trace in lines}) == len(lines)


def test_a_viewer_tells_a_hidden_heatmap_cell_from_a_zero(sample):
    app = open_app("pages/patterns.py", VIEWER)
    [heatmap] = [figure for figure in figures(app) if figure["layout"]["title"]["text"].startswith("Incidents by ward")]
    cells = [cell for row in heatmap["data"][0]["text"] for cell in row]
    assert "hidden" in cells and "0" in cells
    notes = [caption.value for caption in app.caption]
    assert "In the chart, a hidden number is a grey cell marked 'hidden'; a 0 is the palest blue." in notes
