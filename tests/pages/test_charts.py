"""The charts a page draws: a national log's thousands of wards drawn as the few with most, and said so."""

import pandas as pd

from pages import charts


def wards(count: int) -> list[str]:
    return [f"Ward {number:04d}" for number in range(count)]


def test_a_ward_chart_draws_the_wards_with_the_highest_rates_and_says_of_how_many():
    rates = pd.DataFrame({"ward": wards(7000), "councillors": 3, "incidents": range(7000)})
    rates["per_councillor"] = rates["incidents"] / 3
    figure = charts.ward_rates(rates)
    assert list(figure.data[0].y) == [f"Ward {number:04d}" for number in range(6970, 7000)]
    assert figure.layout.title.text == "Incidents per councillor: the 30 highest of 7,000 wards"


def test_a_heatmap_draws_the_wards_with_most_incidents():
    grid = pd.DataFrame({"email": range(100), "letter": 1}, index=pd.Index(wards(100), name="ward"))
    figure = charts.heatmap(grid, "channel")
    assert list(figure.data[0].y) == [f"Ward {number:04d}" for number in range(70, 100)]
    assert figure.layout.title.text == "Incidents by ward and channel: the 30 wards with most of 100"


def test_a_councils_few_wards_are_all_drawn():
    rates = pd.DataFrame({"ward": wards(23), "councillors": 2, "incidents": range(23)})
    rates["per_councillor"] = rates["incidents"] / 2
    figure = charts.ward_rates(rates)
    assert len(figure.data[0].y) == 23
    assert figure.layout.title.text == "Incidents per councillor in each ward"


def test_a_hidden_heatmap_cell_is_grey_and_says_hidden_where_a_zero_is_pale_blue():
    grid = pd.DataFrame(
        {"email": pd.array([12, None], dtype="Int64"), "letter": pd.array([0, 7], dtype="Int64")},
        index=pd.Index(["Abbey", "Brook"], name="ward"),
    )
    figure = charts.heatmap(grid, "channel")
    cells = dict(zip(figure.data[0].y, figure.data[0].text, strict=True))
    assert list(cells["Brook"]) == ["hidden", "7"] and list(cells["Abbey"]) == ["12", "0"]
    assert figure.layout.plot_bgcolor == charts.HIDDEN
    assert "%{text}" in figure.data[0].hovertemplate


def test_characteristic_bars_are_one_colour():
    table = pd.DataFrame({"characteristic": ["race", "sex", "age"], "incidents": [5, 9, 12]})
    figure = charts.characteristics(table)
    assert {trace.marker.color for trace in figure.data} == {charts.PRIMARY}


def test_a_long_title_wraps_at_spaces_instead_of_running_off_the_chart():
    question = "How often in the last twelve months have you felt unsafe at a ward surgery or a public meeting?"
    figure = charts.answer_shares(pd.DataFrame({"answer": ["Often"], "count": [12], "percent": [40.0]}), question, "%")
    lines = figure.layout.title.text.split("<br>")
    assert len(lines) == 2 and all(len(line) <= charts.TITLE_WIDTH for line in lines)
    assert " ".join(lines) == question


def test_a_split_by_many_wards_gives_each_line_its_own_palette_colour():
    colours = charts.colours_for_split(pd.Series([*wards(6), charts.OTHERS]))
    assert len(set(colours.values())) == 7 and set(colours.values()) <= {*charts.TOL_MUTED, charts.GREY}
    assert colours[charts.OTHERS] == charts.GREY
