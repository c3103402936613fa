"""The incident log page as a user meets it, driven through Streamlit's AppTest on the sample council."""

import re

from streamlit.testing.v1 import AppTest

from analytics import store
from analytics.incidents.facts import RESPONSES
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.incident_log import count_incidents, incident_page
from tests.pages.helpers import open_app

PAGE = "pages/incident_log.py"


def open_log(**query: str) -> AppTest:
    """A shared link opened, then the incident log chosen: the link's filters follow the user to the page."""
    return open_app(PAGE, **query)


def counted(database, incident_filter: IncidentFilter) -> int:
    con = store.connect(database)
    try:
        return count_incidents(con, incident_filter)
    finally:
        con.close()


def matched(app: AppTest) -> int:
    """The count in the page's answer sentence."""
    sentence = next(element.value for element in app.markdown if " your filters" in element.value)
    return int(re.search(r"\*\*([\d,]+) incidents? match", sentence)[1].replace(",", ""))


def text_of(app: AppTest) -> str:
    return "\n".join(element.value for element in [*app.markdown, *app.info, *app.caption, *app.header])


def test_the_log_answers_with_its_count_and_shows_one_page(sample):
    app = open_log()
    assert app.title[0].value == "Which incidents are behind the figures?"
    assert matched(app) == counted(sample, IncidentFilter()) == 1495
    assert "238 have a threat level worked out from the triage rules" in text_of(app)
    assert len(app.dataframe) == 1 and len(app.dataframe[0].value) == 50
    assert "Page 1 of 30: incidents 1 to 50 of 1,495." in text_of(app)
    assert {button.key for button in app.get("download_button")} == {"download_csv", "download_xlsx"}
    assert "fictional sample data" in text_of(app)


def test_filters_in_the_link_narrow_the_log(sample):
    app = open_log(channels="email")
    assert matched(app) == counted(sample, IncidentFilter(channels=("email",)))
    assert set(app.dataframe[0].value["channel"]) == {"Email"}


def test_next_shows_the_second_page(sample):
    app = open_log()
    app.button(key="next").click()
    app.run()
    assert "Page 2 of 30: incidents 51 to 100 of 1,495." in text_of(app)
    con = store.connect(sample)
    second = incident_page(con, IncidentFilter(), page=2)["ref"].tolist()
    con.close()
    assert app.dataframe[0].value["ref"].tolist() == second


def test_changing_the_order_goes_back_to_the_first_page(sample):
    app = open_log()
    app.number_input(key="page").set_value(3)
    app.run()
    app.selectbox(key="sort").select("highest threat first")
    app.run()
    assert "Page 1 of 30" in text_of(app)
    assert app.dataframe[0].value["threat"].iloc[0].startswith("Critical")


def test_choosing_a_row_opens_the_incident_in_full(sample):
    app = open_log()
    rows = app.dataframe[0].value
    position = int(rows.index[rows["threat"].str.endswith("(derived)")][0])
    app.session_state[app.dataframe[0].key] = {"selection": {"rows": [position], "columns": [], "cells": []}}
    app.run()
    assert not app.exception, app.exception
    chosen = rows.iloc[position]
    threat = chosen["threat"].removesuffix(" (derived)").lower()
    assert chosen["ref"].replace("-", "\\-") in app.header[0].value
    assert f"**Threat: {threat.capitalize()}** (worked out from the triage rules)" in text_of(app)
    assert f"**Response:** {RESPONSES[threat]}." in text_of(app)
    assert "against the same councillor" in text_of(app)


def test_an_empty_log_says_to_import_it(database):
    app = open_log()
    assert "No incidents yet: import your incident log on the Import page." in text_of(app)
    assert not app.dataframe and not app.get("download_button")


def test_filters_that_match_nothing_say_how_to_widen_them(sample):
    assert counted(sample, IncidentFilter(channels=("letter",), abuse_types=("physical assault",))) == 0
    app = open_log(channels="letter", abuse="physical assault")
    assert "No incidents match these filters: widen the period or clear a filter in the sidebar." in text_of(app)
    assert not app.dataframe
