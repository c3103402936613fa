"""The Councillors and risk page on the sample council and on an empty database, through AppTest."""

import shutil

import pytest

from analytics import clock, store
from analytics.incidents.filters import IncidentFilter
from analytics.incidents.perpetrators import repeat_perpetrators
from analytics.incidents.risk import escalation_summary, escalations, risk_counts
from tests.builders import councillor, incident, load_councillors, load_incidents, load_wards
from tests.pages.helpers import open_app, table_with, text_of

PAGE = "pages/councillors.py"


@pytest.fixture(scope="module")
def sample_page(sample_database, tmp_path_factory):
    """The page once over a copy of the sample council, shared by the tests that only read it."""
    path = tmp_path_factory.mktemp("councillors") / "sample.duckdb"
    shutil.copy(sample_database, path)
    con = store.connect(path)
    escalated = escalations(con, clock.today())
    counts = risk_counts(con, clock.today())
    con.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(store.DB_ENV, str(path))
        yield open_app(PAGE), escalated, counts


def test_the_page_leads_with_how_many_need_escalating(sample_page):
    app, escalated, counts = sample_page
    assert app.title[0].value == "Whose risk has risen?"
    lead = app.markdown[0].value
    assert lead == escalation_summary(counts)
    assert lead.startswith(f"{len(escalated)} councillors need escalating: ")
    above = sum(risk.above_recorded for risk in escalated)
    out_of_date = sum(risk.assessment_out_of_date for risk in escalated)
    assert f"{above} have a suggested risk above" in lead and f"{out_of_date} have a risk assessment" in lead


def test_the_escalation_table_lists_the_same_councillors_in_order(sample_page):
    app, escalated, counts = sample_page
    table = table_with(app, "Why escalate")
    assert table["Councillor"].tolist() == [risk.name for risk in escalated]
    stale = table[table["Councillor"] == "Amara Okonkwo-Hale"].iloc[0]
    assert (stale["Recorded"], stale["Last assessed"]) == ("Low", "9 May 2023")


def test_the_repeat_perpetrators_include_fernwicktruth_with_their_timeline(sample_page):
    app, _, _ = sample_page
    people = table_with(app, "Why listed")
    assert "fernwicktruth" in people["Person"].tolist()
    fernwicktruth = people[people["Person"] == "fernwicktruth"].iloc[0]
    assert "@FernwickTruth" in fernwicktruth["Written as"]
    assert any(label.startswith("fernwicktruth: ") for label in (expander.label for expander in app.expander)), (
        "expected an expander for fernwicktruth"
    )
    assert "fernwicktruth is linked to" in text_of(app)


def test_every_councillor_is_listed_with_suggested_and_recorded_levels(sample_page):
    app, _, _ = sample_page
    register = table_with(app, "Own risk assessment")
    assert len(register) == 50
    assert set(register["Suggested"]) <= {"Low", "Medium", "High"}
    assert "How the suggested level is worked out" in [expander.label for expander in app.expander]


def test_an_empty_database_says_what_to_import(database):
    app = open_app(PAGE)
    assert app.title[0].value == "Whose risk has risen?"
    assert "Import your councillor register on the Import page to see risk levels." in text_of(app)
    assert "No incidents yet: import your incident log on the Import page." in text_of(app)
    assert not app.dataframe


def test_a_long_list_of_people_is_shown_a_page_at_a_time(database):
    con = store.connect()
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey")])
    load_incidents(
        con,
        [
            incident(f"2026-0{month}-{person % 28 + 1:02d}", "Ann Abbot", "Abbey", "email", "verbal abuse",
                     perpetrator_ref=f"person {person:02d}")
            for person in range(30)
            for month in range(1, 1 + 3 + (person < 10))
        ],
    )  # fmt: skip
    everyone = [person.perpetrator_key for person in repeat_perpetrators(con, IncidentFilter(), clock.today())]
    con.close()
    app = open_app(PAGE)
    assert table_with(app, "Why listed")["Person"].tolist() == everyone[:25]
    assert "1 to 25 of 30." in [caption.value for caption in app.caption]
    app.number_input(key="people_page").set_value(2).run()
    assert table_with(app, "Why listed")["Person"].tolist() == everyone[25:]
    assert [expander.label.split(":")[0] for expander in app.expander if expander.label.startswith("person ")] == (
        everyone[25:]
    )


def test_a_person_with_many_incidents_shows_their_latest(database):
    con = store.connect()
    load_wards(con, {"Abbey": 1})
    load_councillors(con, [councillor("Ann Abbot", "Abbey")])
    days = [f"2026-{month:02d}-{day:02d}" for month in range(1, 12) for day in range(1, 6)]  # 55 days
    load_incidents(con, [incident(day, "Ann Abbot", "Abbey", "email", "verbal abuse", perpetrator_ref="@many")
                         for day in days])  # fmt: skip
    con.close()
    app = open_app(PAGE)
    assert "Their latest 50 incidents of 55." in [caption.value for caption in app.caption]
    timeline = table_with(app, "How")
    assert len(timeline) == 50 and timeline["Date"].iloc[-1] == "5 November 2026"
