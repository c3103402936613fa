"""The Overview answers "is it getting worse?" before anything else: the last 12 complete months against the 12
before, and the latest complete quarter against the same quarter a year earlier (the clock pinned to 24 November
2026, so October 2026 is the latest complete month and July to September 2026 the latest complete quarter)."""

from datetime import date

import pytest

from analytics import store
from analytics.governance.access import SAFETY_OFFICER, VIEWER
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards
from tests.pages.helpers import as_read, open_app


def metrics(app) -> dict[str, tuple[str, str | None]]:
    return {metric.label: (metric.value, metric.proto.delta or None) for metric in app.metric}


@pytest.fixture
def growing_council(database):
    """One ward's councillor: 1 incident a month from November 2024 to October 2025, then 2 a month; in July to
    September 2025 and 2026 that is 3 and then 6 incidents, small enough to be hidden from a viewer."""
    con = store.connect(database)
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey")])
    rows = [
        incident(f"{year}-{month:02d}-{day:02d}", "Ann Abbot", "Abbey", "email", "verbal abuse")
        for year, months, per_month in (
            (2024, (11, 12), 1),
            (2025, range(1, 11), 1),
            (2025, (11, 12), 2),
            (2026, range(1, 11), 2),
        )
        for month in months
        for day in range(1, per_month + 1)
    ]
    load_incidents(con, [row | {"incident_ref": f"INC-{number}"} for number, row in enumerate(rows)])
    con.close()


def test_an_officer_reads_whether_it_is_getting_worse_by_default(growing_council):
    app = open_app(role=SAFETY_OFFICER)
    assert as_read(app.markdown[0].value) == (
        "**24 incidents** were recorded in the 12 months to October 2026, up 100% on the 12 months to October 2025 "
        "(12 incidents). July to September 2026 had 6 incidents, up 100% on July to September 2025 (3 incidents)."
    )
    shown = metrics(app)
    assert shown["Incidents in the 12 months to October 2026"] == ("24", "+12 (+100%) on the 12 months to October 2025")
    assert shown["Incidents in July to September 2026"] == ("6", "+3 (+100%) on July to September 2025")
    assert "period before it to compare with" not in as_read(app.markdown[1].value)


def test_a_viewer_reads_the_same_answer_without_a_small_count(growing_council):
    app = open_app(role=VIEWER)
    assert as_read(app.markdown[0].value) == (
        "**24 incidents** were recorded in the 12 months to October 2026, up 100% on the 12 months to October 2025 "
        "(12 incidents). July to September 2026 had fewer than 10 incidents, against fewer than 10 incidents in July "
        "to September 2025."
    )
    shown = metrics(app)
    assert shown["Incidents in the 12 months to October 2026"] == ("24", "+12 (+100%) on the 12 months to October 2025")
    assert shown["Incidents in July to September 2026"] == ("–", None)
    assert any(caption.value.startswith("A dash (–) marks a figure from 1 to 9") for caption in app.caption)


def test_a_chosen_period_is_compared_with_the_period_before(growing_council):
    app = open_app(role=SAFETY_OFFICER)
    app.date_input(key="period").set_value((date(2025, 11, 1), date(2026, 10, 2)))
    app.run()
    assert as_read(app.markdown[0].value) == (
        "**24 incidents** against **1 councillors** in 1 ward between 1 November 2025 and 2 October 2026. "
        "That is up 118% on the 336 days before (11 incidents)."
    )
    assert not any(label.startswith("Incidents in the 12 months") for label in metrics(app))


def test_what_needs_attention_says_it_covers_the_whole_council(growing_council):
    app = open_app(role=SAFETY_OFFICER, channels="email")
    assert "These cover the whole council and its latest months, whatever the filters in the sidebar." in [
        caption.value for caption in app.caption
    ]
