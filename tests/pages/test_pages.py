"""The pages as a user meets them, driven through Streamlit's AppTest."""

import json

import pytest

from analytics import clock, store
from analytics.ingest import registers
from analytics.ingest.importing import import_file
from analytics.sample.demo import load_sample
from tests.analytics.ingest.helpers import ROWS, csv_bytes
from tests.pages.helpers import (
    BAD_ROW,
    as_read,
    chart_values,
    new_app,
    open_app,
    table_with,
    text_of,
)


@pytest.fixture
def loaded(database):
    con = store.connect(database)
    import_file(con, "incidents", csv_bytes(*ROWS, BAD_ROW), "log.csv")
    con.close()
    return database


def test_overview_of_an_empty_database_says_what_to_do(database):
    app = open_app()
    assert app.title[0].value == "How much abuse are our councillors facing?"
    assert "No incidents yet: import your incident log on the Import page." in text_of(app)
    assert not app.get("plotly_chart")


def test_overview_shows_headline_counts_and_the_monthly_trend(loaded):
    app = open_app()
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Incidents"] == "3" and metrics["Councillors affected"] == "2"
    assert "3 incidents** against **2 councillors** in 2 wards" in text_of(app)
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["title"]["text"] == "Incidents recorded each month"
    assert sum(chart_values(figure["data"][0]["y"])) == 3
    assert "fictional sample data" not in text_of(app)


def test_import_page_previews_then_imports_and_keeps_bad_rows_aside(database):
    app = open_app("pages/import_data.py")
    app.file_uploader(key="upload").upload("log.csv", csv_bytes(*ROWS, BAD_ROW), "text/csv")
    app.run()
    assert not app.exception, app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics == {"Rows read": "4", "Can be imported": "3", "Cannot be imported": "1"}
    assert table_with(app, "Row")["Row"].tolist() == [5]
    assert store.table_counts(store.connect(database))["incidents"] == 0
    app.button(key="import").click()
    app.run()
    assert "3 new, 0 updated, 0 already held unchanged, 1 kept aside" in text_of(app)


def test_import_page_refuses_a_file_it_cannot_read_in_one_sentence(database):
    app = open_app("pages/import_data.py")
    app.file_uploader(key="upload").upload("log.csv", b"\x00\x01\x02binary", "text/csv")
    app.run()
    assert not app.exception
    assert len(app.error) == 1 and "\n" not in as_read(app.error[0].value)


def test_data_page_lists_imports_and_offers_rejected_rows_for_download(loaded):
    app = open_app("pages/data.py")
    batches = table_with(app, "Kept aside")
    assert batches["File"].tolist() == ["log.csv"] and batches["Kept aside"].tolist() == [1]
    rejected = table_with(app, "Row in original file")
    assert rejected["Row in original file"].tolist() == [5]
    assert "31/02/2026" in rejected["Why it was not imported"][0]
    assert app.get("download_button")


def test_every_page_says_when_the_sample_council_is_loaded(sample):
    pages = ["trends", "patterns", "councillors", "incident_log", "import_data", "data"]
    for page in [None, *(f"pages/{name}.py" for name in pages)]:
        app = open_app(page)
        assert "fictional sample data" in text_of(app), page
    overview = open_app()
    assert {metric.label: metric.value for metric in overview.metric}["Incidents"] == "1,495"


def test_a_file_with_unknown_headers_shows_the_mapping_and_what_is_missing(database):
    app = open_app("pages/import_data.py")
    app.file_uploader(key="upload").upload("odd.csv", b"When,Member\n03/04/2025,Ann Lee\n", "text/csv")
    app.run()
    assert not app.exception
    mapping = table_with(app, "Imports as")
    assert mapping["Column in your file"].tolist() == ["When", "Member"]
    assert mapping["Imports as"].tolist() == ["Date of incident", "Councillor"]
    assert "no column for Ward, Channel or Type of abuse (its columns are 'When', 'Member')" in as_read(
        app.error[0].value
    )
    assert "import" not in [button.key for button in app.button]


def test_a_log_in_the_councils_own_words_shows_each_column_understood_and_how_surely(database):
    app = open_app("pages/import_data.py")
    headers = ["Date & time of incident", "Councillor affected", "Division", "Means of contact", "Abuse category"]
    log = ",".join([*headers, "Officer initials"]) + "\n03/04/2025,Cllr Ann Lee,Castle Hill,Email,Verbal abuse,JW\n"
    app.file_uploader(key="upload").upload("log.csv", log.encode(), "text/csv")
    app.run()
    assert not app.exception and not app.error
    mapping = table_with(app, "How sure").set_index("Column in your file")
    assert mapping["Imports as"].to_dict() == {
        "Date & time of incident": "Date of incident",
        "Councillor affected": "Councillor",
        "Division": "Ward",
        "Means of contact": "Channel",
        "Abuse category": "Type of abuse",
        "Officer initials": "(do not import)",
    }
    assert mapping["How sure"].tolist() == ["sure"] * 5 + [""]
    assert {metric.label: metric.value for metric in app.metric}["Can be imported"] == "1"


def test_a_ward_register_import_then_asks_which_council_we_are(database, realworld):
    app = open_app("pages/import_data.py")
    app.segmented_control(key="kind").set_value("wards")
    app.run()
    lookup = realworld / "wards" / "ons_ward_to_lad_dec2019_uk_WD19.csv"
    app.file_uploader(key="upload").upload(lookup.name, lookup.read_bytes(), "text/csv")
    app.run()
    app.button(key="import").click()
    app.run()
    assert "8,887 new" in text_of(app)
    app.selectbox(key="authority").select("E06000001")
    app.run()
    app.button(key="choose_authority").click()
    app.run()
    assert "matched to the wards of Hartlepool" in text_of(app)
    assert registers.chosen_authority(store.connect(database)) == "E06000001"


def test_the_sample_council_can_be_removed_from_the_data_page(database):
    con = store.connect(database)
    load_sample(con)
    con.close()
    app = open_app("pages/data.py")
    app.button(key="remove_sample").click()
    app.run()
    assert not app.exception
    assert "Nothing has been imported yet" in text_of(app)
    assert "fictional sample data" not in text_of(app)


def test_a_survey_export_is_imported_as_a_wave_from_the_import_page(database, realworld):
    app = open_app("pages/import_data.py")
    app.segmented_control(key="kind").set_value("survey")
    app.run()
    export = realworld / "survey-exports" / "qualtrics_three_header_rows.csv"
    app.text_input(key="wave").input("2024")
    app.file_uploader(key="survey_upload").upload(export.name, export.read_bytes(), "text/csv")
    app.run()
    app.button(key="import_survey").click()
    app.run()
    assert not app.exception
    assert "Imported wave 2024 from qualtrics_three_header_rows.csv (Qualtrics): 1 respondents" in text_of(app)
    assert any("identify people" in as_read(w.value) and "IPAddress" in as_read(w.value) for w in app.warning)
    assert store.table_counts(store.connect(database))["survey_waves"] == 1


def test_a_survey_without_a_wave_is_refused_in_one_sentence(database, realworld):
    app = open_app("pages/import_data.py")
    app.segmented_control(key="kind").set_value("survey")
    app.run()
    export = realworld / "survey-exports" / "google_forms.csv"
    app.file_uploader(key="survey_upload").upload(export.name, export.read_bytes(), "text/csv")
    app.run()
    app.button(key="import_survey").click()
    app.run()
    assert [as_read(error.value) for error in app.error] == [
        "A survey import needs a wave label, such as the year of the survey, e.g. 2025."
    ]


def test_a_clock_setting_that_is_not_a_date_is_said_in_one_sentence(database, monkeypatch):
    app = new_app()
    monkeypatch.setenv(clock.CLOCK_ENV, "31/12/2026")
    app.run()
    assert not app.exception
    assert [as_read(error.value) for error in app.error] == [
        "SAFETY_DASHBOARD_TODAY='31/12/2026' is not a date: write it as YYYY-MM-DD (or YYYY-MM-DDTHH:MM), or unset it."
    ]
