"""The map of the wards: each ward's stored outline with its incidents per councillor, hidden exactly where the
ward rates chart hides them."""

import pandas as pd

from analytics.governance import privacy
from analytics.governance.access import SAFETY_CHAMPION, VIEWER, User
from analytics.incidents import ward_map
from analytics.ingest.boundaries import import_boundaries
from tests.builders import load_wards, ons_boundaries

VIEWING = User("v", "Viewer", VIEWER)
CHAMPION = User("s", "Champion", SAFETY_CHAMPION)
CELLS = pd.DataFrame(
    {
        "ward": ["Abbey", "Brook", "Castle", "Dale"],
        "category": ["email", "social media", "social media", "email"],
        "incidents": [16, 12, 10, 3],
    }
)
RATES = pd.DataFrame(
    {
        "ward": ["Abbey", "Brook", "Castle", "Dale"],
        "councillors": [1, 2, 2, 1],
        "incidents": [16, 12, 10, 3],
        "per_councillor": [16.0, 6.0, 5.0, 3.0],
    }
)
WARDS = {"Abbey": 1, "Brook": 2, "Castle": 3, "Dale": 4, "Empty": 5}


def test_without_boundaries_there_is_no_map(con):
    load_wards(con, WARDS)
    assert ward_map.ward_outlines(con).empty


def test_each_ward_with_a_boundary_is_outlined_under_its_name_in_the_register(con):
    codes = load_wards(con, WARDS)
    import_boundaries(con, ons_boundaries({name.upper(): code for name, code in codes.items()}), "wards.geojson")
    outlines = ward_map.ward_outlines(con)
    assert sorted(outlines["ward"]) == sorted(WARDS)
    assert outlines.set_index("ward").loc["Abbey", "ward_code"] == codes["Abbey"]


def outlines_of(con) -> pd.DataFrame:
    codes = load_wards(con, WARDS)
    import_boundaries(con, ons_boundaries(codes), "wards.geojson")
    return ward_map.ward_outlines(con)


def test_the_map_hides_exactly_the_wards_the_ward_rates_hide(con):
    rates = privacy.ward_rates_shown(VIEWING, RATES, CELLS)
    figures = ward_map.map_figures(outlines_of(con), rates).set_index("ward")
    hidden_in_chart = rates.hidden.set_index(rates.frame["ward"])["per_councillor"]
    assert figures.loc["Dale", "hidden"]
    assert pd.isna(figures.loc["Dale", "per_councillor"]) and pd.isna(figures.loc["Dale", "incidents"])
    assert figures.loc[list(hidden_in_chart.index), "hidden"].tolist() == hidden_in_chart.tolist()
    shown = figures[~figures["hidden"] & (figures["councillors"] > 0)]
    assert shown["per_councillor"].notna().all()


def test_a_role_that_sees_small_numbers_sees_every_wards_figure(con):
    figures = ward_map.map_figures(outlines_of(con), privacy.ward_rates_shown(CHAMPION, RATES, CELLS))
    by_ward = figures.set_index("ward")
    assert not by_ward["hidden"].any()
    assert by_ward.loc[["Abbey", "Dale"], "per_councillor"].tolist() == [16.0, 3.0]


def test_a_ward_with_no_councillor_registered_has_no_rate_and_is_not_called_hidden(con):
    figures = ward_map.map_figures(outlines_of(con), privacy.ward_rates_shown(VIEWING, RATES, CELLS))
    empty = figures.set_index("ward").loc["Empty"]
    assert empty["councillors"] == 0 and pd.isna(empty["per_councillor"]) and not empty["hidden"]


def test_a_ward_with_councillors_but_no_incident_in_the_selection_reads_as_0_per_councillor(con):
    rates = RATES.assign(
        incidents=[16, 12, 10, 0], per_councillor=[16.0, 6.0, 5.0, None]
    )  # as patterns.ward_rates gives a ward the filter leaves without incidents
    figures = ward_map.map_figures(outlines_of(con), privacy.ward_rates_shown(CHAMPION, rates, CELLS.iloc[:3]))
    assert figures.set_index("ward").loc["Dale", "per_councillor"] == 0.0
