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


def test_a_long_question_as_a_title_is_wrapped_onto_lines_a_chart_can_hold():
    question = "How often, in the last twelve months, have you felt at risk of harm in your role as a councillor?"
    counts = pd.DataFrame({"answer": ["Never", "Often"], "count": [3, 7], "percent": [30.0, 70.0]})
    figure = charts.answer_shares(counts, question, "% of respondents")
    lines = figure.layout.title.text.split("<br>")
    assert len(lines) == 2 and all(len(line) <= charts.TITLE_LINE for line in lines)
    assert " ".join(lines) == question
    assert figure.layout.margin.t > 60  # room above the plot for the second line
