"""The map of the wards on "Where is abuse concentrated?": a shape a ward, coloured by incidents per councillor,
hidden wards hatched for roles without small numbers, the numbers behind it, and a sentence instead when the council
has given no boundaries."""

import json

import pytest

from analytics import audit, store
from analytics.governance.access import SAFETY_OFFICER, VIEWER
from analytics.ingest.boundaries import import_boundaries
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards, ons_boundaries
from tests.pages.helpers import as_read, open_app, text_of

MAP_TITLE = "Incidents per councillor in each ward, on a map"
PLANE_TRACES = {"scatter"}  # a shape a ward on plain axes: no geo or map trace, which would fetch from the internet


def the_map(app) -> dict:
    [figure] = [
        spec
        for chart in app.get("plotly_chart")
        if (spec := json.loads(chart.proto.spec))["layout"].get("title", {}).get("text") == MAP_TITLE
    ]
    return figure


def ward_shapes(figure: dict) -> dict[str, dict]:
    return {trace["meta"]: trace for trace in figure["data"] if trace.get("fill") == "toself"}


def test_the_sample_councils_wards_are_each_drawn_as_a_shape_coloured_by_their_rate(sample):
    app = open_app("pages/patterns.py", SAFETY_OFFICER)
    figure = the_map(app)
    shapes = ward_shapes(figure)
    assert len(shapes) == 20 and "Fernwick Central" in shapes
    assert {trace.get("type", "scatter") for trace in figure["data"]} == PLANE_TRACES
    assert not figure["layout"]["xaxis"]["visible"] and figure["layout"]["yaxis"]["scaleanchor"] == "x"
    assert "56.7 incidents per councillor" in shapes["Fernwick Central"]["name"]
    colour_bar = [trace for trace in figure["data"] if trace.get("marker", {}).get("showscale")]
    assert colour_bar and colour_bar[0]["marker"]["colorbar"]["title"]["text"] == "Incidents per councillor"
    assert len({trace["fillcolor"] for trace in shapes.values()}) > 5  # coloured by rate, not all alike
    numbers = [expander for expander in app.expander if expander.label == "Show the numbers behind this chart"]
    assert len(numbers) == len(app.get("plotly_chart"))  # the map's numbers too


@pytest.fixture
def small_council(database):
    """Abbey with a councillor and 16 incidents; Brook's 2 and Castle's 12, so Brook's count is hidden from a viewer
    (and one more ward with it); each ward with an ONS boundary."""
    con = store.connect(database)
    codes = load_wards(con, {"Abbey": 1, "Brook": 1, "Castle": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey"), councillor("Bea Brook", "Brook"),
                           councillor("Cy Castle", "Castle")])  # fmt: skip
    rows = [incident(f"2026-03-{day:02d}", "Ann Abbot", "Abbey", "email", "verbal abuse") for day in range(1, 17)]
    rows += [incident(f"2026-04-{day:02d}", "Bea Brook", "Brook", "email", "verbal abuse") for day in range(1, 3)]
    rows += [incident(f"2026-05-{day:02d}", "Cy Castle", "Castle", "email", "verbal abuse") for day in range(1, 13)]
    load_incidents(con, rows)
    import_boundaries(con, ons_boundaries(codes), "wards.geojson")
    con.close()
    return database


def test_a_viewer_sees_a_hidden_ward_hatched_and_told_not_coloured_as_a_number(small_council):
    app = open_app("pages/patterns.py", VIEWER)
    shapes = ward_shapes(the_map(app))
    assert shapes["Brook"]["fillpattern"]["shape"] == "/"
    assert "hidden" in shapes["Brook"]["name"] and "2" not in shapes["Brook"]["name"]
    assert "fillpattern" not in shapes["Abbey"]
    assert "Hatched wards" in "\n".join(caption.value for caption in app.caption)


def test_a_safety_officer_sees_every_wards_figure_unhatched(small_council):
    shapes = ward_shapes(the_map(open_app("pages/patterns.py", SAFETY_OFFICER)))
    assert not any("fillpattern" in trace for trace in shapes.values())
    assert "2.0 incidents per councillor" in shapes["Brook"]["name"]


def test_without_boundaries_the_page_says_how_to_add_them_and_draws_no_empty_map(sample):
    con = store.connect()
    con.execute("DELETE FROM ward_boundaries")
    con.close()
    app = open_app("pages/patterns.py", SAFETY_OFFICER)
    assert "ward boundaries on the Import page" in text_of(app)
    assert not [chart for chart in app.get("plotly_chart") if MAP_TITLE in chart.proto.spec]


@pytest.fixture
def registered(database):
    con = store.connect(database)
    codes = load_wards(con, {"Abbey": 1, "Brook": 1, "Castle": 1})
    con.close()
    return codes


def import_from_the_page(data: bytes, file_name: str):
    app = open_app("pages/import_data.py", SAFETY_OFFICER)
    app.segmented_control(key="kind").set_value("boundaries")
    app.run()
    app.file_uploader(key="boundaries_upload").upload(file_name, data, "application/geo+json")
    app.run()
    app.button(key="import_boundaries").click()
    app.run()
    assert not app.exception, app.exception
    return app


def test_ward_boundaries_are_imported_from_the_import_page_and_audited(registered):
    app = import_from_the_page(ons_boundaries(registered | {"Elsewhere": "E05999999"}), "Wards_BGC.geojson")
    assert "Stored the boundaries of 3 wards from Wards_BGC.geojson" in as_read(app.success[0].value)
    assert "1 ward in the file is not in your ward register" in text_of(app)
    con = store.connect()
    assert con.execute("SELECT count(*) FROM ward_boundaries").fetchone()[0] == 3
    assert audit.entries(con, actions=(audit.IMPORTED,))["Detail"].tolist() == [
        "ward boundaries: 4 wards in file, 3 stored, 1 not in register"
    ]


def test_a_file_that_is_not_boundaries_is_refused_on_the_import_page_in_one_sentence(registered):
    app = import_from_the_page(b"WD24CD,WD24NM\n", "wards.json")
    assert len(app.error) == 1 and "is not GeoJSON" in app.error[0].value


def test_the_map_follows_the_sidebars_filters(small_council):
    app = open_app("pages/patterns.py", SAFETY_OFFICER)
    app.multiselect(key="wards").set_value(["Abbey"])
    app.run()
    shapes = ward_shapes(the_map(app))
    assert "16.0 incidents per councillor" in shapes["Abbey"]["name"]
    assert "(0 incidents)" in shapes["Castle"]["name"]
