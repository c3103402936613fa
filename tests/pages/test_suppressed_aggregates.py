"""Small numbers on Overview, Trends and Patterns: hidden from viewers and councillors, shown to safety champions.

Each page is walked as a user meets it (every split, both heatmaps) and every incident count it shows is read off:
metrics, the counts in its sentences, the count columns of its tables and the count traces of its charts.
"""

import json
import re

import pytest

from analytics import store
from analytics.governance.access import COUNCILLOR, SAFETY_CHAMPION, VIEWER
from analytics.incidents.trends import SPLITS
from analytics.surveys import survey_results
from tests.analytics.surveys.helpers import HELP, import_waves, question_id
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards
from tests.pages.helpers import chart_values, open_app, table_with, text_of

WITHOUT_SMALL_NUMBERS = (VIEWER, COUNCILLOR)
SMALL = range(1, 5)

# The incident counts in the pages' sentences, each pattern's groups being counts.
COUNTS_IN_WORDS = [
    r"\*\*([\d,]+) incidents\*\*",
    r"\*\*([\d,]+) councillors\*\*",
    r"in ([\d,]+) wards?\b",
    r"\(([\d,]+) incidents\)",
    r"\(([\d,]+) to ([\d,]+)\)",
    r"had ([\d,]+) incidents",
    r"against ([\d,]+) incidents",
    r"([\d,]+) (?:\(\d+%\) )?came by",
    r": ([\d,]+) in [A-Z][a-z]+",
]
COUNT_COLUMNS = {"Incidents", "Previous period", "Change", "A year before"}


def small_in_words(text: str) -> list[int]:
    counts = [int(count.replace(",", "")) for pattern in COUNTS_IN_WORDS for found in re.findall(pattern, text)
              for count in (found if isinstance(found, tuple) else (found,))]  # fmt: skip
    return [count for count in counts if count in SMALL]


def small_in_tables(app) -> list:
    found = []
    for element in app.dataframe:
        frame = element.value
        columns = [column for column in frame.columns if column != "ward"] if "ward" in frame else COUNT_COLUMNS
        for column in set(columns) & set(frame.columns):
            found += [(column, value) for value in frame[column] if _is_small(value)]
    return found


def _is_small(value) -> bool:
    text = str(value).replace(",", "")
    return bool(re.fullmatch(r"\d+(\.0+)?", text)) and float(text) in SMALL


def chart_counts(figure: dict) -> list[float]:
    """The incident counts a chart draws or shows on hover (rates, averages and intervals left out)."""
    title = figure["layout"]["title"]["text"]
    traces = figure["data"]
    if title.startswith("Incidents recorded each month") or title.startswith("Incidents each"):
        return [
            v for trace in traces if not trace.get("name", "").startswith("Average") for v in chart_values(trace["y"])
        ]
    if title.startswith("Incidents by ward and"):
        return chart_values(traces[0]["z"])
    if title == "Incidents per councillor in each ward":
        return chart_values(traces[0]["customdata"])[::2]  # hover: incidents, councillors
    if title == "Incidents targeting a protected characteristic":
        return [value for trace in traces for value in chart_values(trace["x"])]
    return []


def small_in_charts(app) -> list:
    figures = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    return [value for figure in figures for value in chart_counts(figure) if value in SMALL]


def small_counts_shown(app) -> dict[str, list]:
    """Every incident count from 1 to 4 the page shows, by where it is shown."""
    metrics = [metric.value for metric in app.metric if _is_small(metric.value)]
    words = small_in_words("\n".join([text_of(app), *(caption.value for caption in app.caption)]))
    found = {"metrics": metrics, "sentences": words, "tables": small_in_tables(app), "charts": small_in_charts(app)}
    return {where: values for where, values in found.items() if values}


def open_as(role: str, page: str | None = None):
    """The dashboard opened by someone in `role` (a councillor being the first in the register), then `page`."""
    con = store.connect()  # the database the app under test opens
    key = con.execute("SELECT min(councillor_key) FROM councillors").fetchone()[0] if role == COUNCILLOR else None
    con.close()
    return open_app(page, role, key)


def walk(role: str):
    """Overview, Trends by month and by quarter with every split, and Patterns with both heatmaps, as `role`."""
    app = open_as(role)
    yield "overview", app
    app = open_as(role, "pages/trends.py")
    for period in ("month", "quarter"):
        app.segmented_control(key="period_size").set_value(period)
        for split in ("nothing (all incidents)", *SPLITS):
            app.selectbox(key="split").select(split)
            app.run()
            assert not app.exception, app.exception
            yield f"trends by {period}, split by {split}", app
    app = open_as(role, "pages/patterns.py")
    for across in ("channel", "abuse type"):
        app.segmented_control(key="across").set_value(across)
        app.run()
        assert not app.exception, app.exception
        yield f"patterns against {across}", app


def shown_on_every_page(role: str) -> dict[str, dict]:
    return {page: found for page, app in walk(role) if (found := small_counts_shown(app))}


@pytest.fixture
def small_council(database):
    """Three wards, four councillors and 45 incidents over three months, many of its cells holding 1 to 4."""
    con = store.connect(database)
    load_wards(con, {"Abbey": 1, "Brook": 1, "Castle": 2})
    load_councillors(
        con,
        [
            councillor("Ann Abbot", "Abbey", gender="Woman", role="Leader"),
            councillor("Ben Brook", "Brook", party="Green", gender="Man", role="Backbench"),
            councillor("Cat Cole", "Castle", gender="Woman", role="Backbench"),
            councillor("Dan Dale", "Castle", party="Independent", gender="Man", role="Committee chair"),
        ],
    )
    cells = [
        ("Ann Abbot", "Abbey", "social media", 16),
        ("Ann Abbot", "Abbey", "email", 3),
        ("Ben Brook", "Brook", "email", 11),
        ("Ben Brook", "Brook", "phone", 2),
        ("Cat Cole", "Castle", "social media", 9),
        ("Dan Dale", "Castle", "phone", 1),
        ("Dan Dale", "Castle", "letter", 3),
    ]
    rows = []
    for name, ward, channel, count in cells:
        for n in range(count):
            extra = {"protected_characteristics": "sexist"} if n == 0 and name == "Ann Abbot" else {}
            extra |= {"reported_to_police": "yes"} if n < 2 and channel == "email" else {}
            rows.append(incident(f"2026-{7 + n % 3:02d}-{1 + n:02d}", name, ward, channel, "verbal abuse", **extra))
    load_incidents(con, rows)
    con.close()
    return database


@pytest.mark.parametrize("role", WITHOUT_SMALL_NUMBERS)
def test_no_small_count_is_shown_on_the_small_council_to(small_council, role):
    assert shown_on_every_page(role) == {}


def test_a_safety_champion_sees_the_small_council_s_small_counts(small_council):
    shown = shown_on_every_page(SAFETY_CHAMPION)
    assert {"metrics", "sentences", "tables", "charts"} <= {where for found in shown.values() for where in found}
    assert "patterns against channel" in shown and "trends by month, split by ward" in shown


@pytest.mark.parametrize("role", WITHOUT_SMALL_NUMBERS)
def test_no_small_count_is_shown_on_the_sample_council_to(sample, role):
    assert shown_on_every_page(role) == {}


def test_a_safety_champion_sees_the_sample_council_s_small_counts(sample):
    shown = shown_on_every_page(SAFETY_CHAMPION)
    assert "trends by month, split by ward" in shown and "patterns against abuse type" in shown


def test_a_viewer_reads_the_note_and_dashes_where_numbers_are_hidden(small_council):
    app = open_as(VIEWER)
    assert {metric.label: metric.value for metric in app.metric}["Councillors affected"] == "–"
    assert "fewer than 10 councillors" in text_of(app)
    patterns = open_as(VIEWER, "pages/patterns.py")
    notes = "\n".join(caption.value for caption in patterns.caption)
    assert "Numbers from 1 to 4 are hidden" in notes and "A dash (–) marks a hidden number." in notes
    grid = table_with(patterns, "Email").set_index("Ward")
    assert grid.loc["Abbey", "Email"] == "–" and str(grid.loc["Abbey", "Social media"]) == "16"


def test_a_viewer_sees_no_alert_about_people_and_a_champion_sees_pseudonyms(sample):
    viewer = open_as(VIEWER)
    labels = [expander.label for expander in viewer.expander]
    assert not any("linked to several incidents" in label or "risk assessment" in label for label in labels)
    champion = open_as(SAFETY_CHAMPION)
    people = next(expander for expander in champion.expander if "linked to several incidents" in expander.label)
    named = [item.value for item in people.markdown]
    assert named and all(re.match(r"- Person [0-9A-F]{6} is linked to", sentence) for sentence in named)


@pytest.fixture
def surveyed(database):
    con = store.connect(database)
    ids = import_waves(con)
    free_text = question_id(con, ids["2026"], HELP)
    con.close()
    return free_text


def test_free_text_answers_are_shown_to_a_champion_and_not_to_a_viewer(surveyed):
    def opened(role):
        app = open_as(role, "pages/surveys.py")
        app.selectbox(key="survey_question").set_value(surveyed)
        app.run()
        assert not app.exception, app.exception
        return app

    assert not [table for table in opened(VIEWER).dataframe if "What councillors wrote" in table.value.columns]
    assert "Free-text answers are not shown to your role" in text_of(opened(VIEWER))
    assert not table_with(opened(SAFETY_CHAMPION), "What councillors wrote").empty


SURVEY_COUNTS = {"Councillors", "Councillors who answered"}  # columns counting respondents


@pytest.mark.parametrize("role", WITHOUT_SMALL_NUMBERS)
def test_no_small_number_of_councillors_is_shown_on_any_survey_question_to(sample, role):
    """Every question of the sample's latest wave, with the national comparison beneath: no count of 1 to 4 of
    respondents in its tables, its charts' labels ("n=3") or its sentences ("3 of 41 councillors"), and no
    comparison base under 10."""
    con = store.connect(sample)
    latest = survey_results.waves(con)["wave_id"].iloc[0]
    asked = survey_results.questions(con, latest)["question_id"].tolist()
    con.close()
    app = open_as(role, "pages/surveys.py")
    found = {}
    for question in asked:
        app.selectbox(key="survey_question").set_value(question)
        app.run()
        assert not app.exception, app.exception
        for element in app.dataframe:
            frame = element.value
            small = [
                value for column in SURVEY_COUNTS & set(frame.columns) for value in frame[column] if _is_small(value)
            ]
            if "council_n" in frame.columns:
                small += [value for value in frame["council_n"].dropna() if 0 < value < 10]
            found.setdefault(question, []).extend(small)
        labels = " ".join(chart.proto.spec for chart in app.get("plotly_chart"))
        said = re.findall(r"n=(\d+)", labels) + re.findall(r"\b(\d+) of [\d,]+ councillors", text_of(app))
        found.setdefault(question, []).extend(int(n) for n in said if int(n) in SMALL)
    assert {question: small for question, small in found.items() if small} == {}
